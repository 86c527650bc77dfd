from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "joinedup.protection"
    verbose_name = "Child protection"
