import datetime

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("education", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="article",
            options={"ordering": ["order", "title"]},
        ),
        # Placeholders for rows from before this migration, until `sync_education` (run by
        # `make run` and every deploy) rewrites them from files that must carry both fields.
        migrations.AddField(
            model_name="article",
            name="reviewed_by",
            field=models.CharField(default="", max_length=200),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="article",
            name="next_review",
            field=models.DateField(default=datetime.date(2026, 12, 1)),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="article",
            name="order",
            field=models.PositiveSmallIntegerField(default=100),
        ),
    ]
