from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "joinedup.people"
    verbose_name = "People"
