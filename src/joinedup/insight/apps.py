from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "joinedup.insight"
    verbose_name = "Partnership health"
