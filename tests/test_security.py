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


def test_the_deployment_check_is_clean_with_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("THIDUA_", "DJANGO_"))}
    env.update(
        {
            "THIDUA_DATA_DIR": str(tmp_path),
            "THIDUA_SECRET_KEY": secrets.token_urlsafe(64),
            "THIDUA_ALLOWED_HOSTS": "thidua.example.gov.vn",
            "THIDUA_HTTPS": "true",
        }
    )
    done = subprocess.run(
        [sys.executable, "-m", "thidua", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
