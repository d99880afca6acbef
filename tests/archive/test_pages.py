"""The archive in the pages: the status on the agreement and programme pages, the
Arkivering list with «Prøv igjen» and «Merk som arkivert manuelt», and who sees what."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from archive.models import ArchiveRecord
from tests.factories import (
    AgreementFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    UserFactory,
    adviser,
    following,
    leader,
)
from tests.queries import queries_to_show

pytestmark = pytest.mark.django_db
Status = ArchiveRecord.Status


@pytest.fixture
def world():
    programme = ProgrammeFactory(name="Distriktssatsinga I LAG", slug="i-lag")
    snasa = MunicipalityFactory(name="Snåsa", number="5041")
    meraker = MunicipalityFactory(name="Meråker", number="5034")
    agreement = AgreementFactory(programme=programme, municipalities=[snasa])
    other = AgreementFactory(programme=programme, municipalities=[meraker])
    return {
        "programme": programme,
        "agreement": agreement,
        "other_agreement": other,
        "adviser": following(programme),
        "leader": leader(snasa),
        "other_leader": leader(meraker),
    }


def record(agreement, *, status=Status.WAITING, kind=ArchiveRecord.Kind.AGREEMENT_SIGNED, **kw):
    key = kw.pop("key", f"ilag-agreement-{agreement.pk}-signed")
    return ArchiveRecord.objects.create(
        kind=kind,
        external_key=key,
        programme=agreement.programme,
        agreement=agreement,
        case_key=f"ilag-agreement-{agreement.pk}",
        case_title="Samarbeidsavtale",
        title=kw.pop("title", f"Signert samarbeidsavtale – {agreement.title}"),
        record_type="I",
        document_date=datetime.date(2023, 5, 1),
        status=status,
        **kw,
    )


def text(response) -> str:
    return " ".join(response.content.decode().split())


def test_agreement_page_shows_the_received_record_with_the_archives_numbers(client, world):
    agreement = world["agreement"]
    record(
        agreement,
        status=Status.RECEIVED,
        received_at=timezone.make_aware(datetime.datetime(2026, 3, 4, 12)),
        case_number="2026/123",
        record_number="2026/4567",
    )
    client.force_login(world["leader"])
    page = text(client.get(agreement.get_absolute_url()))
    assert "Arkiv" in page
    assert "Mottatt" in page
    assert "04.03.2026 (saksnr. 2026/123, journalpost 2026/4567)" in page


def test_agreement_page_shows_a_failure_with_its_reason(client, world):
    agreement = world["agreement"]
    record(agreement, status=Status.FAILED, last_error="Arkivet avviste journalposten: ukjent")
    client.force_login(world["adviser"])
    page = text(client.get(agreement.get_absolute_url()))
    assert "Feilet" in page and "Arkivet avviste journalposten: ukjent" in page
    assert reverse("archive:list") in page


def test_another_municipalitys_leader_sees_no_archive_status(client, world):
    agreement = world["agreement"]
    record(agreement, status=Status.FAILED, last_error="Arkivet avviste journalposten: ukjent")
    client.force_login(world["other_leader"])
    page = text(client.get(agreement.get_absolute_url()))
    assert "avviste journalposten" not in page


def test_list_shows_failed_first_and_not_what_is_received(client, world):
    agreement, other = world["agreement"], world["other_agreement"]
    record(agreement, status=Status.WAITING, title="Venter-tittel")
    record(other, status=Status.FAILED, title="Feilet-tittel", last_error="Nede")
    record(
        agreement,
        status=Status.RECEIVED,
        key="ilag-project-1-approval",
        kind=ArchiveRecord.Kind.PROJECT_APPROVED,
        title="Mottatt-tittel",
    )
    client.force_login(world["adviser"])
    page = text(client.get(reverse("archive:list")))
    assert page.index("Feilet-tittel") < page.index("Venter-tittel")
    assert "Mottatt-tittel" not in page
    assert "1 feilet" in page and "1 venter eller mangler kvittering" in page


def test_list_shows_only_the_programmes_the_adviser_follows(client, world):
    record(world["agreement"], status=Status.FAILED, title="Fulgt program")
    elsewhere = AgreementFactory(programme=ProgrammeFactory())
    record(elsewhere, status=Status.FAILED, title="Annet program")
    client.force_login(world["adviser"])
    page = text(client.get(reverse("archive:list")))
    assert "Fulgt program" in page and "Annet program" not in page


def test_list_queries_do_not_grow_with_the_rows(client, world):
    client.force_login(world["adviser"])
    record(world["agreement"], status=Status.FAILED)
    client.get(reverse("archive:list"))  # the first request of a session looks up more
    few = queries_to_show(client, reverse("archive:list"))
    for n in range(20):
        record(world["other_agreement"], key=f"ilag-addendum-{n}-signed", status=Status.WAITING)
    assert queries_to_show(client, reverse("archive:list")) == few


def test_retry_sends_a_failed_record_again(client, world):
    row = record(world["agreement"], status=Status.FAILED, last_error="Nede", attempts=4)
    client.force_login(world["adviser"])
    response = client.post(reverse("archive:retry", args=[row.pk]), follow=True)
    assert "er sendt til arkivet på nytt" in text(response)
    row.refresh_from_db()
    assert row.status == Status.WAITING and row.attempts == 0


def test_mark_by_hand_keeps_the_input_and_says_what_is_wrong(client, world):
    row = record(world["agreement"], status=Status.FAILED)
    client.force_login(world["adviser"])
    url = reverse("archive:mark", args=[row.pk])
    response = client.post(url, {"reference": "x" * 120})
    page = text(response)
    assert response.status_code == 200
    assert "Referansen kan være på høyst 100 tegn; den har 120." in page
    assert 'value="' + "x" * 120 + '"' in response.content.decode()

    response = client.post(url, {"reference": ""})
    assert "Skriv arkivets referanse" in text(response)

    response = client.post(url, {"reference": "2026/123-4"}, follow=True)
    assert "er merket som arkivert manuelt" in text(response)
    row.refresh_from_db()
    assert row.status == Status.BY_HAND and row.manual_reference == "2026/123-4"
    assert row.manual_by == world["adviser"]


def test_the_close_out_page_says_what_the_archive_is_missing(client, world):
    agreement, other = world["agreement"], world["other_agreement"]
    record(agreement, status=Status.RECEIVED, case_number="2026/1", record_number="2026/1")
    record(other, status=Status.FAILED, last_error="Nede")
    client.force_login(world["adviser"])
    url = reverse("archive:programme", args=[world["programme"].slug])
    # The programme page links to it (its own page: it reads every record).
    assert url in client.get(world["programme"].get_absolute_url()).content.decode()
    page = text(client.get(url))
    assert "Arkivet har mottatt 1 av 2 journalposter programmet skal arkivere." in page
    assert "1 ikke mottatt ennå" in page
    assert other.title in page and "Nede" in page
    assert agreement.title not in page.split("ikke mottatt ennå", 1)[1]


def test_the_close_out_page_pages_through_what_is_missing(client, world, monkeypatch):
    from portal.views.archive import ProgrammeArchiveView

    monkeypatch.setattr(ProgrammeArchiveView, "paginate_by", 1)
    client.force_login(world["adviser"])
    url = reverse("archive:programme", args=[world["programme"].slug])
    first, second = text(client.get(url)), text(client.get(url + "?side=2"))
    assert "2 ikke mottatt ennå" in first and "side 1 av 2" in first
    titles = {world["agreement"].title, world["other_agreement"].title}
    assert {t for t in titles if t in first} | {t for t in titles if t in second} == titles
    assert {t for t in titles if t in first} != {t for t in titles if t in second}


def test_the_close_out_is_for_advisers_of_the_programme_only(client, world):
    url = reverse("archive:programme", args=[world["programme"].slug])
    client.force_login(world["leader"])
    assert url not in client.get(world["programme"].get_absolute_url()).content.decode()
    assert client.get(url).status_code == 403
    client.force_login(adviser())  # an adviser of other programmes
    assert client.get(url).status_code == 403


def test_leader_does_not_reach_the_archive_pages(client, world):
    row = record(world["agreement"], status=Status.FAILED)
    client.force_login(world["leader"])
    assert client.get(reverse("archive:list")).status_code == 403
    assert client.post(reverse("archive:retry", args=[row.pk])).status_code == 403
    assert UserFactory() is not None


def test_a_missing_record_is_registered_from_the_close_out_page(client, world):
    """An agreement signed before the portal archived has no record: the close-out page
    offers «Registrer for arkivering», which makes it (once) as the event would have."""
    agreement = world["agreement"]
    client.force_login(world["adviser"])
    url = reverse("archive:programme", args=[world["programme"].slug])
    assert "Registrer for arkivering" in text(client.get(url))
    register = reverse("archive:register", args=[world["programme"].slug])
    data = {"kind": ArchiveRecord.Kind.AGREEMENT_SIGNED, "object": agreement.pk}

    page = text(client.post(register, data, follow=True))

    assert "er registrert og sendes til arkivet" in page
    made = ArchiveRecord.objects.get(external_key=f"ilag-agreement-{agreement.pk}-signed")
    assert made.agreement == agreement and made.kind == ArchiveRecord.Kind.AGREEMENT_SIGNED
    # Again: refused with a message, still one record.
    page = text(client.post(register, data, follow=True))
    assert "registrert for arkivering allerede" in page
    assert ArchiveRecord.objects.filter(agreement=agreement).count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "agreement_signed", "object": "abc"},
        {"kind": "agreement_signed", "object": "999999"},
        {"kind": "payment_order_made", "object": "1"},
        {"kind": "nonsense", "object": "1"},
        {},
    ],
)
def test_registering_something_that_is_not_missing_is_refused_with_a_message(client, world, data):
    client.force_login(world["adviser"])
    register = reverse("archive:register", args=[world["programme"].slug])
    response = client.post(register, data, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(
        "archive:programme", args=[world["programme"].slug]
    )
    assert not ArchiveRecord.objects.exists()
    assert 'class="alert alert-danger"' in response.content.decode()


def test_the_programme_page_counts_the_records_by_status(client, world):
    agreement, other = world["agreement"], world["other_agreement"]
    record(agreement, status=Status.RECEIVED, case_number="2026/1", record_number="2026/1")
    record(other, status=Status.FAILED, last_error="Nede")
    client.force_login(world["adviser"])
    page = text(client.get(world["programme"].get_absolute_url()))
    assert "1 mottatt, 0 venter på kvittering, 1 feilet" in page


def test_a_final_committee_report_shows_what_the_archive_has_to_advisers_only(client, world):
    from accounts.models import Role
    from reports.models import ReportOrder

    programme = world["programme"]
    order = ReportOrder.objects.create(
        kind=ReportOrder.Kind.PROGRAMME,
        programme=programme,
        ordered_by=world["adviser"],
        status=ReportOrder.Status.READY,
        is_final=True,
        meeting_organ="Hovedutvalg for næring",
        meeting_date=datetime.date(2026, 3, 1),
        data_cutoff=timezone.now(),
    )
    archived = record(
        world["agreement"],
        kind=ArchiveRecord.Kind.COMMITTEE_REPORT_FINAL,
        key=f"ilag-report-{order.pk}-final",
        report_order=order,
        title="Statusrapport til Hovedutvalg for næring",
        status=Status.RECEIVED,
        received_at=timezone.make_aware(datetime.datetime(2026, 3, 4, 12)),
        case_number="2026/123",
        record_number="2026/4567",
    )
    ArchiveRecord.objects.filter(pk=archived.pk).update(agreement=None)  # the programme's
    received = "04.03.2026 (saksnr. 2026/123, journalpost 2026/4567)"
    client.force_login(world["adviser"])
    committee = text(client.get(reverse("reports:committee")))
    assert f"Arkiv: Mottatt {received}" in " ".join(re.sub("<[^>]+>", " ", committee).split())
    detail = text(client.get(reverse("reports:detail", args=[order.pk])))
    assert "Arkiv" in detail and received in detail

    client.force_login(UserFactory(role=Role.COMMITTEE_READER))
    committee = client.get(reverse("reports:committee"))
    assert committee.status_code == 200
    assert "Hovedutvalg for næring" in text(committee)
    assert received not in text(committee)
