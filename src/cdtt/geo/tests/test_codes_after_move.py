"""After the move a code may name a closed 2024 unit and a 2025 one: lookups by code outside
geo take the unit in force, or the one of the structure or period asked for."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from cdtt.geo.models import AdminUnit, Level, Structure
from cdtt.geo.remap import remap_run
from cdtt.geo.selectors import unit_by_code
from cdtt.geo.services import units_load
from cdtt.geo.tests.test_remap import ROWS
from cdtt.registry.imports import population_import


@pytest.fixture
def moved(db):
    units_load(actor=None, province_code="38", structure="2024")
    assert population_import(actor=None, data=ROWS.encode()).ok
    province = AdminUnit.objects.get(code="38", level=Level.PROVINCE)
    remap_run(actor=None, province=province, accept_defaults=True)
    old = AdminUnit.objects.get(code="15271", structure=Structure.Y2024)
    new = AdminUnit.objects.get(code="15271", structure=Structure.Y2025)
    return old, new


def test_a_reused_code_names_the_2025_unit_now_and_the_2024_unit_for_a_past_period(moved):
    old, new = moved
    assert unit_by_code("15271") == new
    assert unit_by_code("15271", as_of=dt.date(2025, 6, 1)) == old
    assert unit_by_code("15271", as_of=dt.date(2025, 6, 30)) == old
    assert unit_by_code("15271", as_of=dt.date(2025, 7, 1)) == new
    assert unit_by_code("15271", structure="2024") == old
    assert unit_by_code("99999") is None


def test_the_public_portal_finds_the_commune_in_force(moved, client):
    _old, new = moved
    response = client.get(reverse("portal:find"), {"commune": "15271"})
    assert response.context["commune"] == new
    assert client.get(reverse("portal:place", args=["15271"])).context["unit"] == new


def test_the_users_command_scopes_to_the_unit_in_force(moved, monkeypatch):
    from cdtt.accounts.models import User

    _old, new = moved
    monkeypatch.setenv("CDTT_PASSWORD", "a-long-Passw0rd!")
    call_command("users", "add", "officer-15271", "--role", "commune_officer", "--unit", "15271")
    assert User.objects.get(username="officer-15271").scope_unit == new


def test_the_coverage_export_reads_either_structure(moved, tmp_path, capsys):
    old, new = moved
    out = tmp_path / "c.xlsx"
    call_command("export", "coverage", "--unit", "15271", "-o", str(out))
    assert new.full_name in capsys.readouterr().out
    call_command("export", "coverage", "--unit", "15271", "--structure", "2024", "-o", str(out))
    assert f"{out}: {old.full_name}" in capsys.readouterr().out


def test_an_organisation_of_a_closed_commune_is_not_seen_from_the_new_one(moved, make_user):
    from cdtt.organizations.models import Organization
    from cdtt.organizations.selectors import organizations_for

    old, new = moved
    Organization.objects.create(name="Hội cũ", kind="other", unit=old, name_key="hoi cu")
    here = Organization.objects.create(name="Hội mới", kind="other", unit=new, name_key="hoi moi")
    user = make_user("commune_officer", new)
    assert list(organizations_for(user)) == [here]
