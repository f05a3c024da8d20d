"""The service request (服务登记) and what hangs on it: work steps, parts used, tasks (approvals: approvals app)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel
from aftersales.service.choices import (
    Channel,
    Priority,
    RequestState,
    Resolution,
    ServiceKind,
    UnitLocation,
)


class ServiceRequest(BaseModel):
    """S1: one entry of the service register, root of a service case; numbered FW<yyyymmdd><seq:04d>.

    `open` mirrors "state is not ended" so the lists filter one indexed equality (DESIGN.md).
    """

    number = models.CharField(_("request number"), max_length=20, unique=True)
    state = models.CharField(_("state"), max_length=16, choices=RequestState.choices, default=RequestState.REGISTERED)
    open = models.BooleanField(_("open"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    # S1 service register
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="service_requests"
    )
    unit = models.ForeignKey(
        "installed_base.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    model_text = models.CharField(_("model"), max_length=64, blank=True)  # when the unit is not registered
    contact_name = models.CharField(_("contact"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices, default=Priority.GENERAL)
    kind = models.CharField(_("service kind"), max_length=20, choices=ServiceKind.choices, default=ServiceKind.REPAIR)
    fault = models.TextField(_("fault description"))
    symptom = models.CharField(_("symptom"), max_length=64, blank=True)  # short category, compared by S15
    symptom_code = models.ForeignKey(  # the managed list (service.FaultCode); S15 compares it when both have one
        "service.FaultCode",
        verbose_name=_("symptom code"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(  # S2 first responder
        settings.AUTH_USER_MODEL, verbose_name=_("received by"), on_delete=models.PROTECT, related_name="+"
    )
    service_point = models.ForeignKey(
        "accounts.ServicePoint",
        verbose_name=_("service point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    region_tier = models.CharField(_("response tier"), max_length=16, blank=True)  # C9, as at intake
    in_warranty = models.BooleanField(_("in warranty"), default=False)
    contract_number = models.CharField(_("service contract"), max_length=24, blank=True)
    charging_type = models.CharField(_("charging type"), max_length=1)  # installed_base.choices.ChargingType (S4)
    charging_basis = models.TextField(_("charging basis"), blank=True)  # the S4 explanation
    charging_override_reason = models.CharField(_("reason for the charging type"), max_length=200, blank=True)
    calendar_code = models.CharField(_("calendar"), max_length=32)
    # S7 dispatch
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_jobs",
    )
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    carried_over_on = models.DateField(_("carried over on"), null=True, blank=True)  # S7 day-end carry-over
    confirmed_fault = models.TextField(_("fault confirmed with the customer"), blank=True)
    visit_at = models.DateTimeField(_("visit booked for"), null=True, blank=True)
    # S9 on site / depot
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    unit_location = models.CharField(
        _("unit location"), max_length=16, choices=UnitLocation.choices, default=UnitLocation.CUSTOMER
    )
    resume_state = models.CharField(_("state to resume"), max_length=16, blank=True)  # after a pause or quote
    # S11 closing
    resolution = models.CharField(_("resolution"), max_length=16, choices=Resolution.choices, blank=True)
    work_summary = models.TextField(_("work done"), blank=True)
    labour_minutes = models.PositiveIntegerField(_("labour (minutes)"), null=True, blank=True)
    cause_code = models.ForeignKey(  # found by the engineer at completion
        "service.FaultCode",
        verbose_name=_("cause code"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_symptom_code = models.ForeignKey(  # at completion, when it differs from the intake's symptom
        "service.FaultCode",
        verbose_name=_("confirmed symptom code"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    self_check_passed = models.BooleanField(_("self-check passed"), default=False)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    signature_png = models.BinaryField(_("customer signature"), null=True, blank=True, editable=False)
    signed_by_name = models.CharField(_("signed by"), max_length=64, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(  # S11 manager's countersignature
        settings.AUTH_USER_MODEL,
        verbose_name=_("countersigned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    end_reason = models.CharField(_("reason"), max_length=200, blank=True)  # cancelled / declined
    # S15 repeat repair
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("repeat of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeats",
    )

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("dispatch_servicerequest", _("Can dispatch service requests")),
            ("work_servicerequest", _("Can work on service requests as an engineer")),
            ("close_servicerequest", _("Can countersign and close service requests")),
            ("approve_servicerequest", _("Can approve off-site trips and support")),
            ("depot_servicerequest", _("Can keep the depot register")),
            ("charge_servicerequest", _("Can record fees and invoices")),
        ]
        indexes = [
            # The dispatch board: open requests by state, carried-over first, then received time.
            models.Index(fields=["open", "state", "carried_over_on", "received_at"], name="sr_board_idx"),
            models.Index(fields=["engineer", "open", "visit_at"], name="sr_engineer_idx"),
            models.Index(fields=["customer", "received_at"], name="sr_customer_idx"),
            models.Index(fields=["unit", "symptom", "completed_at"], name="sr_repeat_idx"),
            models.Index(fields=["service_point", "open", "received_at"], name="sr_point_idx"),
            # The register, newest first (GET /service-requests, the request list): each usual filter
            # is one equality before the order, so a page reads 50 index entries, not the history
            # sorted (docs/decisions/0027).
            models.Index(fields=["received_at", "id"], name="sr_received_idx"),
            models.Index(fields=["state", "received_at", "id"], name="sr_state_received_idx"),
            models.Index(fields=["engineer", "received_at", "id"], name="sr_engineer_received_idx"),
            models.Index(fields=["service_point", "received_at", "id"], name="sr_point_received_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("service:request_detail", args=[self.number])


class WorkStep(BaseModel):
    """S9: one thing the engineer did (clean, inspect, replace, test, confirm) or noted."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="steps")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("work step"))

    class Meta:
        verbose_name = _("work step")
        verbose_name_plural = _("work steps")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class PartUsed(BaseModel):
    """P3: a spare part used on the job (P4: major parts must go back to the central keeper)."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="parts")
    part_code = models.CharField(_("part number"), max_length=32)
    part_name = models.CharField(_("part"), max_length=100)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2, default=0)
    return_required = models.BooleanField(_("old part to be returned"), default=False)
    # P3 with the catalogue: the part, the store it came from and the ledger movement; a part outside
    # the catalogue (the old free-text body) is `uncatalogued` with no stock move.
    part = models.ForeignKey(
        "parts.Part",
        verbose_name=_("catalogue part"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    store = models.ForeignKey(
        "parts.Store", verbose_name=_("store"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    move = models.ForeignKey(
        "parts.StockMove", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    uncatalogued = models.BooleanField(_("outside the catalogue"), default=False)
    serial = models.CharField(_("serial number fitted"), max_length=64, blank=True, db_index=True)
    old_serial = models.CharField(_("serial number removed"), max_length=64, blank=True, db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("part used")
        verbose_name_plural = _("parts used")
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gte=1), name="partused_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.part_code} × {self.quantity}"


class ServiceTask(BaseModel):
    """A follow-up the rules raise by themselves, e.g. S10: lend substitute equipment."""

    class Kind(models.TextChoices):
        LEND_SUBSTITUTE = "lend_substitute", _("Lend substitute equipment")  # S10 / A6

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    rule = models.CharField(_("rule"), max_length=16)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("service task")
        verbose_name_plural = _("service tasks")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "kind"], name="servicetask_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.request.number} {self.kind}"
