"""Hand-offs of the service case told to the person who must act (bell + e-mail per preference).

Called by the services at the moment of the hand-off, inside their transaction (the bell rows roll
back with it; the e-mail leaves on commit). Texts in the site's language, with display names and
a link to the record. Rule: S1 (urgent request → the service point's team lead), S7 (dispatch →
the engineer), S11 (signed by the customer → the manager who countersigns).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.notifications.selectors import users_to_tell
from aftersales.notifications.services import notification_language, notify_users
from aftersales.service.choices import Priority
from aftersales.service.models import ServiceRequest

LEAD_ROLES = ["team_lead"]
COUNTERSIGN_ROLES = ["cs_manager", "team_lead"]  # hold service.close_servicerequest (S11)


def _fault(request: ServiceRequest) -> str:
    text = request.fault.strip()
    return text if len(text) <= 80 else text[:79] + "…"


def _name(user: Any) -> str:
    return str(user) if user is not None else ""


def notice_request_registered(request: ServiceRequest, *, by: Any) -> None:
    """S1/S7: an urgent request waits for dispatch: its service point's team lead(s)."""
    if request.priority != Priority.URGENT:
        return
    with notification_language():
        notify_users(
            users=[u for u in users_to_tell(roles=LEAD_ROLES, service_point_id=request.service_point_id) if u != by],
            title=_("Urgent request %(number)s waits for dispatch: %(customer)s")
            % {"number": request.number, "customer": request.customer.name},
            body=_("%(who)s registered it. Fault: %(fault)s") % {"who": _name(by), "fault": _fault(request)},
            url=reverse("service:board"),
            rule="S7",
        )


def notice_request_dispatched(request: ServiceRequest, *, by: Any, previous: Any) -> None:
    """S7: the engineer dispatched to the job is told; on a reassignment the previous one too."""
    with notification_language():
        values = {
            "number": request.number,
            "customer": request.customer.name,
            "who": _name(by),
            "engineer": _name(request.engineer),
            "fault": _fault(request),
        }
        notify_users(
            users=[request.engineer],
            title=(
                _("Job %(number)s reassigned to you: %(customer)s")
                if previous is not None
                else _("New job %(number)s: %(customer)s")
            )
            % values,
            body=_("%(who)s dispatched it to you. Fault: %(fault)s") % values,
            url=reverse("service:engineer_job", args=[request.number]),
            rule="S7",
        )
        if previous is not None and previous.pk != request.engineer_id:
            notify_users(
                users=[previous],
                title=_("Job %(number)s was reassigned to %(engineer)s") % values,
                body=_("%(who)s reassigned it; it is no longer on your list.") % values,
                url=reverse("service:request_detail", args=[request.number]),
                rule="S7",
            )


def notice_rating_invitation(request: ServiceRequest) -> None:
    """V3 (S12): the signed service invites the customer to rate the engineer — the customer's portal users
    on the bell and by e-mail (notifications), the primary contact by e-mail where they have an address."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.db import transaction

    from aftersales.accounts.models import User
    from aftersales.customers.models import Contact

    url = reverse("portal:request_detail", args=[request.number])
    users = list(User.objects.filter(customer_id=request.customer_id, is_active=True))
    with notification_language():
        title = _("Please rate our service %(number)s") % {"number": request.number}
        body = _("Tell us how the engineer did: attitude, skill, arrival on time and promises kept.")
        if users:
            notify_users(users=users, title=title, body=body, url=url, rule="V3")
        addresses = list(
            Contact.objects.filter(customer_id=request.customer_id, is_primary=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        known = {u.email for u in users if u.email}
        addresses = [a for a in addresses if a not in known]
        if addresses:
            from aftersales.followup.selectors import rating_token

            # a contact has no portal account: a one-time link rates without logging in (like the survey's)
            token_url = reverse("portal:rate_by_link", args=[rating_token(request)])
            link = getattr(settings, "AFTERSALES_SITE_URL", "").rstrip("/") + token_url
            text = f"{body}\n{link}"
            transaction.on_commit(
                lambda: send_mail(title, text, settings.DEFAULT_FROM_EMAIL, addresses, fail_silently=True)
            )


def notice_request_signed(request: ServiceRequest) -> None:
    """S11: the customer signed the repair order: the manager(s) who countersign it are told — each
    countersigning role on its own, so a team lead at the point does not keep the service-centre
    manager (at headquarters, whose "To countersign" queue counts it) from being told."""
    users: list[Any] = []
    for role in COUNTERSIGN_ROLES:
        users += [u for u in users_to_tell(roles=[role], service_point_id=request.service_point_id) if u not in users]
    with notification_language():
        notify_users(
            users=users,
            title=_("To countersign: %(number)s (%(customer)s)")
            % {"number": request.number, "customer": request.customer.name},
            body=_("%(name)s signed the repair order for %(engineer)s's job. It waits for your countersignature.")
            % {"name": request.signed_by_name, "engineer": _name(request.engineer)},
            url=reverse("service:request_detail", args=[request.number]),
            rule="S11",
        )
