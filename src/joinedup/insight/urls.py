from django.urls import path

from joinedup.insight import views

app_name = "insight"

urlpatterns = [
    path("partnership-health/", views.overview, name="overview"),
    path("partnership-health/rebuild/", views.rebuild, name="rebuild"),
    path("partnership-health/rebuilds/<int:pk>/", views.build_detail, name="build"),
    path("partnership-health/network/", views.network, name="network"),
    path("partnership-health/voice/", views.voice, name="voice"),
    path("partnership-health/continuum/", views.continuum, name="continuum"),
    path("partnership-health/surveys/", views.rounds, name="rounds"),
    path("partnership-health/surveys/new/", views.round_new, name="round-new"),
    path("partnership-health/surveys/instruments/", views.instruments, name="instruments"),
    path("partnership-health/surveys/<int:pk>/", views.round_detail, name="round"),
    path("partnership-health/surveys/<int:pk>/open/", views.round_open, name="round-open"),
    path("partnership-health/surveys/<int:pk>/close/", views.round_close, name="round-close"),
    path("partnership-health/surveys/<int:pk>/remind/", views.round_remind, name="round-remind"),
    path("partnership-health/prompts/", views.prompts, name="prompts"),
    path("partnership-health/prompts/<int:pk>/", views.prompt_detail, name="prompt"),
    path("partnership-health/export/<slug:what>.<slug:fmt>", views.export, name="export"),
    # Any practitioner: the partnership surveys open for answers.
    path("surveys/", views.surveys, name="surveys"),
    path("surveys/<slug:slug>/", views.answer, name="answer"),
]
