"""The one upload page of every import kind (cdtt.core.imports): choose the kind, upload the
file with its options, follow the job's progress, read the report. Access per kind (its roles;
the import itself keeps each user to their scope), deny by default."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cdtt.core.access import login_required
from cdtt.core.imports import (
    ImportKind,
    import_job,
    import_kind,
    import_kinds_for,
    import_template_xlsx,
)
from cdtt.core.jobs import access_job, job_create, upload_keep
from cdtt.lib.xlsx import XLSX_TYPE


class ImportForm(forms.Form):
    file = forms.FileField(label=_lazy("Tệp XLSX hoặc CSV"))
    dry_run = forms.BooleanField(label=_lazy("Chỉ kiểm tra, không ghi"), required=False)
    skip_invalid = forms.BooleanField(
        label=_lazy("Bỏ qua dòng lỗi, nhập các dòng hợp lệ"), required=False
    )


def _kind_for(user, code: str) -> ImportKind:
    """The kind a user may run: 404 for an unknown code, 403 for a kind not theirs."""
    try:
        kind = import_kind(code)
    except KeyError:
        raise Http404("import kind") from None
    if not kind.allows(user):
        raise PermissionDenied
    return kind


@login_required
def imports(request):
    """The kinds of file the user may import."""
    kinds = import_kinds_for(request.user)
    if not kinds:
        raise PermissionDenied
    return render(request, "core/imports.html", {"kinds": kinds})


@login_required
def import_page(request, code: str):
    """The upload is saved for a background job; the page then follows the job's progress and
    shows its result or the row-by-row report."""
    user = request.user
    kind = _kind_for(user, code)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        path = upload_keep(upload)
        dry_run, skip_invalid = form.cleaned_data["dry_run"], form.cleaned_data["skip_invalid"]
        title = (_("Kiểm tra tệp %(f)s") if dry_run else str(kind.job_title)) % {
            "f": upload.name[-120:]
        }
        job = job_create(kind=kind.job_kind, title=title, actor=user, file=str(path))
        import_job(job.pk, user.pk, kind.code, str(path), dry_run, skip_invalid)
        return redirect(f"{request.path}?job={job.pk}")
    job = None
    if request.GET.get("job", "").isdigit():
        job = access_job(user, int(request.GET["job"]))
        if job.kind != kind.job_kind:
            raise Http404("job")
    return render(request, "core/import.html", {"kind": kind, "form": form, "job": job})


@login_required
def import_template(request, code: str):
    """The kind's template file: its exact headers and example rows."""
    kind = _kind_for(request.user, code)
    response = HttpResponse(import_template_xlsx(kind, request.user), content_type=XLSX_TYPE)
    name = kind.template_name or f"mau-{kind.code}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def import_moved(code: str, *, template: bool = False):
    """A view sending an address of the former upload pages to the upload page of ``code``
    (keeping its query: ``?job=``)."""

    @login_required
    def moved(request, *args, **kwargs):
        target = reverse("core:import_template" if template else "core:import", args=[code])
        query = request.META.get("QUERY_STRING", "")
        return redirect(f"{target}?{query}" if query else target, permanent=False)

    return moved
