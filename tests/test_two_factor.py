"""One sign-in for every door: the second factor on the site, the admin site and the API; the
factor required of the board, heads, council members and administrators; the password change
page (issue 16, findings 1 and 10)."""

from __future__ import annotations

import os

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.test_security import check_deploy
from thidua.accounts.models import AuditEntry, RoleAssignment

PASSWORD = "thidua-demo-2019"
ENROL = "/tai-khoan/xac-thuc-hai-buoc/"
ME = "/api/v1/me"


def device_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="điện thoại", confirmed=True)


def code_for(device: TOTPDevice) -> str:
    """A current code the device accepts: its used windows and failure throttle forgotten."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    device.refresh_from_db()
    return f"{totp(device.bin_key, drift=device.drift):06d}"


def site_login(client, username, code=""):
    data = {"username": username, "password": PASSWORD, "otp_token": code}
    return client.post("/login/", data)


def signed_out_everywhere(client) -> bool:
    me = client.get(ME).status_code
    page = client.get("/")
    admin = client.get("/admin/")
    return (
        me == 401
        and "/login/" in page.get("Location", "")
        and admin.status_code == 302
        and "_auth_user_id" not in client.session
    )


# Finding 1: the admin login skipped the second factor


def test_the_admin_login_without_the_code_gives_no_session_that_works(client, users):
    device_for(users["admin"])
    answer = client.post(
        "/admin/login/?next=/admin/",
        {"username": "admin", "password": PASSWORD, "next": "/admin/"},
    )
    assert answer.status_code == 302 and answer["Location"].startswith("/login/")
    assert signed_out_everywhere(client)


def test_a_session_that_passed_only_the_password_works_nowhere(client, users):
    # However it was made (an old admin login, a login path added later): the gate ends it.
    device_for(users["admin"])
    client.force_login(users["admin"])
    assert signed_out_everywhere(client)


def test_the_admin_site_is_reached_through_the_site_login_with_the_code(client, users):
    device = device_for(users["admin"])
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/login/?next=/admin/"
    signed_in = site_login(client, "admin", code_for(device))
    assert signed_in.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert client.get(ME).json()["is_board"] is True


def test_a_signed_in_user_without_staff_rights_is_refused_by_the_admin_login(client, users):
    client.force_login(users["longan"])
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_the_api_refuses_a_session_the_gate_has_not_passed(client, users):
    from django.test import RequestFactory

    from thidua.accounts.two_factor import STATE_KEY
    from thidua.api.auth import session_auth

    request = RequestFactory().get(ME)
    request.user = users["bantw"]
    request.user.is_verified = lambda: False
    request.session = {STATE_KEY: "device"}
    assert session_auth.authenticate(request, "key") is None


# Finding 1: removing the device without a code


def _signed_in_with_device(client, users, username="bantw") -> TOTPDevice:
    device = device_for(users[username])
    assert site_login(client, username, code_for(device)).status_code == 302
    return device


def test_removing_the_device_without_a_code_is_refused_and_the_device_kept(client, users):
    device = _signed_in_with_device(client, users)
    for token in ("", "000000"):
        client.post(ENROL, {"disable": "1", "token": token})
        assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    assert not AuditEntry.objects.filter(action="accounts.two_factor.disabled").exists()


def test_removing_the_device_with_a_current_code_works_and_is_audited(client, users):
    device = _signed_in_with_device(client, users)
    client.post(ENROL, {"disable": "1", "token": code_for(device)})
    assert not TOTPDevice.objects.filter(user=users["bantw"]).exists()
    entry = AuditEntry.objects.get(action="accounts.two_factor.disabled")
    assert entry.actor_name == "bantw" and entry.before == {"devices": 1}
    assert client.get("/").status_code == 200  # the session goes on, now without a device


def test_enrolling_signs_the_accounts_other_sessions_out(client, users):
    from django.test import Client

    other = Client()
    other.force_login(users["camau"])
    client.force_login(users["camau"])
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=users["camau"], confirmed=False)
    client.post(ENROL, {"token": code_for(device)})
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    assert client.get("/").status_code == 200
    assert "/login/" in other.get("/").get("Location", "")


# Finding 10: the second factor required of the board, heads, council and administrators


@pytest.fixture
def required(settings):
    settings.THIDUA_REQUIRE_TWO_FACTOR = True


@pytest.mark.parametrize("username", ["bantw", "camau", "hoidong", "admin"])
def test_a_required_role_without_a_device_is_sent_to_enrol_first(client, users, required, username):
    assert site_login(client, username).status_code == 302
    assert client.get("/")["Location"] == ENROL
    assert client.get("/awards/")["Location"] == ENROL
    assert client.get("/admin/")["Location"] == ENROL
    assert client.get(ME).status_code == 403
    page = client.get(ENROL)
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=users[username], confirmed=False)
    client.post(ENROL, {"token": code_for(device)})
    assert client.get("/").status_code == 200
    assert client.get(ME).status_code == 200


def test_an_officer_is_not_required_to_enrol(client, db, required):
    assert site_login(client, "longan").status_code == 302
    assert client.get("/").status_code == 200
    assert client.get(ME).status_code == 200


def test_htmx_requests_are_sent_to_enrol_by_header(client, db, required):
    site_login(client, "bantw")
    answer = client.get("/awards/", headers={"HX-Request": "true"})
    assert answer.status_code == 204 and answer["HX-Redirect"] == ENROL


def test_removing_the_device_of_a_required_role_sends_back_to_enrol(client, users, required):
    device = _signed_in_with_device(client, users)
    client.post(ENROL, {"disable": "1", "token": code_for(device)})
    assert client.get("/")["Location"] == ENROL


def test_granting_a_required_role_signs_an_account_without_a_device_out(client, users, required):
    client.force_login(users["xem"])
    assert client.get("/").status_code == 200
    RoleAssignment.objects.create(user=users["xem"], role="board")
    assert "/login/" in client.get("/").get("Location", "")
    site_login(client, "xem")
    assert client.get("/")["Location"] == ENROL


def test_an_account_made_staff_after_signing_in_is_sent_to_enrol(client, users, required):
    client.force_login(users["longan"])
    assert client.get("/").status_code == 200
    users["longan"].is_staff = True
    users["longan"].save(update_fields=["is_staff"])
    assert client.get("/")["Location"] == ENROL


def test_a_role_changed_to_a_required_one_signs_the_account_out(client, users, required):
    client.force_login(users["xem"])
    role = RoleAssignment.objects.get(user=users["xem"])
    role.role = "council"
    role.save()
    assert "/login/" in client.get("/").get("Location", "")


def test_with_the_requirement_off_a_board_member_may_sign_in_with_the_password(client, db):
    assert site_login(client, "bantw").status_code == 302
    assert client.get("/").status_code == 200


def test_the_server_says_when_the_requirement_is_off(capsys, monkeypatch):
    from types import SimpleNamespace

    from thidua import server

    monkeypatch.setattr(server, "_Server", lambda options: SimpleNamespace(run=lambda: None))
    server.serve("127.0.0.1", 8000)
    assert capsys.readouterr().out.strip() == server.TWO_FACTOR_OFF


def test_the_served_demo_turns_the_requirement_off(monkeypatch):
    from thidua import cli

    for name in ("THIDUA_DATABASE_URL", "THIDUA_SQLITE_FILE", "THIDUA_SECRET_KEY"):
        monkeypatch.setenv(name, "")  # restored after the test
    monkeypatch.delenv("THIDUA_REQUIRE_TWO_FACTOR")
    cli._prepare_demo_environment()
    assert os.environ["THIDUA_REQUIRE_TWO_FACTOR"] == "false"


def test_the_deployment_check_warns_when_the_requirement_is_off(tmp_path):
    done = check_deploy(tmp_path, THIDUA_REQUIRE_TWO_FACTOR="false")
    assert done.returncode != 0 and "thidua.W001" in done.stdout + done.stderr


def test_a_mistyped_requirement_is_a_configuration_error(tmp_path):
    done = check_deploy(tmp_path, THIDUA_REQUIRE_TWO_FACTOR="ja")
    assert done.returncode == 2 and "THIDUA_REQUIRE_TWO_FACTOR" in done.stderr


# Finding 10: users change their own password


def test_a_user_changes_the_password_stays_signed_in_and_it_is_audited(client, users):
    client.force_login(users["longan"])
    assert "Đổi mật khẩu" in client.get("/tai-khoan/mat-khau/").content.decode()
    new = "mot-mat-khau-moi-2026"
    data = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    assert client.post("/tai-khoan/mat-khau/", data)["Location"] == ENROL
    users["longan"].refresh_from_db()
    assert users["longan"].check_password(new)
    assert client.get("/").status_code == 200
    entry = AuditEntry.objects.get(action="accounts.password.changed")
    assert entry.actor_name == "longan" and entry.object_id == str(users["longan"].pk)


def test_a_wrong_current_password_changes_nothing(client, users):
    client.force_login(users["longan"])
    data = {"old_password": "sai", "new_password1": "x" * 12, "new_password2": "x" * 12}
    assert client.post("/tai-khoan/mat-khau/", data).status_code == 200
    users["longan"].refresh_from_db()
    assert users["longan"].check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="accounts.password.changed").exists()


def test_the_password_change_page_needs_a_signed_in_user(client, db):
    assert "/login/" in client.get("/tai-khoan/mat-khau/")["Location"]
