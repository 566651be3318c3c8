"""Pages of letterheads: officers see those of their subtree; province admins create and edit
them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cdtt.core.access import role_required
from cdtt.core.errors import form_error
from cdtt.documents import selectors
from cdtt.documents.forms import LetterheadForm
from cdtt.documents.models import department_letterhead
from cdtt.documents.services import FIELDS, letterhead_create, letterhead_update


@role_required(selectors.READ)
def letterhead_list(request):
    return render(
        request,
        "documents/letterhead_list.html",
        {
            "letterheads": selectors.letterheads_for(request.user),
            "can_manage": selectors.can_manage(request.user),
        },
    )


def _save(request, form, write) -> bool:
    """Validates the form and calls the service; the service's refusals become form errors."""
    if not (request.method == "POST" and form.is_valid()):
        return False
    try:
        write({key: form.cleaned_data[key] for key in FIELDS})
    except ValidationError as exc:
        form_error(form, exc)
        return False
    return True


@role_required(selectors.MANAGE)
def letterhead_new(request):
    unit = request.user.scope_unit
    province = unit if unit.province_id is None else unit.province
    form = LetterheadForm(request.POST or None, instance=department_letterhead(province))
    if _save(request, form, lambda data: letterhead_create(actor=request.user, unit=unit, **data)):
        messages.success(request, _("Đã tạo mẫu phần đầu văn bản."))
        return redirect("documents:letterheads")
    return render(request, "documents/letterhead_form.html", {"form": form, "letterhead": None})


@role_required(selectors.MANAGE)
def letterhead_edit(request, pk: int):
    letterhead = selectors.access_letterhead(request.user, pk)
    form = LetterheadForm(
        request.POST or None, instance=selectors.access_letterhead(request.user, pk)
    )
    if _save(
        request,
        form,
        lambda data: letterhead_update(actor=request.user, letterhead=letterhead, **data),
    ):
        messages.success(request, _("Đã lưu mẫu phần đầu văn bản."))
        return redirect("documents:letterheads")
    return render(
        request, "documents/letterhead_form.html", {"form": form, "letterhead": letterhead}
    )
