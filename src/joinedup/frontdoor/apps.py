from django.apps import AppConfig


class FrontdoorConfig(AppConfig):
    name = "joinedup.frontdoor"
    verbose_name = "Requests for support and the front door"
