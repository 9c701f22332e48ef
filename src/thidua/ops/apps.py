from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "thidua.ops"
    label = "ops"
    verbose_name = "Vận hành"
