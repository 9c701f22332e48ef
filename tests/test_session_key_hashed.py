"""The session table holds a hash of each session's key: a copy of the database signs nobody in.

Cast: `bantw` is the central board (an admin-like reader of every page).
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from thidua.accounts.models import Session
from thidua.accounts.session_store import SessionStore

REVIEW = "/clusters/TNB/2025H1/review/"


def signed_in(client: Client) -> bool:
    return client.get(REVIEW).status_code == 200


def every_text_in_the_session_table() -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Session._meta.db_table}")  # noqa: S608 - a model's table
        return " ".join(str(value) for row in cursor.fetchall() for value in row)


def test_the_cookie_value_is_nowhere_in_the_database(users):
    client = Client()
    client.post("/login/", {"username": "bantw", "password": "thidua-demo-2019"})
    cookie = client.cookies["sessionid"].value
    assert signed_in(client)
    assert cookie not in every_text_in_the_session_table()
    assert Session.objects.filter(pk=Session.hash_key(cookie)).exists()


def test_a_session_rows_key_used_as_a_cookie_signs_nobody_in(users):
    client = Client()
    client.force_login(users["bantw"])
    assert signed_in(client)
    stolen = Client()
    for row in Session.objects.filter(user=users["bantw"]):
        stolen.cookies["sessionid"] = row.session_key
        response = stolen.get(REVIEW)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_new_key_after_login_replaces_the_old_row(users):
    client = Client()
    client.get("/login/")
    store = SessionStore()
    store["x"] = 1
    store.create()
    client.cookies["sessionid"] = store.session_key
    client.post("/login/", {"username": "bantw", "password": "thidua-demo-2019"})
    assert client.cookies["sessionid"].value != store.session_key  # Django cycles the key
    assert not store.exists(store.session_key)
    assert not Session.objects.filter(pk=Session.hash_key(store.session_key)).exists()
    assert signed_in(client)


def test_clearsessions_removes_expired_rows_and_keeps_live_ones(users):
    live, expired = SessionStore(), SessionStore()
    live["x"] = expired["x"] = 1
    live.create()
    expired.set_expiry(-10)
    expired.create()
    call_command("clearsessions")
    assert live.exists(live.session_key) and not expired.exists(expired.session_key)


def test_the_manager_save_stores_the_hash_too(db):
    expire = timezone.now() + timedelta(hours=1)
    Session.objects.save("k" * 32, {"x": 1}, expire)
    assert Session.objects.filter(pk=Session.hash_key("k" * 32), expire_date=expire).exists()
    assert not Session.objects.filter(pk="k" * 32).exists()
