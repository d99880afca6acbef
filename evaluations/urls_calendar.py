"""The private iCalendar feeds (namespace «calendar»), mounted at /kalender/."""

from django.urls import path

from evaluations import views_calendar

app_name = "calendar"

urlpatterns = [
    # token_urlsafe keys are letters, digits, «-» and «_»: exactly the slug converter.
    path("<slug:token>.ics", views_calendar.CalendarFeedView.as_view(), name="feed"),
]
