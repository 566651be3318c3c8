"""Pages of training: officers run courses (list, new course, sessions, invitations, the QR and
attendance list of a session, certificates); members see their courses, enrol, take the test;
anyone verifies a certificate at /verify/{code}."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from cdtt.core import roles
from cdtt.core.access import login_required, public, role_required
from cdtt.core.jobs import job_create
from cdtt.core.listing import DATE, INTEGER, Column, Filter, Listing, cells, render_listing
from cdtt.core.models import Job
from cdtt.documents.pdf import PdfError
from cdtt.geo.access import units_for
from cdtt.organizations.selectors import organizations_for
from cdtt.teams.models import Person, Team
from cdtt.training import checkins, forms, selectors, services
from cdtt.training.certificates import certificate_pdf, certificates_job, public_answer, qr_svg
from cdtt.training.models import Attendance, Completion, Course, CourseStatus, Topic

MANAGE, READ = selectors.MANAGE, selectors.READ


def _refused(request, exc: services.Refused) -> None:
    messages.error(request, exc.detail)


COURSES = Listing(
    name="training.courses",
    title=_lazy("Khóa tập huấn"),
    columns=(
        Column(
            _lazy("Khóa tập huấn"),
            "title",
            cell=lambda c: cells(_link(reverse("training:detail", args=[c.pk]), c.title)),
        ),
        Column(_lazy("Đơn vị tổ chức"), "organizer.name"),
        Column(_lazy("Hình thức"), "get_mode_display"),
        Column(_lazy("Buổi học"), "n_sessions", INTEGER),
        Column(_lazy("Đăng ký"), "n_enrolled", INTEGER),
        Column(_lazy("Hoàn thành"), "n_completed", INTEGER),
        Column(_lazy("Trạng thái"), "get_status_display"),
    ),
    template="training/list.html",
    filename="khoa-tap-huan.xlsx",
    ordering=("-created_at", "-id"),
    filters=(
        Filter("q", _lazy("Tìm theo tên"), placeholder=_lazy("Tên khóa")),
        Filter(
            "status", _lazy("Trạng thái"), CourseStatus.choices, all_label=_lazy("Mọi trạng thái")
        ),
        Filter(
            "topic",
            _lazy("Chủ đề"),
            lambda request: Topic.objects.values_list("code", "name"),
            all_label=_lazy("Mọi chủ đề"),
        ),
    ),
    empty=_lazy("Chưa có khóa tập huấn nào. Hãy tạo khóa đầu tiên."),
)

COMPLETIONS = Listing(
    name="training.completions",
    title=_lazy("Thành viên hoàn thành khóa tập huấn"),
    columns=(
        Column(_lazy("Họ và tên"), "person.full_name", personal=True),
        Column(_lazy("Khóa tập huấn"), "course.title"),
        Column(_lazy("Đơn vị tổ chức"), "course.organizer.name"),
        Column(_lazy("Ngày hoàn thành"), "completed_on", DATE),
        Column(_lazy("Tỉ lệ buổi học (%)"), "attendance_rate", INTEGER),
        Column(_lazy("Điểm kiểm tra (%)"), "score", INTEGER),
        Column(
            _lazy("Mã xác thực"),
            "code",
            cell=lambda c: cells(_link(reverse("training_verify", args=[c.code]), c.code)),
        ),
        Column(_lazy("Trạng thái"), lambda c: _("Còn hiệu lực") if c.valid else _("Đã thu hồi")),
    ),
    template="training/completions.html",
    filename="hoan-thanh-tap-huan.xlsx",
    filters=(
        Filter("q", _lazy("Tìm theo tên"), placeholder=_lazy("Họ và tên")),
        Filter("unit", _lazy("Mã địa bàn"), placeholder=_lazy("Mã xã, thôn")),
        Filter(
            "organizer",
            _lazy("Đơn vị tổ chức"),
            lambda r: (
                selectors.courses_for(r.user)
                .values_list("organizer_id", "organizer__name")
                .distinct()
            ),
            all_label=_lazy("Mọi đơn vị"),
        ),
        Filter(
            "topic",
            _lazy("Chủ đề"),
            lambda r: Topic.objects.values_list("code", "name"),
            all_label=_lazy("Mọi chủ đề"),
        ),
    ),
    empty=_lazy("Chưa có thành viên nào hoàn thành khóa tập huấn."),
)


def _link(url: str, text: str):
    from django.utils.html import format_html

    return format_html('<a href="{}">{}</a>', url, text)


@role_required(READ)
def course_list(request):
    filters = COURSES.values(request)
    qs = selectors.courses_listing(request.user)
    if filters["q"]:
        qs = qs.filter(title__icontains=filters["q"])
    if filters["status"]:
        qs = qs.filter(status=filters["status"])
    if filters["topic"]:
        qs = qs.filter(topics__code=filters["topic"])
    return render_listing(
        request,
        COURSES,
        qs,
        filters=filters,
        context={
            "can_create": selectors.can_manage(request.user),
            "can_edit_topics": roles.has_role(request.user, roles.MANAGE_CATALOG),
        },
    )


@role_required(READ)
def completion_list(request, pk: int):
    """Completions of the course (pk), or of every course of the scope (pk 0): drill-down by
    unit (a team's unit code prefix), organiser and topic; exports to XLSX (audited)."""
    filters = COMPLETIONS.values(request)
    qs = selectors.completions_for(request.user).select_related("person", "course__organizer")
    course = selectors.access_course(request.user, pk) if pk else None
    if course is not None:
        qs = qs.filter(course=course)
    if filters["q"]:
        from cdtt.lib.text import fold

        qs = qs.filter(person__name_key__contains=fold(filters["q"]))
    if filters["unit"]:
        unit = units_for(request.user).filter(code=filters["unit"]).first()
        qs = qs.filter(
            person__memberships__team__path__startswith=unit.path if unit else "\0",
            person__memberships__left_on__isnull=True,
        ).distinct()
    if filters["organizer"]:
        qs = qs.filter(course__organizer_id=filters["organizer"])
    if filters["topic"]:
        qs = qs.filter(course__topics__code=filters["topic"]).distinct()
    return render_listing(
        request,
        COMPLETIONS,
        qs.order_by("-completed_on", "-id"),
        filters=filters,
        context={"course": course},
    )


def _course_form(request, data=None):
    path = selectors.scope_path(request.user) or "\0"
    return forms.CourseForm(
        data,
        organizations=organizations_for(request.user),
        units=units_for(request.user).filter(
            level__in=["district", "commune", "village"], valid_to__isnull=True
        ),
        teams=Team.objects.filter(path__startswith=path, dissolved_on__isnull=True),
    )


@role_required(MANAGE)
def course_new(request):
    form = _course_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            course = services.course_create(
                actor=request.user, unit=request.user.scope_unit, **data
            )
        except services.Refused as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Đã tạo khóa tập huấn. Hãy thêm các buổi học."))
            return redirect("training:detail", course.pk)
    return render(request, "training/form.html", {"form": form})


def _course_initial(course: Course) -> dict:
    return {
        **{name: getattr(course, name) for name in services.EDITABLE},
        "topics": list(course.topics.all()),
        "eligible_units": list(course.eligible_units.all()),
        "eligible_teams": list(course.eligible_teams.all()),
    }


@role_required(MANAGE)
def course_edit(request, pk: int):
    course = selectors.access_course(request.user, pk)
    if not selectors.can_manage(request.user, course):
        raise Http404("course")
    form = _course_form(request, request.POST or None)
    form.initial = _course_initial(course)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_update(actor=request.user, course=course, **form.cleaned_data)
        except services.Refused as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Đã lưu khóa tập huấn."))
            return redirect("training:detail", course.pk)
    return render(request, "training/form.html", {"form": form, "course": course})


def _job(request):
    job_id = request.GET.get("job", "")
    return (
        Job.objects.filter(pk=job_id, created_by=request.user).first() if job_id.isdigit() else None
    )


@role_required(READ)
def course_detail(request, pk: int):
    course = selectors.access_course(request.user, pk)
    enrolments = list(selectors.enrolments_of(course))
    sessions = list(course.sessions.all())
    attended = {}
    for session_id, person_id in Attendance.objects.filter(session__course=course).values_list(
        "session_id", "person_id"
    ):
        attended.setdefault(person_id, set()).add(session_id)
    done = {c.person_id: c for c in course.completions.all()}
    scores = {}
    for attempt in course.attempts.all():
        scores[attempt.person_id] = max(scores.get(attempt.person_id, 0), attempt.score)
    rows = [
        {
            "enrolment": e,
            "attended": len(attended.get(e.person_id, ())),
            "score": scores.get(e.person_id),
            "completion": done.get(e.person_id),
        }
        for e in enrolments
    ]
    path = course.path
    return render(
        request,
        "training/detail.html",
        {
            "course": course,
            "sessions": sessions,
            "rows": rows,
            "can_manage": selectors.can_manage(request.user, course),
            "session_form": forms.SessionForm(),
            "invite_form": forms.InviteForm(
                units=units_for(request.user).filter(
                    path__startswith=path, valid_to__isnull=True, level__in=["commune", "village"]
                ),
                teams=Team.objects.filter(path__startswith=path, dissolved_on__isnull=True),
            ),
            "questions": services.test_questions(course).count(),
            "job": _job(request),
        },
    )


@require_POST
@role_required(MANAGE)
def session_new(request, pk: int):
    course = selectors.access_course(request.user, pk)
    form = forms.SessionForm(request.POST)
    if form.is_valid():
        try:
            services.session_add(actor=request.user, course=course, **form.cleaned_data)
            messages.success(request, _("Đã thêm buổi học."))
        except services.Refused as exc:
            _refused(request, exc)
    else:
        messages.error(request, _("Hãy nhập giờ bắt đầu và kết thúc dạng dd/mm/yyyy hh:mm."))
    return redirect("training:detail", course.pk)


@require_POST
@role_required(MANAGE)
def course_invite(request, pk: int):
    course = selectors.access_course(request.user, pk)
    form = forms.InviteForm(
        request.POST,
        units=units_for(request.user),
        teams=Team.objects.filter(path__startswith=course.path),
    )
    if form.is_valid():
        try:
            n = services.invite(actor=request.user, course=course, **form.cleaned_data)
            messages.success(request, _("Đã mời %(n)d thành viên.") % {"n": n})
        except services.Refused as exc:
            _refused(request, exc)
    return redirect("training:detail", course.pk)


@require_POST
@role_required(MANAGE)
def course_close(request, pk: int):
    course = selectors.access_course(request.user, pk)
    try:
        services.course_close(actor=request.user, course=course)
        messages.success(request, _("Đã đóng khóa tập huấn."))
    except services.Refused as exc:
        _refused(request, exc)
    return redirect("training:detail", course.pk)


@require_POST
@role_required(MANAGE)
def course_delete(request, pk: int):
    course = selectors.access_course(request.user, pk)
    try:
        services.course_delete(actor=request.user, course=course)
    except services.Refused as exc:
        _refused(request, exc)
        return redirect("training:detail", course.pk)
    messages.success(request, _("Đã xóa khóa tập huấn."))
    return redirect("training:list")


@require_POST
@role_required(MANAGE)
def certificates_start(request, pk: int):
    course = selectors.access_course(request.user, pk)
    if not selectors.can_manage(request.user, course):
        raise Http404("course")
    job = job_create(
        kind="certificates",
        title=_("Cấp giấy chứng nhận: %(t)s") % {"t": course.title},
        actor=request.user,
    )
    certificates_job(job.pk, course.pk)
    return redirect(f"{reverse('training:detail', args=[course.pk])}?job={job.pk}")


@require_POST
@role_required(MANAGE)
def certificate_revoke(request, code: str):
    completion = get_object_or_404(selectors.completions_for(request.user), code=code)
    form = forms.RevokeForm(request.POST)
    try:
        services.completion_revoke(
            actor=request.user, completion=completion, reason=form.data.get("reason", "")
        )
        messages.success(request, _("Đã thu hồi giấy chứng nhận %(c)s.") % {"c": code})
    except services.Refused as exc:
        _refused(request, exc)
    return redirect("training:detail", completion.course_id)


@login_required
def certificate_download(request, code: str):
    """The PDF: its holder, or an officer over the course."""
    completion = (
        Completion.objects.select_related("course__organizer", "course__unit", "person")
        .filter(code=code)
        .first()
    )
    person = selectors.person_of(request.user)
    if completion is None or not (
        (person is not None and completion.person_id == person.pk)
        or selectors.courses_for(request.user).filter(pk=completion.course_id).exists()
    ):
        raise Http404("certificate")
    try:
        data = certificate_pdf(completion)
    except PdfError as exc:
        messages.error(request, str(exc))
        return redirect("training:my")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="giay-chung-nhan-{code}.pdf"'
    return response


def _session_for(request, pk: int):
    from cdtt.training.models import Session

    session = (
        Session.objects.select_related("course")
        .filter(pk=pk, course__in=selectors.courses_for(request.user).values("pk"))
        .first()
    )
    if session is None:
        raise Http404("session")
    return session


@role_required(READ)
def session_detail(request, pk: int):
    """The session: its QR (shown during it) and the trainer's attendance list."""
    session = _session_for(request, pk)
    present = set(session.attendances.values_list("person_id", flat=True))
    people = [e.person for e in selectors.enrolments_of(session.course)]
    return render(
        request,
        "training/session.html",
        {
            "session": session,
            "course": session.course,
            "people": [(p, p.pk in present) for p in people],
            "present": len(present),
            "can_manage": selectors.can_manage(request.user, session.course),
            **_qr_context(session),
        },
    )


@role_required(MANAGE)
def session_edit(request, pk: int):
    session = _session_for(request, pk)
    if not selectors.can_manage(request.user, session.course):
        raise Http404("session")
    initial = {f: getattr(session, f) for f in ("starts_at", "ends_at", "place", "trainer")}
    form = forms.SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(actor=request.user, session=session, **form.cleaned_data)
        except services.Refused as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Đã lưu buổi học."))
            return redirect("training:detail", session.course_id)
    return render(request, "training/session_form.html", {"form": form, "session": session})


@require_POST
@role_required(MANAGE)
def session_delete(request, pk: int):
    session = _session_for(request, pk)
    course_id = session.course_id
    try:
        services.session_delete(actor=request.user, session=session)
        messages.success(request, _("Đã xóa buổi học."))
    except services.Refused as exc:
        _refused(request, exc)
    return redirect("training:detail", course_id)


def _qr_context(session) -> dict:
    if not checkins.session_open(session):
        return {"qr_open": False}
    token = checkins.checkin_token(session)
    payload = f"cdtt-checkin:{session.pk}:{token}"
    return {
        "qr_open": True,
        "token": token,
        "qr": qr_svg(payload),
        "rotate": checkins.ROTATE_SECONDS,
    }


@role_required(READ)
def session_qr(request, pk: int):
    """The QR alone (the page refreshes it every minute through htmx)."""
    session = _session_for(request, pk)
    return render(request, "training/_qr.html", {"session": session, **_qr_context(session)})


@require_POST
@role_required(MANAGE)
def session_mark(request, pk: int):
    session = _session_for(request, pk)
    person = get_object_or_404(Person, pk=request.POST.get("person", "0"))
    try:
        services.attendance_set(
            actor=request.user,
            session=session,
            person=person,
            present=request.POST.get("present") == "1",
        )
    except services.Refused as exc:
        _refused(request, exc)
    return redirect("training:session", session.pk)


@role_required(READ)
def topics(request):
    can_edit = roles.has_role(request.user, roles.MANAGE_CATALOG)
    form = forms.TopicForm(request.POST or None)
    if request.method == "POST" and can_edit and form.is_valid():
        services.topic_add(actor=request.user, name=form.cleaned_data["name"])
        messages.success(request, _("Đã thêm chủ đề."))
        return redirect("training:topics")
    from django.db.models import Count, Q

    items = Topic.objects.annotate(n=Count("questions", filter=Q(questions__active=True)))
    return render(
        request, "training/topics.html", {"topics": items, "form": form, "can_edit": can_edit}
    )


@require_POST
@role_required(roles.MANAGE_CATALOG)  # the topic catalog is the province's
def topic_edit(request, code: str):
    topic = get_object_or_404(Topic, code=code)
    form = forms.TopicEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy nhập tên chủ đề."))
        return redirect("training:topics")
    try:
        services.topic_update(actor=request.user, topic=topic, **form.cleaned_data)
        messages.success(request, _("Đã lưu chủ đề."))
    except services.Refused as exc:
        _refused(request, exc)
    return redirect("training:topics")


@require_POST
@role_required(MANAGE)
def question_retire(request, pk: int):
    from cdtt.training.models import Question

    question = get_object_or_404(Question.objects.select_related("topic"), pk=pk, active=True)
    try:
        services.question_retire(actor=request.user, question=question)
        messages.success(request, _("Đã bỏ câu hỏi khỏi ngân hàng."))
    except services.Refused as exc:
        _refused(request, exc)
    return redirect("training:topic", question.topic.code)


@role_required(READ)
def topic_questions(request, code: str):
    """A topic's question bank; officers who run courses add questions."""
    topic = get_object_or_404(Topic, code=code)
    can_edit = selectors.can_manage(request.user)
    form = forms.QuestionForm(request.POST or None)
    if request.method == "POST" and can_edit and form.is_valid():
        services.question_add(
            actor=request.user,
            topic=topic,
            text=form.cleaned_data["text"],
            kind=form.cleaned_data["kind"],
            choices=form.cleaned_data["parsed"],
        )
        messages.success(request, _("Đã thêm câu hỏi."))
        return redirect("training:topic", topic.code)
    questions = topic.questions.filter(active=True).prefetch_related("choices")
    return render(
        request,
        "training/topic.html",
        {"topic": topic, "questions": questions, "form": form, "can_edit": can_edit},
    )


# --- members ----------------------------------------------------------------------------------


@login_required
def my_courses(request, fragment: bool = False):
    """The member's courses, open courses and certificates (the fragment: on their profile)."""
    person = selectors.person_of(request.user)
    return render(
        request,
        "training/_my.html" if fragment else "training/my.html",
        {
            "person": person,
            "courses": selectors.member_courses(person).select_related("organizer"),
            "open_courses": selectors.open_courses_for(person),
            "completions": Completion.objects.filter(person=person).select_related("course")
            if person
            else [],
        },
    )


@login_required
def my_course(request, pk: int):
    person = selectors.person_of(request.user)
    course = Course.objects.select_related("organizer").filter(pk=pk).first()
    if course is None or person is None:
        raise Http404("course")
    enrolment = services.enrolment_of(course, person)
    if enrolment is None and course not in selectors.open_courses_for(person):
        raise Http404("course")
    attended = set(
        Attendance.objects.filter(person=person, session__course=course).values_list(
            "session_id", flat=True
        )
    )
    return render(
        request,
        "training/my_course.html",
        {
            "course": course,
            "enrolment": enrolment,
            "sessions": [(s, s.pk in attended) for s in course.sessions.all()],
            "completion": Completion.objects.filter(course=course, person=person).first(),
            "best": services.best_score(course, person),
            "questions": services.test_questions(course).count(),
        },
    )


@require_POST
@login_required
def my_enrol(request, pk: int):
    person = selectors.person_of(request.user)
    course = get_object_or_404(Course, pk=pk)
    if person is None:
        raise Http404("person")
    try:
        services.enrol(actor=request.user, course=course, person=person)
        messages.success(request, _("Đã đăng ký khóa tập huấn."))
    except services.Refused as exc:
        _refused(request, exc)
    return redirect("training:my_course", course.pk)


@login_required
def my_test(request, pk: int):
    person = selectors.person_of(request.user)
    course = selectors.access_member_course(request.user, pk)
    questions = list(services.test_questions(course))
    if request.method == "POST":
        answers = {str(q.pk): request.POST.getlist(f"q{q.pk}") for q in questions}
        try:
            attempt = services.test_submit(
                actor=request.user,
                course=course,
                person=person,
                answers={k: v for k, v in answers.items() if v},
            )
        except services.Refused as exc:
            _refused(request, exc)
        else:
            if attempt.passed:
                messages.success(
                    request, _("Bạn đạt %(s)d%%: đã qua bài kiểm tra.") % {"s": attempt.score}
                )
            else:
                messages.error(
                    request,
                    _("Bạn đạt %(s)d%%, chưa đủ điểm đạt %(p)d%%; hãy làm lại.")
                    % {"s": attempt.score, "p": course.pass_mark},
                )
        return redirect("training:my_course", course.pk)
    return render(request, "training/test.html", {"course": course, "questions": questions})


@public
def verify(request, code: str):
    """Anyone checks a certificate: holder's name masked; a revoked one says so plainly."""
    completion = (
        Completion.objects.select_related("course__organizer", "person")
        .filter(code=code.strip().upper())
        .first()
    )
    if completion is None:
        return render(request, "training/verify.html", {"code": code, "answer": None}, status=404)
    return render(
        request,
        "training/verify.html",
        {"code": code, "answer": public_answer(completion), "completion": completion},
    )
