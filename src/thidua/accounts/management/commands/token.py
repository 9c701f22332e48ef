"""`thidua token create|revoke|list`: API keys for machines, managed by the operator."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from thidua.accounts import tokens
from thidua.accounts.models import ApiToken
from thidua.accounts.permissions import SYSTEM


class Command(BaseCommand):
    help = "Quản lý khóa API: tạo (khóa chỉ hiện một lần), thu hồi, liệt kê."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Tạo khóa API cho một tài khoản.")
        create.add_argument("--user", required=True, help="Tên đăng nhập của tài khoản.")
        create.add_argument("--name", required=True, help="Tên gợi nhớ, ví dụ hệ thống dùng khóa.")
        create.add_argument(
            "--unit", help="Mã đơn vị (đang hiệu lực) để giới hạn khóa vào đơn vị đó."
        )
        revoke = actions.add_parser("revoke", help="Thu hồi khóa theo tiền tố.")
        revoke.add_argument("prefix", help="Tiền tố của khóa (như trong `thidua token list`).")
        listing = actions.add_parser("list", help="Liệt kê các khóa.")
        listing.add_argument("--user", help="Chỉ các khóa của tài khoản này.")

    def handle(self, *args, **options) -> None:
        handler = {"create": self._create, "revoke": self._revoke, "list": self._list}
        try:
            handler[options["action"]](options)
        except (tokens.TokenError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from None

    def _create(self, options) -> None:
        user = _user(options["user"])
        issued = tokens.create_token(
            SYSTEM, user, options["name"], _unit(options.get("unit"), user)
        )
        self.stdout.write(issued.key)
        self.stderr.write(
            f"Đã tạo khóa {issued.token.prefix} cho {user.get_username()}. "
            "Khóa chỉ hiện một lần: hãy lưu lại ngay."
        )

    def _revoke(self, options) -> None:
        token = tokens.revoke_token(SYSTEM, tokens.find_by_prefix(options["prefix"]))
        self.stdout.write(f"Đã thu hồi khóa {token.prefix} ({token.name}, {token.user}).")

    def _list(self, options) -> None:
        rows = ApiToken.objects.select_related("user").order_by("user__username", "created_at")
        if options.get("user"):
            rows = rows.filter(user__username=options["user"])
        for token in rows:
            self.stdout.write(_line(token))


def _user(username: str):
    try:
        return get_user_model().objects.get_by_natural_key(username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"Không có tài khoản {username}.") from None


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _line(token: ApiToken) -> str:
    state = f"thu hồi {_when(token.revoked_at)}" if token.revoked_at else "đang dùng"
    used = _when(token.last_used_at) if token.last_used_at else "chưa dùng"
    created = _when(token.created_at)
    who = f"{token.user.get_username():<12} {token.name:<24}"
    return f"{token.prefix}  {who} {created}  {used}  {state}"


def _unit(code: str | None, user):
    """The unit with this code among the user's own (codes were reused in 2025)."""
    if not code:
        return None
    found = [a.unit for a in user.roles.select_related("unit") if a.unit and a.unit.code == code]
    if not found:
        raise CommandError(f"Tài khoản {user.get_username()} không có vai trò ở đơn vị mã {code}.")
    return found[0]
