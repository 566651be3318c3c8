"""The JSON API (/api/v1/): one NinjaAPI, bearer tokens by default, each app adds a router."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from cdtt.accounts.models import ApiToken


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        row = (
            ApiToken.objects.select_related("user", "user__scope_unit")
            .filter(key_hash=token_hash(token), expires_at__gt=timezone.now())
            .first()
        )
        if row is None or not row.user.is_active:
            return None
        request.user = row.user
        return row.user


api = NinjaAPI(
    title="CDTT API",
    version="1",
    urls_namespace="api",
    auth=BearerToken(),
    openapi_url="/openapi.json",
    docs_url="/docs",
)


@api.exception_handler(ValidationError)
def _validation_error(request, exc):
    return api.create_response(request, {"detail": exc.errors}, status=422)


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return api.create_response(
        request, {"detail": "Chưa xác thực hoặc mã truy cập đã hết hạn."}, status=401
    )


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: str


class Error(Schema):
    detail: str


@api.post("/auth/token", auth=None, response={200: TokenOut, 401: Error}, tags=["auth"])
def auth_token(request, body: TokenIn):
    """Exchange a username and password for a bearer token."""
    user = authenticate(request, username=body.username, password=body.password)
    if user is None or not user.is_active:
        raise HttpError(401, "Sai tên đăng nhập hoặc mật khẩu.")
    key = secrets.token_urlsafe(32)
    expires = timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
    ApiToken.objects.create(user=user, key_hash=token_hash(key), expires_at=expires)
    return {"token": key, "expires_at": expires.isoformat()}


def _add_routers() -> None:
    from cdtt.campaigns.api import router as campaigns_router
    from cdtt.geo.api import router as geo_router
    from cdtt.registry.api import router as registry_router
    from cdtt.teams.api import router as teams_router

    api.add_router("/units", geo_router)
    api.add_router("", registry_router)
    api.add_router("", teams_router)
    api.add_router("", campaigns_router)


_add_routers()
