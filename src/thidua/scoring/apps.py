from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "thidua.scoring"
    label = "scoring"
    verbose_name = "Chấm điểm, xếp hạng"

    def ready(self) -> None:
        from thidua.reports import docx

        docx.register("scoring_minutes", "thidua.scoring.minutes.KIND")
