"""Letters -> file cards (LetterCard): the fields, the grounds, the deadline checked, pseudonyms in place.

The one entry point the application calls (`ObjectionReader.dossier`); it stores nothing. The tool prepares; the
lawyer decides: no card says whether an objection is well-founded, and a late letter is flagged for Awb 6:11,
never declared inadmissible.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path

from assistant.objections import deadlines, fields
from assistant.objections.dossier import cluster_grounds
from assistant.objections.grounds import Embed, GroundFinder, ModelReading, read_with_model
from assistant.objections.privacy import Pseudonymiser
from assistant.objections.reading import Letter, read_letter
from bronvast.schema import Dossier, Ground, LetterCard, ObjectionOptions
from bronvast.settings import Settings
from eval.structured import StructuredOutputError
from ingest.manifest import Manifests
from ingest.parsed import UnreadableFile
from ingest.sources import find_files

MODEL_INSTRUCTION = (
    "Je leest een bezwaarschrift tegen een besluit van een gemeente. Geef als JSON: de gronden van bezwaar (per grond "
    "een korte samenvatting en het citaat: de zin of zinnen uit de brief, letterlijk overgenomen), wat de indiener "
    "vraagt en waar het bestreden besluit over gaat. Beoordeel niet of het bezwaar gegrond is."
)


class ObjectionReader:
    def __init__(self, settings: Settings, embed: Embed, llm: Callable[[], object] | None = None):
        """`llm`: gives the configured LLM when the settings ask for generative summaries; None: extractive."""
        self.settings = settings
        self.embed = embed
        self.finder = GroundFinder(embed)
        self.llm = llm

    def dossier(self, paths: Iterable[Path], options: ObjectionOptions,
                on_file: Callable[[str], None] | None = None) -> Dossier:
        files, missing = find_files(paths)
        rejected = [(outcome.path.name, outcome.reason) for outcome in missing]
        manifests = Manifests()
        pseudonyms = Pseudonymiser()
        cards = []
        for path in files:
            try:
                cards.append(self.card(read_letter(path, manifests, self.settings.ingest), options, pseudonyms))
            except UnreadableFile as exc:
                rejected.append((path.name, str(exc)))
            except Exception as exc:  # a parser library tripping over a malformed file: that file, not the dossier
                rejected.append((path.name, f"kon niet worden gelezen ({type(exc).__name__})"))
            if on_file:
                on_file(path.name)
        clusters = cluster_grounds(cards, self.embed, self.settings.objections.cluster_distance) \
            if options.clusters else ()
        return Dossier(tuple(cards), tuple(clusters), tuple(rejected))

    def card(self, letter: Letter, options: ObjectionOptions, pseudonyms: Pseudonymiser) -> LetterCard:
        mentions = fields.dates_in(letter)
        written = fields.letter_date(letter, mentions) or _day(letter.mailed)
        decided = fields.decision_date(mentions, written)
        asking = fields.request_paragraphs(letter)
        request = fields.request(letter, asking)
        subject = fields.decision_subject(letter)
        notes: list[str] = []
        grounds, reading = self._grounds(letter, set(asking), notes)
        if reading is not None:
            request = reading.request or request
            subject = reading.decision_subject or subject
        received = _received(letter, options, written, notes)
        known = fields.made_known_date(mentions, decided) or decided
        term = _term(known, notes)
        timely = deadlines.timeliness(term, received, _day(letter.posted_date))
        notes += _deadline_notes(term, timely, letter.posted_date, decided)
        pro_forma = fields.is_pro_forma(letter)
        if pro_forma:
            notes.append("Pro forma: de gronden volgen nog; stel een termijn voor herstel (Awb 6:6).")
        writer = fields.sender_name(letter)
        reference = fields.decision_reference(letter)
        card = LetterCard(
            file=letter.file,
            letter_date=_iso(written),
            received_date=_iso(received),
            sender=writer if options.show_names else (pseudonyms.writer(writer) if writer else None),
            gemachtigde=fields.representative(letter),
            decision_date=_iso(decided),
            decision_reference=reference,
            decision_subject=subject,
            grounds=tuple(grounds),
            request=request,
            hearing_requested=fields.hearing_requested(letter),
            pro_forma=pro_forma,
            missing=tuple(_missing(letter, written, decided or reference or subject, grounds, writer)),
            deadline=_iso(term.last_day) if term else None,
            on_time=timely.on_time,
            on_time_reason=timely.reason,
            decision_deadline=_iso(deadlines.decision_deadline(term, options.committee)) if term else None,
            notes=tuple(notes),
            text=letter.text,
        )
        return card if options.show_names else _pseudonymised(card, pseudonyms, writer)

    def _grounds(self, letter: Letter, asking: set[int], notes: list[str]) -> tuple[list[Ground], ModelReading | None]:
        """The model's reading when one is configured (its quotes checked), else (or when it fails) the extract."""
        if self.llm is not None:
            try:
                grounds, reading = read_with_model(self.llm(), letter, MODEL_INSTRUCTION)
            except StructuredOutputError as exc:
                notes.append(f"Het taalmodel gaf geen bruikbare samenvatting ({exc}); de gronden zijn uit de brief "
                             "zelf gehaald.")
            else:
                unverified = sum(not ground.quote_verified for ground in grounds)
                if unverified:
                    notes.append(f"{unverified} citaat/citaten van het taalmodel niet teruggevonden in de brief: "
                                 "controleer ze.")
                return grounds, reading
        return self.finder.grounds(letter, asking), None


def _term(made_known: date | None, notes: list[str]) -> deadlines.ObjectionTerm | None:
    if made_known is None:
        return None
    try:
        return deadlines.objection_term(made_known)
    except ValueError as exc:  # a year the holiday rules do not cover (before 2014): a misread date, most likely
        notes.append(f"Geen termijn berekend voor een besluit van {made_known.isoformat()}: {exc}.")
        return None


def _received(letter: Letter, options: ObjectionOptions, written: date | None, notes: list[str]) -> date | None:
    if letter.received_date:
        return _day(letter.received_date)
    if options.received:
        return options.received
    if written:
        notes.append("Geen ontvangstdatum (e-mail, manifest of --received): de datum van de brief is gebruikt.")
        return written
    return None


def _deadline_notes(term, timely, posted: str | None, decided: date | None) -> list[str]:
    notes = []
    if term and term.moved_by:
        notes.append(f"De termijn eindigde op {deadlines.dutch_date(term.statutory_last_day)} en loopt door tot "
                     f"{deadlines.dutch_date(term.last_day)}: {term.moved_by}.")
    if term and term.made_known != decided:
        notes.append(f"De termijn is gerekend vanaf de verzending of bekendmaking op "
                     f"{deadlines.dutch_date(term.made_known)} die de brief noemt (Awb 6:8).")
    elif term:
        notes.append("De termijn is gerekend vanaf de datum van het besluit; is het later bekendgemaakt (Awb 6:8), "
                     "reken dan vanaf die dag.")
    if term and term.note:
        notes.append(term.note)
    if timely.check_excusable:
        notes.append("Te laat: beoordeel of de termijnoverschrijding verschoonbaar is (Awb 6:11).")
    if posted:
        notes.append(f"Per post verzonden op {posted} (Awb 6:9 lid 2).")
    return notes


def _missing(letter: Letter, written, decision_named, grounds, writer) -> list[str]:
    """The Awb 6:5 elements the letter lacks, as far as text can show them (a signature is read from the closing
    and the name under it; a scanned handwritten signature without a name is not seen). `decision_named`: its
    date, kenmerk or subject, whichever the letter gives."""
    missing = []
    if not writer or not fields.has_address(letter):
        missing.append("naam en adres")
    if written is None:
        missing.append("datum")
    if fields.signature_name(letter) is None:
        missing.append("ondertekening")
    if not decision_named:
        missing.append("omschrijving van het besluit")
    if not grounds:
        missing.append("gronden")
    return missing


def _pseudonymised(card: LetterCard, pseudonyms: Pseudonymiser, writer: str | None) -> LetterCard:
    def hide(text: str | None) -> str | None:
        return pseudonyms.text(text, writer) if text else text

    grounds = tuple(replace(g, summary=hide(g.summary), quote=hide(g.quote)) for g in card.grounds)
    # the representative's name line is a firm's (an advocatenkantoor, a rechtsbijstandverzekeraar): kept as named
    return replace(card, grounds=grounds, request=hide(card.request), decision_subject=hide(card.decision_subject),
                   text=hide(card.text))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
