"""The API: one NinjaAPI, version 1 under /api/v1/, schema at /api/openapi.json, docs at /api/docs.

The docs page uses the Swagger UI files shipped inside django-ninja (`ninja` is an installed
app), so it works on a closed network.
"""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from thidua.api import errors
from thidua.api.auth import AUTH
from thidua.api.codec import DecimalParser, DecimalRenderer
from thidua.api.openapi import forbid_nul
from thidua.api.routers import (
    awards,
    backlog,
    ballots,
    clusters,
    indicators,
    me,
    people,
    proposals,
    registry,
    reports,
    review,
    scoring,
    units,
)

DESCRIPTION = """\
API của hệ thống thi đua: đơn vị, cụm, chỉ tiêu, báo cáo, số liệu tổng hợp, chấm điểm,
bỏ phiếu kín, đề nghị khen thưởng, xét điều kiện và sổ khen thưởng.

Xác thực: phiên đăng nhập của trình duyệt (kèm CSRF khi ghi), hoặc khóa API
`Authorization: Bearer td_…` (tạo bằng `thidua token create --user U --name N`).

Số trong JSON là số thập phân chính xác; khi gửi, có thể dùng số hoặc chuỗi (`"8.2"`).
Lỗi kiểm tra (422): `{"detail": [{"row", "column", "value", "message", "cell"}]}`, trong đó
`row` là vị trí trong danh sách `values` (từ 0), `column` là tên trường và `cell` là ô của
bảng tính (ví dụ "H10") khi lỗi đến từ một tệp, không thì null.
"""


class ThiduaAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        return forbid_nul(super().get_openapi_schema(**kwargs))


api = ThiduaAPI(
    title="thidua API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    # BaseLayout shows no validator badge; no URL makes sure no browser ever calls it.
    docs=Swagger(settings={"validatorUrl": None}),
    auth=AUTH,
    renderer=DecimalRenderer(),
    parser=DecimalParser(),
)
errors.install(api)

for module in (me, units, clusters, indicators, reports, review, scoring, ballots):
    api.add_router("/v1/", module.router)
# people before awards: /people/import is not /people/{person_id}.
for module in (proposals, people, awards, backlog, registry):
    api.add_router("/v1/", module.router)
