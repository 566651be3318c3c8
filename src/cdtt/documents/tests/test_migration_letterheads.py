"""The move of the campaigns' letterhead columns to letterhead records: one record per distinct
letterhead under the campaign's province, every campaign pointing to its own; and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("campaigns", "0006_visit_units_located")]
AFTER = [("campaigns", "0008_campaign_drop_letterhead_columns")]


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


def _campaigns(apps, province):
    campaign_model = apps.get_model("campaigns", "Campaign")

    def make(name, **letterhead):
        c = campaign_model.objects.create(
            name=name, starts_on="2026-10-01", ends_on="2026-10-10", **letterhead
        )
        c.scope_units.set([province])
        return c

    return {
        "plain": make("Chiến dịch A"),
        "same": make("Chiến dịch B"),
        "office": make(
            "Chiến dịch C",
            report_issuing_body="Văn phòng UBND tỉnh",
            report_symbol="VPUBND",
            report_signer_name="Lê Thị Hoa",
            report_recipients="Thường trực Tỉnh ủy (để b/c);",
        ),
        "committee": make(
            "Chiến dịch D",
            report_issuing_body="ỦY BAN NHÂN DÂN TỈNH THANH HÓA",
            report_symbol="UBND",
            report_signer_authority="TM. ỦY BAN NHÂN DÂN",
            report_signer_title="CHỦ TỊCH",
        ),
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_letterhead_columns_become_deduplicated_records_and_come_back():
    old = _migrate(BEFORE)
    try:
        unit = old.get_model("geo", "AdminUnit")
        province = unit.objects.create(
            code="38",
            name="Thanh Hóa",
            unit_type="Tỉnh",
            level="province",
            structure="2024",
            path="/38/",
        )
        made = _campaigns(old, province)
        new = _migrate(AFTER)
        campaign_model = new.get_model("campaigns", "Campaign")
        letterheads = new.get_model("documents", "Letterhead").objects.order_by("pk")
        assert letterheads.count() == 3  # A and B share the Department's
        by_name = {
            c.name: c.letterhead for c in campaign_model.objects.select_related("letterhead")
        }
        plain = by_name["Chiến dịch A"]
        assert by_name["Chiến dịch B"] == plain
        assert plain.name == "Sở Khoa học và Công nghệ (SKHCN)" and plain.unit_id == province.pk
        assert (plain.governing_body, plain.place) == ("UBND Tỉnh Thanh Hóa", "Thanh Hóa")
        assert (plain.signer_authority, plain.signer_title) == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
        assert plain.recipients.startswith("Bộ Khoa học và Công nghệ (để b/c);")
        office = by_name["Chiến dịch C"]
        assert (office.issuing_body, office.symbol) == ("Văn phòng UBND tỉnh", "VPUBND")
        assert office.signer_name == "Lê Thị Hoa"
        assert office.recipients == "Thường trực Tỉnh ủy (để b/c);"
        # The People's Committee issuing its own report has no governing body above it.
        committee = by_name["Chiến dịch D"]
        assert committee.governing_body == "" and committee.symbol == "UBND"
        columns = [
            c.name
            for c in connection.introspection.get_table_description(
                connection.cursor(), "campaigns_campaign"
            )
        ]
        assert not [c for c in columns if c.startswith("report_")]

        back = _migrate(BEFORE)
        rows = {
            c.name: (c.report_issuing_body, c.report_symbol, c.report_signer_name)
            for c in back.get_model("campaigns", "Campaign").objects.all()
        }
        assert rows["Chiến dịch C"] == ("Văn phòng UBND tỉnh", "VPUBND", "Lê Thị Hoa")
        assert rows["Chiến dịch A"] == ("Sở Khoa học và Công nghệ", "SKHCN", "")
        assert made["committee"].pk in {
            c.pk
            for c in back.get_model("campaigns", "Campaign").objects.filter(report_symbol="UBND")
        }
    finally:
        _migrate_to_latest()
