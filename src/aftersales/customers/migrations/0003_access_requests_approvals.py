# C3: every pending access request gets its approval of kind "access" in the one approvals engine
# (decided by the file's owner, the approval's decider, or a holder of customers.approve_customer_access),
# so requests asked before the engine decided access stay decidable. docs/decisions/0014.
# No event is written here (the audit chain is keyed outside the database); the request's own
# customeraccessrequest.requested event stays its record of the asking.

from django.db import migrations

TEXT = "C3: the file's owner or a manager decides."


def forwards(apps, schema_editor):
    Approval = apps.get_model("approvals", "Approval")
    AccessRequest = apps.get_model("customers", "CustomerAccessRequest")
    rows = []
    for request in AccessRequest.objects.filter(status="pending").select_related("customer", "requester"):
        taken = Approval.objects.filter(
            subject_type="customers.customeraccessrequest", subject_id=str(request.pk), kind="access"
        ).exists()
        if taken:
            continue
        owner_id = request.customer.owner_id
        rows.append(
            Approval(
                subject_type="customers.customeraccessrequest",
                subject_id=str(request.pk),
                subject_label=f"{request.customer.code} {request.customer.name}"[:200],
                kind="access",
                rule="C3",
                required_perm="customers.approve_customer_access",
                requested_by_id=request.requester_id,
                decider_id=owner_id if owner_id != request.requester_id else None,
                note=request.reason,
                explanation={"rule": "C3", "amount": None, "role": "", "text": TEXT},
                created_at=request.created_at,
                updated_at=request.created_at,
            )
        )
    Approval.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_name_index"),
        ("approvals", "0003_approval_decider"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
