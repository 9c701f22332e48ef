"""The Excel template a member fills in: one row per member, one column per entered indicator.

The importer reads back exactly this: the header in row 1 (names with their measure), indicator
codes in the hidden row 2 together with the cluster and period the template was made for.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from thidua.accounts.actors import Actor
from thidua.common.numbers import format_vn
from thidua.common.periods import Period, parse_period
from thidua.common.spreadsheet import safe_row
from thidua.indicators import visibility
from thidua.indicators.importing import CLUSTER_MARK, PERIOD_MARK
from thidua.indicators.models import Indicator, PeriodBasis, Value
from thidua.indicators.validation import value_period
from thidua.orgs.models import Cluster, Membership

FIRST_DATA_ROW = 3  # row 1: header, row 2 (hidden): codes
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_BOLD = Font(bold=True)
# Bounds for a decimal validation of an indicator without limits: only "is a number" is checked.
_NO_LIMIT = Decimal("1E15")


def write_template(
    cluster: Cluster,
    period: str,
    path_or_stream,
    language: str = "vi",
    *,
    actor: Actor | None = None,
) -> None:
    """Write the template for `cluster` and `period` to a path or a binary stream.

    Current values are filled in; with `actor`, only those the actor may see (a member's draft
    stays private to that member and the cluster's head).
    """
    p = parse_period(period)
    members = list(Membership.objects.filter(cluster=cluster, year=p.year).select_related("unit"))
    all_indicators = list(Indicator.objects.filter(active=True))
    entered = [i for i in all_indicators if not i.is_derived]
    with translation.override(language):
        book = Workbook()
        data = book.active
        data.title = _("Số liệu")
        _fill_help(book.create_sheet(_("Hướng dẫn")), cluster, p)
        _fill_catalogue(book.create_sheet(_("Chỉ tiêu")), all_indicators, language)
        units_sheet = book.create_sheet(_("Đơn vị"))
        _fill_units(units_sheet, members)
        values = _current_values(members, entered, p, actor)
        _fill_data(data, cluster, p, members, entered, values, language, units_sheet)
        book.save(path_or_stream)


def _current_values(
    members, indicators, period: Period, actor: Actor | None
) -> dict[tuple[int, int], Decimal]:
    wanted = {(ind.pk, value_period(ind, period.code)) for ind in indicators}
    rows = Value.objects.filter(
        unit__in=[m.unit for m in members],
        indicator__in=indicators,
        period__in={period.code, str(period.year)},
        is_current=True,
    ).select_related("report")
    visible: dict[int, bool] = {}
    result = {}
    for v in rows:
        if (v.indicator_id, v.period) not in wanted:
            continue
        if actor is not None:
            if v.report_id not in visible:
                visible[v.report_id] = visibility.can_view_report_values(actor, v.report)
            if not visible[v.report_id]:
                continue
        result[(v.unit_id, v.indicator_id)] = v.value.normalize()
    return result


def _fill_data(ws: Worksheet, cluster, period, members, indicators, values, language, units_ws):
    headers = [_("Mã đơn vị"), _("Đơn vị")] + [_header(i, language) for i in indicators]
    codes = ["unit_code", "unit_name"] + [i.code for i in indicators]
    codes += [f"{CLUSTER_MARK}{cluster.code}", f"{PERIOD_MARK}{period.code}"]
    ws.append(headers)
    ws.append(codes)
    ws.row_dimensions[2].hidden = True
    for m in members:
        row = [m.unit.code, m.unit.name]
        row += [values.get((m.unit.pk, i.pk)) for i in indicators]
        ws.append(safe_row(row))
    last = FIRST_DATA_ROW + len(members) - 1
    _style_header(ws, indicators, language)
    _format_columns(ws, indicators, last)
    _add_unit_list(ws, units_ws, len(members), last)
    for col, ind in enumerate(indicators, start=3):
        _add_number_validation(ws, ind, get_column_letter(col), last)
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=3)


def _header(indicator: Indicator, language: str) -> str:
    return f"{indicator.display_name(language)} ({indicator.measure})"


def _style_header(ws: Worksheet, indicators, language) -> None:
    ws.row_dimensions[1].height = 75
    for cell in ws[1]:
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for col, ind in enumerate(indicators, start=3):
        ws.cell(row=1, column=col).comment = Comment(_describe(ind, language), "thidua")


def _describe(ind: Indicator, language: str) -> str:
    lines = [
        _("Mã: %(code)s") % {"code": ind.code},
        _("Đơn vị tính: %(m)s") % {"m": ind.measure},
        _("Số chữ số thập phân: %(d)s") % {"d": ind.decimals},
        _limits_text(ind),
    ]
    if ind.period_basis == PeriodBasis.YEAR:
        lines.append(_("Số liệu cả năm."))
    return "\n".join(line for line in lines if line)


def _limits_text(ind: Indicator) -> str:
    low, high = ind.min_value, ind.max_value
    fmt = {"min": _limit(low), "max": _limit(high)}
    if low is not None and high is not None:
        return _("Nhập một số từ %(min)s đến %(max)s.") % fmt
    if low is not None:
        if low == 0:
            return _("Nhập một số không âm.")
        return _("Nhập một số không nhỏ hơn %(min)s.") % fmt
    if high is not None:
        return _("Nhập một số không lớn hơn %(max)s.") % fmt
    return _("Nhập một số.")


def _limit(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format_vn(value, max(0, -value.normalize().as_tuple().exponent))


def _number_format(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _format_columns(ws: Worksheet, indicators, last: int) -> None:
    ws.column_dimensions["A"].width = 11
    ws.column_dimensions["B"].width = 22
    for row in range(FIRST_DATA_ROW, last + 1):
        # Text, so that a code such as "01" keeps its leading zero.
        ws.cell(row=row, column=1).number_format = "@"
    for col, ind in enumerate(indicators, start=3):
        ws.column_dimensions[get_column_letter(col)].width = 20
        for row in range(FIRST_DATA_ROW, last + 1):
            ws.cell(row=row, column=col).number_format = _number_format(ind.decimals)


def _add_unit_list(ws: Worksheet, units_ws: Worksheet, count: int, last: int) -> None:
    if not count:
        return
    source = f"{quote_sheetname(units_ws.title)}!$B$2:$B${count + 1}"
    dv = DataValidation(
        type="list",
        formula1=source,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Đơn vị không hợp lệ"),
        error=_("Chọn một đơn vị thành viên của cụm trong danh sách."),
    )
    ws.add_data_validation(dv)
    dv.add(f"B{FIRST_DATA_ROW}:B{last}")


def _add_number_validation(ws: Worksheet, ind: Indicator, letter: str, last: int) -> None:
    if last < FIRST_DATA_ROW:
        return
    low, high = ind.min_value, ind.max_value
    if low is not None and high is not None:
        operator, f1, f2 = "between", low, high
    elif low is not None:
        operator, f1, f2 = "greaterThanOrEqual", low, None
    elif high is not None:
        operator, f1, f2 = "lessThanOrEqual", high, None
    else:
        operator, f1, f2 = "between", -_NO_LIMIT, _NO_LIMIT
    dv = DataValidation(
        type="decimal",
        operator=operator,
        formula1=_excel_number(f1),
        formula2=_excel_number(f2) if f2 is not None else None,
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorTitle=_("Giá trị không hợp lệ"),
        error=f"{ind.name_vi}: {_limits_text(ind)}"[:255],
        promptTitle=(ind.short_vi or ind.code)[:32],
        prompt=_("Đơn vị tính: %(m)s. %(limits)s")
        % {"m": ind.measure, "limits": _limits_text(ind)},
    )
    ws.add_data_validation(dv)
    dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last}")


def _excel_number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _fill_units(ws: Worksheet, members) -> None:
    ws.append([_("Mã đơn vị"), _("Đơn vị"), _("Vai trò")])
    for m in members:
        ws.append(safe_row([m.unit.code, m.unit.name, m.get_role_display()]))
    for cell in ws[1]:
        cell.font = _BOLD
    ws.column_dimensions["A"].width = 11
    ws.column_dimensions["B"].width = 24
    ws.column_dimensions["C"].width = 14


def _fill_help(ws: Worksheet, cluster: Cluster, period: Period) -> None:
    lines = [
        _("Mẫu nhập số liệu: %(cluster)s – %(period)s")
        % {"cluster": cluster.name, "period": period.label()},
        "",
        _("1. Trang “Số liệu”: mỗi dòng là một đơn vị thành viên, mỗi cột là một chỉ tiêu; tên "
          "chỉ tiêu và đơn vị tính ở dòng tiêu đề, rê chuột lên tiêu đề để xem giới hạn."),
        _("2. Không sửa dòng tiêu đề, không thêm, bớt hay đổi chỗ các cột. Dòng 2 được ẩn: nó "
          "chứa mã chỉ tiêu, cụm và kỳ của mẫu, dùng khi nhập lại tệp."),
        _("3. Số thập phân ghi bằng dấu phẩy, hàng nghìn bằng dấu chấm: 8,2 – 9.360 – 1.234,5. "
          "Một số viết như “9.360” mà không rõ là 9360 hay 9,36 sẽ bị hỏi lại."),
        _("4. Ô để trống là chưa có số liệu. Không ghi “-”, “x” hay “không có” vào ô số."),
        _("5. Các chỉ tiêu tính toán (ví dụ thu ngân sách so với dự toán) không có trong mẫu: "
          "hệ thống tự tính từ các chỉ tiêu khác."),
        _("6. Chỉ tiêu theo năm (dự toán, tỷ lệ tốt nghiệp…) ghi số liệu của cả năm %(year)s.")
        % {"year": period.year},
        _("7. Số liệu đã có trong hệ thống được điền sẵn; chỉ những ô thay đổi được ghi lại, "
          "mọi thay đổi đều được lưu lịch sử."),
        _("8. Tệp có lỗi bị từ chối toàn bộ, kèm danh sách ô (ví dụ H10), dòng, cột và giá trị "
          "cần sửa, và một bản của tệp tô đỏ các ô lỗi; sửa xong thì nhập lại cả tệp."),
        "",
        _("Nhập tệp bằng dòng lệnh: thidua import TEP.xlsx --cluster %(cluster)s --period "
          "%(period)s") % {"cluster": cluster.code, "period": period.code},
    ]  # fmt: skip
    for line in lines:
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=13)
    ws.column_dimensions["A"].width = 110
    for row in ws.iter_rows(min_row=3):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def _fill_catalogue(ws: Worksheet, indicators, language: str) -> None:
    ws.append(
        [
            _("Mã"),
            _("Tên chỉ tiêu"),
            _("Đơn vị tính"),
            _("Số chữ số thập phân"),
            _("Kỳ của số liệu"),
            _("Giá trị nhỏ nhất"),
            _("Giá trị lớn nhất"),
            _("Cách có số liệu"),
        ]
    )
    for ind in indicators:
        ws.append(
            [
                ind.code,
                ind.display_name(language),
                ind.measure,
                ind.decimals,
                ind.get_period_basis_display(),
                ind.min_value.normalize() if ind.min_value is not None else None,
                ind.max_value.normalize() if ind.max_value is not None else None,
                _("Tính tự động: %(f)s") % {"f": ind.formula} if ind.is_derived else _("Nhập"),
            ]
        )
    for cell in ws[1]:
        cell.font = _BOLD
    for letter, width in zip("ABCDEFGH", (24, 60, 12, 10, 30, 12, 12, 40), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "B2"
