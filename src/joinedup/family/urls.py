from django.urls import path

from joinedup.family import views

app_name = "family"

urlpatterns = [
    # The family's own pages.
    path("family/", views.home, name="home"),
    path("family/episodes/<int:pk>/", views.plan, name="plan"),
    path("family/episodes/<int:pk>/team/", views.team, name="team"),
    path("family/episodes/<int:pk>/meetings/", views.meetings, name="meetings"),
    path("family/episodes/<int:pk>/have-your-say/", views.say, name="say"),
    path("family/episodes/<int:pk>/actions/<int:action_pk>/", views.progress, name="progress"),
    path("family/episodes/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("family/consent/", views.consent, name="consent"),
    path("family/consent/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("family/invitation/<str:token>/", views.activate, name="activate"),
    # The team's pages about the family's accounts and voice.
    path("episodes/<int:pk>/family-accounts/", views.accounts, name="accounts"),
    path("episodes/<int:pk>/family-accounts/invite/", views.invite, name="invite"),
    path(
        "episodes/<int:pk>/family-accounts/<int:account_pk>/stop/",
        views.revoke,
        name="revoke",
    ),
    path(
        "episodes/<int:pk>/family-accounts/withhold/<int:person_pk>/",
        views.withhold,
        name="withhold",
    ),
    path(
        "episodes/<int:pk>/family-accounts/withheld/<int:withholding_pk>/share-again/",
        views.share_again,
        name="share-again",
    ),
    path("episodes/<int:pk>/family-voice/", views.team_voice, name="team-voice"),
]
