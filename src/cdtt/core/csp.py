"""django-csp's middleware, with the policy of the settings built once.

``csp.middleware.CSPMiddleware`` builds the header anew for every answer (the directives copied,
sorted and joined: a tenth of the Python calls of a field app's write). An answer that changes
nothing of the policy (no ``csp_update``/``csp_replace``/``csp`` decorator, no nonce asked, no
report-only policy in the settings) gets the same text every time: it is built once, and again
only when the setting itself is replaced (tests override it). Any other answer goes through
django-csp unchanged.
"""

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings

_CHANGES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


class CSPMiddleware(BaseCSPMiddleware):
    _built: tuple[object, str] | None = None

    def _policy(self) -> str:
        setting = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        if self._built is None or self._built[0] is not setting:
            self._built = (setting, build_policy())
        return self._built[1]

    def _plain(self, request, response) -> bool:
        if settings.DEBUG or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None):
            return False
        if getattr(request, "_csp_nonce", None) is not None:
            return False
        return not any(getattr(response, name, None) is not None for name in _CHANGES)

    def process_response(self, request, response):
        if not self._plain(request, response):
            return super().process_response(request, response)
        policy = self._policy()
        excluded = (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get(
            "EXCLUDE_URL_PREFIXES"
        ) or ()
        if (
            policy
            and HEADER not in response
            and not getattr(response, "_csp_exempt", False)
            and not request.path_info.startswith(tuple(excluded))
        ):
            response[HEADER] = policy
        # As django-csp: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
