"""The throughput benchmark's bare views exist only when THIDUA_BENCH_BARE is set."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import Resolver404, resolve

from thidua.env import ConfigError
from thidua.urls import bench_patterns


def test_the_bare_benchmark_view_is_not_mounted_without_the_variable(client, monkeypatch):
    monkeypatch.delenv("THIDUA_BENCH_BARE", raising=False)
    assert bench_patterns() == []
    with pytest.raises(Resolver404):
        resolve("/bench/bare/")
    assert client.get("/bench/bare/").status_code == 404
    assert client.get("/bench/login/").status_code == 404


def test_with_the_variable_the_bare_views_answer_a_fixed_ok(monkeypatch, users):
    monkeypatch.setenv("THIDUA_BENCH_BARE", "true")
    bare, login = bench_patterns()
    match = bare.resolve("bench/bare/")
    response = match.func(RequestFactory().get("/bench/bare/"))
    assert (response.status_code, response.content) == (200, b"ok")
    request = RequestFactory().get("/bench/login/")
    request.user = AnonymousUser()
    assert login.resolve("bench/login/").func(request).status_code == 302  # to the login page
    request.user = users["bantw"]
    assert login.resolve("bench/login/").func(request).content == b"ok"


def test_a_typo_in_the_variable_is_an_error(monkeypatch):
    monkeypatch.setenv("THIDUA_BENCH_BARE", "ja")
    with pytest.raises(ConfigError):
        bench_patterns()
