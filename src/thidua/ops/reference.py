"""The reference data every installation starts from, across the apps that own each part.

In ops, beside the domain apps: it loads into orgs, indicators, covenants, reports and awards,
so neither one of them nor the demo (a door) is its home.
"""

from __future__ import annotations

from thidua.awards.catalogue import load_catalogue as load_award_catalogue
from thidua.covenants.models import Movement
from thidua.indicators.catalogue import load_catalogue
from thidua.orgs.reference import load_departments, load_lineage, load_provinces, read_csv
from thidua.reports.loading import load_narrative_templates


def load_reference() -> None:
    """Provinces, the 2025 lineage, the provinces' departments, indicators, narrative
    templates, awards and movements; running it again changes nothing."""
    load_provinces()
    load_lineage()
    load_departments()
    load_catalogue(read_csv("indicators.csv"), read_csv("plausibility_rules.csv"))
    load_narrative_templates()
    load_award_catalogue()
    for row in read_csv("movements.csv"):
        Movement.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_en": row["name_en"],
                "launched_by": row["launched_by"],
                "legal_basis": row["legal_basis"],
            },
        )
