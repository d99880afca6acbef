"""Reminder-related pages under /milepeler/ (namespace «evaluations»)."""

from django.urls import path

from evaluations import views_calendar

urlpatterns = [
    path("kalender/", views_calendar.CalendarSettingsView.as_view(), name="calendar-settings"),
    path(
        "kalender/ny-lenke/",
        views_calendar.CalendarCreateView.as_view(),
        name="calendar-create",
    ),
    path(
        "kalender/slett-lenke/",
        views_calendar.CalendarRevokeView.as_view(),
        name="calendar-revoke",
    ),
]
