"""Pages of enterprise offers: an enterprise's officer publishes offers, follows their claims
and confirms redemptions by code; the province follows claimed and redeemed per enterprise;
a team member sees the active offers and claims one (a phone-sized page)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from cdtt.core import roles
from cdtt.core.access import role_required
from cdtt.core.errors import DomainError, error_text, form_error
from cdtt.core.listing import (
    DATE,
    DATETIME,
    INTEGER,
    Column,
    Filter,
    Listing,
    render_listing,
)
from cdtt.offers import forms, selectors, services
from cdtt.organizations.selectors import organization_tree
from cdtt.teams.selectors import person_of


def _link(url: str, text: str):
    return format_html('<a href="{}">{}</a>', url, text)


def _deal(o) -> str:
    if o.price is not None:
        return f"{int(o.price):,}".replace(",", ".") + " đ"
    return f"-{o.discount_percent}%"


STATES = [
    ("active", _lazy("Đang hiệu lực")),
    ("expired", _lazy("Đã hết hạn")),
    ("withdrawn", _lazy("Đã dừng")),
]

OFFERS = Listing(
    name="offers.offers",
    title=_lazy("Ưu đãi của doanh nghiệp cho thành viên Tổ CNSCĐ"),
    columns=(
        Column(_lazy("Doanh nghiệp"), "organization.name"),
        Column(
            _lazy("Ưu đãi"),
            "title",
            cell=lambda o: _link(reverse("offers:detail", args=[o.pk]), o.title),
        ),
        Column(
            _lazy("Giá ưu đãi (đồng)"),
            lambda o: int(o.price) if o.price is not None else None,
            INTEGER,
        ),
        Column(_lazy("Giảm giá (%)"), "discount_percent", INTEGER),
        Column(_lazy("Hiệu lực từ"), "valid_from", DATE),
        Column(_lazy("Hiệu lực đến"), "valid_to", DATE),
        Column(_lazy("Số lượng"), "quantity", INTEGER),
        Column(_lazy("Đã nhận"), "n_claimed", INTEGER),
        Column(_lazy("Đã sử dụng"), "n_redeemed", INTEGER),
    ),
    template="offers/list.html",
    filename="uu-dai-doanh-nghiep.xlsx",
    ordering=("organization__name", "-valid_to", "-id"),
    filters=(
        Filter("q", _lazy("Tìm kiếm"), placeholder=_lazy("Ưu đãi, doanh nghiệp")),
        Filter("state", _lazy("Tình trạng"), STATES, all_label=_lazy("Mọi tình trạng")),
    ),
    empty=_lazy("Chưa có ưu đãi nào. Doanh nghiệp đăng ưu đãi để thành viên các tổ nhận."),
)

CLAIMS = Listing(
    name="offers.claims",
    title=_lazy("Lượt nhận ưu đãi"),
    columns=(
        Column(_lazy("Mã ưu đãi"), "code"),
        Column(_lazy("Ưu đãi"), "offer.title"),
        Column(_lazy("Thành viên"), "person.full_name", personal=True),
        Column(_lazy("Thời điểm nhận"), "claimed_at", DATETIME),
        Column(_lazy("Thời điểm sử dụng"), "redeemed_at", DATETIME),
    ),
    template="offers/claims.html",
    filename="luot-nhan-uu-dai.xlsx",
    ordering=("-claimed_at", "-id"),
    filters=(
        Filter("q", _lazy("Tìm theo mã hoặc tên"), placeholder=_lazy("Mã, họ tên")),
        Filter(
            "redeemed",
            _lazy("Sử dụng"),
            [("yes", _lazy("Đã sử dụng")), ("no", _lazy("Chưa sử dụng"))],
            all_label=_lazy("Tất cả"),
        ),
    ),
    empty=_lazy("Chưa có thành viên nào nhận ưu đãi này."),
)


def _state(qs, state: str):
    today = timezone.localdate()
    if state == "active":
        return qs.filter(withdrawn=False, valid_from__lte=today, valid_to__gte=today)
    if state == "expired":
        return qs.filter(valid_to__lt=today)
    if state == "withdrawn":
        return qs.filter(withdrawn=True)
    return qs


@role_required(selectors.READ)
def offer_list(request):
    filters = OFFERS.values(request)
    qs = selectors.offers_for(request.user).select_related("organization")
    if filters["q"]:
        from cdtt.lib.text import fold

        qs = qs.filter(search_key__contains=fold(filters["q"]))
    qs = _state(qs, filters["state"]).annotate(
        n_claimed=Count("claims"),
        n_redeemed=Count("claims", filter=Q(claims__redeemed_at__isnull=False)),
    )
    return render_listing(
        request,
        OFFERS,
        qs,
        filters=filters,
        context={
            "can_publish": selectors.can_publish(request.user),
            "redeem_form": forms.RedeemForm(),
        },
    )


def _organizations(user):
    own = selectors.enterprise_of(user)
    return forms.enterprises(organization_tree(own) if own else None)


@role_required(selectors.PUBLISH)
def offer_new(request):
    form = forms.OfferForm(_organizations(request.user), request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.offer_publish(actor=request.user, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Đã đăng ưu đãi."))
            return redirect("offers:detail", offer.pk)
    return render(request, "offers/form.html", {"form": form})


@role_required(selectors.READ)
def offer_detail(request, pk: int):
    offer = selectors.access_offer(request.user, pk)
    filters = CLAIMS.values(request)
    qs = offer.claims.select_related("offer", "person")
    if filters["q"]:
        qs = qs.filter(
            Q(code__icontains=filters["q"]) | Q(person__full_name__icontains=filters["q"])
        )
    if filters["redeemed"]:
        qs = qs.filter(redeemed_at__isnull=filters["redeemed"] == "no")
    return render_listing(
        request,
        CLAIMS,
        qs,
        filters=filters,
        context={
            "offer": offer,
            "can_manage": selectors.can_manage(request.user, offer),
            "deal": _deal(offer),
            "redeem_form": forms.RedeemForm(),
        },
    )


@require_POST
@role_required(selectors.PUBLISH)
def offer_withdraw(request, pk: int):
    offer = selectors.access_offer(request.user, pk)
    if not selectors.can_manage(request.user, offer):
        raise PermissionDenied
    try:
        services.offer_withdraw(actor=request.user, offer=offer)
    except DomainError as exc:
        messages.error(request, error_text(exc))
    return redirect("offers:detail", pk)


@require_POST
@role_required(selectors.PUBLISH)
def claim_redeem(request):
    form = forms.RedeemForm(request.POST)
    if form.is_valid():
        try:
            claim = services.claim_redeem(actor=request.user, code=form.cleaned_data["code"])
        except DomainError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Đã xác nhận sử dụng mã %(c)s.") % {"c": claim.code})
    return redirect(request.POST.get("next") or reverse("offers:list"))


@role_required(roles.FIELD | roles.OFFICERS)
def my_offers(request):
    person = person_of(request.user)
    claims = list(selectors.my_claims(person))
    claimed = {c.offer_id for c in claims}
    return render(
        request,
        "offers/mine.html",
        {
            "offers": [o for o in selectors.active_offers(person) if o.pk not in claimed],
            "claims": claims,
        },
    )


@require_POST
@role_required(roles.FIELD | roles.OFFICERS)
def my_claim(request, pk: int):
    offer = selectors.member_offer(request.user, pk)
    try:
        claim = services.offer_claim(actor=request.user, offer=offer)
    except DomainError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Đã nhận ưu đãi. Mã của bạn: %(c)s") % {"c": claim.code})
    return redirect("offers:mine")
