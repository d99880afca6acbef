"""Hostile input in addresses and query parameters gets a 400, a 404 or a message, never a
500: digits that are not 0-9 («²», «١٢»), a NUL byte, huge numbers. On PostgreSQL, which
refuses a NUL byte in text outright."""

import io

import pytest
from django.test import Client

from tests.factories import (
    AgreementFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    adviser,
    leader,
)

pytestmark = pytest.mark.django_db

NOT_ASCII_DIGITS = ["²", "١٢", "１２", "⁵"]


@pytest.fixture
def world():
    programme = ProgrammeFactory(slug="test")
    snasa = MunicipalityFactory(name="Snåsa", number="5041")
    agreement = AgreementFactory(programme=programme, municipalities=[snasa])
    project = ProjectFactory(agreement=agreement, title="Boliger i sentrum")
    county = adviser()
    county.programmes.add(programme)
    return {"adviser": county, "leader": leader(snasa), "project": project}


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("digits", NOT_ASCII_DIGITS)
def test_digits_that_are_not_0_to_9_are_refused_not_a_500(world, digits):
    client = client_for(world["adviser"])
    for url in (
        f"/rapporter/bestill/?prosjekt={digits}",
        f"/kommuner/forslag/?q={digits}",
        f"/prosjekter/?kommune={digits}",
        f"/avtaler/?kommune={digits}",
    ):
        response = client.get(url, follow=True)
        assert response.status_code in (200, 400, 404), (url, response.status_code)
    # The old address of the order form redirects there, and is refused the same way.
    response = client.get(f"/milepeler/rapporter/bestill/?prosjekt={digits}", follow=True)
    assert response.status_code == 404


def test_a_nul_byte_in_a_query_is_a_400_in_bokmal(world):
    client = client_for(world["adviser"])
    for url in (
        "/kommuner/forslag/?q=%00",
        "/prosjekter/?q=a%00b",
        "/prosjekter/statusrapporter/?prosjekt=%00",
        "/milepeler/?status=overdue%00",
        "/accounts/login/?next=/%00",
        "/?program=%00",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        html = response.content.decode()
        assert "Forespørselen kunne ikke leses" in html, url
        assert 'href="/"' in html, url
    anonymous = Client(raise_request_exception=False)
    assert anonymous.get("/accounts/login/?next=/%00").status_code == 400


def test_a_nul_byte_in_a_form_is_a_message_at_the_field(world):
    client = client_for(world["leader"])
    response = client.post(
        "/konto/",
        {"first_name": "Sig\x00rid", "last_name": "Snåsa", "email": "sigrid@example.no"},
    )
    assert response.status_code == 200
    assert "Null-tegn er ikke tillatt." in response.content.decode()


def test_a_date_outside_1900_2100_is_refused_at_the_field_and_stores_nothing(world):
    from evaluations.models import Milestone
    from tests.factories import MilestoneFactory

    project = world["project"]
    milestone = MilestoneFactory(programme=None, agreement=project.agreement)
    due = milestone.due_date
    client = client_for(world["adviser"])
    for typed in ("31.12.9999", "01.01.0202", "9999-12-31"):
        response = client.post(
            f"/milepeler/{milestone.pk}/flytt/", {"due_date": typed, "reason": "Test"}
        )
        assert response.status_code in (200, 302), typed
        if response.status_code == 302:
            response = client.get(response["Location"])
        assert "Oppgi en dato mellom årene 1900 og 2100." in response.content.decode(), typed
        assert Milestone.objects.get(pk=milestone.pk).due_date == due
    # A filter with such a date says so and lists nothing wrong; never a 500.
    for url in ("/prosjekter/?fra=31.12.9999", "/milepeler/?til=9999-12-31"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert client.get(f"/program/{project.agreement.programme.slug}/").status_code == 200


def test_a_session_cookie_with_a_nul_byte_is_no_session(world):
    """Not a key Django could have made (ilag/sessions.py), so never looked up: PostgreSQL
    would refuse the NUL byte with an error, and every page would be a 500."""
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "abcdefghij\x00klmnop"
    response = client.get("/prosjekter/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/projects/").status_code == 401


def test_sniffing_an_opendocument_inflates_only_a_few_bytes():
    """A small .odt whose «mimetype» entry unpacks to tens of megabytes costs the type
    check a hundred bytes, not the megabytes."""
    import tracemalloc
    import zipfile

    from ilag.uploads import detect_content_type

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text" + " " * 40_000_000)
        archive.writestr("content.xml", "<office:document-content/>")
    packed = buffer.getvalue()
    assert len(packed) < 200_000
    upload = io.BytesIO(packed)
    tracemalloc.start()
    try:
        detect_content_type(upload)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000, peak
