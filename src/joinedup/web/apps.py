from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "joinedup.web"
    verbose_name = "Web"
