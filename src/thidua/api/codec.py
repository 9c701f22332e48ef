"""JSON in and out with exact decimals: numbers are parsed to Decimal and written back as numbers.

A float would turn 8.2 into 8.1999999…; figures in the API are the figures of the report.
"""

from __future__ import annotations

import json
import re
import secrets
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from thidua.common.numbers import decimal_text

# Decimals are first written as marked strings and then unquoted; the random marker cannot
# appear in user text, so no string is ever turned into a number.
_MARK = secrets.token_hex(8)
_MARKED = re.compile(rf'"{_MARK}(-?[0-9]+(?:\.[0-9]+)?)"')


class DecimalEncoder(NinjaJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, Decimal) and o.is_finite():
            return _MARK + decimal_text(o)
        return super().default(o)


class DecimalRenderer(JSONRenderer):
    encoder_class = DecimalEncoder

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> str:
        text = json.dumps(data, cls=self.encoder_class, ensure_ascii=False)
        return _MARKED.sub(r"\1", text)


class DecimalParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        return json.loads(request.body, parse_float=Decimal)
