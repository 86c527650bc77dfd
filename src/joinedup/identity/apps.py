from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "joinedup.identity"
    verbose_name = "Identity across agencies"
