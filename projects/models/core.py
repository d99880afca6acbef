from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.permissions import (
    in_followed_programmes,
    is_reader_role,
    leader_municipality_ids,
    user_is_active,
)
from agreements.models import Agreement, Programme, TargetFigureKind
from ilag.formats import dato, kr, percent
from ilag.review import ReviewTrail


def financing_errors(
    *, programme, budget_total: int, funding_total: int, county_total: int
) -> dict[str, str]:
    """The programme's financing rules for one project, as {field: bokmål message}.

    Fields: "funding" (the plan must equal the budget) and "county_share" (the county's
    part of the total cost within the programme's cap).
    """
    errors = {}
    if funding_total != budget_total:
        errors["funding"] = _(
            "The funding plan (%(funding)s) must equal the budget (%(budget)s); "
            "the difference is %(difference)s."
        ) % {
            "funding": kr(funding_total),
            "budget": kr(budget_total),
            "difference": kr(abs(funding_total - budget_total)),
        }
    cap = programme.max_county_share_percent
    if cap is not None and budget_total > 0 and county_total * 100 > cap * budget_total:
        errors["county_share"] = _(
            "The grant from %(owner)s is %(share)s of the total cost; %(programme)s allows at "
            "most %(cap)s."
        ) % {
            "owner": programme.owner,
            "share": percent(Decimal(county_total * 100) / budget_total),
            "programme": programme,
            "cap": percent(cap, 0),
        }
    return errors


def _sum_of(model, field="amount", **filters):
    return Coalesce(
        Subquery(
            model.objects.filter(project=OuterRef("pk"), **filters)
            .order_by()
            .values("project")
            .annotate(total=Sum(field))
            .values("total")
        ),
        Value(0),
        output_field=models.BigIntegerField(),
    )


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Advisers see every project of their programmes; a leader his municipalities'
        projects (drafts too) and the other municipalities' published projects in the
        same programmes; readers and partners the published projects of programmes they
        may see."""
        if not user_is_active(user):
            return self.none()
        if user.is_adviser:
            return in_followed_programmes(self, user, "agreement__programme")
        published = ~Q(status__in=Project.PROPOSAL_STATES) & ~Q(
            agreement__status=Agreement.Status.DRAFT
        )
        programmes = Programme.objects.visible_to(user).values("pk")
        own_ids = leader_municipality_ids(user)
        if own_ids:
            own = Project.objects.filter(municipalities__in=own_ids).values("pk")
            return self.filter(Q(pk__in=own) | (published & Q(agreement__programme__in=programmes)))
        if is_reader_role(user):
            return self.filter(published & Q(agreement__programme__in=programmes))
        return self.none()

    def active(self):
        return self.filter(status=Project.Status.ACTIVE)

    def counted(self):
        """The projects whose money counts in the figures: approved ones (ongoing,
        closed or cancelled), not proposals."""
        return self.exclude(status__in=Project.PROPOSAL_STATES)

    def followed_by(self, user):
        """The projects whose requests to the county (change requests, payment requests)
        and payouts the user follows: the programme's advisers every project they see,
        a project leader those of his own municipalities; nobody else any."""
        visible = self.visible_to(user)
        if not user_is_active(user) or user.is_adviser:
            return visible
        return visible.filter(municipalities__in=leader_municipality_ids(user))

    def with_totals(self):
        """Budget, funding and county totals per project, as subqueries (no join fan-out)."""
        return self.annotate(
            budget_sum=_sum_of(BudgetLine),
            funding_sum=_sum_of(FundingLine),
            county_sum=_sum_of(FundingLine, source=OuterRef("agreement__programme__owner")),
        )


class Project(ReviewTrail):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Proposed, awaiting approval")
        RETURNED = "returned", _("Proposal returned for changes")
        ACTIVE = "active", _("Ongoing")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("cooperation agreement"),
    )
    municipalities = models.ManyToManyField(
        "municipalities.Municipality",
        related_name="projects",
        verbose_name=_("municipalities"),
        help_text=_("More than one for a joint project."),
    )
    number = models.PositiveSmallIntegerField(
        _("project number"), null=True, blank=True, help_text=_("Sub-project number, e.g. 2.")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_projects",
        verbose_name=_("project leader"),
    )
    focus_area = models.ForeignKey(
        "agreements.FocusArea",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("focus area"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    is_demo = models.BooleanField(
        _("demo data"),
        default=False,
        help_text=_("Budget, funding and indicators are invented for demonstration."),
    )
    lead_municipality = models.ForeignKey(
        "municipalities.Municipality",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_joint_projects",
        verbose_name=_("lead municipality"),
        help_text=_("For a joint project: the municipality that owns the project."),
    )
    # The proposal's approval (who submitted and reviewed it: ReviewTrail), the grant,
    # and the close-out that freezes its figures.
    granted_amount = models.PositiveBigIntegerField(
        _("grant (NOK)"),
        null=True,
        blank=True,
        help_text=_("The grant from the agreement's frame, set when the project is approved."),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("closed by"),
    )
    # Raised by every save through the services; a form carries the version it was
    # made from, so a save based on an older version is refused instead of overwriting.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords(m2m_fields=[municipalities])
    objects = ProjectQuerySet.as_manager()

    # Not yet approved, so not published to readers, partners or other municipalities.
    PROPOSAL_STATES = ("draft", "submitted", "returned")

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["agreement", "number", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="project_end_not_before_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def title_with_municipality(self) -> str:
        """The title with its municipality, for lists and links that mix municipalities:
        titles repeat («Prosjektledelse og prosessledelse» in six). A joint project names
        its municipalities, the lead first (up to three, then «m.fl.») when they are
        prefetched (`prefetch_related("municipalities")`), else its lead municipality
        (select `lead_municipality` with the project)."""
        members = getattr(self, "_prefetched_objects_cache", {}).get("municipalities")
        if members is not None and len(members) > 1:
            ordered = sorted(members, key=lambda m: (m.pk != self.lead_municipality_id, m.name))
            names = ", ".join(m.name for m in ordered[:3])
            if len(ordered) > 3:
                names = _("%(names)s and more") % {"names": names}
            return f"{self.title} ({names})"
        if self.lead_municipality_id is None:
            return self.title
        if getattr(self, "member_count", 1) > 1:
            # Counted in the query (`municipality_count()`) rather than prefetched.
            names = _("%(names)s and more") % {"names": self.lead_municipality.name}
            return f"{self.title} ({names})"
        return f"{self.title} ({self.lead_municipality.name})"

    @staticmethod
    def municipality_count(path: str = "pk"):
        """How many municipalities the project at `path` (an OuterRef path from the
        queryset's rows) takes part in: for `title_with_municipality` without a query of
        its own (set it on the project as `member_count`)."""
        through = Project.municipalities.through
        return Coalesce(
            Subquery(
                through.objects.filter(project_id=OuterRef(path))
                .order_by()
                .values("project_id")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            Value(0),
        )

    def get_absolute_url(self):
        return reverse("projects:detail", kwargs={"pk": self.pk})

    def breadcrumbs(self) -> list[dict]:
        return [
            *self.agreement.breadcrumbs(),
            {"label": self.title, "url": self.get_absolute_url()},
        ]

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start date.")
        if self.agreement_id:
            agreement = self.agreement
            if self.start_date and self.start_date < agreement.start_date:
                errors.setdefault(
                    "start_date",
                    _("The project cannot start before its agreement (%(date)s).")
                    % {"date": dato(agreement.start_date)},
                )
            if self.end_date and self.end_date > agreement.end_date:
                errors.setdefault(
                    "end_date",
                    _("The project cannot end after its agreement (%(date)s).")
                    % {"date": dato(agreement.end_date)},
                )
            if self.focus_area_id and self.focus_area.programme_id != agreement.programme_id:
                errors["focus_area"] = _("The focus area belongs to another programme.")
        # A project may be drafted with an unbalanced plan, but cannot start or finish so.
        if self.pk and self.status in (self.Status.ACTIVE, self.Status.COMPLETED):
            problems = self.financing_problems()
            if problems:
                errors["status"] = [
                    _("The project cannot be «%(status)s» until its financing holds:")
                    % {"status": self.get_status_display()},
                    *problems.values(),
                ]
        if errors:
            raise ValidationError(errors)

    # Totals. Lists use ProjectQuerySet.with_totals(); these serve a single project.
    def budget_total(self) -> int:
        if hasattr(self, "budget_sum"):
            return self.budget_sum
        return self.budget_lines.aggregate(t=Coalesce(Sum("amount"), 0))["t"]

    def funding_total(self) -> int:
        if hasattr(self, "funding_sum"):
            return self.funding_sum
        return self.funding_lines.aggregate(t=Coalesce(Sum("amount"), 0))["t"]

    def county_total(self) -> int:
        if hasattr(self, "county_sum"):
            return self.county_sum
        owner_id = self.agreement.programme.owner_id
        return self.funding_lines.filter(source_id=owner_id).aggregate(
            t=Coalesce(Sum("amount"), 0)
        )["t"]

    def county_share_percent(self) -> Decimal | None:
        budget = self.budget_total()
        if not budget:
            return None
        return Decimal(self.county_total() * 100) / budget

    def financing_problems(self) -> dict[str, str]:
        return financing_errors(
            programme=self.agreement.programme,
            budget_total=self.budget_total(),
            funding_total=self.funding_total(),
            county_total=self.county_total(),
        )

    @property
    def is_joint(self) -> bool:
        return len(self.municipalities.all()) > 1

    @property
    def is_proposal(self) -> bool:
        """Not yet approved: drafted, waiting for the county, or returned."""
        return self.status in self.PROPOSAL_STATES

    @property
    def is_closed(self) -> bool:
        """Closed out (or cancelled): its figures are frozen until an adviser reopens it."""
        return self.status in (self.Status.COMPLETED, self.Status.CANCELLED)


class ProjectShare(models.Model):
    """A municipality's share of a joint project: every per-municipality figure counts
    only this part of the project's budget, grant and costs."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="shares", verbose_name=_("project")
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        related_name="project_shares",
        verbose_name=_("municipality"),
    )
    percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("municipality's share")
        verbose_name_plural = _("municipalities' shares")
        ordering = ["project", "municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "municipality"],
                name="project_share_unique_municipality",
                violation_error_message=_("The municipality already has a share of the project."),
            ),
            models.CheckConstraint(
                condition=Q(percent__gt=0, percent__lte=100),
                name="project_share_percent_range",
                violation_error_message=_("A share is more than 0 % and at most 100 %."),
            ),
        ]

    def __str__(self):
        return f"{self.municipality}: {percent(self.percent)}"


class BudgetLine(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("project")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.ForeignKey(
        "agreements.CostCategory",
        on_delete=models.PROTECT,
        related_name="budget_lines",
        verbose_name=_("cost category"),
    )
    amount = models.BigIntegerField(_("amount (NOK)"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["project", "year", "category__position", "category__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="budget_line_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
            models.UniqueConstraint(
                fields=["project", "year", "category"],
                name="budget_line_unique_year_category",
                violation_error_message=_(
                    "The budget already has a line for this year and cost category."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.category}: {kr(self.amount)}"

    def clean(self):
        errors = {}
        if self.amount is not None and self.amount < 0:
            errors["amount"] = _("The amount cannot be negative.")
        if self.category_id and self.project_id:
            category = self.category
            if category.programme_id != self.project.agreement.programme_id:
                errors["category"] = _(
                    "«%(category)s» is not a cost category of this project's programme."
                ) % {"category": category}
            elif not category.eligible:
                errors["category"] = _(
                    "«%(category)s» is not eligible for a grant in %(programme)s."
                ) % {"category": category, "programme": category.programme}
        if self.year and self.project_id:
            project = self.project
            if (
                project.start_date
                and project.end_date
                and not (project.start_date.year <= self.year <= project.end_date.year)
            ):
                errors["year"] = _(
                    "The year %(year)s is outside the project period (%(start)s–%(end)s)."
                ) % {
                    "year": self.year,
                    "start": project.start_date.year,
                    "end": project.end_date.year,
                }
        if errors:
            raise ValidationError(errors)


class FundingLine(models.Model):
    class Kind(models.TextChoices):
        CASH = "cash", _("Cash")
        IN_KIND = "in_kind", _("In kind (own work)")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="funding_lines", verbose_name=_("project")
    )
    source = models.ForeignKey(
        "municipalities.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funding_lines",
        verbose_name=_("funding source"),
    )
    source_municipality = models.ForeignKey(
        "municipalities.Municipality",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funding_lines",
        verbose_name=_("municipality (own contribution)"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CASH)
    amount = models.BigIntegerField(_("amount (NOK)"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        ordering = ["project", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="funding_line_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(source__isnull=False, source_municipality__isnull=True)
                    | Q(source__isnull=True, source_municipality__isnull=False)
                ),
                name="funding_line_exactly_one_source",
                violation_error_message=_(
                    "Choose either an organisation or a municipality as the source, not both."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.source_name}: {kr(self.amount)}"

    def clean(self):
        errors = {}
        if self.amount is not None and self.amount < 0:
            errors["amount"] = _("The amount cannot be negative.")
        if not self.source_id and not self.source_municipality_id:
            errors["source"] = _("Choose the organisation or municipality that gives the money.")
        elif self.source_id and self.source_municipality_id:
            errors["source"] = _(
                "Choose either an organisation or a municipality as the source, not both."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def source_name(self) -> str:
        if self.source_municipality_id:
            return _("%(municipality)s municipality (own contribution)") % {
                "municipality": self.source_municipality
            }
        return str(self.source)


class Indicator(models.Model):
    # The kinds a programme may require of its projects (agreements.models).
    Kind = TargetFigureKind

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("project")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("Required for a custom indicator.")
    )
    unit = models.CharField(_("unit"), max_length=40)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["project", "kind", "name"]

    def __str__(self):
        return self.label

    def clean(self):
        if self.kind == self.Kind.CUSTOM and not self.name.strip():
            raise ValidationError({"name": _("A custom indicator needs a name.")})

    @property
    def label(self) -> str:
        return self.name or self.get_kind_display()


def agreements_with_totals(agreements, user=None):
    """The agreements annotated with the budget (`budget_sum`) and county funding
    (`county_sum`) of their projects and how many there are (`project_count`), counting
    the projects the user may see (all without a user)."""
    projects = Project.objects.all() if user is None else Project.objects.visible_to(user)
    project_ids = projects.filter(agreement=OuterRef(OuterRef("pk"))).values("pk")

    def total(model, **filters):
        return Coalesce(
            Subquery(
                model.objects.filter(
                    project__agreement=OuterRef("pk"), project__in=project_ids, **filters
                )
                .order_by()
                .values("project__agreement")
                .annotate(t=Sum("amount"))
                .values("t")
            ),
            Value(0),
            output_field=models.BigIntegerField(),
        )

    return agreements.annotate(
        budget_sum=total(BudgetLine),
        county_sum=total(FundingLine, source=OuterRef("programme__owner")),
        project_count=Coalesce(
            Subquery(
                projects.filter(agreement=OuterRef("pk"))
                .order_by()
                .values("agreement")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            Value(0),
        ),
    )
