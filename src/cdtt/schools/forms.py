"""Forms of the school pages: they validate input; the services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cdtt.schools.models import SchoolLevel


class SchoolForm(forms.Form):
    name = forms.CharField(label=_("Tên trường"), max_length=200)
    code = forms.CharField(label=_("Mã trường"), max_length=20)
    level = forms.ChoiceField(label=_("Cấp học"), choices=SchoolLevel.choices)
    commune = forms.CharField(label=_("Mã xã"), max_length=32)


class TeacherForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=120)
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    password = forms.CharField(label=_("Mật khẩu"), widget=forms.PasswordInput)


class ClassForm(forms.Form):
    name = forms.CharField(label=_("Lớp"), max_length=20, help_text=_("Ví dụ 6A, 10A1"))
    school_year = forms.CharField(label=_("Năm học"), max_length=9, initial="2025-2026")


class LessonForm(forms.Form):
    skill = forms.ChoiceField(label=_("Kỹ năng"))
    title = forms.CharField(label=_("Nội dung"), max_length=200)
    planned_on = forms.DateField(label=_("Ngày dự kiến"), initial=timezone.localdate)

    def __init__(self, *args, skills=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [(s.code, s.name) for s in skills]


class HouseholdCodeForm(forms.Form):
    household_code = forms.CharField(label=_("Mã hộ"), max_length=40)
