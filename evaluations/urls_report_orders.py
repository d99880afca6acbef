"""PDF status reports under /milepeler/ (namespace «evaluations»)."""

urlpatterns = []
