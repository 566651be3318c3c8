"""Enterprise offers (clause 1c of the directive): telecom and IT enterprises give team members
preferential prices. An enterprise's officer publishes an offer (what, price or discount,
validity, quantity, conditions); a member claims one and gets a code; the enterprise confirms the
redemption. ``claimed`` counts the claims so that a conditional UPDATE never passes the quantity.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Offer(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("doanh nghiệp"),
    )
    title = models.CharField(_("ưu đãi"), max_length=200)
    description = models.TextField(_("nội dung"), blank=True)
    price = models.DecimalField(
        _("giá ưu đãi (đồng)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    discount_percent = models.PositiveSmallIntegerField(_("giảm giá (%)"), null=True, blank=True)
    conditions = models.TextField(_("điều kiện"), blank=True)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"))
    quantity = models.PositiveIntegerField(_("số lượng"))
    claimed = models.PositiveIntegerField(_("đã nhận"), default=0)
    # Where the offer holds (members of teams in this subtree): the enterprise's unit.
    unit = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=200, db_index=True)
    withdrawn = models.BooleanField(_("đã dừng"), default=False)
    search_key = models.TextField(default="", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ưu đãi")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(claimed__lte=models.F("quantity")), name="offer_within_quantity"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Claim(models.Model):
    """A member's claim of an offer: its code is what the enterprise redeems."""

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="claims")
    person = models.ForeignKey("teams.Person", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("mã ưu đãi"), max_length=20, unique=True)
    claimed_at = models.DateTimeField(_("thời điểm nhận"), auto_now_add=True)
    redeemed_at = models.DateTimeField(_("thời điểm sử dụng"), null=True, blank=True)
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Where the member serves (their team's unit ids): figures group claims by them.
    commune = models.ForeignKey(
        "geo.AdminUnit", null=True, on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "geo.AdminUnit", null=True, on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "geo.AdminUnit", null=True, on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "geo.AdminUnit", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-claimed_at", "-id"]
        verbose_name = _("lượt nhận ưu đãi")
        constraints = [models.UniqueConstraint(fields=["offer", "person"], name="offer_claim_once")]

    def __str__(self) -> str:
        return self.code
