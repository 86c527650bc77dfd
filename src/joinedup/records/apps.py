from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "joinedup.records"
    verbose_name = "Records management"
