"""Test settings: the production settings with a throwaway key and data folder."""

import os
import tempfile

os.environ.setdefault("THIDUA_SECRET_KEY", "test-only-key-" + "x" * 40)
os.environ.setdefault("THIDUA_DATA_DIR", tempfile.mkdtemp(prefix="thidua-test-"))
os.environ.setdefault("THIDUA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# The cast signs in with passwords; tests/test_security.py turns the requirement on.
os.environ.setdefault("THIDUA_REQUIRE_TWO_FACTOR", "false")

from thidua.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
