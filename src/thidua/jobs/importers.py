"""The files the worker imports: one entry per kind of list, found by name.

An importer takes (path, actor=, filename=, watch=) and returns a result with `.ok` and
`.as_dict()` (its "errors": each with message, row, column, value), writing all or nothing;
`watch(phase, count)` reports the rows read, checked and written (`thidua.jobs.progress`). A new
kind of list (the people import) is one more `register(...)` here, a URL to
`web.views.jobs.import_page` with {"name": "<name>"}, and its URL name in
`web.upload_limit.JOB_UPLOADS` (the larger upload limit).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from thidua.accounts import permissions as perms

Text = str | Promise  # a text translated when shown (gettext_lazy)


@dataclass(frozen=True)
class Importer:
    name: str
    title: Text
    run: Callable
    may_start: Callable  # (user) -> bool
    help: Text = ""  # what the file holds, on the upload page
    back: tuple[str, Text] = ("", "")  # (URL name, its title): the crumbs and the result's link
    suffixes: tuple[str, ...] = (".xlsx", ".xls", ".xlsm", ".ods", ".csv")
    after: Callable | None = None  # () -> None, once the import is committed
    options: tuple[str, ...] = ()  # keyword flags the upload page may pass to `run` (dry_run)
    kept: Text = _("dòng đã có trong sổ")  # what an unchanged row is, on the result page
    labels: dict[str, str] | None = None  # the errors' column keys as the page names them


IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> None:
    IMPORTERS[importer.name] = importer


def get(name: str) -> Importer:
    return IMPORTERS[name]


def _registry(path, *, actor, filename, watch):
    from thidua.awards.registry import import_registry

    return import_registry(path, actor=actor, filename=filename, via="web", watch=watch)


def _warm() -> None:
    from thidua.awards import warm

    warm.warm()  # the new entries' index pages, for the next searches (as the CLI does)


register(
    Importer(
        name="registry",
        title=_("Nhập danh sách khen thưởng vào sổ"),
        run=_registry,
        may_start=perms.is_board,
        help=_(
            "Mỗi dòng một khen thưởng: Họ và tên, Năm sinh (để trống nếu là tập thể), Đơn vị, "
            "Hình thức khen thưởng, Năm, Số quyết định, Ngày quyết định."
        ),
        back=("web:registry", _("Sổ khen thưởng")),
        after=_warm,
    )
)


def _people(path, *, actor, filename, watch, dry_run: bool = False):
    from django.conf import settings

    from thidua.awards.histories import import_histories

    # The officer's scope is checked again here, when the worker runs it (import_histories).
    return import_histories(
        actor,
        path,
        filename=filename,
        dry_run=dry_run,
        via="web",
        limit=settings.THIDUA_JOB_UPLOAD_BYTES,
        watch=watch,
    )


def _history_labels() -> dict[str, str]:
    from thidua.awards.histories import LABELS

    return LABELS


def _may_import_people(user) -> bool:
    from thidua.awards.histories import may_import

    return may_import(user)


register(
    Importer(
        name="people",
        title=_("Nhập quá trình xếp loại, sáng kiến"),
        run=_people,
        may_start=_may_import_people,
        back=("web:people_import", _("Nhập quá trình hằng năm")),
        options=("dry_run",),
        kept=_("dòng không đổi"),
        labels=_history_labels(),
    )
)
