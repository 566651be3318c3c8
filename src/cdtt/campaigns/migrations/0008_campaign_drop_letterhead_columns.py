"""The letterhead columns of a campaign, moved to its letterhead record by 0007."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0007_campaign_letterhead_record'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='campaign',
            name='report_issuing_body',
        ),
        migrations.RemoveField(
            model_name='campaign',
            name='report_recipients',
        ),
        migrations.RemoveField(
            model_name='campaign',
            name='report_signer_authority',
        ),
        migrations.RemoveField(
            model_name='campaign',
            name='report_signer_name',
        ),
        migrations.RemoveField(
            model_name='campaign',
            name='report_signer_title',
        ),
        migrations.RemoveField(
            model_name='campaign',
            name='report_symbol',
        ),
    ]
