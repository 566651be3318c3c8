"""Pages of honours: rounds, a round's nominees (list and XLSX, the DOCX submission, the decision),
filing a nomination, a nomination with its evidence, history and review, the certificate of
merit of an award, and the Prime Minister's dialogue forms."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from cdtt.core.access import role_required
from cdtt.core.errors import DomainError, error_text, form_error
from cdtt.core.listing import DATE, INTEGER, Column, Filter, Listing, render_listing
from cdtt.core.roles import OFFICERS, Role
from cdtt.documents.pdf import PdfError
from cdtt.geo.access import units_for
from cdtt.geo.models import AdminUnit, Level
from cdtt.honours import documents, selectors, services
from cdtt.honours.forms import DecisionForm, NominationForm, ResubmitForm, ReviewForm, RoundForm
from cdtt.honours.models import NominationStatus, RoundKind, Step, SubjectKind
from cdtt.organizations.models import Organization, OrganizationKind
from cdtt.organizations.selectors import organizations_for
from cdtt.teams.selectors import members_for, teams_for

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CHOICES_PER_KIND = 300

ROUNDS = Listing(
    name="honours.rounds",
    title=_lazy("Đợt khen thưởng"),
    columns=(
        Column(_lazy("Năm"), "year", INTEGER),
        Column(
            _lazy("Đợt khen thưởng"), "title", template="honours/_round_cell.html", export=False
        ),
        Column(_lazy("Đợt khen thưởng"), "title", page=False),
        Column(_lazy("Loại"), "get_kind_display"),
        Column(_lazy("Hạn cấp xã"), "commune_deadline", DATE),
        Column(_lazy("Hạn Chủ tịch UBND tỉnh"), "chairman_deadline", DATE),
        Column(_lazy("Số hồ sơ"), lambda r: r.nominations.count(), INTEGER),
    ),
    template="honours/rounds.html",
    filename="dot-khen-thuong.xlsx",
    filters=(
        Filter("q", _lazy("Tìm đợt"), placeholder=_lazy("Tên đợt khen thưởng")),
        Filter("kind", _lazy("Loại"), choices=RoundKind.choices, all_label=_lazy("Mọi loại")),
    ),
    empty=_lazy(
        "Chưa có đợt khen thưởng nào. Cán bộ Sở mở đợt (tiêu chí, chỉ tiêu, hạn từng cấp) để các "
        "địa phương, cơ quan gửi hồ sơ đề nghị."
    ),
)


def _overdue_text(n) -> str:
    return _("Quá hạn") if selectors.is_overdue(n, timezone.localdate()) else ""


NOMINATIONS = Listing(
    name="honours.nominations",
    title=_lazy("Danh sách đề nghị khen thưởng"),
    columns=(
        Column(
            _lazy("Tập thể, cá nhân"),
            "subject_name",
            template="honours/_nomination_cell.html",
            export=False,
        ),
        Column(_lazy("Tập thể, cá nhân"), "subject_name", page=False),
        Column(_lazy("Đối tượng"), "get_subject_kind_display"),
        Column(_lazy("Địa bàn"), "unit.full_name"),
        Column(_lazy("Đơn vị đề nghị"), "nominator_name"),
        Column(_lazy("Cấp đang xét"), "get_step_display"),
        Column(_lazy("Tình trạng"), "get_status_display"),
        Column(_lazy("Cảnh báo"), _overdue_text),
        Column(_lazy("Thành tích tóm tắt"), "citation", page=False),
        Column(_lazy("Ngày nộp"), lambda n: timezone.localtime(n.created_at).date(), DATE),
    ),
    template="honours/round.html",
    filename="danh-sach-de-nghi-khen-thuong.xlsx",
    filters=(
        Filter("q", _lazy("Tìm hồ sơ"), placeholder=_lazy("Tên tập thể, cá nhân")),
        Filter(
            "status",
            _lazy("Tình trạng"),
            choices=NominationStatus.choices,
            all_label=_lazy("Mọi tình trạng"),
        ),
        Filter("step", _lazy("Cấp đang xét"), choices=Step.choices, all_label=_lazy("Mọi cấp")),
        Filter("overdue", _lazy("Chỉ hồ sơ quá hạn"), check=True),
    ),
    empty=_lazy(
        "Chưa có hồ sơ đề nghị nào. Cán bộ xã, huyện, cơ quan bấm “Gửi hồ sơ đề nghị” để "
        "đề nghị một tập thể hoặc cá nhân."
    ),
    empty_filtered=_lazy("Không có hồ sơ nào khớp với bộ lọc."),
)


@role_required(OFFICERS)
def round_list(request):
    filters = ROUNDS.values(request)
    rounds = selectors.rounds_for(request.user)
    if filters["q"]:
        rounds = rounds.filter(title__icontains=filters["q"])
    if filters["kind"]:
        rounds = rounds.filter(kind=filters["kind"])
    context = {"can_manage": selectors.can_manage(request.user)}
    return render_listing(request, ROUNDS, rounds, filters=filters, context=context)


def _province() -> AdminUnit | None:
    return (
        AdminUnit.objects.filter(level=Level.PROVINCE, valid_to__isnull=True).order_by("pk").first()
    )


@role_required({Role.PROVINCE_ADMIN})
def round_new(request):
    agencies = Organization.objects.filter(kind=OrganizationKind.AGENCY, active=True)
    form = RoundForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_open(
                actor=request.user, unit=request.user.scope_unit or _province(), **form.cleaned_data
            )
        except (ValidationError, DomainError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Đã mở đợt khen thưởng."))
            return redirect("honours:round", round_.pk)
    return render(request, "honours/round_form.html", {"form": form})


def _nominations(request, round_, filters):
    rows = selectors.nominations_for(request.user).filter(round=round_)
    if filters["q"]:
        rows = rows.filter(subject_name__icontains=filters["q"])
    if filters["status"]:
        rows = rows.filter(status=filters["status"])
    if filters["step"]:
        rows = rows.filter(step=filters["step"], status=NominationStatus.IN_REVIEW)
    if filters["overdue"]:
        today = timezone.localdate()
        late = [n.pk for n in rows if selectors.is_overdue(n, today)]
        rows = rows.filter(pk__in=late)
    return rows


@role_required(OFFICERS)
def round_detail(request, pk: int):
    round_ = selectors.access_round(request.user, pk)
    filters = NOMINATIONS.values(request)
    today = timezone.localdate()
    steps = [(s.label, round_.deadline(s), today > round_.deadline(s)) for s in Step]
    context = {
        "round": round_,
        "steps": steps,
        "decision": getattr(round_, "decision", None),
        "counts": selectors.counts_by_status(round_),
        "can_manage": selectors.can_manage(request.user),
        "can_nominate": selectors.can_nominate(request.user),
        "decision_form": DecisionForm(),
    }
    rows = _nominations(request, round_, filters)
    return render_listing(request, NOMINATIONS, rows, filters=filters, context=context)


def _subjects(user) -> list:
    """The nominees a user may choose, by kind: (kind label, [(value, name)])."""
    people = (
        members_for(user)
        .filter(left_on__isnull=True)
        .order_by("person__name_key")
        .values_list("person_id", "person__full_name", "team__name")[:CHOICES_PER_KIND]
    )
    teams = teams_for(user).filter(dissolved_on__isnull=True).order_by("name_key")
    units = units_for(user).filter(valid_to__isnull=True, level__in=[Level.COMMUNE, Level.DISTRICT])
    orgs = organizations_for(user).filter(active=True).order_by("name")
    seen = set()
    persons = []
    for pk, name, team in people:
        if pk not in seen:
            seen.add(pk)
            persons.append((f"person:{pk}", f"{name} ({team})"))
    return [
        (SubjectKind.PERSON.label, persons),
        (SubjectKind.TEAM.label, [(f"team:{t.pk}", t.name) for t in teams[:CHOICES_PER_KIND]]),
        (SubjectKind.UNIT.label, [(f"unit:{u.pk}", u.full_name) for u in units[:CHOICES_PER_KIND]]),
        (
            SubjectKind.ORGANIZATION.label,
            [(f"organization:{o.pk}", o.name) for o in orgs[:CHOICES_PER_KIND]],
        ),
    ]


@role_required(OFFICERS)
def nominate(request, pk: int):
    round_ = selectors.access_round(request.user, pk)
    if not selectors.can_nominate(request.user):
        raise Http404("nominate")
    form = NominationForm(
        request.POST or None, request.FILES or None, subjects=_subjects(request.user)
    )
    if request.method == "POST" and form.is_valid():
        kind, _sep, subject_id = form.cleaned_data["subject"].partition(":")
        try:
            nomination = services.nomination_file(
                actor=request.user,
                round=round_,
                subject_kind=kind,
                subject_id=int(subject_id),
                citation=form.cleaned_data["citation"],
                document=form.cleaned_data["document"],
            )
        except (ValidationError, DomainError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Đã gửi hồ sơ đề nghị %(n)s.") % {"n": nomination})
            return redirect("honours:nomination", nomination.pk)
    return render(request, "honours/nominate.html", {"form": form, "round": round_})


@role_required(OFFICERS)
def nomination_detail(request, pk: int):
    nomination = selectors.access_nomination(request.user, pk)
    today = timezone.localdate()
    chain = [
        (Step(s).label, nomination.round.deadline(s), s == nomination.step)
        for s in nomination.steps
    ]
    context = {
        "nomination": nomination,
        "round": nomination.round,
        "evidence": selectors.nomination_evidence(nomination),
        "history": nomination.reviews.select_related("actor"),
        "chain": chain,
        "overdue": selectors.is_overdue(nomination, today),
        "award": getattr(nomination, "award", None),
        "can_act": nomination.status == NominationStatus.IN_REVIEW
        and selectors.can_act(request.user, nomination),
        "can_resubmit": selectors.can_resubmit(request.user, nomination),
        "review_form": ReviewForm(),
        "resubmit_form": ResubmitForm(initial={"citation": nomination.citation}),
    }
    return render(request, "honours/nomination.html", context)


@require_POST
@role_required(OFFICERS)
def nomination_review(request, pk: int):
    nomination = selectors.access_nomination(request.user, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn một ý kiến."))
        return redirect("honours:nomination", pk)
    try:
        services.nomination_review(actor=request.user, nomination=nomination, **form.cleaned_data)
    except (ValidationError, DomainError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Đã ghi ý kiến của cấp xét."))
    return redirect("honours:nomination", pk)


@require_POST
@role_required(OFFICERS)
def nomination_resubmit(request, pk: int):
    nomination = selectors.access_nomination(request.user, pk)
    form = ResubmitForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Chưa nhập thành tích tóm tắt."))
        return redirect("honours:nomination", pk)
    try:
        services.nomination_resubmit(actor=request.user, nomination=nomination, **form.cleaned_data)
    except (ValidationError, DomainError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Đã nộp lại hồ sơ."))
    return redirect("honours:nomination", pk)


@role_required(OFFICERS)
def nomination_document(request, pk: int):
    nomination = selectors.access_nomination(request.user, pk)
    if not nomination.document:
        raise Http404("document")
    return FileResponse(nomination.document.open("rb"), as_attachment=True)


@require_POST
@role_required({Role.PROVINCE_ADMIN, Role.PROVINCE_LEADER})
def decision(request, pk: int):
    round_ = selectors.access_round(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(ValidationError(form.errors.get_json_data())))
        return redirect("honours:round", pk)
    try:
        d = services.decision_issue(actor=request.user, round=round_, **form.cleaned_data)
    except (ValidationError, DomainError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request, _("Đã ghi Quyết định số %(d)s; khen thưởng đã vào hồ sơ.") % {"d": d.number}
        )
    return redirect("honours:round", pk)


@role_required(OFFICERS)
def submission(request, pk: int):
    round_ = selectors.access_round(request.user, pk)
    data = documents.submission_docx(round_)
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = (
        f'attachment; filename="to-trinh-khen-thuong-{round_.year}.docx"'
    )
    return response


@role_required(OFFICERS)
def certificate(request, pk: int):
    award = selectors.access_award(request.user, pk)
    try:
        data = documents.certificate_pdf(award)
    except PdfError as exc:
        messages.error(request, str(exc))
        return redirect("honours:nomination", award.nomination_id)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bang-khen-{award.pk}.pdf"'
    return response
