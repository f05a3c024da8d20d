"""Recipient.answered_at: the link stays dead once answered, even after Q6 removes the answer."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    Recipient = apps.get_model("surveys", "Recipient")
    Response = apps.get_model("surveys", "Response")
    answered = Response.objects.filter(campaign_id=models.OuterRef("campaign_id"), customer_id=models.OuterRef("customer_id"))
    Recipient.objects.filter(answered_at__isnull=True).update(
        answered_at=models.Subquery(answered.values("created_at")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="recipient",
            name="answered_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="answered at"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
