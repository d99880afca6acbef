import datetime

import factory

from accounts.models import ApiToken, Role, User, role_group
from agreements.models import Agreement, CostCategory, FocusArea, Programme
from documents.models import Document
from evaluations.models import Milestone
from ilag.validators import organisation_number_check_digit
from municipalities.models import Municipality, Organisation
from projects.models import BudgetLine, FundingLine, Indicator, Project

D = datetime.date


def valid_organisation_number(n: int) -> str:
    """A nine-digit number with a correct MOD11 check digit, derived from n."""
    base = 910000000 // 10 + n
    while True:
        first = f"{base:08d}"[:8]
        check = organisation_number_check_digit(first)
        if check is not None:
            return f"{first}{check}"
        base += 1


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisasjon {n}")
    kind = Organisation.Kind.STATE


class CountyFactory(OrganisationFactory):
    name = "Trøndelag fylkeskommune"
    short_name = "TRFK"
    kind = Organisation.Kind.COUNTY


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"{9000 + n % 1000:04d}")
    name = factory.Sequence(lambda n: f"Testkommune {n}")
    population = 1500


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"program-{n}")
    name = factory.Sequence(lambda n: f"Program {n}")
    owner = factory.SubFactory(CountyFactory)
    start_date = D(2023, 1, 1)
    end_date = D(2026, 12, 31)
    max_grant_per_agreement = 3_000_000
    max_county_share_percent = 50


class FocusAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocusArea

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Innsatsområde {n}")


class CostCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CostCategory

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Kostnadspost {n}")
    eligible = True

    class Params:
        ineligible = factory.Trait(eligible=False, name="Ordinære driftskostnader")


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Samarbeidsavtale {n}")
    start_date = D(2023, 5, 1)
    end_date = D(2025, 4, 30)
    county_frame = 2_000_000
    status = Agreement.Status.ACTIVE
    signed_date = D(2023, 5, 1)

    class Params:
        draft = factory.Trait(status=Agreement.Status.DRAFT, signed_date=None)

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create:
            self.municipalities.set(extracted or [MunicipalityFactory()])


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    agreement = factory.SubFactory(AgreementFactory)
    title = factory.Sequence(lambda n: f"Prosjekt {n}")
    start_date = factory.SelfAttribute("agreement.start_date")
    end_date = factory.SelfAttribute("agreement.end_date")
    status = Project.Status.ACTIVE

    class Params:
        draft = factory.Trait(status=Project.Status.DRAFT)

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create:
            self.municipalities.set(extracted or list(self.agreement.municipalities.all()))


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    project = factory.SubFactory(ProjectFactory)
    year = 2024
    category = factory.SubFactory(
        CostCategoryFactory, programme=factory.SelfAttribute("..project.agreement.programme")
    )
    amount = 100_000


class FundingLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingLine

    project = factory.SubFactory(ProjectFactory)
    source = factory.SubFactory(CountyFactory)
    amount = 50_000


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    project = factory.SubFactory(ProjectFactory)
    kind = Indicator.Kind.EMPLOYMENT
    unit = "arbeidsplasser"
    baseline = 0
    target = 5


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    programme = factory.SubFactory(ProgrammeFactory)
    kind = Milestone.Kind.FINAL_REPORT
    due_date = D(2025, 12, 15)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"bruker{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.no")
    password = factory.django.Password("demo")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(role_group(extracted))

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create and extracted:
            self.municipalities.set(extracted)


def adviser(**kwargs):
    return UserFactory(role=Role.ADVISER, **kwargs)


def leader(municipality, **kwargs):
    return UserFactory(role=Role.PROJECT_LEADER, municipalities=[municipality], **kwargs)


def fresh(user):
    """The user as the next request loads it: no cached roles, programmes or municipalities."""
    return User.objects.get(pk=user.pk)


def deactivated(user):
    user.is_active = False
    user.save(update_fields=["is_active"])
    return fresh(user)


def following(*programmes, **kwargs):
    """A county adviser who follows `programmes`, fresh from the database."""
    user = adviser(**kwargs)
    user.programmes.add(*programmes)
    return fresh(user)


class DocumentFactory(factory.django.DjangoModelFactory):
    """A small PDF attached to a project (pass agreement= or progress_report= with
    project=None to attach it elsewhere)."""

    class Meta:
        model = Document

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Vedlegg {n}")
    file = factory.django.FileField(filename="vedlegg.pdf", data=b"%PDF-1.4\n%%EOF\n")
    original_name = "vedlegg.pdf"
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda d: d.file.size)
    uploaded_by = factory.SubFactory(UserFactory)


def api_key(user, **kwargs) -> str:
    """A working API key for `user` (hashed in the database, as the portal makes them)."""
    kwargs.setdefault("expiry", datetime.timedelta(days=30))
    kwargs.setdefault("name", "Test")
    return ApiToken.objects.create(user=user, **kwargs)[1]
