"""The JSON API (/api/v1/): one NinjaAPI, bearer tokens by default, each app adds a router.

Every refusal is answered here, in one place, as ``cdtt.core.errors.ErrorOut``: a domain error
with its own status, Django's ``ValidationError`` and a request that fails its schema as 422
with the fields at fault.
"""

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as RuleError
from django.db import connection
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer, django_auth

from cdtt.accounts.models import ApiToken, User
from cdtt.accounts.services import (
    api_token_issue,
    token_hash,
    two_factor_device,
    two_factor_failed,
    two_factor_verify,
)
from cdtt.core.errors import (
    BadRequest,
    DomainError,
    NotFound,
    Refused,
    Unauthenticated,
    error_responses,
    error_text,
    validation_errors,
)
from cdtt.geo.models import AdminUnit

__all__ = ["api", "token_hash"]


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


_openapi_schema = api.get_openapi_schema


def _schema_with_refusals(*args, **kwargs):
    """The document with the refusals every operation may give: 401 where a token is needed
    (absent, expired, unknown), 400 where a body is read (one that cannot be parsed), 422
    where a parameter or a body can fail its schema."""
    schema = _openapi_schema(*args, **kwargs)
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
    for operations in schema["paths"].values():
        for op in operations.values():
            responses = op.setdefault("responses", {})
            if op.get("security"):
                responses.setdefault(401, {**error, "description": "Unauthorized"})
            if op.get("requestBody"):
                responses.setdefault(400, {**error, "description": "Bad Request"})
            if op.get("requestBody") or op.get("parameters"):
                responses.setdefault(422, {**error, "description": "Unprocessable Content"})
    return schema


api.get_openapi_schema = _schema_with_refusals


def _refusal(request, status: int, detail: str, errors: list | None = None):
    body = {"detail": detail} if errors is None else {"detail": detail, "errors": errors}
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return _refusal(request, exc.status, exc.message)


@api.exception_handler(RuleError)
def _rule_error(request, exc: RuleError):
    return _refusal(request, 422, error_text(exc), validation_errors(exc))


def _field_of(loc) -> str:
    """A pydantic error location as a dotted path, without ninja's parameter-group prefix
    (``body``, ``query``, ``path``) and the name of the view's argument that follows it."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    return ".".join(parts)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    errors = [{"field": _field_of(e.get("loc", ())), "message": e["msg"]} for e in exc.errors]
    fields = ", ".join(dict.fromkeys(e["field"] for e in errors if e["field"]))
    detail = _("Dữ liệu gửi lên không hợp lệ")
    return _refusal(request, 422, f"{detail}: {fields}." if fields else f"{detail}.", errors)


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return _refusal(request, 401, Unauthenticated().message)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _refusal(request, 404, NotFound().message)


@api.exception_handler(PermissionDenied)
def _denied(request, exc):
    return _refusal(request, 403, Refused().message)


@api.exception_handler(MultiPartParserError)
def _unreadable(request, exc):
    return _refusal(request, 400, BadRequest().message)


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = Field(
        None,
        description="The 6-digit code of the authenticator app: required for a user who has "
        "turned on two-factor login (missing or wrong: 401).",
    )


class TokenOut(Schema):
    token: str
    expires_at: str


@api.post(
    "/auth/token", auth=None, response={200: TokenOut, **error_responses(401, 422)}, tags=["auth"]
)
def auth_token(request, body: TokenIn):
    """Exchange a username and password for a bearer token (failed attempts are throttled)."""
    user = authenticate(request, username=body.username, password=body.password)
    if user is None or not user.is_active:
        raise Unauthenticated(_("Sai tên đăng nhập hoặc mật khẩu."))
    device = two_factor_device(user)
    if device is not None:
        if not body.otp:
            raise Unauthenticated(_("Cần mã xác thực hai lớp (otp)."))
        try:
            two_factor_verify(device, body.otp)
        except RuleError as exc:
            two_factor_failed(request, user)
            raise Unauthenticated(exc.messages[0]) from exc
    key, token = api_token_issue(user=user)
    return {"token": key, "expires_at": token.expires_at.isoformat()}


@api.post(
    "/auth/session-token",
    auth=django_auth,
    response={200: TokenOut, **error_responses(401, 403)},
    tags=["auth"],
)
def auth_session_token(request):
    """A bearer token for the user signed in to the site, from their session (with the CSRF
    token of the site's cookie): the field app opens signed in without asking the password
    again, and keeps working offline with the token. Issued and audited as any token."""
    key, token = api_token_issue(user=request.user, via="session")
    return {"token": key, "expires_at": token.expires_at.isoformat()}


def _add_routers() -> None:
    from cdtt.campaigns.api import router as campaigns_router
    from cdtt.directives.api import router as directives_router
    from cdtt.figures.api import router as figures_router
    from cdtt.geo.api import router as geo_router
    from cdtt.honours.api import router as honours_router
    from cdtt.media.api import router as media_router
    from cdtt.movements.api import router as movements_router
    from cdtt.offers.api import router as offers_router
    from cdtt.practices.api import router as practices_router
    from cdtt.registry.api import router as registry_router
    from cdtt.reports.api import router as reports_router
    from cdtt.schools.api import router as schools_router
    from cdtt.teams.api import router as teams_router
    from cdtt.training.api import router as training_router
    from cdtt.training.manage_api import router as courses_router

    api.add_router("/units", geo_router)
    api.add_router("", registry_router)
    api.add_router("", teams_router)
    api.add_router("", campaigns_router)
    api.add_router("", figures_router)
    api.add_router("", training_router)
    api.add_router("", courses_router)
    api.add_router("", directives_router)
    api.add_router("", schools_router)
    api.add_router("", reports_router)
    api.add_router("", practices_router)
    api.add_router("", movements_router)
    api.add_router("", offers_router)
    api.add_router("", honours_router)
    api.add_router("", media_router)


_add_routers()
