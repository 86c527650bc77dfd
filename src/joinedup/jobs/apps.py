from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "joinedup.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
