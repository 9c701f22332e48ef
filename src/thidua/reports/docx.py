"""The docx engine every Word document kind renders on: docxtpl over an editable template.

A kind (the review report here, the scoring minutes in `scoring.minutes`, the ballot minutes in
`ballots.minutes`) declares its fields, its shipped template and a sample context, and registers
itself from its app's `ready()` (`register`), so `DocumentTemplate.clean` checks an upload of
any kind without this app importing the apps above it. The engine opens a template, renders it
in a sandbox, says why an upload cannot be used, and re-fits the table a `tc` loop widened.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.shared import Twips
from docx.table import Table
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from lxml.etree import XMLSyntaxError

from thidua.reports.official import FORM_LANGUAGE

Source = str | Path | bytes | IO[bytes]
Fields = dict | Callable[[DocxTemplate], dict]  # a context, or one made with the template
TEMPLATES = Path(__file__).resolve().parent / "templates_docx"  # the shipped templates
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LO_HINT = "apt-get install -y libreoffice-writer-nogui fonts-liberation2"


class DocumentError(Exception):
    """A document could not be produced; the message is for the user."""


class LibreOfficeMissing(DocumentError):
    pass


@dataclass(frozen=True)
class FittedTable:
    """The table a `tc` loop widens: found by its caption; `lead` columns at the start and
    `tail` at the end keep the template's widths, the others share the rest."""

    caption: str
    lead: int = 2
    tail: int = 0


@dataclass(frozen=True)
class Kind:
    """A kind of document: what an uploaded template of it may use and how it is checked."""

    code: str  # reports.DocumentKind
    fields: dict[str, str]  # field → what it holds, listed when an upload uses another
    shipped: Path
    sample: Callable[[DocxTemplate], dict]  # every field, without touching data
    unknown: Callable[[str], str]  # the refusal naming a field the kind does not have
    table: FittedTable | None = None


_KINDS: dict[str, str] = {}  # code → dotted path of its Kind (imported when first asked)
FALLBACK = "review"  # the kind an upload of an unregistered kind is checked as


def register(code: str, path: str) -> None:
    """Called from an app's `ready()`: the kind's module is imported only when a document of
    it is checked, so starting a command does not load every document's dependencies."""
    _KINDS[code] = path


def kind(code: str) -> Kind:
    return import_string(_KINDS.get(code) or _KINDS[FALLBACK])


def template_problem_for(code: str, source: Source) -> str | None:
    """Why an uploaded template of kind `code` cannot be used, in Vietnamese; None when it
    renders."""
    found = kind(code)
    return template_problem(source, found.sample, found.unknown)


# Open, render, check


def open_template(source: Source) -> DocxTemplate:
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    elif hasattr(source, "read"):
        source.seek(0)
        source = io.BytesIO(source.read())
    return DocxTemplate(source)


def environment(*, strict: bool = False) -> SandboxedEnvironment:
    # Uploaded templates are user content: the sandbox keeps them to reading the context.
    if strict:
        return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    return SandboxedEnvironment(autoescape=True)


def render(source: Source, fields: Fields, table: FittedTable | None = None) -> bytes:
    """The document, in the form's language; `table` re-fitted to the template's width."""
    tpl = open_template(source)
    tpl.init_docx()
    grid = table_grid(tpl.docx, table.caption) if table else []
    with translation.override(FORM_LANGUAGE):
        context = fields(tpl) if callable(fields) else fields
        tpl.render(context, jinja_env=environment(), autoescape=True)
    if grid:
        fit_tables(tpl.docx, table, grid)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def template_problem(
    source: Source, sample: Callable[[DocxTemplate], dict], unknown: Callable[[str], str]
) -> str | None:
    """Why a template cannot be used with the `sample` context, in Vietnamese; None when it
    renders."""
    try:
        tpl = open_template(source)
        tpl.init_docx()
    except (zipfile.BadZipFile, PackageNotFoundError, ValueError, KeyError, XMLSyntaxError):
        return _("Tệp không phải là tệp Word (.docx) hợp lệ.")
    try:
        fields = sample(tpl)
        missing = tpl.get_undeclared_template_variables(jinja_env=environment(), context=fields)
        if missing:
            return unknown(sorted(missing)[0])
        tpl.render(fields, jinja_env=environment(strict=True), autoescape=True)
    except UndefinedError as exc:
        return unknown(undefined_name(str(exc)))
    except TemplateSyntaxError as exc:
        return _("Mẫu viết sai cú pháp ở dòng %(n)s: %(e)s") % {"n": exc.lineno, "e": exc.message}
    except TemplateError as exc:
        return _("Mẫu không dựng được: %(e)s") % {"e": exc}
    return None


def undefined_name(message: str) -> str:
    found = re.search(r"'([^']+)' is undefined|attribute '([^']+)'", message)
    return next((g for g in found.groups() if g), message) if found else message


# A table by its caption


def tables(document, caption: str) -> list[Table]:
    # From the XML: python-docx caches the body that docxtpl's render replaces.
    found = []
    for tbl in document.element.body.iter(qn("w:tbl")):
        table = Table(tbl, document.part)
        cap = table._tbl.tblPr.find(qn("w:tblCaption"))
        if cap is not None and cap.get(qn("w:val")) == caption:
            found.append(table)
    return found


def table_grid(document, caption: str) -> list[int]:
    """The template's column widths (twips) of the table, before the loops change them."""
    found = tables(document, caption)
    if not found:
        return []
    return [int(c.get(qn("w:w"))) for c in found[0]._tbl.tblGrid.findall(qn("w:gridCol"))]


def fit_tables(document, spec: FittedTable, grid: list[int]) -> None:
    """The `tc` loops leave one column per item: the first `lead` and last `tail` columns keep
    the template's widths, the others share the rest of the template's table width."""
    lead, tail = spec.lead, spec.tail
    for table in tables(document, spec.caption):
        columns = table._tbl.tblGrid.findall(qn("w:gridCol"))
        middle = len(columns) - lead - tail
        if middle < 1 or len(grid) < lead + tail + 1:
            continue
        kept = grid[:lead] + grid[len(grid) - tail :]
        each = (sum(grid) - sum(kept)) // middle
        widths = grid[:lead] + [each] * middle + grid[len(grid) - tail :]
        for col, width in zip(columns, widths, strict=True):
            col.set(qn("w:w"), str(width))
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=False):
                cell.width = Twips(width)


# PDF


def soffice() -> str | None:
    """LibreOffice's command, or None: without it no PDF is offered (the pages say LO_HINT)."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes, *, timeout: int = 180) -> bytes:
    soffice_command = soffice()
    if soffice_command is None:
        raise LibreOfficeMissing(_("Chưa cài LibreOffice: %(cmd)s") % {"cmd": LO_HINT})
    with tempfile.TemporaryDirectory(prefix="thidua-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "bao-cao.docx"
        source.write_bytes(docx)
        # Its own profile in a temporary HOME: conversions never share or lock a user profile.
        command = [
            soffice_command,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ]
        env = {**os.environ, "HOME": str(folder)}
        try:
            done = subprocess.run(command, env=env, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise DocumentError(_("LibreOffice chuyển sang PDF quá lâu.")) from exc
        pdf = folder / "bao-cao.pdf"
        if not pdf.exists():
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()
            raise DocumentError(_("LibreOffice không chuyển được sang PDF: %(e)s") % {"e": detail})
        return pdf.read_bytes()
