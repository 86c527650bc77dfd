from django.apps import AppConfig


class FamilyConfig(AppConfig):
    name = "joinedup.family"
    verbose_name = "The family's own pages"
