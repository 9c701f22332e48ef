"""One read brings the session, its user and the write stamp; Django's sign-in rules still hold."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session as DjangoSession
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from thidua.accounts import write_stamp
from thidua.accounts.models import AuditEntry, Session
from thidua.accounts.session_store import _LIVE_SESSION, SessionStore

REVIEW = "/clusters/TNB/2025H1/review/"


def _migration(name: str = "0003_session_with_user"):
    from importlib import import_module

    return import_module(f"thidua.accounts.migrations.{name}")


def test_the_session_row_names_the_signed_in_user(client, users):
    client.force_login(users["xem"])
    stored = Session.objects.get(pk=Session.hash_key(client.session.session_key))
    assert stored.user_id == users["xem"].pk


def test_the_joined_read_gives_what_the_orm_gives(client, users):
    client.force_login(users["bantw"])
    key, now = Session.hash_key(client.session.session_key), timezone.now()
    got = _LIVE_SESSION.first(key, now)
    expected = (
        Session.objects.select_related("user")
        .annotate(**write_stamp.annotations())
        .get(session_key=key, expire_date__gt=now)
    )
    assert got.session_data == expected.session_data and got.user_id == users["bantw"].pk
    with CaptureQueriesContext(connection) as ctx:
        assert got.user.username == "bantw" and got.user.last_login == expected.user.last_login
    assert ctx.captured_queries == []  # the user came with the session
    assert write_stamp.of(got) == write_stamp.of(expected) == write_stamp.read()


def test_a_signed_in_page_reads_the_user_with_the_session(client, users):
    client.force_login(users["xem"])
    client.get(REVIEW)
    with CaptureQueriesContext(connection) as ctx:
        client.get(REVIEW)
    tables = " ".join(q["sql"] for q in ctx.captured_queries)
    assert tables.count('FROM "auth_user"') == 0  # only as the session read's join
    assert 'LEFT OUTER JOIN "auth_user"' in ctx.captured_queries[0]["sql"]


def test_a_password_changed_elsewhere_signs_the_session_out(client, users):
    client.force_login(users["xem"])
    assert client.get(REVIEW).status_code == 200
    user = get_user_model().objects.get(pk=users["xem"].pk)
    user.set_password("mật-khẩu-mới-2026")
    user.save()
    assert client.get(REVIEW).status_code == 302  # Django's session hash check, on the joined user


def test_a_session_whose_user_is_gone_signs_nobody_in(client, users):
    client.force_login(users["xem"])
    assert client.get(REVIEW).status_code == 200
    AuditEntry.objects.filter(actor=users["xem"]).update(actor=None)
    get_user_model().objects.filter(pk=users["xem"].pk).delete()
    response = client.get(REVIEW)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_new_write_shows_in_the_stamp_of_the_next_session_read(client, users):
    client.force_login(users["xem"])
    store = SessionStore(client.session.session_key)
    store.load()
    before = write_stamp.of(store.current_row())
    AuditEntry.objects.create(
        at=timezone.now(), action="x", object_type="t", object_id="1", hash="f" * 64
    )
    again = SessionStore(client.session.session_key)
    again.load()
    after = write_stamp.of(again.current_row())
    assert after != before and after[0] == "f" * 64


def test_who_was_signed_in_before_the_upgrade_stays_signed_in(client, users):
    old = DjangoStore()
    old.update(
        {
            "_auth_user_id": str(users["xem"].pk),
            "_auth_user_backend": "thidua.accounts.backends.AccountBackend",
            "_auth_user_hash": users["xem"].get_session_auth_hash(),
        }
    )
    old.create()
    expired = DjangoStore()
    expired.set_expiry(-10)
    expired.create()
    _migration().move_live_sessions(apps, None)
    _migration("0005_session_key_hashed").hash_live_keys(apps, None)
    moved = Session.objects.get(pk=Session.hash_key(old.session_key))
    assert moved.user_id == users["xem"].pk and not DjangoSession.objects.exists()
    assert not Session.objects.filter(pk=Session.hash_key(expired.session_key)).exists()
    assert not Session.objects.filter(pk=old.session_key).exists()
    client.cookies["sessionid"] = old.session_key
    assert client.get(REVIEW).status_code == 200
