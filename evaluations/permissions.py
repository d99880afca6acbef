"""Object permissions for milestones: a milestone is as visible as what it belongs to."""

from django.db.models import Q


def scope_milestones(queryset, user):
    from agreements.models import Agreement, Programme
    from projects.models import Project

    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(
        Q(programme__in=Programme.objects.visible_to(user).values("pk"))
        | Q(agreement__in=Agreement.objects.visible_to(user).values("pk"))
        | Q(project__in=Project.objects.visible_to(user).values("pk"))
    )
