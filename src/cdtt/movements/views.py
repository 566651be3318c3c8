"""Pages of youth emulation movements: a Youth Union officer creates a movement and reviews the
claims; everyone taking part follows the live ranking of branches and members (drill-down to the
entries behind each score, XLSX); a member claims points with evidence."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from cdtt.core.access import role_required
from cdtt.core.errors import DomainError, error_text, form_error
from cdtt.core.listing import DATE, INTEGER, Column, Filter, Listing, render_listing
from cdtt.core.roles import FIELD
from cdtt.geo.access import units_for
from cdtt.geo.models import Level
from cdtt.movements import forms, selectors, services
from cdtt.movements.exports import ranking_response
from cdtt.movements.models import ClaimStatus, CriterionKind
from cdtt.organizations.models import Organization, OrganizationKind
from cdtt.teams.selectors import person_of

READ = selectors.READ


def _link(url: str, text: str):
    return format_html('<a href="{}">{}</a>', url, text)


MOVEMENTS = Listing(
    name="movements.movements",
    title=_lazy("Phong trào thi đua"),
    columns=(
        Column(
            _lazy("Phong trào"),
            "title",
            cell=lambda m: _link(reverse("movements:detail", args=[m.pk]), m.title),
        ),
        Column(_lazy("Đơn vị phát động"), "organization.name"),
        Column(_lazy("Từ ngày"), "starts_on", DATE),
        Column(_lazy("Đến ngày"), "ends_on", DATE),
        Column(_lazy("Số tiêu chí"), "n_criteria", INTEGER),
        Column(_lazy("Cơ sở Đoàn tham gia"), "n_branches", INTEGER),
    ),
    template="movements/list.html",
    filename="phong-trao-thi-dua.xlsx",
    ordering=("-starts_on", "-id"),
    filters=(
        Filter("q", _lazy("Tìm theo tên"), placeholder=_lazy("Tên phong trào")),
        Filter(
            "state",
            _lazy("Thời gian"),
            [("running", _lazy("Đang diễn ra")), ("ended", _lazy("Đã kết thúc"))],
            all_label=_lazy("Tất cả"),
        ),
    ),
    empty=_lazy("Chưa có phong trào nào. Cán bộ Đoàn phát động phong trào đầu tiên."),
)

CLAIMS = Listing(
    name="movements.claims",
    title=_lazy("Đăng ký điểm thi đua"),
    columns=(
        Column(_lazy("Đoàn viên"), "person.full_name", personal=True),
        Column(_lazy("Tiêu chí"), "criterion.name"),
        Column(_lazy("Việc đã làm"), "fact"),
        Column(_lazy("Ngày thực hiện"), "happened_on", DATE),
        Column(
            _lazy("Minh chứng"),
            lambda c: c.evidence_url or (c.evidence_file.name if c.evidence_file else ""),
        ),
        Column(_lazy("Trạng thái"), "get_status_display"),
        Column(_lazy("Xét duyệt"), "pk", template="movements/_review_cell.html", export=False),
    ),
    template="movements/claims.html",
    filename="dang-ky-diem-thi-dua.xlsx",
    ordering=("-created_at", "-id"),
    filters=(
        Filter("q", _lazy("Tìm kiếm"), placeholder=_lazy("Tên, việc đã làm")),
        Filter(
            "status", _lazy("Trạng thái"), ClaimStatus.choices, all_label=_lazy("Mọi trạng thái")
        ),
    ),
    empty=_lazy("Chưa có đăng ký điểm nào."),
)


@role_required(READ)
def movement_list(request):
    filters = MOVEMENTS.values(request)
    qs = selectors.listing(request.user)
    if filters["q"]:
        qs = qs.filter(title__icontains=filters["q"])
    today = timezone.localdate()
    if filters["state"] == "running":
        qs = qs.filter(starts_on__lte=today, ends_on__gte=today)
    elif filters["state"] == "ended":
        qs = qs.filter(ends_on__lt=today)
    return render_listing(
        request,
        MOVEMENTS,
        qs,
        filters=filters,
        context={"can_create": selectors.can_create(request.user)},
    )


@role_required(READ)
def movement_new(request):
    if not selectors.can_create(request.user):
        raise Http404("movement")
    orgs = Organization.objects.filter(kind=OrganizationKind.YOUTH_UNION, active=True)
    units = units_for(request.user).filter(
        level__in=(Level.DISTRICT, Level.COMMUNE), valid_to__isnull=True
    )
    form = forms.MovementForm(orgs, units, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            movement = services.movement_create(
                actor=request.user,
                **{**data, "branches": list(data["branches"]), "units": list(data["units"])},
            )
        except (ValidationError, DomainError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Đã phát động phong trào."))
            return redirect("movements:detail", movement.pk)
    return render(request, "movements/form.html", {"form": form})


@role_required(READ)
def movement_detail(request, pk: int):
    movement = selectors.access_movement(request.user, pk)
    members, branches = selectors.ranking(movement)
    if request.GET.get("format") == "xlsx":
        return ranking_response(movement)
    person = person_of(request.user)
    claimed = movement.criteria.filter(kind=CriterionKind.CLAIMED)
    can_claim = selectors.is_participant(movement, person) and claimed.exists()
    return render(
        request,
        "movements/detail.html",
        {
            "movement": movement,
            "criteria": movement.criteria.all(),
            "members": members,
            "branches": branches,
            "can_manage": selectors.can_manage(request.user, movement),
            "claim_form": forms.ClaimForm(claimed) if can_claim else None,
        },
    )


@role_required(READ)
def member_detail(request, pk: int, person_pk: int):
    movement = selectors.access_movement(request.user, pk)
    person = next((p for p in selectors.participants(movement) if p.pk == person_pk), None)
    if person is None:
        raise Http404("person")
    members, _branches = selectors.ranking(movement)
    row = next(r for r in members if r.pk == person.pk)
    return render(
        request,
        "movements/member.html",
        {
            "movement": movement,
            "person": person,
            "row": row,
            "entries": selectors.member_entries(movement, person),
        },
    )


@role_required(READ)
def branch_detail(request, pk: int, branch_pk: int):
    movement = selectors.access_movement(request.user, pk)
    rows = selectors.branch_members(movement, branch_pk)
    branch = movement.branches.get(pk=branch_pk)
    return render(
        request, "movements/branch.html", {"movement": movement, "branch": branch, "rows": rows}
    )


@require_POST
@role_required(FIELD)  # members claim; an officer has nothing to claim
def claim_new(request, pk: int):
    movement = selectors.access_movement(request.user, pk)
    form = forms.ClaimForm(
        movement.criteria.filter(kind=CriterionKind.CLAIMED), request.POST, request.FILES
    )
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("movements:detail", pk)
    try:
        services.points_claim(actor=request.user, **form.cleaned_data)
    except (ValidationError, DomainError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Đã gửi đăng ký điểm. Cán bộ phụ trách sẽ xét duyệt."))
    return redirect("movements:detail", pk)


@role_required(READ)
def claim_list(request, pk: int):
    movement = selectors.access_movement(request.user, pk)
    filters = CLAIMS.values(request)
    qs = selectors.claims_for(request.user, movement)
    if filters["q"]:
        from django.db.models import Q

        qs = qs.filter(
            Q(person__full_name__icontains=filters["q"]) | Q(fact__icontains=filters["q"])
        )
    if filters["status"]:
        qs = qs.filter(status=filters["status"])
    return render_listing(
        request,
        CLAIMS,
        qs,
        filters=filters,
        context={"movement": movement, "can_manage": selectors.can_manage(request.user, movement)},
    )


@require_POST
@role_required(READ)
def claim_review(request, pk: int, claim_pk: int):
    movement = selectors.access_movement(request.user, pk)
    if not selectors.can_manage(request.user, movement):
        raise PermissionDenied
    claim = selectors.claims_for(request.user, movement).filter(pk=claim_pk).first()
    if claim is None:
        raise Http404("claim")
    try:
        services.claim_review(
            actor=request.user,
            claim=claim,
            approve=request.POST.get("decision") == "approve",
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:
        messages.error(request, error_text(exc))
    return redirect("movements:claims", pk)
