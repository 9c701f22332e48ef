"""People's yearly histories (ratings, initiatives, units by year) from a sheet."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status, UploadedFile

from thidua.accounts import permissions as perms
from thidua.api.errors import responses
from thidua.api.schemas import HistoryImportOut, ValidationErrors
from thidua.awards.histories import import_histories, may_import
from thidua.common.errors import Issue, ValidationFailed

router = Router(tags=["people"])
NO_FILE = File(None)


@router.post(
    "/people/import",
    # 422: the import's own answer (ok false, errors by row and column); a request the API
    # cannot read at all (no file, a wrong field) answers as every operation does.
    response=responses({200: HistoryImportOut, 422: HistoryImportOut | ValidationErrors}, 403),
    summary="Nhập quá trình hằng năm của cá nhân, tập thể (xếp loại, sáng kiến, đơn vị) từ "
    "Excel/CSV: tất cả hoặc không; cán bộ đơn vị chỉ nhập người của đơn vị mình",
)
def import_(
    request: HttpRequest,
    dry_run: bool = Form(False, description="Chỉ kiểm tra, không ghi."),
    file: UploadedFile | None = NO_FILE,
):
    perms.require(
        may_import(request.auth), _("Chỉ cán bộ thi đua của đơn vị hoặc Ban TĐKT được nhập.")
    )
    if file is None:
        raise ValidationFailed([Issue(_("Cần chọn tệp Excel (.xlsx) hoặc CSV."), column="file")])
    result = import_histories(
        request.auth, file, filename=file.name or "", dry_run=dry_run, via="api"
    )
    return Status(200 if result.ok else 422, result.as_dict())
