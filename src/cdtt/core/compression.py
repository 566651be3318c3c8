"""Compression of the API's answers and of the field app's shell, for phones on a slow line.

Only JSON of the API and the field app's own pages and scripts are compressed: an export (XLSX,
DOCX, PDF) is already a zip, and compressing it again only spends the server's CPU. Static files
that the production storage stored compressed already come with their ``Content-Encoding`` and
are left as they are. Django's gzip adds
random bytes to each answer (its BREACH mitigation); the API's answers carry no CSRF token and
the field app's shell holds no data.
"""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware

COMPRESSED_TYPES = {
    "application/json",
    "text/html",
    "application/javascript",
    "text/javascript",
    "text/css",
    "application/manifest+json",
}


class ApiGZipMiddleware(GZipMiddleware):
    """GZipMiddleware limited to the paths in ``GZIP_PATHS`` and to text answers."""

    def process_response(self, request, response):
        if not request.path.startswith(tuple(settings.GZIP_PATHS)):
            return response
        content_type = response.get("Content-Type", "").split(";")[0].strip()
        if content_type not in COMPRESSED_TYPES:
            return response
        return super().process_response(request, response)
