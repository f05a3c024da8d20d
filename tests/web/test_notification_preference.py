"""Issue 13, point 2: each user chooses bell only or bell and e-mail on the notifications page (audited)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from aftersales.core.models import Event
from aftersales.notifications.services import notify_users


@pytest.mark.django_db
def test_a_user_turns_e_mail_off_and_on_again(make_user, django_capture_on_commit_callbacks):
    user = make_user("team_lead", email="lead@example.cn")
    client = Client()
    client.force_login(user)
    assert 'id="id_notify_email" checked' in client.get("/notifications/").content.decode()

    response = client.post("/notifications/preference/", {})
    assert response.status_code == 302
    assert 'id="id_notify_email" checked' not in client.get("/notifications/").content.decode()
    event = Event.objects.get(action="notification.preference_changed")
    assert (event.actor_id, event.data) == (user.pk, {"email": [True, False]})
    with django_capture_on_commit_callbacks(execute=True):
        notify_users(users=[user], title="测试一")
    assert mail.outbox == []

    client.post("/notifications/preference/", {"email": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        notify_users(users=[user], title="测试二", url="/service/board/")
    assert [(m.subject, m.to) for m in mail.outbox] == [("测试二", ["lead@example.cn"])]
    assert mail.outbox[0].body.endswith("/service/board/")
    assert user.notifications.count() == 2  # the bell rang both times
