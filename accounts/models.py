import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.db.models import Value
from django.db.models.functions import Cast, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from knox.models import AbstractAuthToken
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    """The portal's roles; each is a Group of the same name, made by a migration."""

    ADVISER = "adviser", _("County adviser")
    PROJECT_LEADER = "project_leader", _("Project leader")
    COMMITTEE_READER = "committee_reader", _("Committee reader")
    PARTNER = "partner", pgettext_lazy("role", "Partner")


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
    programmes = models.ManyToManyField(
        "agreements.Programme",
        blank=True,
        related_name="followers",
        verbose_name=_("followed programmes"),
        help_text=_("For county advisers: the programmes they follow and may manage."),
    )
    invited_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invited by"),
    )
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    calendar_token = models.CharField(
        _("calendar feed key"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    organisation = models.ForeignKey(
        "municipalities.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
        verbose_name=_("organisation"),
    )

    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_(
            "The portal and the PDF reports you order are in this language; e-mails are in bokmål."
        ),
    )
    is_system = models.BooleanField(
        _("system user"),
        default=False,
        editable=False,
        help_text=_(
            "An outside system that reads the API with a key. It never signs in and gets no e-mail."
        ),
    )
    muted_notices = models.JSONField(
        _("notices turned off"),
        default=list,
        blank=True,
        help_text=_("The kinds of e-mail notice the user does not want."),
    )

    # Who had which role and municipalities, and when a user was deactivated. The
    # password and the last login are left out (a login would otherwise be a «change»).
    history = HistoricalRecords(
        excluded_fields=["password", "last_login", "muted_notices", "language"],
        m2m_fields=["groups", "municipalities", "programmes"],
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            # Sign-in by e-mail (invitations, single sign-on) needs one user per address.
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_unique_case_insensitive",
                violation_error_message=_("Another user already has this e-mail address."),
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def role_names(self) -> set[str]:
        # Cached per instance: templates and permission checks ask many times a request.
        if not hasattr(self, "_role_names"):
            self.load_access()
        return self._role_names

    def load_access(self) -> None:
        """Read the user's roles, followed programmes and own municipalities in one query
        (every page needs the roles, and an adviser's programmes or a leader's
        municipalities), cached on this instance. What a caller has set already is kept
        (the report renderer's stand-in users)."""
        text = models.CharField()

        def tagged(queryset, tag, column):
            return queryset.order_by().values_list(Value(tag, output_field=text), column)

        rows = []
        prefetched = getattr(self, "_prefetched_objects_cache", {})
        if {"groups", "programmes", "municipalities"} <= prefetched.keys():
            # A list of users read with their relations (the user list): no query per row.
            rows = [("role", group.name) for group in prefetched["groups"]]
            rows += [("programme", p.pk) for p in prefetched["programmes"]]
            rows += [("municipality", m.pk) for m in prefetched["municipalities"]]
        elif self.pk is not None:  # an unsaved stand-in has no roles of its own
            rows = tagged(self.groups.all(), "role", "name").union(
                tagged(self.programmes.all(), "programme", Cast("pk", text)),
                tagged(self.municipalities.all(), "municipality", Cast("pk", text)),
                all=True,
            )
        found = {"role": set(), "programme": [], "municipality": []}
        for tag, value in rows:
            if tag == "role":
                found["role"].add(value)
            else:
                found[tag].append(int(value))
        if not hasattr(self, "_role_names"):
            self._role_names = found["role"]
        if not hasattr(self, "_adviser_programme_ids"):
            self._adviser_programme_ids = sorted(found["programme"])
        if not hasattr(self, "_leader_municipality_ids"):
            leader = self.has_role(Role.PROJECT_LEADER)
            self._leader_municipality_ids = sorted(found["municipality"]) if leader else []

    def has_role(self, role: str) -> bool:
        return self.is_active and role in self.role_names

    @property
    def is_adviser(self) -> bool:
        return self.is_active and (self.is_superuser or Role.ADVISER in self.role_names)

    @property
    def is_project_leader(self) -> bool:
        return self.has_role(Role.PROJECT_LEADER)

    @property
    def role(self) -> str | None:
        """The user's one portal role (a user holds one role at a time)."""
        for value in Role.values:
            if value in self.role_names:
                return value
        return None

    @property
    def is_invited(self) -> bool:
        """Invited but has not yet set a password through the invitation link."""
        return self.is_active and not self.is_system and not self.has_usable_password()

    @property
    def role_label(self) -> str:
        if self.is_superuser:
            return str(_("Operations (superuser)"))
        labels = [str(label) for value, label in Role.choices if value in self.role_names]
        return ", ".join(labels)


class SentNotice(models.Model):
    """One e-mail notice sent to one user about one event: recorded in the transaction
    that sends it, so that no event is told twice."""

    key = models.CharField(_("event"), max_length=200)
    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="sent_notices", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=40)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("sent notice")
        verbose_name_plural = _("sent notices")
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient"], name="sent_notice_once"),
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient}"


# The roles a system user may have: readers of what is published.
SYSTEM_ROLES = [Role.COMMITTEE_READER, Role.PARTNER]


class ApiToken(AbstractAuthToken):
    """A key an outside system reads the API with (django-rest-knox, KNOX_TOKEN_MODEL).

    Only a hash of the key is stored; the key itself is shown once, when an adviser makes
    it on the system user's page. Every key expires, and its last use is kept. Revoking
    deletes it; the history keeps who made and who revoked it, and when.
    """

    name = models.CharField(
        _("purpose"),
        max_length=100,
        help_text=_("What the key is for, e.g. the system and environment using it."),
    )
    created_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("made by"),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    # A use of the key is not a change.
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.name} ({self.token_key}…)"

    @property
    def valid_until(self):
        """The last day the key works (it expires at the start of the next)."""
        if self.expiry is None:
            return None
        return timezone.localdate(self.expiry - datetime.timedelta(microseconds=1))

    @property
    def is_expired(self) -> bool:
        return self.expiry is not None and self.expiry <= timezone.now()
