# The K7 approvals move to the approvals app: the table is renamed (rows and ids kept) and the model
# leaves this app's state; approvals.0001_initial takes it over (docs/decisions/0014).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0004_complaint_from_callback"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable(name="approval", table="approvals_approval")],
            state_operations=[migrations.DeleteModel(name="approval")],
        ),
    ]
