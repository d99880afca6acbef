"""Files: documents attached to projects, agreements and status reports; budget sheets."""

app_name = "files"

urlpatterns = []
