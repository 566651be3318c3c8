"""Pages of the media log (posts, a post, logging one; figures per outlet and month) and the
public press page (current figures with charts a journalist downloads as PNG)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cdtt.campaigns.models import Service
from cdtt.core.access import public, role_required
from cdtt.core.errors import DomainError, form_error
from cdtt.core.listing import DATE, Column, Filter, Listing, render_listing
from cdtt.core.roles import OFFICERS
from cdtt.figures.catalogue import children_figures, figures_of, get
from cdtt.geo.models import AdminUnit, Level
from cdtt.lib.numbers import vn_int, vn_share
from cdtt.media import selectors, services
from cdtt.media.forms import PostForm
from cdtt.media.models import PostKind
from cdtt.organizations.models import Organization
from cdtt.practices.selectors import public_latest
from cdtt.skills.models import Skill
from cdtt.teams.models import Team


def _outlet_choices(request):
    ids = selectors.posts_for(request.user).values("outlet_id")
    return [(o.pk, o.name) for o in Organization.objects.filter(pk__in=ids).order_by("name")]


POSTS = Listing(
    name="media.posts",
    title=_lazy("Tin bài truyền thông"),
    columns=(
        Column(_lazy("Ngày đăng"), "published_on", DATE),
        Column(_lazy("Tiêu đề"), "title", template="media/_post_cell.html", export=False),
        Column(_lazy("Tiêu đề"), "title", page=False),
        Column(_lazy("Cơ quan báo chí"), "outlet.name"),
        Column(_lazy("Loại"), "get_kind_display"),
        Column(_lazy("Địa bàn"), lambda p: ", ".join(u.full_name for u in p.units.all())),
        Column(_lazy("Tổ"), lambda p: ", ".join(t.name for t in p.teams.all()), page=False),
        Column(_lazy("Đường dẫn"), "link", page=False),
    ),
    template="media/posts.html",
    filename="tin-bai-truyen-thong.xlsx",
    filters=(
        Filter("q", _lazy("Tìm tin bài"), placeholder=_lazy("Tiêu đề")),
        Filter(
            "outlet",
            _lazy("Cơ quan báo chí"),
            choices=_outlet_choices,
            all_label=_lazy("Mọi cơ quan"),
        ),
        Filter("kind", _lazy("Loại"), choices=PostKind.choices, all_label=_lazy("Mọi loại")),
    ),
    empty=_lazy(
        "Chưa có tin bài nào. Phóng viên, biên tập viên của báo, đài bấm “Ghi tin bài” sau mỗi "
        "bài đăng, phóng sự về hoạt động của các Tổ CNSCĐ."
    ),
    empty_filtered=_lazy("Không có tin bài nào khớp với bộ lọc."),
)


def _year(request) -> int:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year


@role_required(OFFICERS)
def post_list(request):
    filters = POSTS.values(request)
    posts = selectors.posts_for(request.user).prefetch_related("units", "teams")
    if filters["q"]:
        posts = posts.filter(Q(title__icontains=filters["q"]))
    if filters["outlet"]:
        posts = posts.filter(outlet_id=filters["outlet"])
    if filters["kind"]:
        posts = posts.filter(kind=filters["kind"])
    year = _year(request)
    context = {
        "can_log": selectors.can_log(request.user),
        "year": year,
        "months": range(1, 13),
        "by_outlet": selectors.outlet_months(selectors.posts_for(request.user), year),
    }
    return render_listing(request, POSTS, posts, filters=filters, context=context)


def _form(request):
    units = AdminUnit.objects.filter(
        valid_to__isnull=True, level__in=[Level.PROVINCE, Level.DISTRICT, Level.COMMUNE]
    ).order_by("path")
    return PostForm(
        request.POST or None,
        outlets=selectors.outlets_for(request.user),
        units=units,
        teams=Team.objects.filter(dissolved_on__isnull=True).order_by("name_key"),
        skills=[(s.code, s.name) for s in Skill.objects.filter(active=True)],
        services=[(s.code, s.name) for s in Service.objects.filter(active=True)],
    )


@role_required(OFFICERS)
def post_new(request):
    if not selectors.can_log(request.user):
        raise PermissionDenied
    form = _form(request)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_log(actor=request.user, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Đã ghi tin bài."))
            return redirect("media:post", post.pk)
    return render(request, "media/post_form.html", {"form": form})


@role_required(OFFICERS)
def post_detail(request, pk: int):
    post = selectors.access_post(request.user, pk)
    skills = dict(Skill.objects.values_list("code", "name"))
    names = dict(Service.objects.values_list("code", "name"))
    context = {
        "post": post,
        "skills": [skills.get(c, c) for c in post.skills],
        "services": [names.get(c, c) for c in post.services],
    }
    return render(request, "media/post.html", context)


PRESS_FIGURES = [
    "households",
    "covered",
    "rate",
    "teams",
    "villages_with_team",
    "members",
    "members_trained",
    "visits",
    "households_visited",
    "media_posts",
]


def _province() -> AdminUnit | None:
    return (
        AdminUnit.objects.filter(level=Level.PROVINCE, valid_to__isnull=True).order_by("pk").first()
    )


@public
def press(request):
    """The press page: the province's figures now, and per district or commune for the charts."""
    province = _province()
    context = {"province": province, "figures": [], "chart": None}
    if province is not None:
        values = figures_of(province, codes=PRESS_FIGURES)
        context["figures"] = [
            (get(code), vn_share(values[code]) if code == "rate" else vn_int(values[code]))
            for code in PRESS_FIGURES
        ]
        children = children_figures(province, codes=["rate", "teams", "members", "visits"])
        context["chart"] = {
            "labels": [u.name for u, _v in children],
            "rate": [round((v["rate"] or 0) * 100, 1) for _u, v in children],
            "teams": [v["teams"] or 0 for _u, v in children],
            "members": [v["members"] or 0 for _u, v in children],
            "visits": [v["visits"] or 0 for _u, v in children],
        }
        context["as_of"] = timezone.localdate()
    context["newest_models"] = public_latest(5)
    return render(request, "media/press.html", context)
