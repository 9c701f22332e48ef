from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "thidua.indicators"
    label = "indicators"
