"""API tokens: the service, the bearer authentication and the `thidua token` command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from thidua.accounts import tokens
from thidua.accounts.models import ApiToken, AuditEntry
from thidua.accounts.permissions import SYSTEM

ME = "/api/v1/me"


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_a_new_token_keeps_only_the_hash_of_its_key(users):
    issued = tokens.create_token(SYSTEM, users["longan"], "Cổng dữ liệu tỉnh")
    token = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.key.startswith("td_")
    assert token.key_hash == ApiToken.hash_key(issued.key)
    assert issued.key not in (token.key_hash, token.prefix, token.name)
    assert issued.key.removeprefix("td_").startswith(token.prefix)


def test_creating_and_revoking_are_audited(users):
    issued = tokens.create_token(SYSTEM, users["longan"], "Cổng dữ liệu tỉnh")
    tokens.revoke_token(SYSTEM, issued.token)
    actions = AuditEntry.objects.filter(
        object_type="accounts.apitoken", object_id=str(issued.token.pk)
    ).values_list("action", flat=True)
    assert list(actions) == ["accounts.token.created", "accounts.token.revoked"]


def test_token_auth_works_and_notes_the_last_use(client, users):
    issued = tokens.create_token(SYSTEM, users["longan"], "script")
    response = client.get(ME, headers=bearer(issued.key))
    assert response.status_code == 200
    assert response.json()["user"]["username"] == "longan"
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None


def test_a_revoked_token_is_refused(client, users):
    issued = tokens.create_token(SYSTEM, users["longan"], "script")
    tokens.revoke_token(SYSTEM, issued.token)
    assert client.get(ME, headers=bearer(issued.key)).status_code == 401


def test_an_unknown_token_is_refused(client, db):
    assert client.get(ME, headers=bearer("td_not-a-real-key")).status_code == 401


def test_the_token_of_a_deactivated_user_is_refused(client, users):
    issued = tokens.create_token(SYSTEM, users["longan"], "script")
    users["longan"].is_active = False
    users["longan"].save()
    assert client.get(ME, headers=bearer(issued.key)).status_code == 401


def test_a_user_may_create_a_token_for_themselves(users):
    issued = tokens.create_token(users["longan"], users["longan"], "của tôi")
    assert issued.token.user == users["longan"]


def test_an_officer_cannot_create_or_revoke_tokens_of_someone_else(users):
    with pytest.raises(PermissionDenied):
        tokens.create_token(users["longan"], users["kiengiang"], "not mine")
    issued = tokens.create_token(SYSTEM, users["kiengiang"], "theirs")
    with pytest.raises(PermissionDenied):
        tokens.revoke_token(users["longan"], issued.token)


def test_the_board_may_manage_tokens_of_others(users):
    issued = tokens.create_token(users["bantw"], users["kiengiang"], "for them")
    tokens.revoke_token(users["bantw"], issued.token)
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is not None


def test_a_token_needs_a_name(users):
    with pytest.raises(tokens.TokenError):
        tokens.create_token(SYSTEM, users["longan"], "  ")


def test_revoking_twice_is_an_error(users):
    issued = tokens.create_token(SYSTEM, users["longan"], "script")
    tokens.revoke_token(SYSTEM, issued.token)
    with pytest.raises(tokens.TokenError):
        tokens.revoke_token(SYSTEM, issued.token)


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_prints_the_key_once_and_it_works(client, users):
    out, err = _run("create", "--user", "longan", "--name", "Cổng dữ liệu")
    key = out.strip()
    assert key.startswith("td_")
    assert "một lần" in err
    assert client.get(ME, headers=bearer(key)).status_code == 200
    listing, _ = _run("list")
    assert key not in listing
    assert tokens.key_prefix(key) in listing


def test_the_command_revokes_by_prefix(client, users):
    out, _ = _run("create", "--user", "longan", "--name", "script")
    key = out.strip()
    _run("revoke", "td_" + tokens.key_prefix(key))
    assert client.get(ME, headers=bearer(key)).status_code == 401
    listing, _ = _run("list", "--user", "longan")
    assert "thu hồi" in listing


def test_the_command_refuses_an_unknown_user_or_prefix(db):
    with pytest.raises(CommandError):
        _run("create", "--user", "nobody", "--name", "x")
    with pytest.raises(CommandError):
        _run("revoke", "zzzzzzzz")


def test_a_token_scoped_to_a_unit_acts_only_for_that_unit(db, users, unit):
    from django.test import Client

    from thidua.accounts.models import Role, RoleAssignment

    camau = users["camau"]  # head secretariat via Cà Mau and officer of Cà Mau
    issued = tokens.create_token(camau, camau, "nhập số liệu Cà Mau", unit=unit("96"))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issued.key}")
    body = '{"values": [{"indicator": "grdp_growth", "value": "7.1"}]}'
    own = client.put(
        "/api/v1/clusters/TNB/periods/2019/reports/96/values", body, "application/json"
    )
    assert own.status_code == 200
    # The same account's head powers over another member do not come with this token.
    other = client.put(
        "/api/v1/clusters/TNB/periods/2019/reports/80/values", body, "application/json"
    )
    assert other.status_code == 403
    assert RoleAssignment.objects.filter(user=camau, role=Role.SECRETARIAT).exists()


def test_a_token_cannot_be_scoped_to_a_unit_the_user_has_no_role_in(db, users, unit):
    with pytest.raises(tokens.TokenError, match="không có vai trò"):
        tokens.create_token(users["longan"], users["longan"], "x", unit=unit("91"))
