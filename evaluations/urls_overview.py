"""Overview pages under /milepeler/ (namespace «evaluations»): overdue and stale work."""

from django.urls import path

from evaluations import views_overview

urlpatterns = [
    path("forfalte/", views_overview.OverdueView.as_view(), name="overdue"),
]
