"""Generate the fictional objection letters (bezwaarschriften) of "Gemeente Lindewaard", with gold labels.

Writes 19 letters in different formats (PDF with a text layer, a PNG scan and an image-only PDF scan, DOCX, ODT,
e-mail with the letter in the body or as a PDF attachment, TXT, Markdown) into samples/objections/brieven/ with
`bronvast-manifest.csv` (received and posted dates), and beside that folder `gold.json` (the expected file card per
letter and the grounds of the dossier) and `README.md`. Eight of the letters form a dossier against one decision: the omgevingsvergunning
for a distribution centre on Bedrijventerrein De Hooge Weide (14 April 2025, Z-2025-04410).
All content is invented: the municipality, people, addresses, companies and reference numbers. No letter holds a
BSN, phone number or bank account.

The gold deadlines are computed here (six weeks from the day after the decision, Awb 6:7/6:8; Algemene
termijnenwet; Awb 6:9 for letters sent by post) and checked against deadlines worked out by hand (HAND_CHECKED):
the script refuses to write when the two disagree.

Output is deterministic: fixed dates in PDF/DOCX/ODT metadata, fixed ZIP timestamps, fixed e-mail boundaries and
Message-IDs. The scans are drawn with Pillow's built-in font (Aileron), so they do not depend on the fonts
installed; they are byte-identical for the same Pillow/FreeType version.

Usage: python scripts/make_objection_letters.py [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import textwrap
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "samples" / "objections"
ZIP_TIME = (2025, 6, 16, 0, 0, 0)
CEST = timezone(timedelta(hours=2))

DOSSIER_REFERENCE = "Z-2025-04410"
DOSSIER_SUBJECT = "omgevingsvergunning distributiecentrum"

# ---------------------------------------------------------------------------
# Dutch objection terms (Awb 6:7, 6:8, 6:9; Algemene termijnenwet)
# ---------------------------------------------------------------------------


# The gold labels compute Easter, holidays and deadlines on their own, on purpose: labels taken from
# assistant/objections/deadlines.py would agree with it by construction and test nothing.
def easter(year: int) -> date:
    """Easter Sunday (Gregorian; the anonymous algorithm of Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month = (h + m - 7 * n + 114) // 31
    day = (h + m - 7 * n + 114) % 31 + 1
    return date(year, month, day)


def atw_holidays(year: int) -> set[date]:
    """The days the Algemene termijnenwet treats as holidays: New Year, Good Friday (gelijkgesteld), Easter Monday,
    King's Day (27 April, or the 26th when the 27th is a Sunday), 5 May, Ascension, Whit Monday, both Christmas days.
    (Easter Sunday and Whit Sunday are Sundays anyway.)"""
    sunday = easter(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:
        kings_day = date(year, 4, 26)
    return {
        date(year, 1, 1), sunday - timedelta(days=2), sunday + timedelta(days=1), kings_day, date(year, 5, 5),
        sunday + timedelta(days=39), sunday + timedelta(days=50), date(year, 12, 25), date(year, 12, 26),
    }


def objection_deadline(decision: date) -> date:
    """The last day to object: the term starts the day after the decision was made known and lasts six weeks, so it
    ends on the same weekday six weeks later; a last day on a Saturday, Sunday or Atw holiday moves to the next day
    that is none of these."""
    last = decision + timedelta(weeks=6)
    while last.weekday() >= 5 or last in atw_holidays(last.year):
        last += timedelta(days=1)
    return last


def is_on_time(deadline: date, received: date, posted: date | None) -> bool:
    """Awb 6:9: received by the last day, or posted by the last day and received at most a week after it."""
    if received <= deadline:
        return True
    return posted is not None and posted <= deadline and received <= deadline + timedelta(days=7)


# Every deadline and verdict below was worked out by hand against `calendar.month(2025, m)`; the script checks its
# own computation against them. Decision date -> last day:
#   2025-02-28 (fri) + 6 weeks = 2025-04-11 (fri)
#   2025-03-03 (mon) + 6 weeks = 2025-04-14 (mon)
#   2025-03-07 (fri) + 6 weeks = 2025-04-18 Good Friday -> sat 19, Easter Sunday 20, Easter Monday 21 -> 2025-04-22
#   2025-03-20 (thu) + 6 weeks = 2025-05-01 (thu; 1 May is no Atw holiday)
#   2025-03-24 (mon) + 6 weeks = 2025-05-05 Bevrijdingsdag -> 2025-05-06 (tue)
#   2025-04-01 (tue) + 6 weeks = 2025-05-13 (tue)
#   2025-04-03 (thu) + 6 weeks = 2025-05-15 (thu); by post: posted by 05-15, received by 2025-05-22
#   2025-04-14 (mon) + 6 weeks = 2025-05-26 (mon)
#   2025-04-17 (thu) + 6 weeks = 2025-05-29 Hemelvaartsdag -> 2025-05-30 (fri)
#   2025-04-24 (thu) + 6 weeks = 2025-06-05 (thu)
HAND_CHECKED: dict[str, tuple[str | None, bool | None]] = {
    "bezwaar-distributiecentrum-bewonersvereniging.pdf": ("2025-05-26", True),   # received 05-22
    "bezwaar-distributiecentrum-kuipers.pdf": ("2025-05-26", True),              # received 05-26, the last day
    "bezwaar-distributiecentrum-verbeek.docx": ("2025-05-26", True),             # received 05-13
    "bezwaar-distributiecentrum-hoogendoorn.eml": ("2025-05-26", True),          # mailed sun 05-25
    "bezwaar-distributiecentrum-van-dalen.png": ("2025-05-26", True),            # received 05-06
    "bezwaar-distributiecentrum-lagerweij.odt": ("2025-05-26", True),            # received 05-19
    "bezwaar-distributiecentrum-terlouw.txt": ("2025-05-26", False),             # received 06-10
    "bezwaar-distributiecentrum-rensink.md": ("2025-05-26", True),               # received 05-21
    "bezwaar-naheffingsaanslag-de-wilde.txt": ("2025-04-14", True),              # received 03-10
    "bezwaar-woz-smeets.pdf": ("2025-04-11", True),                              # received 04-08
    "bezwaar-woz-nijenhuis.pdf": ("2025-04-11", True),                           # received 03-14
    "bezwaar-kapvergunning-hartsuiker.docx": ("2025-04-22", True),               # received tue 04-22 (Atw)
    "bezwaar-evenementenvergunning-boelens.odt": ("2025-05-30", True),           # received fri 05-30 (Atw)
    "bezwaar-wmo-brouwer-kok.eml": ("2025-05-06", True),                         # mailed tue 05-06 (Atw)
    "bezwaar-terugvordering-bijstand-meester.pdf": ("2025-05-15", True),         # posted 05-15, received 05-20
    "bezwaar-afvalstoffenheffing.txt": (None, None),                             # no decision date in the letter
    "bezwaar-dakopbouw-zwanenburg.docx": ("2025-05-01", True),                   # received 04-24
    "bezwaar-parkeervergunning-schuurman.md": ("2025-05-13", True),              # no received date: letter 04-09
    "bezwaar-gehandicaptenparkeerkaart-koopmans.txt": ("2025-06-05", False),     # posted 06-06, received 06-10
}

# ---------------------------------------------------------------------------
# The letters
# ---------------------------------------------------------------------------
# A letter's text: lines are kept as lines (address blocks), a line indented by four spaces continues the line
# above it (one paragraph), a blank line separates blocks, "# " starts the title and "## " a heading.

ADDRESSEE_COLLEGE = """\
Aan het college van burgemeester en wethouders van Lindewaard
Postbus 1200
4730 AA Lindewaard"""


@dataclass
class Letter:
    file: str
    text: str
    author: str
    title: str
    tests: str  # what the letter tests (README)
    gold: dict  # letter_date, decision_date, decision_reference, received_date, hearing_requested, pro_forma, ...
    received: str | None = None  # manifest received_date (None for e-mails and for the fallback letter)
    posted: str | None = None  # manifest posted_date (letters sent by post near the deadline)
    dossier: bool = False
    mail: dict = field(default_factory=dict)  # .eml: from, subject, date, message_id, body (and attachment name)
    created_on: str | None = None  # the file's creation date when the letter has no date of its own

    @property
    def created(self) -> datetime:
        """The date in the file's metadata (PDF, DOCX, ODT): the letter date, else `created_on`."""
        written = self.gold["letter_date"] or self.created_on or self.received or "2025-06-16"
        return datetime.fromisoformat(written).replace(hour=9)


def gold(letter_date, decision_date, reference, received_date, hearing, grounds, request, subject, *,
         pro_forma=False, gemachtigde=False, missing=()) -> dict:
    return {
        "letter_date": letter_date, "decision_date": decision_date, "decision_reference": reference,
        "received_date": received_date, "hearing_requested": hearing, "pro_forma": pro_forma,
        "gemachtigde": gemachtigde, "missing": list(missing), "grounds": list(grounds), "request": request,
        "decision_subject": subject,
    }


# --- The dossier: omgevingsvergunning distributiecentrum De Hooge Weide, 14 April 2025, Z-2025-04410 -------------

D1_TEXT = """\
# Bewonersvereniging Hooge Weide

p/a Kievitlaan 31
4736 RB Lindewaard
secretariaat@bv-hoogeweide.example

""" + ADDRESSEE_COLLEGE + """

Lindewaard, 21 mei 2025

Betreft: bezwaarschrift tegen de omgevingsvergunning voor een distributiecentrum op Bedrijventerrein De Hooge
    Weide
Uw kenmerk: Z-2025-04410

Geacht college,

De Bewonersvereniging Hooge Weide maakt bezwaar tegen uw besluit van 14 april 2025, kenmerk Z-2025-04410,
    waarbij u aan LogiPoort Waardland B.V. een omgevingsvergunning heeft verleend voor het bouwen en in gebruik
    nemen van een distributiecentrum op kavel 7 van Bedrijventerrein De Hooge Weide (hierna: het besluit).

## 1. Ontvankelijkheid

De vereniging heeft volgens artikel 2 van haar statuten ten doel de leefbaarheid van de wijk Hooge Weide en
    haar omgeving te bevorderen en te beschermen. Zij komt daar ook feitelijk voor op, onder meer met de jaarlijkse
    boomplantdag en het overleg met de gemeente over de herinrichting van de Weideweg. De vereniging is daarom
    belanghebbende in de zin van artikel 1:2, derde lid, van de Algemene wet bestuursrecht. De algemene
    ledenvergadering heeft op 6 mei 2025 met ruime meerderheid besloten tegen het besluit in bezwaar te gaan. Het
    bezwaarschrift wordt binnen de termijn van zes weken ingediend.

## 2. Gronden van het bezwaar

2.1 Geluidsoverlast. Volgens de vergunning mag het distributiecentrum dag en nacht, zeven dagen per week, in
    bedrijf zijn. Het akoestisch onderzoek bij de aanvraag gaat uit van 180 vrachtwagenbewegingen per etmaal,
    waarvan 40 in de nachtperiode tussen 23.00 en 07.00 uur. De dichtstbijzijnde woningen aan de Kievitlaan liggen
    op ongeveer 140 meter van de laaddocks. In het onderzoek zijn de achteruitrijsignalen van vrachtwagens, het
    dichtslaan van laaddeuren en het geluid van de koelaggregaten van de trailers niet meegenomen. Juist die korte,
    harde geluiden maken mensen 's nachts wakker. Wij vrezen voor de nachtrust van honderden bewoners en vinden dat
    het besluit op dit punt niet zorgvuldig is voorbereid.

2.2 Verkeersveiligheid. Het vrachtverkeer van en naar het distributiecentrum rijdt via de Weideweg, langs
    basisschool De Kievit en de sportvelden van VV Lindewaard. Tussen 08.00 en 08.45 uur fietsen er dagelijks ruim
    300 kinderen over de Weideweg, en er is geen vrijliggend fietspad. De verkeersparagraaf in de aanvraag gaat
    alleen over de capaciteit van de rotonde Weideweg-Singelweg en zegt niets over de veiligheid van fietsende
    kinderen. Een venstertijd voor vrachtverkeer of een andere ontsluiting is niet onderzocht.

2.3 Natuur. Voor de bouw wordt de houtwal langs de Hooge Weidesloot gekapt: ruim zestig eiken van tachtig tot
    honderd jaar oud. In deze houtwal broeden de steenuil en de grote bonte specht, en vleermuizen gebruiken hem als
    vaste vliegroute tussen de wijk en het Lindepark. Het besluit steunt op een quickscan flora en fauna uit 2019.
    Die is verouderd en onvolledig: er is nooit een vleermuisonderzoek in het juiste seizoen gedaan. Het verlies van
    deze natuur wordt ook niet gecompenseerd.

2.4 Participatie. Bij de voorbereiding van de aanvraag is de omgeving nauwelijks betrokken. Er is één
    informatieavond geweest, op 12 november 2024, die een week van tevoren werd aangekondigd. Op die avond werden
    de plannen alleen gepresenteerd; vragen van bewoners zijn niet beantwoord en de toegezegde vervolgbijeenkomst
    is er nooit gekomen. Het participatieverslag bij de aanvraag noemt onze vereniging niet eens. Van een
    zorgvuldig participatieproces, zoals de gemeentelijke participatieverordening vraagt, is geen sprake.

## 3. Verzoek

Wij verzoeken u het bezwaar gegrond te verklaren, het besluit te herroepen en de omgevingsvergunning alsnog te
    weigeren. Subsidiair verzoeken wij u aan de vergunning voorschriften te verbinden: geen laad- en losactiviteiten
    tussen 23.00 en 07.00 uur, een geluidsscherm langs de noordzijde van het terrein, en een verbod voor
    vrachtverkeer op de Weideweg tijdens de schooltijden.

## 4. Hoorzitting

Wij verzoeken u ons in de gelegenheid te stellen ons bezwaar op een hoorzitting mondeling toe te lichten. Wij
    komen met twee leden van het bestuur en een bewoner van de Kievitlaan.

Hoogachtend,

namens het bestuur van de Bewonersvereniging Hooge Weide,

M.C. Dijkhuis, voorzitter
R. Bakkenes, secretaris

Bijlagen: statuten van de vereniging; notulen van de algemene ledenvergadering van 6 mei 2025; kaart met de
    ligging van de houtwal en de schoolroute."""

D2_TEXT = """\
# Van Oosterom & Brandsma Advocaten

Noorderhaven 18
4731 BD Lindewaard
secretariaat@oosterombrandsma.example

Per aangetekende post

""" + ADDRESSEE_COLLEGE + """

Lindewaard, 23 mei 2025

Uw kenmerk: Z-2025-04410
Ons kenmerk: 2025.0387/MB
Betreft: bezwaarschrift J.P. Kuipers - omgevingsvergunning distributiecentrum De Hooge Weide

Geacht college,

Namens cliënt, de heer J.P. Kuipers, wonende aan de Weideweg 112 te Lindewaard, maak ik bezwaar tegen uw
    besluit van 14 april 2025 met kenmerk Z-2025-04410, waarbij aan LogiPoort Waardland B.V. een
    omgevingsvergunning is verleend voor de bouw en het gebruik van een distributiecentrum op Bedrijventerrein
    De Hooge Weide. Een door cliënt ondertekende machtiging treft u bijgaand aan. Ik verzoek u alle correspondentie
    in deze zaak aan mij te richten.

Cliënt woont sinds 1 september 2012 in de woning aan de Weideweg 112. De woning ligt op circa 95 meter van de
    noordgevel van het distributiecentrum, waar de laaddocks zijn geprojecteerd. Cliënt is dus belanghebbende bij
    het besluit.

## Gronden

1. Het besluit is in strijd met artikel 3:2 Awb genomen wat betreft de geluidbelasting. Uit het akoestisch
    rapport bij de aanvraag (rapportnummer AK-24-1187) volgt dat ter plaatse van de woning van cliënt in de
    nachtperiode een beoordelingsniveau van 44 dB(A) wordt bereikt. De maximale geluidniveaus (LAmax) van het
    laden en lossen zijn in het rapport in het geheel niet beoordeeld, terwijl bij een inrichting die de gehele
    nacht in bedrijf is juist deze piekgeluiden de slaap verstoren. Uw college heeft zich zonder nadere motivering
    op dit onvolledige rapport gebaseerd.

2. De vergunning staat terreinverlichting toe met lichtmasten van twaalf meter hoog, die de gehele nacht branden.
    Een lichtplan of een berekening van de lichtuitstraling naar de omliggende woningen ontbreekt. De slaapkamers
    van cliënt liggen aan de zijde van het terrein. Zonder voorschriften over de afscherming, de richting en de
    sterkte van de verlichting is onaanvaardbare lichthinder niet uitgesloten.

3. Het besluit tast de waarde van de woning van cliënt ernstig aan. Uit een taxatierapport van Makelaardij
    Waardland van 2 mei 2025, dat ik bijvoeg, volgt dat de woning door de komst van het distributiecentrum circa
    EUR 45.000 minder waard wordt. Uw college heeft dit nadeel niet in de belangenafweging betrokken. Dat cliënt
    later een aanvraag om tegemoetkoming in planschade kan indienen, ontslaat uw college niet van de plicht om de
    financiële gevolgen voor omwonenden bij het besluit te wegen.

## Verzoek

Ik verzoek u het bezwaar gegrond te verklaren, het besluit te herroepen en de aangevraagde vergunning te
    weigeren, met vergoeding van de kosten die cliënt in verband met de behandeling van het bezwaar heeft moeten
    maken (artikel 7:15 Awb).

Cliënt wenst op het bezwaar te worden gehoord. Ik verzoek u mij tijdig uit te nodigen voor de hoorzitting en
    mij vooraf de op de zaak betrekking hebbende stukken toe te zenden (artikel 7:4 Awb).

Hoogachtend,

mr. M. Brandsma
advocaat

Bijlagen: machtiging van de heer J.P. Kuipers; kopie van het bestreden besluit; taxatierapport Makelaardij
    Waardland van 2 mei 2025."""

D3_TEXT = """\
Sanne Verbeek
Schoolstraat 9
4736 RC Lindewaard
sanne.verbeek@example.org

Aan: Gemeente Lindewaard, college van B&W

Lindewaard, 12-05-2025

Onderwerp: bezwaar tegen vergunning distributiecentrum (zaaknummer Z-2025-04410)

Beste mensen van de gemeente,

Ik schrijf deze brief als moeder van twee kinderen op basisschool De Kievit. Ik maak bezwaar tegen de
    omgevingsvergunning die u op 14-04-2025 hebt gegeven voor het distributiecentrum op De Hooge Weide.

Ik schrik er echt van. Mijn zoon Daan (geboren 04-09-2016) en mijn dochter Fenna fietsen elke ochtend over de
    Weideweg naar school. Nu is het daar al druk met auto's, en straks komen er elke dag tientallen vrachtwagens
    bij. Een vrachtwagenchauffeur ziet een kind van acht op een fietsje gewoon niet in zijn dode hoek. Ik moet er
    niet aan denken dat er iets gebeurt. Waarom moeten die vrachtwagens langs een school?

En dan het bosje achter de sportvelden. Daar spelen de kinderen, daar bouwen ze hutten, en 's avonds zien we er
    reeën en horen we de uilen. Als die bomen worden gekapt, is dat voor altijd weg. Ik snap niet dat de gemeente
    dat zomaar goedvindt, terwijl u zelf altijd zegt dat u groen zo belangrijk vindt.

Ik vraag u de vergunning in te trekken, of er in elk geval voor te zorgen dat de vrachtwagens niet langs de
    school rijden.

Ik wil graag gehoord worden, zodat ik dit persoonlijk kan vertellen. Het liefst na 15.00 uur, want 's ochtends
    breng ik de kinderen naar school.

Met vriendelijke groet,

Sanne Verbeek"""

D4_BODY = """\
Geacht college,

Hierbij teken ik bezwaar aan tegen uw besluit van 14 april jl. met kenmerk Z-2025-04410, de omgevingsvergunning
    voor het distributiecentrum op De Hooge Weide.

Mijn bezwaren zijn de volgende.

Ten eerste de waarde van ons huis. Wij hebben onze woning aan de Populierenlaan op 1 maart 2019 gekocht, juist
    vanwege het vrije uitzicht over de weilanden. Straks kijken we op een betonnen hal van veertien meter hoog. Twee
    makelaars hebben ons al gezegd dat we bij verkoop rekening moeten houden met een flink lagere prijs. Wie
    compenseert ons daarvoor?

Ten tweede is er nauwelijks met de buurt gepraat. Wij hebben alleen een huis-aan-huisbrief gekregen, en over de
    enige informatieavond hoorden we pas achteraf. Onze opmerkingen zijn nergens in het besluit terug te vinden. Van
    het beloofde meedenken met de buurt is niets terechtgekomen.

Ten derde de kruising Weideweg/Populierenlaan. Daar is het 's ochtends al chaos met schoolgaande kinderen en
    ouders die hun kinderen komen brengen. Met vrachtwagens erbij wordt het levensgevaarlijk.

Ik verzoek u het besluit te herroepen.

Met vriendelijke groet,

Erik Hoogendoorn
Populierenlaan 4
4736 RK Lindewaard"""

D5_TEXT = """\
J. van Dalen
Hooge Weideweg 3
4736 RA Lindewaard

Gemeente Lindewaard
t.a.v. het college van burgemeester en wethouders
Postbus 1200
4730 AA Lindewaard

Lindewaard, 3-5-2025

Betreft: bezwaar omgevingsvergunning distributiecentrum, kenmerk: Z-2025-04410

Geacht college,

Met deze brief maak ik bezwaar tegen uw besluit van 14 april 2025 om een omgevingsvergunning te verlenen voor
    het distributiecentrum op Bedrijventerrein De Hooge Weide.

Mijn woning ligt recht tegenover het terrein. Volgens de tekeningen komen er lichtmasten langs de hele oostkant
    van het terrein, en die blijven de hele nacht aan. Nu is het hier 's nachts echt donker. Straks schijnt er fel
    licht in mijn slaapkamer, en de koplampen van de vrachtwagens die het terrein op draaien, zwaaien over mijn
    gevel.

Ook verdwijnt de rij oude eiken langs de sloot. Daar jagen 's avonds de vleermuizen en elk voorjaar hoor ik er
    de steenuil. Die dieren vinden niet zomaar een andere plek. De gemeente moet deze natuur beschermen in plaats
    van opofferen.

Ik verzoek u de vergunning te weigeren. Ik verzoek om te worden gehoord.

Hoogachtend,

J. van Dalen"""

D6_TEXT = """\
W. en A. Lagerweij
Kievitlaan 47
4736 RB Lindewaard

""" + ADDRESSEE_COLLEGE + """

Lindewaard, vrijdag 16 mei 2025

Onderwerp: bezwaar omgevingsvergunning LogiPoort, De Hooge Weide

Geacht college,

Op maandag 14 april jl. heeft u een omgevingsvergunning verleend voor het distributiecentrum van LogiPoort
    Waardland op Bedrijventerrein De Hooge Weide (Z-2025-04410). Wij maken daartegen bezwaar en leggen hieronder
    uit waarom.

Wij wonen al ruim dertig jaar aan de Kievitlaan, aan de rand van de wijk, en wij hebben altijd geweten dat er
    ooit iets op het bedrijventerrein zou komen. Maar dat er een bedrijf komt dat dag en nacht draait, met
    vrachtwagens die om drie uur 's nachts staan te ronken voor de laaddeuren, dat hadden wij nooit verwacht. Het
    zoemen van de koelinstallaties en het gepiep van de heftrucks zal tot in onze slaapkamer te horen zijn; wie
    dat niet gelooft, moet maar eens een nacht gaan staan bij het distributiecentrum in Strijdhoek. Daar komt bij
    dat het terrein straks 's nachts baadt in het licht, zodat het ook in onze achtertuin nooit meer echt donker
    wordt, en wij betwijfelen of de gemeente heeft laten uitzoeken hoe ver dat schijnsel reikt.

En tot slot, al praten wij er liever niet over: ons huis is onze oudedagsvoorziening. Wij wilden het over een
    paar jaar verkopen om kleiner te gaan wonen, maar wie koopt er nu een huis met uitzicht op een
    distributiecentrum? De verkoopwaarde gaat er ongetwijfeld flink op achteruit, en daarvoor is in het besluit
    geen enkele aandacht.

Wij vragen u daarom het besluit te herroepen. Wel zouden wij onze bezwaren graag mondeling toelichten tijdens
    een hoorzitting.

Met vriendelijke groet,

W. Lagerweij
A. Lagerweij-Sanders"""

D7_TEXT = """\
Lindewaard, 8 juni 2025

Aan de gemeente Lindewaard
afdeling Vergunningen

Van: Hans Terlouw, Weideweg 61, 4736 RD Lindewaard

Betreft: bezwaar distributiecentrum Hooge Weide, zaaknummer Z-2025-04410

Geachte heer, mevrouw,

Ik maak bezwaar tegen de vergunning voor het distributiecentrum op De Hooge Weide, die de gemeente op 14 april
    2025 heeft verleend. Ik besef dat ik laat ben: ik was van 10 mei tot 5 juni in het buitenland en las pas bij
    mijn terugkomst in het huis-aan-huisblad over dit besluit. Ik hoop dat u mijn bezwaar toch in behandeling wilt
    nemen.

1. De gemeente heeft de bewoners van de Weideweg nooit gevraagd wat zij van dit plan vinden. Inspraak is er niet
    geweest, een brief of een bezoek ook niet. Er is over ons besloten zonder ons.

2. Het weiland en de bomenrij langs de sloot zijn een van de laatste stukjes groen aan deze kant van Lindewaard.
    Ik wandel er elke dag met de hond en zie er buizerds en hazen. Dat wordt allemaal asfalt en beton.

3. De Weideweg is smal en heeft geen fietspad. Elke ochtend fietsen er kinderen naar school en ouderen naar de
    supermarkt. Zware vrachtwagens horen daar niet.

Ik verzoek u de vergunning in te trekken.

Met vriendelijke groet,

H. Terlouw"""

D8_TEXT = """\
# Bezwaar tegen de vergunning voor het distributiecentrum De Hooge Weide

**Van:** Priya en Thomas Rensink, Kwartelstraat 20, 4736 RS Lindewaard
**Aan:** het college van burgemeester en wethouders van Lindewaard
**Datum:** 20 mei 2025
**Kenmerk besluit:** Z-2025-04410 (besluit van 14 april 2025)

Geacht college,

Wij maken bezwaar tegen de omgevingsvergunning voor het distributiecentrum van LogiPoort Waardland op
    Bedrijventerrein De Hooge Weide.

## Waarom wij bezwaar maken

- **Lawaai.** Een distributiecentrum dat 24 uur per dag open is, betekent ook 's nachts vrachtwagens, laden en
    lossen. Onze slaapkamer ligt aan de kant van het bedrijventerrein. Wij werken allebei in ploegendienst en
    moeten overdag kunnen slapen; dat wordt onmogelijk.
- **Ons huis wordt minder waard.** Wij hebben het huis in 2021 gekocht vanwege de rust en het groen. Een
    distributiecentrum op 200 meter drukt de prijs. Dat verlies moeten wij dragen, terwijl het bedrijf de winst
    maakt.

## Wat wij vragen

Wij vragen u het besluit te herroepen. Als de vergunning toch blijft staan, vragen wij een verbod op laden en
    lossen tussen 23.00 en 07.00 uur.

Met vriendelijke groet,

Priya Rensink
Thomas Rensink"""

# --- Letters against other decisions ---------------------------------------------------------------------------

N1_TEXT = """\
K. de Wilde
Markt 7b
4731 AB Lindewaard

Lindewaard, 8-3-2025

Aan: Gemeente Lindewaard, team Parkeerbelastingen

Bezwaar naheffingsaanslag NA-2025-011742 van 03-03-2025

Ik maak bezwaar tegen deze naheffingsaanslag. Ik had op 1 maart gewoon betaald via de parkeerapp, maar de app
    gaf een storing. Het betaalbewijs stuur ik mee. Graag de aanslag vernietigen.

K. de Wilde"""

N2_TEXT = """\
# Rechtsbijstand Noordkust N.V.

Afdeling Fiscale Zaken
Postbus 3370
4800 DJ Waardstad

Gemeente Lindewaard
t.a.v. de heffingsambtenaar
Postbus 1200
4730 AA Lindewaard

Waardstad, 7 april 2025

Uw kenmerk: aanslagnummer 2025.0871.3306
Ons kenmerk: RBN-25-033817
Betreft: pro forma bezwaarschrift WOZ-beschikking 2025, cliënt de heer A.H. Smeets

Geachte heer, mevrouw,

Wij treden op als rechtsbijstandsverlener van de heer A.H. Smeets, wonende aan de Noorderhaven 44, 4731 BE
    Lindewaard (hierna: cliënt). Namens cliënt maken wij hierbij bezwaar tegen de beschikking op grond van de Wet
    waardering onroerende zaken (WOZ-beschikking) met dagtekening 28 februari 2025, die u samen met het aanslagbiljet
    gemeentelijke belastingen 2025 (aanslagnummer 2025.0871.3306) aan cliënt heeft toegezonden. In deze beschikking
    is de waarde van de woning aan de Noorderhaven 44 naar de waardepeildatum 1 januari 2024 vastgesteld op
    EUR 412.000. Het bezwaar richt zich tevens tegen de aanslag onroerendezaakbelasting, voor zover die op deze
    waarde is gebaseerd. Cliënt verzoekt u de WOZ-waarde te verminderen en de aanslag dienovereenkomstig te
    verlagen.

Dit bezwaarschrift wordt pro forma ingediend om de termijn veilig te stellen. De gronden van het bezwaar zullen
    wij nader aanvullen zodra wij de op de taxatie betrekking hebbende stukken hebben ontvangen. Wij verzoeken u
    daarom:

1. ons het taxatieverslag en de gegevens van de gebruikte vergelijkingsobjecten, waaronder de grondstaffel en de
    matrix, toe te zenden; en

2. ons een termijn van ten minste vier weken na ontvangst van die stukken te gunnen om de gronden van het bezwaar
    in te dienen.

Cliënt wenst op het bezwaar te worden gehoord. Wij verzoeken u ons tijdig uit te nodigen voor de hoorzitting.

Een door cliënt ondertekende machtiging treft u bijgaand aan. Wij verzoeken u alle correspondentie in deze zaak
    aan ons te richten.

Met vriendelijke groet,

Rechtsbijstand Noordkust N.V.

mr. drs. L.E. Vos-Hendriks
juridisch specialist belastingrecht

Bijlage: machtiging d.d. 3 april 2025"""

N3_TEXT = """\
M.J. Hartsuiker
Beukenhof 6
4733 GT Lindewaard

""" + ADDRESSEE_COLLEGE + """

Lindewaard, 17 april 2025

Uw kenmerk: 2025/BWT/0456
Onderwerp: bezwaar tegen de kapvergunning voor de rode beuk bij Beukenhof 8

Geacht college,

Bij besluit van 07-03-2025, met kenmerk 2025/BWT/0456, heeft u aan mijn buren, de bewoners van Beukenhof 8, een
    omgevingsvergunning verleend voor het vellen van de rode beuk in hun voortuin. Ik ben het daar niet mee eens
    en maak hiertegen bezwaar.

## Gronden

1. De boom is gezond. De aanvraag noemt wortelopdruk en bladoverlast als reden. Ik heb op 2 april 2025 een
    onafhankelijk boomadviseur naar de beuk laten kijken. Volgens zijn rapport is de boom vitaal en is de
    wortelopdruk met een eenvoudige aanpassing van de bestrating op te lossen.

2. De beuk is ruim negentig jaar oud en bepaalt het aanzien van de hele Beukenhof, waaraan de straat zijn naam
    dankt. In uw eigen Bomenbeleidsplan 2021 staat de boom op de lijst van waardevolle bomen. De vergunning zegt
    niet waarom daarvan wordt afgeweken.

3. De vergunning bevat geen herplantplicht. Als de boom toch weg moet, hoort er op zijn minst een nieuwe boom van
    formaat terug te komen.

## Verzoek

Ik verzoek u het besluit te herroepen en de vergunning te weigeren, en subsidiair een herplantplicht aan de
    vergunning te verbinden.

Ik zie af van het horen. Mijn standpunt staat in deze brief en in het rapport van de boomadviseur; een
    hoorzitting voegt daar niets aan toe.

Omdat ik tijdens de paasdagen niet thuis ben, geef ik deze brief na Pasen persoonlijk af bij de balie van het
    gemeentehuis.

Met vriendelijke groet,

M.J. Hartsuiker

Bijlage: rapport van Boomadvies De Linde van 2 april 2025"""

N4_TEXT = """\
Ingrid Boelens
Parkzicht 15
4732 PZ Lindewaard

Aan de burgemeester van Lindewaard
Postbus 1200
4730 AA Lindewaard

Lindewaard, 28 mei 2025

Betreft: bezwaar evenementenvergunning Zomerfestival Lindepark 2025, kenmerk: OV 2025-118

Geachte burgemeester,

Op 17 april 2025 heeft u aan Stichting Zomerfestival Lindewaard een evenementenvergunning verleend voor het
    Zomerfestival Lindepark, dat van vrijdag 11 juli tot en met zondag 13 juli 2025 in het Lindepark wordt gehouden
    (kenmerk: OV 2025-118). Tegen dit besluit maak ik bezwaar.

De vergunning staat versterkte muziek toe tot 01.00 uur 's nachts, met een maximum van 103 dB(C) bij de
    mengtafel. Vorig jaar, toen de muziek tot 23.00 uur mocht, trilden bij ons de ramen al. Drie nachten achter
    elkaar tot één uur is voor de bewoners van Parkzicht, onder wie veel ouderen en gezinnen met jonge kinderen,
    niet te doen.

Daarnaast ontbreekt een serieus parkeerplan. De vergunning verwijst alleen naar parkeren in de omliggende
    straten. Vorig jaar stonden de auto's van bezoekers op de stoep en voor onze uitritten, en kon de ambulance
    voor mijn buurman er op zaterdagavond nauwelijks door.

Ik verzoek u de vergunning zo te wijzigen dat de muziek uiterlijk om 23.00 uur stopt en dat de organisator
    verplicht een verkeers- en parkeerplan opstelt. Graag licht ik mijn bezwaar toe op een hoorzitting.

Met vriendelijke groet,

I. Boelens"""

N5_BODY = """\
Geachte heer, mevrouw,

In de bijlage vindt u mijn bezwaarschrift tegen uw besluit over mijn aanvraag voor een scootmobiel (zaaknummer
    Z-2025-01234). Wilt u de ontvangst bevestigen?

Met vriendelijke groet,

Annie Brouwer-Kok"""

N5_TEXT = """\
A. Brouwer-Kok
Lindeplein 3, appartement 12
4731 CK Lindewaard

Aan het college van burgemeester en wethouders van Lindewaard
team Wmo
Postbus 1200
4730 AA Lindewaard

Lindewaard, 5 mei 2025

Betreft: bezwaar tegen afwijzing scootmobiel, zaaknummer Z-2025-01234

Geacht college,

Bij brief van 24 maart 2025 (zaaknummer Z-2025-01234) heeft u mijn aanvraag voor een scootmobiel als
    maatwerkvoorziening op grond van de Wet maatschappelijke ondersteuning 2015 afgewezen. Hiertegen maak ik
    bezwaar.

Ik ben 83 jaar (geboren 14-06-1941) en woon zelfstandig. Sinds mijn heupoperatie kan ik steeds minder ver lopen.

1. U schrijft dat ik met mijn rollator naar de supermarkt kan. Maar mijn huisarts en mijn fysiotherapeut
    schrijven allebei dat ik na ongeveer honderd meter moet stoppen. De supermarkt ligt achthonderd meter verderop.
    Mijn beperkingen zijn dus niet goed meegewogen.

2. Tijdens het keukentafelgesprek op 11 februari 2025 heeft de consulent niet gevraagd naar mijn valpartijen van
    afgelopen winter en ook geen contact opgenomen met mijn huisarts. Het onderzoek is niet zorgvuldig gedaan.

3. U verwijst mij naar de regiotaxi. Die moet ik een uur van tevoren bestellen. Dat is niet geschikt om even een
    boodschap te doen of bij mijn kleindochter langs te gaan. Zo kom ik nog minder de deur uit.

Ik vraag u mij alsnog een scootmobiel toe te kennen.

Ik wil graag gehoord worden. Mijn dochter, mevrouw J. Brouwer, komt dan met mij mee.

Met vriendelijke groet,

A. Brouwer-Kok"""

N6_TEXT = """\
Y. Meester
Vlasakker 22
4735 VK Lindewaard

Aan: Gemeente Lindewaard, afdeling Werk en Inkomen
Postbus 1200
4730 AA Lindewaard

Lindewaard, 14 mei 2025

Betreft: bezwaar terugvordering bijstand, uw kenmerk PW/TV/2025/0342

Geachte mevrouw, meneer,

Ik heb uw brief van 3 april 2025 ontvangen waarin staat dat ik EUR 2.846,17 bijstand moet terugbetalen over de
    periode van 1 juni 2024 tot en met 30 november 2024. Ik maak hier bezwaar tegen.

Ik schrok me kapot toen ik de brief las. U schrijft dat ik de inlichtingenplicht heb geschonden omdat ik geld van
    mijn moeder heb gekregen. Maar dat was geen inkomen. Mijn moeder heeft in die maanden de rekeningen van de
    tandarts van mijn zoon betaald, rechtstreeks aan de tandarts, omdat ik dat zelf niet kon betalen. Ik wist echt
    niet dat ik dat moest doorgeven. Ik heb nooit iets willen verzwijgen.

Ook klopt het bedrag niet. U telt de betaling van september twee keer mee, één keer bij augustus en één keer bij
    september. Zo komt u op een veel te hoog bedrag uit.

En als ik dit moet terugbetalen, kom ik echt in de problemen. Ik heb al schulden en zit sinds januari bij de
    schuldhulpverlening. Ik ben alleen met twee kinderen. Ik vraag u om van de terugvordering af te zien, want
    er zijn dringende redenen.

Ik wil graag gehoord worden, dan kan ik alles uitleggen en de bonnetjes van de tandarts laten zien.

Met vriendelijke groet,

Y. Meester"""

N7_TEXT = """\
Bezwaar

Ik ben het niet eens met die aanslag van de gemeente over het afval. Ik woon alleen en toch moet ik hetzelfde
    betalen als het gezin naast me met vier kinderen. Dat is toch niet eerlijk? Mijn grijze container zet ik maar
    eens in de zes weken aan de straat.

Ook is mijn groene container deze winter drie keer niet geleegd, en toen ik belde kreeg ik te horen dat ik maar
    moest wachten. Dan wil ik daar ook niet de volle prijs voor betalen.

Ik wil dat u het bedrag voor het afval verlaagt."""

N9_TEXT = """\
R. Zwanenburg
Molenpad 12
4734 MP Lindewaard

Aan het college van burgemeester en wethouders van de gemeente Lindewaard
Postbus 1200
4730 AA Lindewaard

Betreft: bezwaarschrift omgevingsvergunning Molenpad 14 (uw kenmerk 2025/BWT/0311)

Geacht college,

Hierbij maak ik bezwaar tegen de omgevingsvergunning die u op 20 maart 2025 heeft verleend voor het plaatsen
    van een dakopbouw met dakterras op de woning Molenpad 14 (kenmerk 2025/BWT/0311). Ik woon op nummer 12, direct
    naast deze woning.

## 1. Inkijk

Vanaf het dakterras kijkt men recht in mijn achtertuin en in mijn slaapkamer. Een privacyscherm is in de
    vergunning niet voorgeschreven.

## 2. Zonlicht

De opbouw is 3,2 meter hoog en komt tot op de erfgrens. Vanaf het begin van de middag verdwijnt daardoor de zon
    uit mijn tuin en van de zonnepanelen op mijn aanbouw. De bezonningsstudie van de aanvrager van 12 februari 2025
    rekent alleen met 21 maart en niet met de wintermaanden.

## 3. Strijd met het omgevingsplan

Het omgevingsplan staat op deze plek een bouwhoogte van ten hoogste 9 meter toe. Met de opbouw wordt de woning
    10,4 meter hoog. In het besluit staat niet waarom u daarvan afwijkt.

Ik verzoek u het besluit te herroepen en de vergunning te weigeren.

Ik verzoek u mij te horen voordat u op mijn bezwaar beslist.

Met vriendelijke groet,

R. Zwanenburg"""

N10_TEXT = """\
# Bezwaar weigering bewonersparkeervergunning

Lotte Schuurman
Hoogstraat 41-B
4731 HS Lindewaard
lotte.schuurman@example.org

Aan het college van burgemeester en wethouders van Lindewaard

Lindewaard, 9 april 2025

Kenmerk: PV-2025-0277

Geacht college,

Met uw besluit van 1 april 2025, kenmerk PV-2025-0277, heeft u mijn aanvraag voor een bewonersparkeervergunning
    voor zone A geweigerd. U schrijft dat op het adres Hoogstraat 41 al twee vergunningen zijn uitgegeven, het
    maximum per adres. Ik maak hiertegen bezwaar.

Mijn woning heeft een eigen huisnummer en een eigen ingang: Hoogstraat 41-B. De twee vergunningen die u noemt,
    horen bij de bovenwoning, Hoogstraat 41-A, waar een ander gezin woont. Ik sta sinds 15 januari 2025 op dit
    adres ingeschreven. Het kan niet de bedoeling zijn dat ik geen vergunning krijg omdat de buren er twee hebben.

Daarnaast ben ik mantelzorger voor mijn moeder in Oud-Lindewaard, waar 's avonds geen bus naartoe rijdt. Ik heb
    de auto dus echt nodig, en parkeergarage De Waag is met 18,50 euro per dag voor mij onbetaalbaar.

Ik verzoek u het besluit te herroepen en mij alsnog een bewonersparkeervergunning te verlenen.

Een hoorzitting lijkt mij niet nodig; als u vragen heeft, kunt u mij mailen.

Met vriendelijke groet,

Lotte Schuurman"""

N12_TEXT = """\
P. Nijenhuis
Singelweg 88
4731 SN Lindewaard

Aan de heffingsambtenaar van de gemeente Lindewaard
Postbus 1200
4730 AA Lindewaard

Lindewaard, 12 maart 2025

Betreft: bezwaar WOZ-beschikking, aanslagnummer 2025.0902.1174

Geachte heffingsambtenaar,

Ik maak bezwaar tegen de WOZ-beschikking met dagtekening 28 februari 2025 voor mijn woning aan de Singelweg 88.
    U heeft de waarde naar de waardepeildatum 1 januari 2024 vastgesteld op 389.000 euro. Dat is te hoog.

1. De vergelijkingswoningen in het taxatieverslag liggen aan de rustige kant van de singel. Mijn woning ligt aan
    de drukke Singelweg, waar dag en nacht verkeer langs rijdt. Dat drukt de waarde.

2. De woning heeft achterstallig onderhoud: het dak lekt en alle kozijnen aan de voorkant moeten worden
    vervangen. Ik voeg een offerte van 23 januari 2025 bij van 18.400 euro.

Ik verzoek u de WOZ-waarde te verlagen naar 355.000 euro.

Met vriendelijke groet,

P. Nijenhuis"""

N13_TEXT = """\
Bertus Koopmans
Sluiswachtershof 5
4735 SW Lindewaard

Lindewaard, 5 juni 2025

Aan de gemeente Lindewaard

Betreft: bezwaar tegen weigering gehandicaptenparkeerkaart, uw brief van 24 april 2025, kenmerk GPK-2025-0093

Geachte heer, mevrouw,

Ik maak bezwaar tegen uw besluit van 24 april 2025, waarin u mijn aanvraag voor een gehandicaptenparkeerkaart
    heeft afgewezen.

Ik ben het er niet mee eens. Ik vul de gronden later aan, want ik wacht nog op een brief van mijn longarts, die
    ik pas op 19 juni kan spreken. Kunt u mij een termijn geven om mijn bezwaar aan te vullen?

Met vriendelijke groet,

B. Koopmans"""


LETTERS: list[Letter] = [
    # --- the dossier ---
    Letter(
        "bezwaar-distributiecentrum-bewonersvereniging.pdf", D1_TEXT, "Bewonersvereniging Hooge Weide",
        "Bezwaarschrift omgevingsvergunning distributiecentrum De Hooge Weide (Z-2025-04410)",
        "Dossier. Formal, long (2 pages), numbered grounds under headings; an association objecting itself (not a "
        "gemachtigde); 'Uw kenmerk'; distractor dates (ledenvergadering 6 mei 2025, informatieavond 12 november "
        "2024); hearing requested ('hoorzitting').",
        gold("2025-05-21", "2025-04-14", "Z-2025-04410", "2025-05-22", True,
             ["geluidsoverlast", "verkeersveiligheid", "natuur", "participatie"],
             "besluit herroepen en vergunning weigeren; subsidiair aanvullende voorschriften", DOSSIER_SUBJECT),
        received="2025-05-22", dossier=True),
    Letter(
        "bezwaar-distributiecentrum-kuipers.pdf", D2_TEXT, "mr. M. Brandsma",
        "Bezwaarschrift J.P. Kuipers - omgevingsvergunning distributiecentrum De Hooge Weide",
        "Dossier. Law firm 'namens cliënt' with a machtiging (gemachtigde); 'Uw kenmerk' vs 'Ons kenmerk' "
        "(2025.0387/MB, a distractor); received on the last day of the term; distractor dates (1 september 2012, "
        "taxatierapport 2 mei 2025); hearing requested.",
        gold("2025-05-23", "2025-04-14", "Z-2025-04410", "2025-05-26", True,
             ["geluidsoverlast", "lichthinder", "waardedaling"],
             "besluit herroepen en vergunning weigeren; proceskostenvergoeding", DOSSIER_SUBJECT, gemachtigde=True),
        received="2025-05-26", dossier=True),
    Letter(
        "bezwaar-distributiecentrum-verbeek.docx", D3_TEXT, "Sanne Verbeek",
        "Bezwaar vergunning distributiecentrum",
        "Dossier. Plain and emotional (a parent); dates as 12-05-2025 and 14-04-2025; a birth date as distractor "
        "(04-09-2016); 'zaaknummer'; 'ik wil graag gehoord worden'.",
        gold("2025-05-12", "2025-04-14", "Z-2025-04410", "2025-05-13", True, ["verkeersveiligheid", "natuur"],
             "vergunning intrekken of vrachtverkeer niet langs de school", DOSSIER_SUBJECT),
        received="2025-05-13", dossier=True),
    Letter(
        "bezwaar-distributiecentrum-hoogendoorn.eml", D4_BODY, "Erik Hoogendoorn",
        "Bezwaar vergunning distributiecentrum Hooge Weide",
        "Dossier. E-mail with the letter in the body, sent on a Sunday (received = the Date header, 2025-05-25); "
        "'14 april jl.'; no date line in the text (the mail's date is the letter date); grounds as 'ten eerste, "
        "ten tweede, ten derde'; a purchase date as distractor (1 maart 2019); no hearing mentioned.",
        gold("2025-05-25", "2025-04-14", "Z-2025-04410", "2025-05-25", False,
             ["waardedaling", "participatie", "verkeersveiligheid"], "besluit herroepen", DOSSIER_SUBJECT),
        dossier=True,
        mail={"from": "Erik Hoogendoorn <e.hoogendoorn@example.net>",
              "subject": "Bezwaar vergunning distributiecentrum Hooge Weide",
              "date": datetime(2025, 5, 25, 21, 47, 12, tzinfo=CEST),
              "message_id": "<20250525214712.hoogendoorn@example.net>"}),
    Letter(
        "bezwaar-distributiecentrum-van-dalen.png", D5_TEXT, "J. van Dalen",
        "Bezwaar omgevingsvergunning distributiecentrum",
        "Dossier. Scan: a typed letter as a 200 dpi PNG, read with OCR; date as 3-5-2025; 'kenmerk: Z-2025-04410'; "
        "'Ik verzoek om te worden gehoord'.",
        gold("2025-05-03", "2025-04-14", "Z-2025-04410", "2025-05-06", True, ["lichthinder", "natuur"],
             "vergunning weigeren", DOSSIER_SUBJECT),
        received="2025-05-06", dossier=True),
    Letter(
        "bezwaar-distributiecentrum-lagerweij.odt", D6_TEXT, "W. Lagerweij",
        "Bezwaar omgevingsvergunning LogiPoort, De Hooge Weide",
        "Dossier. ODT; the grounds in running prose without numbering or headings; 'vrijdag 16 mei 2025' and "
        "'maandag 14 april jl.'; reference in brackets without a label; hearing requested ('hoorzitting').",
        gold("2025-05-16", "2025-04-14", "Z-2025-04410", "2025-05-19", True,
             ["geluidsoverlast", "lichthinder", "waardedaling"], "besluit herroepen", DOSSIER_SUBJECT),
        received="2025-05-19", dossier=True),
    Letter(
        "bezwaar-distributiecentrum-terlouw.txt", D7_TEXT, "H. Terlouw", "Bezwaar distributiecentrum Hooge Weide",
        "Dossier. Late: received 2025-06-10, two weeks after the term (2025-05-26); the writer admits it and gives "
        "holiday dates (10 mei, 5 juni) as distractors; no hearing mentioned.",
        gold("2025-06-08", "2025-04-14", "Z-2025-04410", "2025-06-10", False,
             ["participatie", "natuur", "verkeersveiligheid"], "vergunning intrekken", DOSSIER_SUBJECT),
        received="2025-06-10", dossier=True),
    Letter(
        "bezwaar-distributiecentrum-rensink.md", D8_TEXT, "Priya Rensink",
        "Bezwaar tegen de vergunning voor het distributiecentrum De Hooge Weide",
        "Dossier. Markdown with bold field labels and bullet grounds; two signatories; no hearing mentioned.",
        gold("2025-05-20", "2025-04-14", "Z-2025-04410", "2025-05-21", False, ["geluidsoverlast", "waardedaling"],
             "besluit herroepen; anders geen laden en lossen 's nachts", DOSSIER_SUBJECT),
        received="2025-05-21", dossier=True),
    # --- other decisions ---
    Letter(
        "bezwaar-naheffingsaanslag-de-wilde.txt", N1_TEXT, "K. de Wilde", "Bezwaar naheffingsaanslag NA-2025-011742",
        "Very short. Parking fine (naheffingsaanslag parkeerbelasting); dates as 8-3-2025 and 03-03-2025; the day "
        "of parking (1 maart) as distractor; no hearing mentioned.",
        gold("2025-03-08", "2025-03-03", "NA-2025-011742", "2025-03-10", False, ["parkeergeld wel betaald"],
             "naheffingsaanslag vernietigen", "naheffingsaanslag parkeerbelasting"),
        received="2025-03-10"),
    Letter(
        "bezwaar-woz-smeets.pdf", N2_TEXT, "mr. drs. L.E. Vos-Hendriks",
        "Pro forma bezwaarschrift WOZ-beschikking 2025, A.H. Smeets",
        "Pro forma by a legal-expenses insurer 'namens cliënt' with a machtiging (gemachtigde); 'de gronden zullen "
        "wij nader aanvullen', asks for a term and the taxation documents; no grounds (missing 'gronden'); 'Uw "
        "kenmerk' (the decision) vs 'Ons kenmerk' (the insurer's); distractors: waardepeildatum 1 januari 2024, "
        "machtiging 3 april 2025; hearing requested.",
        gold("2025-04-07", "2025-02-28", "2025.0871.3306", "2025-04-08", True, [],
             "WOZ-waarde verminderen; taxatiestukken toezenden en termijn om de gronden aan te vullen",
             "WOZ-beschikking", pro_forma=True, gemachtigde=True, missing=["gronden"]),
        received="2025-04-08"),
    Letter(
        "bezwaar-woz-nijenhuis.pdf", N12_TEXT, "P. Nijenhuis", "Bezwaar WOZ-beschikking Singelweg 88",
        "Scan: image-only PDF (no text layer), read with OCR; WOZ by the owner himself; waardepeildatum and an "
        "offerte date as distractors; no hearing mentioned.",
        gold("2025-03-12", "2025-02-28", "2025.0902.1174", "2025-03-14", False,
             ["vergelijkingswoningen niet vergelijkbaar", "achterstallig onderhoud"],
             "WOZ-waarde verlagen naar 355.000 euro", "WOZ-beschikking"),
        received="2025-03-14"),
    Letter(
        "bezwaar-kapvergunning-hartsuiker.docx", N3_TEXT, "M.J. Hartsuiker",
        "Bezwaar kapvergunning rode beuk Beukenhof 8",
        "Algemene termijnenwet: decision 07-03-2025, six weeks end on Goede Vrijdag 18 April, then Saturday, Easter "
        "Sunday and Tweede Paasdag, so the last day is Tuesday 2025-04-22, the day it was handed in: on time. "
        "'Ik zie af van het horen' (hearing false although 'hoorzitting' appears); reference '2025/BWT/0456'.",
        gold("2025-04-17", "2025-03-07", "2025/BWT/0456", "2025-04-22", False,
             ["boom gezond", "waardevolle boom", "geen herplantplicht"],
             "besluit herroepen en vergunning weigeren; subsidiair herplantplicht", "kapvergunning"),
        received="2025-04-22"),
    Letter(
        "bezwaar-evenementenvergunning-boelens.odt", N4_TEXT, "I. Boelens",
        "Bezwaar evenementenvergunning Zomerfestival Lindepark 2025",
        "Algemene termijnenwet: decision 17 April 2025, six weeks end on Hemelvaartsdag 29 May, last day Friday "
        "2025-05-30, received that day: on time. Addressed to the burgemeester; 'kenmerk: OV 2025-118'; festival "
        "dates (11-13 juli) as distractors; hearing requested.",
        gold("2025-05-28", "2025-04-17", "OV 2025-118", "2025-05-30", True,
             ["geluidsoverlast", "parkeeroverlast"],
             "vergunning wijzigen: muziek tot 23.00 uur en verplicht verkeers- en parkeerplan",
             "evenementenvergunning"),
        received="2025-05-30"),
    Letter(
        "bezwaar-wmo-brouwer-kok.eml", N5_TEXT, "A. Brouwer-Kok", "Bezwaar afwijzing scootmobiel Z-2025-01234",
        "E-mail with a short body and the letter as a PDF attachment. Algemene termijnenwet: decision 24 March "
        "2025, six weeks end on 5 May (Bevrijdingsdag), last day 2025-05-06, mailed that morning: on time. The "
        "letter is dated 5 mei 2025; a birth date (14-06-1941) and the keukentafelgesprek (11 februari 2025) as "
        "distractors; a daughter who comes along is no gemachtigde; 'ik wil graag gehoord worden'.",
        gold("2025-05-05", "2025-03-24", "Z-2025-01234", "2025-05-06", True,
             ["beperkingen onvoldoende meegewogen", "onzorgvuldig onderzoek", "alternatief niet passend"],
             "scootmobiel alsnog toekennen", "Wmo-voorziening scootmobiel"),
        mail={"from": "Annie Brouwer-Kok <annie.brouwer@example.org>",
              "subject": "Bezwaar Wmo-besluit Z-2025-01234",
              "date": datetime(2025, 5, 6, 10, 12, 0, tzinfo=CEST),
              "message_id": "<20250506101200.brouwer@example.org>",
              "body": N5_BODY, "attachment": "bezwaarschrift-wmo-brouwer-kok.pdf"}),
    Letter(
        "bezwaar-terugvordering-bijstand-meester.pdf", N6_TEXT, "Y. Meester",
        "Bezwaar terugvordering bijstand PW/TV/2025/0342",
        "Sent by post (Awb 6:9 lid 2): posted on the last day (2025-05-15) and received 2025-05-20, within a week: "
        "on time (manifest gives both dates). Bijstand (Participatiewet) terugvordering; emotional; the period "
        "1 juni - 30 november 2024 as distractor; 'ik wil graag gehoord worden'.",
        gold("2025-05-14", "2025-04-03", "PW/TV/2025/0342", "2025-05-20", True,
             ["bijdrage moeder geen inkomen", "terugvorderingsbedrag onjuist berekend", "dringende redenen"],
             "afzien van terugvordering", "terugvordering bijstand (Participatiewet)"),
        received="2025-05-20", posted="2025-05-15"),
    Letter(
        "bezwaar-afvalstoffenheffing.txt", N7_TEXT, "", "Bezwaar",
        "Lacks several Awb 6:5 elements: no name and address, no date, no signature, and it does not say which "
        "decision (no date, number or year: 'die aanslag over het afval'). No decision date, so no deadline: "
        "decision_date, deadline and on_time are null. No hearing mentioned.",
        gold(None, None, None, "2025-03-20", False, ["eenpersoonshuishouden betaalt te veel", "container niet geleegd"],
             "afvalstoffenheffing verlagen", "afvalstoffenheffing",
             missing=["naam en adres", "datum", "ondertekening", "omschrijving van het besluit"]),
        received="2025-03-20"),
    Letter(
        "bezwaar-dakopbouw-zwanenburg.docx", N9_TEXT, "R. Zwanenburg", "Bezwaarschrift omgevingsvergunning Molenpad 14",
        "Undated letter (missing 'datum'; letter_date null, although the DOCX metadata says it was created on "
        "2025-04-22), otherwise complete; omgevingsvergunning for a roof "
        "extension; 'uw kenmerk 2025/BWT/0311'; a bezonningsstudie date as distractor; 'Ik verzoek u mij te horen'.",
        gold(None, "2025-03-20", "2025/BWT/0311", "2025-04-24", True,
             ["inkijk", "minder zonlicht", "strijd met omgevingsplan"],
             "besluit herroepen en vergunning weigeren", "omgevingsvergunning dakopbouw", missing=["datum"]),
        received="2025-04-24", created_on="2025-04-22"),
    Letter(
        "bezwaar-parkeervergunning-schuurman.md", N10_TEXT, "Lotte Schuurman",
        "Bezwaar weigering bewonersparkeervergunning",
        "No received date in the manifest on purpose: the tool falls back to the letter date (2025-04-09), well "
        "within the term. 'Een hoorzitting lijkt mij niet nodig' (hearing false); inschrijving 15 januari 2025 as "
        "distractor.",
        gold("2025-04-09", "2025-04-01", "PV-2025-0277", "2025-04-09", False, ["eigen adres", "mantelzorg"],
             "parkeervergunning alsnog verlenen", "bewonersparkeervergunning")),
    Letter(
        "bezwaar-gehandicaptenparkeerkaart-koopmans.txt", N13_TEXT, "B. Koopmans",
        "Bezwaar weigering gehandicaptenparkeerkaart",
        "Pro forma by a citizen ('ik vul de gronden later aan', asks for a term; missing 'gronden'). Late although "
        "dated on the last day (5 juni 2025): posted a day after the term (2025-06-06), received 2025-06-10, so "
        "Awb 6:9 lid 2 does not save it. An appointment (19 juni) as distractor; no hearing mentioned.",
        gold("2025-06-05", "2025-04-24", "GPK-2025-0093", "2025-06-10", False, [],
             "termijn om de gronden aan te vullen", "gehandicaptenparkeerkaart", pro_forma=True, missing=["gronden"]),
        received="2025-06-10", posted="2025-06-06"),
]

# ---------------------------------------------------------------------------
# Text -> blocks
# ---------------------------------------------------------------------------


def logical_lines(text: str) -> list[str]:
    """The letter's lines, with indented continuation lines joined to the line above."""
    lines: list[str] = []
    for raw in text.split("\n"):
        if raw.startswith("    ") and lines and lines[-1]:
            lines[-1] += " " + raw.strip()
        else:
            lines.append(raw.rstrip())
    return lines


def blocks(text: str) -> list[list[str]]:
    """Blocks (separated by blank lines) of logical lines."""
    result: list[list[str]] = [[]]
    for line in logical_lines(text):
        if line:
            result[-1].append(line)
        elif result[-1]:
            result.append([])
    return [block for block in result if block]


def heading(line: str) -> tuple[int | None, str]:
    """(1, text) for a title, (2, text) for a heading, (None, line) otherwise."""
    if line.startswith("# "):
        return 1, line[2:]
    if line.startswith("## "):
        return 2, line[3:]
    return None, line


def plain_text(text: str, width: int | None = 78) -> str:
    """The letter as plain text: paragraphs wrapped at `width` (None: one line each), markers removed."""
    out = []
    for block in blocks(text):
        for line in block:
            level, line = heading(line)
            if level == 1:
                line = line.upper()
            if width and len(line) > width:
                out.extend(textwrap.wrap(line, width, break_on_hyphens=False, break_long_words=False))
            else:
                out.append(line)
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def markdown_text(text: str) -> str:
    return "\n\n".join("\n".join(block) for block in blocks(text)) + "\n"


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------


def latin1(text: str, name: str) -> str:
    """fpdf2's core fonts are latin-1: a letter that needs more must say so here, not be silently mangled."""
    try:
        text.encode("latin-1")
    except UnicodeEncodeError as exc:
        raise ValueError(f"{name}: {text[exc.start:exc.end]!r} is not latin-1 (write EUR, straight quotes)") from exc
    return text


def pdf_bytes(letter: Letter, text: str) -> bytes:
    """A PDF with a text layer: title in bold, headings bold, address lines as lines, paragraphs wrapped."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(letter.title)
    pdf.set_author(letter.author)
    pdf.set_subject("Bezwaarschrift")
    pdf.set_creator("bronvast make_objection_letters.py")
    pdf.set_creation_date(letter.created.replace(tzinfo=UTC))
    pdf.set_margins(24, 20, 22)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    for block in blocks(text):
        for line in block:
            level, line = heading(latin1(line, letter.file))
            if level and pdf.get_y() > pdf.h - 45:  # no heading alone at the foot of a page
                pdf.add_page()
            if level == 1:
                pdf.set_font("Helvetica", "B", 15)
                pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
            elif level == 2:
                pdf.set_font("Helvetica", "B", 11)
                pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.set_font("Helvetica", "", 10.5)
                pdf.multi_cell(0, 5.2, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    if pdf.page_no() > 2:
        raise RuntimeError(f"{letter.file}: {pdf.page_no()} pages, a letter is 1-2 pages")
    return bytes(pdf.output())


# Scans: A4 at 200 dpi, typed with Pillow's built-in font at about 11 pt.
SCAN_DPI = 200
SCAN_SIZE = (1654, 2339)
SCAN_MARGIN = (190, 170)
SCAN_FONT_PX = 30
SCAN_LINE_PX = 42


def scan_image(letter: Letter):
    """The letter as a typed page scanned at 200 dpi: off-white paper, dark grey ink, a slight skew."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=SCAN_FONT_PX)
    page = Image.new("L", SCAN_SIZE, 255)
    draw = ImageDraw.Draw(page)
    left, top = SCAN_MARGIN
    width = SCAN_SIZE[0] - 2 * left
    y = top
    for block in blocks(letter.text):
        for line in block:
            line = heading(line)[1]
            words, current = line.split(), ""
            wrapped = []
            for word in words:
                candidate = f"{current} {word}".strip()
                if font.getlength(candidate) <= width:
                    current = candidate
                else:
                    wrapped.append(current)
                    current = word
            wrapped.append(current)
            for part in wrapped:
                draw.text((left, y), part, fill=25, font=font)
                y += SCAN_LINE_PX
        y += SCAN_LINE_PX
    if y > SCAN_SIZE[1] - top:
        raise RuntimeError(f"{letter.file}: the scan does not fit on one page")
    page = page.point(lambda v: 246 if v == 255 else v)  # off-white paper
    page = page.rotate(0.35, resample=Image.BICUBIC, expand=False, fillcolor=246)
    return page


def png_bytes(letter: Letter) -> bytes:
    buffer = io.BytesIO()
    scan_image(letter).save(buffer, format="PNG", dpi=(SCAN_DPI, SCAN_DPI), optimize=False)
    return buffer.getvalue()


def scanned_pdf_bytes(letter: Letter) -> bytes:
    """A PDF with only the scanned page as an image, no text layer (as a copier makes it)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creator("Scanner postkamer gemeentehuis Lindewaard")
    pdf.set_producer("bronvast make_objection_letters.py")
    pdf.set_creation_date(datetime.fromisoformat(letter.received).replace(hour=11, tzinfo=UTC))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    image = io.BytesIO(png_bytes(letter))
    pdf.image(image, x=0, y=0, w=210, h=297)
    return bytes(pdf.output())


def normalize_zip(data: bytes) -> bytes:
    """Rewrite a ZIP with fixed timestamps so output is reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def docx_bytes(letter: Letter) -> bytes:
    from docx import Document

    doc = Document()
    props = doc.core_properties
    props.title = letter.title
    props.author = props.last_modified_by = letter.author
    props.subject = "Bezwaarschrift"
    props.created = props.modified = props.last_printed = letter.created
    props.revision = 1
    for number, block in enumerate(blocks(letter.text)):
        if number:
            doc.add_paragraph("")
        for line in block:
            level, line = heading(line)
            if level:
                doc.add_heading(line, level=level)
            else:
                doc.add_paragraph(line)
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalize_zip(buffer.getvalue())


ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"'
)


def odt_bytes(letter: Letter) -> bytes:
    """An ODT written by hand: mimetype (first, stored), content.xml, styles.xml, meta.xml, META-INF/manifest.xml."""
    body = []
    for number, block in enumerate(blocks(letter.text)):
        if number:
            body.append('<text:p text:style-name="Standard"/>')
        for line in block:
            level, line = heading(line)
            if level:
                body.append(f'<text:h text:style-name="Heading_20_{level}" text:outline-level="{level}">'
                            f'{escape(line)}</text:h>')
            else:
                body.append(f'<text:p text:style-name="Standard">{escape(line)}</text:p>')
    content = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {ODT_NS} office:version="1.3">'
               "<office:body><office:text>" + "".join(body) + "</office:text></office:body></office:document-content>")
    styles = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles {ODT_NS} office:version="1.3">'
              "<office:styles>"
              '<style:style style:name="Standard" style:family="paragraph">'
              '<style:text-properties fo:font-size="11pt"/></style:style>'
              '<style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph">'
              '<style:text-properties fo:font-size="15pt" fo:font-weight="bold"/></style:style>'
              '<style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph">'
              '<style:text-properties fo:font-size="12pt" fo:font-weight="bold"/></style:style>'
              "</office:styles></office:document-styles>")
    stamp = letter.created.strftime("%Y-%m-%dT%H:%M:%S")
    meta = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {ODT_NS} office:version="1.3">'
            f"<office:meta><meta:generator>bronvast make_objection_letters.py</meta:generator>"
            f"<dc:title>{escape(letter.title)}</dc:title>"
            f"<meta:initial-creator>{escape(letter.author)}</meta:initial-creator>"
            f"<dc:creator>{escape(letter.author)}</dc:creator>"
            f"<meta:creation-date>{stamp}</meta:creation-date><dc:date>{stamp}</dc:date>"
            "</office:meta></office:document-meta>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
                'manifest:version="1.3">'
                '<manifest:file-entry manifest:full-path="/" manifest:version="1.3" '
                'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
                '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data, method in [
            ("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED),
            ("content.xml", content, zipfile.ZIP_DEFLATED),
            ("styles.xml", styles, zipfile.ZIP_DEFLATED),
            ("meta.xml", meta, zipfile.ZIP_DEFLATED),
            ("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED),
        ]:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            archive.writestr(info, data.encode("utf-8"))
    return out.getvalue()


def eml_bytes(letter: Letter) -> bytes:
    """An e-mail to the municipality's objection address: the letter in the body, or a short body and the letter
    as a PDF attachment. Fixed Message-ID and MIME boundary keep it reproducible."""
    mail = letter.mail
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = mail["from"]
    message["To"] = "Gemeente Lindewaard <bezwaar@lindewaard.example>"
    message["Subject"] = mail["subject"]
    message["Date"] = format_datetime(mail["date"])
    message["Message-ID"] = mail["message_id"]
    body = mail.get("body", letter.text)
    message.set_content(plain_text(body, width=None), charset="utf-8", cte="quoted-printable")
    if "attachment" in mail:
        message.add_attachment(pdf_bytes(letter, letter.text), maintype="application", subtype="pdf",
                               filename=mail["attachment"])
        message.set_boundary("=_bronvast_" + Path(letter.file).stem)
    return message.as_bytes(policy=policy.SMTP)


def letter_bytes(letter: Letter) -> bytes:
    suffix = Path(letter.file).suffix
    if suffix == ".pdf":
        return scanned_pdf_bytes(letter) if letter.file == "bezwaar-woz-nijenhuis.pdf" else pdf_bytes(letter,
                                                                                                        letter.text)
    if suffix == ".png":
        return png_bytes(letter)
    if suffix == ".docx":
        return docx_bytes(letter)
    if suffix == ".odt":
        return odt_bytes(letter)
    if suffix == ".eml":
        return eml_bytes(letter)
    if suffix == ".md":
        return markdown_text(letter.text).encode("utf-8")
    return plain_text(letter.text).encode("utf-8")


FORMATS = {".pdf": "PDF (tekstlaag)", ".png": "PNG-scan (OCR)", ".docx": "DOCX", ".odt": "ODT", ".eml": "e-mail",
           ".md": "Markdown", ".txt": "tekst"}


def format_name(letter: Letter) -> str:
    if letter.file == "bezwaar-woz-nijenhuis.pdf":
        return "PDF-scan zonder tekstlaag (OCR)"
    if letter.mail.get("attachment"):
        return "e-mail met PDF-bijlage"
    if letter.mail:
        return "e-mail, brief in de tekst"
    return FORMATS[Path(letter.file).suffix]


# ---------------------------------------------------------------------------
# Gold labels, manifest, README
# ---------------------------------------------------------------------------


def gold_labels() -> dict:
    """The expected file card per letter, with the deadline and verdict computed and checked against HAND_CHECKED,
    and the dossier's clusters: per recurring ground, the dossier letters that raise it."""
    labels: dict = {}
    for letter in LETTERS:
        card = dict(letter.gold)
        if letter.mail:
            assert card["received_date"] == letter.mail["date"].date().isoformat(), letter.file
        else:  # no received date in the manifest: the letter date stands in (the rule)
            assert card["received_date"] == (letter.received or card["letter_date"]), letter.file
        deadline = on_time = None
        if card["decision_date"]:
            last = objection_deadline(date.fromisoformat(card["decision_date"]))
            received = card["received_date"] or card["letter_date"]  # no received date: the letter date
            posted = date.fromisoformat(letter.posted) if letter.posted else None
            deadline, on_time = last.isoformat(), is_on_time(last, date.fromisoformat(received), posted)
        if HAND_CHECKED[letter.file] != (deadline, on_time):
            raise AssertionError(f"{letter.file}: computed {(deadline, on_time)}, by hand {HAND_CHECKED[letter.file]}")
        ordered = {key: card[key] for key in ("letter_date", "decision_date", "decision_reference", "received_date")}
        ordered |= {"on_time": on_time, "deadline": deadline}
        ordered |= {key: card[key] for key in card if key not in ordered}
        if letter.posted:
            ordered["posted_date"] = letter.posted
        reference = card["decision_reference"]
        if reference is not None and reference not in letter.text:
            raise AssertionError(f"{letter.file}: reference {reference!r} is not written in the letter")
        labels[letter.file] = ordered
    if set(HAND_CHECKED) != set(labels):
        raise AssertionError("HAND_CHECKED and LETTERS name different files")
    clusters: dict[str, list[str]] = {}
    for letter in LETTERS:
        if letter.dossier:
            if not 2 <= len(letter.gold["grounds"]) <= 4:
                raise AssertionError(f"{letter.file}: a dossier letter raises 2-4 grounds")
            for ground in letter.gold["grounds"]:
                clusters.setdefault(ground, []).append(letter.file)
    if any(len(files) < 3 for files in clusters.values()):
        raise AssertionError(f"every dossier ground is raised by at least 3 letters: {clusters}")
    labels["_dossier"] = {
        "decision_reference": DOSSIER_REFERENCE,
        "decision_subject": DOSSIER_SUBJECT,
        "letters": [letter.file for letter in LETTERS if letter.dossier],
        "clusters": clusters,
    }
    return labels


def manifest_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["file", "received_date", "posted_date"])
    for letter in LETTERS:
        if letter.received:
            writer.writerow([letter.file, letter.received, letter.posted or ""])
    return out.getvalue()


README_HEAD = """\
# Bezwaarschriften Lindewaard (ontwikkel-evaluatieset)

A development evaluation set for reading objection letters (bezwaarschriften) into file cards: {count} letters of
the fictional **Gemeente Lindewaard**, with the expected card per letter in `gold.json`. **Everything is invented**:
the municipality, people, addresses, companies, decisions and reference numbers. No letter holds a BSN, phone number
or bank account.

Generated by `python scripts/make_objection_letters.py [--out DIR]` (deterministic; edit the letters in the script,
not the files here).

- `bronvast-manifest.csv`: `file,received_date,posted_date` for the letters that are not e-mails (an e-mail's
  received date is its `Date` header). `bezwaar-parkeervergunning-schuurman.md` has no row on purpose: the tool falls
  back to the letter date. `posted_date` is given for the two letters sent by post near the deadline.
- `gold.json`: per file `letter_date`, `decision_date`, `decision_reference` (as written), `received_date`,
  `on_time`, `deadline`, `hearing_requested`, `pro_forma`, `gemachtigde`, `missing` (Awb 6:5), `grounds` (short
  labels), `request`, `decision_subject`, and `posted_date` where the letter was posted. `_dossier` lists the
  dossier's letters and, per recurring ground, the letters raising it (`clusters`).
- Dates are YYYY-MM-DD. `deadline` is the last day of the six-week term (starting the day after the decision date,
  Awb 6:7/6:8), moved past Saturdays, Sundays and Algemene termijnenwet holidays (incl. Goede Vrijdag);
  `on_time`: received by the deadline, or posted by the deadline and received within a week after it (Awb 6:9).
- Conventions: a typed name under the letter counts as its signature; an e-mail's date is the letter date when the
  text has none; `null` where the letter does not say (`bezwaar-afvalstoffenheffing.txt` gives no decision date, so
  its `deadline` and `on_time` are `null`); `bezwaar-parkeervergunning-schuurman.md` has no received date in the
  manifest, so its `received_date` is its letter date, as the tool falls back to (and says so in its notes).
- The letters and the manifest are in `brieven/`; `bronvast eval objections brieven --gold gold.json` scores them.

**Dossier**: eight letters against one decision, the omgevingsvergunning of 14 April 2025 (`Z-2025-04410`) for a
distribution centre of LogiPoort Waardland B.V. on Bedrijventerrein De Hooge Weide. Each raises 2-4 of six recurring
grounds, in different words per letter; each ground is raised by at least three letters:
{clusters}.

| File | Format | What it tests |
|---|---|---|
"""


def readme(labels: dict) -> str:
    clusters = "; ".join(f"{label} ({len(files)})" for label, files in labels["_dossier"]["clusters"].items())
    rows = [f"| `{letter.file}` | {format_name(letter)} | {letter.tests} |" for letter in LETTERS]
    return README_HEAD.format(count=len(LETTERS), clusters=clusters) + "\n".join(rows) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    out: Path = parser.parse_args().out
    labels = gold_labels()  # checks the labels before anything is written
    # The letters and their manifest in a folder of their own, as a lawyer's folder holds only letters: the
    # labels and the README beside it, so `bronvast objections dossier DIR/brieven` reads letters only.
    letters = out / "brieven"
    letters.mkdir(parents=True, exist_ok=True)
    for letter in LETTERS:
        (letters / letter.file).write_bytes(letter_bytes(letter))
        print(f"wrote {letters / letter.file}")
    (letters / "bronvast-manifest.csv").write_text(manifest_csv(), encoding="utf-8")
    (out / "gold.json").write_text(json.dumps(labels, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "README.md").write_text(readme(labels), encoding="utf-8")
    print(f"wrote {letters / 'bronvast-manifest.csv'}, {out / 'gold.json'}, {out / 'README.md'}")


if __name__ == "__main__":
    main()
