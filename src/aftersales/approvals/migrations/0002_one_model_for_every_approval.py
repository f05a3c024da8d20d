# One model for every approval: kinds, optional amounts, a deciding right, the proposal; the service
# approvals (S8/S9) are copied in (new ids; the service table goes in service.0003), docs/decisions/0014.

from django.db import migrations, models

KIND_BY_SUBJECT = {
    "complaints.complaint": "complaint",
    "returns.returnrequest": "return",
    "returns.discountcertificate": "discount_certificate",
}


def forwards(apps, schema_editor):
    Approval = apps.get_model("approvals", "Approval")
    for subject_type, kind in KIND_BY_SUBJECT.items():
        Approval.objects.filter(subject_type=subject_type).update(kind=kind)
    ServiceApproval = apps.get_model("service", "Approval")
    rows = []
    for old in ServiceApproval.objects.select_related("request").order_by("pk").iterator():
        rule = "S8" if old.kind == "offsite" else "S9"
        rows.append(
            Approval(
                created_at=old.created_at,
                updated_at=old.updated_at,
                subject_type="service.servicerequest",
                subject_id=str(old.request_id),
                subject_label=old.request.number,
                kind=old.kind,
                purpose="",
                amount=old.cost,
                required_role="",
                required_perm="service.approve_servicerequest",
                rule=rule,
                policy_version=0,
                state=old.state,
                requested_by_id=old.requested_by_id,
                decided_by_id=old.decided_by_id,
                decided_at=old.decided_at,
                note=old.reason,
                decision_note=old.decision_note,
                explanation={"rule": rule, "text": "", "service_approval": old.pk},
            )
        )
    Approval.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0001_initial"),
        ("service", "0002_quotes_decline_reason"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="approval",
            options={"ordering": ["created_at", "id"], "verbose_name": "approval", "verbose_name_plural": "approvals"},
        ),
        migrations.AddField(
            model_name="approval",
            name="kind",
            field=models.CharField(
                choices=[
                    ("complaint", "Complaint amount"),
                    ("return", "Return"),
                    ("discount_certificate", "Discount certificate"),
                    ("offsite", "Off-site trip"),
                    ("support", "Technical or parts support"),
                    ("leave_unsolved", "Leave an unsolved job"),
                    ("fee_standard", "Fee standard"),
                    ("access", "Access to a confidential file"),
                    ("policy", "Change of an approval policy"),
                ],
                default="complaint",
                max_length=24,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="approval",
            name="required_perm",
            field=models.CharField(blank=True, max_length=100, verbose_name="approver right"),
        ),
        migrations.AddField(
            model_name="approval",
            name="payload",
            field=models.JSONField(blank=True, default=dict, verbose_name="proposal"),
        ),
        migrations.AlterField(
            model_name="approval",
            name="amount",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name="amount (yuan)"),
        ),
        migrations.AlterField(
            model_name="approval",
            name="purpose",
            field=models.CharField(
                blank=True,
                choices=[
                    ("compensation", "Compensation"),
                    ("discount", "Discount"),
                    ("return", "Return"),
                    ("sanction", "Sanction"),
                    ("other", "Other"),
                ],
                max_length=16,
                verbose_name="purpose",
            ),
        ),
        migrations.AlterField(
            model_name="approval",
            name="required_role",
            field=models.CharField(blank=True, max_length=32, verbose_name="approver role"),
        ),
        migrations.AddIndex(
            model_name="approval",
            index=models.Index(fields=["requested_by", "state", "created_at"], name="approval_requester_idx"),
        ),
        migrations.AddIndex(
            model_name="approval",
            index=models.Index(fields=["state", "required_perm", "created_at"], name="approval_perm_queue_idx"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
