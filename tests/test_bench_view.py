"""The throughput benchmark's bare view exists only when THIDUA_BENCH_BARE is set."""

import pytest
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


def test_with_the_variable_the_bare_view_answers_a_fixed_ok(monkeypatch):
    monkeypatch.setenv("THIDUA_BENCH_BARE", "true")
    (pattern,) = bench_patterns()
    match = pattern.resolve("bench/bare/")
    response = match.func(RequestFactory().get("/bench/bare/"))
    assert (response.status_code, response.content) == (200, b"ok")


def test_a_typo_in_the_variable_is_an_error(monkeypatch):
    monkeypatch.setenv("THIDUA_BENCH_BARE", "ja")
    with pytest.raises(ConfigError):
        bench_patterns()
