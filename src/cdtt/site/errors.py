"""The error pages: 400, 403, 404 and 500 in Vietnamese, inside the site's layout, with a way
home. Under /api/ the same errors answer JSON ``{detail}``, as the API's own handlers do.

The 500 page is rendered without the request's context: the failure may be the database (the
user, the notifications count and the menu all read it), so it needs nothing but its template.
"""

from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def _api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def _detail(status: int) -> str:
    return {
        400: _("Yêu cầu không hợp lệ."),
        403: _("Bạn không có quyền thực hiện thao tác này."),
        404: _("Không tìm thấy."),
        500: _("Lỗi hệ thống. Vui lòng thử lại sau."),
    }[status]


def _page(request, status: int) -> HttpResponse:
    if _api(request):
        return JsonResponse({"detail": _detail(status)}, status=status)
    body = loader.render_to_string(f"errors/{status}.html", {"status": status}, request=request)
    return HttpResponse(body, status=status)


def bad_request(request, exception=None):
    return _page(request, 400)


def permission_denied(request, exception=None):
    return _page(request, 403)


def csrf_failure(request, reason=""):
    if _api(request):
        return JsonResponse({"detail": _detail(403)}, status=403)
    body = loader.render_to_string(
        "errors/403.html", {"status": 403, "csrf": True}, request=request
    )
    return HttpResponse(body, status=403)


def page_not_found(request, exception=None):
    return _page(request, 404)


def server_error(request):
    if _api(request):
        return JsonResponse({"detail": _detail(500)}, status=500)
    try:
        body = loader.get_template("errors/500.html").render({"status": 500})
    except Exception:  # the last resort must not fail in its turn
        body = "<h1>500</h1>"
    return HttpResponse(body, status=500)
