"""Object permissions for projects: one function per decision."""

from django.db.models import Q

from accounts.permissions import adviser_programme_ids, is_reader_role, leader_municipality_ids


def scope_projects(queryset, user):
    """Advisers see every project of their programmes; a leader his municipalities'
    projects (drafts too) and the other municipalities' published projects in the same
    programmes; readers and partners the published projects of programmes they may see."""
    from agreements.models import Agreement, Programme
    from projects.models import Project

    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_adviser:
        ids = adviser_programme_ids(user)
        return queryset if ids is None else queryset.filter(agreement__programme__in=ids)
    published = ~Q(status=Project.Status.DRAFT) & ~Q(agreement__status=Agreement.Status.DRAFT)
    programmes = Programme.objects.visible_to(user).values("pk")
    own_ids = leader_municipality_ids(user)
    if own_ids:
        own = Project.objects.filter(municipalities__in=own_ids).values("pk")
        return queryset.filter(Q(pk__in=own) | (published & Q(agreement__programme__in=programmes)))
    if is_reader_role(user):
        return queryset.filter(published & Q(agreement__programme__in=programmes))
    return queryset.none()


def can_view_project(user, project) -> bool:
    from projects.models import Project

    return scope_projects(Project.objects.filter(pk=project.pk), user).exists()


def can_edit_project(user, project) -> bool:
    """County advisers edit the projects of their programmes; project leaders those of
    their municipalities, joint projects included."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_adviser:
        ids = adviser_programme_ids(user)
        return ids is None or project.agreement.programme_id in ids
    own_ids = leader_municipality_ids(user)
    return bool(own_ids) and project.municipalities.filter(pk__in=own_ids).exists()
