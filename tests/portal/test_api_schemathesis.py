"""The API answers as its OpenAPI schema says: schemathesis, an outside client generated
from the schema the server serves, runs every check against a live server.

The schemathesis CLI runs as a subprocess against pytest-django's live server (the real
HTTP stack, a transactional database), so it sees the API exactly as a county system
would: it fetches the schema with a token, generates valid and invalid requests from it
(examples, coverage, fuzzing and stateful phases), and checks every response: no 500,
only documented status codes, content types and headers, bodies matching their schemas,
valid input accepted, invalid input refused, and the token actually required.
"""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from accounts.models import Role
from evaluations.models import Milestone
from projects.models import ProgressReport, Project
from tests.factories import (
    AgreementFactory,
    BudgetLineFactory,
    FocusAreaFactory,
    FundingLineFactory,
    MunicipalityFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    api_key,
    following,
)

pytestmark = pytest.mark.django_db(transaction=True)

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
SCHEMA_PATH = "/api/v1/schema/?format=json"
# Fixed so that a failure can be repeated (and a run does not flake): the seed fixes
# what is generated, the examples per operation how much (and how long the run takes).
# To search wider once: ILAG_API_FUZZ_SEED=7 ILAG_API_FUZZ_EXAMPLES=500 pytest this file.
SEED = int(os.environ.get("ILAG_API_FUZZ_SEED", "20240601"))
MAX_EXAMPLES = int(os.environ.get("ILAG_API_FUZZ_EXAMPLES", "30"))
TIMEOUT = 600


def authorization_header(user) -> str:
    """The Authorization header an API client sends for `user`. The one place this test
    knows how API tokens are made."""
    return f"Authorization: Token {api_key(user)}"


def report(project, status, light="", **fields):
    return ProgressReport.objects.create(
        project=project,
        period_start=project.start_date,
        period_end=project.start_date + datetime.timedelta(days=90),
        status=status,
        traffic_light=light,
        **fields,
    )


def build_world():
    """Two programmes followed by the adviser and one that is not, agreements and projects
    in several states with budget and funding, status reports in every state and
    milestones in every state the API shows."""
    today = datetime.date.today()
    shared = ProgrammeFactory(slug="i-lag", shared_with_partners=True)
    closed = ProgrammeFactory(slug="lukket", shared_with_partners=False)
    other = ProgrammeFactory(slug="annet-program")
    snasa = MunicipalityFactory(number="5041", name="Snåsa")
    meraker = MunicipalityFactory(number="5034", name="Meråker")
    steinkjer = MunicipalityFactory(number="5006", name="Steinkjer")
    areas = [FocusAreaFactory(programme=shared), FocusAreaFactory(programme=closed)]

    agreements = [
        AgreementFactory(programme=shared, municipalities=[snasa, meraker]),
        AgreementFactory(programme=shared, municipalities=[steinkjer], draft=True),
        AgreementFactory(programme=closed, municipalities=[snasa]),
        AgreementFactory(programme=other, municipalities=[meraker]),
    ]
    agreements[0].focus_areas.add(areas[0])
    agreements[2].focus_areas.add(areas[1])

    partner = OrganisationFactory()
    for agreement, statuses in zip(
        agreements,
        [
            [Project.Status.ACTIVE, Project.Status.COMPLETED, Project.Status.SUBMITTED],
            [Project.Status.DRAFT],
            [Project.Status.ACTIVE, Project.Status.RETURNED],
            [Project.Status.ACTIVE],
        ],
        strict=True,
    ):
        for status in statuses:
            project = ProjectFactory(agreement=agreement, status=status)
            BudgetLineFactory(project=project, amount=400_000)
            BudgetLineFactory(project=project, year=2025, amount=150_000)
            FundingLineFactory(project=project, source=agreement.programme.owner, amount=200_000)
            FundingLineFactory(project=project, source=partner, amount=100_000)
            report(project, ProgressReport.Status.APPROVED, ProgressReport.TrafficLight.GREEN)
            report(project, ProgressReport.Status.SUBMITTED, ProgressReport.TrafficLight.YELLOW)
            report(project, ProgressReport.Status.RETURNED, ProgressReport.TrafficLight.RED)
            report(project, ProgressReport.Status.DRAFT, achieved="Godt i gang.")
            Milestone.objects.create(
                project=project,
                kind=Milestone.Kind.OTHER,
                due_date=today - datetime.timedelta(days=3),
            )
            Milestone.objects.create(
                project=project,
                kind=Milestone.Kind.STARTUP_NOTE,
                due_date=today + datetime.timedelta(days=5),
            )
        Milestone.objects.create(
            agreement=agreement,
            kind=Milestone.Kind.MIDTERM_REPORT,
            due_date=today - datetime.timedelta(days=30),
            status=Milestone.Status.DELIVERED,
            delivered_on=today - datetime.timedelta(days=31),
        )
        Milestone.objects.create(
            agreement=agreement,
            kind=Milestone.Kind.FINAL_REPORT,
            due_date=today - datetime.timedelta(days=60),
            status=Milestone.Status.APPROVED,
            delivered_on=today - datetime.timedelta(days=61),
        )
    for programme in (shared, closed, other):
        Milestone.objects.create(
            programme=programme,
            kind=Milestone.Kind.FINAL_EVALUATION,
            due_date=today + datetime.timedelta(days=400),
        )
    # A partner and a leader with tokens of their own: the adviser's is one of several.
    authorization_header(UserFactory(role=Role.PARTNER))
    authorization_header(UserFactory(role=Role.PROJECT_LEADER, municipalities=[snasa]))
    return following(shared, closed)


def run_schemathesis(base_url: str, header: str, workdir: Path) -> subprocess.CompletedProcess:
    command = [
        str(SCHEMATHESIS),
        "run",
        base_url + SCHEMA_PATH,
        "--header",
        header,
        "--checks",
        "all",
        "--seed",
        str(SEED),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--workers",
        "4",
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        "--no-color",
        "--output-truncate",
        "false",
    ]
    # In an empty directory: no schemathesis.toml of anyone's is read, nothing is left.
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, "NO_COLOR": "1"},
        cwd=workdir,
    )


def test_the_api_answers_as_its_schema_says(live_server, tmp_path, monkeypatch):
    from ilag.throttling import UserRateThrottleOrAllow

    assert SCHEMATHESIS.exists(), f"{SCHEMATHESIS} is missing: pip install -r requirements-dev.txt"
    # The run makes thousands of requests with one token; the limit is not what it tests
    # (tests/portal/test_api.py does), and the 429 is in the schema all the same.
    monkeypatch.setattr(UserRateThrottleOrAllow, "THROTTLE_RATES", {"user": "1000000/hour"})
    adviser = build_world()

    started = time.monotonic()
    result = run_schemathesis(live_server.url, authorization_header(adviser), tmp_path)
    seconds = time.monotonic() - started

    output = f"{result.stdout}\n{result.stderr}".strip()
    print(output)  # shown with `pytest -rP`, for what was run and how long it took
    assert result.returncode == 0, (
        f"schemathesis found problems (exit {result.returncode}, {seconds:.0f} s):\n{output}"
    )
