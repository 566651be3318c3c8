"""Forms of the model pages (dates dd/mm/yyyy)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cdtt.geo.access import units_for
from cdtt.geo.models import Level
from cdtt.practices.models import Rating
from cdtt.skills.models import Skill
from cdtt.teams.selectors import teams_for

DATE_FORMATS = ["%d/%m/%Y"]


def date_field(label, required=True):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiFileField(forms.FileField):
    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def place_choices(user):
    """The units a user may place a model in: the levels just below their scope's (a commune
    officer: the commune and its villages; a district: its communes and villages; the province:
    its districts and communes)."""
    unit = user.scope_unit
    levels = {
        Level.PROVINCE: (Level.DISTRICT, Level.COMMUNE),
        Level.DISTRICT: (Level.COMMUNE, Level.VILLAGE),
    }.get(unit.level, (Level.COMMUNE, Level.VILLAGE))
    return units_for(user).filter(level__in=levels, valid_to__isnull=True).order_by("path")


class InitiativeForm(forms.Form):
    title = forms.CharField(label=_("Tên mô hình"), max_length=200)
    summary = forms.CharField(
        label=_("Tóm tắt (một đến hai câu)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description = forms.CharField(
        label=_("Mô hình làm gì, làm thế nào"), widget=forms.Textarea(attrs={"rows": 6})
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Thôn, địa bàn triển khai"),
        queryset=None,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Kỹ năng mô hình hướng tới"),
        queryset=Skill.objects.filter(active=True),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    leader_name = forms.CharField(label=_("Người, đơn vị chủ trì"), max_length=200)
    lead_team = forms.ModelChoiceField(
        label=_("Tổ CNSCĐ chủ trì (nếu có)"), queryset=None, required=False
    )
    started_on = date_field(_("Ngày bắt đầu"))
    files = MultiFileField(
        label=_("Ảnh và tài liệu (PDF, Word, Excel, JPG, PNG)"),
        required=False,
        widget=MultiFileInput(),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = place_choices(user)
        self.fields["lead_team"].queryset = teams_for(user).filter(dissolved_on__isnull=True)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Quyết định"),
        choices=[
            ("approve", _("Duyệt")),
            ("return", _("Trả lại để bổ sung")),
            ("reject", _("Không duyệt")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class EvaluationForm(forms.Form):
    period_start = date_field(_("Từ ngày"))
    period_end = date_field(_("Đến ngày"))
    reported = forms.CharField(
        label=_("Kết quả đơn vị báo cáo"), widget=forms.Textarea(attrs={"rows": 3})
    )
    rating = forms.ChoiceField(label=_("Đánh giá"), choices=Rating.choices)
    comment = forms.CharField(
        label=_("Nhận xét"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class UploadForm(forms.Form):
    files = MultiFileField(label=_("Thêm ảnh, tài liệu"), widget=MultiFileInput())
