from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "thidua.reports"
    label = "reports"

    def ready(self) -> None:
        from thidua.reports import docx

        docx.register("review", "thidua.reports.documents.KIND")
