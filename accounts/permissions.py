"""Who is who: the role checks every app's permissions build on, and who manages users."""

from django.db.models import Q

from accounts.models import Role


def user_is_active(user) -> bool:
    """Signed in with an account that is not deactivated."""
    return user.is_authenticated and user.is_active


def is_reader_role(user) -> bool:
    """Committee readers and partners read what is no longer a draft."""
    return user.has_role(Role.COMMITTEE_READER) or user.has_role(Role.PARTNER)


def leader_municipality_ids(user) -> list[int]:
    if not hasattr(user, "_leader_municipality_ids"):
        user.load_access()
    return user._leader_municipality_ids


def adviser_programme_ids(user) -> list[int] | None:
    """The programmes an adviser follows; None means all (superusers)."""
    if user.is_superuser:
        return None
    if not hasattr(user, "_adviser_programme_ids"):
        user.load_access()
    return user._adviser_programme_ids


def follows_programme(user, programme_id: int) -> bool:
    """An active county adviser who follows the programme (superusers follow every one):
    the one who sets it up, changes it and approves what is reported in it."""
    if not user_is_active(user) or not user.is_adviser:
        return False
    ids = adviser_programme_ids(user)
    return ids is None or programme_id in ids


def in_followed_programmes(queryset, user, *paths: str):
    """The rows of `queryset` in the programmes the adviser follows (every row for
    superusers): the queryset form of `follows_programme`. `paths` lead from the rows to
    the programme's id («pk» for programmes, «agreement__programme» for projects); a row
    is kept when any of them does."""
    ids = adviser_programme_ids(user)
    if ids is None:
        return queryset
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{path}__in": ids})
    return queryset.filter(condition)


def can_manage_users(user) -> bool:
    """County advisers invite, change and deactivate users; nobody else does."""
    return user.is_authenticated and user.is_adviser


def can_edit_user(user, target) -> bool:
    """Advisers manage other users; their own account they change on their profile page,
    so that nobody removes their own adviser role by mistake. Superusers are managed
    by operations only."""
    return can_manage_users(user) and target.pk != user.pk and not target.is_superuser
