from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "joinedup.demo"
    verbose_name = "Demo partnership"
