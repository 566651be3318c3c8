"""Pages of the Prime Minister's dialogue: the year's two members, their information forms with
the completeness check, the DOCX to the Ministry (refused with what is missing) and the day it
was sent."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cdtt.core.access import role_required
from cdtt.core.errors import DomainError, error_text, form_error
from cdtt.core.roles import Role
from cdtt.honours import dialogue, selectors
from cdtt.honours.documents import province_of
from cdtt.honours.forms import DialogueEditForm, PickForm
from cdtt.honours.views import DOCX
from cdtt.teams.selectors import persons_for

SEE = {Role.PROVINCE_ADMIN, Role.PROVINCE_LEADER}


def _people(user):
    return (
        persons_for(user).filter(memberships__left_on__isnull=True).distinct().order_by("name_key")
    )


@role_required(SEE)
def dialogue_page(request, year: int):
    forms = list(selectors.dialogue_forms_for(request.user).filter(year=year).order_by("pk"))
    pick = PickForm(request.POST or None, people=_people(request.user))
    if request.method == "POST":
        if not selectors.can_manage(request.user):
            raise PermissionDenied
        if pick.is_valid():
            try:
                form = dialogue.dialogue_pick(
                    actor=request.user, year=year, person=pick.cleaned_data["person"]
                )
            except (ValidationError, DomainError) as exc:
                form_error(pick, exc)
            else:
                messages.success(request, _("Đã chọn %(n)s.") % {"n": form.full_name})
                return redirect("honours:dialogue", year)
    today = timezone.localdate()
    deadline = dialogue.deadline_of(year)
    context = {
        "year": year,
        "forms": [(f, dialogue.dialogue_missing(f)) for f in forms],
        "problems": dialogue.dialogue_problems(forms),
        "pick": pick if len(forms) < dialogue.PER_YEAR else None,
        "deadline": deadline,
        "days_left": (deadline - today).days,
        "sent": forms and all(f.sent_on for f in forms),
        "can_manage": selectors.can_manage(request.user),
    }
    return render(request, "honours/dialogue.html", context)


@role_required({Role.PROVINCE_ADMIN})
def dialogue_edit(request, pk: int):
    record = selectors.access_dialogue_form(request.user, pk)
    initial = {name: getattr(record, name) for name in dialogue.EDITABLE}
    form = DialogueEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            dialogue.dialogue_update(actor=request.user, form=record, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Đã lưu phiếu thông tin."))
            return redirect("honours:dialogue", record.year)
    context = {"form": form, "record": record, "missing": dialogue.dialogue_missing(record)}
    return render(request, "honours/dialogue_form.html", context)


@role_required(SEE)
def dialogue_docx(request, year: int):
    forms = selectors.dialogue_forms_for(request.user).filter(year=year)
    first = forms.select_related("team__province").first()
    province = first.team.province if first else province_of(request.user.scope_unit)
    try:
        data = dialogue.dialogue_document(year=year, province=province, actor=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("honours:dialogue", year)
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="phieu-doi-thoai-{year}.docx"'
    return response


@require_POST
@role_required({Role.PROVINCE_ADMIN})
def dialogue_sent(request, year: int):
    try:
        dialogue.dialogue_mark_sent(actor=request.user, year=year)
    except (ValidationError, DomainError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Đã ghi nhận gửi phiếu thông tin cho Bộ."))
    return redirect("honours:dialogue", year)


@role_required(SEE)
def dialogue_current(request):
    return redirect("honours:dialogue", timezone.localdate().year)
