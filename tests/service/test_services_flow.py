"""S1–S11: an in-warranty case through the services, end to end."""

from __future__ import annotations

import base64
import datetime as dt
import io

import pytest
from django.utils import timezone

from aftersales.clocks.models import Clock
from aftersales.core.errors import Conflict
from aftersales.service import services
from aftersales.service.models import ServiceRequest


def _png() -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


@pytest.mark.django_db
def test_s1_s11_in_warranty_case_from_intake_to_close(staff, new_request):
    request = new_request()
    assert request.number.startswith("FW")
    assert len(request.number) == 14
    assert (request.state, request.charging_type, request.calendar_code) == ("registered", "C", "CN")
    kinds = sorted(Clock.objects.filter(subject_id=str(request.pk)).values_list("kind", flat=True))
    assert kinds == ["arrive", "respond", "solve"]
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")
    services.service_request_book(
        actor=staff["engineer"], number=request.number, visit_at=timezone.now() + dt.timedelta(hours=2)
    )
    services.service_request_arrive(actor=staff["engineer"], number=request.number)
    services.service_request_step_add(actor=staff["engineer"], number=request.number, text="清洁主轴，更换轴承")
    services.service_request_complete(
        actor=staff["engineer"],
        number=request.number,
        resolution="on_site",
        work_summary="更换主轴轴承，试机正常",
        self_check_passed=True,
        labour_minutes=90,
    )
    services.service_request_sign_off(
        actor=staff["engineer"], number=request.number, signature=_png(), signed_by_name="王工"
    )
    closed = services.service_request_close(actor=staff["cs_manager"], number=request.number)
    assert (closed.state, closed.open) == ("closed", False)
    states = set(Clock.objects.filter(subject_id=str(request.pk)).values_list("state", flat=True))
    assert states == {"stopped"}
    with pytest.raises(Conflict):
        services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")
    assert ServiceRequest.objects.get(pk=request.pk).state == "closed"
