"""K15 (issue 15 point 1): the open callback tasks of closed complaints become callbacks of kind
"after complaint" in the callbacks queue, with their clock; done tasks stay on /complaint-tasks as
history (docs/decisions/0036). Idempotent: a complaint whose callback exists is skipped."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone, translation
from django.utils.translation import gettext


def move_open_tasks(apps, schema_editor):
    FollowUpTask = apps.get_model("complaints", "FollowUpTask")
    Callback = apps.get_model("callbacks", "Callback")
    Clock = apps.get_model("clocks", "Clock")
    tasks = FollowUpTask.objects.filter(kind="callback", done_at__isnull=True).select_related(
        "complaint", "complaint__service_request"
    )
    with translation.override(settings.LANGUAGE_CODE):  # the same words as callbacks.services
        reason = gettext("After complaint %(number)s: confirm the result")
    for task in tasks.order_by("pk"):
        complaint = task.complaint
        key = f"complaint:{complaint.pk}"
        if Callback.objects.filter(planning_key=key).exists():
            continue
        request = complaint.service_request
        day = timezone.localdate(complaint.closed_at or task.created_at)
        callback = Callback.objects.create(
            kind="after_complaint",
            planning_key=key,
            state="open",
            customer_id=complaint.customer_id,
            unit_id=request.unit_id if request is not None else None,
            service_request_id=complaint.service_request_id,
            complaint_id=complaint.pk,
            reason=reason % {"number": complaint.number},
            planned_on=day,
            try_on=day,
            due_at=task.due_at,
            policy_version=task.policy_version,
            assignee_id=task.assignee_id,
            assignee_role=task.assignee_role,
        )
        # the task's deadline clock now follows the callback (same due time, same rule and policy)
        Clock.objects.filter(subject_type="complaints.followuptask", subject_id=str(task.pk)).update(
            subject_type="callbacks.callback",
            subject_id=str(callback.pk),
            subject_label=f"{complaint.number} K15",
            url=f"/callbacks/{callback.pk}/",
        )
        task.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("callbacks", "0002_complaint_callbacks_related"),
        ("clocks", "0009_clock_kind_part_return"),
        ("complaints", "0006_review_loss_standard"),
    ]

    # Backwards: the callbacks stay (they may have been worked since); nothing to undo.
    operations = [migrations.RunPython(move_open_tasks, migrations.RunPython.noop)]
