from django.urls import path

from joinedup.protection import views

app_name = "protection"

urlpatterns = [
    path("child-protection/teams/", views.cp_teams, name="cp-teams"),
    path("child-protection/teams/new/", views.cp_team_new, name="cp-team-new"),
    path("child-protection/teams/<int:pk>/", views.cp_team_detail, name="cp-team"),
    path(
        "child-protection/teams/<int:pk>/members/<int:member_pk>/remove/",
        views.cp_team_member_remove,
        name="cp-team-member-remove",
    ),
    path("episodes/<int:pk>/child-protection/", views.case_open, name="case-open"),
    path("child-protection/<int:pk>/", views.case_detail, name="case"),
    path("child-protection/<int:pk>/lead/", views.hand_over, name="hand-over"),
    path("child-protection/<int:pk>/strategy/", views.strategy, name="strategy"),
    path("child-protection/<int:pk>/enquiry/", views.enquiry_start, name="enquiry-start"),
    path(
        "child-protection/<int:pk>/enquiry/outcome/",
        views.enquiry_complete,
        name="enquiry-complete",
    ),
    path(
        "child-protection/<int:pk>/conferences/<slug:kind>/",
        views.conference,
        name="conference",
    ),
    path(
        "child-protection/<int:pk>/assessments/new/",
        views.assessment_start,
        name="assessment-start",
    ),
    path(
        "child-protection/<int:pk>/assessments/<int:assessment_pk>/authorisation/",
        views.assessment_authorise,
        name="assessment-authorise",
    ),
    path("child-protection/<int:pk>/cin-plans/new/", views.cin_plan_start, name="cin-plan-start"),
    path("child-protection/<int:pk>/cin-plans/end/", views.cin_plan_end, name="cin-plan-end"),
    path("child-protection/<int:pk>/actions/new/", views.action_add, name="action-add"),
    path("child-protection/<int:pk>/core-group/", views.core_group, name="core-group"),
    path("child-protection/<int:pk>/step-down/", views.step_down, name="step-down"),
    path("child-protection/<int:pk>/network/", views.network_add, name="network-add"),
    path("child-protection/<int:pk>/fgdm/offer/", views.fgdm_offer, name="fgdm-offer"),
    path(
        "child-protection/<int:pk>/fgdm/answers/<int:response_pk>/",
        views.fgdm_response,
        name="fgdm-response",
    ),
    path("child-protection/<int:pk>/fgdm/meeting/", views.fgdm_meeting, name="fgdm-meeting"),
    path("child-protection/<int:pk>/fgdm/exemption/", views.fgdm_exemption, name="fgdm-exemption"),
    path("child-protection/<int:pk>/proceedings/", views.proceedings, name="proceedings"),
    path("child-protection/census/", views.census, name="census"),
    path("data-protection/duty-to-share/", views.duty_withheld, name="duty-withheld"),
]
