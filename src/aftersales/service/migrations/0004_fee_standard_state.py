# B2: a fee standard's state (service.transitions.FEE_STANDARD_TRANSITIONS), derived for existing rows:
# the newest approved version is approved, older approved ones superseded; an unapproved one is
# pending while its approval waits, refused when its latest approval was refused, else a draft.

from typing import Any

from django.db import migrations, models


def derive_states(apps: Any, schema_editor: Any) -> None:
    FeeStandard = apps.get_model("service", "FeeStandard")
    Approval = apps.get_model("approvals", "Approval")
    approved = list(FeeStandard.objects.filter(approved_at__isnull=False).order_by("-version").values_list("pk", flat=True))
    if approved:
        FeeStandard.objects.filter(pk=approved[0]).update(state="approved")
        FeeStandard.objects.filter(pk__in=approved[1:]).update(state="superseded")
    for standard in FeeStandard.objects.filter(approved_at__isnull=True).only("pk"):
        latest = (
            Approval.objects.filter(subject_type="service.feestandard", subject_id=str(standard.pk))
            .order_by("-created_at", "-id")
            .values_list("state", flat=True)
            .first()
        )
        state = {"pending": "pending", "refused": "refused"}.get(latest or "", "draft")
        if Approval.objects.filter(
            subject_type="service.feestandard", subject_id=str(standard.pk), state="pending"
        ).exists():
            state = "pending"
        FeeStandard.objects.filter(pk=standard.pk).update(state=state)


class Migration(migrations.Migration):
    dependencies = [
        ("service", "0003_approvals_move_to_approvals"),
        ("approvals", "0002_one_model_for_every_approval"),
    ]

    operations = [
        migrations.AddField(
            model_name="feestandard",
            name="state",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("pending", "Waiting for approval"),
                    ("approved", "Approved"),
                    ("refused", "Refused"),
                    ("superseded", "Superseded"),
                ],
                default="draft",
                max_length=16,
                verbose_name="state",
            ),
        ),
        migrations.RunPython(derive_states, migrations.RunPython.noop),
    ]
