from django.urls import path

from lists import views

urlpatterns = [
    path("lists/", views.list_index, name="list-index"),
    path("lists/new/", views.list_new, name="list-new"),
    path("lists/<uuid:pk>/", views.list_detail, name="list-detail"),
    path("lists/<uuid:pk>/progress/", views.list_progress, name="list-progress"),
    path("lists/<uuid:pk>/compare/", views.list_compare_view, name="list-compare"),
    path("lists/<uuid:pk>/entries/<int:entry_id>/decision/", views.entry_decision, name="list-entry-decision"),
    path("lists/<uuid:pk>/entries/<int:entry_id>/undo/", views.entry_undo_view, name="list-entry-undo"),
    path(
        "lists/<uuid:pk>/entries/<int:entry_id>/new-detainee/", views.entry_new_detainee, name="list-entry-new-detainee"
    ),
]
