"""New-customer vetting (C5): checklist from policy, transitions, decider, files, customer file prefilled."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from aftersales.accounts.selectors import actor_for
from aftersales.core.errors import Conflict, PermissionDenied, ValidationFailed
from aftersales.core.models import Event
from aftersales.customers.models import Customer, Vetting, VettingFile
from aftersales.customers.services import vetting as svc
from aftersales.notifications.models import Notification
from aftersales.policies.services import policy_set

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def sales(make_user):
    return make_user("sales", username="sales_qian")


@pytest.fixture
def head(make_user):
    return make_user("cs_manager", username="head_zhou")


def _vetting(sales, **kwargs):
    return svc.vetting_create(
        actor=actor_for(sales),
        name="新星电子有限公司",
        kind="on_site",
        customer_kind="dealer",
        phone="0571-88886666",
        address="杭州市滨江区",
        contact_name="李经理",
        **kwargs,
    )


def _answer_all(sales, vetting, result="meets"):
    items = [svc.ItemAnswer(position=i.position, result=result, note="已核实") for i in vetting.items.all()]
    return svc.vetting_update(
        actor=actor_for(sales), vetting_id=vetting.pk, expected_version=vetting.version, items=items
    )


def test_checklist_is_the_policy_default(sales) -> None:
    vetting = _vetting(sales)
    criteria = [i.criterion for i in vetting.items.order_by("position")]
    assert criteria == [
        "经营管理水平较高",
        "财务能力较强",
        "信誉良好",
        "履约能力强",
        "具有主动合作态度",
        "遵守双方在商业和技术上的秘密",
    ]
    assert Event.objects.filter(action="vetting.created", subject_id=str(vetting.pk)).exists()


def test_checklist_follows_a_policy_change(sales, make_user) -> None:
    admin = make_user("admin", username="admin_c5")
    policy_set(actor=actor_for(admin), key="C5.criteria", value=["资信良好", "守秘"], note="简化")
    assert [i.criterion for i in _vetting(sales).items.all()] == ["资信良好", "守秘"]


def test_submit_needs_every_result_then_the_head_decides(sales, head) -> None:
    vetting = _vetting(sales)
    with pytest.raises(ValidationFailed):
        svc.vetting_submit(actor=actor_for(sales), vetting_id=vetting.pk)
    assert Vetting.objects.get(pk=vetting.pk).state == "draft"
    vetting = _answer_all(sales, vetting)
    vetting = svc.vetting_submit(actor=actor_for(sales), vetting_id=vetting.pk, expected_version=vetting.version)
    assert vetting.state == "submitted"
    assert Notification.objects.filter(user=head).exists()
    with pytest.raises(Conflict):  # no edits while waiting for the decision
        _answer_all(sales, vetting, "fails")
    with pytest.raises(PermissionDenied):  # only the decider role
        svc.vetting_decide(actor=actor_for(sales), vetting_id=vetting.pk, decision="approve")
    with pytest.raises(ValidationFailed):  # a reason for anything but approval
        svc.vetting_decide(actor=actor_for(head), vetting_id=vetting.pk, decision="needs_more")
    vetting = svc.vetting_decide(
        actor=actor_for(head), vetting_id=vetting.pk, decision="needs_more", note="补充财务报表"
    )
    assert vetting.state == "needs_more"
    assert Notification.objects.filter(user=sales).exists()
    vetting = _answer_all(sales, vetting, "partly")
    vetting = svc.vetting_submit(actor=actor_for(sales), vetting_id=vetting.pk)
    vetting = svc.vetting_decide(actor=actor_for(head), vetting_id=vetting.pk, decision="approve")
    assert vetting.state == "approved"
    with pytest.raises(Conflict):
        svc.vetting_decide(actor=actor_for(head), vetting_id=vetting.pk, decision="reject", note="x")


def test_nobody_decides_their_own_vetting(head) -> None:
    vetting = _vetting(head)
    vetting = _answer_all(head, vetting)
    svc.vetting_submit(actor=actor_for(head), vetting_id=vetting.pk)
    with pytest.raises(PermissionDenied):
        svc.vetting_decide(actor=actor_for(head), vetting_id=vetting.pk, decision="approve")


def test_stale_version_is_refused(sales) -> None:
    vetting = _vetting(sales)
    _answer_all(sales, vetting)
    with pytest.raises(Conflict):
        svc.vetting_update(actor=actor_for(sales), vetting_id=vetting.pk, expected_version=1, summary="x")


def test_approved_vetting_opens_the_customer_file_prefilled(sales, head) -> None:
    vetting = _answer_all(sales, _vetting(sales))
    with pytest.raises(Conflict):
        svc.vetting_customer_create(actor=actor_for(sales), vetting_id=vetting.pk)
    svc.vetting_submit(actor=actor_for(sales), vetting_id=vetting.pk)
    svc.vetting_decide(actor=actor_for(head), vetting_id=vetting.pk, decision="approve")
    customer = svc.vetting_customer_create(actor=actor_for(sales), vetting_id=vetting.pk)
    assert (customer.name, customer.kind, customer.phone, customer.address) == (
        "新星电子有限公司",
        "dealer",
        "0571-88886666",
        "杭州市滨江区",
    )
    assert customer.contacts.get().name == "李经理"
    assert Vetting.objects.get(pk=vetting.pk).customer_id == customer.pk
    with pytest.raises(Conflict):
        svc.vetting_customer_create(actor=actor_for(sales), vetting_id=vetting.pk)


def test_files_are_archived_by_content(sales) -> None:
    vetting = _vetting(sales)
    row = svc.vetting_file_add(
        actor=actor_for(sales), vetting_id=vetting.pk, upload=SimpleUploadedFile("营业执照.pdf", PDF)
    )
    assert row.content_type == "application/pdf"
    assert row.original_name == "营业执照.pdf"
    assert not row.file.name.endswith("营业执照.pdf")  # the server names the stored file
    with pytest.raises(ValidationFailed):
        svc.vetting_file_add(
            actor=actor_for(sales), vetting_id=vetting.pk, upload=SimpleUploadedFile("x.pdf", b"<html>not a pdf")
        )
    assert VettingFile.objects.count() == 1


def test_api_flow_and_file_content(sales, head, api_as, make_user) -> None:
    client = api_as(sales)
    created = client.post("vettings", {"name": "远景科技", "kind": "general"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert len(body["items"]) == 6
    assert body["state"] == "draft"
    vid = body["id"]
    items = [{"number": n, "result": "meets", "note": "良好"} for n in range(1, 7)]
    patched = client.patch(f"vettings/{vid}", {"items": items, "summary": "实地走访", "version": body["version"]})
    assert patched.status_code == 200, patched.content
    upload = client.client.post(
        f"/api/v1/vettings/{vid}/files", {"file": SimpleUploadedFile("报表.pdf", PDF)}, **client.headers
    )
    assert upload.status_code == 201, upload.content
    file_id = upload.json()["files"][0]["id"]
    content = client.client.get(f"/api/v1/vettings/{vid}/files/{file_id}/content", **client.headers)
    assert content.status_code == 200
    assert b"".join(content.streaming_content) == PDF
    assert api_as(make_user("engineer", username="eng_v")).get(f"vettings/{vid}").status_code == 404
    assert client.post(f"vettings/{vid}/submit", {}).status_code == 200
    assert client.post(f"vettings/{vid}/decide", {"decision": "approve"}).status_code == 403
    decided = api_as(head).post(f"vettings/{vid}/decide", {"decision": "approve"})
    assert decided.status_code == 200
    assert decided.json()["state"] == "approved"
    made = client.post(f"vettings/{vid}/customer", {})
    assert made.status_code == 201
    assert Customer.objects.filter(pk=made.json()["customer"], name="远景科技").exists()


def test_pages(sales, head) -> None:
    client = Client()
    client.force_login(sales)
    response = client.post(
        reverse("customers:vetting_new"),
        {"name": "新客户", "customer_kind": "end_user", "kind": "general", "investigated_on": "2026-01-05"},
    )
    assert response.status_code == 302
    vetting = Vetting.objects.get(name="新客户")
    page = reverse("customers:vetting_detail", args=[vetting.pk])
    data = {"action": "submit", "version": vetting.version}
    for n in range(1, 7):
        data[f"c{n}-result"] = "meets"
        data[f"c{n}-note"] = "ok"
    assert client.post(page, data).status_code == 302
    assert Vetting.objects.get(pk=vetting.pk).state == "submitted"
    late = client.post(page, {"action": "file", "file": SimpleUploadedFile("a.pdf", PDF)}, follow=True)
    assert "提交审批之前" in late.content.decode()  # refused once submitted: the decider sees what was sent
    assert not VettingFile.objects.filter(vetting=vetting).exists()
    assert 'id="vetting-file-form"' not in late.content.decode()
    head_client = Client()
    head_client.force_login(head)
    detail = head_client.get(page).content.decode()
    assert "vetting-decide" in detail
    version = Vetting.objects.get(pk=vetting.pk).version
    assert head_client.post(page, {"action": "decide", "decision": "approve", "version": version}).status_code == 302
    assert Vetting.objects.get(pk=vetting.pk).state == "approved"
    listing = client.get(reverse("customers:vetting_list"))
    assert "新客户" in listing.content.decode()
    export = client.get(reverse("customers:vetting_list") + "?export=xlsx")
    assert export.status_code == 200
    _ = io


def test_one_bad_criterion_row_refuses_the_whole_save(sales) -> None:
    client = Client()
    client.force_login(sales)
    vetting = _vetting(sales)
    page = reverse("customers:vetting_detail", args=[vetting.pk])
    data = {"action": "save", "version": vetting.version}
    for n in range(1, 7):
        data[f"c{n}-result"] = "meets"
        data[f"c{n}-note"] = "ok"
    data["c2-note"] = "长" * 501  # over the 500 characters a note holds
    response = client.post(page, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "nothing was saved" in html or "未保存" in html
    assert "长" * 501 in html  # the row shown again as typed
    fresh = Vetting.objects.get(pk=vetting.pk)
    assert fresh.version == vetting.version
    assert not fresh.items.filter(result="meets").exists()


def test_no_file_is_added_once_submitted_or_decided(sales, head, api_as) -> None:
    vetting = _answer_all(sales, _vetting(sales))
    svc.vetting_submit(actor=actor_for(sales), vetting_id=vetting.pk)
    with pytest.raises(Conflict) as refused:
        svc.vetting_file_add(actor=actor_for(sales), vetting_id=vetting.pk, upload=SimpleUploadedFile("a.pdf", PDF))
    assert refused.value.code == "vetting_not_editable"
    svc.vetting_decide(actor=actor_for(head), vetting_id=vetting.pk, decision="approve")
    client = api_as(sales)
    late = client.client.post(
        f"/api/v1/vettings/{vetting.pk}/files", {"file": SimpleUploadedFile("b.pdf", PDF)}, **client.headers
    )
    assert late.status_code == 409
    assert late.json()["code"] == "vetting_not_editable"
    assert not VettingFile.objects.exists()
