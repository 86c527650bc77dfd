from django.urls import path

from joinedup.episodes import views

app_name = "episodes"

urlpatterns = [
    path("my-work/", views.my_work, name="my-work"),
    path("people/<int:person_id>/episodes/new/", views.episode_start, name="episode-start"),
    path("episodes/<int:pk>/", views.episode_detail, name="episode"),
    path("episodes/<int:pk>/team/add/", views.member_add, name="member-add"),
    path("episodes/<int:pk>/lead/", views.hand_over, name="hand-over"),
    path(
        "episodes/<int:pk>/lead/proposals/<int:proposal_pk>/",
        views.lead_proposal,
        name="lead-proposal",
    ),
    path("episodes/<int:pk>/outcomes/add/", views.outcome_add, name="outcome-add"),
    path("episodes/<int:pk>/actions/add/", views.action_add, name="action-add"),
    path("episodes/<int:pk>/actions/<int:action_pk>/", views.action_update, name="action-update"),
    path("episodes/<int:pk>/meetings/add/", views.meeting_add, name="meeting-add"),
    path("episodes/<int:pk>/decisions/add/", views.decision_add, name="decision-add"),
    path(
        "episodes/<int:pk>/decisions/<int:decision_pk>/disagree/",
        views.disagreement_add,
        name="disagreement-add",
    ),
    path(
        "episodes/<int:pk>/disagreements/<int:d_pk>/escalate/",
        views.disagreement_escalate,
        name="disagreement-escalate",
    ),
    path(
        "episodes/<int:pk>/disagreements/<int:d_pk>/resolve/",
        views.disagreement_resolve,
        name="disagreement-resolve",
    ),
    path("episodes/<int:pk>/incidents/add/", views.incident_add, name="incident-add"),
    path(
        "episodes/<int:pk>/incidents/<int:incident_pk>/acknowledge/",
        views.incident_acknowledge,
        name="incident-acknowledge",
    ),
    path("episodes/<int:pk>/step-up/", views.step_up, name="step-up"),
    path("episodes/<int:pk>/step-down/", views.step_down, name="step-down"),
    path("episodes/<int:pk>/close/", views.close, name="close"),
    path(
        "episodes/<int:pk>/feedback/",
        views.closure_feedback_add,
        name="closure-feedback-add",
    ),
    path("episodes/<int:pk>/plan/versions/", views.plan_versions, name="plan-versions"),
]
