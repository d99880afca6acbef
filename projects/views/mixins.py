from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from projects.models import Project


class VisibleProjectMixin:
    """The project from the URL, looked up among those the user may see (404 otherwise),
    then checked with `permission` (403 when seen but not allowed)."""

    permission = None
    project_kwarg = "pk"

    def dispatch(self, request, *args, **kwargs):
        self.project = get_object_or_404(
            Project.objects.visible_to(request.user).select_related("agreement__programme__owner"),
            pk=kwargs[self.project_kwarg],
        )
        if self.permission is not None and not self.permission(request.user, self.project):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(project=self.project, **kwargs)
