"""Who follows and acts on archiving: one function per decision.

Who may see a record's status is `ArchiveRecord.objects.visible_to` (archive/models.py).
"""

from accounts.permissions import follows_programme, user_is_active


def can_follow_archive(user) -> bool:
    """County advisers follow archiving (the Arkivering page); nobody else does."""
    return user_is_active(user) and user.is_adviser


def can_manage_archive_record(user, record) -> bool:
    """An adviser who follows the record's programme sends it again or marks it
    archived by hand."""
    return follows_programme(user, record.programme_id)
