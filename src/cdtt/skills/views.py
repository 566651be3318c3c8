"""Pages of the skill catalog: the five basic digital skills and their checklists.

Every officer (and whoever records assessments) reads the catalog; only the province edits it.
The catalog is the province's, not a unit's, so it needs no scope check.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cdtt.core import roles
from cdtt.core.access import role_required
from cdtt.core.jobs import jobs_of
from cdtt.skills import services
from cdtt.skills.forms import ChecklistItemForm, SkillForm
from cdtt.skills.models import ChecklistItem, Skill

READ = roles.OFFICERS | roles.ASSESS
EDIT = roles.MANAGE_CATALOG


def _active_items():
    return Prefetch(
        "checklist",
        queryset=ChecklistItem.objects.filter(active=True).order_by("position", "id"),
        to_attr="items",
    )


def _own_job(request):
    """The roll-up rebuild this user started, to show its progress on the page."""
    job_id = request.GET.get("job", "")
    return jobs_of(request.user).filter(pk=job_id).first() if job_id.isdigit() else None


@role_required(READ)
def catalog(request):
    skills = Skill.objects.prefetch_related(_active_items()).order_by("position", "id")
    return render(
        request, "skills/catalog.html", {"skills": skills, "can_edit": request.user.role in EDIT}
    )


@role_required(EDIT)
def skill_edit(request, code: str):
    skill = get_object_or_404(Skill.objects.prefetch_related(_active_items()), code=code)
    form = SkillForm(
        request.POST or None,
        initial={"name": skill.name, "description": skill.description, "active": skill.active},
    )
    if request.method == "POST" and form.is_valid():
        try:
            update = services.skill_update(actor=request.user, skill=skill, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã lưu kỹ năng “%(n)s”.") % {"n": skill.name})
            if update.rebuild_job:
                return redirect(
                    f"{reverse('skills:edit', args=[skill.code])}?job={update.rebuild_job.pk}"
                )
            return redirect("skills:edit", skill.code)
    return render(
        request,
        "skills/skill_form.html",
        {"skill": skill, "form": form, "item_form": ChecklistItemForm(), "job": _own_job(request)},
    )


@require_POST
@role_required(EDIT)
def checklist_add(request, code: str):
    skill = get_object_or_404(Skill, code=code)
    form = ChecklistItemForm(request.POST)
    if form.is_valid():
        try:
            services.checklist_item_add(
                actor=request.user,
                skill=skill,
                text=form.cleaned_data["text"],
                position=form.cleaned_data["position"],
            )
            messages.success(request, _("Đã thêm việc quan sát."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Hãy nhập nội dung việc quan sát."))
    return redirect("skills:edit", skill.code)


@require_POST
@role_required(EDIT)
def checklist_edit(request, pk: int):
    item = get_object_or_404(ChecklistItem.objects.select_related("skill"), pk=pk, active=True)
    form = ChecklistItemForm(request.POST)
    if form.is_valid():
        try:
            services.checklist_item_update(
                actor=request.user,
                item=item,
                text=form.cleaned_data["text"],
                position=form.cleaned_data["position"],
            )
            messages.success(request, _("Đã lưu việc quan sát."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Hãy nhập nội dung việc quan sát."))
    return redirect("skills:edit", item.skill.code)


@require_POST
@role_required(EDIT)
def checklist_remove(request, pk: int):
    item = get_object_or_404(ChecklistItem.objects.select_related("skill"), pk=pk, active=True)
    services.checklist_item_remove(actor=request.user, item=item)
    messages.success(request, _("Đã bỏ việc quan sát “%(t)s”.") % {"t": item.text})
    return redirect("skills:edit", item.skill.code)
