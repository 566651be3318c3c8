"""`cdtt media …`: the media log from the command line, acting as a named user (``--user``).

    cdtt media log --user U --outlet ID --title T --date DD/MM/YYYY --kind article|tv|radio|social
                   --link URL [--unit CODE]… [--team ID]… [--skill CODE]… [--service CODE]…
    cdtt media figures [--year YYYY]

A refused post (a link that is not http(s), a date to come, the same link twice) is printed in
Vietnamese and the command exits 1, having written nothing."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cdtt.core.errors import DomainError, error_text
from cdtt.geo.models import AdminUnit
from cdtt.media import selectors, services
from cdtt.media.models import MediaPost
from cdtt.organizations.models import Organization
from cdtt.teams.models import Team


class Command(BaseCommand):
    help = "Log a media post, or print the posts per outlet and month."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("log")
        p.add_argument("--user", required=True)
        p.add_argument("--outlet", type=int, required=True)
        p.add_argument("--title", required=True)
        p.add_argument("--date", required=True)
        p.add_argument("--kind", required=True, choices=["article", "tv", "radio", "social"])
        p.add_argument("--link", required=True)
        for name in ("unit", "team", "skill", "service"):
            p.add_argument(f"--{name}", action="append", default=[])
        p = sub.add_parser("figures")
        p.add_argument("--year", type=int)

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except (ValidationError, DomainError) as exc:
            raise CommandError(error_text(exc)) from None

    def _log(self, *, user, outlet, title, date, kind, link, unit, team, skill, service, **o):
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"no active user {user}")
        try:
            published_on = dt.datetime.strptime(date, "%d/%m/%Y").date()
        except ValueError:
            raise CommandError(f"not a date DD/MM/YYYY: {date}") from None
        post = services.post_log(
            actor=actor,
            outlet=Organization.objects.filter(pk=outlet).first(),
            title=title,
            published_on=published_on,
            kind=kind,
            link=link,
            units=AdminUnit.objects.filter(code__in=unit, valid_to__isnull=True),
            teams=Team.objects.filter(pk__in=[int(t) for t in team]),
            skills=skill,
            services=service,
        )
        self.stdout.write(f"post {post.pk}: {post.title}")

    def _figures(self, *, year: int | None, **options):
        year = year or timezone.localdate().year
        for row in selectors.outlet_months(MediaPost.objects.all(), year):
            months = " ".join(str(n) for n in row["months"])
            self.stdout.write(f"{row['outlet']}\t{months}\t{row['total']}")
