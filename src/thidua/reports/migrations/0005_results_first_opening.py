"""Issue 18: the review paragraph opens with the results, not with who submitted.

The shipped opening template said "12/12 tỉnh thuộc Cụm đã gửi báo cáo số liệu" before any figure;
it now names the period only, and the coverage is said (rules: coverage) only when members are
missing. An opening an official has edited is left as it is.
"""

from django.db import migrations

OLD_VI = "Trong {period}, {reported}/{members} {noun} thuộc Cụm đã gửi báo cáo số liệu"
OLD_EN = "In {period}, {reported} of the cluster's {members} {noun} reported their figures"


def forward(apps, schema_editor):
    template = apps.get_model("reports", "NarrativeTemplate")
    template.objects.filter(kind="opening", cluster__isnull=True, text_vi=OLD_VI).update(
        text_vi="Trong {period}", text_en="In {period}"
    )


def backward(apps, schema_editor):
    template = apps.get_model("reports", "NarrativeTemplate")
    template.objects.filter(kind="opening", cluster__isnull=True, text_vi="Trong {period}").update(
        text_vi=OLD_VI, text_en=OLD_EN
    )


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_reviewpublication")]

    operations = [migrations.RunPython(forward, backward)]
