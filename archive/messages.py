"""Fiks Arkiv V1 messages: what the portal sends to the county's Noark 5 archive, and
what it reads back. Pure functions over small dataclasses; no models, no transport.

The schemas are KS' published Fiks Arkiv V1 XSDs, copied unchanged into
`archive/schemas/fiks-arkiv-v1/` (settings.FIKS_ARKIV_SCHEMA_DIR points elsewhere if
set). Every message built here is validated against them before it is returned, and
every receipt is validated before it is read.

How the portal's concepts map onto the schema (arkivmelding.opprett):

- One message carries one case folder and one record. `arkivmelding` holds `mappe` and
  `registrering` as siblings (the schema has no nesting); the record names its folder
  in `registrering/referanseForelderMappe/referanseEksternNoekkel`, the same key the
  folder carries. Every message repeats the folder, so the archive finds an existing
  folder by its key or creates it: the sender needs no state of its own.
- Case folder: `mappe` with `xsi:type="saksmappe"`. referanseEksternNoekkel is
  fagsystem=SYSTEM_ID, noekkel=case.external_key. public_title -> offentligTittel
  (left out when empty: the archive then derives it), responsible -> saksansvarlig/navn.
- Record: `registrering` with `xsi:type="journalpost"`; record_type -> journalposttype
  (kode I/U/X/N with its Noark 5 description), document_date -> dokumentetsDato,
  created -> opprettetDato, number of attachments -> antallVedlegg. journalstatus,
  journaldato, arkivdel, klassifikasjon and saksstatus are left to the archive's rules
  for the sending system (`arkivmelding/system`), as Fiks Arkiv intends.
- Political case number ("PS 45/26"): the schema has no element for it, so it goes into
  a `merknad` (merknadstekst "Politisk saksnummer: PS 45/26", no merknadstype, since
  the Noark 5 code list has no fitting code) on the folder and/or the record.
- Parties: `korrespondansepart` on the record; role -> korrespondanseparttype from the
  Noark 5 code list (mottaker EM, avsender EA, kopimottaker EK), organisation_number ->
  organisasjonid.
- Files: one `dokumentbeskrivelse` per file, numbered (dokumentnummer) 1..n with the
  main document first; tilknyttetRegistreringSom H (hoveddokument) or V (vedlegg);
  dokumentstatus F (ferdigstilt). Each has one `dokumentobjekt`: versjonsnummer 1,
  variantformat A (arkivformat) for PDF/A and P (produksjonsformat) otherwise,
  format as a kode ("PDF/A", "PDF", "DOCX" ...) with formatDetaljer ("PDF/A-2b") when
  the PDF declares it, mimeType, filnavn (the name the user knows), referanseDokumentfil
  (the ASCII name of the file inside the package, see `package_files`), sjekksum
  (SHA-256, hex) with sjekksumAlgoritme "SHA256", and filstoerrelse in bytes.
- antallFiler is the number of files in the package, arkivmelding.xml not counted.

Receipts (arkivmelding.opprett.kvittering): `mappeKvittering` (saksmappeKvittering) and
`registreringKvittering` (journalpostKvittering) give the archive's systemIDs, case
number (saksaar/sakssekvensnummer) and journal number (journalaar/journalsekvensnummer).

Errors: the schemas define one error shape, `feilmeldingBase` (feilId, feilmelding, in
the feilmelding namespace), and use it inside the receipt as `mappeFeilet` and
`registreringFeilet`. That is what `parse_receipt` turns into ReceiptRejected and what
`parse_error` reads. The separate Fiks Arkiv error message types (for a request the
archive cannot read at all) have no schema in this set; they extend the same
feilmeldingBase, so `parse_error` also reads any document whose root element holds
feilId and feilmelding in that namespace, without schema validation.

Untrusted XML: everything read is parsed with lxml without entity resolution, DTD
loading or network access, and a document with a DOCTYPE is refused outright: no Fiks
Arkiv message has one.
"""

import hashlib
import re
import unicodedata
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

from django.conf import settings
from lxml import etree

SYSTEM_ID = "ilag"

NS = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v1"
NS_RECEIPT = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/kvittering/v1"
NS_ERROR = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/feil/feilmelding/v1"
NS_MDK = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"

DEFAULT_SCHEMA_DIR = Path(__file__).resolve().parent / "schemas" / "fiks-arkiv-v1"
SCHEMA_FILES = {
    "arkivmelding": "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.xsd",
    "kvittering": "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.kvittering.xsd",
}

# Noark 5 code lists (kode -> beskrivelse) for the values the portal sends.
RECORD_TYPES = {
    "I": "Inngående dokument",
    "U": "Utgående dokument",
    "N": "Organinternt dokument for oppfølging",
    "X": "Organinternt dokument uten oppfølging",
}
PARTY_TYPES = {
    "avsender": ("EA", "Avsender"),
    "mottaker": ("EM", "Mottaker"),
    "kopimottaker": ("EK", "Kopimottaker"),
}
MAIN_DOCUMENT = ("H", "Hoveddokument")
ATTACHMENT = ("V", "Vedlegg")
DOCUMENT_FINISHED = ("F", "Dokumentet er ferdigstilt")
ARCHIVE_FORMAT = ("A", "Arkivformat")
PRODUCTION_FORMAT = ("P", "Produksjonsformat")
CHECKSUM_ALGORITHM = "SHA256"

# Format codes by MIME type, for files that are not PDF (PDF is told apart by content).
FORMATS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
    "application/msword": "DOC",
    "application/vnd.ms-excel": "XLS",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/tiff": "TIFF",
    "text/plain": "TXT",
    "text/csv": "CSV",
    "application/xml": "XML",
    "text/xml": "XML",
}

ORGANISATION_NUMBER = re.compile(r"\d{9}")


class ArchiveMessageError(Exception):
    """Base for the errors below; `errors` holds one readable line per problem."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("; ".join(self.errors))


class MessageInvalid(ArchiveMessageError):
    """An archive message (ours) is not well-formed or not valid against the schema."""


class ReceiptInvalid(ArchiveMessageError):
    """What came back from the archive is not a receipt we can read."""


class ReceiptRejected(ArchiveMessageError):
    """A valid receipt in which the archive reports that it did not archive the record."""


@dataclass(frozen=True)
class Party:
    """A korrespondansepart of the record."""

    name: str
    organisation_number: str = ""
    role: str = "mottaker"

    def __post_init__(self):
        if self.role not in PARTY_TYPES:
            raise ValueError(f"Unknown party role {self.role!r}; one of {sorted(PARTY_TYPES)}.")
        if self.organisation_number and not ORGANISATION_NUMBER.fullmatch(self.organisation_number):
            raise ValueError(
                f"Organisation number {self.organisation_number!r} is not nine digits."
            )


@dataclass(frozen=True)
class ArchiveFile:
    """One document of the record: a dokumentbeskrivelse with one dokumentobjekt."""

    title: str
    filename: str
    content: bytes
    mime_type: str
    main: bool = True

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def pdfa_version(self) -> str:
        """The PDF/A version ("PDF/A-2b") the file declares in its XMP metadata, or "" if none."""
        if not self.content.startswith(b"%PDF-"):
            return ""
        return _pdfa_version(self.content)

    @property
    def format(self) -> str:
        """The format code: "PDF/A", "PDF", "DOCX", ... (the MIME subtype as a last resort)."""
        if self.content.startswith(b"%PDF-") or self.mime_type == "application/pdf":
            return "PDF/A" if self.pdfa_version else "PDF"
        if self.mime_type in FORMATS:
            return FORMATS[self.mime_type]
        return self.mime_type.rpartition("/")[2].upper() or "UKJENT"


@dataclass(frozen=True)
class CaseFolder:
    """A saksmappe, found again by its external key."""

    external_key: str
    title: str
    public_title: str = ""
    responsible: str = ""
    political_case_number: str = ""


@dataclass(frozen=True)
class Record:
    """A journalpost with its parties and documents, found again by its external key."""

    external_key: str
    title: str
    record_type: str
    document_date: date
    parties: tuple[Party, ...]
    files: tuple[ArchiveFile, ...]
    public_title: str = ""
    political_case_number: str = ""

    def __post_init__(self):
        if self.record_type not in RECORD_TYPES:
            raise ValueError(
                f"Unknown record type {self.record_type!r}; one of {sorted(RECORD_TYPES)}."
            )
        mains = sum(1 for file in self.files if file.main)
        if self.files and mains != 1:
            raise ValueError(f"A record has exactly one main document, not {mains}.")

    @property
    def documents(self) -> tuple[ArchiveFile, ...]:
        """The files in document-number order: the main document first."""
        return tuple(sorted(self.files, key=lambda file: not file.main))


@dataclass(frozen=True)
class Receipt:
    """What the archive's receipt says about the case folder and the record."""

    record_key: str
    case_key: str
    case_system_id: str
    case_number: str
    record_system_id: str
    record_number: str
    # Added: the record's number within its case ("2026/123-4", what users quote), and
    # whether the archive already had the record (a repeated message).
    case_record_number: str = ""
    record_existed: bool = False


# --- building --------------------------------------------------------------------------


def package_files(record: Record) -> dict[str, bytes]:
    """The files to put in the message package, by the name arkivmelding.xml gives them
    (referanseDokumentfil): ASCII, numbered in document order, so always unique."""
    return {
        name: file.content
        for name, file in zip(_package_names(record), record.documents, strict=True)
    }


def arkivmelding(*, case: CaseFolder, record: Record, created: datetime | None = None) -> bytes:
    """The arkivmelding.opprett XML (UTF-8) creating or finding `case` and filing
    `record` in it; validated against the schema (MessageInvalid if it is not)."""
    created = created or datetime.now(UTC)
    if created.tzinfo is None:
        raise ValueError("created must be timezone-aware.")
    timestamp = created.isoformat(timespec="seconds")

    root = etree.Element(_q("arkivmelding"), nsmap={None: NS, "xsi": NS_XSI, "n5mdk": NS_MDK})
    _add(root, "system", SYSTEM_ID)
    _add(root, "antallFiler", str(len(record.files)))

    folder = _add(root, "mappe")
    folder.set(f"{{{NS_XSI}}}type", "saksmappe")
    _add(folder, "tittel", case.title)
    if case.public_title:
        _add(folder, "offentligTittel", case.public_title)
    if case.political_case_number:
        _add_note(folder, case.political_case_number)
    _add_key(folder, "referanseEksternNoekkel", case.external_key)
    if case.responsible:
        responsible = _add(folder, "saksansvarlig")
        _add_mdk(responsible, "navn", case.responsible)

    entry = _add(root, "registrering")
    entry.set(f"{{{NS_XSI}}}type", "journalpost")
    _add(entry, "opprettetDato", timestamp)
    parent = _add(entry, "referanseForelderMappe")
    _add_key(parent, "referanseEksternNoekkel", case.external_key, namespace=NS_MDK)
    names = _package_names(record)
    for number, (file, name) in enumerate(zip(record.documents, names, strict=True), 1):
        _add_document(entry, file, number=number, package_name=name)
    _add(entry, "tittel", record.title)
    if record.public_title:
        _add(entry, "offentligTittel", record.public_title)
    if record.political_case_number:
        _add_note(entry, record.political_case_number)
    for party in record.parties:
        _add_party(entry, party)
    _add_key(entry, "referanseEksternNoekkel", record.external_key)
    _add_code(entry, "journalposttype", record.record_type, RECORD_TYPES[record.record_type])
    _add(entry, "dokumentetsDato", record.document_date.isoformat())
    _add(entry, "antallVedlegg", str(sum(1 for file in record.files if not file.main)))

    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    validate(xml, "arkivmelding")
    return xml


def _add_document(entry, file: ArchiveFile, *, number: int, package_name: str) -> None:
    document = _add(entry, "dokumentbeskrivelse")
    _add_code(document, "dokumentstatus", *DOCUMENT_FINISHED)
    _add(document, "tittel", file.title)
    _add_code(document, "tilknyttetRegistreringSom", *(MAIN_DOCUMENT if file.main else ATTACHMENT))
    _add(document, "dokumentnummer", str(number))
    obj = _add(document, "dokumentobjekt")
    _add(obj, "versjonsnummer", "1")
    pdfa = file.pdfa_version
    _add_code(obj, "variantformat", *(ARCHIVE_FORMAT if pdfa else PRODUCTION_FORMAT))
    _add_code(obj, "format", file.format)
    if pdfa:
        _add(obj, "formatDetaljer", pdfa)
    _add(obj, "mimeType", file.mime_type)
    _add(obj, "filnavn", file.filename)
    _add(obj, "referanseDokumentfil", package_name)
    _add(obj, "sjekksum", file.sha256)
    _add(obj, "sjekksumAlgoritme", CHECKSUM_ALGORITHM)
    _add(obj, "filstoerrelse", str(file.size))


def _add_party(entry, party: Party) -> None:
    element = _add(entry, "korrespondansepart")
    _add_code(element, "korrespondanseparttype", *PARTY_TYPES[party.role])
    _add(element, "korrespondansepartNavn", party.name)
    if party.organisation_number:
        _add(element, "organisasjonid", party.organisation_number)


def _add_note(parent, political_case_number: str) -> None:
    note = _add(parent, "merknad")
    _add(note, "merknadstekst", f"Politisk saksnummer: {political_case_number}")


def _add_key(parent, tag: str, key: str, *, namespace: str = NS) -> None:
    element = etree.SubElement(parent, f"{{{namespace}}}{tag}")
    _add_mdk(element, "fagsystem", SYSTEM_ID)
    _add_mdk(element, "noekkel", key)


def _add_code(parent, tag: str, code: str, description: str = "") -> None:
    element = _add(parent, tag)
    _add_mdk(element, "kode", code)
    if description:
        _add_mdk(element, "beskrivelse", description)


def _add(parent, tag: str, text: str | None = None):
    element = etree.SubElement(parent, _q(tag))
    element.text = text
    return element


def _add_mdk(parent, tag: str, text: str):
    element = etree.SubElement(parent, f"{{{NS_MDK}}}{tag}")
    element.text = text
    return element


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _package_names(record: Record) -> list[str]:
    return [
        f"{number:02d}-{_ascii_name(file.filename)}"
        for number, file in enumerate(record.documents, 1)
    ]


def _ascii_name(filename: str) -> str:
    """An ASCII file name: "Søknad om tilskudd (2).pdf" -> "soknad-om-tilskudd-2.pdf"."""
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""
    stem = stem.translate(str.maketrans({"æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O"}))
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-").lower() or "dokument"
    extension = re.sub(r"[^A-Za-z0-9]", "", extension).lower()
    return f"{stem}.{extension}" if extension else stem


_PDFA_PART = re.compile(rb"pdfaid:part(?:\s*=\s*[\"']|>)\s*(\d)")
_PDFA_CONFORMANCE = re.compile(rb"pdfaid:conformance(?:\s*=\s*[\"']|>)\s*([A-Za-z])")
_METADATA_STREAM = re.compile(rb"<<[^<>]*/Type\s*/Metadata[^<>]*>>\s*stream\r?\n")


def _pdfa_version(content: bytes) -> str:
    """The PDF/A identification in the PDF's XMP metadata, which may be Flate-compressed
    (WeasyPrint compresses it)."""
    for packet in _xmp_packets(content):
        part = _PDFA_PART.search(packet)
        if part:
            conformance = _PDFA_CONFORMANCE.search(packet)
            level = conformance.group(1).decode().lower() if conformance else ""
            return f"PDF/A-{part.group(1).decode()}{level}"
    return ""


def _xmp_packets(content: bytes):
    yield content  # uncompressed metadata is found in the raw bytes
    for match in _METADATA_STREAM.finditer(content):
        if b"/FlateDecode" not in match.group(0):
            continue
        end = content.find(b"endstream", match.end())
        try:
            yield zlib.decompressobj().decompress(content[match.end() : end], 1_000_000)
        except zlib.error:
            continue


# --- reading and validating --------------------------------------------------------------


def schema_dir() -> Path:
    configured = getattr(settings, "FIKS_ARKIV_SCHEMA_DIR", "") if settings.configured else ""
    return Path(configured) if configured else DEFAULT_SCHEMA_DIR


@cache
def _schema(path: Path) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(path), parser))


def schema(kind: str) -> etree.XMLSchema:
    """The compiled XSD for `kind` ("arkivmelding" or "kvittering")."""
    if kind not in SCHEMA_FILES:
        raise ValueError(f"Unknown message kind {kind!r}; one of {sorted(SCHEMA_FILES)}.")
    return _schema(schema_dir() / SCHEMA_FILES[kind])


def parse_xml(xml: bytes, *, error=MessageInvalid):
    """The parsed document; `error` if it is not well-formed or carries a DOCTYPE.
    Entities are never resolved and nothing is fetched, so hostile XML stays inert."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(xml, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise error([f"Not well-formed XML: {exc}"]) from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise error(["A DOCTYPE is not allowed in a Fiks Arkiv message."])
    return root


def validate(xml: bytes, kind: str) -> None:
    """Raise MessageInvalid, one readable line per problem, unless `xml` is a valid
    `kind` ("arkivmelding" or "kvittering") message."""
    _valid_root(xml, kind, error=MessageInvalid)


def _valid_root(xml: bytes, kind: str, *, error):
    xsd = schema(kind)
    root = parse_xml(xml, error=error)
    if not xsd.validate(root.getroottree()):
        raise error([_readable(entry) for entry in xsd.error_log])
    return root


def _readable(entry) -> str:
    # "Element '{https://...}tittel': ..." -> "Element 'tittel': ..."
    return f"line {entry.line}: " + re.sub(r"\{[^}]*\}", "", entry.message)


def parse_receipt(xml: bytes) -> Receipt:
    """The archive's receipt, read after validation. ReceiptInvalid if it is not a valid
    receipt for a record; ReceiptRejected if the archive reports an error instead."""
    root = _valid_root(xml, "kvittering", error=ReceiptInvalid)
    failures = _failures(root)
    if failures:
        raise ReceiptRejected(failures)
    folder = root.find(_r("mappeKvittering"))
    entry = root.find(_r("registreringKvittering"))
    if entry is None:
        raise ReceiptInvalid(["The receipt says nothing about the record."])
    case_number = _number(folder, "saksaar", "sakssekvensnummer")
    entry_in_case = _text(entry, "journalpostnummer")
    return Receipt(
        record_key=_key(entry),
        case_key=_key(folder),
        case_system_id=_text(folder, "systemID"),
        case_number=case_number,
        record_system_id=_text(entry, "systemID"),
        record_number=_number(entry, "journalaar", "journalsekvensnummer"),
        case_record_number=f"{case_number}-{entry_in_case}"
        if case_number and entry_in_case
        else "",
        record_existed=_text(entry, "opprettetEllerEksisterende") == "Eksisterende",
    )


def parse_error(xml: bytes) -> str:
    """The archive's error message as readable text ("<feilmelding> (feil-ID <feilId>)").
    Reads the failures of a receipt (mappeFeilet, registreringFeilet) and any message whose
    root holds feilId and feilmelding; ReceiptInvalid if `xml` holds no error."""
    root = parse_xml(xml, error=ReceiptInvalid)
    failures = _failures(root)
    if not failures and root.find(_e("feilmelding")) is not None:
        failures = [_failure(root)]
    if not failures:
        raise ReceiptInvalid(["The message holds no error."])
    return "; ".join(failures)


def _failures(root) -> list[str]:
    found = []
    for tag, what in (("mappeFeilet", "saksmappe"), ("registreringFeilet", "journalpost")):
        element = root.find(_r(tag))
        if element is not None:
            found.append(f"{what}: {_failure(element)}")
    # One error for both reads better once.
    if len(found) == 2 and found[0].partition(": ")[2] == found[1].partition(": ")[2]:
        return [found[0].partition(": ")[2]]
    return found


def _failure(element) -> str:
    message = (element.findtext(_e("feilmelding")) or "").strip() or "(ingen feilmelding)"
    error_id = (element.findtext(_e("feilId")) or "").strip()
    return f"{message} (feil-ID {error_id})" if error_id else message


def _key(element) -> str:
    if element is None:
        return ""
    return element.findtext(f"{_r('referanseEksternNoekkel')}/{{{NS_MDK}}}noekkel") or ""


def _text(element, tag: str) -> str:
    if element is None:
        return ""
    return (element.findtext(_r(tag)) or "").strip()


def _number(element, year_tag: str, sequence_tag: str) -> str:
    year, sequence = _text(element, year_tag), _text(element, sequence_tag)
    return f"{year}/{sequence}" if year and sequence else ""


def _r(tag: str) -> str:
    return f"{{{NS_RECEIPT}}}{tag}"


def _e(tag: str) -> str:
    return f"{{{NS_ERROR}}}{tag}"
