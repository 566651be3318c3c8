"""Forms of the teams pages: they parse input; the services decide what is allowed."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cdtt.geo.models import AdminUnit, Level
from cdtt.geo.selectors import unit_by_code
from cdtt.lib.text import clean, fold
from cdtt.organizations.models import OrganizationKind
from cdtt.skills.models import SKILL_CODES
from cdtt.teams.models import Gender, MemberRole

DATE_INPUT = ["%d/%m/%Y", "%Y-%m-%d"]
SKILL_CHOICES = [
    ("public_services", _("Dịch vụ công trực tuyến")),
    ("shopping", _("Mua sắm trực tuyến")),
    ("payment", _("Thanh toán trực tuyến")),
    ("safety", _("An toàn trên không gian mạng")),
    ("local_platform", _("Nền tảng số khác")),
]
assert [c for c, _label in SKILL_CHOICES] == SKILL_CODES


def _date(label, required=False):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT,
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}, format="%d/%m/%Y"),
    )


# What each picker may choose: a team sits in a commune or a village; an organisation in the
# province, a district or a commune.
PICKER_LEVELS = {
    "team": [Level.COMMUNE, Level.VILLAGE],
    "org": [Level.PROVINCE, Level.DISTRICT, Level.COMMUNE],
}


def picker_units(units, kind: str):
    """The units a picker of this kind offers, out of ``units`` (the user's scope)."""
    return units.filter(level__in=PICKER_LEVELS[kind], valid_to__isnull=True)


def unit_label(unit: AdminUnit) -> str:
    """'Thôn 1, Xã Quảng Định (Thôn)': a village's name alone is rarely unique."""
    name = unit.full_name
    if unit.level == Level.VILLAGE and unit.parent is not None:
        name = f"{name}, {unit.parent.full_name}"
    return f"{name} ({unit.get_level_display()})"


def resolve_unit(units, text: str) -> AdminUnit | None:
    """The unit of ``units`` with this code or, failing that, the one with this name; None if
    there is none; LookupError if several share the name."""
    text = clean(text)
    if not text:
        return None
    found = unit_by_code(text, units=units.select_related("parent"))
    if found is not None:
        return found
    by_name = list(units.filter(name_key=fold(text)).select_related("parent")[:2])
    if len(by_name) > 1:
        raise LookupError(text)
    return by_name[0] if by_name else None


class UnitPicker(forms.TextInput):
    """A code field with a name search beside it: typing in the search box asks the server
    (htmx) for a short list; picking one fills the code. Without JavaScript the code field
    alone still submits."""

    template_name = "teams/widgets/unit_picker.html"

    def __init__(self, kind: str = "team", units=None, attrs=None):
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})
        self.kind = kind
        self.units = units

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = None
        if value and self.units is not None:
            chosen = unit_by_code(clean(value), units=self.units.select_related("parent"))
        context["widget"].update(
            {
                "chosen": unit_label(chosen) if chosen else "",
                "search_url": f"{reverse('teams:unit_picker')}?for={self.kind}&field={name}",
            }
        )
        return context

    def value_from_datadict(self, data, files, name):
        # Without JavaScript a name typed in the search box and submitted still counts.
        return data.get(name) or data.get(f"{name}_q") or ""


class UnitField(forms.CharField):
    """A unit chosen by its code (or, failing that, by a name that matches exactly one unit),
    checked against the units the user may choose from; cleans to the AdminUnit."""

    def __init__(self, *, kind: str = "team", **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(widget=UnitPicker(kind=kind), **kwargs)
        self.kind = kind
        self.units = AdminUnit.objects.none()

    def set_units(self, units) -> None:
        self.units = units
        self.widget.units = units

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            found = resolve_unit(self.units, text)
        except LookupError:
            raise forms.ValidationError(
                _("Có nhiều đơn vị tên “%(c)s”; hãy chọn trong danh sách hoặc nhập mã."),
                code="unit_ambiguous",
                params={"c": text},
            ) from None
        if found is None:
            raise forms.ValidationError(
                _("Không có đơn vị “%(c)s” trong phạm vi bạn được chọn; hãy tìm theo tên và chọn."),
                code="unit",
                params={"c": text},
            )
        return found


class PersonFields(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=120)
    gender = forms.ChoiceField(
        label=_("Giới tính"), required=False, choices=[("", "—")] + list(Gender.choices)
    )
    birth_year = forms.IntegerField(label=_("Năm sinh"), required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=30, required=False)
    email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False)
    organization = forms.ModelChoiceField(
        label=_("Cơ quan, đơn vị cử"), queryset=None, required=False
    )
    position = forms.CharField(label=_("Chức vụ, công việc"), max_length=120, required=False)

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        from cdtt.organizations.models import Organization

        self.fields["organization"].queryset = (
            organizations if organizations is not None else Organization.objects.none()
        )


class TeamFoundForm(PersonFields):
    unit = UnitField(
        kind="team",
        label=_("Địa bàn của tổ"),
        help_text=_(
            "Gõ tên xã hoặc thôn (không dấu cũng được) rồi chọn, hoặc nhập mã. Chọn xã để thành "
            "lập tổ cấp xã, một thôn để thành lập tổ cấp thôn."
        ),
    )
    name = forms.CharField(
        label=_("Tên tổ"),
        max_length=200,
        required=False,
        help_text=_("Để trống: “Tổ CNSCĐ” + tên địa bàn."),
    )
    villages = forms.MultipleChoiceField(
        label=_("Các thôn tổ phụ trách"), required=False, widget=forms.CheckboxSelectMultiple
    )
    decision_number = forms.CharField(
        label=_("Số quyết định thành lập"), max_length=60, required=False
    )
    decision_date = _date(_("Ngày quyết định"))
    contact_phone = forms.CharField(
        label=_("Số điện thoại liên hệ của tổ"), max_length=30, required=False
    )
    publish_contact = forms.BooleanField(
        label=_("Công khai số liên hệ trên trang công khai"), required=False
    )

    field_order = [
        "unit",
        "name",
        "villages",
        "decision_number",
        "decision_date",
        "contact_phone",
        "publish_contact",
    ]

    def __init__(self, *args, units=None, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].set_units(units if units is not None else AdminUnit.objects.none())
        self.fields["villages"].choices = [(v.code, v.full_name) for v in villages]
        for name in PersonFields.base_fields:
            self.fields[name].label = _("Tổ trưởng: %(f)s") % {"f": self.fields[name].label}
        self.fields["full_name"].label = _("Họ và tên tổ trưởng")


class TeamEditForm(forms.Form):
    name = forms.CharField(label=_("Tên tổ"), max_length=200)
    villages = forms.MultipleChoiceField(
        label=_("Các thôn tổ phụ trách"), required=False, widget=forms.CheckboxSelectMultiple
    )
    decision_number = forms.CharField(
        label=_("Số quyết định thành lập"), max_length=60, required=False
    )
    decision_date = _date(_("Ngày quyết định"))
    contact_phone = forms.CharField(
        label=_("Số điện thoại liên hệ của tổ"), max_length=30, required=False
    )
    publish_contact = forms.BooleanField(
        label=_("Công khai số liên hệ trên trang công khai"), required=False
    )

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["villages"].choices = [(v.code, v.full_name) for v in villages]


class MemberAddForm(PersonFields):
    existing = forms.IntegerField(required=False, widget=forms.HiddenInput)
    role = forms.ChoiceField(
        label=_("Vai trò trong tổ"),
        choices=[
            (MemberRole.MEMBER, MemberRole.MEMBER.label),
            (MemberRole.DEPUTY, MemberRole.DEPUTY.label),
        ],
    )
    core_force = forms.BooleanField(label=_("Lực lượng nòng cốt (Đoàn Thanh niên)"), required=False)
    skills = forms.MultipleChoiceField(
        label=_("Kỹ năng có thể hướng dẫn"),
        required=False,
        choices=SKILL_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    joined_on = _date(_("Ngày tham gia"))


class MemberEditForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Vai trò trong tổ"),
        choices=[
            (MemberRole.MEMBER, MemberRole.MEMBER.label),
            (MemberRole.DEPUTY, MemberRole.DEPUTY.label),
        ],
    )
    core_force = forms.BooleanField(label=_("Lực lượng nòng cốt"), required=False)
    skills = forms.MultipleChoiceField(
        label=_("Kỹ năng có thể hướng dẫn"),
        required=False,
        choices=SKILL_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    joined_on = _date(_("Ngày tham gia"), required=True)


class PersonForm(PersonFields):
    trained_on = _date(_("Đã được tập huấn ngày"))


class ProfileForm(forms.Form):
    phone = forms.CharField(label=_("Số điện thoại"), max_length=30, required=False)
    email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False)


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Tên"), max_length=200)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=60, required=False)
    kind = forms.ChoiceField(label=_("Loại"), choices=OrganizationKind.choices)
    unit = UnitField(
        kind="org",
        label=_("Địa bàn"),
        help_text=_("Gõ tên tỉnh, huyện hoặc xã (không dấu cũng được) rồi chọn, hoặc nhập mã."),
    )
    parent = forms.ModelChoiceField(label=_("Trực thuộc"), queryset=None, required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=30, required=False)
    email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False)
    active = forms.BooleanField(label=_("Đang hoạt động"), required=False, initial=True)

    def __init__(self, *args, units=None, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].set_units(units if units is not None else AdminUnit.objects.none())
        self.fields["parent"].queryset = parents
