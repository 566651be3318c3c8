"""Production settings: the defaults plus Django's deploy checklist (``check --deploy`` clean)."""

from cdtt.lib.env import envbool, envint, envstr
from cdtt.settings import *  # noqa: F403

DEBUG = False
SECRET_KEY = envstr("CDTT_SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise RuntimeError("CDTT_SECRET_KEY must be set to a random string of 50+ characters")
SECURE_SSL_REDIRECT = envbool("CDTT_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = envint("CDTT_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
