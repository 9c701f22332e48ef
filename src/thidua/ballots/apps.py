from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "thidua.ballots"
    label = "ballots"
    verbose_name = "Bỏ phiếu kín"

    def ready(self) -> None:
        from thidua.reports import docx

        docx.register("ballot_minutes", "thidua.ballots.minutes.KIND")
