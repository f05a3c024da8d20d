"""Photos and short videos on a service request (issue 13, point 3; S9): API, pages, access, refusals, PDF.

Real files throughout: JPEGs made by Pillow with an EXIF orientation and a GPS position, MP4 and
WebM headers written box by box, the repair order rendered by WeasyPrint and read with pdfimages.
"""

from __future__ import annotations

import io
import struct
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from aftersales.core.errors import NotFound, PermissionDenied, ValidationFailed
from aftersales.core.models import Event
from aftersales.policies.services import policy_set
from aftersales.service import documents, services
from aftersales.service.errors import ServiceConflict
from aftersales.service.models import Attachment
from tests.service.test_documents import signature_png

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = str(root)
    return root


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def jpeg(width: int = 1200, height: int = 800, *, gps: bool = True, orientation: int = 6, quality: int = 90) -> bytes:
    """A phone-like JPEG: stored sideways with EXIF orientation 6 (turn 90° clockwise) and a GPS position."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    for x in range(0, width, 40):  # some detail, so the file has a realistic size
        image.paste((20, 20 + x % 200, 200), (x, 0, x + 20, height))
    exif = Image.Exif()
    exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (31.0, 10.0, 30.0), 3: "E", 4: (121.0, 26.0, 10.0)}
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=quality, exif=exif)
    return buf.getvalue()


def _box(name: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), name) + payload


def mp4(seconds: int, *, brand: bytes = b"isom", padding: int = 0) -> bytes:
    """An ISO-BMFF file: ftyp, a free box, moov with an mvhd stating the length (timescale 1000)."""
    mvhd = bytes(4) + struct.pack(">IIII", 0, 0, 1000, seconds * 1000) + bytes(80)
    return (
        _box(b"ftyp", brand + bytes(4) + brand + b"mp41")
        + _box(b"free", bytes(padding))
        + _box(b"moov", _box(b"mvhd", mvhd))
        + _box(b"mdat", b"\x00" * 64)
    )


def webm() -> bytes:
    return b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm" + bytes(64)


def upload(content: bytes, name: str = "IMG_0001.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def job(staff: dict[str, Any], new_request: Any) -> Any:
    """Dispatched to eng1 and checked in."""
    sr = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=sr.number, engineer="eng1")
    return services.service_request_arrive(actor=staff["engineer"], number=sr.number)


@pytest.fixture
def portal_users(make_user: Any, customer: Any) -> dict[str, Any]:
    from tests.installed_base.factories import CustomerFactory

    other = CustomerFactory(region=customer.region)
    return {
        "own": make_user("customer", username="portal_own", customer_id=customer.pk),
        "other": make_user("customer", username="portal_other", customer_id=other.pk),
    }


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# --- the service: what is stored -------------------------------------------------------------


def test_photo_is_stored_upright_downscaled_without_exif_with_thumbnail(staff, job, media_root):
    attachment = services.attachment_add(
        actor=staff["engineer"], number=job.number, upload=upload(jpeg(3000, 2000)), kind="fault"
    )
    assert attachment.media == "photo"
    assert attachment.content_type == "image/jpeg"
    assert attachment.original_name == "IMG_0001.jpg"
    assert attachment.uploaded_by == staff["engineer"].user
    # EXIF orientation 6 applied: the 3000×2000 landscape file is a portrait photo; longer side 2048 (policy)
    assert (attachment.width, attachment.height) == (1365, 2048)
    with Image.open(attachment.file.path) as stored:
        assert stored.size == (1365, 2048)
        assert stored.getexif() == {}  # no orientation, no GPS position
        assert "exif" not in stored.info
    with Image.open(attachment.thumbnail.path) as thumb:
        assert max(thumb.size) == 320
    assert attachment.size == Path(attachment.file.path).stat().st_size
    assert len(stored_files(media_root)) == 2
    # never the uploader's name on disk, and under MEDIA_ROOT
    assert "IMG_0001" not in attachment.file.name
    assert Path(attachment.file.path).is_relative_to(media_root)
    event = Event.objects.get(action="servicerequest.attachment_added")
    assert event.subject_id == str(job.pk)
    assert event.data["name"] == "IMG_0001.jpg"
    assert event.data["media"] == "photo"
    assert event.actor == staff["engineer"].user


def test_video_types_by_content_and_length_from_mp4(staff, job):
    mov = services.attachment_add(
        actor=staff["engineer"], number=job.number, upload=upload(mp4(12, brand=b"qt  "), "clip.mov"), kind="repair"
    )
    assert (mov.media, mov.content_type, str(mov.duration_seconds)) == ("video", "video/quicktime", "12.0")
    assert not mov.thumbnail
    web = services.attachment_add(actor=staff["engineer"], number=job.number, upload=upload(webm(), "a.webm"))
    assert (web.content_type, web.duration_seconds) == ("video/webm", None)
    # a misleading name and browser type change nothing: the content decides
    named = services.attachment_add(
        actor=staff["engineer"], number=job.number, upload=upload(mp4(5), "photo.jpg", "image/jpeg")
    )
    assert named.content_type == "video/mp4"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.7 not a photo" + bytes(100), "scan.jpg", "只能附加照片"),
        (b"MZ\x90\x00" + bytes(200), "setup.mp4", "只能附加照片"),
        (b"\xff\xd8\xff\xe0" + bytes(200), "broken.jpg", "无法读取"),
        (b"", "empty.jpg", "只能附加照片"),
    ],
)
def test_refused_content_stores_nothing(staff, job, media_root, content, name, message):
    with pytest.raises(ValidationFailed) as caught:
        services.attachment_add(actor=staff["engineer"], number=job.number, upload=upload(content, name))
    assert message in str(caught.value.message)
    assert "file" in caught.value.fields
    assert Attachment.objects.count() == 0
    assert stored_files(media_root) == []
    assert not Event.objects.filter(action="servicerequest.attachment_added").exists()


def test_size_and_length_limits_are_policy(staff, job, media_root, make_user, actor_of):
    admin = actor_of(make_user("admin", username="adm"))
    with pytest.raises(ValidationFailed) as caught:
        services.attachment_add(actor=staff["engineer"], number=job.number, upload=upload(mp4(61), "long.mp4"))
    assert "60 秒" in str(caught.value.message)
    assert "61.0" in str(caught.value.message)
    big = mp4(10, padding=3 * 1024 * 1024)
    services.attachment_add(actor=staff["engineer"], number=job.number, upload=upload(big, "ok.mp4"))  # 3 MB < 50
    policy_set(actor=admin, key="S9.video_max_mb", value=2, note="测试")
    policy_set(actor=admin, key="S9.photo_max_mb", value=1, note="测试")
    with pytest.raises(ValidationFailed) as caught:
        services.attachment_add(actor=staff["engineer"], number=job.number, upload=upload(big, "big.mp4"))
    assert "2 MB" in str(caught.value.message)
    photo = jpeg(3000, 3000, quality=100)
    assert len(photo) > 1024 * 1024
    with pytest.raises(ValidationFailed) as caught:
        services.attachment_add(actor=staff["engineer"], number=job.number, upload=upload(photo))
    assert "1 MB" in str(caught.value.message)
    policy_set(actor=admin, key="S9.attachments_max", value=1, note="测试")
    with pytest.raises(ValidationFailed) as caught:
        services.attachment_add(actor=staff["engineer"], number=job.number, upload=upload(jpeg(200, 200)))
    assert "已达上限" in str(caught.value.message)
    assert Attachment.objects.count() == 1
    assert len(stored_files(media_root)) == 1


def test_who_may_attach_and_delete(staff, new_request, media_root):
    sr = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=sr.number, engineer="eng1")
    with pytest.raises(NotFound):  # another engineer does not see the job
        services.attachment_add(actor=staff["engineer2"], number=sr.number, upload=upload(jpeg()))
    with pytest.raises(PermissionDenied):  # the hotline desk and the team lead read the request, do not work on it
        services.attachment_add(actor=staff["agent"], number=sr.number, upload=upload(jpeg()))
    with pytest.raises(PermissionDenied):
        services.attachment_add(actor=staff["team_lead"], number=sr.number, upload=upload(jpeg()))
    with pytest.raises(ValidationFailed):
        services.attachment_add(actor=staff["engineer"], number=sr.number, upload=upload(jpeg()), kind="selfie")
    mine = services.attachment_add(actor=staff["engineer"], number=sr.number, upload=upload(jpeg()))
    with pytest.raises(NotFound):
        services.attachment_delete(actor=staff["engineer2"], attachment_id=mine.pk)
    # the job goes to eng2, who now sees eng1's photo but may not delete it
    services.service_request_dispatch(actor=staff["team_lead"], number=sr.number, engineer="eng2")
    with pytest.raises(PermissionDenied):
        services.attachment_delete(actor=staff["engineer2"], attachment_id=mine.pk)
    theirs = services.attachment_add(actor=staff["engineer2"], number=sr.number, upload=upload(jpeg(), "eng2.jpg"))
    files = [Path(theirs.file.path), Path(theirs.thumbnail.path)]
    services.attachment_delete(actor=staff["engineer2"], attachment_id=theirs.pk)
    assert list(Attachment.objects.values_list("pk", flat=True)) == [mine.pk]
    event = Event.objects.get(action="servicerequest.attachment_deleted")
    assert event.data["name"] == "eng2.jpg"
    assert event.actor == staff["engineer2"].user
    assert all(path.exists() for path in files)  # removed only once the deletion is committed (on_commit)


def test_deleted_files_leave_the_disk_on_commit(staff, job, django_capture_on_commit_callbacks):
    photo = services.attachment_add(actor=staff["engineer"], number=job.number, upload=upload(jpeg()))
    files = [Path(photo.file.path), Path(photo.thumbnail.path)]
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_delete(actor=staff["engineer"], attachment_id=photo.pk)
    assert not any(path.exists() for path in files)


def test_signed_repair_order_freezes_the_photos(staff, new_request):
    sr = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=sr.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=sr.number)
    photo = services.attachment_add(actor=staff["engineer"], number=sr.number, upload=upload(jpeg()))
    services.service_request_complete(
        actor=staff["engineer"], number=sr.number, resolution="on_site", work_summary="更换轴承", self_check_passed=True
    )
    services.attachment_add(actor=staff["engineer"], number=sr.number, upload=upload(jpeg(), "after.jpg"))
    services.service_request_sign_off(
        actor=staff["engineer"], number=sr.number, signature=signature_png(), signed_by_name="王建国"
    )
    with pytest.raises(ServiceConflict) as caught:
        services.attachment_add(actor=staff["engineer"], number=sr.number, upload=upload(jpeg()))
    assert "客户签字" in str(caught.value.message)
    with pytest.raises(ServiceConflict):
        services.attachment_delete(actor=staff["engineer"], attachment_id=photo.pk)
    assert Attachment.objects.filter(request=sr).count() == 2


def test_attaching_does_not_bump_the_version(staff, job):
    """The phone page's other forms carry the version: a photo added beside them must not make them stale."""
    before = job.version
    services.attachment_add(actor=staff["engineer"], number=job.number, upload=upload(jpeg()))
    services.service_request_step_add(
        actor=staff["engineer"], number=job.number, text="拍照记录故障", expected_version=before
    )


# --- the API ---------------------------------------------------------------------------------


def api_upload(api: Any, number: str, content: bytes, name: str = "IMG_0001.jpg", kind: str = "fault") -> Any:
    return api.client.post(
        f"/api/v1/service-requests/{number}/attachments",
        {"file": upload(content, name), "kind": kind},
        **api.headers,
    )


def test_api_upload_list_content_delete(staff, job, api_as, portal_users):
    engineer = api_as(staff["engineer"].user)
    response = api_upload(engineer, job.number, jpeg())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["request"] == job.number
    assert body["media"] == "photo"
    assert body["kind"] == "fault"
    assert body["uploaded_by"]["username"] == "eng1"
    assert body["content_url"] == f"/api/v1/attachments/{body['id']}/content"
    listed = engineer.get(f"service-requests/{job.number}/attachments")
    assert listed.status_code == 200
    assert [a["id"] for a in listed.json()] == [body["id"]]
    content = engineer.get(body["content_url"])
    assert content.status_code == 200
    assert content["Content-Type"] == "image/jpeg"
    assert content["X-Content-Type-Options"] == "nosniff"
    assert "private" in content["Cache-Control"]
    assert b"".join(content.streaming_content).startswith(b"\xff\xd8\xff")
    thumb = engineer.get(body["content_url"], variant="thumbnail")
    with Image.open(io.BytesIO(b"".join(thumb.streaming_content))) as image:
        assert max(image.size) == 320
    # the same 404 as a missing one for whoever may not read the request
    for outsider in (staff["engineer2"].user, portal_users["other"]):
        client = api_as(outsider)
        assert client.get(body["content_url"]).status_code == 404
        assert client.get(f"service-requests/{job.number}/attachments").status_code == 404
        assert api_upload(client, job.number, jpeg()).status_code in (403, 404)
    assert api_as(None).get(body["content_url"]).status_code == 401
    assert engineer.get("/api/v1/attachments/999999/content").status_code == 404
    # the desk reads them
    assert api_as(staff["agent"].user).get(body["content_url"]).status_code == 200
    # refusals: typed error bodies, nothing stored
    refused = api_upload(engineer, job.number, b"GIF89a" + bytes(100), "anim.gif")
    assert refused.status_code == 422
    assert refused.json()["code"] == "validation_failed"
    assert "file" in refused.json()["fields"]
    assert api_upload(engineer, job.number, jpeg(), kind="selfie").status_code == 422
    assert Attachment.objects.count() == 1
    deleted = engineer.client.delete(f"/api/v1/attachments/{body['id']}", **engineer.headers)
    assert deleted.status_code == 204
    assert engineer.get(body["content_url"]).status_code == 404


# --- pages and access control ----------------------------------------------------------------


def test_pages_show_thumbnails_and_serve_files_only_to_readers(staff, job, portal_users):
    engineer = client_for(staff["engineer"].user)
    page = reverse("service:engineer_job", args=[job.number])
    html = engineer.get(page).content.decode()
    assert 'accept="image/*,video/*"' in html
    assert 'capture="environment"' in html
    assert "添加照片/视频" in html
    added = engineer.post(
        reverse("service:attachment_add", args=[job.number]),
        {"file": upload(jpeg()), "kind": "fault"},
        HTTP_HX_REQUEST="true",
    )
    assert added.status_code == 200
    photo = Attachment.objects.get()
    thumb_url = reverse("service:attachment_thumbnail", args=[photo.pk])
    content_url = reverse("service:attachment_content", args=[photo.pk])
    fragment = added.content.decode()
    assert thumb_url in fragment
    assert "<nav" not in fragment  # the gallery alone
    assert thumb_url in engineer.get(page).content.decode()
    detail = client_for(staff["cs_manager"].user).get(reverse("service:request_detail", args=[job.number]))
    assert thumb_url in detail.content.decode()
    assert "添加照片/视频" not in detail.content.decode()  # the manager is not on the job (no work permission)
    for reader in (staff["engineer"].user, staff["cs_manager"].user, portal_users["own"]):
        response = client_for(reader).get(thumb_url)
        assert response.status_code == 200, reader
        assert response["Content-Type"] == "image/jpeg"
    for outsider in (staff["engineer2"].user, portal_users["other"]):
        assert client_for(outsider).get(content_url).status_code == 404
        assert client_for(outsider).get(thumb_url).status_code == 404
    assert client_for(None).get(content_url).status_code == 302  # to the login page
    # no public URL: nothing under MEDIA_URL is served
    assert client_for(staff["cs_manager"].user).get("/media/" + photo.file.name).status_code == 404


def test_page_refusal_is_shown_in_chinese_and_delete_is_audited(staff, job):
    engineer = client_for(staff["engineer"].user)
    refused = engineer.post(
        reverse("service:attachment_add", args=[job.number]),
        {"file": upload(b"not a photo at all", "notes.txt")},
        HTTP_HX_REQUEST="true",
    )
    assert refused.status_code == 200
    assert 'id="attachment-error"' in refused.content.decode()
    assert "只能附加照片（JPEG、PNG、WebP）或视频（MP4、WebM、MOV）" in refused.content.decode()
    assert Attachment.objects.count() == 0
    engineer.post(reverse("service:attachment_add", args=[job.number]), {"file": upload(jpeg()), "kind": "repair"})
    photo = Attachment.objects.get()
    assert photo.kind == "repair"
    other = client_for(staff["engineer2"].user)
    assert other.post(reverse("service:attachment_delete", args=[photo.pk])).status_code == 404
    gone = engineer.post(reverse("service:attachment_delete", args=[photo.pk]))
    assert gone.status_code == 302
    assert not Attachment.objects.exists()
    assert Event.objects.filter(action="servicerequest.attachment_deleted").count() == 1


# --- the repair order PDF --------------------------------------------------------------------


def test_repair_order_pdf_shows_photo_thumbnails_and_a_video_placeholder(tmp_path, staff, new_request):
    sr = new_request(fault="主轴异响", contact_name="王建国")
    services.service_request_dispatch(actor=staff["team_lead"], number=sr.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=sr.number)
    services.attachment_add(actor=staff["engineer"], number=sr.number, upload=upload(jpeg(), "故障.jpg"))
    services.attachment_add(
        actor=staff["engineer"], number=sr.number, upload=upload(jpeg(orientation=1), "修复后.jpg"), kind="repair"
    )
    services.attachment_add(actor=staff["engineer"], number=sr.number, upload=upload(mp4(9), "试机.mp4"), kind="repair")
    sr.refresh_from_db()
    pdf = documents.repair_order_pdf(sr)
    path = tmp_path / "order.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    images = [line.split() for line in listing.splitlines()[2:] if line.split()[2] == "image"]
    assert len(images) == 2  # the two photos; the video is a placeholder, not an image
    sizes = sorted((int(cols[3]), int(cols[4])) for cols in images)
    assert sizes == [(213, 320), (320, 213)]  # the thumbnails, the first turned upright by its EXIF
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "照片和视频" in text
    assert "试机.mp4" in text
    assert "9.0 s" in text
    assert "故障.jpg" in text


def test_api_upload_larger_than_the_request_body_limit_and_idempotent(staff, job, api_as, settings):
    """A video far over DATA_UPLOAD_MAX_MEMORY_SIZE goes up through the API (the input guard does not read
    a multipart body whole); the same Idempotency-Key sent twice adds it once."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    engineer = api_as(staff["engineer"].user)
    video = mp4(20, padding=3 * 1024 * 1024)
    url = f"/api/v1/service-requests/{job.number}/attachments"
    headers = {**engineer.headers, "HTTP_IDEMPOTENCY_KEY": "video-upload-1"}
    first = engineer.client.post(url, {"file": upload(video, "试机.mp4"), "kind": "repair"}, **headers)
    assert first.status_code == 201, first.content
    assert first.json()["size"] == len(video)
    assert first.json()["duration_seconds"] == "20.0"
    again = engineer.client.post(url, {"file": upload(video, "试机.mp4"), "kind": "repair"}, **headers)
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert Attachment.objects.count() == 1
    # a JSON body over the limit is still answered 413 by the guard
    too_big = engineer.post(f"service-requests/{job.number}/step", {"text": "x" * (1024 * 1024 + 10)})
    assert too_big.status_code == 413


def test_a_truncated_mp4_is_judged_by_its_size(staff, job):
    cut = mp4(10)[:60]  # ftyp, free and half of the moov box
    video = services.attachment_add(actor=staff["engineer"], number=job.number, upload=upload(cut, "cut.mp4"))
    assert (video.content_type, video.duration_seconds) == ("video/mp4", None)
