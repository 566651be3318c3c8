"""cdtt schools list [--unit CODE]

The schools taking part in the five-skill program in a unit's subtree: code, name, level,
commune, classes, students, students matched to the registry, skills completed. The students
themselves come in with ``cdtt import students FILE``; the program's figures with
``cdtt figures UNIT --module schools``. Exit 1 on an unknown unit."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q

from cdtt.geo.models import AdminUnit
from cdtt.schools.models import Completion, School


class Command(BaseCommand):
    help = "The schools of the five-skill program with their classes, students and completions."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="the schools of a unit's subtree")
        listing.add_argument("--unit", help="unit code; default: the whole database")

    def handle(self, *args, **opts):
        path = ""
        if opts["unit"]:
            unit = AdminUnit.objects.filter(code=opts["unit"], valid_to__isnull=True).first()
            if unit is None:
                raise CommandError(f"Không có đơn vị mã “{opts['unit']}”.")
            path = unit.path
        schools = (
            School.objects.filter(commune__path__startswith=path)
            .select_related("organization", "commune")
            .annotate(
                n_classes=Count("classes", distinct=True),
                n_students=Count("classes__students", distinct=True),
                matched=Count(
                    "classes__students",
                    filter=Q(classes__students__resident__isnull=False),
                    distinct=True,
                ),
            )
            .order_by("code")
        )
        done = dict(
            Completion.objects.filter(student__school_class__school__in=schools)
            .values_list("student__school_class__school")
            .annotate(n=Count("pk"))
        )
        self.stdout.write("code\tname\tlevel\tcommune\tclasses\tstudents\tmatched\tcompleted")
        for s in schools:
            row = [s.code, s.organization.name, s.get_level_display(), s.commune.name]
            row += [str(n) for n in (s.n_classes, s.n_students, s.matched, done.get(s.pk, 0))]
            self.stdout.write("\t".join(row))
