"""Statutory deadlines of an objection (bezwaar): the objection term, whether a letter was on time, and the term
within which the administrative body must decide. Computed from the texts of the law, not from rules of thumb.

Sources, as read (Algemene wet bestuursrecht, BWBR0005537; Algemene termijnenwet, BWBR0002448):

- Awb 6:7: "De termijn voor het indienen van een bezwaar- of beroepschrift bedraagt zes weken."
- Awb 6:8 lid 1: "De termijn vangt aan met ingang van de dag na die waarop het besluit op de voorgeschreven wijze is
  bekendgemaakt." So for a decision made known on day D the term runs from D+1 up to and including D+42.
- Awb 6:9 lid 1: on time "indien het voor het einde van de termijn is ontvangen"; lid 2: "Bij verzending per post
  ... tijdig ingediend indien het voor het einde van de termijn ter post is bezorgd, mits het niet later dan een
  week na afloop van de termijn is ontvangen." Electronic sending has no rule of its own in 6:9: it counts by the
  moment of receipt, so the caller passes the date the message reached the body's system as `received`.
- Awb 6:10: a letter filed before the term began is not declared inadmissible for that reason if the decision had
  already been taken then, or the objector could reasonably think so; handling may wait until the term begins.
- Awb 6:11: a late letter stays admissible "indien redelijkerwijs niet kan worden geoordeeld dat de indiener in
  verzuim is geweest". That is a judgement for the lawyer; this module only flags it.
- Awb 7:10 lid 1: the body decides "binnen zes weken of - indien een commissie als bedoeld in artikel 7:13 is
  ingesteld - binnen twaalf weken, gerekend vanaf de dag na die waarop de termijn voor het indienen van het
  bezwaarschrift is verstreken"; lid 2: the term is suspended from the day after the objector is asked to repair
  an omission (6:6) until it is repaired or the repair term has passed unused.
- Atw art. 1 lid 1: a statutory term ending on a Saturday, Sunday or generally recognised holiday is extended "tot
  en met de eerstvolgende dag die niet een zaterdag, zondag of algemeen erkende feestdag is". Lid 2 excludes terms
  counted backwards; none of the terms here is.
- Atw art. 2: a term "van ten minste drie dagen wordt, zo nodig, zoveel verlengd, dat daarin ten minste twee dagen
  voorkomen die niet een zaterdag, zondag of algemeen erkende feestdag zijn".
- Atw art. 3 lid 1: the holidays are "de Nieuwjaarsdag, de Christelijke tweede Paas- en Pinksterdag, de beide
  Kerstdagen, de Hemelvaartsdag, de dag waarop de verjaardag van de Koning wordt gevierd en de vijfde mei"; lid 2
  equates Good Friday; lid 3 lets the Crown equate further days by royal decree (koninklijk besluit), published in
  the Staatscourant.
- Atw art. 4 sub a: the Act does not apply to terms "omschreven in uren, in meer dan 90 dagen, in meer dan twaalf
  weken, in meer dan drie maanden, of in een of meer jaren". Six and twelve weeks are not more than twelve weeks,
  so the Act applies to every term computed here.

Royal-decree days (Atw art. 3 lid 3, in practice bridge days such as the Friday after Ascension Day) are set per
period and cannot be computed. Callers who know them pass them as `equated_days`; when a term ends on a working day
squeezed between two days off, the result carries a note asking to check for such a decree.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta

from bronvast.language import DUTCH_MONTHS, DUTCH_WEEKDAYS

OBJECTION_TERM_WEEKS = 6  # Awb 6:7
DECISION_TERM_WEEKS = 6  # Awb 7:10 lid 1
DECISION_TERM_WEEKS_COMMITTEE = 12  # Awb 7:10 lid 1, with an advisory committee (Awb 7:13)
POST_RECEIPT_GRACE = timedelta(weeks=1)  # Awb 6:9 lid 2
# The King's Day decree (KB 30 January 2013, Stcrt. 2013, 4075) applies from 2014; earlier years had Queen's Day
# under other rules, which this module does not encode rather than guess.
FIRST_SUPPORTED_YEAR = 2014

LATE = "te laat; beoordeel of de termijnoverschrijding verschoonbaar is (Awb 6:11)"
DECISION_MISSING = "datum van het besluit ontbreekt"
RECEIPT_MISSING = "ontvangstdatum ontbreekt"

_DAY = timedelta(days=1)


def easter_sunday(year: int) -> date:
    """Western (Gregorian) Easter Sunday, by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).

    Four Atw days hang on Easter (Good Friday, Easter Monday, Ascension Day, Whit Monday), so it is computed for any
    year rather than listed for a few.
    """
    if year < 1583:
        raise ValueError(f"the Gregorian Easter rule starts in 1583, not {year}")
    golden = year % 19
    century, year_of_century = divmod(year, 100)
    leap_centuries, century_rest = divmod(century, 4)
    moon_correction = (century - (century + 8) // 25 + 1) // 3
    epact = (19 * golden + century - leap_centuries - moon_correction + 15) % 30
    leap_years, year_rest = divmod(year_of_century, 4)
    weekday_offset = (32 + 2 * century_rest + 2 * leap_years - epact - year_rest) % 7
    correction = (golden + 11 * epact + 22 * weekday_offset) // 451
    month, day = divmod(epact + weekday_offset - 7 * correction + 114, 31)
    return date(year, month, day + 1)


def kings_day(year: int) -> date:
    """The day the King's birthday is celebrated (Atw art. 3 lid 1): 27 April, or 26 April when the 27th is a Sunday
    (KB 30 January 2013, "behoudens uitzonderingen in verband met zondagen")."""
    _check_year(year)
    day = date(year, 4, 27)
    return day - _DAY if day.weekday() == 6 else day


def holidays(year: int) -> dict[date, str]:
    """The generally recognised holidays of Atw art. 3 lid 1, plus Good Friday (lid 2), with their Dutch names.

    Easter Sunday and Whit Sunday are not listed: art. 3 names only the second days, and Sundays count under art. 1
    anyway. Royal-decree days (lid 3) are not computable and are not included; see `equated_days`.
    """
    _check_year(year)
    easter = easter_sunday(year)
    days = [
        (date(year, 1, 1), "Nieuwjaarsdag"),
        (easter - 2 * _DAY, "Goede Vrijdag"),
        (easter + _DAY, "Tweede Paasdag"),
        (kings_day(year), "Koningsdag"),
        (date(year, 5, 5), "Bevrijdingsdag (5 mei)"),
        (easter + 39 * _DAY, "Hemelvaartsdag"),
        (easter + 50 * _DAY, "Tweede Pinksterdag"),
        (date(year, 12, 25), "Eerste Kerstdag"),
        (date(year, 12, 26), "Tweede Kerstdag"),
    ]
    named: dict[date, str] = {}
    for day, name in days:
        # Ascension Day can fall on 5 May (as in 2016); keep both names rather than lose one.
        named[day] = f"{named[day]} en {name}" if day in named else name
    return named


def is_working_day(day: date, equated_days: Collection[date] = ()) -> bool:
    """True unless the day is a Saturday, Sunday, Atw art. 3 holiday, or a day equated by royal decree (passed in)."""
    return day.weekday() < 5 and day not in holidays(day.year) and day not in equated_days


def extend_by_atw(last_day: date, first_day: date | None = None, equated_days: Collection[date] = ()) -> date:
    """The last day of a statutory term first_day..last_day after the Algemene termijnenwet.

    Art. 1 moves an end on a day off to the next working day. Art. 2 (only for a term of at least three days, so only
    when first_day is known) extends the term until it holds two working days. The result is the later of the two;
    both land on a working day, so applying one never undoes the other.
    """
    return max(_article_1_end(last_day, equated_days), _article_2_end(first_day, last_day, equated_days))


@dataclass(frozen=True)
class ObjectionTerm:
    """The objection term of one decision (Awb 6:7 and 6:8), before and after the Algemene termijnenwet.

    `moved_by` says in Dutch why the end moved (None when it did not); `note` asks to check a royal decree when the
    last day may be an equated bridge day (Atw art. 3 lid 3). `equated_days` are the decree days the caller supplied,
    kept so that later computations on this term use the same calendar.
    """

    made_known: date
    first_day: date
    last_day: date
    statutory_last_day: date
    moved_by: str | None
    note: str | None = None
    equated_days: frozenset[date] = field(default_factory=frozenset, repr=False)


def objection_term(made_known: date, equated_days: Collection[date] = ()) -> ObjectionTerm:
    """The objection term for a decision made known (bekendgemaakt) on `made_known`.

    Awb 6:8 lid 1 starts the term on the day after; six weeks (6:7) from that day end on the same weekday as
    `made_known`, six weeks later. The Atw then moves that end if it is a day off.
    """
    equated = frozenset(equated_days)
    first_day = made_known + _DAY
    statutory_last_day = made_known + timedelta(weeks=OBJECTION_TERM_WEEKS)
    last_day = extend_by_atw(statutory_last_day, first_day, equated)
    return ObjectionTerm(
        made_known=made_known,
        first_day=first_day,
        last_day=last_day,
        statutory_last_day=statutory_last_day,
        moved_by=_moved_by(first_day, statutory_last_day, last_day, equated),
        note=_bridge_day_note(last_day, equated),
        equated_days=equated,
    )


@dataclass(frozen=True)
class Timeliness:
    """Whether an objection was filed on time (Awb 6:9). `on_time` is None when a date is missing; `reason` says why
    in Dutch, naming the article; `check_excusable` asks the lawyer to weigh Awb 6:11, which this module never does."""

    on_time: bool | None
    reason: str
    check_excusable: bool


def timeliness(term: ObjectionTerm | None, received: date | None, posted: date | None = None) -> Timeliness:
    """Judge a letter's timeliness by the dates: received (by hand, post or electronically) and, for post, posted.

    A letter received before the term began is on time under 6:9 lid 1 (it arrived before the end); its reason
    carries the Awb 6:10 question, which depends on facts beyond the dates. Missing or contradictory dates give
    on_time None with the reason, never an exception, since the dates come from reading letters.
    """
    missing = [text for text, value in ((DECISION_MISSING, term), (RECEIPT_MISSING, received)) if value is None]
    if term is None or received is None:
        return Timeliness(None, "; ".join(missing) + ": tijdigheid (Awb 6:9) niet te beoordelen", False)
    if posted is not None and posted > received:  # dates read from letters can be misread; say so, don't crash
        reason = f"verzenddatum {dutch_date(posted)} ligt na ontvangstdatum {dutch_date(received)}; controleer de data"
        return Timeliness(None, reason + " (Awb 6:9)", False)
    if received < term.first_day:
        return Timeliness(True, _premature_reason(term, received), False)
    if received <= term.last_day:
        reason = f"tijdig: ontvangen op {dutch_date(received)}, uiterlijk op de laatste dag {dutch_date(term.last_day)}"
        return Timeliness(True, reason + " (Awb 6:9 lid 1)", False)
    if posted is not None and posted <= term.last_day and received <= _post_receipt_end(term):
        return Timeliness(True, _posted_in_time_reason(term, received, posted), False)
    return Timeliness(False, _late_reason(term, received, posted), True)


def decision_deadline(term: ObjectionTerm, committee: bool = False, suspended_days: int = 0) -> date:
    """The last day on which the body must decide on the objection (Awb 7:10 lid 1 and 2, with the Atw).

    Counted from the day after the (Atw-extended) objection term ended: six weeks, or twelve with an advisory
    committee (Awb 7:13). `suspended_days` is the number of days the term was suspended under 7:10 lid 2 (from the
    day after the request to repair an omission until the repair); the caller counts them, as only it knows the
    dates. Deferral under 7:10 lid 3 and 4 is a decision of the body and is not modelled. Twelve weeks is not "more
    than twelve weeks" (Atw art. 4 sub a), so the Atw applies to both lengths.
    """
    if suspended_days < 0:
        raise ValueError(f"suspended_days must not be negative, not {suspended_days}")
    weeks = DECISION_TERM_WEEKS_COMMITTEE if committee else DECISION_TERM_WEEKS
    first_day = term.last_day + _DAY
    statutory_last_day = term.last_day + timedelta(weeks=weeks, days=suspended_days)
    return extend_by_atw(statutory_last_day, first_day, term.equated_days)


def _check_year(year: int) -> None:
    if year < FIRST_SUPPORTED_YEAR:
        raise ValueError(f"holiday rules are encoded from {FIRST_SUPPORTED_YEAR} (Koningsdag decree), not {year}")


def _article_1_end(last_day: date, equated_days: Collection[date]) -> date:
    day = last_day
    while not is_working_day(day, equated_days):
        day += _DAY
    return day


def _article_2_end(first_day: date | None, last_day: date, equated_days: Collection[date]) -> date:
    """The day by which the term holds two working days, if it is a term of at least three days; else last_day."""
    if first_day is None or (last_day - first_day).days + 1 < 3:
        return last_day
    day, working_days = first_day, 0
    while True:
        working_days += is_working_day(day, equated_days)
        if working_days == 2:
            return max(day, last_day)
        day += _DAY


def _moved_by(first_day: date, statutory_last_day: date, last_day: date, equated_days: Collection[date]) -> str | None:
    if last_day == statutory_last_day:
        return None
    if last_day > _article_1_end(statutory_last_day, equated_days):  # art. 1 alone would have ended it earlier
        return "minder dan twee werkdagen in de termijn (Algemene termijnenwet art. 2)"
    return f"{_day_off_name(statutory_last_day, equated_days)} (Algemene termijnenwet art. 1)"


def _day_off_name(day: date, equated_days: Collection[date]) -> str:
    """The Dutch name of a day off, the holiday's name before the weekday's (King's Day on a Saturday is King's Day)."""
    if day in equated_days:
        return "bij koninklijk besluit met een feestdag gelijkgestelde dag (art. 3 lid 3)"
    return holidays(day.year).get(day) or DUTCH_WEEKDAYS[day.weekday()]


def _bridge_day_note(last_day: date, equated_days: Collection[date]) -> str | None:
    """A note when the last day is a working day between two days off: exactly the days the Crown has equated by
    decree in recent years (Friday after Ascension Day or King's Day, Monday before a Tuesday holiday)."""
    squeezed = not is_working_day(last_day - _DAY, equated_days) and not is_working_day(last_day + _DAY, equated_days)
    if not squeezed:
        return None
    return (f"controleer of {dutch_date(last_day)} bij koninklijk besluit met een feestdag is gelijkgesteld "
            "(Algemene termijnenwet art. 3 lid 3); dan eindigt de termijn later")


def _post_receipt_end(term: ObjectionTerm) -> date:
    """The last day a posted letter may arrive: one week after the term (6:9 lid 2), itself a statutory term to which
    the Atw applies."""
    week_end = term.last_day + POST_RECEIPT_GRACE
    return extend_by_atw(week_end, term.last_day + _DAY, term.equated_days)


def _premature_reason(term: ObjectionTerm, received: date) -> str:
    return (f"ontvangen op {dutch_date(received)}, vóór het begin van de termijn op {dutch_date(term.first_day)}: "
            "niet te laat (Awb 6:9 lid 1), maar te vroeg ingediend (Awb 6:10). Niet-ontvankelijkverklaring blijft "
            "achterwege als het besluit bij de indiening al tot stand was gekomen, of de indiener redelijkerwijs kon "
            "menen dat dit zo was; beoordeel dit. De behandeling kan worden aangehouden tot het begin van de termijn "
            "(Awb 6:10 lid 2).")


def _posted_in_time_reason(term: ObjectionTerm, received: date, posted: date) -> str:
    return (f"tijdig: op {dutch_date(posted)} ter post bezorgd, uiterlijk op de laatste dag "
            f"{dutch_date(term.last_day)}, en ontvangen op {dutch_date(received)}, niet later dan een week na afloop "
            "van de termijn (Awb 6:9 lid 2)")


def _late_reason(term: ObjectionTerm, received: date, posted: date | None) -> str:
    parts = [f"{LATE}. Ontvangen op {dutch_date(received)}; de termijn eindigde op {dutch_date(term.last_day)} "
             "(Awb 6:7, 6:8 en 6:9 lid 1)."]
    if posted is not None and posted <= term.last_day:
        week_end = dutch_date(_post_receipt_end(term))
        parts.append(f"Op tijd ter post bezorgd ({dutch_date(posted)}), maar pas ontvangen na {week_end}, later dan "
                     "een week na afloop van de termijn (Awb 6:9 lid 2).")
    elif posted is not None:
        parts.append(f"Ter post bezorgd op {dutch_date(posted)}, na het einde van de termijn (Awb 6:9 lid 2).")
    if term.note:
        parts.append(term.note[0].upper() + term.note[1:] + ".")
    return " ".join(parts)


def dutch_date(day: date) -> str:
    """A date as Dutch readers write it, without depending on the machine's locale."""
    return f"{DUTCH_WEEKDAYS[day.weekday()]} {day.day} {DUTCH_MONTHS[day.month - 1]} {day.year}"
