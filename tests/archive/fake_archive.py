"""A fake Noark 5 archive behind Fiks Arkiv, for tests.

`FakeArchive.receive(xml, files)` does what the county's archive does with an
arkivmelding.opprett: it validates the message against the schema, checks that the
package holds exactly the files the message names with the size and SHA-256 it states,
files the record in the case folder with the same external key (creating the folder
the first time, numbered 2026/1, 2026/2, ...), gives the record the next journal number,
and answers with a receipt valid against the kvittering schema. A message for a record
key it already holds changes nothing and gets the same identifiers back, marked
"Eksisterende". What it refuses it answers with an error receipt (mappeFeilet and
registreringFeilet), as the archive does.

`fail_next(n, kind)` makes the next n calls fail: "error" answers with an error receipt,
"down" raises ConnectionError, like a transport that cannot reach Fiks.
"""

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lxml import etree

from archive import messages
from archive.messages import NS, NS_ERROR, NS_MDK, NS_RECEIPT, NS_XSI


@dataclass
class FakeCase:
    key: str
    system_id: str
    year: int
    sequence: int
    title: str
    records: list[str] = field(default_factory=list)

    @property
    def number(self) -> str:
        return f"{self.year}/{self.sequence}"


@dataclass
class FakeRecord:
    key: str
    case_key: str
    system_id: str
    year: int
    sequence: int
    number_in_case: int
    title: str
    record_type: str
    files: dict[str, bytes]
    documents: list[tuple[int, str, str]]  # (dokumentnummer, systemID, dokumentobjekt systemID)
    message: bytes

    @property
    def number(self) -> str:
        return f"{self.year}/{self.sequence}"


class FakeArchive:
    def __init__(self, *, year: int = 2026):
        self.year = year
        self.cases: dict[str, FakeCase] = {}
        self.records: dict[str, FakeRecord] = {}
        self.calls = 0
        self.refused: list[str] = []
        self._failures: list[str] = []
        self._next_journal = 1

    def fail_next(self, n: int = 1, kind: str = "error") -> None:
        if kind not in ("error", "down"):
            raise ValueError(f"Unknown failure kind {kind!r}.")
        self._failures.extend([kind] * n)

    def receive(self, xml: bytes, files: dict[str, bytes]) -> bytes:
        """The archive's answer to one arkivmelding with its package of files."""
        self.calls += 1
        if self._failures:
            kind = self._failures.pop(0)
            if kind == "down":
                raise ConnectionError("Fiks IO is not reachable (fake archive is down).")
            return self._refuse("Arkivet kunne ikke behandle meldingen nå. Prøv igjen senere.")
        try:
            messages.validate(xml, "arkivmelding")
        except messages.MessageInvalid as exc:
            return self._refuse(f"Meldingen er ikke gyldig mot skjema: {exc}")
        root = messages.parse_xml(xml)
        problems = self._file_problems(root, files)
        if problems:
            return self._refuse("; ".join(problems))

        folder = root.find(_m("mappe"))
        entry = root.find(_m("registrering"))
        if folder is None or entry is None:
            return self._refuse("Meldingen må ha både mappe og registrering.")
        case_key = _key(folder.find(_m("referanseEksternNoekkel")))
        parent_key = _key(
            entry.find(f"{_m('referanseForelderMappe')}/{_d('referanseEksternNoekkel')}")
        )
        record_key = _key(entry.find(_m("referanseEksternNoekkel")))
        if not case_key or not record_key or parent_key != case_key:
            return self._refuse("Registreringen må peke på mappen med referanseEksternNoekkel.")

        case_existed = case_key in self.cases
        case = self.cases.get(case_key) or self._new_case(case_key, folder)
        record_existed = record_key in self.records
        record = self.records.get(record_key) or self._new_record(
            record_key, case, entry, files, xml
        )
        return self._receipt(case, record, case_existed=case_existed, record_existed=record_existed)

    # --- archiving ---------------------------------------------------------------------

    def _new_case(self, key: str, folder) -> FakeCase:
        case = FakeCase(
            key=key,
            system_id=str(uuid.uuid4()),
            year=self.year,
            sequence=len(self.cases) + 1,
            title=folder.findtext(_m("tittel")),
        )
        self.cases[key] = case
        return case

    def _new_record(self, key: str, case: FakeCase, entry, files, xml) -> FakeRecord:
        documents = [
            (int(document.findtext(_m("dokumentnummer"))), str(uuid.uuid4()), str(uuid.uuid4()))
            for document in entry.findall(_m("dokumentbeskrivelse"))
        ]
        record = FakeRecord(
            key=key,
            case_key=case.key,
            system_id=str(uuid.uuid4()),
            year=self.year,
            sequence=self._next_journal,
            number_in_case=len(case.records) + 1,
            title=entry.findtext(_m("tittel")),
            record_type=entry.findtext(f"{_m('journalposttype')}/{_d('kode')}"),
            files=dict(files),
            documents=documents,
            message=xml,
        )
        self._next_journal += 1
        case.records.append(key)
        self.records[key] = record
        return record

    def _file_problems(self, root, files: dict[str, bytes]) -> list[str]:
        problems = []
        objects = root.findall(f".//{_m('dokumentobjekt')}")
        named = {obj.findtext(_m("referanseDokumentfil")): obj for obj in objects}
        count = int(root.findtext(_m("antallFiler")))
        if count != len(files):
            problems.append(f"antallFiler er {count}, men pakken har {len(files)} filer")
        for name in sorted(set(files) - set(named)):
            problems.append(f"filen {name} er ikke nevnt i meldingen")
        for name, obj in named.items():
            if name not in files:
                problems.append(f"filen {name} mangler i pakken")
                continue
            size = obj.findtext(_m("filstoerrelse"))
            if size is not None and int(size) != len(files[name]):
                problems.append(f"filen {name} har {len(files[name])} byte, ikke {size}")
            checksum = obj.findtext(_m("sjekksum"))
            if checksum is not None:
                actual = hashlib.sha256(files[name]).hexdigest()
                if obj.findtext(_m("sjekksumAlgoritme")) != "SHA256":
                    problems.append(f"filen {name}: ukjent sjekksumalgoritme")
                elif actual != checksum.lower():
                    problems.append(f"filen {name} stemmer ikke med sjekksummen (SHA256)")
        return problems

    # --- answering ---------------------------------------------------------------------

    def _receipt(
        self, case: FakeCase, record: FakeRecord, *, case_existed: bool, record_existed: bool
    ) -> bytes:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        root = etree.Element(_r("arkivmeldingKvittering"), nsmap=_NSMAP)
        folder = _sub(root, "mappeKvittering")
        folder.set(f"{{{NS_XSI}}}type", "saksmappeKvittering")
        _sub(folder, "systemID", case.system_id)
        _sub(folder, "opprettetDato", now)
        _add_key(folder, case.key)
        _sub(folder, "opprettetEllerEksisterende", _state(case_existed))
        _sub(folder, "saksaar", str(case.year))
        _sub(folder, "sakssekvensnummer", str(case.sequence))

        entry = _sub(root, "registreringKvittering")
        entry.set(f"{{{NS_XSI}}}type", "journalpostKvittering")
        _sub(entry, "systemID", record.system_id)
        _sub(entry, "opprettetDato", now)
        for number, document_id, object_id in record.documents:
            document = _sub(entry, "dokumentbeskrivelseKvittering")
            _sub(document, "systemID", document_id)
            _sub(document, "dokumentnummer", str(number))
            obj = _sub(document, "dokumentobjekt")
            _sub(obj, "systemID", object_id)
            _sub(obj, "versjonsnummer", "1")
        _add_key(entry, record.key)
        _sub(entry, "opprettetEllerEksisterende", _state(record_existed))
        _sub(entry, "journalaar", str(record.year))
        _sub(entry, "journalsekvensnummer", str(record.sequence))
        _sub(entry, "journalpostnummer", str(record.number_in_case))
        journal_type = _sub(entry, "journalposttype")
        etree.SubElement(journal_type, f"{{{NS_MDK}}}kode").text = record.record_type
        return _serialise(root)

    def _refuse(self, message: str) -> bytes:
        """An error receipt: neither folder nor record was archived."""
        self.refused.append(message)
        return error_receipt(message)


def error_receipt(message: str, *, error_id: str | None = None) -> bytes:
    """A receipt (valid against the kvittering schema) reporting that nothing was archived."""
    error_id = error_id or str(uuid.uuid4())
    root = etree.Element(_r("arkivmeldingKvittering"), nsmap=_NSMAP)
    for tag in ("mappeFeilet", "registreringFeilet"):
        failed = _sub(root, tag)
        etree.SubElement(failed, f"{{{NS_ERROR}}}feilId").text = error_id
        etree.SubElement(failed, f"{{{NS_ERROR}}}feilmelding").text = message
    return _serialise(root)


_NSMAP = {None: NS_RECEIPT, "xsi": NS_XSI, "n5mdk": NS_MDK, "feil": NS_ERROR}


def _serialise(root) -> bytes:
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    messages.validate(xml, "kvittering")  # the fake never answers what a real archive could not
    return xml


def _state(existed: bool) -> str:
    return "Eksisterende" if existed else "Opprettet"


def _add_key(parent, key: str) -> None:
    element = _sub(parent, "referanseEksternNoekkel")
    etree.SubElement(element, f"{{{NS_MDK}}}fagsystem").text = messages.SYSTEM_ID
    etree.SubElement(element, f"{{{NS_MDK}}}noekkel").text = key


def _key(element) -> str:
    if element is None:
        return ""
    return element.findtext(_d("noekkel")) or ""


def _sub(parent, tag: str, text: str | None = None):
    element = etree.SubElement(parent, _r(tag))
    element.text = text
    return element


def _m(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _d(tag: str) -> str:
    return f"{{{NS_MDK}}}{tag}"


def _r(tag: str) -> str:
    return f"{{{NS_RECEIPT}}}{tag}"
