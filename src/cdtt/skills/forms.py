"""Forms of the skill catalog pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SkillForm(forms.Form):
    name = forms.CharField(label=_("Tên kỹ năng"), max_length=160)
    description = forms.CharField(
        label=_("Mô tả ngắn"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    active = forms.BooleanField(
        label=_("Đang áp dụng (tính vào phổ cập 5 kỹ năng)"), required=False
    )


class ChecklistItemForm(forms.Form):
    text = forms.CharField(label=_("Việc quan sát được"), max_length=300)
    position = forms.IntegerField(label=_("Thứ tự"), required=False, min_value=0, max_value=999)
