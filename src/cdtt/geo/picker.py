"""The unit picker: a code field with a name search beside it, for any form that places
something in an administrative unit.

Each kind of picker says which levels it offers and who may use it; the apps that own the
forms register their kinds from their ``AppConfig.ready`` (``picker_kind_register``), so that
this floor names none of them. The search answers through ``unit_picker`` (geo views).
"""

from dataclasses import dataclass

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cdtt.geo.models import AdminUnit, Level
from cdtt.geo.selectors import unit_by_code
from cdtt.lib.text import clean, fold


@dataclass(frozen=True)
class PickerKind:
    levels: tuple[str, ...]  # the levels of unit the picker offers
    roles: frozenset[str]  # the roles that may search with it


_kinds: dict[str, PickerKind] = {}


def picker_kind_register(kind: str, *, levels, roles) -> None:
    _kinds[kind] = PickerKind(tuple(levels), frozenset(roles))


def picker_kind(kind: str) -> PickerKind | None:
    return _kinds.get(kind)


def picker_units(units, kind: str):
    """The units a picker of this kind offers, out of ``units`` (the user's scope)."""
    return units.filter(level__in=_kinds[kind].levels, valid_to__isnull=True)


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

    template_name = "geo/widgets/unit_picker.html"

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
                "search_url": f"{reverse('geo:unit_picker')}?for={self.kind}&field={name}",
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
