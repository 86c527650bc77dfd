from django.urls import path

from joinedup.recording import views

app_name = "recording"

urlpatterns = [
    path("people/<int:person_id>/record/", views.person_record, name="person-record"),
    path("people/<int:person_id>/record/notes/add/", views.note_add, name="person-note-add"),
    path(
        "people/<int:person_id>/record/documents/add/",
        views.document_upload,
        name="person-document-upload",
    ),
    path("episodes/<int:pk>/record/", views.episode_record, name="episode-record"),
    path("episodes/<int:pk>/record/notes/add/", views.note_add, name="episode-note-add"),
    path(
        "episodes/<int:pk>/record/documents/add/",
        views.document_upload,
        name="episode-document-upload",
    ),
    path("episodes/<int:pk>/invitations/new/", views.invitation_new, name="invitation-new"),
    path("notes/<int:pk>/correct/", views.note_edit, name="note-edit"),
    path("documents/<int:pk>/download/", views.document_download, name="document-download"),
    path("family/documents/", views.family_documents, name="family-documents"),
    path("invitations/<int:pk>/", views.invitation_detail, name="invitation"),
    path("invitations/<int:pk>/change/", views.invitation_change, name="invitation-change"),
    path("invitations/<int:pk>/cancel/", views.invitation_cancel, name="invitation-cancel"),
    path("invitations/<int:pk>/attendance/", views.attendance, name="invitation-attendance"),
]
