from django.apps import AppConfig


class RecordingConfig(AppConfig):
    name = "joinedup.recording"
    verbose_name = "Recording"
