"""Error pages in the site's look, Vietnamese first (English when the user chose English).

400/403/404/429/503 extend the site's base page; 500 uses a self-contained page that needs no
database, no context processor and no URL lookup, since the error may be the database itself.
Addresses under /api/ keep the API's JSON shape ({"detail": ...}).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

# (title, explanation) per status: said in words a provincial officer can act on.
_WORDS = {
    400: (
        "Yêu cầu không hợp lệ",
        "Trang không hiểu được yêu cầu vừa gửi (địa chỉ hoặc dữ liệu biểu mẫu bị sai). "
        "Hãy quay lại và thử lại.",
    ),
    403: (
        "Bạn không có quyền xem trang này",
        "Tài khoản của bạn không được giao việc này. Nếu cần, hãy liên hệ thường trực cụm "
        "hoặc quản trị hệ thống.",
    ),
    404: (
        "Không tìm thấy trang",
        "Địa chỉ này không có hoặc nội dung đã được chuyển, xóa. Hãy kiểm tra lại địa chỉ.",
    ),
    429: (
        "Quá nhiều yêu cầu",
        "Bạn đã gửi quá nhiều yêu cầu trong một phút. Vui lòng chờ một lát rồi thử lại.",
    ),
    500: (
        "Hệ thống gặp lỗi",
        "Đã có lỗi khi xử lý yêu cầu; lỗi đã được ghi lại. Dữ liệu đã lưu trước đó không bị "
        "ảnh hưởng. Hãy thử lại sau ít phút.",
    ),
    503: (
        "Hệ thống tạm thời không phục vụ",
        "Hệ thống đang bảo trì hoặc quá tải. Vui lòng thử lại sau ít phút.",
    ),
}


def words(status: int) -> tuple[str, str]:
    title, text = _WORDS[status]
    return _(title), _(text)


def _api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def error_page(request: HttpRequest, status: int, detail: str = "") -> HttpResponse:
    """The page for `status`, in the site's look; JSON under /api/."""
    title, text = words(status)
    if _api(request):
        return JsonResponse({"detail": detail or title}, status=status)
    back = request.META.get("HTTP_REFERER", "")
    # Only a page of this site is offered as "back": never an outside address.
    if not back.startswith(request.build_absolute_uri("/")):
        back = ""
    context = {"status": status, "title": title, "text": text, "detail": detail, "back": back}
    body = loader.render_to_string("web/errors/page.html", context, request=request)
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(request, 400)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(request, 403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """No request context: the template must render even when the database is down."""
    title, text = words(500)
    if _api(request):
        return JsonResponse({"detail": title}, status=500)
    body = loader.render_to_string("web/errors/500.html", {"title": title, "text": text})
    return HttpResponse(body, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: usually a form left open past the session, or cookies blocked."""
    title = _("Phiên làm việc đã hết hạn")
    text = _(
        "Biểu mẫu này đã mở quá lâu hoặc trình duyệt đang chặn cookie, nên hệ thống không nhận "
        "được yêu cầu. Hãy tải lại trang rồi gửi lại."
    )
    if _api(request):
        return JsonResponse({"detail": title}, status=403)
    context = {"status": 403, "title": title, "text": text, "detail": "", "back": ""}
    body = loader.render_to_string("web/errors/page.html", context, request=request)
    return HttpResponse(body, status=403)
