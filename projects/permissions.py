"""Object permissions for projects: one function per decision."""

from django.db.models import Q

from accounts.permissions import is_reader_role, leader_municipality_ids


def scope_projects(queryset, user):
    """Advisers see all; a leader his municipalities' projects and the other
    municipalities' non-draft projects in the same programmes; readers and partners
    every non-draft project under a non-draft agreement."""
    from agreements.models import Agreement
    from projects.models import Project

    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_adviser:
        return queryset
    published = ~Q(status=Project.Status.DRAFT) & ~Q(agreement__status=Agreement.Status.DRAFT)
    own_ids = leader_municipality_ids(user)
    if own_ids:
        own = Project.objects.filter(municipalities__in=own_ids)
        programmes = Agreement.objects.filter(municipalities__in=own_ids).values("programme")
        return queryset.filter(
            Q(pk__in=own.values("pk")) | (published & Q(agreement__programme__in=programmes))
        )
    if is_reader_role(user):
        return queryset.filter(published)
    return queryset.none()


def can_view_project(user, project) -> bool:
    from projects.models import Project

    return scope_projects(Project.objects.filter(pk=project.pk), user).exists()


def can_edit_project(user, project) -> bool:
    """County advisers edit all projects; project leaders those of their municipalities."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_adviser:
        return True
    own_ids = leader_municipality_ids(user)
    return bool(own_ids) and project.municipalities.filter(pk__in=own_ids).exists()
