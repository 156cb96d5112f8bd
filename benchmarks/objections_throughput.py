"""Objection-letter throughput: 100 generated two-page letters read into file cards and clustered, in one run
(`make bench-objections`).

Writes --letters (100) fictional Dutch objection letters (bezwaarschriften) to the fictional municipality
Lindewaard as A4 PDFs with a text layer (so no OCR) into a temporary folder: each against one of ten decisions (its own
date, kenmerk and subject), dated a few weeks after it, with a paragraph on the writer's situation and 2-4 grounds
drawn from a pool of ten, each opened in one of three wordings and argued in sentences drawn from its own pool (and a
few generic ones), under numbered grounds, headings or connectives ("Ten eerste", "Daarnaast"), in one of three type
sizes; argued just far enough to run a random distance down the second page, so every letter has two pages. All text
is invented here; deterministic (--seed).

Then reads them as `bronvast objections dossier` does, `app.objections([folder], ObjectionOptions(clusters=True))`,
with the embedded default (extractive grounds, the packaged embedder; threads as the libraries choose them) and a
temporary data dir (the user's is never touched), and prints: letters, the model load, wall seconds of the reading,
letters per minute, seconds per letter, peak RSS, grounds written and found, the number of clusters, and whether the
target "100 letters in under 5 minutes (OCR apart)" is met: MET or NOT MET, judged on model load plus reading.
Exit code 0 either way; progress goes to stderr.

    .venv/bin/python benchmarks/objections_throughput.py [--letters 100] [--seed 2025] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fpdf import FPDF  # noqa: E402
from fpdf.enums import MethodReturnValue  # noqa: E402

from assistant.app import Bronvast  # noqa: E402
from bronvast.language import DUTCH_MONTHS  # noqa: E402
from bronvast.schema import ObjectionOptions  # noqa: E402
from bronvast.settings import load_settings  # noqa: E402

TARGET_LETTERS = 100
TARGET_SECONDS = 300.0  # 100 letters in under 5 minutes (OCR apart)
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FIXED_DATE = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
MARGIN = 25  # mm
PAGE_END = 297 - MARGIN  # mm: A4 less the bottom margin
# How far down its second page a letter's text runs: drawn per letter between these (mm from the top).
SECOND_PAGE_FROM, SECOND_PAGE_TO = 110, 250

# The decisions objected to: subject (as in "Betreft"), what it permits, and a kenmerk pattern.
DECISIONS = [
    ("omgevingsvergunning distributiecentrum De Hooge Weide", "de bouw van een distributiecentrum", "Z-{y}-0{n:04}"),
    ("omgevingsvergunning windturbine Polder Oostwaard", "het plaatsen van een windturbine", "Z-{y}-1{n:04}"),
    ("omgevingsvergunning appartementencomplex Stationsplein", "de bouw van een appartementencomplex",
     "OV {y}-{n:03}"),
    ("omgevingsvergunning zonnepark Lange Akker", "de aanleg van een zonnepark", "{y}/BWT/{n:04}"),
    ("omgevingsvergunning supermarkt Kerkbuurt", "de bouw van een supermarkt met laad- en losplaats",
     "Z-{y}-2{n:04}"),
    ("evenementenvergunning festival Waardpark", "een meerdaags muziekfestival in het Waardpark", "EV {y}-{n:03}"),
    ("omgevingsvergunning parkeergarage Molenstraat", "de bouw van een parkeergarage", "{y}/BWT/{n:04}"),
    ("omgevingsvergunning tankstation Rijksweg", "de bouw van een tankstation met wasstraat", "Z-{y}-3{n:04}"),
    ("kapvergunning Lindelaan", "het kappen van veertig lindes langs de Lindelaan", "KV-{y}-{n:04}"),
    ("omgevingsvergunning bedrijfshal Industrieweg", "de bouw van een bedrijfshal met buitenopslag",
     "Z-{y}-4{n:04}"),
]


@dataclass(frozen=True)
class GroundText:
    """A ground of the pool: its heading, the sentences that open it (one per letter) and those that argue it."""

    heading: str
    openings: tuple[str, ...]
    arguments: tuple[str, ...]


GROUNDS = [
    GroundText("Geluidsoverlast", (
        "Ik vrees ernstige geluidsoverlast voor de hele buurt.",
        "Het plan gaat dag en nacht lawaai veroorzaken in onze straat.",
        "Mijn grootste zorg is het geluid dat {plan} met zich meebrengt.",
    ), (
        "Mijn woning staat op nog geen {m} meter afstand en 's nachts is het hier nu volkomen stil.",
        "Het akoestisch onderzoek rekent met gemiddelden, terwijl juist de pieken in de nacht mij wakker houden.",
        "Met open ramen slapen wordt in de zomer onmogelijk, en mijn kinderen moeten om zeven uur op.",
        "In het besluit staat dat de geluidsnormen worden gehaald, maar er is niet gemeten op onze gevel.",
        "Ik werk in ploegendienst en slaap overdag; ook dan zal het geluid mij uit mijn slaap houden.",
        "Vergelijkbare projecten elders in de regio leveren jaarlijks tientallen klachten over lawaai op.",
        "De gemeente heeft geen voorwaarden gesteld aan de uren waarop het lawaai mag plaatsvinden.",
        "Achteruitrijdende vrachtwagens piepen, en dat geluid draagt bij windstil weer kilometers ver.",
        "Een geluidswal of een andere afscherming is niet eens overwogen.",
    )),
    GroundText("Verkeersveiligheid", (
        "Het besluit brengt de verkeersveiligheid in gevaar.",
        "Ik maak mij grote zorgen over de veiligheid van fietsers en voetgangers.",
        "De extra verkeersbewegingen maken onze wijk onveilig.",
    ), (
        "Elke ochtend fietsen er tientallen kinderen over de {straat} naar de basisschool.",
        "De weg is smal en heeft geen vrijliggend fietspad, zodat vrachtwagens en fietsers elkaar rakelings passeren.",
        "Volgens het verkeersonderzoek komen er {m} extra bewegingen per dag bij, ook in de spits.",
        "Bij de kruising met de Dorpsstraat is het zicht slecht en gebeuren nu al regelmatig bijna-ongelukken.",
        "Ouderen uit het verzorgingshuis steken hier over naar de bushalte en zijn nu al bang.",
        "Er is geen enkele maatregel genomen om de snelheid van het verkeer te beperken.",
        "Een veilige alternatieve route voor het bouwverkeer is nooit onderzocht.",
        "Het verkeersonderzoek is gedaan in een schoolvakantie, toen er nauwelijks fietsers waren.",
        "De bermen zijn zacht, zodat uitwijkende fietsers bij regen onderuit gaan.",
    )),
    GroundText("Natuur en groen", (
        "Het plan gaat ten koste van de natuur in ons gebied.",
        "Door dit besluit verdwijnt een van de laatste groene plekken van Lindewaard.",
        "Ten onrechte is geen rekening gehouden met de natuurwaarden ter plaatse.",
    ), (
        "In de bomenrij langs de sloot broeden ieder voorjaar uilen en er jagen vleermuizen.",
        "Ik wandel er elke dag en zie er buizerds, hazen en reeën; dat wordt allemaal asfalt en beton.",
        "Het natuuronderzoek is in de winter gedaan, toen er vrijwel geen dieren te zien waren.",
        "De compensatie van nieuwe bomen elders weegt niet op tegen het verlies van oude bomen hier.",
        "De provincie heeft dit gebied aangewezen als ecologische verbindingszone, dat staat nergens in het besluit.",
        "Het weiland vangt bij hevige regen veel water op; verharding vergroot de kans op wateroverlast.",
        "De stikstofdepositie op het nabijgelegen natuurgebied is niet berekend.",
        "Jonge aanplant heeft tientallen jaren nodig om de waarde van deze oude bomen te bereiken.",
        "Voor de vleermuizen had eerst een ontheffing moeten worden aangevraagd.",
    )),
    GroundText("Participatie", (
        "De gemeente heeft de omwonenden nooit betrokken bij dit plan.",
        "Er is over ons besloten zonder ons.",
        "De inspraak is volstrekt onvoldoende geweest.",
    ), (
        "Wij hebben geen brief ontvangen en er is geen informatieavond in onze wijk gehouden.",
        "De enige bijeenkomst vond plaats op een doordeweekse middag, toen de meeste bewoners moesten werken.",
        "Onze vragen per e-mail zijn nooit beantwoord, ook niet na een herinnering.",
        "Het participatieverslag noemt gesprekken met de buurt die nooit hebben plaatsgevonden.",
        "De initiatiefnemer heeft alleen met de ondernemers gesproken, niet met de bewoners.",
        "Pas via het huis-aan-huisblad hoorden wij dat er een vergunning was verleend.",
        "De wijkraad heeft om overleg gevraagd, maar kreeg nooit een uitnodiging.",
        "Bewoners die geen internet hebben, konden de stukken nergens inzien.",
        "Het gemeentelijk participatiebeleid schrijft voor dat omwonenden vroegtijdig worden betrokken.",
    )),
    GroundText("Lichthinder", (
        "Ik verwacht veel hinder van de verlichting.",
        "De lichtmasten en gevelverlichting zullen onze woningen 's nachts verlichten.",
        "Het besluit houdt geen rekening met lichthinder voor de omwonenden.",
    ), (
        "Mijn slaapkamer kijkt uit op het terrein en ik heb nu geen verduisterende gordijnen nodig.",
        "In de vergunning staat niets over het dimmen of uitschakelen van de verlichting na middernacht.",
        "Ook voor de dieren in de bomenrij is dat felle licht schadelijk.",
        "Op de plattegrond staan {m} lichtmasten van twaalf meter hoog langs de erfgrens.",
        "Bij een vergelijkbaar terrein in Oostwaard schijnt het licht de hele nacht door de ramen van de buren.",
        "Koplampen van vrachtwagens die de uitrit afdraaien schijnen recht in onze woonkamer.",
        "Een lichtplan met de verlichtingssterkte op onze gevels ontbreekt bij de stukken.",
        "De sterrenhemel, waarvoor de vereniging in het buitengebied zich inzet, verdwijnt voorgoed.",
    )),
    GroundText("Waardedaling", (
        "Mijn woning zal door dit besluit flink in waarde dalen.",
        "Ik lijd schade doordat mijn huis minder waard wordt.",
        "Het plan leidt tot waardedaling van de woningen in de buurt.",
    ), (
        "Een makelaar heeft mij verteld dat de waarde met zeker {m} procent kan dalen.",
        "Wij hebben ons huis juist om het vrije uitzicht en de rust gekocht.",
        "Over planschade of een tegemoetkoming staat in het besluit geen woord.",
        "Twee huizen verderop staat een woning al maanden te koop sinds de plannen bekend zijn.",
        "Voor ons pensioen rekenen wij op de waarde van ons huis; dat wordt nu onzeker.",
        "Kopers vragen bij bezichtigingen als eerste naar de plannen op het terrein ernaast.",
        "De gemeente heeft geen planschaderisicoanalyse laten maken, hoewel dat voor de hand lag.",
        "De bank heeft bij de herfinanciering van onze hypotheek al een lagere taxatie aangehouden.",
    )),
    GroundText("Parkeerdruk", (
        "De parkeerdruk in de wijk wordt onhoudbaar.",
        "Er komen veel te weinig parkeerplaatsen bij.",
        "Het besluit gaat uit van een onjuiste parkeernorm.",
    ), (
        "Nu al moet ik 's avonds regelmatig twee straten verder parkeren.",
        "Het plan rekent met {m} parkeerplaatsen, terwijl de gemeentelijke norm er veel meer vraagt.",
        "Bezoekers en personeel zullen hun auto in onze straat zetten, ook op de stoep.",
        "Voor mensen die slecht ter been zijn wordt het onmogelijk om dicht bij huis te parkeren.",
        "Een parkeeronderzoek op een zaterdag of tijdens evenementen ontbreekt.",
        "Hulpdiensten komen nu al moeilijk door de straat als er aan beide kanten auto's staan.",
        "De parkeerplaatsen op eigen terrein worden straks betaald, zodat iedereen in de wijk gaat staan.",
        "Een vergunningstelsel voor bewoners is niet overwogen.",
    )),
    GroundText("Luchtkwaliteit", (
        "Ik maak mij zorgen over de luchtkwaliteit.",
        "Het plan leidt tot meer fijnstof en uitlaatgassen in de buurt.",
        "De gevolgen voor onze gezondheid zijn onvoldoende onderzocht.",
    ), (
        "Mijn zoon heeft astma en is nu al vaak benauwd op dagen met veel verkeer.",
        "Stationair draaiende vrachtwagens en dieselaggregaten stoten veel roet uit.",
        "Het luchtonderzoek gebruikt gegevens van een meetpunt op {m} kilometer afstand.",
        "Vlak naast het terrein liggen een speeltuin en een kinderdagverblijf.",
        "De GGD is niet om advies gevraagd, hoewel dat bij dit soort plannen gebruikelijk is.",
        "Bij oostenwind waait alles recht onze tuinen in, en die wind staat hier vaak.",
        "De advieswaarden van de Wereldgezondheidsorganisatie worden nu al overschreden.",
        "Er is niet berekend wat de uitstoot tijdens de bouw zal zijn.",
    )),
    GroundText("Uitzicht en privacy", (
        "Het plan ontneemt ons het uitzicht en de privacy.",
        "De bebouwing is veel te hoog en te dicht op onze woningen.",
        "Door de hoogte kijkt men straks zo in onze tuinen.",
    ), (
        "Het gebouw wordt {m} meter hoog, terwijl de woningen in de straat twee bouwlagen hebben.",
        "Uit de bezonningsstudie blijkt dat onze tuin in de winter de hele middag in de schaduw ligt.",
        "Vanaf de balkons aan de achterzijde kijkt men rechtstreeks in onze woonkamer en slaapkamer.",
        "Het open karakter van de straat, dat in het omgevingsplan wordt beschermd, verdwijnt.",
        "Een lagere bouwhoogte of een grotere afstand tot de erfgrens is niet overwogen.",
        "Onze zonnepanelen zullen door de schaduw een groot deel van hun opbrengst verliezen.",
        "Het beeldkwaliteitsplan spreekt van een zorgvuldige overgang naar de woonwijk, daar is niets van terug te zien.",
        "De welstandscommissie heeft het ontwerp niet gezien.",
    )),
    GroundText("Motivering", (
        "Het besluit is onvoldoende gemotiveerd.",
        "De gemeente heeft de belangen niet zorgvuldig afgewogen.",
        "Het besluit is in strijd met het omgevingsplan.",
    ), (
        "In het besluit staat alleen dat het plan past, zonder uit te leggen waarom.",
        "Op onze zienswijze is niet inhoudelijk ingegaan; er wordt slechts naar de regels verwezen.",
        "De afwijking van het omgevingsplan is niet onderbouwd met een ruimtelijke motivering.",
        "De economische belangen van de initiatiefnemer hebben kennelijk zwaarder gewogen dan de belangen van de buurt.",
        "Alternatieve locaties op het bedrijventerrein zijn niet onderzocht of niet serieus overwogen.",
        "De adviezen waarop het besluit steunt, zijn niet openbaar gemaakt.",
        "Het besluit verwijst naar een beleidsregel die bij het nemen ervan al was ingetrokken.",
        "Waarom de bezwaren van de omwonenden minder zwaar wegen, wordt nergens uitgelegd.",
    )),
]
# Sentences that argue any ground further: a letter deals out a few after a ground's own (none twice in a letter).
GENERIC = (
    "Dat is voor mij en mijn buren onaanvaardbaar.",
    "Ik heb hierover al eerder mijn zorgen geuit, maar daar is niets mee gedaan.",
    "Dit raakt niet alleen mij, maar de hele straat en de scholen in de buurt.",
    "In het besluit wordt dit punt met een enkele zin afgedaan.",
    "Ik begrijp dat {plan} voor de gemeente belangrijk is, maar niet op deze plek en niet op deze manier.",
    "Naar mijn mening had de gemeente hier eerst zelf onderzoek naar moeten doen.",
    "Mijn buren, met wie ik hierover heb gesproken, maken zich hier net zulke zorgen over.",
    "De stukken die ter inzage lagen geven hierover geen duidelijkheid.",
    "Het gaat om een blijvende situatie: als het er eenmaal staat, is het niet meer terug te draaien.",
    "Wie hier niet woont, kan zich moeilijk voorstellen wat dit voor ons dagelijks leven betekent.",
    "Er zijn voorwaarden denkbaar die dit bezwaar zouden verminderen, maar die staan niet in de vergunning.",
    "Dit had de gemeente kunnen weten als zij eens was komen kijken.",
)
GENERIC_PER_GROUND = 2
# Who writes and why they are concerned: a paragraph before the grounds, a few of these.
SITUATION = (
    "Ik woon sinds {jaar} met mijn gezin aan de {straat}, op korte afstand van de plek waar het plan komt.",
    "Wij hebben twee kinderen die op de basisschool in de wijk zitten.",
    "Ik ben gepensioneerd en breng een groot deel van de dag thuis en in de tuin door.",
    "Ik ben lid van de bewonersvereniging, maar schrijf deze brief op eigen titel.",
    "Ons huis ligt aan de kant van het terrein, met de tuin en de slaapkamers op het zuiden.",
    "Ik werk vanuit huis en ben dus ook overdag getuige van alles wat er in de straat gebeurt.",
    "Mijn ouders wonen om de hoek en zijn voor hun boodschappen op de fiets aangewezen.",
)
# Type sizes and line heights (mm) of the letters: as different writers set them.
LAYOUTS = ((11, 5.5), (12, 6.3), (12, 7.2))
FIRST_NAMES = ["Johan", "Karin", "Pieter", "Anouk", "Willem", "Sanne", "Henk", "Fatima", "Ruud", "Ilse", "Mehmet",
               "Marleen", "Kees", "Yvonne", "Bram", "Noor", "Gerrit", "Esther", "Daan", "Lotte"]
LAST_NAMES = ["de Vries", "Bakker", "Jansen", "Visser", "Smit", "Mulder", "de Boer", "Bos", "Dekker", "Hendriks",
              "van Dijk", "Kramer", "Postma", "Koster", "Huisman", "van der Meer", "Prins", "Blom", "Schouten", "Wolters"]
STREETS = ["Weideweg", "Lindelaan", "Kerkbuurt", "Molenstraat", "Dorpsstraat", "Slootkant", "Esdoornlaan", "Havenkade",
           "Vlinderweg", "Akkerstraat"]
CONNECTIVES = ["Ten eerste", "Daarnaast", "Verder", "Tot slot"]
SALUTATIONS = ["Geacht college,", "Geachte heer, mevrouw,", "Geacht college van burgemeester en wethouders,"]
REQUESTS = ["Ik verzoek u het besluit te herroepen en de vergunning te weigeren.",
            "Ik verzoek u het besluit in te trekken.",
            "Ik vraag u het besluit te herroepen, of in ieder geval aanvullende voorwaarden te stellen."]
HEARINGS = ["Ik wil graag gehoord worden op een hoorzitting.",
            "Ik verzoek u mij in de gelegenheid te stellen mijn bezwaar mondeling toe te lichten.", ""]


@dataclass(frozen=True)
class Decision:
    subject: str
    plan: str
    reference: str
    decided: date


def dutch_date(day: date) -> str:
    return f"{day.day} {DUTCH_MONTHS[day.month - 1]} {day.year}"


def decisions(rng: random.Random) -> list[Decision]:
    """The ten decisions of 2025, each with its own date and kenmerk."""
    found = []
    for subject, plan, pattern in DECISIONS:
        decided = date(2025, 1, 6) + timedelta(days=rng.randint(0, 270))
        found.append(Decision(subject, plan, pattern.format(y=2025, n=rng.randint(1, 999)), decided))
    return found


def argued(rng: random.Random, ground: GroundText, plan: str, generic: list[str], depth: int) -> list[str]:
    """The ground's opening in one of its wordings, then `depth` sentences arguing it: its own in a random order, then
    the generic ones dealt to it."""
    fill = {"plan": plan, "m": rng.choice([40, 60, 80, 120, 150, 300, 400]), "straat": rng.choice(STREETS)}
    own = rng.sample(ground.arguments, len(ground.arguments))
    return [s.format(**fill) for s in [rng.choice(ground.openings)] + (own + generic)[:depth]]


def letter_parts(rng: random.Random, decision: Decision, grounds: list[GroundText], depth: int) -> dict:
    """The letter's parts; `depth`: how many sentences argue each ground (what grows until the letter is long). The
    random draws do not depend on `depth`, so a deeper letter is the same letter argued further."""
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    street = f"{rng.choice(STREETS)} {rng.randint(1, 140)}"
    written = decision.decided + timedelta(days=rng.randint(7, 38))
    style = rng.choice(["numbered", "headings", "connectives"])
    situation = " ".join(rng.sample(SITUATION, rng.randint(2, 3))).format(jaar=rng.randint(1978, 2022),
                                                                          straat=street.rsplit(" ", 1)[0])
    generic = rng.sample(GENERIC, len(GENERIC))
    blocks = []
    for number, ground in enumerate(grounds, 1):
        dealt = generic[(number - 1) * GENERIC_PER_GROUND:number * GENERIC_PER_GROUND]
        text = " ".join(argued(rng, ground, decision.plan, dealt, depth))
        if style == "numbered":
            blocks.append((None, f"{number}. {text}"))
        elif style == "headings":
            blocks.append((f"Grond {number}: {ground.heading}", text))
        else:
            connective = CONNECTIVES[-1] if number == len(grounds) and number > 1 else CONNECTIVES[min(number - 1, 2)]
            blocks.append((None, f"{connective}: {text[0].lower()}{text[1:]}"))
    return {
        "sender": [name, street, f"47{rng.randint(30, 39)} {rng.choice('ABCDEFGHKL')}{rng.choice('MNPRST')} Lindewaard"],
        "addressee": ["College van burgemeester en wethouders van de gemeente Lindewaard", "Postbus 1250",
                      "4730 AG Lindewaard"],
        "dateline": f"Lindewaard, {dutch_date(written)}",
        "subject": f"Betreft: bezwaar tegen {decision.subject}, kenmerk {decision.reference}",
        "salutation": rng.choice(SALUTATIONS),
        "opening": (f"Hierbij maak ik bezwaar tegen uw besluit van {dutch_date(decision.decided)} met kenmerk "
                    f"{decision.reference}, waarbij u toestemming hebt gegeven voor {decision.plan}."),
        "situation": situation,
        "grounds_heading": "Gronden van mijn bezwaar" if style != "connectives" else None,
        "blocks": blocks,
        "closing": [rng.choice(REQUESTS), rng.choice(HEARINGS)],
        "signature": ["Met vriendelijke groet,", "", name],
    }


class LetterPDF:
    """A4 letters with a text layer: DejaVuSans when installed, else Helvetica (the text here is all latin-1).
    `measure` tells how far a letter runs without writing it: the line breaks of fpdf2 itself (a dry run), and its
    page breaks (a line that would cross PAGE_END starts a new page), so a letter's length is found quickly."""

    def __init__(self):
        self.unicode = (FONT_DIR / "DejaVuSans.ttf").exists() and (FONT_DIR / "DejaVuSans-Bold.ttf").exists()
        self.family = "DejaVu" if self.unicode else "Helvetica"
        self.ruler = self._document()
        self.lines: dict[tuple[str, str, int], int] = {}

    def _document(self) -> FPDF:
        pdf = FPDF(format="A4")
        pdf.set_creation_date(FIXED_DATE)  # deterministic output
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(True, margin=297 - PAGE_END)
        if self.unicode:
            pdf.add_font(self.family, "", str(FONT_DIR / "DejaVuSans.ttf"))
            pdf.add_font(self.family, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        pdf.add_page()
        return pdf

    @staticmethod
    def items(parts: dict) -> list[tuple[str, str, float]]:
        """The letter as (text, style, gap after) in order: a text is one paragraph or line."""
        blocks: list[tuple[list[str], str, float]] = [
            (parts["sender"], "", 4), (parts["addressee"], "", 4), ([parts["dateline"]], "", 4),
            ([parts["subject"]], "B", 4), ([parts["salutation"]], "", 4), ([parts["opening"]], "", 4),
            ([parts["situation"]], "", 4)]
        if parts["grounds_heading"]:
            blocks.append(([parts["grounds_heading"]], "B", 2))
        for heading, text in parts["blocks"]:
            if heading:
                blocks.append(([heading], "B", 1))
            blocks.append(([text], "", 4))
        blocks += [([line for line in parts["closing"] if line], "", 4), (parts["signature"], "", 4)]
        items = []
        for texts, style, gap in blocks:
            items += [(text, style, 0.0) for text in texts[:-1]] + [(texts[-1], style, gap)]
        return items

    def measure(self, parts: dict, layout: tuple[int, float]) -> tuple[int, float]:
        """(pages, y on the last page) as `write` would set the letter."""
        size, height = layout
        pages, y = 1, float(MARGIN)
        for text, style, gap in self.items(parts):
            key = (text, style, size)
            if key not in self.lines:
                self.ruler.set_font(self.family, style, size=size)
                self.lines[key] = len(self.ruler.multi_cell(0, height, text, dry_run=True,
                                                            output=MethodReturnValue.LINES))
            for _ in range(self.lines[key]):
                if y + height > PAGE_END:
                    pages, y = pages + 1, float(MARGIN)
                y += height
            y += gap
        return pages, y

    def write(self, path: Path, parts: dict, layout: tuple[int, float]) -> int:
        """The letter as a PDF; returns its page count."""
        size, height = layout
        pdf = self._document()
        for text, style, gap in self.items(parts):
            pdf.set_font(self.family, style, size=size)
            pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(gap)
        pdf.output(str(path))
        return pdf.pages_count


def write_letters(folder: Path, count: int, seed: int) -> tuple[int, dict[int, int]]:
    """`count` two-page letters; returns the grounds written and how many letters have how many pages."""
    rng = random.Random(seed)
    writer = LetterPDF()
    pool = decisions(rng)
    written, pages = 0, {}
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        grounds = rng.sample(GROUNDS, rng.randint(2, 4))
        parts, layout = two_pages(rng, writer, pool[n % len(pool)], grounds)
        n_pages = writer.write(folder / f"bezwaar-{n + 1:03}.pdf", parts, layout)
        pages[n_pages] = pages.get(n_pages, 0) + 1
        written += len(grounds)
        if (n + 1) % 20 == 0:
            progress(f"  {n + 1}/{count} brieven geschreven")
    return written, pages


def two_pages(rng: random.Random, writer: LetterPDF, decision: Decision,
              grounds: list[GroundText]) -> tuple[dict, tuple[int, float]]:
    """One letter, its grounds argued just far enough to run a random distance down its second page (found by
    bisection: a deeper letter only runs longer), in a random layout, or a larger one when even the fully argued
    letter stays on its first page; returns its parts and layout."""
    state = rng.getstate()
    stop = rng.uniform(SECOND_PAGE_FROM, SECOND_PAGE_TO)
    first = rng.randrange(len(LAYOUTS))
    deepest = min(len(g.arguments) for g in grounds) + GENERIC_PER_GROUND

    def letter(depth: int) -> dict:
        rng.setstate(state)  # the same draws every time
        return letter_parts(rng, decision, grounds, depth)

    for layout in LAYOUTS[first:]:
        if writer.measure(letter(deepest), layout) < (2, stop):
            continue  # too short even fully argued: a larger type
        low, high = 0, deepest  # measure(letter(high)) >= (2, stop); find the least such depth
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (low, middle) if writer.measure(letter(middle), layout) >= (2, stop) else (middle, high)
        if writer.measure(letter(high), layout)[0] > 2:
            high -= 1  # one sentence more per ground ran onto a third page
        return letter(high), layout
    return letter(deepest), LAYOUTS[-1]


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=TARGET_LETTERS, help="letters to generate and read")
    parser.add_argument("--seed", type=int, default=2025, help="seed of the generated letters")
    parser.add_argument("--keep", type=Path, default=None, help="copy the generated letters into this folder")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bronvast-bench-") as name:
        tmp = Path(name)
        os.environ["BRONVAST_DATA_DIR"] = str(tmp / "data")  # the user's data dir stays untouched
        folder = tmp / "brieven"
        progress(f"{args.letters} brieven schrijven (PDF met tekstlaag) ...")
        grounds_written, pages = write_letters(folder, args.letters, args.seed)
        if args.keep:
            shutil.copytree(folder, args.keep, dirs_exist_ok=True)

        app = Bronvast(load_settings(overrides=[f"data_dir={tmp / 'data'}"]))
        # The onnx embedder is built once into model_dir, by default inside the (fresh) data dir: then timed here.
        built_here = app.settings.embedding.backend == "onnx" and app.settings.embedding.model_dir is None
        progress("model laden ...")
        started = time.perf_counter()
        app.embedder  # noqa: B018  (the model, loaded before the reading is timed)
        load_s = time.perf_counter() - started

        done, last_file = [0], [0.0]

        def on_file(name: str) -> None:
            done[0] += 1
            last_file[0] = time.perf_counter()
            if done[0] % 10 == 0 or done[0] == args.letters:
                progress(f"  {done[0]}/{args.letters} brieven gelezen, {time.perf_counter() - started:.0f} s")

        progress("brieven lezen en gronden clusteren ...")
        started = time.perf_counter()
        dossier = app.objections([folder], ObjectionOptions(clusters=True), on_file=on_file)
        finished = time.perf_counter()
        wall, clustering = finished - started, finished - (last_file[0] or finished)
        app.close()

    letters = len(dossier.letters)
    found = sum(len(card.grounds) for card in dossier.letters)
    recurring = sum(1 for cluster in dossier.clusters if cluster.count > 1)
    met = letters >= TARGET_LETTERS and load_s + wall < TARGET_SECONDS
    print(f"Bezwaarschriften: {args.letters} gegenereerde brieven van twee pagina's (PDF met tekstlaag, geen OCR), "
          f"{os.cpu_count()} cores")
    rows = [
        ("brieven gelezen", f"{letters} ({len(dossier.rejected)} geweigerd; pagina's per brief: "
                            + ", ".join(f"{k}: {v}" for k, v in sorted(pages.items())) + ")"),
        ("model laden", f"{load_s:.1f} s" + (" (verse datamap: met het eenmalig bouwen van het ONNX-model)"
                                             if built_here else "")),
        ("lezen + clusteren (wall)", f"{wall:.1f} s (waarvan clusteren na de laatste brief {clustering:.1f} s)"),
        ("brieven per minuut", f"{letters / wall * 60:.1f}"),
        ("seconden per brief", f"{wall / letters:.2f}" if letters else "-"),
        ("piek-RSS", f"{peak_rss_mb():.0f} MB"),
        ("gronden geschreven / gevonden", f"{grounds_written} / {found}"),
        ("clusters", f"{len(dossier.clusters)} ({recurring} in meer dan een brief)"),
    ]
    for label, value in rows:
        print(f"  {label:<32} {value}")
    verdict = "MET" if met else "NOT MET"
    print(f"doel: {TARGET_LETTERS} brieven in minder dan {TARGET_SECONDS / 60:.0f} minuten (OCR apart; model laden "
          f"+ lezen {load_s + wall:.1f} s): {verdict}")
    for file, reason in dossier.rejected:
        print(f"  niet gelezen: {file}: {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
