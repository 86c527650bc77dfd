from django.apps import AppConfig


class EpisodesConfig(AppConfig):
    name = "joinedup.episodes"
    verbose_name = "Team around the family"
