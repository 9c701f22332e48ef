"""`thidua check --deploy` warns when the second factor is not required."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

NOT_REQUIRED = (
    "THIDUA_REQUIRE_TWO_FACTOR is off: the board, heads' secretariats, council "
    "members and administrators may sign in with a password alone."
)


def two_factor_required(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if settings.THIDUA_REQUIRE_TWO_FACTOR:
        return []
    hint = "Only for a closed test install; unset it (or set true) in production."
    return [checks.Warning(NOT_REQUIRED, hint=hint, id="thidua.W001")]


def register() -> None:
    checks.register(two_factor_required, checks.Tags.security, deploy=True)
