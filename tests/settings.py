"""Test settings: the production settings with a throwaway key and data folder."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("THIDUA_SECRET_KEY", "test-only-key-" + "x" * 40)
os.environ.setdefault("THIDUA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# The cast signs in with passwords; tests/test_security.py turns the requirement on.
os.environ.setdefault("THIDUA_REQUIRE_TWO_FACTOR", "false")

# A data folder of this process's own (each xdist worker too: they inherit the controller's
# environment), removed when the process ends. A THIDUA_DATA_DIR set by the user is kept.
if os.environ.get("THIDUA_DATA_DIR", "") in ("", os.environ.get("THIDUA_TEST_DATA_DIR")):
    _data_dir = tempfile.mkdtemp(prefix="thidua-test-")
    os.environ["THIDUA_DATA_DIR"] = os.environ["THIDUA_TEST_DATA_DIR"] = _data_dir
    atexit.register(shutil.rmtree, _data_dir, ignore_errors=True)

from thidua.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
