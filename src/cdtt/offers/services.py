"""Writes of enterprise offers: publish, withdraw, claim (a code for the member), redeem. Each is
one transaction with its audit entry.

A claim never passes the quantity, even when members claim the last ones at once on PostgreSQL:
the counter moves by a conditional UPDATE (``claimed < quantity``) that the database applies
row by row, so of two concurrent claims of the last unit one updates nothing and is refused; a
check constraint holds the same rule. One member's second claim meets the unique constraint."""

import datetime as dt
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cdtt.audit.services import audit_record
from cdtt.core.errors import Conflict, NotFound, Refused
from cdtt.lib.text import clean, fold
from cdtt.offers import selectors
from cdtt.offers.models import Claim, Offer
from cdtt.organizations.models import Organization, OrganizationKind
from cdtt.teams.models import Membership
from cdtt.teams.selectors import person_of

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed


def _check(*, title, valid_from, valid_to, quantity, price, discount_percent, organization):
    errors = {}
    if not clean(title):
        errors["title"] = _("Hãy nhập nội dung ưu đãi.")
    if valid_from is None or valid_to is None:
        errors["valid_to"] = _("Hãy nhập thời gian hiệu lực.")
    elif valid_to < valid_from:
        errors["valid_to"] = _("Ngày hết hiệu lực trước ngày bắt đầu.")
    if quantity is None or quantity < 1:
        errors["quantity"] = _("Số lượng phải từ 1 trở lên.")
    if price is None and discount_percent is None:
        errors["price"] = _("Hãy nhập giá ưu đãi hoặc mức giảm giá.")
    if discount_percent is not None and not 0 < discount_percent <= 100:
        errors["discount_percent"] = _("Mức giảm giá từ 1 đến 100%.")
    if organization.kind != OrganizationKind.ENTERPRISE:
        errors["organization"] = _("Ưu đãi phải do một doanh nghiệp đưa ra.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def offer_publish(
    *,
    actor,
    organization: Organization,
    title: str,
    valid_from: dt.date,
    valid_to: dt.date,
    quantity: int,
    description: str = "",
    price: Decimal | None = None,
    discount_percent: int | None = None,
    conditions: str = "",
) -> Offer:
    """An enterprise's offer for team members, held where the enterprise is."""
    if not selectors.can_publish(actor):
        raise Refused(_("Chỉ cán bộ doanh nghiệp đăng ưu đãi."))
    own = selectors.enterprise_of(actor)
    if own is not None and organization.pk not in selectors.organization_tree(own):
        raise Refused(_("Bạn chỉ đăng ưu đãi của doanh nghiệp mình."))
    _check(
        title=title,
        valid_from=valid_from,
        valid_to=valid_to,
        quantity=quantity,
        price=price,
        discount_percent=discount_percent,
        organization=organization,
    )
    offer = Offer.objects.create(
        organization=organization,
        title=clean(title),
        description=description.strip(),
        price=price,
        discount_percent=discount_percent,
        conditions=conditions.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        quantity=quantity,
        unit=organization.unit,
        path=organization.unit.path,
        search_key=fold(f"{title} {organization.name}"),
        created_by=actor,
    )
    audit_record(actor=actor, action="offer.publish", obj=offer, unit=offer.unit)
    return offer


@transaction.atomic
def offer_withdraw(*, actor, offer: Offer) -> Offer:
    if not selectors.can_manage(actor, offer):
        raise Refused()
    offer.withdrawn = True
    offer.save(update_fields=["withdrawn"])
    audit_record(actor=actor, action="offer.withdraw", obj=offer, unit=offer.unit)
    return offer


def _new_code() -> str:
    return "UD-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def _located(person) -> dict:
    membership = (
        Membership.objects.filter(person=person, left_on__isnull=True)
        .select_related("team")
        .order_by("pk")
        .first()
    )
    if membership is None:
        return {}
    team = membership.team
    village = team.unit_id if team.level == "village" else None
    return {
        "village_id": village,
        "commune_id": team.commune_id,
        "district_id": team.district_id,
        "province_id": team.province_id,
    }


@transaction.atomic
def offer_claim(*, actor, offer: Offer) -> Claim:
    """A member claims an offer and gets a code; refused twice, out of its dates, withdrawn, or
    beyond its quantity (409)."""
    person = person_of(actor)
    if person is None or not selectors.team_paths(person):
        raise Refused(_("Chỉ thành viên Tổ CNSCĐ nhận ưu đãi."))
    today = timezone.localdate()
    if offer.withdrawn:
        raise Conflict(_("Ưu đãi đã dừng."))
    if today > offer.valid_to:
        raise Conflict(_("Ưu đãi đã hết hạn ngày %(d)s.") % {"d": f"{offer.valid_to:%d/%m/%Y}"})
    if today < offer.valid_from:
        raise Conflict(_("Ưu đãi bắt đầu từ ngày %(d)s.") % {"d": f"{offer.valid_from:%d/%m/%Y}"})
    if Claim.objects.filter(offer=offer, person=person).exists():
        raise Conflict(_("Bạn đã nhận ưu đãi này rồi."))
    # The conditional UPDATE: of concurrent claims of the last unit, one moves the counter.
    moved = Offer.objects.filter(pk=offer.pk, claimed__lt=F("quantity")).update(
        claimed=F("claimed") + 1
    )
    if not moved:
        raise Conflict(_("Ưu đãi đã hết số lượng."))
    try:
        with transaction.atomic():
            claim = Claim.objects.create(
                offer=offer, person=person, code=_new_code(), **_located(person)
            )
    except IntegrityError:
        # The same member claimed at the same moment elsewhere: this whole claim is undone.
        raise Conflict(_("Bạn đã nhận ưu đãi này rồi.")) from None
    audit_record(
        actor=actor,
        action="offer.claim",
        obj=claim,
        summary=f"{offer.title}: {claim.code}",
        changes={"offer": offer.pk, "person": person.pk},
    )
    return claim


@transaction.atomic
def claim_redeem(*, actor, code: str) -> Claim:
    """The enterprise confirms that a member used the offer (once)."""
    claim = (
        Claim.objects.select_for_update()
        .select_related("offer")
        .filter(code=clean(code).upper())
        .first()
    )
    if claim is None or not selectors.can_manage(actor, claim.offer):
        raise NotFound(_("Không có mã ưu đãi này."))
    if claim.redeemed_at is not None:
        raise Conflict(
            _("Mã này đã được sử dụng lúc %(t)s.")
            % {"t": timezone.localtime(claim.redeemed_at).strftime("%d/%m/%Y %H:%M")}
        )
    claim.redeemed_at, claim.redeemed_by = timezone.now(), actor
    claim.save(update_fields=["redeemed_at", "redeemed_by"])
    audit_record(actor=actor, action="offer.redeem", obj=claim, summary=claim.code)
    return claim
