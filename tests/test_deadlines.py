"""Objection deadlines on real calendar dates. Every expected date was checked by hand against `calendar.month`;
the comments give the weekdays so a reader can check them again."""

from datetime import date, timedelta

import pytest

from assistant.objections.deadlines import (
    LATE,
    ObjectionTerm,
    decision_deadline,
    easter_sunday,
    extend_by_atw,
    holidays,
    is_working_day,
    kings_day,
    objection_term,
    timeliness,
)

# --- Easter and the Atw art. 3 holidays -------------------------------------------------------------------------

@pytest.mark.parametrize(("year", "expected"), [
    (2019, date(2019, 4, 21)),
    (2024, date(2024, 3, 31)),
    (2025, date(2025, 4, 20)),
    (2026, date(2026, 4, 5)),
    (2027, date(2027, 3, 28)),
    (2038, date(2038, 4, 25)),  # the latest possible date
    (2285, date(2285, 3, 22)),  # the earliest possible date
])
def test_easter_sunday(year, expected):
    assert easter_sunday(year) == expected
    assert easter_sunday(year).weekday() == 6


def test_easter_agrees_with_dateutil_over_the_gregorian_range():
    easter = pytest.importorskip("dateutil.easter")
    assert [y for y in range(1583, 4100) if easter_sunday(y) != easter.easter(y)] == []


def test_holidays_2025_complete_with_dutch_names():
    assert holidays(2025) == {
        date(2025, 1, 1): "Nieuwjaarsdag",
        date(2025, 4, 18): "Goede Vrijdag",
        date(2025, 4, 21): "Tweede Paasdag",
        date(2025, 4, 26): "Koningsdag",  # 27 April 2025 is a Sunday
        date(2025, 5, 5): "Bevrijdingsdag (5 mei)",
        date(2025, 5, 29): "Hemelvaartsdag",
        date(2025, 6, 9): "Tweede Pinksterdag",
        date(2025, 12, 25): "Eerste Kerstdag",
        date(2025, 12, 26): "Tweede Kerstdag",
    }


def test_easter_dependent_days_2026():
    days = holidays(2026)
    assert days[date(2026, 4, 3)] == "Goede Vrijdag"
    assert days[date(2026, 4, 6)] == "Tweede Paasdag"
    assert days[date(2026, 5, 14)] == "Hemelvaartsdag"
    assert days[date(2026, 5, 25)] == "Tweede Pinksterdag"
    # Easter Sunday and Whit Sunday are not art. 3 days (Sundays count under art. 1).
    assert date(2026, 4, 5) not in days and date(2026, 5, 24) not in days


@pytest.mark.parametrize(("year", "expected"), [
    (2014, date(2014, 4, 26)),  # 27 April 2014 a Sunday
    (2025, date(2025, 4, 26)),  # 27 April 2025 a Sunday
    (2026, date(2026, 4, 27)),  # Monday
    (2023, date(2023, 4, 27)),  # Thursday
])
def test_kings_day_moves_to_saturday_only_when_27_april_is_a_sunday(year, expected):
    assert kings_day(year) == expected
    assert holidays(year)[expected] == "Koningsdag"


def test_fifth_of_may_every_year_and_shared_with_ascension_in_2016():
    for year in (2024, 2025, 2026, 2027):
        assert date(year, 5, 5) in holidays(year)
    assert holidays(2016)[date(2016, 5, 5)] == "Bevrijdingsdag (5 mei) en Hemelvaartsdag"


def test_years_before_the_kings_day_decree_are_refused_not_guessed():
    with pytest.raises(ValueError):
        holidays(2013)


@pytest.mark.parametrize(("day", "working"), [
    (date(2025, 4, 15), True),   # ordinary Tuesday
    (date(2025, 4, 12), False),  # Saturday
    (date(2025, 4, 13), False),  # Sunday
    (date(2025, 4, 18), False),  # Good Friday
    (date(2025, 4, 21), False),  # Easter Monday
    (date(2025, 4, 28), True),   # Monday after King's Day 2025 (Sat 26th)
    (date(2026, 4, 27), False),  # King's Day on a Monday
    (date(2025, 5, 30), True),   # Friday after Ascension: not an art. 3 day unless a decree says so
])
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_is_working_day_honours_days_equated_by_decree():
    assert is_working_day(date(2025, 5, 30), equated_days={date(2025, 5, 30)}) is False


# --- The objection term (Awb 6:7, 6:8) and Atw art. 1 ---------------------------------------------------------

def test_term_starts_the_day_after_and_ends_six_weeks_later_on_the_same_weekday():
    term = objection_term(date(2025, 9, 2))  # Tuesday
    assert term.first_day == date(2025, 9, 3)
    assert term.statutory_last_day == date(2025, 10, 14)  # Tuesday
    assert term.last_day == date(2025, 10, 14)
    assert term.moved_by is None and term.note is None


@pytest.mark.parametrize(("made_known", "statutory", "last", "moved_by"), [
    # Ends on a Saturday -> Monday.
    (date(2025, 3, 1), date(2025, 4, 12), date(2025, 4, 14), "zaterdag (Algemene termijnenwet art. 1)"),
    # Ends on a Sunday -> Monday.
    (date(2025, 3, 2), date(2025, 4, 13), date(2025, 4, 14), "zondag (Algemene termijnenwet art. 1)"),
    # Ends on Easter Monday 2025 -> Tuesday.
    (date(2025, 3, 10), date(2025, 4, 21), date(2025, 4, 22), "Tweede Paasdag (Algemene termijnenwet art. 1)"),
    # Ends on Good Friday 2025 -> past Saturday, Sunday and Easter Monday to Tuesday.
    (date(2025, 3, 7), date(2025, 4, 18), date(2025, 4, 22), "Goede Vrijdag (Algemene termijnenwet art. 1)"),
    # Ends on Ascension Day 2025 (Thursday) -> Friday.
    (date(2025, 4, 17), date(2025, 5, 29), date(2025, 5, 30), "Hemelvaartsdag (Algemene termijnenwet art. 1)"),
    # Ends on Whit Monday 2025 -> Tuesday.
    (date(2025, 4, 28), date(2025, 6, 9), date(2025, 6, 10), "Tweede Pinksterdag (Algemene termijnenwet art. 1)"),
    # Ends on King's Day 2026, Monday 27 April -> Tuesday.
    (date(2026, 3, 16), date(2026, 4, 27), date(2026, 4, 28), "Koningsdag (Algemene termijnenwet art. 1)"),
    # Ends on King's Day 2025, Saturday 26 April -> Monday 28 (the 27th, a Sunday, is no holiday that year).
    (date(2025, 3, 15), date(2025, 4, 26), date(2025, 4, 28), "Koningsdag (Algemene termijnenwet art. 1)"),
    # Ends on 5 May 2026 (Tuesday) -> Wednesday.
    (date(2026, 3, 24), date(2026, 5, 5), date(2026, 5, 6), "Bevrijdingsdag (5 mei) (Algemene termijnenwet art. 1)"),
    # Ends on Christmas Day 2026 (Friday); Boxing Day is a Saturday -> Monday 28th.
    (date(2026, 11, 13), date(2026, 12, 25), date(2026, 12, 28), "Eerste Kerstdag (Algemene termijnenwet art. 1)"),
    # Ends on Christmas Day 2025 (Thursday); Friday, Saturday, Sunday follow -> Monday 29th.
    (date(2025, 11, 13), date(2025, 12, 25), date(2025, 12, 29), "Eerste Kerstdag (Algemene termijnenwet art. 1)"),
    # Ends on New Year's Day 2025 (Wednesday) -> Thursday 2 January; across the year boundary.
    (date(2024, 11, 20), date(2025, 1, 1), date(2025, 1, 2), "Nieuwjaarsdag (Algemene termijnenwet art. 1)"),
    # Ends on New Year's Day 2024 (Monday) -> Tuesday 2 January.
    (date(2023, 11, 20), date(2024, 1, 1), date(2024, 1, 2), "Nieuwjaarsdag (Algemene termijnenwet art. 1)"),
])
def test_term_end_moved_by_atw_article_1(made_known, statutory, last, moved_by):
    term = objection_term(made_known)
    assert term.statutory_last_day == statutory
    assert term.last_day == last
    assert term.moved_by == moved_by


def test_ending_on_boxing_day_saturday_2026_also_runs_to_monday():
    term = objection_term(date(2026, 11, 14))  # Saturday
    assert (term.statutory_last_day, term.last_day) == (date(2026, 12, 26), date(2026, 12, 28))
    assert term.moved_by == "Tweede Kerstdag (Algemene termijnenwet art. 1)"


def test_naive_decision_date_plus_six_weeks_is_wrong_around_a_weekend():
    made_known = date(2025, 3, 1)  # Saturday
    naive = made_known + timedelta(weeks=6)
    off_by_one = made_known + timedelta(days=1, weeks=6)
    term = objection_term(made_known)
    assert naive == date(2025, 4, 12) != term.last_day  # a Saturday; the Atw moves it
    assert off_by_one == date(2025, 4, 13) != term.last_day
    assert term.last_day == date(2025, 4, 14)


def test_bridge_day_gets_a_note_to_check_a_royal_decree():
    term = objection_term(date(2025, 4, 17))  # ends Friday 30 May 2025, between Ascension Day and Saturday
    assert term.last_day == date(2025, 5, 30)
    assert "art. 3 lid 3" in term.note and "vrijdag 30 mei 2025" in term.note


def test_day_equated_by_decree_moves_the_end_and_drops_the_note():
    term = objection_term(date(2025, 4, 17), equated_days={date(2025, 5, 30)})
    assert term.last_day == date(2025, 6, 2)  # Monday
    assert term.moved_by == "Hemelvaartsdag (Algemene termijnenwet art. 1)"
    assert term.note is None


def test_equated_day_named_in_moved_by_when_the_term_ends_on_it():
    term = objection_term(date(2025, 4, 18), equated_days={date(2025, 5, 30)})  # statutory end Fri 30 May
    assert term.last_day == date(2025, 6, 2)
    assert "koninklijk besluit" in term.moved_by


# --- Atw art. 2: at least two working days in a term of three days or more -----------------------------------

def test_article_2_extends_a_three_day_term_saturday_to_monday_to_tuesday():
    # Sat 8 - Mon 10 March 2025 holds one working day; art. 1 alone would leave Monday.
    assert extend_by_atw(date(2025, 3, 10), date(2025, 3, 8)) == date(2025, 3, 11)
    assert extend_by_atw(date(2025, 3, 10)) == date(2025, 3, 10)


def test_article_2_over_christmas_2025():
    # Thu 25 - Sat 27 Dec 2025: no working day. Art. 1 gives Monday 29; art. 2 needs a second, Tuesday 30.
    assert extend_by_atw(date(2025, 12, 27), date(2025, 12, 25)) == date(2025, 12, 30)


def test_article_2_over_easter_2025():
    # Good Friday - Easter Sunday: the first working days are Tuesday 22 and Wednesday 23 April.
    assert extend_by_atw(date(2025, 4, 20), date(2025, 4, 18)) == date(2025, 4, 23)


def test_article_2_does_not_apply_to_a_two_day_term():
    assert extend_by_atw(date(2025, 3, 10), date(2025, 3, 9)) == date(2025, 3, 10)  # Sun-Mon


def test_article_2_not_triggered_when_two_working_days_already_in_term():
    # Thu 10 - Sat 12 April 2025: Thursday and Friday are working days, so only art. 1 moves Saturday to Monday.
    assert extend_by_atw(date(2025, 4, 12), date(2025, 4, 10)) == date(2025, 4, 14)


# --- Timeliness (Awb 6:9, 6:10, 6:11) -------------------------------------------------------------------------

@pytest.fixture
def term() -> ObjectionTerm:
    return objection_term(date(2025, 9, 2))  # runs to Tuesday 14 October 2025


def test_received_on_the_last_day_is_on_time(term):
    result = timeliness(term, received=date(2025, 10, 14))
    assert result.on_time is True and result.check_excusable is False
    assert "Awb 6:9 lid 1" in result.reason


def test_received_the_day_after_is_late_and_asks_about_excusability(term):
    result = timeliness(term, received=date(2025, 10, 15))
    assert result.on_time is False and result.check_excusable is True
    assert result.reason.startswith(LATE)
    assert "dinsdag 14 oktober 2025" in result.reason


def test_received_on_the_moved_last_day_is_on_time_and_the_statutory_day_after_is_not_late():
    term = objection_term(date(2025, 3, 7))  # Good Friday end, moved to Tuesday 22 April 2025
    assert timeliness(term, received=date(2025, 4, 22)).on_time is True
    assert timeliness(term, received=date(2025, 4, 23)).on_time is False


def test_posted_on_last_day_and_received_seven_days_later_is_on_time(term):
    result = timeliness(term, received=date(2025, 10, 21), posted=date(2025, 10, 14))
    assert result.on_time is True and result.check_excusable is False
    assert "Awb 6:9 lid 2" in result.reason


def test_posted_on_last_day_and_received_eight_days_later_is_late(term):
    result = timeliness(term, received=date(2025, 10, 22), posted=date(2025, 10, 14))
    assert result.on_time is False and result.check_excusable is True
    assert "Awb 6:9 lid 2" in result.reason and "Awb 6:11" in result.reason


def test_posted_after_the_term_is_late_even_if_received_within_the_week(term):
    result = timeliness(term, received=date(2025, 10, 16), posted=date(2025, 10, 15))
    assert result.on_time is False and result.check_excusable is True


def test_post_week_ending_on_a_holiday_is_extended_by_the_atw():
    term = objection_term(date(2026, 3, 16))  # last day Tuesday 28 April 2026
    # One week later is Tuesday 5 May 2026, a holiday: the week runs to Wednesday 6 May.
    assert timeliness(term, received=date(2026, 5, 6), posted=date(2026, 4, 28)).on_time is True
    assert timeliness(term, received=date(2026, 5, 7), posted=date(2026, 4, 28)).on_time is False


def test_late_reason_repeats_the_royal_decree_note():
    term = objection_term(date(2025, 4, 17))  # last day Friday 30 May 2025, a possible decree day
    result = timeliness(term, received=date(2025, 6, 2))
    assert result.on_time is False and "art. 3 lid 3" in result.reason
    equated = objection_term(date(2025, 4, 17), equated_days={date(2025, 5, 30)})
    assert timeliness(equated, received=date(2025, 6, 2)).on_time is True


def test_received_before_the_term_began_is_not_late_and_names_article_6_10(term):
    result = timeliness(term, received=date(2025, 9, 2))  # the day the decision was made known
    assert result.on_time is True and result.check_excusable is False
    assert "Awb 6:10" in result.reason


def test_missing_decision_date():
    result = timeliness(None, received=date(2025, 10, 1))
    assert result.on_time is None and result.check_excusable is False
    assert "datum van het besluit ontbreekt" in result.reason


def test_missing_receipt_date(term):
    result = timeliness(term, received=None, posted=date(2025, 10, 1))
    assert result.on_time is None
    assert "ontvangstdatum ontbreekt" in result.reason


def test_both_dates_missing_names_both():
    result = timeliness(None, received=None)
    assert result.on_time is None
    assert "datum van het besluit ontbreekt" in result.reason and "ontvangstdatum ontbreekt" in result.reason


def test_posted_after_received_is_undecided_not_an_error(term):
    result = timeliness(term, received=date(2025, 10, 1), posted=date(2025, 10, 2))
    assert result.on_time is None and "controleer de data" in result.reason


# --- Decision term (Awb 7:10) --------------------------------------------------------------------------------

def test_decision_within_six_weeks_after_the_objection_term(term):
    assert decision_deadline(term) == date(2025, 11, 25)  # Tuesday, 14 Oct + 6 weeks


def test_decision_within_twelve_weeks_with_advisory_committee(term):
    assert decision_deadline(term, committee=True) == date(2026, 1, 6)  # Tuesday, 14 Oct + 12 weeks


def test_decision_term_suspended_then_atw(term):
    assert decision_deadline(term, suspended_days=10) == date(2025, 12, 5)  # Friday
    assert decision_deadline(term, suspended_days=11) == date(2025, 12, 8)  # Saturday 6th -> Monday 8th


def test_decision_term_counts_from_the_moved_end_of_the_objection_term():
    term = objection_term(date(2025, 3, 7))  # ends Tuesday 22 April 2025 instead of Good Friday 18th
    assert decision_deadline(term) == date(2025, 6, 3)  # Tuesday, 22 April + 6 weeks
    assert term.statutory_last_day + timedelta(weeks=6) == date(2025, 5, 30)  # what counting from Good Friday gives


def test_twelve_week_decision_term_ending_on_christmas_moves_to_monday():
    term = objection_term(date(2025, 8, 21))  # ends Thursday 2 October 2025
    assert decision_deadline(term, committee=True) == date(2025, 12, 29)  # Thu 25 Dec -> Mon 29 Dec


def test_decision_term_uses_the_terms_equated_days():
    term = objection_term(date(2025, 2, 27), equated_days={date(2025, 5, 30)})  # ends Thursday 10 April 2025
    assert decision_deadline(term, suspended_days=7) == date(2025, 6, 2)  # Thu 29 May (Ascension), Fri 30 equated


def test_negative_suspension_is_refused(term):
    with pytest.raises(ValueError):
        decision_deadline(term, suspended_days=-1)
