from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "thidua.web"
    label = "web"
