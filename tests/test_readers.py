"""ingest.readers.read_document: real content out of generated files, and a plain reason for every bad file."""

from __future__ import annotations

import hashlib
import os
import random
import re
import string
import zipfile

import pytest
from files import (
    HTML_BOILERPLATE_WORDS,
    make_docx,
    make_empty,
    make_encrypted_pdf,
    make_html,
    make_image_only_pdf,
    make_pdf,
    make_random_bytes,
    make_text,
    make_truncated_pdf,
    make_unreadable,
)

from ingest.parsed import UnreadableFile
from ingest.readers import read_document

DUTCH_LATIN = "Het café in Wijk bij Duurstede organiseert een reünie; naïeve vragen zijn ook één keer welkom."


def reason(path) -> str:
    with pytest.raises(UnreadableFile) as info:
        read_document(path)
    return str(info.value)


# --- PDF --------------------------------------------------------------------------------------------------------


def test_pdf_text_per_page_with_page_numbers_and_metadata_title(tmp_path):
    pages = [
        "De gemeente haalt het restafval op maandag op.",
        "Parkeervergunningen vraagt u aan via het loket.",
        "Bezwaar maken kan binnen zes weken na de beslissing.",
    ]
    path = make_pdf(tmp_path / "beleid.pdf", pages, title="Beleidsnota afval en parkeren")

    doc = read_document(path)

    assert doc.kind == "pdf"
    assert doc.title == "Beleidsnota afval en parkeren"
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert [p.text for p in doc.pages] == pages
    assert doc.path == path


def test_pdf_keeps_latin1_characters(tmp_path):
    path = make_pdf(tmp_path / "accent.pdf", [DUTCH_LATIN])
    assert read_document(path).pages[0].text == DUTCH_LATIN


def test_pdf_without_metadata_title_falls_back_to_first_line(tmp_path):
    path = make_pdf(tmp_path / "zonder-titel.pdf", ["Jaarverslag 2024\nHet jaar begon rustig.", "Tweede pagina."])

    doc = read_document(path)

    assert doc.title == "Jaarverslag 2024"
    assert doc.pages[1].number == 2 and doc.pages[1].text == "Tweede pagina."


def test_pdf_blank_page_is_dropped_but_numbers_stay_true(tmp_path):
    path = make_pdf(tmp_path / "gat.pdf", ["Eerste pagina.", "", "Derde pagina."])

    doc = read_document(path)

    assert [(p.number, p.text) for p in doc.pages] == [(1, "Eerste pagina."), (3, "Derde pagina.")]


# --- DOCX -------------------------------------------------------------------------------------------------------


def test_docx_paragraphs_tables_and_core_title(tmp_path):
    path = make_docx(
        tmp_path / "notitie.docx",
        "Notitie hondenbelasting",
        [("Aanleiding", "De raad vroeg om een evaluatie van de hondenbelasting."), ("Voorstel", "Wij stellen voor de belasting af te schaffen.")],
        table=[["Jaar", "Opbrengst"], ["2023", "€ 120.000"]],
    )

    doc = read_document(path)

    assert doc.kind == "docx"
    assert doc.title == "Notitie hondenbelasting"
    assert [(p.number, p.section) for p in doc.pages] == [(None, "Aanleiding"), (None, "Voorstel")]
    text = "\n".join(p.text for p in doc.pages)
    assert "De raad vroeg om een evaluatie van de hondenbelasting." in text
    assert "Wij stellen voor de belasting af te schaffen." in text
    assert "Aanleiding" in text
    assert "Jaar | Opbrengst" in text
    assert "2023 | € 120.000" in text


def test_docx_without_core_title_uses_first_heading(tmp_path):
    path = make_docx(tmp_path / "geen-titel.docx", None, [("Subsidieregeling sport", "Verenigingen kunnen subsidie aanvragen.")])
    assert read_document(path).title == "Subsidieregeling sport"


# --- HTML -------------------------------------------------------------------------------------------------------


MAIN_HTML = """
<h1>Afvalkalender 2025</h1>
<p>De <b>groene container</b> wordt elke <a href="/gft">twee weken</a> geleegd.</p>
<p>Grof vuil brengt u <em>gratis</em> naar de milieustraat.</p>
<ul><li>Papier op dinsdag</li><li>Plastic op vrijdag</li></ul>
"""


def test_html_keeps_main_text_and_drops_site_chrome(tmp_path):
    path = make_html(tmp_path / "afval.html", MAIN_HTML)

    doc = read_document(path)
    text = doc.pages[0].text

    assert doc.kind == "html"
    assert "De groene container wordt elke twee weken geleegd." in text  # inline tags do not split the sentence
    assert "Grof vuil brengt u gratis naar de milieustraat." in text
    assert "Papier op dinsdag" in text and "Plastic op vrijdag" in text
    assert "Papier op dinsdag Plastic" not in text  # list items stay separate lines
    for word in HTML_BOILERPLATE_WORDS + ["Akkoord", "Scriptwoord", "color"]:
        assert word not in text, f"boilerplate {word!r} leaked into the text"


def test_html_title_from_h1_not_from_head_title(tmp_path):
    path = make_html(tmp_path / "afval.html", MAIN_HTML, head_title="Home | Gemeente Voorbeeld")
    assert read_document(path).title == "Afvalkalender 2025"


def test_html_title_falls_back_to_head_title_without_h1(tmp_path):
    path = make_html(tmp_path / "p.html", "<p>Alleen een alinea.</p>", head_title="Openingstijden stadhuis")
    assert read_document(path).title == "Openingstijden stadhuis"


def test_html_in_latin1(tmp_path):
    path = make_html(tmp_path / "oud.htm", f"<h1>Reünie</h1><p>{DUTCH_LATIN}</p>", encoding="latin-1")

    doc = read_document(path)

    assert doc.title == "Reünie"
    assert DUTCH_LATIN in doc.pages[0].text


# --- Plain text and Markdown ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [DUTCH_LATIN, "Café", "Geïnteresseerd? Mail ons.", "Één reünie."],
    ids=["sentence", "one-word", "short", "capital-accent"],
)
def test_txt_latin1(tmp_path, text):
    path = make_text(tmp_path / "latin1.txt", text + "\n", encoding="latin-1")
    assert read_document(path).pages[0].text == text


def test_txt_cp1252_curly_quotes_and_dashes(tmp_path):
    text = "De wethouder zei \u201cwij gaan door\u201d en noemde het \u2018een goede stap\u2019 \u2013 zonder meer."
    path = make_text(tmp_path / "cp1252.txt", text, encoding="cp1252")
    assert read_document(path).pages[0].text == text


def test_txt_utf8_with_bom(tmp_path):
    path = make_text(tmp_path / "bom.txt", "Openbare verlichting\n" + DUTCH_LATIN, encoding="utf-8-sig")

    doc = read_document(path)

    assert doc.pages[0].text == "Openbare verlichting\n" + DUTCH_LATIN
    assert doc.title == "Openbare verlichting"  # no BOM character glued to the title
    assert not doc.pages[0].text.startswith("\ufeff")


def test_txt_utf16_with_bom(tmp_path):
    path = make_text(tmp_path / "utf16.txt", "Wegwerkzaamheden\n" + DUTCH_LATIN, encoding="utf-16")

    doc = read_document(path)

    assert doc.kind == "text"
    assert doc.pages[0].text == "Wegwerkzaamheden\n" + DUTCH_LATIN


def test_txt_whitespace_is_tidied(tmp_path):
    path = make_text(tmp_path / "rommel.txt", "  Eerste   regel\t met tabs \n\n\n\n\nTweede regel  \n")
    assert read_document(path).pages[0].text == "Eerste regel met tabs\n\nTweede regel"


def test_markdown_title_from_hash_heading(tmp_path):
    text = "Inleidende zin zonder kop.\n\n# Handboek vergunningen\n\n## Aanvraag\nDien de aanvraag digitaal in.\n"
    path = make_text(tmp_path / "handboek.md", text)

    doc = read_document(path)

    assert doc.title == "Handboek vergunningen"
    assert "Dien de aanvraag digitaal in." in doc.pages[-1].text


def test_markdown_front_matter_is_the_pages_title_and_date_not_its_text(tmp_path):
    """A site generator's page (Hugo, Jekyll): its front matter's title heads the text, its description is the lead,
    its date the document's; "weight: 1" is in no passage. A "---" stretch that is no YAML mapping stays text."""
    page = ('---\ntitle: "Inleiding"\ncard_title: "Inleiding"\ndescription: "Duurzaam toegankelijk is het '
            'uitgangspunt."\nweight: 1\ndate: 2025-03-14\n---\n\nDit toetsingskader sluit aan bij de Archiefwet.\n')
    doc = read_document(make_text(tmp_path / "inleiding.md", page))
    text = "\n".join(p.text for p in doc.pages)
    assert (doc.title, doc.date) == ("Inleiding", "2025-03-14")
    assert text.startswith("# Inleiding\nDuurzaam toegankelijk is het uitgangspunt.")
    assert "Dit toetsingskader sluit aan bij de Archiefwet." in text
    assert "weight" not in text and "card_title" not in text and "---" not in text

    own_heading = read_document(make_text(tmp_path / "kop.md", "---\ntitle: Kader\n---\n# Het kader\n\nTekst.\n"))
    assert own_heading.title == "Het kader" and "Kader\n" not in own_heading.pages[0].text

    for name, rule in (("lijn.md", "---\nGewoon een zin tussen twee lijnen.\n---\nEn verder.\n"),
                       ("open.md", "---\ntitle: nooit gesloten\n\nTekst.\n"),
                       ("kapot.md", "---\ntitle: [niet: gesloten\n---\nTekst.\n")):
        kept = read_document(make_text(tmp_path / name, rule))
        assert kept.pages[0].text.startswith("---"), name


def test_txt_title_is_first_line(tmp_path):
    path = make_text(tmp_path / "memo.txt", "\n\nMemo over snoeiafval\nDe tekst.")
    assert read_document(path).title == "Memo over snoeiafval"


# --- Headings -> section ---------------------------------------------------------------------------------------


def test_markdown_headings_become_section_paths(tmp_path):
    text = (
        "Voorwoord zonder kop.\n\n# Tarieven\n\nAlgemene regels.\n\n## 2.1 Zone A\n\nZone A kost 3,20 euro.\n\n"
        "```\n# geen kop in code\n```\n\n## 2.2 Zone B\n\nZone B kost 2,10 euro.\n\n# Bezwaar\n\nBinnen zes weken.\n"
    )
    doc = read_document(make_text(tmp_path / "tarieven.md", text))

    assert [(p.section, p.text.splitlines()[-1]) for p in doc.pages] == [
        (None, "Voorwoord zonder kop."),
        ("Tarieven", "Algemene regels."),
        ("Tarieven > 2.1 Zone A", "```"),
        ("Tarieven > 2.2 Zone B", "Zone B kost 2,10 euro."),
        ("Bezwaar", "Binnen zes weken."),
    ]
    assert doc.pages[2].text.startswith("## 2.1 Zone A\n\nZone A kost 3,20 euro.")  # the heading starts its piece
    assert "# geen kop in code" in doc.pages[2].text


def test_html_headings_become_section_paths(tmp_path):
    main = (
        "<h1>Parkeren</h1><p>Inleiding.</p><h2>Tarieven</h2><h3>Zone <b>A</b></h3><p>3,20 euro per uur.</p>"
        "<h2>Vergunningen</h2><p>Aanvragen via het loket.</p>"
    )
    doc = read_document(make_html(tmp_path / "parkeren.html", main))

    assert [p.section for p in doc.pages] == [
        "Parkeren", "Parkeren > Tarieven", "Parkeren > Tarieven > Zone A", "Parkeren > Vergunningen",
    ]
    assert doc.pages[2].text == "Zone A\n3,20 euro per uur."
    assert doc.title == "Parkeren"


def test_docx_heading_levels_become_section_paths(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Kenmerk 2025/123")
    document.add_heading("1. Aanleiding", level=1)
    document.add_paragraph("De raad vroeg om een evaluatie.")
    document.add_heading("1.1 Cijfers", level=2)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "2023", "€ 120.000"
    document.add_heading("2. Voorstel", level=1)
    document.add_paragraph("Afschaffen.")
    path = tmp_path / "nota.docx"
    document.save(str(path))

    doc = read_document(path)

    assert [(p.section, p.text) for p in doc.pages] == [
        (None, "Kenmerk 2025/123"),
        ("1. Aanleiding", "1. Aanleiding\nDe raad vroeg om een evaluatie."),
        ("1. Aanleiding > 1.1 Cijfers", "1.1 Cijfers\n2023 | € 120.000"),  # the table stays where it stood
        ("2. Voorstel", "2. Voorstel\nAfschaffen."),
    ]


def test_documents_without_headings_keep_section_none(tmp_path):
    for path in [
        make_text(tmp_path / "a.md", "Gewoon een alinea.\n\nEn nog een."),
        make_text(tmp_path / "a.txt", "# geen markdown in een txt\nTekst."),
        make_html(tmp_path / "a.html", "<p>Alleen een alinea.</p>"),
        make_docx(tmp_path / "a.docx", "Titel", []),
    ]:
        if path.suffix == ".docx":
            import docx

            document = docx.Document(str(path))
            document.add_paragraph("Alleen tekst.")
            document.save(str(path))
        doc = read_document(path)
        assert len(doc.pages) == 1 and doc.pages[0].section is None, path.name


# --- sha256 -----------------------------------------------------------------------------------------------------


def test_sha256_is_hash_of_file_bytes(tmp_path):
    path = make_pdf(tmp_path / "a.pdf", ["Inhoud voor de hash."])
    assert read_document(path).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_content_same_sha_different_content_different_sha(tmp_path):
    one = make_text(tmp_path / "een.txt", "Zelfde inhoud.")
    two = make_text(tmp_path / "sub" / "twee.txt", "Zelfde inhoud.")
    other = make_text(tmp_path / "drie.txt", "Andere inhoud.")

    assert read_document(one).sha256 == read_document(two).sha256
    assert read_document(one).sha256 != read_document(other).sha256


# --- Bad files: always UnreadableFile with a plain reason -------------------------------------------------------


def test_encrypted_pdf(tmp_path):
    assert reason(make_encrypted_pdf(tmp_path / "geheim.pdf")) == "PDF is versleuteld met een wachtwoord"


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9])
def test_truncated_pdf(tmp_path, keep):
    assert "beschadigd PDF-bestand" in reason(make_truncated_pdf(tmp_path / "half.pdf", keep=keep))


def test_image_only_pdf_has_no_text_layer(tmp_path):
    assert "geen leesbare tekst" in reason(make_image_only_pdf(tmp_path / "scan.pdf"))


@pytest.mark.parametrize("name", ["leeg.txt", "leeg.pdf", "leeg.docx", "leeg.html", "leeg.md"])
def test_empty_file(tmp_path, name):
    assert reason(make_empty(tmp_path / name)) == "leeg bestand"


@pytest.mark.parametrize("name", ["spaties.txt", "spaties.md", "spaties.html"])
def test_whitespace_only_file(tmp_path, name):
    assert reason(make_empty(tmp_path / name, b" \n\t\r\n   \n")) == "leeg bestand"


def test_html_with_only_chrome_has_no_text(tmp_path):
    assert "geen leesbare tekst" in reason(make_html(tmp_path / "leeg.html", ""))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ruis.pdf", "bestand heet .pdf maar is een bestand van onbekend type"),
        ("ruis.docx", "bestand heet .docx maar is een bestand van onbekend type"),
        ("ruis.txt", "stuur- of onbekende tekens"),
        ("ruis.md", "stuur- of onbekende tekens"),
        ("ruis.html", "stuur- of onbekende tekens"),
    ],
)
def test_random_bytes(tmp_path, name, expected):
    assert expected in reason(make_random_bytes(tmp_path / name))


def test_random_bytes_without_nul_bytes_as_txt(tmp_path):
    path = make_random_bytes(tmp_path / "ruis.txt", size=3000)
    path.write_bytes(path.read_bytes().replace(b"\x00", b""))
    assert "stuur- of onbekende tekens" in reason(path)


# --- Text that is not text: decoded text is judged, whatever encoding it decoded in --------------------------------

NOT_TEXT = re.compile(r"bevat geen leesbare tekst: \d+% stuur- of onbekende tekens( en bijna geen woorden)?")

RANDOM_VARIANTS = {
    "as-is": lambda data: data,
    "without-nul": lambda data: data.replace(b"\x00", b""),  # no NUL byte to give it away: latin-1, cp125x ...
    "high-bytes": lambda data: bytes(b | 0x80 for b in data),  # every byte a letter or sign in some code page
    "utf16-bom": lambda data: b"\xff\xfe" + data,  # decodes as UTF-16: CJK, private-use, unassigned
    "utf8-bom": lambda data: b"\xef\xbb\xbf" + data.replace(b"\x00", b""),
}


@pytest.mark.parametrize("variant", sorted(RANDOM_VARIANTS))
@pytest.mark.parametrize("size", [200, 4096, 100_000])
@pytest.mark.parametrize("seed", [1, 7, 2025])
@pytest.mark.parametrize("suffix", [".txt", ".md", ".html"])
def test_random_bytes_are_refused_as_not_text_naming_why(tmp_path, suffix, seed, size, variant):
    path = make_random_bytes(tmp_path / f"ruis{suffix}", size=size, seed=seed)
    path.write_bytes(RANDOM_VARIANTS[variant](path.read_bytes()))
    assert NOT_TEXT.fullmatch(reason(path))


MOJIBAKE = (
    "De raad besprak op 13 maart het “speeltuinenplan” — de wethouder zegde toe dat de gemeente alle speeltuinen "
    "vóór de zomer laat keuren. Bewoners van ’t Hofje vroegen om een extra bank; het college komt daar in mei op "
    "terug, samen met de kosten (€ 12.500) en de planning voor het onderhoud van de toestellen."
)
REAL_TEXTS = {
    "nl.txt": "De gemeente haalt het restafval op maandag op. Bezwaar maken kan binnen zes weken.",
    "en.txt": "The council meets on Thursday evening; the agenda is published a week in advance.",
    "el.txt": "Η Ελλάδα είναι χώρα της νοτιοανατολικής Ευρώπης. Η πρωτεύουσα είναι η Αθήνα.",
    "ru.txt": "Москва — столица России, крупнейший по численности населения город страны.",
    "zh.txt": "北京是中华人民共和国的首都，是全国的政治中心和文化中心。",
    "ar.txt": "القاهرة هي عاصمة جمهورية مصر العربية وأكبر مدنها، وتقع على ضفاف نهر النيل.",
    "briefje.txt": "Bel Jan terug.",
    "tabel.txt": "naam;adres;postcode;bedrag\nJan Jansen;Dorpsstraat 1;1234 AB;12,50\nPiet Vos;Kerkweg 2;5678 CD;7",
    "getallen.txt": "\n".join(f"{i};{i * 7 % 13};{i * 0.37:.2f};0x{i * 2654435761 % 2**32:08x}" for i in range(200)),
    "afkortingen.txt": "a.s.\nbv.\nd.w.z.\nenz.\nh.t.\nm.b.t.\nn.a.v.\nt.a.v.\nvlgs.\nzgn.",
    "code.md": "# Script\n\n```python\nfor i, x in enumerate(xs):\n    print(f\"{i}: {x!r}\")  # [0x1f]\n```\n\nEind.",
    # UTF-8 read as latin-1 (C1 controls: "“" became "â\x80\x9c") or as cp1252 ("â€œ") and saved again
    "mojibake.txt": MOJIBAKE.encode("utf-8").decode("latin-1"),
    "mojibake-cp1252.txt": MOJIBAKE.encode("utf-8").decode("cp1252", "replace"),
    "vervangen.txt": "Het caf\ufffd in Wijk bij Duurstede organiseert een re\ufffdnie; na\ufffdeve vragen zijn welkom.",
    "euro.txt": "Prijs: 5 \ufffd",
}


@pytest.mark.parametrize("name", sorted(REAL_TEXTS))
def test_real_text_in_any_script_or_shape_is_read(tmp_path, name):
    doc = read_document(make_text(tmp_path / name, REAL_TEXTS[name]))
    assert REAL_TEXTS[name].split()[-1] in doc.pages[-1].text


def test_a_few_odd_characters_are_judged_by_the_words_around_them(tmp_path):
    odd = "\x01\x02\x03\x04\x05\x06\x07\x08"
    rng = random.Random(3)
    noise = "".join(rng.choice(string.ascii_letters + string.punctuation) for _ in range(400))
    path = make_text(tmp_path / "ruis.txt", noise[:200] + odd + noise[200:])  # valid UTF-8, 2 % odd characters
    assert reason(path) == "bevat geen leesbare tekst: 2% stuur- of onbekende tekens en bijna geen woorden"

    prose = " ".join([DUTCH_LATIN] * 4)  # the same few odd characters among words: a damaged text, still text
    assert "reünie" in read_document(make_text(tmp_path / "tekst.txt", prose[:200] + odd + prose[200:])).pages[0].text


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-16"])
def test_real_text_in_a_legacy_encoding_is_read(tmp_path, encoding):
    assert read_document(make_text(tmp_path / "oud.txt", DUTCH_LATIN, encoding)).pages[0].text == DUTCH_LATIN


def test_pdf_header_followed_by_garbage(tmp_path):
    path = make_random_bytes(tmp_path / "nep.pdf")
    path.write_bytes(b"%PDF-1.7\n" + path.read_bytes())
    assert "beschadigd PDF-bestand" in reason(path)


def test_docx_that_is_plain_text(tmp_path):
    path = make_text(tmp_path / "eigenlijk-tekst.docx", "Dit is gewoon een tekstbestand met de verkeerde naam.")
    assert reason(path) == "bestand heet .docx maar is een tekstbestand"


def test_docx_that_is_some_other_zip(tmp_path):
    path = tmp_path / "archief.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notities.txt", "Geen Word-document.")
    assert reason(path) == "bestand heet .docx maar is een ZIP-bestand"


def test_pdf_that_is_really_a_docx(tmp_path):
    path = make_docx(tmp_path / "verkeerd.pdf", "Titel", [("Kop", "Tekst.")])
    assert reason(path) == "bestand heet .pdf maar is een DOCX-bestand (Word)"


@pytest.mark.parametrize("name", ["data.xyz", "tabel.xlsx", "README"])
def test_unsupported_extension(tmp_path, name):
    path = make_text(tmp_path / name, "Gewone tekst in een bestand met een onbekende extensie.")
    text = reason(path)
    assert "wordt niet ondersteund" in text
    assert (path.suffix or "(geen)") in text


def test_missing_file(tmp_path):
    text = reason(tmp_path / "bestaat-niet.txt")
    assert text.startswith("kan het bestand niet openen")
    assert "No such file" in text


def test_directory_named_like_a_document(tmp_path):
    (tmp_path / "map.pdf").mkdir()
    assert reason(tmp_path / "map.pdf").startswith("kan het bestand niet openen")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read any file")
def test_file_without_read_permission(tmp_path):
    path = make_unreadable(tmp_path / "verboden.txt")
    try:
        text = reason(path)
    finally:
        os.chmod(path, 0o644)
    assert text.startswith("kan het bestand niet openen")
    assert "Permission denied" in text


def test_read_error_gives_plain_reason(tmp_path, monkeypatch):
    """The same case for root, who can read files without permission: simulate the OS refusing."""
    path = make_text(tmp_path / "vergrendeld.txt", "Tekst.")

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(type(path), "read_bytes", refuse)
    assert reason(path) == "kan het bestand niet openen (Permission denied)"
