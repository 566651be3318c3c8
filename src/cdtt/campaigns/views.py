"""Pages of the campaigns app: the officers' list, form, targets, live dashboard and daily
summary; and the field app's shell and service worker (the app's data comes from the API)."""

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie

from cdtt.campaigns import reports, selectors
from cdtt.campaigns.forms import CampaignForm, DayForm, ReportForm
from cdtt.campaigns.models import CampaignState, CampaignTarget
from cdtt.campaigns.services import (
    TargetValue,
    campaign_create,
    campaign_update,
    can_set_target,
    target_split,
)
from cdtt.core import roles
from cdtt.core.access import public, role_required
from cdtt.core.errors import DomainError, error_text, form_error
from cdtt.core.listing import DATE, Column, Filter, Listing, render_listing
from cdtt.documents.pdf import PDF_TYPE, PdfError, docx_to_pdf
from cdtt.geo.access import access_unit
from cdtt.geo.models import AdminUnit
from cdtt.geo.selectors import breadcrumbs
from cdtt.lib.xlsx import INTEGER, RATE, TEXT, XLSX_TYPE, xlsx_response

VIEW = roles.OFFICERS
MANAGE = roles.MANAGE_CATALOG
SPLIT = {"province_admin", "district_officer", "commune_officer"}
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REPORT_TYPES = {"docx", "pdf"}


def _unit_for(request, campaign):
    """The unit the dashboard shows: ?unit=CODE inside the user's scope and the campaign's."""
    code = request.GET.get("unit", "").strip()
    if not code:
        return selectors.campaign_top_unit(campaign, request.user)
    unit = access_unit(request.user, code)
    if not selectors.campaign_units_visible(campaign, request.user, unit):
        raise Http404("unit")
    return unit


def _campaign_cell(c):
    return format_html('<a href="{}">{}</a>', reverse("campaigns:detail", args=[c.pk]), c.name)


def _dates_cell(c):
    return f"{c.starts_on:%d/%m/%Y} – {c.ends_on:%d/%m/%Y}"


def _area(c) -> str:
    return ", ".join(u.full_name for u in c.scope_units.all())


def _status_cell(c):
    state = c.state()
    return format_html(
        '<span class="badge{}"{}>{}</span>',
        " ok" if state == CampaignState.RUNNING else "",
        format_html(' title="{}"', c.state_note) if c.state_note else "",
        state.label,
    )


CAMPAIGNS = Listing(
    name="campaigns.campaigns",
    title=_lazy("Chiến dịch"),
    columns=(
        Column(_lazy("Tên chiến dịch"), "name", cell=_campaign_cell),
        Column(_lazy("Thời gian"), "starts_on", cell=_dates_cell, export=False),
        Column(_lazy("Bắt đầu"), "starts_on", DATE, page=False),
        Column(_lazy("Kết thúc"), "ends_on", DATE, page=False),
        Column(_lazy("Địa bàn"), _area),
        Column(_lazy("Trạng thái"), "state_label", cell=_status_cell),
    ),
    template="campaigns/list.html",
    results_template="campaigns/_list_results.html",
    filename="chien-dich.xlsx",
    filters=(
        Filter("q", _lazy("Tìm chiến dịch"), placeholder=_lazy("Tên chiến dịch")),
        Filter(
            "status",
            _lazy("Trạng thái"),
            choices=CampaignState.choices,
            all_label=_lazy("Mọi trạng thái"),
        ),
    ),
    ordering=("-starts_on", "-pk"),
    empty=_lazy("Chưa có chiến dịch nào trong địa bàn của bạn."),
    empty_filtered=_lazy("Không có chiến dịch nào khớp bộ lọc."),
)


@role_required(VIEW)
def campaign_list(request):
    filters = CAMPAIGNS.values(request)
    campaigns = selectors.campaigns_for(request.user).prefetch_related("scope_units")
    if filters["q"]:
        campaigns = campaigns.filter(name__icontains=filters["q"])
    if filters["status"]:
        campaigns = selectors.campaigns_in_state(campaigns, filters["status"])
    context = {"can_create": roles.has_role(request.user, MANAGE)}
    return render_listing(request, CAMPAIGNS, campaigns, filters=filters, context=context)


@role_required(MANAGE)
def campaign_new(request):
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = campaign_create(
                actor=request.user,
                name=data["name"],
                description=data["description"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                status=data["status"],
                scope_units=list(data["scope_units"]),
                services=list(data["services"]),
                letterhead=data["letterhead"],
            )
        except (DomainError, ValidationError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Đã tạo chiến dịch."))
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(request, "campaigns/form.html", {"form": form, "campaign": None})


@role_required(MANAGE)
def campaign_edit(request, pk: int):
    campaign = selectors.access_campaign(request.user, pk)
    form = CampaignForm(request.POST or None, instance=campaign, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign_update(
                actor=request.user,
                campaign=selectors.access_campaign(request.user, pk),
                name=data["name"],
                description=data["description"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                status=data["status"],
                scope_units=list(data["scope_units"]),
                services=list(data["services"]),
                letterhead=data["letterhead"],
            )
        except (DomainError, ValidationError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Đã lưu chiến dịch."))
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(request, "campaigns/form.html", {"form": form, "campaign": campaign})


def _dashboard_context(request, campaign, unit) -> dict:
    snap = selectors.snapshot_day(campaign)
    figures = selectors.unit_figures(campaign, unit, snap=snap)
    children = selectors.children_figures(campaign, unit, snap=snap)
    series = selectors.daily_series(campaign, unit)
    stale_total, stale = selectors.stale_villages(campaign, unit, limit=100)
    return {
        "campaign": campaign,
        "unit": unit,
        "figures": figures,
        "children": children,
        "series": series,
        "snap": snap,
        "stale_total": stale_total,
        "stale": stale,
        "teams": selectors.team_ranking(campaign, unit),
        "communes": selectors.commune_ranking(campaign, unit),
        "crumbs": [
            u
            for u in breadcrumbs(unit)
            if selectors.campaign_units_visible(campaign, request.user, u)
        ],
        "now": timezone.localtime(),
        "chart": {
            "labels": [d["day"].strftime("%d/%m") for d in series],
            "visits": [d["visits"] for d in series],
            "reached": [d["reached"] for d in series],
            "cumulative": [d["cumulative"] for d in series],
            "target": figures.households_to_visit or None,
        },
    }


def _dashboard_xlsx(campaign, unit, children, figures):
    headers = [
        _("Mã"),
        _("Đơn vị"),
        _("Chỉ tiêu (hộ)"),
        _("Lượt đến hộ"),
        _("Lượt đã hướng dẫn"),
        _("Hộ đã đến"),
        # xgettext:no-python-format
        pgettext("percent of target", "% chỉ tiêu"),
        _("Lượt đánh giá kỹ năng"),
        _("Tỷ lệ phổ cập trước chiến dịch (%)"),
        _("Tỷ lệ phổ cập hiện nay (%)"),
    ]

    def row(f):
        return [
            f.unit.code,
            f.unit.full_name,
            f.households_to_visit,
            f.visits,
            f.guided,
            f.reached,
            100 * f.reached / f.households_to_visit if f.households_to_visit else None,
            f.assessments,
            100 * f.before.rate if f.before else None,
            100 * f.now.rate if f.now else None,
        ]

    rows = [row(f) for f in children] + [row(figures)]
    return xlsx_response(
        f"chien-dich-{campaign.pk}-{unit.code}.xlsx",
        campaign.name,
        headers,
        rows,
        kinds=[TEXT, TEXT, *[INTEGER] * 4, RATE, INTEGER, RATE, RATE],
        unit=unit.full_name,
    )


@role_required(VIEW)
def campaign_detail(request, pk: int):
    campaign = selectors.access_campaign(request.user, pk)
    unit = _unit_for(request, campaign)
    context = _dashboard_context(request, campaign, unit)
    if request.GET.get("format") == "xlsx":
        return _dashboard_xlsx(campaign, unit, context["children"], context["figures"])
    context["can_edit"] = roles.has_role(request.user, MANAGE)
    context["can_split"] = roles.has_role(request.user, SPLIT)
    if request.headers.get("HX-Request"):
        return render(request, "campaigns/_live.html", context)
    return render(request, "campaigns/detail.html", context)


def _int(value: str) -> int | None:
    value = (value or "").strip().replace(".", "").replace(",", "")
    if not value:
        return None
    if not value.isdigit():
        raise ValueError(value)
    return int(value)


def _targets_posted(
    post, editable: list[AdminUnit], own_editable: bool
) -> tuple[dict[AdminUnit, TargetValue], TargetValue | None]:
    """The targets the form sets: the children's filled in, and the unit's own; a number that
    is not a whole non-negative one raises ValueError."""
    values, own = {}, None
    for c in editable:
        h, r = _int(post.get(f"h_{c.pk}")), _int(post.get(f"r_{c.pk}"))
        if h is not None or r is not None:
            values[c] = TargetValue(h or 0, r or 0)
    if own_editable:
        h, r = _int(post.get("h_own")), _int(post.get("r_own"))
        if h is not None or r is not None:
            own = TargetValue(h or 0, r or 0)
    return values, own


def _targets_save(
    *,
    actor,
    campaign,
    unit: AdminUnit,
    values: dict[AdminUnit, TargetValue],
    own: TargetValue | None,
) -> None:
    """The unit's own target first (it caps the split), then its children's."""
    if own is not None:
        target_split(actor=actor, campaign=campaign, parent=unit.parent, values={unit: own})
    if values:
        target_split(actor=actor, campaign=campaign, parent=unit, values=values)


@role_required(SPLIT)
def campaign_targets(request, pk: int):
    """A unit's target and its split down to the units directly below it."""
    campaign = selectors.access_campaign(request.user, pk)
    unit = _unit_for(request, campaign)
    children = [f.unit for f in selectors.children_figures(campaign, unit)]
    editable = [c for c in children if can_set_target(request.user, campaign, c)]
    own_editable = can_set_target(request.user, campaign, unit)
    errors: list[str] = []
    if request.method == "POST":
        if not editable and not own_editable:
            raise PermissionDenied
        values, own = {}, None
        try:
            values, own = _targets_posted(request.POST, editable, own_editable)
        except ValueError:
            errors.append(_("Chỉ tiêu phải là số nguyên không âm."))
        if not errors:
            try:
                _targets_save(
                    actor=request.user, campaign=campaign, unit=unit, values=values, own=own
                )
            except (DomainError, ValidationError) as exc:
                errors.append(error_text(exc))
            else:
                messages.success(request, _("Đã lưu chỉ tiêu."))
                return redirect(f"{reverse('campaigns:targets', args=[pk])}?unit={unit.code}")
    targets = {
        t.unit_id: t
        for t in CampaignTarget.objects.filter(campaign=campaign, unit__in=[unit, *children])
    }
    rows = [{"unit": c, "target": targets.get(c.pk), "editable": c in editable} for c in children]
    own_target = targets.get(unit.pk)
    return render(
        request,
        "campaigns/targets.html",
        {
            "campaign": campaign,
            "unit": unit,
            "rows": rows,
            "own": own_target,
            "own_editable": own_editable,
            "errors": errors,
            "post": request.POST,
            "split_h": sum(r["target"].households_to_visit for r in rows if r["target"]),
            "split_r": sum(r["target"].residents_to_guide for r in rows if r["target"]),
            "crumbs": [
                u
                for u in breadcrumbs(unit)
                if selectors.campaign_units_visible(campaign, request.user, u)
            ],
        },
        status=422 if errors else 200,
    )


@role_required(VIEW)
def campaign_daily(request, pk: int):
    """The daily summary: a page, and the same figures as XLSX or as a report (DOCX or PDF)."""
    campaign = selectors.access_campaign(request.user, pk)
    unit = _unit_for(request, campaign)
    form = DayForm(request.GET or None)
    day = form.cleaned_data.get("day") if form.is_valid() else None
    today = timezone.localdate()
    day = day or min(max(today, campaign.starts_on), campaign.ends_on)
    summary = reports.daily_summary(campaign, unit, day)
    fmt = request.GET.get("format")
    stem = f"bao-cao-ngay-{day:%d-%m-%Y}-{unit.code}"
    if fmt == "xlsx":
        response = HttpResponse(reports.daily_xlsx(summary), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        return response
    # The report's number and signer: typed on the page; the signer defaults to the letterhead's.
    letterhead = reports.report_letterhead(campaign, unit)
    report_data = None
    if fmt in REPORT_TYPES:
        report_data = request.GET.copy()
        report_data.setdefault("signer", letterhead.signer_name)
    report_form = ReportForm(report_data, initial={"signer": letterhead.signer_name})
    pdf_error = None
    if fmt in REPORT_TYPES and report_form.is_valid():
        data = reports.daily_docx(
            summary,
            letterhead,
            issued_on=today,
            number=report_form.cleaned_data["number"],
            signer_name=report_form.cleaned_data["signer"],
        )
        try:
            return _download(data, f"{stem}.{fmt}", pdf=fmt == "pdf")
        except PdfError as exc:
            pdf_error = str(exc)
    return render(
        request,
        "campaigns/daily.html",
        {
            "campaign": campaign,
            "unit": unit,
            "summary": summary,
            "form": form,
            "report_form": report_form,
            "day": day,
            "can_edit": roles.has_role(request.user, MANAGE),
            "letterhead": letterhead,
            "pdf_error": pdf_error,
        },
        status=422 if report_form.errors else 503 if pdf_error else 200,
    )


def _download(docx: bytes, filename: str, *, pdf: bool) -> HttpResponse:
    """The report as an attachment: the DOCX, or its PDF (``PdfError`` when it cannot be made)."""
    response = HttpResponse(
        docx_to_pdf(docx) if pdf else docx, content_type=PDF_TYPE if pdf else DOCX_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the field app ---------------------------------------------------------------------------


@public
@ensure_csrf_cookie
def field(request):
    """The field app's shell. Public on purpose: it holds no data (the app logs in to the API
    with a token) and must open from the phone's cache without a session. It sets the CSRF
    cookie, with which a member signed in to the site gets a token from the session."""
    return render(request, "campaigns/field.html")


SHELL_ASSETS = [
    "field/app.js",
    "field/field.css",
    "field/manifest.webmanifest",
    "field/icon.svg",
    "training/checkin.js",  # attendance at training sessions (cdtt.training's API)
    "offers/field.js",  # enterprise offers for members (cdtt.offers' API)
]


@lru_cache(maxsize=1)
def _assets_version() -> str:
    """Changes whenever the shell changes, so that phones fetch the new one."""
    digest = hashlib.sha256()
    paths = [finders.find(name) for name in SHELL_ASSETS]
    paths.append(Path(__file__).parent / "templates" / "campaigns" / "field.html")
    for path in paths:
        if path:
            digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:12]


@public
@never_cache
def field_sw(request):
    """The service worker, served from the app's own path so that its scope covers the app."""
    shell = [reverse("campaigns:field"), *[static(a) for a in SHELL_ASSETS]]
    response = render(
        request,
        "campaigns/field_sw.js",
        {"version": _assets_version(), "shell": json.dumps(shell)},
        content_type="application/javascript",
    )
    response["Service-Worker-Allowed"] = reverse("campaigns:field")
    return response
