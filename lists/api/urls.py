from django.urls import path

from lists.api import views

urlpatterns = [
    path("lists/", views.ListCollectionView.as_view(), name="list-list"),
    path("lists/<uuid:pk>/", views.ListDetailView.as_view(), name="list-detail"),
    path("lists/<uuid:pk>/entries/", views.ListEntriesView.as_view(), name="list-entry-list"),
    path(
        "lists/<uuid:pk>/entries/<int:entry_id>/decision/",
        views.EntryDecisionView.as_view(),
        name="list-entry-decision",
    ),
    path(
        "lists/<uuid:pk>/entries/<int:entry_id>/new-detainee/",
        views.EntryDetaineeView.as_view(),
        name="list-entry-new-detainee",
    ),
    path("lists/<uuid:pk>/compare/", views.ListCompareView.as_view(), name="list-compare"),
]
