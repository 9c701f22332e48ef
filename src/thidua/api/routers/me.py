"""Who am I: the calling user and their role assignments."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from thidua.accounts import permissions as perms
from thidua.accounts.models import RoleAssignment
from thidua.api.errors import responses
from thidua.api.schemas import MeOut

router = Router(tags=["me"])


@router.get("/me", response=responses({200: MeOut}), summary="Tài khoản đang gọi và vai trò")
def me(request: HttpRequest):
    user = request.auth
    roles = RoleAssignment.objects.filter(user=user).select_related("unit", "cluster")
    return {"user": user, "is_board": perms.is_board(user), "roles": list(roles.order_by("id"))}
