from django.urls import path

from joinedup.frontdoor import views

app_name = "frontdoor"

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
