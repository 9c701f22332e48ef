from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "thidua.ballots"
    label = "ballots"
    verbose_name = "Bỏ phiếu kín"
