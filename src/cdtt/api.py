"""The JSON API (/api/v1/): one NinjaAPI, bearer tokens by default, each app adds a router."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import connection
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from cdtt.accounts.models import ApiToken, User
from cdtt.geo.models import AdminUnit


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _columns(model) -> tuple[list[str], list[str]]:
    fields = model._meta.concrete_fields
    return [f.attname for f in fields], [f.column for f in fields]


class BearerToken(HttpBearer):
    """A bearer token: one indexed query reads the token's user and the user's scope unit."""

    _sql: str | None = None

    @classmethod
    def _query(cls) -> str:
        if cls._sql is None:
            _, user_cols = _columns(User)
            _, unit_cols = _columns(AdminUnit)
            cls._sql = (
                f"SELECT {', '.join(f'u.{c}' for c in user_cols)}, "
                f"{', '.join(f's.{c}' for c in unit_cols)} "
                f"FROM {ApiToken._meta.db_table} t "
                f"JOIN {User._meta.db_table} u ON u.id = t.user_id "
                f"LEFT JOIN {AdminUnit._meta.db_table} s ON s.id = u.scope_unit_id "
                "WHERE t.key_hash = %s AND t.expires_at > %s"
            )
        return cls._sql

    def authenticate(self, request, token):
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(self._query(), [token_hash(token), now])
            row = cursor.fetchone()
        if row is None:
            return None
        user_names, _ = _columns(User)
        user = User.from_db(connection.alias, user_names, row[: len(user_names)])
        if not user.is_active:
            return None
        unit_row = row[len(user_names) :]
        if user.scope_unit_id is not None and unit_row[0] is not None:
            unit_names, _ = _columns(AdminUnit)
            user.scope_unit = AdminUnit.from_db(connection.alias, unit_names, unit_row)
        request.user = user
        return user


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
    from cdtt.figures.api import router as figures_router
    from cdtt.geo.api import router as geo_router
    from cdtt.registry.api import router as registry_router
    from cdtt.schools.api import router as schools_router
    from cdtt.teams.api import router as teams_router

    api.add_router("/units", geo_router)
    api.add_router("", registry_router)
    api.add_router("", teams_router)
    api.add_router("", campaigns_router)
    api.add_router("", figures_router)
    api.add_router("", schools_router)


_add_routers()
