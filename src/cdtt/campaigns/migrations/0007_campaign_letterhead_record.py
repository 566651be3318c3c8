"""Each campaign's letterhead columns become a letterhead record (documents.Letterhead), one per
distinct letterhead, under the province of the campaign's area; the campaign points to it. The
columns are dropped by the next migration (on PostgreSQL a table cannot be altered in the
transaction that wrote rows checked by a deferred foreign key)."""

import django.db.models.deletion
from django.db import migrations, models


REPORT_FIELDS = (
    "issuing_body",
    "symbol",
    "signer_authority",
    "signer_title",
    "signer_name",
    "recipients",
)


def _province(AdminUnit, campaign):
    unit = campaign.scope_units.order_by("path").first()
    if unit is None:
        return AdminUnit.objects.filter(level="province").order_by("path").first()
    return unit if unit.province_id is None else AdminUnit.objects.get(pk=unit.province_id)


def _fold(name):
    return " ".join(name.upper().replace("ỦY BAN NHÂN DÂN", "UBND").split())


def letterheads_from_columns(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    Letterhead = apps.get_model("documents", "Letterhead")
    AdminUnit = apps.get_model("geo", "AdminUnit")
    made, names = {}, set(Letterhead.objects.values_list("name", flat=True))
    for campaign in Campaign.objects.order_by("pk"):
        province = _province(AdminUnit, campaign)
        if province is None:
            continue
        governing = f"UBND {province.unit_type} {province.name}".replace("  ", " ")
        if _fold(governing) == _fold(campaign.report_issuing_body):
            governing = ""  # the People's Committee issues the report itself
        fields = {
            "unit_id": province.pk,
            "governing_body": governing,
            "issuing_body": campaign.report_issuing_body,
            "symbol": campaign.report_symbol,
            "place": province.name,
            "signer_authority": campaign.report_signer_authority,
            "signer_title": campaign.report_signer_title,
            "signer_name": campaign.report_signer_name,
            "recipients": campaign.report_recipients,
        }
        key = tuple(sorted(fields.items()))
        if key not in made:
            base = f"{campaign.report_issuing_body} ({campaign.report_symbol})"
            name, n = base, 1
            while name in names:
                n += 1
                name = f"{base} - {n}"
            names.add(name)
            made[key] = Letterhead.objects.create(name=name, **fields)
        campaign.letterhead = made[key]
        campaign.save(update_fields=["letterhead"])


def columns_from_letterheads(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    for campaign in Campaign.objects.exclude(letterhead=None).select_related("letterhead"):
        head = campaign.letterhead
        campaign.report_issuing_body = head.issuing_body
        campaign.report_symbol = head.symbol
        campaign.report_signer_authority = head.signer_authority
        campaign.report_signer_title = head.signer_title
        campaign.report_signer_name = head.signer_name
        campaign.report_recipients = head.recipients
        # Only the columns: on PostgreSQL a pending foreign-key check would block the removal
        # of the letterhead column that follows in the same transaction.
        campaign.save(update_fields=[f"report_{name}" for name in REPORT_FIELDS])


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0006_visit_units_located'),
        ('documents', '0001_letterhead'),
    ]

    operations = [
        migrations.AddField(
            model_name='campaign',
            name='letterhead',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='campaigns', to='documents.letterhead', verbose_name='mẫu phần đầu văn bản'),
        ),
        migrations.RunPython(letterheads_from_columns, columns_from_letterheads),
    ]
