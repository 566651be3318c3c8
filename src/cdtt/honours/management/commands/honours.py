"""`cdtt honours …`: honours from the command line, acting as a named user (``--user``), through
the same services as the pages and the API.

    cdtt honours rounds
    cdtt honours nominations ROUND
    cdtt honours nominate ROUND --user U --kind person|team|unit|organization --id N --citation T
    cdtt honours review NOMINATION --user U --action approve|return|reject [--comment T]
    cdtt honours decide ROUND --user U --number N --date DD/MM/YYYY --signer NAME
    cdtt honours submission ROUND -o FILE.docx
    cdtt honours certificate AWARD -o FILE.pdf
    cdtt honours dialogue YEAR [-o FILE.docx]
    cdtt honours remind [--dry-run]

A refusal (a deadline passed, a nominee outside the user's scope, a form incomplete…) is printed
in Vietnamese and the command exits 1, having written nothing."""

import datetime as dt
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils import timezone

from cdtt.core.errors import DomainError, error_text
from cdtt.documents.pdf import PdfError
from cdtt.honours import dialogue, documents, selectors, services
from cdtt.honours.models import Award, Nomination, Round


def _day(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise CommandError(f"not a date DD/MM/YYYY: {text}") from None


class Command(BaseCommand):
    help = "Honours rounds, nominations, reviews, decisions, certificates and dialogue forms."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rounds")
        p = sub.add_parser("nominations")
        p.add_argument("round", type=int)
        p = sub.add_parser("nominate")
        p.add_argument("round", type=int)
        p.add_argument("--user", required=True)
        p.add_argument("--kind", required=True, choices=["person", "team", "unit", "organization"])
        p.add_argument("--id", type=int, required=True)
        p.add_argument("--citation", required=True)
        p = sub.add_parser("review")
        p.add_argument("nomination", type=int)
        p.add_argument("--user", required=True)
        p.add_argument(
            "--action", dest="verdict", required=True, choices=["approve", "return", "reject"]
        )
        p.add_argument("--comment", default="")
        p = sub.add_parser("decide")
        p.add_argument("round", type=int)
        p.add_argument("--user", required=True)
        p.add_argument("--number", required=True)
        p.add_argument("--date", required=True)
        p.add_argument("--signer", required=True)
        for name, arg in (("submission", "round"), ("certificate", "award")):
            p = sub.add_parser(name)
            p.add_argument(arg, type=int)
            p.add_argument("-o", "--output", required=True)
        p = sub.add_parser("dialogue")
        p.add_argument("year", type=int)
        p.add_argument("-o", "--output")
        p = sub.add_parser("remind")
        p.add_argument("--dry-run", action="store_true")

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except (ValidationError, DomainError) as exc:
            raise CommandError(error_text(exc)) from None
        except (Round.DoesNotExist, Nomination.DoesNotExist, Award.DoesNotExist, Http404):
            raise CommandError("not found (or outside the user's scope)") from None
        except PdfError as exc:
            raise CommandError(str(exc)) from None

    def _user(self, username: str):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username}")
        return user

    def _rounds(self, **options):
        for r in Round.objects.order_by("-year", "pk"):
            self.stdout.write(f"{r.pk}\t{r.year}\t{r.kind}\t{r.title}\t{r.nominations.count()}")

    def _nominations(self, *, round: int, **options):
        today = timezone.localdate()
        for n in Round.objects.get(pk=round).nominations.select_related("round"):
            late = "overdue" if selectors.is_overdue(n, today) else ""
            self.stdout.write(
                f"{n.pk}\t{n.subject_kind}\t{n.subject_name}\t{n.step}\t{n.status}\t{late}"
            )

    def _nominate(self, *, round: int, user: str, kind: str, id: int, citation: str, **options):
        actor = self._user(user)
        n = services.nomination_file(
            actor=actor,
            round=selectors.access_round(actor, round),
            subject_kind=kind,
            subject_id=id,
            citation=citation,
        )
        self.stdout.write(f"nomination {n.pk}: {n.subject_name}, first step {n.step}")

    def _review(self, *, nomination: int, user: str, verdict: str, comment: str, **options):
        actor = self._user(user)
        n = selectors.access_nomination(actor, nomination)
        services.nomination_review(actor=actor, nomination=n, action=verdict, comment=comment)
        n.refresh_from_db()
        self.stdout.write(f"nomination {n.pk}: {n.status} at {n.step}")

    def _decide(self, *, round: int, user: str, number: str, date: str, signer: str, **options):
        actor = self._user(user)
        d = services.decision_issue(
            actor=actor,
            round=selectors.access_round(actor, round),
            number=number,
            signed_on=_day(date),
            signer=signer,
        )
        self.stdout.write(f"decision {d.number}: {d.awards.count()} award(s)")

    def _submission(self, *, round: int, output: str, **options):
        Path(output).write_bytes(documents.submission_docx(Round.objects.get(pk=round)))
        self.stdout.write(output)

    def _certificate(self, *, award: int, output: str, **options):
        found = Award.objects.select_related("nomination__round__unit", "decision").get(pk=award)
        Path(output).write_bytes(documents.certificate_pdf(found))
        self.stdout.write(output)

    def _dialogue(self, *, year: int, output: str | None, **options):
        forms = list(dialogue.DialogueForm.objects.filter(year=year).select_related("team"))
        for f in forms:
            missing = ", ".join(dialogue.dialogue_missing(f)) or "complete"
            self.stdout.write(f"{f.pk}\t{f.full_name}\t{f.team.name}\t{missing}")
        if output:
            province = forms[0].team.province if forms else None
            Path(output).write_bytes(dialogue.dialogue_document(year=year, province=province))
            self.stdout.write(output)

    def _remind(self, *, dry_run: bool, **options):
        count = dialogue.dialogue_remind(dry_run=dry_run)
        verb = "would be reminded" if dry_run else "reminded"
        self.stdout.write(f"{count} officer(s) {verb}")
