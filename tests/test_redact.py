"""ingest.redact: opt-in redaction of Dutch personal data, each kind with what it must and must not take."""

from __future__ import annotations

import pytest

from bronvast.schema import ALL_KINDS
from ingest.redact import Redaction, is_valid_bsn, is_valid_iban, redact

# 111222333: 1*9 + 1*8 + 1*7 + 2*6 + 2*5 + 2*4 + 3*3 + 3*2 - 3 = 66 = 6 * 11. 123456782: 154 = 14 * 11.
VALID_BSNS = ["111222333", "123456782"]
# The textbook Dutch IBAN; mod 97 of 041716430023211091 (NL91 moved to the end, N=23, L=21) is 1.
VALID_IBAN = "NL91ABNA0417164300"


def only(kind: str, text: str) -> Redaction:
    return redact(text, kinds=[kind])


# --- validators -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("bsn", [*VALID_BSNS, "123.456.782", "1234 56 782", "12345672"])  # 8 digits: 012345672
def test_valid_bsns_pass_the_11_test(bsn):
    assert is_valid_bsn(bsn)


@pytest.mark.parametrize(
    "number",
    [
        "123456789",  # 9+16+21+24+25+24+21+16-9 = 147, 147 % 11 = 4
        "612345678",  # a mobile number without its 0: 158, 158 % 11 = 4
        "123456783",  # 123456782 with its last digit off by one: 153, 153 % 11 = 10
        "000000000",  # sums to 0 but is no number
        "1234567",  # too short
        "1234567890",  # too long
        "12345678a",
    ],
)
def test_numbers_failing_the_11_test_are_no_bsn(number):
    assert not is_valid_bsn(number)


@pytest.mark.parametrize(
    "iban",
    [
        VALID_IBAN,
        "NL91 ABNA 0417 1643 00",
        "nl91 abna 0417 1643 00",
        "DE89370400440532013000",
        "BE68 5390 0754 7034",
        "GB82 WEST 1234 5698 7654 32",
    ],
)
def test_valid_ibans_pass_mod_97(iban):
    assert is_valid_iban(iban)


@pytest.mark.parametrize(
    "iban",
    [
        "NL91ABNA0417164301",  # one digit wrong
        "NL19ABNA0417164300",  # check digits swapped
        "NL91ABNA04171643000",  # NL is 18 long
        "DE89 3704 0044 0532 0130",  # DE is 22 long
        "NL91-ABNA-0417-1643-00",
        "",
    ],
)
def test_invalid_ibans_fail(iban):
    assert not is_valid_iban(iban)


# --- BSN --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("written", ["123456782", "123.456.782", "123 456 782", "1234 56 782", "1234.56.782"])
def test_a_valid_bsn_is_redacted_in_every_notation(written):
    result = only("bsn", f"Mijn BSN is {written}.")
    assert result.text == "Mijn BSN is [BSN]."
    assert result.counts == {"bsn": 1}


@pytest.mark.parametrize(
    "text",
    [
        "Ordernummer 123456789 is verzonden.",  # fails the 11-test: 147 % 11 = 4
        "Kenmerk 202500387 in uw brief.",  # 80 % 11 = 3
        "Zaak 123.456.789 loopt nog.",
        "Bel 612345678 niet.",  # phone-like, 158 % 11 = 4
        "Een bedrag van € 111.222.333 of EUR 111.222.333.",  # passes, but is an amount
        "Kenmerk ZK-111222333 en 111222333-01 en 1111222333.",  # passes, but inside a kenmerk or a longer number
        "Bedrag 111.222.333,00 en telefoon 0031 111 222 333.",  # digit groups of something longer
    ],
)
def test_numbers_that_are_no_bsn_are_kept(text):
    assert only("bsn", text) == Redaction(text, {"bsn": 0})


# --- IBAN -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "written",
    [VALID_IBAN, "NL91 ABNA 0417 1643 00", "DE89 3704 0044 0532 0130 00", "BE68539007547034", "BE68 5390 0754 7034"],
)
def test_a_valid_iban_is_redacted_compact_and_grouped(written):
    result = redact(f"Graag overmaken naar {written} onder vermelding van het kenmerk.")
    assert result.text == "Graag overmaken naar [IBAN] onder vermelding van het kenmerk."
    assert result.counts["iban"] == 1
    assert sum(result.counts.values()) == 1


def test_a_word_after_a_short_iban_is_not_taken_for_a_group():
    # "naar" fits the pattern's fifth group of four; the 16-character Belgian IBAN before it is what passes.
    assert only("iban", "BE68 5390 0754 7034 naar ons").text == "[IBAN] naar ons"


@pytest.mark.parametrize("wrong", ["NL91ABNA0417164301", "NL91 ABNA 0417 1643 01", "NL91 ABNA 0417 1643 0"])
def test_an_iban_with_a_wrong_digit_is_kept_by_every_rule(wrong):
    text = f"Rekening {wrong} klopt niet."
    assert redact(text).text == text


# --- phone numbers ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "number",
    [
        "06-12345678",
        "06 1234 5678",
        "0612345678",
        "06 12 34 56 78",
        "06-123 456 78",
        "010-1234567",
        "020 123 4567",
        "020 123 45 67",
        "(020) 123 4567",
        "0111-123456",
        "+31 6 12345678",
        "+31612345678",
        "+31 (0)20 123 4567",
        "0031 20 1234567",
        "+31 612 345 678",
    ],
)
def test_dutch_phone_numbers_are_redacted(number):
    result = redact(f"Bel mij op {number}, liefst 's ochtends.")
    assert result.text == "Bel mij op [TELEFOON], liefst 's ochtends."
    assert result.counts["phone"] == 1
    assert sum(result.counts.values()) == 1


@pytest.mark.parametrize(
    "text",
    [
        "Het besluit is op 12-03-2024 verzonden en op 06-12-2024 en 03-03-1961 besproken.",
        "De bouwsom is 1.250.000 euro, eerder 0,50 per stuk.",
        "Het gebied 1234 AB tot 1234 AZ.",
        "Kenmerk OV-2025-0387 en 2025/0387.",
        "Open van 09:00-17:00 in de jaren 2020-2024.",
        "De gratis lijn 0800-1234.",
        "Een nummer 06123456789 met een cijfer te veel en 061234567 met een te weinig.",
        "Meternummer 020 123 4567 89 staat op de kast.",  # twelve digits, of which the first ten look like a phone
    ],
)
def test_dates_amounts_postcodes_and_kenmerken_are_no_phone_numbers(text):
    assert only("phone", text) == Redaction(text, {"phone": 0})


def test_the_phone_rule_does_not_eat_a_bsn():
    text = "BSN 111222333 of 111 222 333."
    assert only("phone", text).text == text
    assert redact(text).counts == {**dict.fromkeys(ALL_KINDS, 0), "bsn": 2}


# --- e-mail -----------------------------------------------------------------------------------------------------

def test_email_addresses_are_redacted_whole():
    result = only("email", "Mail j.de-vries+bezwaar@example.nl of info@gemeente.lindewaard.nl.")
    assert result.text == "Mail [E-MAIL] of [E-MAIL]."
    assert result.counts == {"email": 2}


def test_an_email_address_with_digits_becomes_one_marker_not_a_phone_number():
    result = redact("Mail jan0612345678@example.nl vandaag.")
    assert result.text == "Mail [E-MAIL] vandaag."
    assert result.counts["phone"] == 0


@pytest.mark.parametrize("text", ["Een @-teken, een @gemeente op sociale media.", "Zie www.lindewaard.nl/bezwaar."])
def test_text_without_an_email_address_is_kept(text):
    assert only("email", text).text == text


# --- addresses --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Postcode en huisnummer: 1234 AB 12.", "Postcode en huisnummer: [ADRES]."),
        ("Postcode en huisnummer: 1234AB 12a.", "Postcode en huisnummer: [ADRES]."),
        ("Adres: 1234 AB, 12-2 te Lindewaard.", "Adres: [ADRES] te Lindewaard."),
        ("Adres: 1234 AB 12 te Lindewaard.", "Adres: [ADRES] te Lindewaard."),
        ("Ik woon aan de Kerkstraat 12, 1234 AB Lindewaard.", "Ik woon aan de [ADRES] Lindewaard."),
        ("Laan van Meerdervoort 5-2\n2517 AB Den Haag", "[ADRES] Den Haag"),
        ("J. de Vries\nBurg. de Vlugtlaan 12 B\n1063 AB Amsterdam", "J. de Vries\n[ADRES] Amsterdam"),
    ],
)
def test_postcode_with_house_number_and_street_with_postcode_are_one_address(text, expected):
    result = only("postcode", text)
    assert result.text == expected
    assert result.counts == {"postcode": 1}


@pytest.mark.parametrize(
    "text",
    [
        "Het plangebied 1234 AB in Lindewaard.",  # a postcode alone: about twenty addresses, kept
        "De vergunning voor Kerkstraat 12 te Lindewaard.",  # a street and number without a postcode: kept
        "Het gemeentehuis aan de Markt 1 is open.",
        "In 1234 en 12 gevallen.",  # lower case is no postcode
    ],
)
def test_a_postcode_or_street_alone_is_kept(text):
    assert only("postcode", text).text == text


# --- dates of birth ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mevrouw, geboren op 3 maart 1961, woont hier.", "Mevrouw, geboren op [GEBOORTEDATUM], woont hier."),
        ("J. de Vries (geb. 03-03-1961)", "J. de Vries (geb. [GEBOORTEDATUM])"),
        ("Geboortedatum: 1961-03-03", "Geboortedatum: [GEBOORTEDATUM]"),
        ("geboortedatum 3-3-1961", "geboortedatum [GEBOORTEDATUM]"),
        ("Date of birth: March 3, 1961", "Date of birth: [GEBOORTEDATUM]"),
        ("geboren te Lindewaard op 4 mei 1970", "geboren te Lindewaard op [GEBOORTEDATUM]"),
        ("geb. 3 mrt. 1961", "geb. [GEBOORTEDATUM]"),
        ("geboren 3 febr. 1961", "geboren [GEBOORTEDATUM]"),  # the objection letters' abbreviations too
    ],
)
def test_a_date_of_birth_is_redacted_and_its_context_kept(text, expected):
    result = only("birth_date", text)
    assert result.text == expected
    assert result.counts == {"birth_date": 1}


@pytest.mark.parametrize(
    "text",
    [
        "Het besluit van 4 februari 2025 is op 12-03-2024 voorbereid.",
        "Ik ben geboren in 1961 en sinds 3 maart 1990 getrouwd.",  # a birth year alone, and a date in no birth context
        "Hij is hier geboren. Op 3 maart 1961 verhuisde het gezin.",
    ],
)
def test_dates_outside_a_birth_context_are_kept(text):
    assert only("birth_date", text).text == text


# --- the whole ------------------------------------------------------------------------------------------------------

LETTER = """\
Geachte heer, mevrouw,

Hierbij maak ik, J. de Vries, geboren op 3 maart 1961, bezwaar tegen uw besluit van 4 februari 2025 met kenmerk
OV-2025-0387 over de omgevingsvergunning voor zaak 123456789. Mijn burgerservicenummer is 111.222.333 en ik woon
op Kerkstraat 12, 1234 AB Lindewaard. U kunt mij bereiken op 06-12345678 of via j.devries@example.nl. Het
griffierecht van € 53,00 heb ik op 12-03-2024 overgemaakt van rekening NL91 ABNA 0417 1643 00. De bouwsom van
1.250.000 euro is te hoog voor het gebied 1234 AC; bel gerust ook de buren op +31 (0)20 123 4567.
"""

REDACTED_LETTER = """\
Geachte heer, mevrouw,

Hierbij maak ik, J. de Vries, geboren op [GEBOORTEDATUM], bezwaar tegen uw besluit van 4 februari 2025 met kenmerk
OV-2025-0387 over de omgevingsvergunning voor zaak 123456789. Mijn burgerservicenummer is [BSN] en ik woon
op [ADRES] Lindewaard. U kunt mij bereiken op [TELEFOON] of via [E-MAIL]. Het
griffierecht van € 53,00 heb ik op 12-03-2024 overgemaakt van rekening [IBAN]. De bouwsom van
1.250.000 euro is te hoog voor het gebied 1234 AC; bel gerust ook de buren op [TELEFOON].
"""

# Each value as the letter writes it; its digits and letters without separators must not show up either.
LETTER_VALUES = [
    "3 maart 1961", "111.222.333", "Kerkstraat 12", "1234 AB", "06-12345678", "j.devries@example.nl",
    "NL91 ABNA 0417 1643 00", "+31 (0)20 123 4567",
]


def test_an_objection_letter_is_redacted_exactly():
    result = redact(LETTER)
    assert result.text == REDACTED_LETTER
    assert result.counts == {"bsn": 1, "iban": 1, "phone": 2, "email": 1, "postcode": 1, "birth_date": 1}


def test_the_values_appear_nowhere_in_the_result():
    result = redact(LETTER)
    for value in LETTER_VALUES:
        assert value in LETTER
        compact = value.replace(" ", "").replace(".", "").replace("-", "")
        for shown in (result.text, repr(result), str(result.counts)):
            assert value not in shown and compact not in shown.replace(" ", "")


@pytest.mark.parametrize(
    "text",
    [
        LETTER,
        "BSN 1234 56 782, IBAN DE89370400440532013000, tel. 0031 20 1234567, mail a@b.nl",
        "Postcode en huisnummer: 1234AB 12a, geb. 03-03-1961",
    ],
)
def test_redacting_twice_changes_nothing_more(text):
    once = redact(text)
    twice = redact(once.text)
    assert twice.text == once.text
    assert sum(twice.counts.values()) == 0


def test_only_the_kinds_asked_for_are_redacted_and_counted():
    result = redact(LETTER, kinds={"email", "iban"})
    assert result.counts == {"iban": 1, "email": 1}
    assert "[E-MAIL]" in result.text and "[IBAN]" in result.text
    assert "111.222.333" in result.text and "06-12345678" in result.text
    assert redact(LETTER, kinds="bsn").counts == {"bsn": 1}  # one kind as a plain string
    assert redact(LETTER, kinds=()) == Redaction(LETTER, {})


def test_an_unknown_kind_is_refused_in_dutch():
    with pytest.raises(ValueError, match="onbekende soort persoonsgegevens: naam"):
        redact("tekst", kinds=["bsn", "naam"])
