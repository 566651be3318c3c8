"""The move of the current levels from their own table to the resident row keeps every level."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("registry", "0002_fact_tables_without_db_foreign_keys_and_unused_indexes"),
    ("skills", "0003_assessments_levels_without_db_foreign_keys_and_unused_indexes"),
]
AFTER = [
    ("registry", "0003_resident_levels_columns_population_imports"),
    ("skills", "0004_resident_levels_move_to_resident"),
]


def _migrate_to_latest() -> None:
    """Every app back at its newest migration, as the rest of the suite expects (not at the
    step the test stopped at: later migrations would be missing for the tests after it)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_levels_are_copied_to_the_resident_row():
    old = _migrate(BEFORE)
    try:
        unit = old.get_model("geo", "AdminUnit")
        skill = old.get_model("skills", "Skill")
        level = old.get_model("skills", "ResidentSkill")
        household_model = old.get_model("registry", "Household")
        resident_model = old.get_model("registry", "Resident")
        province = unit.objects.create(
            code="38", name="Thanh Hóa", level="province", structure="2024", path="/38/"
        )
        village = unit.objects.create(
            code="38-V",
            name="Yên Trung",
            level="village",
            structure="2024",
            parent=province,
            path="/38/38-V/",
        )
        household = household_model.objects.create(
            code="HK01", village=village, commune=village, province=province
        )

        def resident(name):
            return resident_model.objects.create(
                household=household,
                village=village,
                commune=village,
                province=province,
                full_name=name,
                name_key=name.lower(),
                birth_year=1990,
                birth_key="1990",
            )

        an, binh = resident("An"), resident("Bình")
        at = "2026-01-01T00:00:00Z"
        skills = {s.code: s for s in skill.objects.all()}
        level.objects.create(resident=an, skill=skills["payment"], level=2, assessed_at=at)
        level.objects.create(resident=an, skill=skills["safety"], level=1, assessed_at=at)
        level.objects.create(resident=binh, skill=skills["shopping"], level=2, assessed_at=at)
        new = _migrate(AFTER)
        rows = {
            r.full_name: (
                r.level_public_services,
                r.level_shopping,
                r.level_payment,
                r.level_safety,
                r.level_local_platform,
            )
            for r in new.get_model("registry", "Resident").objects.all()
        }
        assert rows == {"An": (0, 0, 2, 1, 0), "Bình": (0, 2, 0, 0, 0)}
    finally:
        _migrate_to_latest()
