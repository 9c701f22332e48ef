from django.apps import AppConfig


class CovenantsConfig(AppConfig):
    name = "thidua.covenants"
    label = "covenants"
