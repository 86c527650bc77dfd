from django.urls import path

from joinedup.people import views

app_name = "people"

urlpatterns = [
    path("people/<int:person_id>/family/add/", views.family_add, name="family-add"),
    path("relationships/<int:pk>/end/", views.relationship_end, name="relationship-end"),
    path("people/<int:person_id>/household/", views.household, name="household"),
    path("households/<int:pk>/moved-out/", views.household_leave, name="household-leave"),
]
