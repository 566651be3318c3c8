"""Forms of the training pages (dates dd/mm/yyyy; times HH:MM)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cdtt.training.models import Mode, OpenTo, QuestionKind, Topic

DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y"]


def _when(label):
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(
            format="%d/%m/%Y %H:%M", attrs={"placeholder": "dd/mm/yyyy hh:mm"}
        ),
    )


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Tên khóa tập huấn"), max_length=200)
    topics = forms.ModelMultipleChoiceField(
        label=_("Chủ đề"),
        queryset=Topic.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    organizer = forms.ModelChoiceField(label=_("Đơn vị tổ chức"), queryset=None)
    mode = forms.ChoiceField(label=_("Hình thức"), choices=Mode.choices)
    capacity = forms.IntegerField(
        label=_("Số chỗ (để trống: không giới hạn)"), required=False, min_value=1
    )
    open_to = forms.ChoiceField(label=_("Ai được đăng ký"), choices=OpenTo.choices)
    eligible_units = forms.ModelMultipleChoiceField(
        label=_("Các địa bàn (khi chọn theo địa bàn)"), queryset=None, required=False
    )
    eligible_teams = forms.ModelMultipleChoiceField(
        label=_("Các tổ (khi chọn theo tổ)"), queryset=None, required=False
    )
    attendance_min = forms.IntegerField(
        label=_("Tỉ lệ buổi học tối thiểu (%)"), initial=80, min_value=0, max_value=100
    )
    test_required = forms.BooleanField(
        label=_("Phải đạt bài kiểm tra cuối khóa"), required=False, initial=True
    )
    pass_mark = forms.IntegerField(label=_("Điểm đạt (%)"), initial=70, min_value=0, max_value=100)
    test_deadline = forms.DateTimeField(
        label=_("Hạn nộp bài kiểm tra (dd/mm/yyyy hh:mm)"),
        input_formats=DATETIME_FORMATS,
        required=False,
    )

    def __init__(self, *args, organizations, units, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer"].queryset = organizations
        self.fields["eligible_units"].queryset = units
        self.fields["eligible_teams"].queryset = teams


class SessionForm(forms.Form):
    starts_at = _when(_("Bắt đầu (dd/mm/yyyy hh:mm)"))
    ends_at = _when(_("Kết thúc (dd/mm/yyyy hh:mm)"))
    place = forms.CharField(label=_("Địa điểm hoặc đường dẫn"), max_length=300, required=False)
    trainer = forms.CharField(label=_("Giảng viên"), max_length=120, required=False)


class InviteForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=_("Mời thành viên của các địa bàn"), queryset=None, required=False
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Mời thành viên của các tổ"), queryset=None, required=False
    )

    def __init__(self, *args, units, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units
        self.fields["teams"].queryset = teams


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Câu hỏi"), widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(label=_("Loại"), choices=QuestionKind.choices)
    choices = forms.CharField(
        label=_("Các phương án, mỗi dòng một phương án; đánh dấu * ở đầu phương án đúng"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        data = super().clean()
        lines = [line.strip() for line in data.get("choices", "").splitlines() if line.strip()]
        parsed = [(line.lstrip("*").strip(), line.startswith("*")) for line in lines]
        right = sum(1 for _t, ok in parsed if ok)
        if len(parsed) < 2:
            raise forms.ValidationError(_("Cần ít nhất hai phương án."))
        if right == 0:
            raise forms.ValidationError(_("Hãy đánh dấu * ở ít nhất một phương án đúng."))
        if data.get("kind") == QuestionKind.SINGLE and right != 1:
            raise forms.ValidationError(_("Câu hỏi một đáp án phải có đúng một phương án đúng."))
        data["parsed"] = parsed
        return data


class TopicForm(forms.Form):
    name = forms.CharField(label=_("Tên chủ đề"), max_length=200)


class TopicEditForm(forms.Form):
    name = forms.CharField(label=_("Tên chủ đề"), max_length=200)
    active = forms.BooleanField(label=_("Đang dùng"), required=False)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Lý do thu hồi"), max_length=300)
