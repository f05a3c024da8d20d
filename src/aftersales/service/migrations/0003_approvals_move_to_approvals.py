# S8/S9 approvals now live in the approvals app (copied by approvals.0002); the service table goes.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("service", "0002_quotes_decline_reason"),
        ("approvals", "0002_one_model_for_every_approval"),
    ]

    operations = [
        migrations.DeleteModel(name="Approval"),
    ]
