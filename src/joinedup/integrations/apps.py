from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "joinedup.integrations"
    label = "integrations"
    verbose_name = "API clients, webhooks and single sign-on"
