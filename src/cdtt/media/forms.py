"""Forms of the media log (dates dd/mm/yyyy)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cdtt.media.models import PostKind


class PostForm(forms.Form):
    outlet = forms.ModelChoiceField(label=_("Cơ quan báo chí"), queryset=None)
    title = forms.CharField(label=_("Tiêu đề"), max_length=300)
    published_on = forms.DateField(
        label=_("Ngày đăng, phát sóng (dd/mm/yyyy)"),
        input_formats=["%d/%m/%Y"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )
    kind = forms.ChoiceField(label=_("Loại tin bài"), choices=PostKind.choices)
    # Checked by the service (http or https only), so that the message is the same everywhere.
    link = forms.CharField(label=_("Đường dẫn (http:// hoặc https://)"), max_length=500)
    units = forms.ModelMultipleChoiceField(
        label=_("Địa bàn được nói đến"), queryset=None, required=False
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Tổ được nói đến"), queryset=None, required=False
    )
    skills = forms.MultipleChoiceField(
        label=_("Kỹ năng được giới thiệu"), required=False, widget=forms.CheckboxSelectMultiple
    )
    services = forms.MultipleChoiceField(
        label=_("Dịch vụ được hướng dẫn"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, outlets, units, teams, skills, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outlet"].queryset = outlets
        self.fields["units"].queryset = units
        self.fields["teams"].queryset = teams
        self.fields["skills"].choices = skills
        self.fields["services"].choices = services
