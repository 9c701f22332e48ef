"""Login hardening, security headers and a clean deployment check."""

import os
import secrets
import subprocess
import sys

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


def login(client, password):
    return client.post("/login/", {"username": "longan", "password": password})


def test_repeated_failed_logins_lock_the_account_for_a_while(client, db):
    for _ in range(4):
        assert login(client, "sai-mat-khau").status_code == 200
    assert login(client, "sai-mat-khau").status_code == 429  # the fifth failure locks
    locked = login(client, "thidua-demo-2019")
    assert locked.status_code == 429
    assert "tạm khóa" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_successful_login_resets_the_failure_count(client, db):
    for _ in range(4):
        login(client, "sai-mat-khau")
    assert login(client, "thidua-demo-2019").status_code == 302


@pytest.mark.parametrize("weak", ["12345678", "matkhau", "abc123", "password1234", "0987654321"])
def test_weak_passwords_are_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_pages_carry_a_content_security_policy_that_blocks_inline_scripts(client, db):
    policy = client.get("/login/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert "frame-ancestors 'none'" in policy


def check_deploy(tmp_path, **extra) -> subprocess.CompletedProcess:
    """`thidua check --deploy` with production settings (and `extra` variables)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("THIDUA_", "DJANGO_"))}
    env.update(
        {
            "THIDUA_DATA_DIR": str(tmp_path),
            "THIDUA_SECRET_KEY": secrets.token_urlsafe(64),
            "THIDUA_ALLOWED_HOSTS": "thidua.example.gov.vn",
            "THIDUA_HTTPS": "true",
            **extra,
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "thidua", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deployment_check_is_clean_with_production_settings(tmp_path):
    done = check_deploy(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def _enable_two_factor(client, username):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.post("/login/", {"username": username, "password": "thidua-demo-2019"})
    page = client.get("/tai-khoan/xac-thuc-hai-buoc/").content.decode()
    assert "<svg" in page  # the QR code, drawn inline
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    code = f"{totp(device.bin_key):06d}"
    client.post("/tai-khoan/xac-thuc-hai-buoc/", {"token": code})
    device.refresh_from_db()
    assert device.confirmed
    client.post("/logout/")
    return device


def test_with_two_factor_on_the_password_alone_is_not_enough(client, db):
    from django_otp.oath import totp

    device = _enable_two_factor(client, "bantw")
    refused = client.post("/login/", {"username": "bantw", "password": "thidua-demo-2019"})
    assert refused.status_code == 200 and "mã 6 số" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    wrong = client.post(
        "/login/", {"username": "bantw", "password": "thidua-demo-2019", "otp_token": "000000"}
    )
    assert "_auth_user_id" not in client.session and wrong.status_code == 200
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code throttles the next try for a moment: wait it out
    # The next window, not used before; counted from the device's drift, which moves when the
    # enabling code landed in the window after its own (a 30-second boundary crossed mid-test).
    code = f"{totp(device.bin_key, drift=device.drift + 1):06d}"
    ok = client.post(
        "/login/", {"username": "bantw", "password": "thidua-demo-2019", "otp_token": code}
    )
    assert ok.status_code == 302 and client.session["_auth_user_id"]


def test_turning_two_factor_on_and_off_is_audited(client, db):
    from thidua.accounts.models import AuditEntry

    _enable_two_factor(client, "camau")
    assert AuditEntry.objects.filter(action="accounts.two_factor.enabled").exists()
