"""`cdtt offers report [--json]` (claimed and redeemed per enterprise and offer) and
`cdtt offers redeem CODE --as USERNAME` (the enterprise confirms a member's code)."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q

from cdtt.accounts.models import User
from cdtt.core.errors import DomainError, error_text
from cdtt.offers import services
from cdtt.offers.models import Offer


class Command(BaseCommand):
    help = "Enterprise offers: the report per enterprise, redeem a code."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        report = sub.add_parser("report", help="claimed and redeemed per enterprise and offer")
        report.add_argument("--json", action="store_true")
        redeem = sub.add_parser("redeem", help="confirm that a member used an offer")
        redeem.add_argument("code")
        redeem.add_argument("--as", dest="username", required=True)

    def handle(self, *args, **opts):
        if opts["action"] == "redeem":
            actor = User.objects.filter(username=opts["username"], is_active=True).first()
            if actor is None:
                raise CommandError(f"unknown user {opts['username']!r}")
            try:
                claim = services.claim_redeem(actor=actor, code=opts["code"])
            except DomainError as exc:
                raise CommandError(error_text(exc)) from None
            self.stdout.write(f"{claim.code}: redeemed")
            return
        rows = list(
            Offer.objects.values("organization__name", "title", "quantity")
            .annotate(
                claimed=Count("claims"),
                redeemed=Count("claims", filter=Q(claims__redeemed_at__isnull=False)),
            )
            .order_by("organization__name", "title")
        )
        if opts["json"]:
            items = [
                {
                    "enterprise": r["organization__name"],
                    "offer": r["title"],
                    "quantity": r["quantity"],
                    "claimed": r["claimed"],
                    "redeemed": r["redeemed"],
                }
                for r in rows
            ]
            self.stdout.write(json.dumps({"items": items}, ensure_ascii=False))
            return
        for r in rows:
            self.stdout.write(
                f"{r['organization__name']} · {r['title']}: {r['claimed']}/{r['quantity']} "
                f"claimed, {r['redeemed']} redeemed"
            )
