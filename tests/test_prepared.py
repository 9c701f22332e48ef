"""Prepared queries give what the ORM gives; the session and user reads built on them keep
Django's rules (expired sessions, disabled accounts, logout)."""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from thidua.accounts.models import RoleAssignment, Session
from thidua.common.prepared import Prepared
from thidua.orgs.models import Cluster

REVIEW = "/clusters/TNB/2025H1/review/"


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_rows_are_the_orm_rows_with_their_python_types(users):
    user = users["bantw"]
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    got = Prepared(get_user_model(), "pk").first(str(user.pk))  # as the session keeps it
    assert _fields(got) == _fields(get_user_model().objects.get(pk=user.pk))
    assert got.last_login.tzinfo is not None and got.is_active is True
    assert not got._state.adding and got._state.db == "default"


def test_many_rows_in_the_models_order_and_none_when_nothing_matches(users):
    officer = users["longan"]
    roles = Prepared(RoleAssignment, "user_id").all(officer.pk)
    assert [_fields(r) for r in roles] == [
        _fields(r) for r in RoleAssignment.objects.filter(user_id=officer.pk)
    ]
    assert roles
    by_code = Prepared(Cluster, "code")
    assert by_code.first("TNB") == Cluster.objects.get(code="TNB")
    assert by_code.first("KHONG-CO") is None


def test_a_comparison_lookup_is_adapted_like_the_orm_does(users, client):
    client.force_login(users["bantw"])
    key = Session.hash_key(client.session.session_key)
    live = Prepared(Session, "session_key", "expire_date__gt")
    assert live.first(key, timezone.now()).session_data == Session.objects.get(pk=key).session_data
    assert live.first(key, timezone.now() + timedelta(days=2)) is None


def test_a_lookup_that_changes_its_value_is_refused():
    with pytest.raises(ValueError, match="the ORM passes"):
        Prepared(Cluster, "code__contains").first("TN")


def test_none_is_refused_even_after_compiling(db):
    by_code = Prepared(Cluster, "code")
    by_code.first("TNB")
    with pytest.raises(ValueError, match="None"):
        by_code.first(None)


def test_compiled_once_per_connection_and_apart_in_another_thread(users):
    by_code = Prepared(Cluster, "code")
    by_code.first("TNB")
    with CaptureQueriesContext(connection) as ctx:
        assert by_code.first("TP5").code == "TP5"
    assert len(ctx.captured_queries) == 1
    seen = []

    def elsewhere():  # a server thread: its own connection, its own compiled query
        other = connections["default"]
        try:
            seen.append((by_code.first("TNB").code, other is connection))
            seen.append(by_code._key in other.__dict__["_thidua_prepared"])
        finally:
            other.close()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert seen == [("TNB", False), True]


def test_an_expired_session_signs_nobody_in(users, client):
    client.force_login(users["bantw"])
    assert client.get(REVIEW).status_code == 200
    Session.objects.filter(pk=Session.hash_key(client.session.session_key)).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(REVIEW).status_code == 302


def test_a_disabled_account_is_signed_out_at_its_next_request(users, client):
    client.force_login(users["bantw"])
    assert client.get(REVIEW).status_code == 200
    get_user_model().objects.filter(pk=users["bantw"].pk).update(is_active=False)
    response = client.get(REVIEW)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_logout_ends_the_session(users, client):
    client.force_login(users["bantw"])
    key = Session.hash_key(client.session.session_key)
    assert Session.objects.filter(pk=key).exists()
    client.post("/logout/")
    assert not Session.objects.filter(pk=key).exists()
    assert client.get(REVIEW).status_code == 302


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_on_postgresql_the_reads_are_prepared_on_the_server_once(users):
    from thidua.common.prepared import fetch

    by_code = Prepared(Cluster, "code", "pk__gt")  # a statement no other test runs
    statements = "SELECT statement FROM pg_prepared_statements"
    before = {row[0] for row in fetch(connection, statements)}
    first, again = by_code.first("TNB", 0), by_code.first("TNB", 0)
    assert first.pk == again.pk == Cluster.objects.get(code="TNB").pk
    added = {row[0] for row in fetch(connection, statements)} - before
    assert len(added) == 1 and 'FROM "orgs_cluster"' in added.pop()


def test_while_queries_are_logged_each_read_is_counted_with_its_sql(users):
    with CaptureQueriesContext(connection) as ctx:
        Prepared(Cluster, "code").first("TNB")
        Prepared(Cluster, "code").first("TNB")
    assert len(ctx.captured_queries) == 2
    assert all('"orgs_cluster"' in q["sql"] and "TNB" in q["sql"] for q in ctx.captured_queries)


def test_preparing_can_be_turned_off_for_a_pooler(monkeypatch):
    from pathlib import Path

    from thidua.env import database_config

    monkeypatch.setenv("THIDUA_DATABASE_URL", "postgres://u@db:5432/thidua")
    assert database_config(Path("/tmp"))["OPTIONS"]["prepare_threshold"] > 1000
    monkeypatch.setenv("THIDUA_DATABASE_PREPARE", "false")
    assert "prepare_threshold" not in database_config(Path("/tmp")).get("OPTIONS", {})
