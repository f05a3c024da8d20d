"""Issue 13 point 3 in real Chromium at 390×844: photos of the fault and the repair from the phone job page.

The engineer opens the job, checks in and attaches a photo of the fault with one tap on
"添加照片/视频" (the camera's own shutter is the phone's, not ours): the file goes up with htmx, the
thumbnail appears without a reload; a second photo is preselected as the repair. The file is a real
JPEG made by Pillow with a GPS position, which the served copy no longer has. Every tap is counted.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from aftersales.service import services
from aftersales.service.models import Attachment, ServiceRequest
from tests.browser.conftest import login, screenshot
from tests.browser.test_service_phone_paid import DESKTOP, PHONE, Taps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TAPS = 7  # open, check in, photo, photo, delete + confirm, and one spare


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def phone_jpeg(path: Path, colour: tuple[int, int, int]) -> Path:
    image = Image.new("RGB", (1600, 1200), colour)
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (31.0, 10.0, 30.0), 3: "E", 4: (121.0, 26.0, 10.0)}
    image.save(path, format="JPEG", quality=90, exif=exif)
    return path


@pytest.fixture
def job(make_user: Any, actor_of: Any) -> ServiceRequest:
    from aftersales.accounts.models import Region, ServicePoint
    from tests.installed_base.factories import CustomerFactory, UnitFactory

    region = Region.objects.create(code="SH", name="上海", province="上海", tier="same_city")
    point = ServicePoint.objects.create(code="SP-SH", name="上海办事处", region=region)
    customer = CustomerFactory(name="上海精密机械有限公司", region=region, phone="021-64001234")
    unit = UnitFactory(customer=customer, acceptance_date=dt.date(2025, 1, 15), production_date=dt.date(2024, 12, 1))
    agent = actor_of(make_user("agent", username="agent1"))
    lead = actor_of(make_user("team_lead", username="lead1"))
    make_user("engineer", username="eng1", display_name="张工", service_point_id=point.pk)
    request = services.service_request_create(
        actor=agent,
        customer_id=customer.pk,
        serial=unit.serial,
        channel="phone",
        fault="主轴异响",
        contact_name="王建国",
    )
    services.service_request_dispatch(actor=lead, number=request.number, engineer="eng1")
    return request


def _thumbnail_loaded(page: Page, index: int) -> bool:
    return bool(
        page.evaluate(
            "i => { const img = document.querySelectorAll('#attachment-list img.attachment-thumb')[i];"
            " return !!img && img.complete && img.naturalWidth > 0; }",
            index,
        )
    )


def test_photo_from_the_phone_job_page(live_server: Any, page: Page, job: ServiceRequest, tmp_path: Path) -> None:
    fault_photo = phone_jpeg(tmp_path / "IMG_0001.jpg", (180, 40, 40))
    repair_photo = phone_jpeg(tmp_path / "IMG_0002.jpg", (40, 160, 40))
    page.set_viewport_size(DESKTOP)  # the login helper looks for the expanded navbar
    login(page, live_server, "eng1")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/service/engineer/")
    taps = Taps(page)

    taps.tap(page.locator(f'.engineer-job[data-number="{job.number}"]'))
    taps.tap(page.locator("#submit-arrive"))
    expect(page.locator("#request-state")).to_have_text("现场处理中")

    # One tap opens the camera (capture=environment); the photo goes up by itself.
    add = page.locator("#attachment-add")
    expect(add).to_have_text("添加照片/视频")
    expect(page.locator("#attachment-file")).to_have_attribute("accept", "image/*,video/*")
    expect(page.locator("#attachment-file")).to_have_attribute("capture", "environment")
    expect(page.locator("#attachment-kind-fault")).to_be_checked()
    with page.expect_file_chooser() as chooser:
        taps.tap(add)
    chooser.value.set_files(str(fault_photo))
    expect(page.locator("#attachment-list img.attachment-thumb")).to_have_count(1)
    page.wait_for_function(
        "() => { const i = document.querySelector('#attachment-list img'); "
        "return i && i.complete && i.naturalWidth > 0; }"
    )
    assert _thumbnail_loaded(page, 0)
    expect(page.locator("#attachment-count")).to_have_text("1")
    expect(page.locator("#request-state")).to_have_text("现场处理中")  # no reload, nothing else moved

    # The second photo is preselected as the repair.
    expect(page.locator("#attachment-kind-repair")).to_be_checked()
    with page.expect_file_chooser() as chooser:
        taps.tap(page.locator("#attachment-add"))
    chooser.value.set_files(str(repair_photo))
    expect(page.locator("#attachment-list .attachment")).to_have_count(2)
    expect(page.locator("#attachment-list .attachment").nth(1)).to_have_attribute("data-kind", "repair")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#attachment-list img')].every(i => i.complete && i.naturalWidth > 0)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The stored copies have no GPS position; the served thumbnail is a small JPEG.
    stored = list(Attachment.objects.filter(request=job).order_by("pk"))
    assert [a.kind for a in stored] == ["fault", "repair"]
    for attachment in stored:
        with Image.open(attachment.file.path) as image:
            assert image.getexif() == {}
    thumb = page.request.get(f"{live_server.url}/service/attachments/{stored[0].pk}/thumbnail/")
    assert thumb.status == 200
    with Image.open(io.BytesIO(thumb.body())) as image:
        assert max(image.size) == 320

    # A mistaken photo is deleted by its uploader (confirmed once).
    page.once("dialog", lambda dialog: dialog.accept())
    taps.tap(page.locator("#attachment-list .attachment").nth(1).get_by_role("button"))
    taps.count += 1  # the confirmation
    expect(page.locator("#attachment-list .attachment")).to_have_count(1)
    assert Attachment.objects.filter(request=job).count() == 1

    assert taps.count <= MAX_TAPS, taps.count
    # last: Playwright's screenshot marks the inputs with a style attribute, which an htmx swap after it
    # would copy onto the new inputs (attributesToSettle), against the Content-Security-Policy
    screenshot(page, "service-phone-attachments")
