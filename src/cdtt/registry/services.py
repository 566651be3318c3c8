"""Writes to the registry: households, residents, their status, and yearly targets.

Every write that can move coverage runs inside ``household_change`` (cdtt.registry.rollups),
which keeps the village counters exact in the same transaction.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cdtt.audit.services import audit_record
from cdtt.geo.models import AdminUnit, Level
from cdtt.lib.phone import PhoneInvalid, phone_normalize
from cdtt.lib.text import clean, fold
from cdtt.registry.models import Gender, Household, Resident, ResidentStatus, Target
from cdtt.registry.rollups import household_change

MIN_BIRTH_YEAR = 1900


def resident_name_key(full_name: str) -> str:
    """Part of a resident's natural key: case- and diacritic-insensitive."""
    return fold(full_name)[:120]


def birth_key(birth_date: dt.date | None, birth_year: int) -> str:
    return birth_date.isoformat() if birth_date else str(birth_year)


def _located(village: AdminUnit) -> dict:
    ids = village.ancestor_ids()
    return {
        "village_id": village.pk,
        "commune_id": ids["commune_id"],
        "district_id": ids["district_id"],
        "province_id": ids["province_id"],
    }


def _check_village(village: AdminUnit) -> None:
    if village is None or village.level != Level.VILLAGE:
        raise ValidationError(_("Hộ gia đình phải thuộc một thôn, bản, tổ dân phố."))


def _check_birth(birth_date: dt.date | None, birth_year: int | None) -> int:
    if birth_date is not None:
        if birth_year and birth_year != birth_date.year:
            raise ValidationError(_("Năm sinh không khớp với ngày sinh."))
        birth_year = birth_date.year
    if not birth_year:
        raise ValidationError(_("Cần ngày sinh hoặc năm sinh."))
    this_year = timezone.localdate().year
    if not MIN_BIRTH_YEAR <= int(birth_year) <= this_year:
        raise ValidationError(
            _("Năm sinh phải từ %(a)d đến %(b)d.") % {"a": MIN_BIRTH_YEAR, "b": this_year}
        )
    if birth_date is not None and birth_date > timezone.localdate():
        raise ValidationError(_("Ngày sinh ở tương lai."))
    return int(birth_year)


def _check_gender(gender: str) -> str:
    gender = clean(gender)
    if gender and gender not in Gender.values:
        raise ValidationError(_("Giới tính không hợp lệ."))
    return gender


def _phone(phone: str) -> str:
    try:
        return phone_normalize(phone)
    except PhoneInvalid as exc:
        raise ValidationError(str(exc)) from None


@transaction.atomic
def household_create(*, actor, village: AdminUnit, code: str, address: str = "") -> Household:
    _check_village(village)
    code = clean(code)
    if not code:
        raise ValidationError(_("Mã hộ không được để trống."))
    if len(code) > 40:
        raise ValidationError(_("Mã hộ dài quá 40 ký tự."))
    if Household.objects.filter(commune_id=village.commune_id, code=code).exists():
        raise ValidationError(_("Xã đã có hộ mã “%(c)s”.") % {"c": code})
    # A household with no current resident counts nowhere yet: no counter moves.
    household = Household.objects.create(
        code=code, address=clean(address)[:250], **_located(village)
    )
    audit_record(
        actor=actor,
        action="household.create",
        obj=household,
        unit=village,
        summary=_("Thêm hộ %(c)s tại %(v)s") % {"c": code, "v": village.full_name},
    )
    return household


@transaction.atomic
def household_update(*, actor, household: Household, village: AdminUnit, address: str) -> Household:
    """Change a household's address or village; its residents move with it."""
    _check_village(village)
    address = clean(address)[:250]
    if (
        village.commune_id != household.commune_id
        and Household.objects.filter(commune_id=village.commune_id, code=household.code).exists()
    ):
        raise ValidationError(_("Xã mới đã có hộ mã “%(c)s”.") % {"c": household.code})
    before = {"village": household.village_id, "address": household.address}
    with household_change(household.pk):
        located = _located(village)
        Household.objects.filter(pk=household.pk).update(
            address=address, updated_at=timezone.now(), **located
        )
        Resident.objects.filter(household_id=household.pk).update(**located)
    household.refresh_from_db()
    audit_record(
        actor=actor,
        action="household.update",
        obj=household,
        unit=village,
        summary=_("Sửa hộ %(c)s") % {"c": household.code},
        changes={"before": before, "after": {"village": village.pk, "address": address}},
    )
    return household


def _resident_values(
    household: Household,
    full_name,
    birth_date,
    birth_year,
    gender,
    relation,
    phone,
    exclude_pk: int | None = None,
) -> dict:
    full_name = clean(full_name)
    if not full_name:
        raise ValidationError(_("Họ và tên không được để trống."))
    if len(full_name) > 120:
        raise ValidationError(_("Họ và tên dài quá 120 ký tự."))
    birth_year = _check_birth(birth_date, birth_year)
    values = {
        "full_name": full_name,
        "name_key": resident_name_key(full_name),
        "birth_date": birth_date,
        "birth_year": birth_year,
        "birth_key": birth_key(birth_date, birth_year),
        "gender": _check_gender(gender),
        "relation": clean(relation)[:40],
        "phone": _phone(phone),
    }
    clash = Resident.objects.filter(
        household_id=household.pk, name_key=values["name_key"], birth_key=values["birth_key"]
    )
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(_("Hộ đã có nhân khẩu cùng họ tên và ngày sinh."))
    return values


@transaction.atomic
def resident_create(
    *,
    actor,
    household: Household,
    full_name: str,
    birth_date: dt.date | None,
    birth_year: int | None,
    gender: str = "",
    relation: str = "",
    phone: str = "",
) -> Resident:
    with household_change(household.pk):
        household.refresh_from_db()
        values = _resident_values(
            household, full_name, birth_date, birth_year, gender, relation, phone
        )
        resident = Resident.objects.create(
            household=household,
            village_id=household.village_id,
            commune_id=household.commune_id,
            district_id=household.district_id,
            province_id=household.province_id,
            **values,
        )
    audit_record(
        actor=actor,
        action="resident.create",
        obj=resident,
        unit=household.village,
        summary=_("Thêm nhân khẩu %(n)s vào hộ %(c)s")
        % {"n": resident.full_name, "c": household.code},
    )
    return resident


@transaction.atomic
def resident_update(
    *,
    actor,
    resident: Resident,
    full_name: str,
    birth_date: dt.date | None,
    birth_year: int | None,
    gender: str,
    relation: str,
    phone: str,
) -> Resident:
    household = resident.household
    values = _resident_values(
        household,
        full_name,
        birth_date,
        birth_year,
        gender,
        relation,
        phone,
        exclude_pk=resident.pk,
    )
    before = {k: str(getattr(resident, k)) for k in values if k not in ("name_key", "birth_key")}
    # Identity fields do not move counters; no household lock needed.
    Resident.objects.filter(pk=resident.pk).update(updated_at=timezone.now(), **values)
    resident.refresh_from_db()
    after = {k: str(getattr(resident, k)) for k in before}
    audit_record(
        actor=actor,
        action="resident.update",
        obj=resident,
        unit=household.village,
        summary=_("Sửa nhân khẩu %(n)s") % {"n": resident.full_name},
        changes={
            "before": {k: v for k, v in before.items() if after[k] != v},
            "after": {k: v for k, v in after.items() if before[k] != v},
        },
    )
    return resident


@transaction.atomic
def resident_set_status(
    *, actor, resident: Resident, status: str, on: dt.date | None = None
) -> Resident:
    """Moved out / deceased leaves the counts (the record and its history stay); current re-enters."""
    if status not in ResidentStatus.values:
        raise ValidationError(_("Tình trạng cư trú không hợp lệ."))
    with household_change(resident.household_id):
        resident.refresh_from_db()
        before = resident.status
        if before == status:
            return resident
        resident.status = status
        resident.status_changed_on = on or timezone.localdate()
        Resident.objects.filter(pk=resident.pk).update(
            status=status, status_changed_on=resident.status_changed_on, updated_at=timezone.now()
        )
    audit_record(
        actor=actor,
        action="resident.status",
        obj=resident,
        unit=resident.village,
        summary=_("%(n)s: %(s)s") % {"n": resident.full_name, "s": ResidentStatus(status).label},
        changes={"before": before, "after": status},
    )
    return resident


@transaction.atomic
def target_set(*, actor, unit: AdminUnit, year: int, rate) -> Target:
    """A unit's coverage target (percent of households) for a year; setting it again replaces it."""
    try:
        rate = Decimal(str(rate)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Chỉ tiêu phải là một số phần trăm.")) from None
    if not Decimal(0) <= rate <= Decimal(100):
        raise ValidationError(_("Chỉ tiêu phải từ 0 đến 100%."))
    if not 2000 <= int(year) <= 2100:
        raise ValidationError(_("Năm không hợp lệ."))
    if unit.level == Level.VILLAGE:
        raise ValidationError(_("Chỉ tiêu đặt cho tỉnh, huyện hoặc xã."))
    target, _created = Target.objects.update_or_create(
        unit=unit,
        year=int(year),
        defaults={"rate": rate, "set_by": actor if getattr(actor, "pk", None) else None},
    )
    audit_record(
        actor=actor,
        action="target.set",
        obj=target,
        unit=unit,
        summary=_("Chỉ tiêu %(y)d của %(u)s: %(r)s%%")
        % {"y": int(year), "u": unit.full_name, "r": rate},
    )
    return target
