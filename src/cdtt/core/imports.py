"""The import mechanism: one shape for every file import (population, teams, villages, and the
imports to come: students, attendance, nominations).

An app declares each of its imports once, in its ``imports.py`` (found at start-up, see
CoreConfig.ready), with ``import_kind_register(ImportKind(...))``: a code, a Vietnamese label,
the columns (header, required, meaning: the template file and the page's help are made of
them), the roles that may run it and the runner
``run(*, actor, path, dry_run, skip_invalid, progress, file_name="") -> ImportResult``
(``file_name``: the name the user gave the file, when ``path`` is a saved upload's).

Every runner keeps the same rules (DESIGN.md §5): checks column by column, every bad row
reported as (row, column, reason); all or nothing unless ``skip_invalid``, which imports the
good rows and reports the rest; a dry run writes nothing. The command line
(``cdtt import KIND FILE``), the upload page (``/imports/KIND/``) and the background job
(``import_job``) reach each kind only through this registry: core knows no app above it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from cdtt.core.jobs import Progress, file_job_run, job_progress, upload_name
from cdtt.lib.tabular import FileProblem, RowError
from cdtt.lib.xlsx import xlsx_bytes

__all__ = [
    "Column",
    "ImportKind",
    "ImportResult",
    "Progress",
    "RowError",
    "bytes_runner",
    "import_job",
    "import_kind",
    "import_kind_register",
    "import_kinds",
    "import_kinds_for",
    "import_template_xlsx",
]


@dataclass(frozen=True)
class Column:
    """A column of an import file, as its template and its page's help show it."""

    header: str  # exactly as in the file (matching ignores case, diacritics, spaces)
    required: bool
    meaning: str  # Vietnamese; a lazy translation is fine


@dataclass
class ImportResult:
    """What every import returns, whatever its kind.

    ``counts`` are the kind's own figures (households created, members added…), also stored
    with the job; ``imported`` the good rows that went in (or, on a dry run, would have);
    ``written`` whether the import wrote what it could (or, on a dry run, would have): the
    command line then prints ``message``. ``problem`` is set when the file could not be read
    at all (nothing was checked)."""

    message: str
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    errors_total: int = 0
    imported: int = 0
    written: bool = False
    dry_run: bool = False
    skip_invalid: bool = False
    problem: str = ""

    @classmethod
    def unreadable(
        cls, problem: FileProblem, *, dry_run: bool = False, skip_invalid: bool = False
    ) -> "ImportResult":
        """A file that could not be read at all (corrupt, wrong encoding, a missing column):
        nothing was checked and nothing written."""
        text = str(problem)
        return cls(message=text, problem=text, dry_run=dry_run, skip_invalid=skip_invalid)

    @property
    def ok(self) -> bool:
        return not self.errors_total and not self.problem

    def job_outcome(self) -> tuple[bool, str, dict]:
        """(ok, message, result) of the job that ran this import, for its page."""
        if self.problem:
            return False, self.problem, {"dry_run": self.dry_run}
        if self.ok or self.skip_invalid:
            message = self.message
        else:
            message = _("Tệp có %(n)d lỗi, chưa ghi dữ liệu nào.") % {"n": self.errors_total}
        return (
            self.ok or (self.skip_invalid and self.imported > 0),
            message,
            {
                **self.counts,
                "dry_run": self.dry_run,
                "errors_total": self.errors_total,
                "errors": [e.as_dict() for e in self.errors],
            },
        )


class Runner(Protocol):
    def __call__(
        self,
        *,
        actor: Any,
        path: str,
        dry_run: bool,
        skip_invalid: bool,
        progress: Progress | None,
        file_name: str = "",
    ) -> ImportResult: ...


def bytes_runner(importer: Callable[..., Any]) -> Runner:
    """The runner of a kind whose importer reads the file's bytes (``importer(*, actor, data,
    dry_run, skip_invalid, progress)`` returning a result with ``as_import_result()``): the file
    is read, and one that cannot be read is answered as such."""

    def run(
        *,
        actor,
        path: str,
        dry_run: bool = False,
        skip_invalid: bool = False,
        progress: Progress | None = None,
        file_name: str = "",
    ) -> ImportResult:
        try:
            with open(path, "rb") as f:
                data = f.read()
            result = importer(
                actor=actor,
                data=data,
                dry_run=dry_run,
                skip_invalid=skip_invalid,
                progress=progress,
            )
        except FileProblem as exc:  # unreadable file, missing columns: nothing was written
            return ImportResult.unreadable(exc, dry_run=dry_run, skip_invalid=skip_invalid)
        return result.as_import_result()

    return run


@dataclass(frozen=True)
class ImportKind:
    """One kind of import, declared once by its app.

    ``roles``: who may run it from the page (the runner itself keeps each user to their
    scope); ``template_rows(user)``: example rows of the template file; ``job_title``: the
    job's title, with ``%(f)s`` for the file's name."""

    code: str
    label: str
    columns: tuple[Column, ...]
    roles: frozenset[str]
    run: Runner
    job_title: str
    help: str = ""
    sheet: str = ""  # the template's sheet name (the label by default)
    template_name: str = ""
    template_rows: Callable[[Any], list[list]] = lambda user: []

    @property
    def job_kind(self) -> str:
        return f"{self.code}_import"

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def allows(self, user) -> bool:
        return bool(user and user.is_authenticated and user.is_active and user.role in self.roles)


_KINDS: dict[str, ImportKind] = {}


def import_kind_register(kind: ImportKind) -> ImportKind:
    """Declare an import kind (once, from its app's ``imports`` module)."""
    if kind.code in _KINDS and _KINDS[kind.code] is not kind:
        raise ValueError(f"import kind {kind.code!r} is registered twice")
    _KINDS[kind.code] = kind
    return kind


def import_kind(code: str) -> ImportKind:
    """The kind of that code; KeyError for an unknown one."""
    return _KINDS[code]


def import_kinds() -> list[ImportKind]:
    """Every registered kind, by code."""
    return [_KINDS[code] for code in sorted(_KINDS)]


def import_kinds_for(user) -> list[ImportKind]:
    """The kinds a user may run."""
    return [kind for kind in import_kinds() if kind.allows(user)]


def import_template_xlsx(kind: ImportKind, user) -> bytes:
    """The kind's template: its exact headers and example rows."""
    unit = getattr(getattr(user, "scope_unit", None), "full_name", "")
    return xlsx_bytes(
        str(kind.sheet or kind.label)[:31], kind.headers, kind.template_rows(user), unit=unit
    )


@db_task()
def import_job(
    job_id: int,
    actor_id: int | None,
    code: str,
    path: str,
    dry_run: bool = False,
    skip_invalid: bool = False,
    delete_file: bool = True,
) -> None:
    """Run an import of any kind for the page that started it, reporting its progress; the
    uploaded file is removed after (core.jobs.file_job_run)."""
    kind = import_kind(code)

    def work(actor) -> tuple[bool, str, dict]:
        result = kind.run(
            actor=actor,
            path=path,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            progress=job_progress(job_id),
            file_name=upload_name(path),
        )
        return result.job_outcome()

    file_job_run(job_id, actor_id, path, work, delete_file=delete_file)
