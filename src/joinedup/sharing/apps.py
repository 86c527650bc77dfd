from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "joinedup.sharing"
    verbose_name = "Sharing and audit"
