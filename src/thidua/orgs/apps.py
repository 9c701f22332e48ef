from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "thidua.orgs"
    label = "orgs"
