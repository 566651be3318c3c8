"""`cdtt practices list [--q TEXT] [--skill CODE] [--unit CODE] [--status S] [--json]` and
`cdtt practices review ID --decision approve|return|reject --as USERNAME [--comment TEXT]`."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cdtt.accounts.models import User
from cdtt.core.errors import DomainError, error_text
from cdtt.geo.selectors import unit_by_code
from cdtt.practices import selectors, services
from cdtt.practices.models import Initiative, Status


class Command(BaseCommand):
    help = "Models and good practices: list them, review a proposal."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="models (default: the approved ones)")
        listing.add_argument("--q", default="", help="search, diacritics optional")
        listing.add_argument("--skill", default="")
        listing.add_argument("--unit", default="", help="code of a unit: models placed under it")
        listing.add_argument("--status", default=Status.APPROVED, choices=Status.values)
        listing.add_argument("--json", action="store_true")
        review = sub.add_parser("review", help="approve, return or reject a proposed model")
        review.add_argument("id", type=int)
        review.add_argument("--decision", required=True, choices=["approve", "return", "reject"])
        review.add_argument("--as", dest="username", required=True, help="the reviewing user")
        review.add_argument("--comment", default="")

    def handle(self, *args, **opts):
        if opts["action"] == "list":
            return self._list(opts)
        return self._review(opts)

    def _list(self, opts):
        unit = None
        if opts["unit"]:
            unit = unit_by_code(opts["unit"])
            if unit is None:
                raise CommandError(f"unknown unit code {opts['unit']!r}")
        qs = selectors.with_counts(Initiative.objects.all())
        qs = selectors.filtered(
            qs, q=opts["q"], skill=opts["skill"], unit=unit, status=opts["status"]
        ).order_by("-created_at")
        rows = [
            {
                "id": i.pk,
                "title": i.title,
                "unit": i.unit.full_name,
                "status": i.status,
                "replications": i.n_replications,
            }
            for i in qs
        ]
        if opts["json"]:
            self.stdout.write(json.dumps({"count": len(rows), "items": rows}, ensure_ascii=False))
            return
        for r in rows:
            self.stdout.write(f"{r['id']:>6}  {r['status']:<9} {r['title']} · {r['unit']}")
        self.stdout.write(f"{len(rows)} model(s)")

    def _review(self, opts):
        actor = User.objects.filter(username=opts["username"], is_active=True).first()
        if actor is None:
            raise CommandError(f"unknown user {opts['username']!r}")
        try:
            initiative = selectors.access_initiative(actor, opts["id"])
            initiative = services.initiative_review(
                actor=actor,
                initiative=initiative,
                decision=opts["decision"],
                comment=opts["comment"],
            )
        except (DomainError, ValidationError) as exc:
            raise CommandError(error_text(exc)) from None
        except Exception as exc:  # Http404: outside the user's scope or absent
            raise CommandError(f"model {opts['id']} not found for {actor.username}") from exc
        self.stdout.write(f"{initiative.pk}: {initiative.status}")
