from django.urls import path

from joinedup.identity import views

app_name = "identity"

urlpatterns = [
    path("records/upload/", views.upload, name="upload"),
    path("records/imports/<int:pk>/", views.import_detail, name="import"),
    path("identity/review/", views.review_queue, name="review"),
    path("identity/review/<int:pk>/", views.review_candidate, name="candidate"),
    path("identity/linkage/", views.linkage_start, name="linkage-start"),
    path("identity/linkage/<int:pk>/", views.linkage_detail, name="linkage"),
    path("identity/children/", views.children_list, name="children"),
    path("identity/children/<int:pk>/nhs-number/", views.child_nhs_number, name="child-nhs"),
]
