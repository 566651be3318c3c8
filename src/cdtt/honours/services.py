"""Writes of honours: a round opened by the Department, nominations filed, reviewed along the
chain and resubmitted, the decision and its awards. Each is one transaction with an audit entry;
the officers of the next step are notified on commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cdtt.audit.services import audit_record
from cdtt.core.errors import Conflict, NotFound, Refused
from cdtt.core.notifications import notify
from cdtt.core.roles import Role, has_role
from cdtt.geo.access import access_unit_by_id
from cdtt.geo.models import AdminUnit
from cdtt.honours import selectors
from cdtt.honours.models import (
    COLLECTIVE_KINDS,
    DEADLINE_FIELDS,
    STEP_ORDER,
    Action,
    Award,
    Decision,
    Nomination,
    NominationStatus,
    Review,
    Round,
    RoundKind,
    Step,
    SubjectKind,
)
from cdtt.organizations.access import access_organization
from cdtt.organizations.models import Organization
from cdtt.teams.selectors import access_person, access_team


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _name(actor) -> str:
    if actor is None:
        return ""
    return actor.get_full_name() or actor.get_username()


def _date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _round_errors(
    *, year, kind, title, criteria, deadlines: dict[str, dt.date | None], home_affairs
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not year or not 2020 <= int(year) <= 2100:
        errors["year"] = _("Năm không hợp lệ.")
    if kind not in RoundKind.values:
        errors["kind"] = _("Loại đợt khen thưởng không hợp lệ.")
    if not (title or "").strip():
        errors["title"] = _("Chưa nhập tên đợt khen thưởng.")
    if not (criteria or "").strip():
        errors["criteria"] = _("Chưa nhập tiêu chí khen thưởng.")
    if home_affairs is None:
        errors["home_affairs"] = _("Chưa chọn cơ quan thẩm định (Sở Nội vụ).")
    previous = None
    for step in STEP_ORDER:
        field = DEADLINE_FIELDS[step]
        day = deadlines.get(field)
        if day is None:
            errors[field] = _("Chưa nhập hạn của %(s)s.") % {"s": step.label}
        elif previous is not None and day < previous:
            errors[field] = _("Hạn của %(s)s phải sau hạn của cấp trước.") % {"s": step.label}
        previous = day or previous
    return errors


@transaction.atomic
def round_open(
    *,
    actor,
    year: int,
    kind: str,
    title: str,
    criteria: str,
    home_affairs: Organization | None,
    unit: AdminUnit,
    award_form: str = "",
    quota_individuals: int = 0,
    quota_collectives: int = 0,
    **deadlines: dt.date | None,
) -> Round:
    """The Department opens a round with its criteria, quotas and a deadline per step
    (``commune_deadline`` … ``chairman_deadline``)."""
    if actor is not None and not selectors.can_manage(actor):
        raise Refused(_("Chỉ cán bộ Sở được mở đợt khen thưởng."))
    unknown = set(deadlines) - set(DEADLINE_FIELDS.values())
    if unknown:
        raise TypeError(f"unknown deadlines {sorted(unknown)}")
    errors = _round_errors(
        year=year,
        kind=kind,
        title=title,
        criteria=criteria,
        deadlines=deadlines,
        home_affairs=home_affairs,
    )
    if errors:
        raise ValidationError(errors)
    round_ = Round.objects.create(
        year=year,
        kind=kind,
        title=" ".join(title.split())[:200],
        criteria=criteria.strip(),
        award_form=(award_form or "").strip()[:160] or Round._meta.get_field("award_form").default,
        quota_individuals=quota_individuals or 0,
        quota_collectives=quota_collectives or 0,
        home_affairs=home_affairs,
        unit=unit,
        created_by=_user(actor),
        **deadlines,
    )
    audit_record(
        actor=actor,
        action="honours.round_open",
        obj=round_,
        unit=unit,
        summary=_("Mở đợt khen thưởng %(t)s") % {"t": round_.title},
    )
    return round_


def _subject(actor, kind: str, pk: int) -> dict:
    """The nominee, fetched through the nominator's access helpers: outside their scope it is
    refused as missing. Returns the nomination's subject fields and the unit it belongs to."""
    try:
        if kind == SubjectKind.PERSON:
            person = access_person(actor, pk)
            membership = (
                person.memberships.filter(left_on__isnull=True).select_related("team__unit").first()
            )
            if membership is None:
                raise ValidationError(
                    {"subject": _("Người này hiện không là thành viên của tổ nào.")}
                )
            unit = membership.team.unit
            return {"person": person, "subject_name": person.full_name, "unit": unit}
        if kind == SubjectKind.TEAM:
            team = access_team(actor, pk)
            return {"team": team, "subject_name": team.name, "unit": team.unit}
        if kind == SubjectKind.UNIT:
            unit = access_unit_by_id(actor, pk)
            return {"subject_unit": unit, "subject_name": unit.full_name, "unit": unit}
        if kind == SubjectKind.ORGANIZATION:
            org = access_organization(actor, pk)
            return {"organization": org, "subject_name": org.name, "unit": org.unit}
    except Http404:
        raise NotFound(
            _("Đối tượng được đề nghị không thuộc phạm vi quản lý của đơn vị bạn.")
        ) from None
    raise ValidationError({"subject_kind": _("Loại đối tượng không hợp lệ.")})


def _check_deadline(round_: Round, start: str, today: dt.date) -> None:
    """A nomination is filed by the deadline of the step it starts at."""
    if today > round_.deadline(start):
        raise ValidationError(
            {
                "round": _("Đã quá hạn nộp hồ sơ của %(s)s (%(d)s).")
                % {"s": Step(start).label, "d": _date(round_.deadline(start))}
            }
        )


def _check_dossier(document) -> None:
    """A dossier is a PDF, known by its first bytes (not its name), within the size limit."""
    limit = settings.CDTT_ATTACHMENT_MAX_BYTES
    if document.size > limit:
        raise ValidationError(
            {"document": _("Tệp quá lớn: tối đa %(n)s MB.") % {"n": limit // (1024 * 1024)}}
        )
    document.seek(0)
    head = document.read(5)
    document.seek(0)
    if head != b"%PDF-":
        raise ValidationError({"document": _("Hồ sơ kèm theo phải là tệp PDF.")})


def _nominator_name(actor) -> str:
    if getattr(actor, "organization", None) is not None:
        return actor.organization.name
    unit = getattr(actor, "scope_unit", None)
    return f"UBND {unit.full_name}" if unit is not None else _name(actor)


def _duplicate(round_: Round, fields: dict) -> bool:
    keys = {k: fields[k] for k in ("person", "team", "subject_unit", "organization") if k in fields}
    return round_.nominations.filter(**keys).exists()


@transaction.atomic
def nomination_file(
    *,
    actor,
    round: Round,
    subject_kind: str,
    subject_id: int,
    citation: str,
    document=None,
    today: dt.date | None = None,
) -> Nomination:
    """A commune, a district, an agency or an organisation nominates a member or a collective
    of its scope, before the deadline of its own step; a nominee is nominated once a round."""
    today = today or timezone.localdate()
    if not selectors.can_nominate(actor):
        raise Refused(_("Tài khoản của bạn không được đề nghị khen thưởng."))
    fields = _subject(actor, subject_kind, subject_id)
    unit = fields["unit"]
    start = selectors.first_step(actor, unit)
    _check_deadline(round, start, today)
    if not (citation or "").strip():
        raise ValidationError({"citation": _("Chưa nhập thành tích tóm tắt.")})
    if document:
        _check_dossier(document)
    if _duplicate(round, fields):
        raise Conflict(_("%(n)s đã được đề nghị trong đợt này.") % {"n": fields["subject_name"]})
    steps = selectors.chain(start, unit)
    nomination = Nomination(
        round=round,
        subject_kind=subject_kind,
        path=unit.path,
        nominated_by=_user(actor),
        nominator_name=_nominator_name(actor)[:200],
        citation=citation.strip(),
        steps=steps,
        step=steps[0],
        **fields,
    )
    if document:
        nomination.document.save(getattr(document, "name", "ho-so"), document, save=False)
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError:
        raise Conflict(
            _("%(n)s đã được đề nghị trong đợt này.") % {"n": fields["subject_name"]}
        ) from None
    _history(nomination, actor, Action.SUBMIT, "", today, step=steps[0])
    audit_record(
        actor=actor,
        action="honours.nominate",
        obj=nomination,
        unit=unit,
        summary=_("Đề nghị khen thưởng %(n)s") % {"n": nomination.subject_name},
    )
    _notify_step(nomination)
    return nomination


def _history(nomination, actor, action, comment, today, *, step=None) -> Review:
    step = step or nomination.step
    return Review.objects.create(
        nomination=nomination,
        step=step,
        action=action,
        comment=comment,
        actor=_user(actor),
        actor_name=_name(actor)[:150],
        acted_on=today,
        overdue=today > nomination.round.deadline(step),
    )


def _link(nomination: Nomination) -> str:
    return reverse("honours:nomination", args=[nomination.pk])


def _notify_step(nomination: Nomination) -> None:
    notify(
        recipients=selectors.step_officers(nomination),
        title=_("Hồ sơ khen thưởng chờ xét: %(n)s") % {"n": nomination.subject_name},
        body=_("Hạn xét của %(s)s: %(d)s.")
        % {
            "s": Step(nomination.step).label,
            "d": _date(nomination.round.deadline(nomination.step)),
        },
        link=_link(nomination),
        kind="honours",
    )


def _notify_nominator(nomination: Nomination, title: str, body: str = "") -> None:
    if nomination.nominated_by is not None:
        notify(
            recipients=[nomination.nominated_by],
            title=title,
            body=body,
            link=_link(nomination),
            kind="honours",
        )


def _check_quota(nomination: Nomination) -> None:
    """The Department forwards no more nominees than the round's quota of their kind."""
    round_ = nomination.round
    collective = nomination.subject_kind in COLLECTIVE_KINDS
    quota = round_.quota_collectives if collective else round_.quota_individuals
    if not quota:
        return
    kinds = list(COLLECTIVE_KINDS) if collective else [SubjectKind.PERSON]
    forwarded = (
        round_.nominations.filter(subject_kind__in=kinds)
        .filter(reviews__step=Step.DEPARTMENT, reviews__action=Action.APPROVE)
        .exclude(status=NominationStatus.REJECTED)
        .distinct()
        .count()
    )
    if forwarded >= quota:
        raise Conflict(
            _("Đã đủ chỉ tiêu %(q)s %(k)s của đợt; không thể chuyển thêm.")
            % {"q": quota, "k": _("tập thể") if collective else _("cá nhân")}
        )


@transaction.atomic
def nomination_review(
    *, actor, nomination: Nomination, action: str, comment: str = "", today: dt.date | None = None
) -> Review:
    """The current step approves (the nomination moves up, or passes after the Chairman),
    returns it with a comment for the nominator to complete, or rejects it (with a reason)."""
    today = today or timezone.localdate()
    nomination = (
        Nomination.objects.select_for_update().select_related("round", "unit").get(pk=nomination.pk)
    )
    if nomination.status != NominationStatus.IN_REVIEW:
        raise Conflict(_("Hồ sơ không ở trạng thái chờ xét."))
    if not selectors.can_act(actor, nomination):
        raise Refused(_("Bạn không xét hồ sơ ở cấp này."))
    if action not in (Action.APPROVE, Action.RETURN, Action.REJECT):
        raise ValidationError({"action": _("Thao tác không hợp lệ.")})
    comment = (comment or "").strip()
    if action != Action.APPROVE and not comment:
        raise ValidationError({"comment": _("Khi trả lại hoặc không đề nghị, cần ghi rõ lý do.")})
    if action == Action.APPROVE and nomination.step == Step.DEPARTMENT:
        _check_quota(nomination)
    review = _history(nomination, actor, action, comment, today)
    _move(nomination, action)
    audit_record(
        actor=actor,
        action=f"honours.review.{action}",
        obj=nomination,
        unit=nomination.unit,
        summary=_("%(a)s hồ sơ %(n)s tại %(s)s")
        % {"a": Action(action).label, "n": nomination.subject_name, "s": Step(review.step).label},
    )
    return review


def _move(nomination: Nomination, action: str) -> None:
    if action == Action.APPROVE:
        index = nomination.steps.index(nomination.step)
        if index + 1 < len(nomination.steps):
            nomination.step = nomination.steps[index + 1]
            nomination.save(update_fields=["step", "updated_at"])
            _notify_step(nomination)
            return
        nomination.status = NominationStatus.PASSED
        nomination.save(update_fields=["status", "updated_at"])
        _notify_nominator(nomination, _("Hồ sơ %(n)s đã qua mọi cấp xét") % {"n": nomination})
        return
    nomination.status = (
        NominationStatus.RETURNED if action == Action.RETURN else NominationStatus.REJECTED
    )
    nomination.save(update_fields=["status", "updated_at"])
    title = (
        _("Hồ sơ %(n)s được trả lại để bổ sung")
        if action == Action.RETURN
        else _("Hồ sơ %(n)s không được đề nghị")
    )
    _notify_nominator(nomination, title % {"n": nomination})


@transaction.atomic
def nomination_resubmit(
    *,
    actor,
    nomination: Nomination,
    citation: str,
    comment: str = "",
    document=None,
    today: dt.date | None = None,
) -> Review:
    """The nominator completes a returned nomination; it goes back to the step that returned it."""
    today = today or timezone.localdate()
    if not selectors.can_resubmit(actor, nomination):
        raise Refused(_("Chỉ đơn vị đề nghị được bổ sung hồ sơ đã bị trả lại."))
    if not (citation or "").strip():
        raise ValidationError({"citation": _("Chưa nhập thành tích tóm tắt.")})
    if document:
        _check_dossier(document)
    nomination.citation = citation.strip()
    nomination.status = NominationStatus.IN_REVIEW
    if document:
        nomination.document.save(getattr(document, "name", "ho-so"), document, save=False)
    nomination.save()
    review = _history(nomination, actor, Action.RESUBMIT, (comment or "").strip(), today)
    audit_record(
        actor=actor,
        action="honours.resubmit",
        obj=nomination,
        unit=nomination.unit,
        summary=_("Nộp lại hồ sơ %(n)s") % {"n": nomination.subject_name},
    )
    _notify_step(nomination)
    return review


def _decision_errors(number, signed_on, signer, chosen: list[Nomination]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not (number or "").strip():
        errors["number"] = _("Chưa nhập số quyết định.")
    if signed_on is None:
        errors["signed_on"] = _("Chưa nhập ngày ký.")
    elif signed_on > timezone.localdate():
        errors["signed_on"] = _("Ngày ký không thể sau hôm nay.")
    if not (signer or "").strip():
        errors["signer"] = _("Chưa nhập người ký.")
    unfinished = [n.subject_name for n in chosen if n.status != NominationStatus.PASSED]
    if unfinished:
        errors["nominations"] = _("Hồ sơ chưa qua đủ các cấp xét: %(n)s.") % {
            "n": ", ".join(unfinished)
        }
    elif not chosen:
        errors["nominations"] = _("Chưa có hồ sơ nào qua đủ các cấp xét.")
    return errors


@transaction.atomic
def decision_issue(
    *,
    actor,
    round: Round,
    number: str,
    signed_on: dt.date | None,
    signer: str,
    nominations: Iterable[Nomination] | None = None,
) -> Decision:
    """The final list becomes the Chairman's decision: only nominations that passed every step
    (all of them when none are named); each becomes an award on the nominee's record."""
    if not has_role(actor, {Role.PROVINCE_ADMIN, Role.PROVINCE_LEADER}):
        raise Refused(_("Chỉ cán bộ Sở hoặc lãnh đạo tỉnh được ghi quyết định khen thưởng."))
    if Decision.objects.filter(round=round).exists():
        raise Conflict(_("Đợt khen thưởng này đã có quyết định."))
    if nominations is None:
        chosen = list(round.nominations.filter(status=NominationStatus.PASSED))
    else:
        chosen = list(nominations)
        if any(n.round_id != round.pk for n in chosen):
            raise ValidationError({"nominations": _("Có hồ sơ không thuộc đợt khen thưởng này.")})
    errors = _decision_errors(number, signed_on, signer, chosen)
    if errors:
        raise ValidationError(errors)
    decision = Decision.objects.create(
        round=round,
        number=number.strip()[:60],
        signed_on=signed_on,
        signer=" ".join(signer.split())[:120],
        created_by=_user(actor),
    )
    Award.objects.bulk_create(
        [
            Award(nomination=n, decision=decision, form=round.award_form, awarded_on=signed_on)
            for n in chosen
        ]
    )
    Nomination.objects.filter(pk__in=[n.pk for n in chosen]).update(
        status=NominationStatus.AWARDED, updated_at=timezone.now()
    )
    for n in chosen:
        _notify_nominator(
            n,
            _("%(n)s được khen thưởng theo Quyết định số %(d)s")
            % {"n": n.subject_name, "d": decision.number},
        )
    audit_record(
        actor=actor,
        action="honours.decision",
        obj=decision,
        unit=round.unit,
        summary=_("Quyết định khen thưởng số %(d)s: %(c)s tập thể, cá nhân")
        % {"d": decision.number, "c": len(chosen)},
    )
    return decision
