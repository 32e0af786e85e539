import os

from django.db import migrations, models

_NAME_CHARS = 255


def names_fill(apps, schema_editor):
    """The name of each file taken in so far, from its path (the hash was made of the same
    name; a path cut at 500 characters may have lost it, and such a file, if re-sent, is read
    again: its readings are known, so it only counts as duplicates)."""
    IngestFile = apps.get_model("monitoring", "IngestFile")
    batch = []
    for record in IngestFile.objects.only("pk", "path").iterator(chunk_size=2000):
        record.name = os.path.basename(record.path)[:_NAME_CHARS]
        batch.append(record)
        if len(batch) == 2000:
            IngestFile.objects.bulk_update(batch, ["name"])
            batch = []
    IngestFile.objects.bulk_update(batch, ["name"])


class Migration(migrations.Migration):
    """A file's key becomes (name, sha256): see IngestFile's docstring."""

    dependencies = [
        ('monitoring', '0005_series_stored_to'),
    ]

    operations = [
        migrations.AddField(
            model_name='ingestfile',
            name='name',
            field=models.CharField(default='', max_length=_NAME_CHARS, verbose_name='file name'),
            preserve_default=False,
        ),
        migrations.RunPython(names_fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='ingestfile',
            name='sha256',
            field=models.CharField(max_length=64),
        ),
        migrations.AddConstraint(
            model_name='ingestfile',
            constraint=models.UniqueConstraint(fields=('name', 'sha256'), name='ingest_file_key'),
        ),
    ]
