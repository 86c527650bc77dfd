from django.urls import path

from joinedup.partnership import views

app_name = "partnership"

urlpatterns = [
    path("staff/load/", views.staff_load, name="staff-load"),
]
