"""The public look-up on the registry search's path: the same index ranges, and a common name is
counted only as far as the pages shown reach ("hơn 1.000 kết quả"), never in full."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from thidua.awards.models import AwardEntry
from thidua.web.views.lookup import MAX_PAGES


@pytest.fixture(autouse=True)
def fresh_rate_limit(db):
    cache.clear()
    yield
    cache.clear()


def counts_in(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_a_common_name_is_counted_no_further_than_the_last_page(client):
    common = AwardEntry.objects.filter(name_key__startswith="nguyen").count()
    assert common > MAX_PAGES * 50 + 1  # the demo's commonest family name: more than the pages
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("web:lookup"), {"q": "nguyen", "size": 50})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 50
    for sql in counts_in(queries):
        limit = re.search(r"LIMIT (\d+)", sql)
        assert limit and int(limit.group(1)) <= MAX_PAGES * 50 + 1, sql
    assert response.context["more_than"] == 1000 and response.context["capped"]
    assert "Tìm thấy hơn 1.000 kết quả." in response.content.decode()
    assert response.context["last_page"] == MAX_PAGES


def test_a_rare_name_still_shows_its_exact_count(client):
    response = client.get(reverse("web:lookup"), {"q": "vo thi kiem thu"})
    assert response.context["more_than"] is None
    assert "Tìm thấy hơn" not in response.content.decode()


def test_the_look_up_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get(reverse("web:lookup"), {"q": "nguyen van", "size": 50, "page": 3})
