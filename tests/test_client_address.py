"""Behind our own proxy (THIDUA_TRUSTED_PROXIES) each client is told apart; nobody else's
X-Forwarded-For is believed. The login lockout and the public look-up's limit count per client.

Cast: `longan` is an officer of Long An; nginx runs on the same host (127.0.0.1).
"""

from __future__ import annotations

from ipaddress import ip_network

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from thidua.common.client_address import client_address
from thidua.env import ConfigError, env_networks

NGINX = "127.0.0.1"
PROXIES = (ip_network("127.0.0.1"), ip_network("10.0.0.0/8"))


@pytest.fixture
def behind_nginx(settings):
    settings.THIDUA_TRUSTED_PROXIES = PROXIES


def via(remote: str, forwarded: str | None = None) -> Client:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client(**extra)


def address(remote: str, forwarded: str | None = None) -> str:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def fail_logins(client: Client, times: int) -> list[int]:
    form = {"username": "longan", "password": "sai-mat-khau"}
    return [client.post("/login/", form).status_code for _i in range(times)]


def test_the_client_is_the_rightmost_address_our_proxies_did_not_add(behind_nginx):
    assert address(NGINX, "203.0.113.7") == "203.0.113.7"
    assert address(NGINX, "198.51.100.1, 203.0.113.7") == "203.0.113.7"  # the left is forgeable
    assert address(NGINX, "203.0.113.7, 10.1.2.3") == "203.0.113.7"  # through two of ours
    assert address(NGINX, "10.1.2.3") == "10.1.2.3"  # only our own hosts: the farthest
    assert address(NGINX, "junk, 10.1.2.3") == "10.1.2.3"
    assert address(NGINX) == NGINX


def test_a_forged_header_from_an_untrusted_address_is_ignored(behind_nginx):
    assert address("203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_without_trusted_proxies_the_header_is_never_read(settings):
    settings.THIDUA_TRUSTED_PROXIES = ()
    assert address(NGINX, "203.0.113.7") == NGINX


def test_behind_a_trusted_proxy_one_clients_failures_do_not_lock_another(db, behind_nginx):
    attacker, colleague = via(NGINX, "203.0.113.66"), via(NGINX, "198.51.100.20")
    assert fail_logins(attacker, 5)[-1] == 429
    ok = colleague.post("/login/", {"username": "longan", "password": "thidua-demo-2019"})
    assert ok.status_code == 302  # signed in: the lockout was the attacker's alone
    assert fail_logins(attacker, 1) == [429]


def test_a_forged_forwarded_address_does_not_escape_the_lockout(db, behind_nginx):
    attacker = "203.0.113.66"
    codes = [
        via(attacker, f"198.51.100.{n}")
        .post("/login/", {"username": "longan", "password": "sai-mat-khau"})
        .status_code
        for n in range(5)
    ]
    assert codes[-1] == 429  # five failures from one address, whatever the header says


def test_the_public_look_up_counts_each_client_behind_the_proxy(db, behind_nginx, settings):
    settings.THIDUA_LOOKUP_PER_MINUTE = 2
    cache.clear()
    first, second = via(NGINX, "203.0.113.66"), via(NGINX, "198.51.100.20")
    assert [first.get("/tra-cuu/", {"q": "tran"}).status_code for _i in range(3)][-1] == 429
    assert second.get("/tra-cuu/", {"q": "tran"}).status_code == 200


def test_a_forged_header_does_not_reset_the_look_up_limit(db, behind_nginx, settings):
    settings.THIDUA_LOOKUP_PER_MINUTE = 2
    cache.clear()
    codes = [
        via("203.0.113.66", f"198.51.100.{n}").get("/tra-cuu/", {"q": "tran"}).status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]


def test_trusted_proxies_are_read_strictly(monkeypatch):
    monkeypatch.setenv("THIDUA_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8,::1")
    assert [str(n) for n in env_networks("THIDUA_TRUSTED_PROXIES")] == [
        "127.0.0.1/32",
        "10.0.0.0/8",
        "::1/128",
    ]
    for wrong in ("nginx", "10.0.0.1/8", "127.0.0.1;10.0.0.1"):
        monkeypatch.setenv("THIDUA_TRUSTED_PROXIES", wrong)
        with pytest.raises(ConfigError, match="THIDUA_TRUSTED_PROXIES"):
            env_networks("THIDUA_TRUSTED_PROXIES")
