"""Generate the fictional demo corpus of "Gemeente Lindewaard" for bronvast.

Writes eight documents in different formats (PDF, latin-1 TXT, DOCX, HTML with
site boilerplate, Markdown) into samples/demo/: a policy note, two archive
inventories, three objection letters, a council decision and council minutes.
All content is invented.
Output is deterministic: fixed dates in PDF/DOCX metadata and fixed ZIP
timestamps in the DOCX.

Usage: python scripts/make_demo_corpus.py [--out DIR]
"""

from __future__ import annotations

import argparse
import io
import zipfile
from datetime import datetime, timezone
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "samples" / "demo"
FIXED_DATE = datetime(2025, 3, 14, 9, 0, 0, tzinfo=timezone.utc)

PDF_NAME = "beleidsnota-duurzame-mobiliteit-2025.pdf"
TXT_NAME = "inventaris-archief-gemeentesecretarie-1945-1990.txt"
DOCX_NAME = "bezwaarschrift-omgevingsvergunning-kerkstraat-12.docx"
HTML_NAME = "raadsbesluit-2025-014-speeltuinen.html"
MD_NAME = "notulen-raadsvergadering-2025-03-13.md"

# ---------------------------------------------------------------------------
# a. Beleidsnota (PDF, 5 pages, one topic per page)
# ---------------------------------------------------------------------------

PDF_TITLE = "Beleidsnota Duurzame Mobiliteit 2025-2030 - Gemeente Lindewaard"

# Each page: (heading, [paragraphs]). A paragraph starting with "- " is a bullet.
PDF_PAGES: list[tuple[str, list[str]]] = [
    (
        "1. Inleiding en ambitie",
        [
            "Lindewaard groeit. Sinds 2015 is het aantal inwoners met bijna zes procent "
            "toegenomen en de verwachting is dat de gemeente rond 2030 de grens van 44.000 "
            "inwoners passeert. Meer inwoners betekent meer verplaatsingen: naar school, naar "
            "het werk, naar de winkels aan de Markt en naar de sportvelden aan de rand van de "
            "kern. Tegelijk willen we dat Lindewaard een gezonde, veilige en goed bereikbare "
            "gemeente blijft. Met deze beleidsnota legt het college van burgemeester en "
            "wethouders de koers vast voor duurzame mobiliteit in de periode 2025-2030.",
            "De kern van de nota is eenvoudig: lopen en fietsen worden de eerste keuze voor "
            "korte ritten binnen de gemeente. De auto blijft welkom, maar krijgt in het "
            "centrum minder ruimte. Het openbaar vervoer en deelmobiliteit vullen de gaten "
            "op. Het college stelt daarom drie doelen voor het jaar 2030:",
            "- De CO2-uitstoot van het verkeer binnen de gemeentegrenzen is 40 procent lager "
            "dan in het referentiejaar 2019.",
            "- Het aandeel van de fiets in alle verplaatsingen korter dan 7,5 kilometer stijgt "
            "van 31 procent naar 45 procent.",
            "- Er vallen geen verkeersdoden meer op Lindewaardse wegen en het aantal ernstig "
            "gewonde verkeersslachtoffers is gehalveerd ten opzichte van 2023.",
            "Waarom nu? De fietsenstalling bij het station zit vol, de Singelweg raakt in de "
            "spits verstopt en inwoners klagen over onveilige oversteken bij basisscholen. "
            "Daarnaast verplicht het landelijke klimaatbeleid gemeenten om ook de uitstoot "
            "van het verkeer terug te dringen. Door nu keuzes te maken, voorkomen we dure "
            "noodmaatregelen later.",
            "De nota is opgesteld door de afdeling Ruimte en Mobiliteit. In het najaar van "
            "2024 zijn drie bewonersavonden gehouden: in wijkcentrum De Hoeksteen, in het "
            "dorpshuis van Oud-Lindewaard en online. Ruim 600 inwoners vulden daarnaast de "
            "digitale enquête 'Lindewaard onderweg' in. De belangrijkste wensen uit die "
            "gesprekken waren veilige schoolroutes, meer overdekte fietsparkeerplekken en "
            "een eerlijk parkeerbeleid voor bewoners van de binnenstad.",
            "Leeswijzer. Hoofdstuk 2 beschrijft de huidige situatie met de belangrijkste "
            "cijfers. Hoofdstuk 3 gaat over parkeren in het centrum en de nieuwe tarieven. "
            "Hoofdstuk 4 geeft het budget en de financiering. Hoofdstuk 5 bevat de planning "
            "en legt vast wie waarvoor verantwoordelijk is.",
        ],
    ),
    (
        "2. Huidige situatie: de cijfers",
        [
            "Op 1 januari 2024 telde Lindewaard 41.870 inwoners verdeeld over de kern "
            "Lindewaard, het dorp Oud-Lindewaard en de buurtschappen Hooghe Weide en "
            "Strijdhoek. In de gemeente stonden op die datum 19.350 personenauto's "
            "geregistreerd. Dat zijn 462 auto's per 1.000 inwoners, iets meer dan het "
            "landelijk gemiddelde. Van die auto's waren er 2.640 volledig elektrisch.",
            "Het aantal fietsen is niet precies bekend. Op basis van de enquête 'Lindewaard "
            "onderweg' schatten we dat er ongeveer 58.000 fietsen in de gemeente zijn, "
            "waarvan circa 9.400 elektrische fietsen. Het aantal e-bikes is sinds 2019 meer "
            "dan verdubbeld, vooral onder inwoners ouder dan 55 jaar.",
            "Voor verplaatsingen korter dan 7,5 kilometer ziet de verdeling over de "
            "vervoerwijzen er als volgt uit:",
            "- auto: 48 procent",
            "- fiets: 31 procent",
            "- lopen: 14 procent",
            "- openbaar vervoer: 7 procent",
            "De fietsenstalling bij station Lindewaard-Centraal heeft 2.150 plaatsen. Op "
            "werkdagen is de bezetting gemiddeld 96 procent en bij tellingen stonden er "
            "dagelijks ongeveer 380 fietsen buiten de rekken. Daardoor raken looproutes "
            "naar de perrons geblokkeerd.",
            "Er zijn op dit moment 312 openbare laadpunten voor elektrische auto's. Dat is "
            "voldoende voor de huidige vraag, maar bij de verwachte groei zijn er in 2030 "
            "naar schatting 900 nodig.",
            "De drukste weg is de Singelweg met gemiddeld 14.800 motorvoertuigen per etmaal. "
            "Op het kruispunt Singelweg-Molenpad gebeurden tussen 2021 en 2023 negen "
            "ongevallen met letsel. In heel Lindewaard vielen in 2023 27 ernstig gewonden "
            "in het verkeer; er was een verkeersdode.",
            "Het openbaar vervoer bestaat uit de treinverbinding vanaf Lindewaard-Centraal "
            "en de buslijnen 41 en 47. Buiten de spits rijden deze bussen eens per uur, "
            "wat volgens inwoners van Oud-Lindewaard te weinig is om de auto te laten staan.",
            "Ook de schoolritten vallen op. Uit tellingen bij de zes basisscholen blijkt dat "
            "ongeveer 38 procent van de leerlingen met de auto wordt gebracht, terwijl de "
            "meeste kinderen binnen twee kilometer van school wonen. Rond half negen "
            "ontstaan daardoor gevaarlijke situaties bij de schoolingangen.",
        ],
    ),
    (
        "3. Parkeren in het centrum",
        [
            "Het college wil de openbare ruimte in het centrum teruggeven aan voetgangers, "
            "fietsers en terrassen. Parkeren aan de straat wordt daarom duurder dan "
            "parkeren in de garage. De nieuwe tarieven gaan in op 1 juli 2025. Het centrum "
            "is verdeeld in twee zones.",
            "Zone A ligt binnen de singels en omvat onder meer de Markt, de Hoogstraat en "
            "het Lindeplein. In zone A geldt betaald parkeren van maandag tot en met "
            "zaterdag van 09.00 tot 21.00 uur tegen een tarief van 3,20 euro per uur. Op "
            "zondag betaalt u van 12.00 tot 18.00 uur 1,60 euro per uur. Het huidige "
            "tarief in zone A is 2,70 euro per uur.",
            "Zone B is de schil direct rond de singels. Hier kost parkeren 1,90 euro per "
            "uur, van maandag tot en met zaterdag van 09.00 tot 18.00 uur. Op zondag is "
            "parkeren in zone B gratis.",
            "Parkeergarage De Waag aan de Noorderhaven heeft 420 plaatsen. Het uurtarief "
            "wordt 2,60 euro met een dagmaximum van 18,50 euro. De garage is dagelijks "
            "open van 07.00 tot 01.00 uur. Op het Stationsplein blijft de blauwe zone "
            "bestaan: daar mag u maximaal twee uur gratis parkeren met een parkeerschijf.",
            "Bewoners van zone A en zone B kunnen een bewonersvergunning aanvragen. De "
            "vergunning voor de eerste auto kost 94 euro per jaar, voor een tweede auto "
            "188 euro per jaar. Per adres worden maximaal twee vergunningen uitgegeven. "
            "Bewoners krijgen daarnaast een bezoekersregeling van 40 uur per kwartaal "
            "tegen 0,80 euro per uur.",
            "Elektrische deelauto's van aanbieders met een gemeentelijke vergunning "
            "parkeren gratis op de acht aangewezen deelautoplekken. Laden aan een openbare "
            "laadpaal is alleen toegestaan zolang de auto daadwerkelijk laadt.",
            "De verhoging levert naar verwachting 250.000 euro per jaar extra op. Deze "
            "opbrengst gaat volledig naar het Mobiliteitsfonds en wordt gebruikt voor de "
            "maatregelen uit deze nota. Ondernemers aan de Markt vrezen minder klanten. Het "
            "college spreekt daarom af om de bezoekersaantallen in de binnenstad een jaar "
            "lang te volgen en de tarieven in het najaar van 2026 te evalueren samen met "
            "de Ondernemersvereniging Binnenstad Lindewaard.",
        ],
    ),
    (
        "4. Budget en financiering",
        [
            "Voor de uitvoering van deze nota is in de periode 2025-2028 in totaal 6,4 "
            "miljoen euro nodig. Het bedrag is als volgt over de maatregelen verdeeld:",
            "- nieuwe en verbrede fietsroutes, waaronder de route Molenpad-Station: 2,75 "
            "miljoen euro",
            "- uitbreiding van de fietsenstalling bij station Lindewaard-Centraal: 1,2 "
            "miljoen euro",
            "- uitbreiding van de openbare laadinfrastructuur: 0,85 miljoen euro",
            "- vier mobiliteitshubs met deelfietsen en deelauto's: 0,65 miljoen euro",
            "- veilige schoolzones bij zes basisscholen: 0,6 miljoen euro",
            "- communicatie, monitoring en onderzoek: 0,35 miljoen euro",
            "De financiering komt uit drie bronnen. De provincie draagt 2,1 miljoen euro "
            "bij uit de subsidieregeling 'Fiets in de Regio'; de subsidie is in december "
            "2024 toegekend, onder voorwaarde dat de fietsroute Molenpad-Station uiterlijk "
            "eind 2026 is opgeleverd. Een bedrag van 3,3 miljoen euro komt uit de reserve "
            "Mobiliteitsfonds van de gemeente. De resterende 1,0 miljoen euro wordt gedekt "
            "uit de extra parkeeropbrengsten van de jaren 2025 tot en met 2028.",
            "Vanaf 2027 ontstaan er ook structurele kosten, vooral voor beheer en "
            "onderhoud van de fietsenstalling en de mobiliteitshubs. Deze kosten worden "
            "geraamd op 185.000 euro per jaar en worden vanaf de begroting 2027 in de "
            "exploitatie opgenomen.",
            "In alle bedragen is een post onvoorzien van 10 procent opgenomen. De "
            "belangrijkste financiële risico's zijn stijgende bouwkosten en het mislopen "
            "van de provinciale subsidie als de planning van de fietsroute niet wordt "
            "gehaald. Het college rapporteert daarom twee keer per jaar over de voortgang "
            "in de reguliere planning-en-controlcyclus: bij de voorjaarsnota en bij de "
            "najaarsrapportage.",
            "Mocht het werkelijke budget hoger uitvallen, dan legt het college eerst een "
            "voorstel aan de gemeenteraad voor voordat extra middelen worden uitgegeven. "
            "Meevallers blijven in het Mobiliteitsfonds en worden niet vrij besteed.",
            "Het college onderzoekt daarnaast of de gemeente kan aansluiten bij een "
            "landelijke regeling voor snelfietsroutes. Die mogelijke bijdrage is nog niet "
            "in de begroting verwerkt.",
        ],
    ),
    (
        "5. Planning en verantwoordelijkheden",
        [
            "Bestuurlijk verantwoordelijk voor deze nota is wethouder Fenna Haverkamp, "
            "portefeuillehouder Mobiliteit, Duurzaamheid en Openbare Ruimte. De ambtelijke "
            "projectleiding ligt bij Joost Brinkhorst van de afdeling Ruimte en Mobiliteit. "
            "Hij is het aanspreekpunt voor inwoners, ondernemers en partners.",
            "De belangrijkste mijlpalen zijn:",
            "- 3 maart tot en met 14 april 2025: de ontwerpnota ligt ter inzage; iedereen "
            "kan een zienswijze indienen.",
            "- 22 mei 2025: behandeling van de nota en besluit in de gemeenteraad.",
            "- 1 juli 2025: de nieuwe parkeertarieven in zone A en zone B gaan in.",
            "- september 2025: start van de aanleg van de fietsroute Molenpad-Station "
            "(2,8 kilometer).",
            "- voorjaar 2026: opening van de eerste twee mobiliteitshubs, bij het station "
            "en in Oud-Lindewaard.",
            "- december 2026: oplevering van de fietsroute Molenpad-Station.",
            "- 1 april 2027: opening van de uitgebreide fietsenstalling met 900 extra "
            "plaatsen.",
            "- december 2027: tussenevaluatie van de nota.",
            "- 2030: eindevaluatie en nieuwe nota.",
            "Elk voorjaar verschijnt een Mobiliteitsmonitor met de ontwikkeling van de "
            "cijfers uit hoofdstuk 2. De gemeenteraad wordt via een raadsinformatiebrief "
            "over de uitkomsten geïnformeerd.",
            "Samenwerking is nodig om de doelen te halen. De gemeente werkt samen met de "
            "provincie, de vervoerder van de buslijnen 41 en 47, de spoorbeheerder voor de "
            "stationsomgeving, de basisscholen voor de schoolzones en de "
            "Ondernemersvereniging Binnenstad Lindewaard voor de evaluatie van de "
            "parkeertarieven. Bewoners worden per project betrokken via bewonersavonden "
            "en het participatieplatform van de gemeente.",
            "Vragen over deze nota kunt u stellen via het algemene contactformulier van "
            "de gemeente onder vermelding van 'Beleidsnota Duurzame Mobiliteit'.",
            "Bijsturen hoort bij deze aanpak. Blijkt uit de Mobiliteitsmonitor dat een "
            "maatregel niet het gewenste effect heeft, dan stelt de wethouder voor om "
            "budget te verschuiven naar maatregelen die beter werken. Grote wijzigingen "
            "in de planning of in de verdeling van het budget legt het college altijd "
            "eerst voor aan de gemeenteraad. Kleine aanpassingen, zoals het verplaatsen "
            "van een mobiliteitshub binnen dezelfde wijk, vallen onder de bevoegdheid "
            "van het college.",
        ],
    ),
]


def _pdf_paragraph(pdf, text: str) -> None:
    """Write one paragraph or bullet to the PDF."""
    if text.startswith("- "):
        pdf.set_x(pdf.l_margin + 5)
        pdf.multi_cell(0, 5.5, "* " + text[2:], new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def new_pdf(title: str, author: str, subject: str, created: datetime):
    """An A4 fpdf2 document with the corpus's fixed metadata and margins (fixed dates keep the output deterministic)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_subject(subject)
    pdf.set_creator("bronvast make_demo_corpus.py")
    pdf.set_creation_date(created)
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(True, margin=18)
    return pdf


def write_pdf(path: Path) -> None:
    """Write the 5-page policy note; each topic starts on its own page."""
    pdf = new_pdf(PDF_TITLE, "Gemeente Lindewaard, afdeling Ruimte en Mobiliteit", "Duurzame mobiliteit 2025-2030",
                  FIXED_DATE)
    for number, (heading, paragraphs) in enumerate(PDF_PAGES, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", "I", 8)
        pdf.cell(0, 5, f"Gemeente Lindewaard - Beleidsnota Duurzame Mobiliteit 2025-2030 - pagina {number}",
                 new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 14)
        pdf.cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        pdf.set_font("Helvetica", "", 10.5)
        for paragraph in paragraphs:
            _pdf_paragraph(pdf, paragraph)
    pdf.output(str(path))


# ---------------------------------------------------------------------------
# b. Archive inventory (plain text, latin-1 on purpose)
# ---------------------------------------------------------------------------

TXT_INTRO = """\
INVENTARIS VAN HET ARCHIEF VAN DE GEMEENTESECRETARIE VAN LINDEWAARD, 1945-1990
==============================================================================

Streekarchief Waardland, toegang 0412

INLEIDING

Archiefvormer
Het archief is gevormd door de gemeentesecretarie van Lindewaard. De secretarie
ondersteunde de gemeenteraad en het college van burgemeester en wethouders en
voerde de dagelijkse administratie van de gemeente. Tot 1968 was de secretarie
gevestigd in het oude raadhuis aan de Voorstraat; in dat jaar verhuisde zij naar
het nieuwe gemeentehuis aan het Raadhuisplein.

Omvang en ordening
Het archief heeft een omvang van 6,8 meter en telt 25 inventarisnummers. De
stukken zijn geordend naar onderwerp volgens acht rubrieken. De oorspronkelijke
dossiervorming is zoveel mogelijk gehandhaafd. Bij de bewerking zijn 2,3 meter
dubbele en kortdurend te bewaren stukken vernietigd, volgens de toen geldende
selectielijst.

Bewerking
Het archief is in 2022 en 2023 geïnventariseerd door Hendrika Oosterveld,
archivaris van het Streekarchief Waardland, met medewerking van vrijwilliger
Tobias Wendelaar. De stukken zijn overgebracht naar het Streekarchief op
15 november 2023.

Openbaarheid
De stukken zijn openbaar, met uitzondering van de nummers waarbij hieronder een
beperking is vermeld. Voor inzage in beperkt openbare stukken kunt u een
schriftelijk verzoek richten aan de directeur van het Streekarchief Waardland.

Aanbevolen citeerwijze
Streekarchief Waardland, Archief gemeentesecretarie Lindewaard 1945-1990,
toegang 0412, inventarisnummer ...

"""

# (rubric, [(inventory number, description, years, restriction or "")])
TXT_ITEMS: list[tuple[str, list[tuple[int, str, str, str]]]] = [
    ("1. ALGEMEEN BESTUUR", [
        (1, "Notulen van de vergaderingen van de gemeenteraad", "1945-1962", ""),
        (2, "Notulen van de vergaderingen van de gemeenteraad", "1963-1990", ""),
        (3, "Notulen van de vergaderingen van burgemeester en wethouders", "1945-1990", ""),
        (4, "Stukken betreffende de bevrijdingsfeesten en de jaarlijkse reünie van "
            "oud-verzetsstrijders", "1945-1955", ""),
        (5, "Stukken betreffende de bouw en de ingebruikname van het nieuwe gemeentehuis "
            "aan het Raadhuisplein", "1964-1968", ""),
        (6, "Stukken betreffende de ideeënbus voor inwoners in het gemeentehuis",
            "1978-1983", ""),
    ]),
    ("2. FINANCIËN", [
        (7, "Begrotingen en rekeningen van de gemeente", "1945-1990", ""),
        (8, "Stukken betreffende de financiële verhouding tussen gemeente en Rijk en de "
            "aanvragen om aanvullende uitkeringen", "1951-1972", ""),
        (9, "Stukken betreffende de verkoop van gemeentegrond aan de coöperatieve "
            "zuivelfabriek De Eendracht", "1957-1959", ""),
    ]),
    ("3. PERSONEEL", [
        (10, "Personeelsdossiers van ambtenaren ter secretarie", "1945-1990",
         "Beperkt openbaar tot 2065 vanwege privacy (persoonsgegevens)"),
        (11, "Stukken betreffende de personeelscommissie en de ondernemingsraad",
         "1972-1990", ""),
    ]),
    ("4. OPENBARE ORDE EN VEILIGHEID", [
        (12, "Stukken betreffende vergunningen voor café's, slijterijen en andere "
             "drankverkoop", "1946-1990", ""),
        (13, "Stukken betreffende de sluiting van café De Gouden Karper aan de Havenkade "
             "wegens overlast", "1971-1973",
         "Beperkt openbaar tot 2030 vanwege privacy (namen van klagers en omwonenden)"),
        (14, "Stukken betreffende de watersnood van februari 1953 en de hulpverlening "
             "aan getroffen inwoners", "1953-1956", ""),
    ]),
    ("5. SOCIALE ZAKEN", [
        (15, "Dossiers bijzondere bijstand", "1965-1990",
         "Beperkt openbaar tot 2040 vanwege privacy"),
        (16, "Stukken betreffende de huisvesting van repatrianten uit Indonesië",
         "1950-1958", ""),
        (17, "Stukken betreffende de oprichting van bejaardenoord Het Lindenhuis",
         "1961-1964", ""),
    ]),
    ("6. ONDERWIJS, CULTUUR EN SPORT", [
        (18, "Stukken betreffende de bouw van openluchtzwembad De Lindehof",
         "1958-1961", ""),
        (19, "Stukken betreffende de subsidiëring van muziekvereniging Crescendo en "
             "toneelvereniging Het Scherm", "1949-1985", ""),
        (20, "Stukken betreffende de stichting van de openbare lagere school aan de "
             "Wilgenlaan", "1953-1955", ""),
    ]),
    ("7. RUIMTELIJKE ORDENING EN VOLKSHUISVESTING", [
        (21, "Bestemmingsplannen en herzieningen daarvan", "1952-1989", ""),
        (22, "Stukken betreffende de ruilverkaveling Lindewaard-Noord", "1966-1979", ""),
        (23, "Stukken betreffende het herstel van door oorlogsschade getroffen panden "
             "aan de Voorstraat", "1945-1951", ""),
        (24, "Bouwvergunningen", "1945-1990",
         "Alleen op afspraak in te zien vanwege de slechte materiële staat (schimmelschade)"),
    ]),
    ("8. VERKIEZINGEN EN BURGERZAKEN", [
        (25, "Processen-verbaal van de verkiezingen voor gemeenteraad, Provinciale "
             "Staten en Tweede Kamer", "1946-1990", ""),
    ]),
]


def inventory_text() -> str:
    """Return the full inventory as a string (to be encoded as latin-1)."""
    lines = [TXT_INTRO, "INVENTARIS", ""]
    for rubric, items in TXT_ITEMS:
        lines += [rubric, ""]
        for number, description, years, restriction in items:
            lines.append(f"{number:>3}  {description}, {years}.")
            if restriction:
                lines.append(f"     Openbaarheid: {restriction}.")
        lines.append("")
    lines.append("Einde van de inventaris.")
    return "\n".join(lines) + "\n"


def write_txt(path: Path) -> None:
    path.write_bytes(inventory_text().encode("latin-1"))


# ---------------------------------------------------------------------------
# c. Bezwaarschrift (DOCX)
# ---------------------------------------------------------------------------

DOCX_TITLE = "Bezwaarschrift tegen omgevingsvergunning Kerkstraat 12 (OV-2025-0387)"

DOCX_SENDER = [
    "A.M. (Anouk) Veldhuis-Terpstra",
    "Kerkstraat 14",
    "4731 ZX Lindewaard",
    "E-mail: anouk.veldhuis@example.org",
]
DOCX_ADDRESSEE = [
    "Aan het college van burgemeester en wethouders van de gemeente Lindewaard",
    "t.a.v. de Commissie bezwaarschriften",
    "Postbus 1250",
    "4730 AG Lindewaard",
]
DOCX_META = [
    "Lindewaard, 12 maart 2025",
    "Betreft: bezwaarschrift tegen omgevingsvergunning Kerkstraat 12, kenmerk OV-2025-0387",
]

# (level, text): level 0 = Title, 1/2 = heading, None = normal paragraph.
DOCX_BODY: list[tuple[int | None, str]] = [
    (None, "Geacht college,"),
    (None, "Hierbij maak ik bezwaar tegen uw besluit tot verlening van een "
           "omgevingsvergunning voor het perceel Kerkstraat 12 in Lindewaard. Hieronder "
           "licht ik toe tegen welk besluit mijn bezwaar zich richt, op welke gronden ik "
           "bezwaar maak en wat ik van u vraag."),
    (1, "1. Het bestreden besluit"),
    (None, "Bij besluit van 4 februari 2025, kenmerk OV-2025-0387, verzonden op 6 februari "
           "2025, heeft uw college aan de heer R.J. Mulderink een omgevingsvergunning "
           "verleend voor het bouwen van een opbouw van twee bouwlagen op de bestaande "
           "woning aan de Kerkstraat 12 en voor het splitsen van die woning in drie "
           "appartementen. Door de opbouw wordt het pand 10,6 meter hoog; de huidige "
           "nokhoogte is 6,2 meter."),
    (None, "Ik ben eigenaar en bewoner van de woning Kerkstraat 14, die direct ten noorden "
           "van Kerkstraat 12 ligt. Mijn achtertuin grenst over de volle lengte aan het "
           "perceel van de vergunninghouder. Ik ben daarom belanghebbende bij het besluit. "
           "Dit bezwaarschrift wordt ingediend binnen de termijn van zes weken na "
           "verzending van het besluit."),
    (1, "2. Gronden van bezwaar"),
    (2, "Grond 1: Schaduw op mijn tuin en zonnepanelen"),
    (None, "De opbouw komt op 1,5 meter van de perceelgrens. Mijn tuin van ongeveer 70 m2 "
           "en de acht zonnepanelen op mijn aanbouw komen daardoor grotendeels in de "
           "schaduw te liggen. Een bezonningsberekening die ik heb laten maken door "
           "Zonlicht Advies Waardland laat zien dat mijn tuin tussen 1 oktober en 1 maart "
           "vrijwel geen direct zonlicht meer krijgt en in de zomermaanden na 14.00 uur "
           "volledig in de schaduw ligt. De opbrengst van mijn zonnepanelen daalt naar "
           "schatting met 35 procent. Bij de aanvraag zat geen bezonningsstudie, en uit het "
           "besluit blijkt niet dat uw college deze gevolgen heeft meegewogen."),
    (2, "Grond 2: Toename van de parkeerdruk"),
    (None, "Door de splitsing ontstaan drie appartementen, maar op eigen terrein wordt geen "
           "enkele parkeerplaats aangelegd. Volgens de gemeentelijke parkeernorm van 1,4 "
           "plaats per appartement zijn er minimaal vier parkeerplaatsen nodig. De "
           "Kerkstraat is 's avonds nu al vol: bij mijn eigen tellingen op vijf avonden in "
           "februari 2025 waren gemiddeld 31 van de 33 parkeervakken bezet. Het besluit "
           "gaat niet in op deze parkeerbehoefte en ook niet op de vraag waar de "
           "toekomstige bewoners en hun bezoekers moeten parkeren."),
    (2, "Grond 3: Ik ben niet geraadpleegd"),
    (None, "In het aanvraagformulier staat dat de omwonenden vooraf over het bouwplan zijn "
           "geïnformeerd. Dat is niet juist. Ik ben niet benaderd door de aanvrager of door "
           "de gemeente en heb pas van het plan gehoord door de bekendmaking in het "
           "huis-aan-huisblad De Lindewaarder van 12 februari 2025, toen de vergunning al "
           "was verleend. Van participatie is dus geen sprake geweest. Uw college had dit "
           "moeten controleren en had mij de kans moeten geven mijn bezwaren eerder in te "
           "brengen, zodat naar een aangepast ontwerp had kunnen worden gekeken."),
    (1, "3. Verzoek"),
    (None, "Op grond van het bovenstaande verzoek ik uw college:"),
    (None, "a. mijn bezwaar gegrond te verklaren;"),
    (None, "b. het besluit van 4 februari 2025 (kenmerk OV-2025-0387) te herroepen en de "
           "omgevingsvergunning te weigeren;"),
    (None, "c. subsidiair: een nieuw besluit te nemen waarbij de opbouw wordt beperkt tot "
           "een bouwlaag en de vergunninghouder een oplossing voor het parkeren moet "
           "bieden;"),
    (None, "d. de kosten van de bezonningsberekening (€ 450,-) aan mij te vergoeden."),
    (1, "4. Verzoek om te worden gehoord"),
    (None, "Ik verzoek u mij in de gelegenheid te stellen mijn bezwaar mondeling toe te "
           "lichten tijdens een hoorzitting van de Commissie bezwaarschriften. In de week "
           "van 21 april 2025 ben ik niet beschikbaar. Ik overweeg daarnaast de "
           "voorzieningenrechter te vragen om een voorlopige voorziening, als de "
           "bouwwerkzaamheden starten voordat op mijn bezwaar is beslist."),
    (None, "Bijlagen: kopie van het bestreden besluit; bezonningsberekening Zonlicht Advies "
           "Waardland; foto's van de achtertuin en de parkeersituatie in de Kerkstraat."),
    (None, "Hoogachtend,"),
    (None, "A.M. Veldhuis-Terpstra"),
]


def _normalize_zip(data: bytes) -> bytes:
    """Rewrite a ZIP with fixed timestamps and order so output is reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 3, 12, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def write_docx(path: Path) -> None:
    """Write the objection letter with headings and fixed core properties."""
    from docx import Document

    doc = Document()
    props = doc.core_properties
    props.title = DOCX_TITLE
    props.author = "A.M. Veldhuis-Terpstra"
    props.last_modified_by = "A.M. Veldhuis-Terpstra"
    props.subject = "Bezwaar omgevingsvergunning"
    props.keywords = "bezwaarschrift; omgevingsvergunning; Kerkstraat 12; Lindewaard"
    props.created = props.modified = props.last_printed = FIXED_DATE.replace(tzinfo=None)
    props.revision = 1
    for line in DOCX_SENDER + [""] + DOCX_ADDRESSEE + [""] + DOCX_META:
        doc.add_paragraph(line)
    doc.add_heading("Bezwaarschrift", level=0)
    for level, text in DOCX_BODY:
        if level is None:
            doc.add_paragraph(text)
        else:
            doc.add_heading(text, level=level)
    buffer = io.BytesIO()
    doc.save(buffer)
    path.write_bytes(_normalize_zip(buffer.getvalue()))


# ---------------------------------------------------------------------------
# d. Raadsbesluit (HTML page with site boilerplate)
# ---------------------------------------------------------------------------

HTML_PAGE = """\
<!DOCTYPE html>
<html lang="nl">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Raadsbesluit 2025-014 Speelruimteplan en krediet speeltuinen | Gemeente Lindewaard</title>
  <meta name="description" content="Besluit van de gemeenteraad van Lindewaard over het Speelruimteplan 2025-2029 en de vervanging van speeltoestellen.">
  <link rel="stylesheet" href="/assets/css/site.css">
  <script>
    function sluitMelding() { document.getElementById('cookiemelding').hidden = true; }
  </script>
</head>
<body>
  <header class="site-header">
    <a class="logo" href="/">Gemeente Lindewaard</a>
    <p class="tagline">Samen werken aan een groen en levendig Lindewaard</p>
    <div id="cookiemelding" class="cookie-notice" role="dialog">
      <p>Deze website gebruikt alleen functionele en analytische cookies die geen
      persoonsgegevens delen met derden.</p>
      <button type="button" onclick="sluitMelding()">Akkoord</button>
    </div>
    <form class="zoeken" action="/zoeken" role="search">
      <input type="search" name="q" placeholder="Zoeken op de website">
    </form>
  </header>

  <nav class="hoofdmenu" aria-label="Hoofdmenu">
    <ul>
      <li><a href="/">Home</a></li>
      <li><a href="/wonen-en-leven">Wonen en leven</a></li>
      <li><a href="/afvalkalender">Afvalkalender</a></li>
      <li><a href="/ondernemen">Ondernemen</a></li>
      <li><a href="/bestuur">Bestuur en organisatie</a></li>
      <li><a href="/bekendmakingen">Bekendmakingen</a></li>
      <li><a href="/contact">Contact</a></li>
    </ul>
  </nav>

  <main id="inhoud">
    <article class="raadsbesluit">
      <h1>Raadsbesluit 2025-014: Speelruimteplan Lindewaard 2025-2029 en krediet vervanging speeltoestellen</h1>
      <p class="meta">Registratienummer: 2025-014 &middot; Vergadering gemeenteraad: 10 april 2025</p>

      <p>De raad van de gemeente Lindewaard;</p>
      <p>gelezen het voorstel van burgemeester en wethouders van 11 maart 2025, nummer 2025-014;</p>

      <h2>Overwegingen</h2>
      <p>overwegende dat:</p>
      <ul>
        <li>de gemeente Lindewaard 38 openbare speeltuinen beheert, waarvan een groot deel is aangelegd tussen 1995 en 2005;</li>
        <li>bij de jaarlijkse veiligheidsinspectie in november 2024 elf speeltoestellen zijn afgekeurd en inmiddels zijn verwijderd;</li>
        <li>aan de peiling &lsquo;Speel mee!&rsquo; in januari 2025 1.240 kinderen en ouders hebben deelgenomen, die vooral vroegen om meer natuurlijk spelen, schaduw en bankjes voor ouders;</li>
        <li>op dit moment geen enkele speeltuin in Lindewaard volledig toegankelijk is voor kinderen met een lichamelijke beperking;</li>
        <li>het Speelruimteplan als uitgangspunt hanteert dat ieder kind binnen 300 meter van huis een speelplek heeft;</li>
        <li>de vervanging van speeltoestellen niet binnen het bestaande onderhoudsbudget kan worden opgevangen;</li>
      </ul>

      <h2>Besluit</h2>
      <p>besluit:</p>

      <h3>Artikel 1</h3>
      <p>Het Speelruimteplan Lindewaard 2025-2029 vast te stellen.</p>

      <h3>Artikel 2</h3>
      <p>Een krediet van &euro; 780.000 beschikbaar te stellen voor de vervanging van speeltoestellen en de herinrichting van 14 speeltuinen in de jaren 2025 tot en met 2027.</p>

      <h3>Artikel 3</h3>
      <p>De jaarlijkse kapitaallasten van ongeveer &euro; 52.000 te dekken uit de begrotingspost Openbaar groen en spelen, en het structurele onderhoudsbudget voor speeltuinen met &euro; 45.000 per jaar te verhogen met ingang van 2026.</p>

      <h3>Artikel 4</h3>
      <p>Ten minste drie speeltuinen, te weten Park Ter Linde, speeltuin Wilgenhof en speeltuin Zuiderplantsoen, zo in te richten dat zij volledig toegankelijk zijn voor kinderen met en zonder beperking.</p>

      <h3>Artikel 5</h3>
      <p>Het college op te dragen de raad jaarlijks, bij de jaarrekening, te informeren over de voortgang van de uitvoering van het Speelruimteplan.</p>

      <h3>Artikel 6</h3>
      <p>Dit besluit treedt in werking op de dag na bekendmaking.</p>

      <p>Aldus vastgesteld in de openbare vergadering van de gemeenteraad van Lindewaard van 10 april 2025.</p>

      <div class="ondertekening">
        <p>De raad voornoemd,</p>
        <p>de griffier,<br>S. Oudeman</p>
        <p>de voorzitter,<br>W. Terhorst</p>
      </div>
    </article>
  </main>

  <footer class="site-footer">
    <section class="contact">
      <h2>Contact</h2>
      <p>Gemeente Lindewaard<br>Raadhuisplein 1<br>4731 AA Lindewaard</p>
      <p>Telefoon: (0399) 00 11 22 (maandag tot en met vrijdag 08.30 - 17.00 uur)<br>
      E-mail: info@lindewaard.example.org</p>
    </section>
    <section class="links">
      <ul>
        <li><a href="/afvalkalender">Afvalkalender</a></li>
        <li><a href="/privacyverklaring">Privacyverklaring</a></li>
        <li><a href="/cookiebeleid">Cookiebeleid</a></li>
        <li><a href="/toegankelijkheid">Toegankelijkheidsverklaring</a></li>
      </ul>
    </section>
    <p class="copyright">&copy; 2025 Gemeente Lindewaard</p>
  </footer>
</body>
</html>
"""


def write_html(path: Path) -> None:
    path.write_text(HTML_PAGE, encoding="utf-8")


# ---------------------------------------------------------------------------
# e. Notulen raadsvergadering (Markdown)
# ---------------------------------------------------------------------------

MD_TEXT = """\
# Notulen van de openbare vergadering van de gemeenteraad van Lindewaard, 13 maart 2025

- **Datum:** donderdag 13 maart 2025, 19.30 - 22.41 uur
- **Plaats:** raadzaal, gemeentehuis Lindewaard, Raadhuisplein 1
- **Voorzitter:** W. Terhorst, burgemeester
- **Griffier:** S. Oudeman
- **Notulist:** M. el Idrissi

**Aanwezig (21 raadsleden):**

- Lindewaard Lokaal (6): P. Dijkhuis (fractievoorzitter), H. van Ommeren, K. Stellingwerf, T. Bakhuis, R. Koenders, E. de Zwaan
- Groen Lindewaard (5): J. Kramer-Doornbos (fractievoorzitter), N. Aydin, S. Vlieger, L. Hofstede, G. Brouwer
- Liberaal Lindewaard (4): M. Tjalsma (fractievoorzitter), D. Reijnders, C. van Beek, F. Lunenborg
- Christelijk Lindewaard (3): A. Hoogendam (fractievoorzitter), W. Spaans, I. Noordhoek
- Seniorenpartij Lindewaard (2): B. Oldenkamp (fractievoorzitter), Y. Smeenk-Ramdin
- Progressief Lindewaard (1): O. Mertens

**Overig:**

- **Wethouders:** B. Eijkelenkamp, L. Sarmo-de Wit
- **Afwezig met kennisgeving:** wethouder F. Haverkamp

## 1. Opening en mededelingen

De voorzitter opent de vergadering om 19.30 uur en heet de aanwezigen en de
kijkers thuis welkom. Alle 21 raadsleden zijn aanwezig. De voorzitter deelt mee
dat de gemeente op 1 maart een nieuwe gemeentesecretaris heeft gekregen,
mevrouw R. Zandvliet.

## 2. Vaststelling van de agenda

De agenda wordt ongewijzigd vastgesteld.

## 3. Vragenuur

De heer Dijkhuis (Lindewaard Lokaal) vraagt naar de loszittende stoeptegels in de
Vogelwijk, waarover bewoners sinds december klagen. Wethouder Eijkelenkamp
antwoordt dat een aannemer is ingeschakeld en dat de trottoirs in de Merelstraat
en de Lijsterlaan uiterlijk 1 mei 2025 zijn hersteld.

Mevrouw Aydin (Groen Lindewaard) vraagt of de gemeente de bomenkap aan de
Dijkweg kan uitstellen tot na het broedseizoen. Wethouder Sarmo-de Wit zegt toe
dit uit te zoeken en de raad binnen twee weken schriftelijk te informeren.

## 4. Vaststelling notulen van 13 februari 2025

De notulen van de vergadering van 13 februari 2025 worden zonder wijzigingen
vastgesteld.

## 5. Krediet renovatie sporthal De Bongerd

Het college vraagt een krediet van 1.850.000 euro voor de renovatie van sporthal
De Bongerd: vernieuwing van de vloer, de kleedkamers en de luchtbehandeling. De
sporthal is gebouwd in 1979 en wordt door elf verenigingen en vier scholen
gebruikt.

De fractie van Liberaal Lindewaard vindt de kosten te hoog en pleit voor
nieuwbouw op termijn. Groen Lindewaard dient een amendement in om het dak te
voorzien van zonnepanelen, met een extra bedrag van 120.000 euro.

- Het amendement zonnepanelen wordt **aangenomen met 14 stemmen voor en 7 tegen**.
- Het geamendeerde voorstel wordt **aangenomen met 17 stemmen voor en 4 tegen**.
  De fractie van Liberaal Lindewaard stemt tegen.

Besluit: het krediet van in totaal 1.970.000 euro wordt beschikbaar gesteld. De
renovatie start na de zomervakantie en de sporthal gaat van 1 juli tot en met
31 december 2025 dicht.

## 6. Motie "Bankjes langs de Lindewaardse Vaart"

De Seniorenpartij Lindewaard dient een motie in om langs het wandelpad aan de
Lindewaardse Vaart om de 250 meter een bankje te plaatsen. Wethouder
Sarmo-de Wit ontraadt de motie omdat hiervoor geen dekking is aangegeven en
wijst op de herinrichting van het wandelpad die al in 2026 gepland staat.

- De motie wordt **verworpen met 9 stemmen voor en 12 tegen**.

## 7. Benoeming lid rekenkamercommissie

Na schriftelijke stemming wordt mevrouw drs. I. Vermeulen-Brand benoemd tot
extern lid van de rekenkamercommissie, met 19 stemmen voor, 1 stem tegen en 1
blanco stem. Zij legt direct de eed af.

## 8. Actiepunten

| Nr. | Actie | Wie | Uiterlijk |
|-----|-------|-----|-----------|
| 1 | Herstel trottoirs Merelstraat en Lijsterlaan (Vogelwijk) | wethouder Eijkelenkamp | 1 mei 2025 |
| 2 | Schriftelijke informatie over uitstel bomenkap Dijkweg | wethouder Sarmo-de Wit | 27 maart 2025 |
| 3 | Planning en tijdelijke uitwijklocaties sporthal De Bongerd naar de raad | wethouder Eijkelenkamp | 15 mei 2025 |
| 4 | Verzoek aan vereniging Natuurlijk Lindewaard om mee te denken over de herinrichting van het wandelpad | griffie | 30 april 2025 |

## 9. Sluiting

De voorzitter sluit de vergadering om 22.41 uur. De volgende raadsvergadering is
op donderdag 10 april 2025.
"""


def write_md(path: Path) -> None:
    path.write_text(MD_TEXT, encoding="utf-8")


# ---------------------------------------------------------------------------
# f. Bezwaarschrift naheffingsaanslag parkeerbelasting (PDF, 2 pages)
# ---------------------------------------------------------------------------

PARKING_PDF_NAME = "bezwaarschrift-naheffingsaanslag-parkeerbelasting.pdf"
PARKING_PDF_TITLE = "Bezwaarschrift tegen naheffingsaanslag parkeerbelasting NA-2025-004817"
PARKING_PDF_DATE = datetime(2025, 4, 14, 9, 0, 0, tzinfo=timezone.utc)

# Each page: [(style, text)]; style "h" = heading, "b" = bold line, "p" = paragraph, "l" = address line.
PARKING_PDF_PAGES: list[list[tuple[str, str]]] = [
    [
        ("l", "R.P. (Rutger) Haaksma"),
        ("l", "Wilgenlaan 8"),
        ("l", "4733 CE Lindewaard"),
        ("l", "E-mail: r.haaksma@example.org"),
        ("", ""),
        ("l", "Aan de heffingsambtenaar van de gemeente Lindewaard"),
        ("l", "Afdeling Belastingen"),
        ("l", "Postbus 1250"),
        ("l", "4730 AG Lindewaard"),
        ("", ""),
        ("l", "Lindewaard, 14 april 2025"),
        ("l", "Betreft: bezwaar tegen naheffingsaanslag parkeerbelasting, aanslagnummer NA-2025-004817"),
        ("", ""),
        ("h", "Bezwaarschrift"),
        ("p", "Geachte heffingsambtenaar,"),
        ("p", "Hierbij maak ik bezwaar tegen de naheffingsaanslag parkeerbelasting met "
              "aanslagnummer NA-2025-004817 die u mij hebt opgelegd."),
        ("b", "1. De bestreden naheffingsaanslag"),
        ("p", "De naheffingsaanslag is opgelegd omdat bij een controle op dinsdag 18 maart 2025 "
              "aan de Hoogstraat in zone A (zonecode 1201) voor mijn auto geen "
              "parkeerbelasting zou zijn betaald. Het aanslagbiljet heeft als dagtekening "
              "20 maart 2025 en is op 21 maart 2025 aan mij verzonden. De aanslag bedraagt in "
              "totaal 80,20 euro: 2,70 euro parkeerbelasting en 77,50 euro kosten van de "
              "naheffingsaanslag. Ik heb dit bedrag op 27 maart 2025 betaald om een aanmaning "
              "te voorkomen. Dat betekent niet dat ik de aanslag aanvaard."),
        ("b", "2. Tijdigheid van het bezwaar"),
        ("p", "De termijn voor het indienen van een bezwaarschrift is zes weken na de "
              "dagtekening van het aanslagbiljet. Die bezwaartermijn loopt dus tot en met "
              "1 mei 2025. Dit bezwaarschrift van 14 april 2025 is daarmee tijdig ingediend."),
        ("b", "3. Gronden van bezwaar"),
        ("b", "Grond 1: De parkeerapp liep tijdens de controle"),
        ("p", "Op 18 maart 2025 heb ik om 10.02 uur via de parkeerapp ParkeerLinde een "
              "parkeeractie gestart, die liep tot 11.32 uur. Ik heb daarvoor 2,85 euro "
              "betaald. De controle vond plaats om 10.41 uur, dus terwijl mijn parkeeractie "
              "liep. Een schermafdruk van de app en het afschrift van de betaling voeg ik als "
              "bijlagen 1 en 2 bij. Ik heb voor de hele parkeerduur betaald."),
        ("b", "Grond 2: Het zonebord was niet leesbaar"),
        ("p", "Het zonebord bij de ingang van de Hoogstraat, op de hoek met de Singelweg, was op "
              "18 maart 2025 grotendeels afgedekt door de steiger van de verbouwing van "
              "Hoogstraat 2. Alleen het bord aan de overkant van de Singelweg, met zonecode "
              "1210 (zone B), was leesbaar. Die code heb ik in de app gekozen. Dat ik onder een "
              "andere zonecode heb betaald, komt door het onduidelijke bord en niet door mij. "
              "Foto's van het afgedekte bord voeg ik als bijlage 3 bij."),
    ],
    [
        ("b", "Grond 3: De naheffingsaanslag is onvoldoende gemotiveerd"),
        ("p", "Op het aanslagbiljet staan alleen de datum, de straat en het bedrag. Er staat "
              "niet op hoe laat de controle plaatsvond, welke zonecode volgens u gold en of de "
              "controle door een scanauto of door een handhaver is gedaan. Een foto van de "
              "situatie is niet meegestuurd. Het tijdstip van 10.41 uur kreeg ik pas te horen "
              "toen ik op 24 maart 2025 met de afdeling Belastingen belde. Zonder deze gegevens "
              "kan ik niet nagaan of de aanslag terecht is opgelegd. De naheffingsaanslag is "
              "daarom onvoldoende gemotiveerd."),
        ("b", "4. Verzoek"),
        ("p", "Op grond van het bovenstaande verzoek ik u:"),
        ("p", "a. mijn bezwaar gegrond te verklaren;"),
        ("p", "b. de naheffingsaanslag NA-2025-004817 te vernietigen;"),
        ("p", "c. het door mij betaalde bedrag van 80,20 euro terug te betalen op "
              "rekeningnummer NL00 BANK 0123 4567 89;"),
        ("p", "d. mij de kosten van het aangetekend verzenden van dit bezwaarschrift "
              "(10,25 euro) te vergoeden."),
        ("b", "5. Horen"),
        ("p", "Ik zie af van het recht om te worden gehoord, tenzij u van plan bent mijn "
              "bezwaar ongegrond te verklaren. In dat geval wil ik mijn bezwaar graag "
              "telefonisch toelichten op werkdagen na 16.00 uur."),
        ("p", "Bijlagen: 1. schermafdruk van de parkeeractie in ParkeerLinde; 2. afschrift van "
              "de betaling van 2,85 euro; 3. foto's van het afgedekte zonebord aan de "
              "Hoogstraat; 4. kopie van het aanslagbiljet NA-2025-004817."),
        ("p", "Met vriendelijke groet,"),
        ("p", "R.P. Haaksma"),
    ],
]


def write_parking_pdf(path: Path) -> None:
    """Write the two-page objection to a parking fine; each page is filled by hand, never by overflow."""
    pdf = new_pdf(PARKING_PDF_TITLE, "R.P. Haaksma", "Bezwaar naheffingsaanslag parkeerbelasting", PARKING_PDF_DATE)
    for number, lines in enumerate(PARKING_PDF_PAGES, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", "I", 8)
        pdf.cell(0, 5, f"Bezwaarschrift naheffingsaanslag NA-2025-004817 - R.P. Haaksma - pagina {number} van "
                 f"{len(PARKING_PDF_PAGES)}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        for style, text in lines:
            if style == "":
                pdf.ln(3)
            elif style == "l":
                pdf.set_font("Helvetica", "", 10.5)
                pdf.cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
            elif style == "h":
                pdf.set_font("Helvetica", "B", 14)
                pdf.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(2)
            elif style == "b":
                pdf.set_font("Helvetica", "B", 10.5)
                pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(1)
            else:
                pdf.set_font("Helvetica", "", 10.5)
                _pdf_paragraph(pdf, text)
    if pdf.page_no() != len(PARKING_PDF_PAGES):
        raise RuntimeError(f"{PARKING_PDF_NAME}: text overflowed to {pdf.page_no()} pages")
    pdf.output(str(path))


# ---------------------------------------------------------------------------
# g. Bezwaarschrift weigering kapvergunning (DOCX)
# ---------------------------------------------------------------------------

TREE_DOCX_NAME = "bezwaarschrift-weigering-kapvergunning-eikenlaan.docx"
TREE_DOCX_TITLE = "Bezwaarschrift tegen weigering kapvergunning Eikenlaan 23 (KV-2025-0112)"
TREE_DOCX_DATE = datetime(2025, 4, 17, 9, 0, 0)

TREE_DOCX_SENDER = [
    "G.H. (Gerda) Landzaat",
    "Eikenlaan 23",
    "4732 KL Lindewaard",
    "E-mail: gerda.landzaat@example.org",
]
TREE_DOCX_META = [
    "Lindewaard, 17 april 2025",
    "Betreft: bezwaarschrift tegen de weigering van een omgevingsvergunning voor het kappen van een eik, "
    "Eikenlaan 23, kenmerk KV-2025-0112",
]

TREE_DOCX_BODY: list[tuple[int | None, str]] = [
    (None, "Geacht college,"),
    (None, "Hierbij maak ik bezwaar tegen uw besluit om de omgevingsvergunning voor het vellen "
           "van een zomereik in de achtertuin van mijn woning aan de Eikenlaan 23 in Lindewaard "
           "te weigeren."),
    (1, "1. Het bestreden besluit"),
    (None, "Bij besluit van 11 maart 2025, kenmerk KV-2025-0112, verzonden op 13 maart 2025, "
           "heeft uw college geweigerd mij een omgevingsvergunning te verlenen voor het vellen "
           "van een houtopstand (kapvergunning). Het gaat om een zomereik van ongeveer 85 jaar "
           "oud, met een stamomtrek van 2,40 meter, die op 4 meter van de achtergevel van mijn "
           "woning staat. Uw college heeft de vergunning geweigerd omdat de eik beeldbepalend "
           "zou zijn en er geen zwaarwegende reden voor de kap zou zijn."),
    (None, "Ik ben eigenaar en bewoner van de woning Eikenlaan 23 en heb de vergunning op "
           "6 januari 2025 aangevraagd. Ik ben dus belanghebbende bij het besluit. Dit "
           "bezwaarschrift wordt ingediend binnen de termijn van zes weken na verzending van "
           "het besluit; die termijn loopt tot en met 24 april 2025."),
    (1, "2. Gronden van bezwaar"),
    (2, "Grond 1: De eik is ziek en niet meer veilig"),
    (None, "Bij mijn aanvraag heb ik een boomveiligheidsonderzoek van Boomzorg Waardland van "
           "19 december 2024 gevoegd. Daaruit blijkt dat de eik is aangetast door de reuzenzwam, "
           "een schimmel die de wortels van de boom aantast. De boomveiligheidsadviseur schat de "
           "resterende levensverwachting van de eik op minder dan vijf jaar en adviseert de boom "
           "binnen een jaar te vellen. Tijdens de storm van 9 februari 2025 is een tak van "
           "ongeveer 3 meter op het dak van mijn schuur gevallen. Ik maak mij zorgen over de "
           "veiligheid van mijn gezin en van voetgangers op het trottoir van de Eikenlaan."),
    (2, "Grond 2: Het besluit is onvoldoende gemotiveerd"),
    (None, "Het besluit noemt de eik beeldbepalend, maar legt niet uit waarom. De boom staat in "
           "mijn achtertuin en is vanaf de straat nauwelijks te zien. Het besluit gaat bovendien "
           "met geen woord in op het boomveiligheidsonderzoek dat ik heb ingediend. Uw college "
           "mag een deskundig rapport niet zonder uitleg terzijde leggen. Het besluit is daarom "
           "onvoldoende gemotiveerd."),
    (2, "Grond 3: Ik ben niet gehoord voordat het besluit werd genomen"),
    (None, "Op 20 februari 2025 heeft de gemeentelijke boomdeskundige de eik vanaf het trottoir "
           "bekeken, zonder mij daarover te informeren. Zijn negatieve advies heb ik pas "
           "ontvangen als bijlage bij het besluit. Ik ben niet geraadpleegd en niet gehoord, en "
           "heb geen gelegenheid gekregen om op dat advies te reageren voordat het besluit werd "
           "genomen. Was ik gehoord, dan had ik de boomdeskundige de zwamaantasting aan de voet "
           "van de eik in mijn tuin kunnen laten zien."),
    (1, "3. Verzoek"),
    (None, "Op grond van het bovenstaande verzoek ik uw college:"),
    (None, "a. mijn bezwaar gegrond te verklaren;"),
    (None, "b. het besluit van 11 maart 2025 (kenmerk KV-2025-0112) te herroepen en de "
           "kapvergunning alsnog te verlenen;"),
    (None, "c. als voorwaarde aan de vergunning te verbinden dat ik binnen een jaar na de kap "
           "een nieuwe boom in mijn tuin plant; ik stel een veldesdoorn voor;"),
    (None, "d. de kosten van het boomveiligheidsonderzoek (€ 385,-) aan mij te vergoeden."),
    (1, "4. Verzoek om te worden gehoord"),
    (None, "Ik verzoek u mij uit te nodigen voor een hoorzitting van de Commissie "
           "bezwaarschriften, zodat ik mijn bezwaar mondeling kan toelichten. Ik nodig de "
           "commissie ook uit om de eik ter plaatse te bekijken. Bij de hoorzitting word ik "
           "bijgestaan door mijn buurman, de heer T. Wessels."),
    (None, "Bijlagen: kopie van het bestreden besluit; boomveiligheidsonderzoek Boomzorg "
           "Waardland van 19 december 2024; foto's van de zwamaantasting en van de afgebroken "
           "tak."),
    (None, "Hoogachtend,"),
    (None, "G.H. Landzaat"),
]


def write_tree_docx(path: Path) -> None:
    """Write the objection to the refused tree-felling permit, built like the Kerkstraat letter."""
    from docx import Document

    doc = Document()
    props = doc.core_properties
    props.title = TREE_DOCX_TITLE
    props.author = "G.H. Landzaat"
    props.last_modified_by = "G.H. Landzaat"
    props.subject = "Bezwaar weigering kapvergunning"
    props.keywords = "bezwaarschrift; kapvergunning; Eikenlaan 23; Lindewaard"
    props.created = props.modified = props.last_printed = TREE_DOCX_DATE
    props.revision = 1
    for line in TREE_DOCX_SENDER + [""] + DOCX_ADDRESSEE + [""] + TREE_DOCX_META:
        doc.add_paragraph(line)
    doc.add_heading("Bezwaarschrift", level=0)
    for level, text in TREE_DOCX_BODY:
        if level is None:
            doc.add_paragraph(text)
        else:
            doc.add_heading(text, level=level)
    buffer = io.BytesIO()
    doc.save(buffer)
    path.write_bytes(_normalize_zip(buffer.getvalue()))


# ---------------------------------------------------------------------------
# h. Inventaris archief bouwvergunningen (HTML page of the regional archive)
# ---------------------------------------------------------------------------

ARCHIVE_HTML_NAME = "inventaris-archief-bouwvergunningen-1960-1995.html"

# (rubric, [(inventory number, description, years, restriction or "")])
ARCHIVE_ITEMS: list[tuple[str, list[tuple[int, str, str, str]]]] = [
    ("1. Registers en kaartsystemen", [
        (1, "Registers van ingekomen aanvragen om bouwvergunning", "1960-1977", ""),
        (2, "Registers van ingekomen aanvragen om bouwvergunning", "1978-1995", ""),
        (3, "Kaartsysteem van verleende bouwvergunningen, geordend op straatnaam", "1960-1995", ""),
    ]),
    ("2. Bouwvergunningen voor woningen", [
        (4, "Bouwvergunningen voor woningen, met bouwtekeningen", "1960-1964",
         "Openbaar, maar alleen als scan te raadplegen vanwege de waterschade van januari 1994"),
        (5, "Bouwvergunningen voor woningen, met bouwtekeningen", "1965-1969", ""),
        (6, "Bouwvergunningen voor woningen, met bouwtekeningen", "1970-1974", ""),
        (7, "Bouwvergunningen voor woningen, met bouwtekeningen", "1975-1979", ""),
        (8, "Bouwvergunningen voor woningen, met bouwtekeningen", "1980-1984", ""),
        (9, "Bouwvergunningen voor woningen, met bouwtekeningen", "1985-1989", ""),
        (10, "Bouwvergunningen voor woningen, met bouwtekeningen", "1990-1995", ""),
        (11, "Bouwvergunningen voor de nieuwbouwwijk Vogelwijk, onder meer de Merelstraat en de "
             "Lijsterlaan", "1968-1974", ""),
    ]),
    ("3. Bouwvergunningen voor bedrijven en openbare gebouwen", [
        (12, "Bouwvergunningen voor bedrijfspanden en agrarische bebouwing", "1960-1995", ""),
        (13, "Bouwvergunning en bouwtekeningen van sporthal De Bongerd", "1977-1979", ""),
        (14, "Bouwvergunning voor de uitbreiding van bejaardenoord Het Lindenhuis", "1983-1985", ""),
        (15, "Bouwtekeningen van het politiebureau aan de Voorstraat", "1972-1974",
         "Beperkt openbaar tot 2030 vanwege de openbare veiligheid (plattegronden van het "
         "cellencomplex)"),
    ]),
    ("4. Weigeringen, bezwaar en beroep", [
        (16, "Geweigerde aanvragen om bouwvergunning", "1960-1995",
         "Beperkt openbaar tot 2070 vanwege privacy (persoonsgegevens en financiële gegevens van "
         "aanvragers)"),
        (17, "Bezwaarschriften en beroepschriften tegen verleende en geweigerde bouwvergunningen",
         "1976-1995",
         "Beperkt openbaar tot 2045 vanwege privacy (namen en adressen van bezwaarmakers)"),
    ]),
    ("5. Toezicht en handhaving", [
        (18, "Dossiers over bouwen zonder vergunning en aanschrijvingen tot afbraak", "1965-1995",
         "Beperkt openbaar tot 2070 vanwege privacy"),
        (19, "Stukken betreffende de onbewoonbaarverklaring van woningen", "1960-1982",
         "Beperkt openbaar tot 2057 vanwege privacy (gegevens over de gezondheid van bewoners)"),
    ]),
    ("6. Monumenten", [
        (20, "Stukken betreffende de aanwijzing van gemeentelijke monumenten", "1986-1995", ""),
        (21, "Stukken betreffende de restauratie van korenmolen De Hoop aan het Molenpad",
         "1988-1991", ""),
    ]),
]

ARCHIVE_HTML_HEAD = """\
<!DOCTYPE html>
<html lang="nl">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Inventaris archief bouwvergunningen Lindewaard 1960-1995 (toegang 0587) | Streekarchief Waardland</title>
  <meta name="dcterms.date" content="2024-06-03">
  <meta name="description" content="Inventaris van de bouwvergunningen van de gemeente Lindewaard, 1960-1995, in het Streekarchief Waardland.">
  <link rel="stylesheet" href="/css/streekarchief.css">
</head>
<body>
  <header class="site-header">
    <a class="logo" href="/">Streekarchief Waardland</a>
    <p class="tagline">Het geheugen van Lindewaard en omstreken</p>
    <form class="zoeken" action="/zoeken" role="search">
      <input type="search" name="q" placeholder="Zoek in archieven, kaarten en foto's">
    </form>
  </header>

  <nav class="hoofdmenu" aria-label="Hoofdmenu">
    <ul>
      <li><a href="/">Home</a></li>
      <li><a href="/archieven">Archieven</a></li>
      <li><a href="/beeldbank">Beeldbank</a></li>
      <li><a href="/studiezaal">Bezoek de studiezaal</a></li>
      <li><a href="/over-ons">Over het Streekarchief</a></li>
    </ul>
  </nav>
  <div class="breadcrumb"><a href="/">Home</a> &rsaquo; <a href="/archieven">Archieven</a> &rsaquo; Toegang 0587</div>

  <main id="inhoud">
    <article class="inventaris">
      <h1>Inventaris van het archief van de afdeling Bouw- en Woningtoezicht van de gemeente Lindewaard: bouwvergunningen, 1960-1995</h1>
      <p class="meta">Streekarchief Waardland, toegang 0587</p>

      <h2>Inleiding</h2>

      <h3>Archiefvormer</h3>
      <p>Het archief is gevormd door de afdeling Bouw- en Woningtoezicht van de gemeente Lindewaard. De afdeling werd in 1960 opgericht en ging in 1982 op in de nieuwe afdeling Bouwen en Wonen, die de taken tot 1995 voortzette. De afdeling behandelde de aanvragen om bouwvergunning, hield toezicht op de bouw en trad op tegen bouwen zonder vergunning.</p>

      <h3>Verwante archieven</h3>
      <p>Afschriften van verleende bouwvergunningen uit de jaren tot 1990 berusten ook in toegang 0412, inventarisnummer 24. De volledige bouwdossiers, met de bouwtekeningen, zijn in deze toegang beschreven.</p>

      <h3>Geschiedenis van het beheer</h3>
      <p>Tot de overbrenging bewaarde de gemeente de dossiers in het archiefdepot in de kelder van het gemeentehuis aan het Raadhuisplein. Bij wateroverlast in januari 1994 raakten de bouwtekeningen van de jaren 1960 tot en met 1964 beschadigd; zij zijn in 1995 gedroogd en gereinigd en in 2023 gescand. Het archief is op 3 juni 2024 door de gemeente Lindewaard overgebracht naar het Streekarchief Waardland.</p>

      <h3>Omvang en ordening</h3>
      <p>Het archief heeft een omvang van 14,2 meter en telt 21 inventarisnummers. Bij de bewerking is 3,6 meter vernietigd, vooral dubbele bouwtekeningen en kopieën van vergunningen, volgens de geldende selectielijst. De bouwvergunningen voor woningen zijn geordend per periode van vijf jaar en daarbinnen op straatnaam en huisnummer.</p>

      <h3>Bewerking</h3>
      <p>Het archief is in 2023 en 2024 geïnventariseerd door Marloes Kiewiet, archivaris van het Streekarchief Waardland, met hulp van stagiair Bram Oudejans. De inventaris is vastgesteld op 3 juni 2024.</p>

      <h3>Openbaarheid</h3>
      <p>Het archief is openbaar, met uitzondering van de inventarisnummers waarbij hieronder een beperking is vermeld. De beperkingen zijn bij de overbrenging vastgesteld door het college van burgemeester en wethouders van Lindewaard. Wie een beperkt openbaar stuk wil inzien, dient een schriftelijk verzoek in bij de directeur van het Streekarchief Waardland, met het doel van het onderzoek; op het verzoek wordt binnen vier weken beslist.</p>

      <h3>Aanbevolen citeerwijze</h3>
      <p>Streekarchief Waardland, Archief van de afdeling Bouw- en Woningtoezicht van de gemeente Lindewaard, bouwvergunningen 1960-1995, toegang 0587, inventarisnummer ...</p>

      <h2>Inventaris</h2>
"""

ARCHIVE_HTML_TAIL = """\
      <p>Einde van de inventaris.</p>
    </article>
  </main>

  <footer class="site-footer">
    <p>Streekarchief Waardland &middot; Archiefstraat 3 &middot; 4731 AK Lindewaard</p>
    <ul>
      <li><a href="/privacy">Privacyverklaring</a></li>
      <li><a href="/cookies">Cookies</a></li>
      <li><a href="/toegankelijkheid">Toegankelijkheid</a></li>
    </ul>
  </footer>
</body>
</html>
"""


def archive_html() -> str:
    """Return the inventory page: the introduction, then one list per rubric."""
    parts = [ARCHIVE_HTML_HEAD]
    for rubric, items in ARCHIVE_ITEMS:
        parts.append(f"      <h3>{rubric}</h3>\n      <ul class=\"inventarisnummers\">\n")
        for number, description, years, restriction in items:
            line = f"<span class=\"invnr\">{number}</span> {description}, {years}."
            if restriction:
                line += f" <span class=\"openbaarheid\">Openbaarheid: {restriction}.</span>"
            parts.append(f"        <li>{line}</li>\n")
        parts.append("      </ul>\n\n")
    parts.append(ARCHIVE_HTML_TAIL)
    return "".join(parts)


def write_archive_html(path: Path) -> None:
    path.write_text(archive_html(), encoding="utf-8")


# ---------------------------------------------------------------------------

WRITERS = {
    PDF_NAME: write_pdf,
    TXT_NAME: write_txt,
    DOCX_NAME: write_docx,
    HTML_NAME: write_html,
    MD_NAME: write_md,
    PARKING_PDF_NAME: write_parking_pdf,
    TREE_DOCX_NAME: write_tree_docx,
    ARCHIVE_HTML_NAME: write_archive_html,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    out: Path = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    for name, writer in WRITERS.items():
        writer(out / name)
        print(f"wrote {out / name}")


if __name__ == "__main__":
    main()
