from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The portal's roles; each is a Group of the same name, made by a migration."""

    ADVISER = "adviser", _("County adviser")
    PROJECT_LEADER = "project_leader", _("Project leader")
    COMMITTEE_READER = "committee_reader", _("Committee reader")
    PARTNER = "partner", _("Partner")


def role_group(role: str) -> Group:
    """The group of a role. The migration creates them; a flushed test database may not
    have them, so they are made on demand."""
    return Group.objects.get_or_create(name=role)[0]


class User(AbstractUser):
    municipalities = models.ManyToManyField(
        "municipalities.Municipality",
        blank=True,
        related_name="users",
        verbose_name=_("municipalities"),
        help_text=_("For project leaders: the municipalities whose projects they keep."),
    )
    organisation = models.ForeignKey(
        "municipalities.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
        verbose_name=_("organisation"),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def role_names(self) -> set[str]:
        # Cached per instance: templates and permission checks ask many times a request.
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return self._role_names

    def has_role(self, role: str) -> bool:
        return self.is_active and role in self.role_names

    @property
    def is_adviser(self) -> bool:
        return self.is_active and (self.is_superuser or Role.ADVISER in self.role_names)

    @property
    def is_project_leader(self) -> bool:
        return self.has_role(Role.PROJECT_LEADER)

    @property
    def role_label(self) -> str:
        if self.is_superuser:
            return str(_("Operations (superuser)"))
        labels = [str(label) for value, label in Role.choices if value in self.role_names]
        return ", ".join(labels)
