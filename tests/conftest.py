"""Shared fixtures: the demo is loaded once into the test database; each test rolls back.

The cast (see thidua.demo.DEMO_USERS): `camau` runs cluster TNB as head secretariat in 2019,
`longan` and `kiengiang` are officers of TNB members, `hanoi` is an officer outside TNB,
`bantw` is the central board, `xem` a viewer of TNB.
"""

from __future__ import annotations

import os

import pytest

# Playwright runs an event loop in the test thread; the ORM calls in browser tests are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from thidua.demo import load_demo

    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def users(db):
    from django.contrib.auth import get_user_model

    return {u.username: u for u in get_user_model().objects.all()}


@pytest.fixture
def tnb(db):
    from thidua.orgs.models import Cluster

    return Cluster.objects.get(code="TNB")


@pytest.fixture
def tp5(db):
    from thidua.orgs.models import Cluster

    return Cluster.objects.get(code="TP5")


@pytest.fixture
def indicators(db):
    from thidua.indicators.models import Indicator

    return {i.code: i for i in Indicator.objects.all()}


@pytest.fixture
def unit(db):
    """unit("80") is the unit with that code valid in 2019 (Long An, not today's Tây Ninh)."""
    from datetime import date

    from thidua.orgs.reference import unit_on

    return lambda code, day=date(2019, 7, 1): unit_on(code, day)


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Each test starts with no rendered parts: a rolled-back test's stamp may come back."""
    from django.core.cache import caches

    caches["pages"].clear()


@pytest.fixture
def as_user(client, users):
    """as_user("longan") is the test client signed in as that member of the cast."""

    def login(name: str):
        client.force_login(users[name])
        return client

    return login
