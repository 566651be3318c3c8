from django import forms
from django.utils.translation import gettext_lazy as _

from cdtt.geo.models import VILLAGE_TYPES


class VillageForm(forms.Form):
    unit_type = forms.ChoiceField(label=_("Loại"), choices=[(t, t) for t in VILLAGE_TYPES])
    name = forms.CharField(label=_("Tên"), max_length=120)
