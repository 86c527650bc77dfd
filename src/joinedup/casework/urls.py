from django.urls import path

from joinedup.casework import views, views_assessment, views_chronology, views_team

app_name = "casework"

urlpatterns = [
    path("requests/", views.my_requests, name="my-requests"),
    path("requests/new/", views.request_new, name="request-new"),
    path("requests/<int:pk>/call-now/", views.request_call_now, name="request-call-now"),
    path("requests/<int:pk>/people/", views.request_people, name="request-people"),
    path("requests/<int:pk>/details/", views.request_details, name="request-details"),
    path("requests/<int:pk>/check/", views.request_check, name="request-check"),
    path("requests/<int:pk>/sent/", views.request_sent, name="request-sent"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("front-door/", views.front_door, name="front-door"),
    path("front-door/timeliness/", views.timeliness, name="timeliness"),
]

urlpatterns += [
    path("my-work/", views_team.my_work, name="my-work"),
    path("people/<int:person_id>/episodes/new/", views_team.episode_start, name="episode-start"),
    path("episodes/<int:pk>/", views_team.episode_detail, name="episode"),
    path("episodes/<int:pk>/team/add/", views_team.member_add, name="member-add"),
    path("episodes/<int:pk>/lead/", views_team.hand_over, name="hand-over"),
    path("episodes/<int:pk>/outcomes/add/", views_team.outcome_add, name="outcome-add"),
    path("episodes/<int:pk>/actions/add/", views_team.action_add, name="action-add"),
    path(
        "episodes/<int:pk>/actions/<int:action_pk>/", views_team.action_update, name="action-update"
    ),
    path("episodes/<int:pk>/meetings/add/", views_team.meeting_add, name="meeting-add"),
    path("episodes/<int:pk>/decisions/add/", views_team.decision_add, name="decision-add"),
    path(
        "episodes/<int:pk>/decisions/<int:decision_pk>/disagree/",
        views_team.disagreement_add,
        name="disagreement-add",
    ),
    path(
        "episodes/<int:pk>/disagreements/<int:d_pk>/escalate/",
        views_team.disagreement_escalate,
        name="disagreement-escalate",
    ),
    path(
        "episodes/<int:pk>/disagreements/<int:d_pk>/resolve/",
        views_team.disagreement_resolve,
        name="disagreement-resolve",
    ),
    path("episodes/<int:pk>/incidents/add/", views_team.incident_add, name="incident-add"),
    path(
        "episodes/<int:pk>/incidents/<int:incident_pk>/acknowledge/",
        views_team.incident_acknowledge,
        name="incident-acknowledge",
    ),
    path("episodes/<int:pk>/step-up/", views_team.step_up, name="step-up"),
    path("episodes/<int:pk>/step-down/", views_team.step_down, name="step-down"),
    path("episodes/<int:pk>/close/", views_team.close, name="close"),
    path(
        "episodes/<int:pk>/feedback/",
        views_team.closure_feedback_add,
        name="closure-feedback-add",
    ),
    path("episodes/<int:pk>/plan/versions/", views_team.plan_versions, name="plan-versions"),
]

urlpatterns += [
    path("episodes/<int:pk>/chronology/", views_chronology.chronology_page, name="chronology"),
    path(
        "episodes/<int:pk>/chronology.csv",
        views_chronology.chronology_export,
        name="chronology-csv",
    ),
    path(
        "episodes/<int:pk>/chronology/alerts/<int:alert_pk>/acknowledge/",
        views_chronology.alert_acknowledge,
        name="pattern-alert-acknowledge",
    ),
    path(
        "people/<int:pk>/chronology/new/",
        views_chronology.entry_new,
        name="chronology-entry-new",
    ),
]

urlpatterns += [
    path("episodes/<int:pk>/assessments/", views_assessment.assessment_list, name="assessments"),
    path(
        "episodes/<int:pk>/assessments/start/",
        views_assessment.assessment_start,
        name="assessment-start",
    ),
    path(
        "episodes/<int:pk>/assessments/<int:a_pk>/",
        views_assessment.assessment_detail,
        name="assessment",
    ),
    path(
        "episodes/<int:pk>/assessments/<int:a_pk>/steps/<slug:step>/",
        views_assessment.assessment_step,
        name="assessment-step",
    ),
    path(
        "episodes/<int:pk>/assessments/<int:a_pk>/complete/",
        views_assessment.assessment_complete,
        name="assessment-complete",
    ),
    path(
        "episodes/<int:pk>/assessments/<int:a_pk>/share/",
        views_assessment.assessment_share,
        name="assessment-share",
    ),
]
