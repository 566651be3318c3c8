"""Writes of the media log: an outlet's officer (or the Department) logs a post. One
transaction with an audit entry; the same link logged twice by an outlet is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cdtt.audit.services import audit_record
from cdtt.campaigns.models import Service
from cdtt.core.errors import Conflict, Refused
from cdtt.geo.models import AdminUnit
from cdtt.media import selectors
from cdtt.media.models import MediaPost, PostKind
from cdtt.organizations.models import Organization
from cdtt.skills.models import Skill
from cdtt.teams.models import Team

LINK = URLValidator(schemes=["http", "https"])


def _link_error(link: str) -> str | None:
    if not link:
        return _("Chưa nhập đường dẫn tin bài.")
    try:
        LINK(link)
    except ValidationError:
        return _("Đường dẫn phải là một địa chỉ web bắt đầu bằng http:// hoặc https://.")
    return None


def _post_errors(*, outlet, title, published_on, kind, link, skills, services) -> dict[str, str]:
    errors: dict[str, str] = {}
    if outlet is None:
        errors["outlet"] = _("Chưa chọn cơ quan báo chí.")
    if not title:
        errors["title"] = _("Chưa nhập tiêu đề.")
    elif len(title) > 300:
        errors["title"] = _("Tiêu đề dài quá 300 ký tự.")
    if published_on is None:
        errors["published_on"] = _("Chưa nhập ngày đăng.")
    elif published_on > timezone.localdate():
        errors["published_on"] = _("Ngày đăng không thể sau hôm nay.")
    if kind not in PostKind.values:
        errors["kind"] = _("Loại tin bài không hợp lệ.")
    if (problem := _link_error(link)) is not None:
        errors["link"] = problem
    unknown = set(skills) - set(Skill.objects.values_list("code", flat=True))
    if unknown:
        errors["skills"] = _("Kỹ năng không có trong danh mục: %(c)s.") % {
            "c": ", ".join(sorted(unknown))
        }
    unknown = set(services) - set(Service.objects.values_list("code", flat=True))
    if unknown:
        errors["services"] = _("Dịch vụ không có trong danh mục: %(c)s.") % {
            "c": ", ".join(sorted(unknown))
        }
    return errors


@transaction.atomic
def post_log(
    *,
    actor,
    outlet: Organization | None,
    title: str,
    published_on: dt.date | None,
    kind: str,
    link: str,
    units: Iterable[AdminUnit] = (),
    teams: Iterable[Team] = (),
    skills: Iterable[str] = (),
    services: Iterable[str] = (),
) -> MediaPost:
    """Log what an outlet published about the teams' work."""
    if actor is not None and (
        outlet is None or not selectors.outlets_for(actor).filter(pk=outlet.pk).exists()
    ):
        raise Refused(_("Bạn không được ghi tin bài cho cơ quan báo chí này."))
    title = " ".join((title or "").split())
    link = (link or "").strip()
    skills, services = list(dict.fromkeys(skills)), list(dict.fromkeys(services))
    errors = _post_errors(
        outlet=outlet,
        title=title,
        published_on=published_on,
        kind=kind,
        link=link,
        skills=skills,
        services=services,
    )
    if errors:
        raise ValidationError(errors)
    if MediaPost.objects.filter(outlet=outlet, link=link).exists():
        raise Conflict(_("Tin bài có đường dẫn này đã được ghi."))
    try:
        with transaction.atomic():
            post = MediaPost.objects.create(
                outlet=outlet,
                title=title,
                published_on=published_on,
                kind=kind,
                link=link,
                skills=skills,
                services=services,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise Conflict(_("Tin bài có đường dẫn này đã được ghi.")) from None
    post.units.set(list(units))
    post.teams.set(list(teams))
    audit_record(
        actor=actor,
        action="media.post_log",
        obj=post,
        summary=_("Ghi tin bài “%(t)s” của %(o)s") % {"t": title[:200], "o": outlet.name},
    )
    return post
