"""Who is who: the role checks every app's permissions build on."""

from accounts.models import Role


def is_reader_role(user) -> bool:
    """Committee readers and partners read what is no longer a draft."""
    return user.has_role(Role.COMMITTEE_READER) or user.has_role(Role.PARTNER)


def leader_municipality_ids(user) -> list[int]:
    if not hasattr(user, "_leader_municipality_ids"):
        user._leader_municipality_ids = (
            list(user.municipalities.values_list("pk", flat=True))
            if user.has_role(Role.PROJECT_LEADER)
            else []
        )
    return user._leader_municipality_ids
