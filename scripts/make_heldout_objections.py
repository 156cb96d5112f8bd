"""Generate the held-out set of objection letters (bezwaarschriften) to the fictional "Gemeente Oosterveld".

Ten letters in the formats a municipal legal secretary receives: 3 TXT (one of them cp1252 with CRLF line
endings, as an old Windows PC writes it), 2 DOCX, 2 PDF with a text layer, 1 e-mail (.eml, the letter in the
body), 1 Markdown file and 1 scanned letter (PNG, read with OCR). Next to them: `bronvast-manifest.csv` (the date
each paper letter was received, and a postmark date where the posting date matters), `gold.json` (the labels) and
a README. Four letters object to one decision (a felling permit for 14 lime trees on the Stationsweg) and form a
mini dossier with recurring grounds.

The set was written independently of the assistant's code and of the other sample letters: it is held out, for
measuring, not for tuning. All people, addresses, companies and reference numbers are invented; no letter holds a
BSN.

The gold dates were worked out by hand with a calendar; `check_gold()` recomputes every deadline and `on_time`
with the Algemene termijnenwet and refuses to write when they disagree.

Output is deterministic: fixed metadata dates in the PDF and DOCX files, fixed ZIP timestamps in the DOCX files,
a fixed Date and Message-ID in the e-mail and a seeded random generator for the scan's noise.

Usage: python scripts/make_heldout_objections.py [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import random
import zipfile
from datetime import date, datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "eval" / "datasets" / "objections-heldout"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
CET = timezone(timedelta(hours=1))

# File names: neutral, as letters are saved on arrival; they do not give the labels away.
D1 = "bezwaar-stationsweg-woonbelang.docx"
D2 = "bezwaar_lindes_dekker.txt"
D3 = "scan-post-0031.png"
D4 = "bezwaar-kap-lindes.eml"
N1 = "bezwaarschrift-hoogkamp.pdf"
N2 = "bezwaar-terras-het-pakhuis.docx"
N3 = "brief-brouwer.txt"
N4 = "bezwaar-bijzondere-bijstand.md"
N5 = "bezwaar-parkeervergunning.pdf"
N6 = "bezwaar-woz-kerkstraat-18.txt"

GEMEENTE = ["Postbus 100", "7460 AC Oosterveld"]

# ---------------------------------------------------------------------------
# The letters. A paragraph list; in DOCX/PDF "## " marks a heading, "**" a bold line.
# ---------------------------------------------------------------------------

D1_PARAGRAPHS = [
    "**Stichting Woonbelang Oosterveld",
    "Postbus 1204\n7460 BE Oosterveld",
    "",
    "Aan het college van burgemeester en wethouders van de gemeente Oosterveld\n" + "\n".join(GEMEENTE),
    "",
    "Oosterveld, 23 februari 2026",
    "Ons kenmerk: WBO/VG/2026-031\nBetreft: bezwaarschrift omgevingsvergunning kap 14 lindes Stationsweg",
    "",
    "Geacht college,",
    "Stichting Woonbelang Oosterveld (hierna: Woonbelang) maakt hierbij bezwaar tegen het besluit met kenmerk "
    "2026-OMV-0042 van 22 januari 2026, waarbij u een omgevingsvergunning hebt verleend voor het vellen van "
    "veertien lindes in de middenberm van de Stationsweg, tussen de Spoorlaan en de Molenstraat.",
    "## Belanghebbendheid",
    "Woonbelang is eigenaar en verhuurder van de complexen Stationsweg 2 tot en met 48 (even nummers) en "
    "Lindehof 1 tot en met 38: samen 86 sociale huurwoningen die direct aan de bomenrij grenzen. In de "
    "seniorenwoningen aan de Lindehof wonen vooral ouderen, van wie een groot deel slecht ter been is.",
    "## Gronden van het bezwaar",
    "1. De noodzaak van de kap is niet aangetoond. Het besluit spreekt van een \"verminderde vitaliteit\" van de "
    "bomen, maar onderbouwt dat niet. Het boomveiligheidsonderzoek (VTA) dat de gemeente in juni 2023 liet "
    "uitvoeren, beoordeelde twaalf van de veertien lindes als 'goed' en twee als 'redelijk'. Een recenter "
    "onderzoek is niet bij de stukken gevoegd en is ons ook op verzoek niet toegezonden.",
    "2. De voorgeschreven herplant is onvoldoende. De vergunning schrijft zeven nieuwe bomen voor, met een "
    "stamomtrek van 16-18 cm, op een nog te bepalen plek. Veertien volwassen lindes van ruim zestig jaar oud geven "
    "schaduw en verkoeling die onze huurders in hete zomers hard nodig hebben. Zeven jonge bomen elders in de "
    "gemeente vervangen dat de komende decennia niet.",
    "3. Belanghebbenden zijn niet betrokken. Woonbelang heeft als grootste eigenaar langs de Stationsweg geen "
    "enkel bericht over de aanvraag ontvangen, en ook de huurdersvereniging Stationskwartier is niet gehoord. "
    "Dat staat haaks op wat de gemeente in haar eigen participatiebeleid belooft.",
    "## Verzoek",
    "Wij verzoeken u het bestreden besluit te herroepen en de omgevingsvergunning alsnog te weigeren. Daarnaast "
    "verzoeken wij u ons in de gelegenheid te stellen het bezwaar tijdens een hoorzitting mondeling toe te "
    "lichten.",
    "Tot slot vragen wij u de vergunninghouder te verzoeken niet tot kap over te gaan zolang niet op dit bezwaar "
    "is beslist.",
    "Met vriendelijke groet,\nStichting Woonbelang Oosterveld",
    "",
    "ir. H.J. Wolters-Bos\ndirecteur-bestuurder",
    "",
    "Bijlage: kopie van het bestreden besluit",
]

D2_TEXT = """\
P. Dekker
Molenstraat 9
7461 KD Oosterveld

Aan: gemeente Oosterveld, t.a.v. het college van B&W
Datum: 06-03-2026
Onderwerp: BEZWAAR tegen kap lindes Stationsweg (zaaknr. 2026-OMV-0042)


Geachte dames en heren,

Via de buren hoorde ik dat de gemeente toestemming heeft gegeven om de 14 lindes aan de Stationsweg om te
zagen. Ik heb het besluit van 22 januari nu eindelijk in het Gemeenteblad gevonden. Ik ben het er volstrekt
mee oneens en maak hierbij bezwaar. Mijn redenen:

- Er is NIETS mis met die bomen. Ik loop er al dertig jaar elke dag langs met de hond. Geen dode takken, geen
  zwammen, niks. Als de gemeente zegt dat ze ziek zijn, laat dan maar eens zien waar dat op gebaseerd is. Voor
  zover ik weet is er nooit een deskundige naar die bomen komen kijken. Of gaat het eigenlijk gewoon om dat
  nieuwe fietspad? Zeg dat dan eerlijk.

- Niemand heeft ons iets gevraagd. Geen informatieavond, geen brief, helemaal niets. Twee dagen voordat de
  vergunning werd verleend lag er een flyer van de aannemer in de bus. Dat noemt u "in gesprek met de buurt"?

Ik wil dat dit besluit wordt teruggedraaid en dat die bomen gewoon blijven staan. En ik verwacht dat er niet
gezaagd wordt voordat er over mijn bezwaar is beslist, anders stap ik naar de rechter.

P. Dekker
"""

D3_LINES = [
    ">Oosterveld, 14 februari 2026",
    "",
    "Mevr. G. Hofstede-Lammers",
    "Stationsweg 31",
    "7461 KB Oosterveld",
    "",
    "Aan het College van Burgemeester en Wethouders",
    "van de gemeente Oosterveld",
    *GEMEENTE,
    "",
    "Betreft: bezwaar tegen het kappen van de lindebomen",
    "",
    "Geacht College,",
    "",
    "Met dit schrijven wil ik bezwaar maken tegen de vergunning die u op 22 januari heeft gegeven om de "
    "lindebomen aan de Stationsweg te kappen. Ik woon al sinds 1971 op nummer 31, recht tegenover de bomen, en "
    "ik kan mij de straat zonder die bomen niet voorstellen.",
    "",
    "Het gaat mij niet alleen om het uitzicht. In de zomer zie ik 's avonds vanuit mijn voorkamer de vleermuizen "
    "rond de bomen vliegen, en ieder voorjaar broeden er kauwtjes en spreeuwen in de holtes van de stammen. Ik heb "
    "nergens in de vergunning gelezen dat iemand daarnaar gekeken heeft. Waar moeten die dieren straks naartoe?",
    "",
    "U schrijft dat er zeven nieuwe bomen terugkomen. Dat is de helft, en het zijn kleine boompjes. Ik ben 81 "
    "jaar; die worden pas zo groot als de lindes als ik er allang niet meer ben. Dat kunt u toch geen vervanging "
    "noemen?",
    "",
    "Ik vraag u daarom vriendelijk om de vergunning in te trekken en de bomen te laten staan.",
    "",
    "Met vriendelijke groet,",
    "",
    "~",  # the handwritten signature
    "",
    "G. Hofstede-Lammers",
]

D4_BODY = """\
Aan het college van burgemeester en wethouders van de gemeente Oosterveld

Oosterveld, 5 maart 2026

Geacht college,

Als bewoner van de Spoorlaan maak ik bezwaar tegen uw besluit d.d. 22-01-2026 tot verlening van een
omgevingsvergunning voor het vellen van 14 lindes aan de Stationsweg (DSO-verzoeknummer 2718305).

Ik ben vrijwilliger bij de vogelwerkgroep in onze gemeente en ken deze bomenrij goed. Mijn bezwaren zijn:

1) Soortenbescherming. Bij de aanvraag zit geen quickscan flora en fauna. De lindes hebben meerdere
holtes en spleten. Wij hebben in 2024 en 2025 gewone dwergvleermuizen waargenomen die de bomenrij als
vliegroute gebruiken, en holenbroeders als kauw, spreeuw en boomklever. Zonder ecologisch onderzoek kan
niet worden beoordeeld of de kap in strijd is met de regels voor soortenbescherming.

2) Gezondheid van de bomen. De vergunning noemt "afnemende vitaliteit", maar verwijst naar geen enkel
boomtechnisch rapport. Voor zover ik kan nagaan is er geen recent onderzoek gedaan. Ik vraag u een
eventueel rapport alsnog openbaar te maken.

3) Compensatie. Tegenover 14 monumentale lindes staan 7 nieuwe bomen "op een nader te bepalen locatie".
Het Bomenbeleidsplan van Oosterveld gaat uit van compensatie van 1 op 1. Waarom wordt daar hier van
afgeweken?

Ik verzoek u het besluit te herroepen en de vergunning te weigeren, of in elk geval pas opnieuw te
beslissen nadat een ecologisch onderzoek en een actueel boomonderzoek zijn gedaan.

Met vriendelijke groet,

Marloes Verhoef
Spoorlaan 12
7461 KE Oosterveld
"""

N1_PARAGRAPHS = [
    "**Van Aalst & Dijkhuis Advocaten",
    "Havenkade 3\n7462 AN Oosterveld",
    "",
    "AANGETEKEND EN PER E-MAIL",
    "College van burgemeester en wethouders van de gemeente Oosterveld\nt.a.v. de commissie bezwaarschriften\n"
    + "\n".join(GEMEENTE),
    "",
    "Oosterveld, 8 april 2026",
    "Uw kenmerk: HH/2026/0147\nOns kenmerk: 2026.0388/MvA\n"
    "Betreft: bezwaarschrift R.J. Hoogkamp - last onder dwangsom Brinkweg 41",
    "",
    "Geacht college,",
    "Namens mijn cliënt, de heer R.J. Hoogkamp, wonende aan de Brinkweg 41, 7463 PL Oosterveld, die mij "
    "daartoe heeft gemachtigd (volmacht bijgevoegd), maak ik bezwaar tegen uw besluit van 3 maart 2026, kenmerk "
    "HH/2026/0147, waarbij aan cliënt een last onder dwangsom is opgelegd wegens het gebruik van het bijgebouw "
    "achter de woning als zelfstandige woonruimte.",
    "Bij het bestreden besluit, dat volgt op een controle op 10 februari 2026 en een vooraankondiging van 17 "
    "februari 2026, is cliënt gelast de bewoning van het bijgebouw binnen vier weken na verzending van het besluit "
    "te beëindigen en beëindigd te houden, op straffe van een dwangsom van € 5.000 per week met een maximum van "
    "€ 50.000.",
    "## Gronden",
    "1. Er is geen sprake van een overtreding. Het bijgebouw wordt sinds september 2025 bewoond door de moeder "
    "van cliënt, mevrouw H. Hoogkamp-Smit (86 jaar), die mantelzorg ontvangt van cliënt en zijn echtgenote. Het "
    "gebruik van een bijbehorend bouwwerk voor huisvesting in verband met mantelzorg is onder voorwaarden "
    "vergunningvrij. Aan die voorwaarden is voldaan; een verklaring van de huisarts over de zorgbehoefte is als "
    "bijlage 2 bijgevoegd. Het bestreden besluit gaat daaraan ten onrechte voorbij.",
    "2. Subsidiair: er bestaat concreet zicht op legalisatie. Ook als u van oordeel bent dat het gebruik niet "
    "vergunningvrij is, had u niet tot handhaving mogen overgaan. Cliënt heeft op 20 maart 2026 een aanvraag "
    "ingediend voor een omgevingsvergunning voor het tijdelijk afwijken van het omgevingsplan. Gelet op uw eigen "
    "beleidsregel mantelzorgwoningen kan die vergunning worden verleend.",
    "3. De begunstigingstermijn is te kort. Vier weken is volstrekt onvoldoende om voor een 86-jarige vrouw met "
    "een zorgbehoefte passende andere woonruimte te vinden. Een termijn van ten minste zes maanden ligt in de "
    "rede.",
    "4. De hoogte van de dwangsom is onevenredig. Een dwangsom van € 5.000 per week staat niet in redelijke "
    "verhouding tot de zwaarte van het geschonden belang en de beoogde werking van de dwangsomoplegging "
    "(artikel 5:32b, derde lid, Awb).",
    "## Verzoeken",
    "Cliënt verzoekt u:\n"
    "a. het bestreden besluit te herroepen;\n"
    "b. subsidiair: de begunstigingstermijn te verlengen tot ten minste zes maanden en de dwangsom te matigen;\n"
    "c. cliënt en ondergetekende te horen alvorens op het bezwaar te beslissen;\n"
    "d. de kosten die cliënt voor rechtsbijstand in bezwaar maakt te vergoeden op grond van artikel 7:15 Awb.",
    "Hoogachtend,",
    "",
    "mr. M. van Aalst\nadvocaat",
    "",
    "Bijlagen:\n1. Volmacht\n2. Verklaring huisarts d.d. 27 maart 2026\n3. Bestreden besluit",
]

N2_PARAGRAPHS = [
    "**Lunchroom Het Pakhuis",
    "Marktplein 7\n7461 AB Oosterveld",
    "",
    "Gemeente Oosterveld\nCollege van burgemeester en wethouders\n" + "\n".join(GEMEENTE),
    "",
    "Oosterveld, 17-04-2026",
    "Onderwerp: bezwaar terrasvergunning (uw kenmerk TER-26-014)",
    "",
    "Geacht college,",
    "Hierbij teken ik bezwaar aan tegen de beschikking d.d. 12-03-2026, kenmerk TER-26-014, waarin u mijn "
    "aanvraag afwijst om het terras van Lunchroom Het Pakhuis aan het Marktplein uit te breiden met acht tafels.",
    "Ik run de lunchroom sinds 2019 met zes medewerkers en ben nog bezig alles op een rij te zetten. Daarom dien "
    "ik dit bezwaarschrift pro forma in, om de termijn veilig te stellen. Ik heb de beschikking voorgelegd aan "
    "mijn adviseur bij de ondernemersvereniging; de gronden van het bezwaar stuur ik zo spoedig mogelijk na. Ik "
    "verzoek u mij daarvoor een termijn van vier weken te geven.",
    "Een kopie van de beschikking stuur ik mee.",
    "Met vriendelijke groet,",
    "",
    "Sanne Roelofsen\neigenaar Lunchroom Het Pakhuis",
]

N3_TEXT = """\
Mevrouw A.M. Brouwer-Scholten
Esdoornlaan 22
7462 RT Oosterveld

Aan de gemeente Oosterveld
afdeling Wmo
Postbus 100
7460 AC Oosterveld

Oosterveld, 27 februari 2026

Uw kenmerk: WMO-26-0093
Betreft: bezwaar huishoudelijke hulp


Geachte heer, mevrouw,

Op 8 januari jongstleden heeft u mij een brief gestuurd waarin staat dat mijn huishoudelijke hulp vanaf
1 maart van drie uur per week teruggaat naar anderhalf uur per week. Daar ben ik het niet mee eens en
daarom schrijf ik u deze brief.

Eerst wil ik u uitleggen waarom mijn brief zo laat is. Op 9 februari ben ik thuis gevallen en heb ik mijn
heup gebroken. Ik heb van 9 tot en met 23 februari in het ziekenhuis gelegen en ben pas sinds een paar
dagen weer thuis. In die tijd kon ik niet bij mijn post, en mijn dochter woont in het buitenland. Ik hoop
dat u daar begrip voor heeft. Als het nodig is, kan ik de ontslagbrief van het ziekenhuis opsturen.

Ik ben 87 jaar en woon alleen sinds mijn man in 2019 is overleden. Ik heb al jaren artrose in mijn rug en
mijn knieën. De mevrouw van het wijkteam die bij mij is geweest, was maar een half uurtje hier. Zij heeft
niet gezien hoe moeilijk het voor mij is om te stofzuigen of de bedden te verschonen. In anderhalf uur
kan de hulp het huis echt niet schoon houden: de badkamer en de keuken alleen kosten al een uur. En nu,
na de operatie aan mijn heup, kan ik voorlopig helemaal niets meer zelf. Ik kan nog maar één ding
tegelijk en moet overal bij gaan zitten.

Ik zou het liefst eens met iemand van de gemeente om tafel gaan zitten om het allemaal uit te leggen,
want op papier gaat dat niet zo goed.

Ik vraag u om mij de drie uur hulp per week te laten houden.

Met vriendelijke groeten,

A.M. Brouwer-Scholten
"""

N4_TEXT = """\
# Bezwaar tegen afwijzing bijzondere bijstand

**Van:** Dewi Kartosen
Vlierstraat 5b
7463 GH Oosterveld
Klantnummer: 40-22917

**Aan:** het college van burgemeester en wethouders van de gemeente Oosterveld, afdeling Werk en Inkomen

## Over welk besluit

Ik maak bezwaar tegen de beschikking van 5 feb. 2026 (kenmerk BB-2026-0211). Daarin wijst u mijn aanvraag om
bijzondere bijstand voor een nieuwe wasmachine af, omdat ik die kosten "uit het normale inkomen had moeten
reserveren".

## Waarom ik het er niet mee eens ben

- Ik heb sinds maart 2024 een bijstandsuitkering en zit in de schuldhulpverlening. Er blijft elke maand niets
  over om te sparen. Ik heb het budgetplan van de schuldhulp bij mijn aanvraag gedaan, maar in het besluit staat
  daar niets over.
- Mijn zoon van zes heeft ernstig eczeem. De dermatoloog zegt dat zijn beddengoed en kleding twee keer per week
  op 60 graden gewassen moeten worden. Een wasmachine is voor ons dus geen luxe maar echt nodig. De brief van de
  dermatoloog zit erbij.
- De oude wasmachine is in december kapotgegaan. De monteur zegt dat repareren duurder is dan een nieuwe kopen.
- Ik heb gevraagd of het dan als lening kan, maar daar is in het besluit niet op gereageerd.

## Wat ik vraag

Dat u de bijzondere bijstand voor een wasmachine (€ 429,-) alsnog toekent, of als dat niet kan, als lening.

Met vriendelijke groet,

Bijlagen: budgetplan schuldhulpverlening, brief dermatoloog, offerte wasmachine
"""

N5_PARAGRAPHS = [
    "T. El Ouali\nVondelstraat 17\n7461 CS Oosterveld",
    "",
    "Aan het college van burgemeester en wethouders\nGemeente Oosterveld\n" + "\n".join(GEMEENTE),
    "",
    "Oosterveld, 6 apr. 2026",
    "Betreft: bezwaar tegen weigering parkeervergunning, zaaknummer Z-2026-00318",
    "",
    "Geachte heer/mevrouw,",
    "Hierbij maak ik bezwaar tegen uw besluit van 20 februari jl., waarin u mijn aanvraag voor een "
    "bewonersparkeervergunning voor het vergunninggebied Centrum-Noord weigert. U weigert de vergunning omdat "
    "het kenteken op naam staat van mijn werkgever en niet op mijn naam of die van mijn partner.",
    "Ten eerste werk ik als wijkverpleegkundige en heb ik de auto van mijn werkgever ook buiten werktijd tot mijn "
    "beschikking, omdat ik bereikbaarheidsdiensten in de avond en de nacht draai. Een verklaring van mijn "
    "werkgever heb ik bij de aanvraag gevoegd. Volgens de parkeerverordening kan een vergunning ook worden "
    "verleend voor een auto die aantoonbaar door de werkgever ter beschikking is gesteld.",
    "Ten tweede heeft mijn buurman op nummer 21 wel een vergunning gekregen voor zijn leaseauto. Ik begrijp niet "
    "waarom ik anders word behandeld.",
    "Ten derde heb ik geen eigen auto en geen eigen parkeerplaats. Zonder vergunning moet ik de auto op het "
    "parkeerterrein aan de Ruiterstraat zetten, tien minuten lopen verderop. Bij een spoedoproep in de nacht kost "
    "dat kostbare tijd.",
    "Ik verzoek u het besluit te herzien en mij alsnog een parkeervergunning te verlenen.",
    "Met vriendelijke groet,",
    "",
    "T. El Ouali",
]

N6_TEXT = """\
J.W. de Vries en M. de Vries-Pranger
Kerkstraat 18
7461 BN Oosterveld

AANGETEKEND

Aan de heffingsambtenaar van de gemeente Oosterveld
Postbus 100
7460 AC Oosterveld

Oosterveld, 9 april 2026

Betreft: bezwaar WOZ-beschikking 2026, aanslagnummer 2026.0048.1173


Geachte heer/mevrouw,

Wij maken bezwaar tegen de WOZ-beschikking op het aanslagbiljet gemeentelijke belastingen 2026,
gedagtekend 27 februari 2026, aanslagnummer 2026.0048.1173. De WOZ-waarde van onze woning aan de
Kerkstraat 18 is vastgesteld op € 412.000 naar de waardepeildatum 1 januari 2025. Wij vinden deze waarde
te hoog; naar onze mening is € 365.000 de juiste waarde.

Onze bezwaren zijn de volgende.

1. De vergelijkingswoningen in het taxatieverslag zijn niet vergelijkbaar. Kerkstraat 4 en Kerkstraat 26
   zijn in 2021 en 2022 volledig gerenoveerd (nieuwe keuken, badkamer en isolatie); onze woning heeft nog
   de keuken en de badkamer uit 1994.

2. Er is geen rekening gehouden met achterstallig onderhoud. Bij een bouwkundige keuring in november 2025
   is vastgesteld dat de houten vloer op de begane grond en de dakgoten vervangen moeten worden. De kosten
   daarvan zijn begroot op ongeveer € 28.000. Het rapport sturen wij mee.

3. Onze woning staat direct aan het plein waar iedere week de markt en een paar keer per jaar de kermis
   staat. Dat geeft overlast en drukt de waarde, maar is in de taxatie niet terug te zien.

Wij verzoeken u de WOZ-waarde te verlagen naar € 365.000 en de aanslag onroerendezaakbelasting
dienovereenkomstig te verminderen. Ook ontvangen wij graag het volledige taxatieverslag met de gegevens
van de vergelijkingswoningen.

Met vriendelijke groet,

J.W. de Vries                M. de Vries-Pranger

Bijlage: rapport bouwkundige keuring d.d. 18 november 2025
"""

# ---------------------------------------------------------------------------
# Manifest and gold labels. All dates worked out by hand (calendar of 2026); check_gold() recomputes them.
# ---------------------------------------------------------------------------

# file -> (received_date, posted_date); the e-mail's receipt is its Date header, so its cells stay empty.
MANIFEST = {
    D1: ("2026-02-24", ""),
    D2: ("2026-03-09", ""),
    D3: ("2026-02-17", ""),
    D4: ("", ""),
    N1: ("2026-04-09", ""),
    N2: ("2026-04-20", ""),
    N3: ("2026-03-02", ""),
    N4: ("2026-03-16", ""),
    N5: ("2026-04-07", ""),
    N6: ("2026-04-13", "2026-04-10"),
}

KAP_GEZOND = "bomen gezond / kapnoodzaak niet aangetoond"
KAP_NATUUR = "natuurwaarden en beschermde soorten niet onderzocht"
KAP_HERPLANT = "herplant / compensatie onvoldoende"
KAP_PARTICIPATIE = "omwonenden en belanghebbenden niet betrokken"
KAP_SUBJECT = "omgevingsvergunning voor het kappen van 14 lindes aan de Stationsweg"


def label(letter_date, decision_date, reference, received, deadline, on_time, *, hearing=False, pro_forma=False,
          gemachtigde=False, missing=(), grounds=(), request="", subject="") -> dict:
    return {
        "letter_date": letter_date, "decision_date": decision_date, "decision_reference": reference,
        "received_date": received, "deadline": deadline, "on_time": on_time, "hearing_requested": hearing,
        "pro_forma": pro_forma, "gemachtigde": gemachtigde, "missing": list(missing), "grounds": list(grounds),
        "request": request, "decision_subject": subject,
    }


GOLD = {
    D1: label("2026-02-23", "2026-01-22", "2026-OMV-0042", "2026-02-24", "2026-03-05", True, hearing=True,
              grounds=[KAP_GEZOND, KAP_HERPLANT, KAP_PARTICIPATIE],
              request="besluit herroepen en kapvergunning weigeren; niet kappen zolang op het bezwaar niet is beslist",
              subject=KAP_SUBJECT),
    D2: label("2026-03-06", "2026-01-22", "2026-OMV-0042", "2026-03-09", "2026-03-05", False,
              grounds=[KAP_GEZOND, KAP_PARTICIPATIE],
              request="besluit terugdraaien, bomen laten staan; niet kappen voordat op het bezwaar is beslist",
              subject=KAP_SUBJECT),
    D3: label("2026-02-14", "2026-01-22", None, "2026-02-17", "2026-03-05", True,
              grounds=[KAP_NATUUR, KAP_HERPLANT],
              request="vergunning intrekken en de bomen laten staan",
              subject=KAP_SUBJECT),
    D4: label("2026-03-05", "2026-01-22", "2718305", "2026-03-05", "2026-03-05", True,
              grounds=[KAP_NATUUR, KAP_GEZOND, KAP_HERPLANT],
              request="besluit herroepen en vergunning weigeren, of pas opnieuw beslissen na ecologisch onderzoek "
                      "en actueel boomonderzoek",
              subject=KAP_SUBJECT),
    N1: label("2026-04-08", "2026-03-03", "HH/2026/0147", "2026-04-09", "2026-04-14", True, hearing=True,
              gemachtigde=True,
              grounds=["geen overtreding: bewoning bijgebouw voor mantelzorg is vergunningvrij",
                       "concreet zicht op legalisatie", "begunstigingstermijn te kort",
                       "hoogte dwangsom onevenredig"],
              request="besluit herroepen; subsidiair begunstigingstermijn van ten minste zes maanden en lagere "
                      "dwangsom; vergoeding kosten rechtsbijstand",
              subject="last onder dwangsom wegens bewoning van het bijgebouw Brinkweg 41"),
    N2: label("2026-04-17", "2026-03-12", "TER-26-014", "2026-04-20", "2026-04-23", True, pro_forma=True,
              missing=["gronden"],
              request="bezwaar tegen afwijzing terrasuitbreiding; vier weken termijn om de gronden aan te vullen",
              subject="afwijzing uitbreiding terras (terrasvergunning) Lunchroom Het Pakhuis, Marktplein 7"),
    N3: label("2026-02-27", "2026-01-08", "WMO-26-0093", "2026-03-02", "2026-02-19", False, hearing=True,
              grounds=["kan door artrose en heupbreuk het huishouden niet zelf doen",
                       "onderzoek door wijkteam te kort en onvolledig",
                       "anderhalf uur te weinig voor een schoon huis"],
              request="drie uur huishoudelijke hulp per week behouden",
              subject="verlaging Wmo huishoudelijke hulp van drie naar anderhalf uur per week"),
    N4: label(None, "2026-02-05", "BB-2026-0211", "2026-03-16", "2026-03-19", True,
              missing=["datum", "ondertekening"],
              grounds=["geen ruimte om te reserveren (bijstand, schuldhulpverlening); budgetplan niet meegewogen",
                       "medische noodzaak: eczeem zoon", "reparatie duurder dan vervanging",
                       "verzoek om bijstand als lening niet beoordeeld"],
              request="bijzondere bijstand voor een wasmachine (€ 429) alsnog toekennen, subsidiair als lening",
              subject="afwijzing bijzondere bijstand voor een wasmachine"),
    N5: label("2026-04-06", "2026-02-20", "Z-2026-00318", "2026-04-07", "2026-04-07", True,
              grounds=["auto aantoonbaar door werkgever ter beschikking gesteld",
                       "ongelijke behandeling: buurman kreeg wel vergunning voor leaseauto",
                       "vergunning nodig voor nachtelijke spoedoproepen; geen eigen parkeerplaats"],
              request="besluit herzien en alsnog een bewonersparkeervergunning verlenen",
              subject="weigering bewonersparkeervergunning Centrum-Noord (auto op naam van werkgever)"),
    N6: label("2026-04-09", "2026-02-27", "2026.0048.1173", "2026-04-13", "2026-04-10", True,
              grounds=["vergelijkingswoningen niet vergelijkbaar (gerenoveerd)", "achterstallig onderhoud niet "
                       "meegewogen", "overlast markt en kermis drukt de waarde"],
              request="WOZ-waarde verlagen naar € 365.000, OZB-aanslag verminderen; taxatieverslag toesturen",
              subject="WOZ-beschikking 2026 Kerkstraat 18 (waarde € 412.000)"),
}

DOSSIER = {"clusters": {
    KAP_GEZOND: [D1, D2, D4],
    KAP_NATUUR: [D3, D4],
    KAP_HERPLANT: [D1, D3, D4],
    KAP_PARTICIPATIE: [D1, D2],
}}

FILES = [
    (D1, "DOCX", "woningcorporatie (bestuurder, geen gemachtigde), genummerde gronden onder kopjes, vraagt een "
                 "hoorzitting; dossier"),
    (D2, "TXT", "boze burger, opsommingstekens, datum 06-03-2026, \"zaaknr.\"; **te laat** (vier dagen, zonder "
                "uitleg); dossier"),
    (D3, "PNG, scan", "oudere dame, proza, besluit zonder kenmerk en zonder jaartal (\"22 januari\"), "
                      "ontvangststempel; dossier"),
    (D4, "EML", "e-mail om 22:41 op de laatste dag van de termijn; ander kenmerk voor hetzelfde besluit "
                "(DSO-verzoeknummer); dossier"),
    (N1, "PDF", "advocaat \"namens mijn cliënt\" (**gemachtigde**), vier genummerde gronden, vraagt te horen, "
                "afleidende data"),
    (N2, "DOCX", "ondernemer, **pro forma** (gronden volgen), \"de beschikking d.d. 12-03-2026\""),
    (N3, "TXT, cp1252 met CRLF", "oudere vrouw, Wmo; **te laat, met uitleg** (ziekenhuisopname); vraagt in eigen "
                                 "woorden om een gesprek (horen)"),
    (N4, "Markdown", "bijzondere bijstand; **zonder datum en zonder ondertekening**; \"5 feb. 2026\""),
    (N5, "PDF", "parkeervergunning; de termijn eindigt op Goede Vrijdag 3 april 2026 en loopt door de **Algemene "
                "termijnenwet** tot dinsdag 7 april; de brief komt die dag binnen"),
    (N6, "TXT", "WOZ; **op tijd gepost** (poststempel 10 april, de laatste dag), ontvangen 13 april: tijdig volgens "
                "art. 6:9 lid 2 Awb"),
]
FILE_LIST = "\n".join(f"- `{name}` ({form}): {text}" for name, form, text in FILES)

README = f"""\
# Held-out set: bezwaarschriften aan de gemeente Oosterveld

Tien fictieve bezwaarschriften aan de fictieve "Gemeente Oosterveld", met gouden labels. **Held out**: deze set
is geschreven los van de code van de assistent (zonder `assistant/` of de andere voorbeeldbrieven te lezen) en is
bedoeld om te meten. Stem regels, prompts of drempels er niet op af; wie dat doet, maakt de set waardeloos.

Alle personen, adressen, bedrijven en kenmerken zijn verzonnen; er staan geen BSN's in.
Gemaakt met `scripts/make_heldout_objections.py` (deterministisch); pas de brieven daar aan, niet hier.

## Bestanden

{FILE_LIST}

Dossier: `{D1}`, `{D2}`, `{D3}` en `{D4}` maken bezwaar tegen één besluit (kapvergunning 14 lindes
Stationsweg, 22 januari 2026) en noemen elk twee à drie van vier terugkerende gronden, in eigen woorden.

## Labels

- `bronvast-manifest.csv`: `received_date` (datum van ontvangst) voor de brieven op papier, `posted_date` alleen
  waar de postdatum ertoe doet. Voor de e-mail geldt de `Date`-kopregel als ontvangstdatum.
- `gold.json`: per bestand `letter_date`, `decision_date`, `decision_reference` (zoals in de brief, of null),
  `received_date`, `deadline`, `on_time`, `hearing_requested`, `pro_forma`, `gemachtigde`, `missing`, `grounds`,
  `request`, `decision_subject`; plus `_dossier.clusters` (label van de grond -> bestanden).
- `deadline`: de dag die zes weken na de besluitdatum op dezelfde weekdag valt, verlengd tot de eerstvolgende
  werkdag als die op een zaterdag, zondag of algemeen erkende feestdag valt (Algemene termijnenwet).
  `on_time`: ontvangen uiterlijk op die dag, of uiterlijk die dag gepost en binnen een week ontvangen.
- Een te late brief met een reden (`{N3}`) staat op `on_time: false`: of de termijnoverschrijding verschoonbaar
  is, is een oordeel dat de set niet labelt.
- Ondertekening: een getypte of geschreven naam onder de brief (ook in de e-mail) telt als ondertekend.
- De brief van de woningcorporatie is ondertekend door haar bestuurder: dat is vertegenwoordiging van een
  rechtspersoon, geen gemachtigde.

Let op: dit README is zelf een `.md`-bestand in deze map. Het is geen brief en staat niet in `gold.json`; wie de
hele map inleest, moet het overslaan.
"""

# ---------------------------------------------------------------------------
# Deadlines (Algemene termijnenwet), used to check the hand-written gold.
# ---------------------------------------------------------------------------


# The gold labels compute Easter, holidays and deadlines on their own, on purpose: labels taken from
# assistant/objections/deadlines.py would agree with it by construction and test nothing.
def easter(year: int) -> date:
    """Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def holidays(year: int) -> set[date]:
    e = easter(year)
    kings = date(year, 4, 27) if date(year, 4, 27).weekday() != 6 else date(year, 4, 26)
    return {date(year, 1, 1), e - timedelta(days=2), e + timedelta(days=1), kings, date(year, 5, 5),
            e + timedelta(days=39), e + timedelta(days=50), date(year, 12, 25), date(year, 12, 26)}


def deadline(decision: date) -> date:
    end = decision + timedelta(weeks=6)
    while end.weekday() >= 5 or end in holidays(end.year):
        end += timedelta(days=1)
    return end


def check_gold() -> None:
    assert set(GOLD) == set(MANIFEST), "gold and manifest name different files"
    for name, gold in GOLD.items():
        end = deadline(date.fromisoformat(gold["decision_date"]))
        assert gold["deadline"] == end.isoformat(), (name, gold["deadline"], end)
        received, posted = MANIFEST[name]
        assert received in ("", gold["received_date"]), (name, received)
        got = date.fromisoformat(gold["received_date"])
        on_time = got <= end or (bool(posted) and date.fromisoformat(posted) <= end
                                 and got <= date.fromisoformat(posted) + timedelta(days=7))
        assert gold["on_time"] == on_time, (name, gold["on_time"], on_time)
    for cluster, files in DOSSIER["clusters"].items():
        for name in GOLD:
            assert (cluster in GOLD[name]["grounds"]) == (name in files), (cluster, name)


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------

FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def write_text(path: Path, text: str, encoding: str = "utf-8", newline: str = "\n") -> None:
    path.write_bytes(text.replace("\n", newline).encode(encoding))


def write_docx(path: Path, paragraphs: list[str], created: datetime, author: str, title: str) -> None:
    import docx
    from docx.shared import Pt

    document = docx.Document()
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    for text in paragraphs:
        if text.startswith("## "):
            document.add_heading(text[3:], level=2)
        elif text.startswith("**"):
            document.add_paragraph().add_run(text[2:]).bold = True
        else:
            document.add_paragraph(text)
    props = document.core_properties
    props.author = props.last_modified_by = author
    props.title = title
    props.created = props.modified = props.last_printed = created
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(fixed_zip(buffer.getvalue()))


def fixed_zip(data: bytes) -> bytes:
    """The ZIP with every entry's timestamp fixed, so the DOCX is byte-for-byte the same on every run."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def write_pdf(path: Path, paragraphs: list[str], created: datetime, author: str, title: str) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(25, 20, 25)
    pdf.set_auto_page_break(True, margin=20)
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if regular.is_file() and bold.is_file():
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        family, clean = "DejaVu", (lambda s: s)
    else:  # the core fonts know latin-1 only
        family = "Helvetica"

        def clean(s: str) -> str:
            return s.replace("€", "EUR").encode("latin-1", "replace").decode("latin-1")

    pdf.set_creation_date(created)
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_creator("Microsoft Word")
    pdf.add_page()
    for text in paragraphs:
        if not text:
            pdf.ln(4)
            continue
        style, size = ("B", 12) if text.startswith(("## ", "**")) else ("", 10)
        text = text.removeprefix("## ").removeprefix("**")
        pdf.set_font(family, style, size)
        pdf.multi_cell(0, 5.2, clean(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2.5)
    pdf.output(str(path))


def write_eml(path: Path) -> None:
    message = EmailMessage()
    message["From"] = "Marloes Verhoef <marloes.verhoef@mail.example>"
    message["To"] = "Gemeente Oosterveld <bezwaar@oosterveld.example>"
    message["Subject"] = "Bezwaarschrift kapvergunning lindes Stationsweg"
    message["Date"] = "Thu, 05 Mar 2026 22:41:07 +0100"
    message["Message-ID"] = "<20260305224107.4417.verhoef@mail.example>"
    message["Content-Language"] = "nl"
    message.set_content(D4_BODY, charset="utf-8", cte="quoted-printable")
    path.write_bytes(message.as_bytes(policy=policy.SMTP))


def write_scan(path: Path, lines: list[str]) -> None:
    """A typed letter, signed by hand, with the post room's stamp, scanned at 200 dpi: slightly skewed, grey, a
    little noise."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    dpi, width, height = 200, 1654, 2339
    margin, line_height = 170, 46
    font = ImageFont.truetype(str(FONT_DIR / "DejaVuSerif.ttf"), 31)
    stamp_font = ImageFont.truetype(str(FONT_DIR / "DejaVuSans-Bold.ttf"), 28)
    page = Image.new("L", (width, height), 246)
    draw = ImageDraw.Draw(page)
    y = 190
    for line in lines:
        if line == "~":  # a handwritten signature: a few loose strokes
            points = [(margin + 2.2 * t + 14 * math.cos(t / 4.0), y + 22 + 16 * math.sin(t / 3.1) * math.cos(t / 17))
                      for t in range(140)]
            draw.line(points, fill=55, width=3, joint="curve")
            y += line_height
            continue
        if not line:
            y += line_height // 2
            continue
        right = line.startswith(">")
        line = line.removeprefix(">")
        for part in wrap_pixels(line, font, width - 2 * margin):
            x = width - margin - draw.textlength(part, font=font) if right else margin
            draw.text((x, y), part, font=font, fill=35)
            y += line_height
    stamp = Image.new("L", (420, 170), 255)
    stamp_draw = ImageDraw.Draw(stamp)
    stamp_draw.rectangle((4, 4, 415, 165), outline=75, width=4)
    for i, text in enumerate(("GEMEENTE OOSTERVELD", "INGEKOMEN", "17 FEB. 2026")):
        stamp_draw.text((210 - stamp_draw.textlength(text, font=stamp_font) / 2, 18 + 48 * i), text,
                        font=stamp_font, fill=75)
    stamp = stamp.rotate(4, expand=True, fillcolor=255)
    page.paste(stamp, (width - margin - stamp.width + 30, 330), Image.eval(stamp, lambda v: 255 - v))
    rng = random.Random(31)
    pixels = page.load()
    for _ in range(9000):
        x, yy = rng.randrange(width), rng.randrange(height)
        pixels[x, yy] = max(0, pixels[x, yy] - rng.randrange(40, 140))
    page = page.rotate(-0.4, resample=Image.BICUBIC, fillcolor=246).filter(ImageFilter.GaussianBlur(0.5))
    page.save(path, format="PNG", dpi=(dpi, dpi), optimize=False)


def wrap_pixels(text: str, font, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if font.getlength(candidate) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    return [*lines, current] if current else lines


# ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    out = parser.parse_args().out
    check_gold()
    out.mkdir(parents=True, exist_ok=True)

    def at(day: str, hour: int = 10) -> datetime:
        return datetime.fromisoformat(day).replace(hour=hour, tzinfo=CET)

    write_docx(out / D1, D1_PARAGRAPHS, at("2026-02-23", 14), "H. Wolters", "Bezwaarschrift kap lindes Stationsweg")
    write_text(out / D2, D2_TEXT)
    write_scan(out / D3, D3_LINES)
    write_eml(out / D4)
    write_pdf(out / N1, N1_PARAGRAPHS, at("2026-04-08", 16), "M. van Aalst", "Bezwaarschrift R.J. Hoogkamp")
    write_docx(out / N2, N2_PARAGRAPHS, at("2026-04-17", 9), "Sanne", "")
    write_text(out / N3, N3_TEXT, encoding="cp1252", newline="\r\n")
    write_text(out / N4, N4_TEXT)
    write_pdf(out / N5, N5_PARAGRAPHS, at("2026-04-06", 20), "Tarik", "")
    write_text(out / N6, N6_TEXT)

    with (out / "bronvast-manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["file", "received_date", "posted_date"])
        for name in sorted(MANIFEST):
            writer.writerow([name, *MANIFEST[name]])
    gold = {name: GOLD[name] for name in sorted(GOLD)} | {"_dossier": DOSSIER}
    (out / "gold.json").write_text(json.dumps(gold, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (out / "README.md").write_text(README, encoding="utf-8")
    print(f"{len(GOLD)} brieven, manifest, gold.json en README in {out}")


if __name__ == "__main__":
    main()
