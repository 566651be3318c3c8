"""Forms of the honours pages (dates dd/mm/yyyy)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cdtt.honours.models import Action, RoundKind

DATE_FORMATS = ["%d/%m/%Y"]


def _day(label, required=True):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )


class RoundForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2020, max_value=2100)
    kind = forms.ChoiceField(label=_("Loại đợt"), choices=RoundKind.choices)
    title = forms.CharField(label=_("Tên đợt khen thưởng"), max_length=200)
    criteria = forms.CharField(label=_("Tiêu chí"), widget=forms.Textarea(attrs={"rows": 4}))
    award_form = forms.CharField(
        label=_("Hình thức khen thưởng"),
        max_length=160,
        initial="Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
    )
    quota_collectives = forms.IntegerField(
        label=_("Số tập thể tối đa (0: không giới hạn)"), min_value=0, initial=0
    )
    quota_individuals = forms.IntegerField(
        label=_("Số cá nhân tối đa (0: không giới hạn)"), min_value=0, initial=0
    )
    home_affairs = forms.ModelChoiceField(label=_("Cơ quan thẩm định (Sở Nội vụ)"), queryset=None)
    commune_deadline = _day(_("Hạn cấp xã (dd/mm/yyyy)"))
    district_deadline = _day(_("Hạn cấp huyện (dd/mm/yyyy)"))
    department_deadline = _day(_("Hạn Sở Khoa học và Công nghệ (dd/mm/yyyy)"))
    home_affairs_deadline = _day(_("Hạn Sở Nội vụ (dd/mm/yyyy)"))
    chairman_deadline = _day(_("Hạn Chủ tịch UBND tỉnh (dd/mm/yyyy)"))

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_affairs"].queryset = agencies


class NominationForm(forms.Form):
    subject = forms.ChoiceField(label=_("Tập thể hoặc cá nhân được đề nghị"))
    citation = forms.CharField(
        label=_("Thành tích tóm tắt"), widget=forms.Textarea(attrs={"rows": 5})
    )
    document = forms.FileField(label=_("Hồ sơ kèm theo (PDF, không bắt buộc)"), required=False)

    def __init__(self, *args, subjects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [("", _("— Chọn —")), *subjects]


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Ý kiến của cấp xét"),
        choices=[(a.value, a.label) for a in (Action.APPROVE, Action.RETURN, Action.REJECT)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Nhận xét (bắt buộc khi trả lại hoặc không đề nghị)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResubmitForm(forms.Form):
    citation = forms.CharField(
        label=_("Thành tích tóm tắt (đã bổ sung)"), widget=forms.Textarea(attrs={"rows": 5})
    )
    comment = forms.CharField(label=_("Giải trình"), required=False)
    document = forms.FileField(label=_("Hồ sơ bổ sung (PDF)"), required=False)


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Số quyết định"), max_length=60)
    signed_on = _day(_("Ngày ký (dd/mm/yyyy)"))
    signer = forms.CharField(label=_("Người ký"), max_length=120)


class PickForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Thành viên"), queryset=None)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class DialogueEditForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=120, required=False)
    birth_year = forms.IntegerField(label=_("Năm sinh"), required=False)
    gender = forms.ChoiceField(
        label=_("Giới tính"),
        required=False,
        choices=[("", "—"), ("M", _("Nam")), ("F", _("Nữ")), ("O", _("Khác"))],
    )
    role = forms.CharField(label=_("Vai trò trong tổ"), max_length=60, required=False)
    organization = forms.CharField(
        label=_("Cơ quan, đơn vị công tác"), max_length=200, required=False
    )
    contact = forms.CharField(label=_("Điện thoại, thư điện tử"), max_length=200, required=False)
    achievements = forms.CharField(
        label=_("Thành tích nổi bật (kèm số liệu)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    initiative = forms.CharField(
        label=_("Mô hình, sáng kiến"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    to_raise = forms.CharField(
        label=_("Nội dung muốn trao đổi tại buổi đối thoại"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
