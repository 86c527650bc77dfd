from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "joinedup.sharing"
    verbose_name = "Sharing and audit"

    def ready(self) -> None:
        from joinedup.core import lookups

        lookups.register()
