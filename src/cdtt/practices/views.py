"""Pages of models and good practices: officers propose, complete and follow models; the
Department reviews and evaluates them; anyone browses the public library (search without
diacritics, filters, map, a page per model) and an officer replicates one in their village."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from cdtt.core.access import public, role_required
from cdtt.core.errors import DomainError, error_text, form_error
from cdtt.core.listing import DATE, INTEGER, Column, Filter, Listing, render_listing
from cdtt.geo.models import AdminUnit
from cdtt.practices import forms, selectors, services
from cdtt.practices.models import Attachment, Status
from cdtt.skills.models import Skill
from cdtt.teams.selectors import person_of


def _link(url: str, text: str):
    return format_html('<a href="{}">{}</a>', url, text)


def _skills(i) -> str:
    return ", ".join(s.name for s in i.skills.all())


def _skill_choices(request):
    return Skill.objects.filter(active=True).values_list("code", "name")


INITIATIVES = Listing(
    name="practices.initiatives",
    title=_lazy("Mô hình chuyển đổi số"),
    columns=(
        Column(
            _lazy("Mô hình"),
            "title",
            cell=lambda i: _link(reverse("practices:detail", args=[i.pk]), i.title),
        ),
        Column(_lazy("Địa bàn"), "unit.full_name"),
        Column(_lazy("Kỹ năng"), _skills),
        Column(_lazy("Chủ trì"), "leader_name"),
        Column(_lazy("Ngày bắt đầu"), "started_on", DATE),
        Column(_lazy("Trạng thái"), "get_status_display"),
        Column(_lazy("Số lần nhân rộng"), "n_replications", INTEGER),
    ),
    template="practices/list.html",
    filename="mo-hinh-chuyen-doi-so.xlsx",
    ordering=("-created_at", "-id"),
    filters=(
        Filter(
            "q", _lazy("Tìm kiếm"), placeholder=_lazy("Tên mô hình, địa bàn (gõ có dấu hoặc không)")
        ),
        Filter("status", _lazy("Trạng thái"), Status.choices, all_label=_lazy("Mọi trạng thái")),
        Filter("skill", _lazy("Kỹ năng"), _skill_choices, all_label=_lazy("Mọi kỹ năng")),
    ),
    empty=_lazy("Chưa có mô hình nào. Hãy đề xuất mô hình đầu tiên của địa bàn."),
)


def _place_choices(request):
    return [(u.code, u.full_name) for u in selectors.districts()]


def _year_choices(request):
    return [(y, y) for y in selectors.library_years()]


LIBRARY = Listing(
    name="practices.library",
    title=_lazy("Thư viện mô hình, cách làm hay"),
    columns=(
        Column(
            _lazy("Mô hình"),
            "title",
            cell=lambda i: _link(i.get_absolute_url(), i.title),
        ),
        Column(_lazy("Tóm tắt"), "summary"),
        Column(_lazy("Địa bàn"), "unit.full_name"),
        Column(_lazy("Kỹ năng"), _skills),
        Column(_lazy("Ngày duyệt"), "approved_on", DATE),
        Column(_lazy("Số lần nhân rộng"), "n_replications", INTEGER),
    ),
    template="practices/library.html",
    filename="thu-vien-mo-hinh.xlsx",
    ordering=("-approved_on", "-id"),
    filters=(
        Filter("q", _lazy("Tìm kiếm"), placeholder=_lazy("Gõ có dấu hoặc không dấu")),
        Filter("skill", _lazy("Kỹ năng"), _skill_choices, all_label=_lazy("Mọi kỹ năng")),
        Filter("unit", _lazy("Huyện, xã"), _place_choices, all_label=_lazy("Mọi địa bàn")),
        Filter("year", _lazy("Năm bắt đầu"), _year_choices, all_label=_lazy("Mọi năm")),
    ),
    empty=_lazy("Thư viện chưa có mô hình nào được duyệt."),
    empty_filtered=_lazy("Không có mô hình nào khớp. Hãy bỏ bớt bộ lọc hoặc gõ từ khóa ngắn hơn."),
)


def _unit_of(code: str):
    if not code:
        return None
    return AdminUnit.objects.filter(code=code, valid_to__isnull=True).first()


@role_required(selectors.READ)
def initiative_list(request):
    filters = INITIATIVES.values(request)
    qs = selectors.filtered(
        selectors.with_counts(selectors.initiatives_for(request.user)),
        q=filters["q"],
        skill=filters["skill"],
        status=filters["status"],
    ).prefetch_related("skills")
    return render_listing(
        request,
        INITIATIVES,
        qs,
        filters=filters,
        context={"can_propose": request.user.role in selectors.PROPOSE},
    )


def _source(request):
    pk = request.GET.get("from", "")
    return selectors.public_initiative(int(pk)) if pk.isdigit() else None


@role_required(selectors.PROPOSE)
def initiative_new(request):
    """Propose a model; ``?from=ID`` replicates an approved model of the library."""
    source = _source(request)
    initial = {}
    if source is not None:
        initial = {
            "title": source.title,
            "summary": source.summary,
            "description": source.description,
            "skills": list(source.skills.values_list("code", flat=True)),
        }
    form = forms.InitiativeForm(
        request.user, request.POST or None, request.FILES or None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            initiative = services.initiative_propose(
                actor=request.user,
                title=data["title"],
                summary=data["summary"],
                description=data["description"],
                units=list(data["units"]),
                skills=list(data["skills"]),
                started_on=data["started_on"],
                leader_name=data["leader_name"],
                lead_team=data["lead_team"],
                # A team leader proposing leads the model; an officer names who leads it.
                leader_person=person_of(request.user)
                if request.user.role == "team_leader"
                else None,
                replicated_from=source,
                files=data["files"],
            )
        except (ValidationError, DomainError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Đã gửi đề xuất mô hình. Sở sẽ xem xét và phản hồi."))
            return redirect("practices:detail", initiative.pk)
    return render(request, "practices/form.html", {"form": form, "source": source})


@role_required(selectors.PROPOSE)
def initiative_edit(request, pk: int):
    initiative = selectors.access_initiative(request.user, pk)
    initial = {
        "title": initiative.title,
        "summary": initiative.summary,
        "description": initiative.description,
        "units": [p.unit_id for p in initiative.places.all()],
        "skills": list(initiative.skills.values_list("code", flat=True)),
        "leader_name": initiative.leader_name,
        "started_on": initiative.started_on,
    }
    form = forms.InitiativeForm(request.user, request.POST or None, initial=initial)
    form.fields.pop("files")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.initiative_update(
                actor=request.user,
                initiative=initiative,
                **{k: v for k, v in data.items() if k not in ("units", "skills", "lead_team")},
                units=list(data["units"]),
                skills=list(data["skills"]),
            )
        except (ValidationError, DomainError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Đã cập nhật mô hình và gửi lại Sở."))
            return redirect("practices:detail", initiative.pk)
    return render(request, "practices/form.html", {"form": form, "initiative": initiative})


@role_required(selectors.READ)
def initiative_detail(request, pk: int):
    initiative = selectors.access_initiative(request.user, pk)
    can_review = selectors.can_review(request.user, initiative)
    return render(
        request,
        "practices/detail.html",
        {
            "initiative": initiative,
            "places": initiative.places.select_related("unit"),
            "files": initiative.files.all(),
            "evaluations": [
                (e, selectors.measured_shown(e.measured)) for e in initiative.evaluations.all()
            ],
            "measured": selectors.measured_shown(
                selectors.measured(initiative, initiative.started_on)
            ),
            "can_review": can_review and initiative.status == Status.PROPOSED,
            "can_evaluate": can_review and initiative.status == Status.APPROVED,
            "can_edit": selectors.can_edit(request.user, initiative),
            "review_form": forms.ReviewForm(),
            "evaluation_form": forms.EvaluationForm(),
            "upload_form": forms.UploadForm(),
        },
    )


def _done(request, pk, call, success: str):
    try:
        call()
    except (ValidationError, DomainError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, success)
    return redirect("practices:detail", pk)


@require_POST
@role_required(selectors.REVIEW)
def initiative_review(request, pk: int):
    initiative = selectors.access_initiative(request.user, pk)
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn một quyết định."))
        return redirect("practices:detail", pk)
    return _done(
        request,
        pk,
        lambda: services.initiative_review(
            actor=request.user, initiative=initiative, **form.cleaned_data
        ),
        _("Đã ghi quyết định của Sở."),
    )


@require_POST
@role_required(selectors.REVIEW)
def initiative_evaluate(request, pk: int):
    initiative = selectors.access_initiative(request.user, pk)
    form = forms.EvaluationForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("practices:detail", pk)
    return _done(
        request,
        pk,
        lambda: services.initiative_evaluate(
            actor=request.user, initiative=initiative, **form.cleaned_data
        ),
        _("Đã ghi kết quả đánh giá."),
    )


@require_POST
@role_required(selectors.PROPOSE)
def initiative_upload(request, pk: int):
    initiative = selectors.access_initiative(request.user, pk)
    form = forms.UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn tệp để tải lên."))
        return redirect("practices:detail", pk)

    def add_all():
        for upload in form.cleaned_data["files"]:
            services.attachment_add(actor=request.user, initiative=initiative, upload=upload)

    return _done(request, pk, add_all, _("Đã thêm tệp."))


@public
def attachment_download(request, pk: int):
    """A file of an approved model (anyone), or of a model the officer may see."""
    attachment = Attachment.objects.filter(pk=pk).select_related("initiative").first()
    if attachment is None:
        raise Http404("attachment")
    if attachment.initiative.status != Status.APPROVED:
        selectors.access_initiative(request.user, attachment.initiative_id)
    handle = default_storage.open(attachment.file.name, "rb")
    return FileResponse(handle, filename=attachment.name, as_attachment=attachment.kind != "photo")


# --- the public library ------------------------------------------------------------------------


def _library_qs(filters):
    return selectors.filtered(
        selectors.library(),
        q=filters["q"],
        skill=filters["skill"],
        unit=_unit_of(filters["unit"]),
        year=filters["year"],
    ).prefetch_related("skills")


@public
def library(request):
    filters = LIBRARY.values(request)
    query = request.GET.copy()
    query.pop("page", None)
    return render_listing(
        request,
        LIBRARY,
        _library_qs(filters),
        filters=filters,
        context={
            "map_url": reverse("practices:library_map") + "?" + query.urlencode(),
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )


@public
def library_map(request):
    filters = LIBRARY.values(request)
    features = selectors.map_features(_library_qs(filters))
    return JsonResponse({"type": "FeatureCollection", "features": features})


@public
def public_detail(request, pk: int):
    initiative = selectors.public_initiative(pk)
    evaluation = initiative.evaluations.first()
    return render(
        request,
        "practices/public_detail.html",
        {
            "initiative": initiative,
            "places": initiative.places.select_related("unit"),
            "photos": initiative.files.filter(kind="photo"),
            "documents": initiative.files.filter(kind="document"),
            "source": initiative.replicated_from
            if initiative.replicated_from and initiative.replicated_from.status == Status.APPROVED
            else None,
            "evaluation": evaluation,
            "evaluation_measured": selectors.measured_shown(evaluation.measured)
            if evaluation
            else None,
        },
    )
