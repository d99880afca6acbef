"""Search-as-you-type for the municipality filters."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client):
    client.force_login(UserFactory(username="lina"))
    for number, name in [
        ("5041", "Snåsa"),
        ("5034", "Meråker"),
        ("5052", "Leka"),
        ("5046", "Høylandet"),
        ("1820", "Alstahaug"),
        ("5044", "Namsskogan"),
    ]:
        MunicipalityFactory(number=number, name=name)
    return client


def suggest(client, text):
    response = client.get(reverse("municipalities:suggest"), {"q": text})
    assert response.status_code == 200
    return response.json()["results"]


def test_names_containing_the_text_those_starting_with_it_first(reader):
    assert suggest(reader, "sn") == [{"value": "Snåsa", "label": "Snåsa (5041)"}]
    assert [r["value"] for r in suggest(reader, "a")] == [
        "Alstahaug",
        "Høylandet",
        "Leka",
        "Namsskogan",
        "Snåsa",
    ]
    assert [r["value"] for r in suggest(reader, "AND")] == ["Høylandet"]
    assert [r["value"] for r in suggest(reader, "meråk")] == ["Meråker"]


def test_a_number_matches_from_its_start(reader):
    assert [r["label"] for r in suggest(reader, "504")] == [
        "Snåsa (5041)",
        "Namsskogan (5044)",
        "Høylandet (5046)",
    ]


def test_empty_and_odd_input_gives_a_sensible_answer(reader):
    assert suggest(reader, "") == []
    assert suggest(reader, "   ") == []
    for text in ["%", "_", "'; DROP TABLE municipalities_municipality; --", ".*(", "x" * 500]:
        assert suggest(reader, text) == []


def test_at_most_fifteen_in_one_query_however_many_match(reader):
    for n in range(40):
        MunicipalityFactory(number=f"{9100 + n}", name=f"Testkommune {n:02d}")
    with CaptureQueriesContext(connection) as queries:
        results = suggest(reader, "testkommune")
    assert len(results) == 15
    assert results[0]["value"] == "Testkommune 00"
    # Session and user, then the one search.
    assert (
        len([q for q in queries.captured_queries if "municipalities_municipality" in q["sql"]]) == 1
    )


def test_the_filter_fields_offer_the_suggestions(reader):
    for url in ["/prosjekter/", "/avtaler/", "/milepeler/", "/prosjekter/statusrapporter/"]:
        html = reader.get(url, {"kommune": "Snåsa"}).content.decode()
        assert 'data-suggest-url="/kommuner/forslag/"' in html, url
        assert 'list="id_kommune-forslag"' in html and '<datalist id="id_kommune-forslag">' in html
        assert 'value="Snåsa"' in html  # what was typed is kept
