"""The admin speaks one language (issue 20: "the admin mixes English and Vietnamese labels"):
every field it shows has a Vietnamese label, every model a Vietnamese name, and the change lists
answer in Vietnamese (English in English mode, through the translations)."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.test import RequestFactory
from django.urls import reverse
from django.utils.text import camel_case_to_spaces, capfirst
from django.utils.translation import override

from tests.test_two_factor import code_for, device_for, site_login


def thidua_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model.__module__.startswith("thidua.")
    ]


def shown_names(model_admin, request) -> set[str]:
    """Field names the admin shows: change list columns, filters, form fields, inline fields."""
    names = set(model_admin.get_list_display(request))
    names |= {f for f in model_admin.get_list_filter(request) if isinstance(f, str)}
    names |= set(model_admin.get_fields(request))
    for inline in model_admin.get_inline_instances(request):
        names |= {f"{inline.model._meta.label}:{n}" for n in inline.get_fields(request)}
    return names


def model_field(model, name: str):
    if ":" in name:
        label, name = name.split(":")
        model = next(m for m in _inline_models() if m._meta.label == label)
    try:
        return model._meta.get_field(name.split("__")[0])
    except FieldDoesNotExist:
        return None  # an admin method (it carries its own description)


def _inline_models():
    return [i.model for _, ma in thidua_admins() for i in ma.inlines]


def english_default(field) -> bool:
    return str(field.verbose_name) == field.name.replace("_", " ")


def test_every_field_the_admin_shows_has_a_vietnamese_label(users):
    request = RequestFactory().get("/admin/")
    request.user = users["admin"]
    unlabelled = []
    for model, model_admin in thidua_admins():
        for name in sorted(shown_names(model_admin, request)):
            field = model_field(model, name)
            if field is not None and english_default(field):
                unlabelled.append(f"{model._meta.label}.{name}")
    assert unlabelled == []


def test_every_admin_model_has_a_vietnamese_name():
    unnamed = []
    for model in [m for m, _ in thidua_admins()] + _inline_models():
        meta = model._meta
        default = camel_case_to_spaces(meta.object_name)
        if str(meta.verbose_name) == default or str(meta.verbose_name_plural) == default + "s":
            unnamed.append(meta.label)
    assert unnamed == []


def admin_apps() -> list[str]:
    return sorted({model._meta.app_label for model, _ in thidua_admins()})


def listed_model(app_label: str):
    """The app's first admin model with rows (an empty change list shows no columns)."""
    models = sorted((m for m, _ in thidua_admins() if m._meta.app_label == app_label), key=str)
    return next(m for m in models if m._default_manager.exists())


@pytest.fixture
def admin_client(client, users):
    assert users["admin"].is_superuser
    device = device_for(users["admin"])
    assert site_login(client, "admin", code_for(device)).status_code == 302
    return client


def column_labels(model, language: str) -> list[str]:
    model_admin = admin.site._registry[model]
    with override(language):
        return [
            capfirst(str(field.verbose_name))
            for name in model_admin.list_display
            if (field := model_field(model, name)) is not None
        ]


def column_headers(html: str) -> list[str]:
    """The change list's column headers (not the screen-reader cells of the side menu)."""
    thead = html[html.index('id="result_list"') :].split("</thead>")[0]
    cells = re.findall(r'<div class="text">(.*?)</div>', thead, re.S)
    texts = (re.sub(r"<[^>]+>", " ", cell) for cell in cells)
    return [" ".join(text.split()) for text in texts if text.strip()]


@pytest.mark.parametrize("app_label", admin_apps())
def test_the_change_lists_answer_in_vietnamese(admin_client, app_label):
    model = listed_model(app_label)
    url = reverse(f"admin:{app_label}_{model._meta.model_name}_changelist")
    page = admin_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="vi"' in html
    headers = column_headers(html)
    english = {
        capfirst(name.replace("_", " ")) for name in admin.site._registry[model].list_display
    }
    assert headers and not english & set(headers), headers
    assert set(column_labels(model, "vi")) <= set(headers)


def test_the_change_list_answers_in_english_in_english_mode(admin_client):
    from thidua.indicators.models import Report

    admin_client.cookies["django_language"] = "en"
    html = admin_client.get(reverse("admin:indicators_report_changelist")).content.decode()
    assert "Submitted at" in html and "Late" in html and "Changed since acceptance" in html
    assert set(column_labels(Report, "en")) <= set(column_headers(html))
    assert "Nộp lúc" not in html
