"""Pages of the school program: schools, a school's classes and teachers, a class's students
(matching, completions) and lessons. Views validate, call a service, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from cdtt.core.access import role_required
from cdtt.core.listing import DATE, INTEGER, Column, Filter, Listing, render_listing
from cdtt.geo.access import units_for
from cdtt.geo.models import Level
from cdtt.schools import selectors, services
from cdtt.schools.forms import ClassForm, HouseholdCodeForm, LessonForm, SchoolForm, TeacherForm
from cdtt.schools.selectors import VIEW, can_manage_schools, can_teach
from cdtt.skills.models import Skill

STATE_LABELS = {
    "confirmed": _lazy("Đã đối chiếu"),
    "one": _lazy("Có 1 nhân khẩu khớp, chờ xác nhận"),
    "many": _lazy("Nhiều nhân khẩu khớp: cần mã hộ"),
    "none": _lazy("Không tìm thấy nhân khẩu"),
}


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


SCHOOLS = Listing(
    name="schools.schools",
    title=_lazy("Trường học"),
    columns=(
        Column(_lazy("Mã trường"), "code"),
        Column(_lazy("Tên trường"), "organization.name", template="schools/_school_cell.html"),
        Column(_lazy("Cấp học"), "get_level_display"),
        Column(_lazy("Xã"), "commune.name"),
        Column(_lazy("Lớp"), "n_classes", INTEGER),
        Column(_lazy("Học sinh"), "n_students", INTEGER),
    ),
    template="schools/list.html",
    filename="truong-hoc.xlsx",
    filters=(Filter("q", _lazy("Tìm trường"), placeholder=_lazy("Tên hoặc mã trường")),),
    ordering=("code",),
    empty=_lazy("Chưa có trường nào tham gia chương trình trong địa bàn của bạn."),
    empty_filtered=_lazy("Không có trường nào khớp bộ lọc."),
)


@role_required(VIEW)
def school_list(request):
    filters = SCHOOLS.values(request)
    schools = selectors.schools_for(request.user).annotate(
        n_classes=Count("classes", distinct=True), n_students=Count("classes__students")
    )
    if filters["q"]:
        schools = schools.filter(organization__name__icontains=filters["q"]) | schools.filter(
            code__iexact=filters["q"]
        )
    form = None
    if can_manage_schools(request.user):
        form = SchoolForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            commune = units_for(request.user).filter(
                level=Level.COMMUNE, code=form.cleaned_data["commune"]
            )
            try:
                if not commune:
                    raise ValidationError(_("Không có xã mã này trong địa bàn của bạn."))
                school = services.school_create(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    code=form.cleaned_data["code"],
                    level=form.cleaned_data["level"],
                    commune=commune.get(),
                )
                return redirect("schools:detail", school.pk)
            except ValidationError as exc:
                _errors(request, exc)
    return render_listing(request, SCHOOLS, schools, filters=filters, context={"form": form})


@role_required(VIEW)
def school_detail(request, pk: int):
    school = selectors.access_school(request.user, pk)
    classes = school.classes.annotate(n_students=Count("students")).order_by(
        "-school_year", "grade", "name"
    )
    return render(
        request,
        "schools/detail.html",
        {
            "school": school,
            "classes": classes,
            "teachers": school.organization.users.filter(role="teacher", is_active=True),
            "can_manage": can_manage_schools(request.user, school),
            "can_teach": can_teach(request.user, school),
            "teacher_form": TeacherForm(),
            "class_form": ClassForm(),
        },
    )


def _refuse_unless(allowed: bool) -> None:
    """A reader of the school (the provincial leader) is refused a write before its form is
    read, not after: the answer does not depend on what was sent."""
    if not allowed:
        raise PermissionDenied


@require_POST
@role_required(VIEW)
def teacher_add(request, pk: int):
    school = selectors.access_school(request.user, pk)
    _refuse_unless(can_manage_schools(request.user, school))
    form = TeacherForm(request.POST)
    if form.is_valid():
        try:
            services.teacher_create(actor=request.user, school=school, **form.cleaned_data)
            messages.success(request, _("Đã thêm giáo viên."))
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, _("Hãy điền đủ họ tên, tên đăng nhập và mật khẩu."))
    return redirect("schools:detail", school.pk)


@require_POST
@role_required(VIEW)
def class_add(request, pk: int):
    school = selectors.access_school(request.user, pk)
    _refuse_unless(can_teach(request.user, school))
    form = ClassForm(request.POST)
    if form.is_valid():
        try:
            school_class = services.class_create(
                actor=request.user, school=school, **form.cleaned_data
            )
            return redirect("schools:class", school_class.pk)
        except ValidationError as exc:
            _errors(request, exc)
    return redirect("schools:detail", school.pk)


def _students_prepare(students: list) -> list:
    """Each student with its match (candidates from the registry) and the skills completed."""
    done: dict[int, set[str]] = {}
    from cdtt.schools.models import Completion

    for student_id, code in Completion.objects.filter(student__in=students).values_list(
        "student_id", "skill__code"
    ):
        done.setdefault(student_id, set()).add(code)
    for match in selectors.matches(students):
        student = match.student
        student.match = match
        student.state_label = STATE_LABELS[match.state]
        student.done = done.get(student.pk, set())
        student.n_done = len(student.done)
    return students


STUDENTS = Listing(
    name="schools.students",
    title=_lazy("Học sinh"),
    columns=(
        Column(_lazy("Họ và tên"), "full_name", personal=True),
        Column(_lazy("Ngày sinh"), "birth_date", DATE, personal=True),
        Column(_lazy("Xã"), "commune.name"),
        Column(_lazy("Mã hộ"), "household_code", personal=True),
        Column(_lazy("Đối chiếu"), "state_label", template="schools/_match_cell.html"),
        Column(
            _lazy("Kỹ năng đã hoàn thành"), "n_done", INTEGER, template="schools/_skills_cell.html"
        ),
    ),
    template="schools/class.html",
    filename="hoc-sinh.xlsx",
    filters=(Filter("q", _lazy("Tìm học sinh"), placeholder=_lazy("Họ và tên")),),
    ordering=("name_key", "birth_key"),
    prepare=_students_prepare,
    empty=_lazy("Lớp chưa có học sinh. Hãy nhập danh sách học sinh từ tệp Excel của trường."),
    empty_filtered=_lazy("Không có học sinh nào khớp bộ lọc."),
)


@role_required(VIEW)
def class_detail(request, pk: int):
    school_class = selectors.access_class(request.user, pk)
    filters = STUDENTS.values(request)
    students = selectors.students_for(request.user).filter(school_class=school_class)
    if filters["q"]:
        from cdtt.lib.text import fold

        students = students.filter(name_key__contains=fold(filters["q"]))
    skills = list(Skill.objects.filter(active=True))
    context = {
        "school_class": school_class,
        "school": school_class.school,
        "skills": skills,
        "lessons": school_class.lessons.select_related("skill"),
        "can_teach": can_teach(request.user, school_class.school),
        "lesson_form": LessonForm(skills=skills),
        "household_form": HouseholdCodeForm(),
    }
    return render_listing(request, STUDENTS, students, filters=filters, context=context)


@require_POST
@role_required(VIEW)
def lesson_add(request, pk: int):
    school_class = selectors.access_class(request.user, pk)
    _refuse_unless(can_teach(request.user, school_class.school))
    form = LessonForm(request.POST, skills=Skill.objects.filter(active=True))
    if form.is_valid():
        try:
            services.lesson_plan(
                actor=request.user,
                school_class=school_class,
                skill_code=form.cleaned_data["skill"],
                title=form.cleaned_data["title"],
                planned_on=form.cleaned_data["planned_on"],
            )
            messages.success(request, _("Đã thêm tiết học vào kế hoạch."))
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, _("Hãy chọn kỹ năng, nội dung và ngày (dd/mm/yyyy)."))
    return redirect("schools:class", school_class.pk)


@require_POST
@role_required(VIEW)
def lesson_delivered(request, pk: int):
    from django.utils import timezone

    lesson = selectors.access_lesson(request.user, pk)
    try:
        services.lesson_deliver(
            actor=request.user, lesson=lesson, delivered_on=timezone.localdate()
        )
        messages.success(request, _("Đã ghi nhận tiết học đã dạy."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("schools:class", lesson.school_class_id)


@require_POST
@role_required(VIEW)
def completion_add(request, pk: int):
    student = selectors.access_student(request.user, pk)
    try:
        services.completion_record(
            actor=request.user, student=student, skill_code=request.POST.get("skill", "")
        )
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(_back(request, student))


@require_POST
@role_required(VIEW)
def match_confirm(request, pk: int):
    student = selectors.access_student(request.user, pk)
    try:
        services.student_match_confirm(
            actor=request.user, student=student, resident_id=int(request.POST.get("resident", 0))
        )
        messages.success(
            request, _("Đã xác nhận học sinh %(s)s là nhân khẩu của hộ.") % {"s": student}
        )
    except (ValidationError, ValueError) as exc:
        _errors(request, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
    return redirect(_back(request, student))


@require_POST
@role_required(VIEW)
def household_code(request, pk: int):
    student = selectors.access_student(request.user, pk)
    _refuse_unless(can_teach(request.user, student.school_class.school))
    form = HouseholdCodeForm(request.POST)
    if form.is_valid():
        try:
            services.student_household_code_set(
                actor=request.user,
                student=student,
                household_code=form.cleaned_data["household_code"],
            )
        except ValidationError as exc:
            _errors(request, exc)
    return redirect(_back(request, student))


def _back(request, student) -> str:
    from django.urls import reverse
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("schools:class", args=[student.school_class_id])
