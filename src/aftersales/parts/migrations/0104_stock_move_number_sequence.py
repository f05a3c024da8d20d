"""The movement number's sequence on PostgreSQL (decision 0033): nextval() never waits for another
transaction, so concurrent stock movements no longer queue on one counter row. It starts above every
number the per-month counter gave, so no number is given twice. SQLite serialises its writers anyway
and keeps the counter."""

from django.db import migrations

SEQUENCE = "parts_stock_move_number_seq"


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    Counter = apps.get_model("core", "Counter")
    top = max(Counter.objects.filter(key="stock_move").values_list("value", flat=True), default=0)
    schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE} START WITH {int(top) + 1}")


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):
    dependencies = [("parts", "0103_part_supplier_and_consumption_index"), ("core", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
