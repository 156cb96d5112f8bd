"""The fuzz corpus (tests/test_fuzz.py): over a thousand malformed files across every supported format, written on
the fly from one seed, so every run reads the same bytes and a failing file can be made again by its name.

Nothing is copied from elsewhere: valid seed files are made in code (tests/files.py, tests/scans.py, and the ZIP,
PNG and PDF writers below), with their dates, ids and boundaries fixed, and then damaged. A file's name starts with
its class:

- `seed`: the valid files themselves, which must be indexed;
- `truncated`, `flipped`, `spliced`: a seed cut off, with bits flipped, with a stretch overwritten by random bytes;
- `renamed`: a seed under another format's suffix;
- `noise`: random bytes, under every suffix (under a text suffix they must be refused: NOISE_IN_TEXT);
- `encoding`: real text in odd encodings (UTF-16 and UTF-32 without a BOM, latin-1, mixed, a wrong charset);
- `empty`: empty, whitespace, a lone BOM or NUL;
- `hostile`: bombs and tricks: zip bombs in DOCX, ODT and a mail's attachment, entity expansion and external
  entities, an image and a PDF page of enormous size, deep nesting (HTML, XML, ODT, MIME), mail nested in mail,
  attachment names that are paths, file names that are console markup, and a Markdown heading padded with spaces.

What it found, and what was fixed: the Markdown heading took cubic time (ingest/readers.py), 100,000 nested divs
quadratic time (ingest/webpage.py), an ODT whose ZIP lied about its content's size went past the size limit
(ingest/odt.py), the 3 MB DOCX bomb inflated to 3 GB inside the ingest process (now the worker's memory limit stops
it, ingest/isolation.py), and a file named "[bold]x.txt" was listed as "x.txt" (assistant/cli.py).

Import from a test module in this folder with `from fuzz_corpus import ...`.
"""

from __future__ import annotations

import functools
import io
import random
import re
import struct
import zipfile
import zlib
from pathlib import Path
from tempfile import TemporaryDirectory

from files import make_docx, make_eml, make_html, make_mdto, make_odt, make_pdf, make_topx
from pypdf import PdfWriter
from scans import save_image, save_scanned_pdf, scan

SEED = 19
TEXT_SUFFIXES = [".txt", ".md", ".html", ".htm", ".xml", ".eml"]
SUFFIXES = [".pdf", ".docx", ".odt", *TEXT_SUFFIXES, ".png", ".jpg", ".jpeg", ".tif", ".tiff"]
NOISE_IN_TEXT = "noise-text"  # the class of random bytes under a text suffix: at least 200 of them, so refused
NOISE_SIZES = [1, 16, 200, 4096, 65536]  # a byte or 16 may happen to be text: "é", or eight Korean syllables
MUTANTS = {"truncated": 15, "flipped": 27, "spliced": 10}  # per seed
# Fewer of the seeds read by OCR: Tesseract takes half a second for each, damaged or not.
OCR_MUTANTS = {"truncated": 6, "flipped": 10, "spliced": 4}
OCR_SEEDS = {"scan", "png", "jpg", "tif"}
NOISE = 12  # random files per suffix

DUTCH = (
    "De gemeenteraad vergaderde op dinsdag over het nieuwe parkeerbeleid in het centrum. Het college stelt voor "
    "het tarief in zone A te verhogen naar 3,20 euro per uur. Bewoners krijgen een vergunning voor twee auto's.\n\n"
    "Daarnaast besprak de raad de renovatie van het zwembad en de aanleg van een fietspad langs de haven. "
    "Wethouder De Vries zegde toe de kosten voor de zomer te laten doorrekenen."
)


def write_corpus(folder: Path, seed: int = SEED) -> dict[str, str]:
    """Writes the corpus into `folder`; returns file name -> class (the start of its name, or NOISE_IN_TEXT)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    seeds = seed_files()
    files = {f"seed-{stem}{suffix}": data for (stem, suffix), data in seeds.items()}
    for (stem, suffix), data in seeds.items():
        for kind, count in (OCR_MUTANTS if stem in OCR_SEEDS else MUTANTS).items():
            for n in range(count):
                files[f"{kind}-{stem}-{n:02}{_alternate(suffix, n)}"] = MUTATE[kind](data, rng)
        for other in sorted({_alternate(s, 0) for s in SUFFIXES} - {suffix}):
            files[f"renamed-{stem}{other}"] = data
    for suffix in SUFFIXES:
        for n in range(NOISE):
            size = rng.choice(NOISE_SIZES)
            files[f"noise-{n:02}-{size}b{suffix}"] = rng.randbytes(size)
    files |= odd_encodings()
    files |= empties()
    files |= hostile(rng)
    written: set[bytes] = set()
    for name, data in files.items():
        while data in written:  # a copy would not be read again (dedup): a newline more makes it a file of its own
            data += b"\n"
        written.add(data)
        (folder / name).write_bytes(data)
    return {name: NOISE_IN_TEXT if _noise_in_text(name) else name.split("-")[0] for name in files}


def _noise_in_text(name: str) -> bool:
    size = re.fullmatch(r"noise-\d+-(\d+)b(\.\w+)", name)
    return size is not None and size.group(2) in TEXT_SUFFIXES and int(size.group(1)) >= 200


def _alternate(suffix: str, n: int) -> str:
    """Every other mutant of a .html, .jpg or .tif seed gets the suffix's other spelling."""
    other = {".html": ".htm", ".jpg": ".jpeg", ".tif": ".tiff"}.get(suffix)
    return other if other and n % 2 else suffix


# --- damage -------------------------------------------------------------------------------------------------------

def truncated(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data))]


def flipped(data: bytes, rng: random.Random) -> bytes:
    damaged = bytearray(data)
    for _ in range(rng.choice([1, 2, 8, 64])):
        damaged[rng.randrange(len(damaged))] ^= 1 << rng.randrange(8)
    return bytes(damaged)


def spliced(data: bytes, rng: random.Random) -> bytes:
    start = rng.randrange(len(data))
    return data[:start] + rng.randbytes(rng.randrange(1, 256)) + data[start + rng.randrange(1, 256):]


MUTATE = {"truncated": truncated, "flipped": flipped, "spliced": spliced}


# --- valid seeds, byte for byte the same on every run ------------------------------------------------------------

def seed_files() -> dict[tuple[str, str], bytes]:
    """(stem, suffix) -> the bytes of a valid file of every format, made with the test helpers (fixed: _fixed)."""
    page = [DUTCH.split("\n\n")[0][:60], "Zone A kost 3,20 euro per uur."]
    small_scan = scan(page, size=(1400, 400), font_size=32)
    return {
        ("pdf", ".pdf"): made(make_pdf, ".pdf", DUTCH.split("\n\n"), title="Parkeerbeleid"),
        # drawn large: test_fuzz.py renders PDF pages at 100 dpi, where 32 px at 300 dpi is too small to read
        ("scan", ".pdf"): made(save_scanned_pdf, ".pdf", [scan(page, size=(3000, 700), font_size=96)]),
        ("docx", ".docx"): made(make_docx, ".docx", "Parkeerbeleid", [("1. Tarieven", DUTCH)],
                                table=[["Zone", "Tarief"], ["A", "3,20"]]),
        ("odt", ".odt"): made(make_odt, ".odt", [("h", 1, "Tarieven"), ("p", DUTCH), ("list", ["A", "B"]),
                                                ("table", [["Zone", "Tarief"], ["A", "3,20"]])],
                              title="Parkeerbeleid", created="2025-03-01T10:00:00"),
        ("html", ".html"): made(make_html, ".html", f"<h1>Parkeerbeleid</h1><p>{DUTCH}</p>"),
        ("txt", ".txt"): DUTCH.encode(),
        ("md", ".md"): f"# Parkeerbeleid\n\n## Tarieven\n\n{DUTCH}\n\n```\ncode\n```\n".encode(),
        ("mdto", ".xml"): made(make_mdto, ".xml"),
        ("topx", ".xml"): made(make_topx, ".xml"),
        ("eml", ".eml"): made(make_eml, ".eml", text=DUTCH, html=f"<p>{DUTCH}</p>",
                              attachments=[("besluit.md", b"# Besluit\n\nHet college stemt in.")]),
        ("png", ".png"): made(save_image, ".png", [small_scan]),
        ("jpg", ".jpg"): made(save_image, ".jpg", [small_scan]),
        ("tif", ".tif"): made(save_image, ".tif", [small_scan, small_scan]),
    }


def made(make, suffix: str, *args, **kwargs) -> bytes:
    """The bytes a tests/files.py or tests/scans.py helper writes, made constant (_fixed)."""
    with TemporaryDirectory() as scratch:
        return _fixed(make(Path(scratch) / f"seed{suffix}", *args, **kwargs).read_bytes(), suffix)


def _fixed(data: bytes, suffix: str) -> bytes:
    """The file with what its writer takes from the clock or from chance made constant, at the same length (a PDF's
    cross-reference offsets stay right): fpdf2's creation date and id, the e-mail package's MIME boundaries, the
    ZIP writers' member times."""
    if suffix == ".pdf":
        data = re.sub(rb"D:\d{14}", b"D:20250301100000", data)
        return re.sub(rb"<[0-9A-F]{32}>", b"<" + b"0" * 32 + b">", data)
    if suffix == ".eml":
        boundaries = list(dict.fromkeys(re.findall(rb"={15}\d{19}==", data)))
        for n, boundary in enumerate(boundaries):
            data = data.replace(boundary, b"=" * 15 + b"%019d==" % n)
        return data
    if suffix in (".docx", ".odt"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return zip_archive([(info.filename, archive.read(info)) for info in archive.infolist()])
    return data


# --- writers for what no library writes: ZIP members inflating to gigabytes, PNGs of any claimed size -------------

@functools.cache
def deflated(piece: bytes, times: int) -> tuple[bytes, int, int]:
    """`piece` repeated `times` times as a raw deflate stream, with the CRC-32 (for ZIP) and Adler-32 (for zlib,
    PNG) of the whole. The piece compressed after a full flush gives the same bytes every time, so the stream is
    that block repeated: no gigabyte is ever compressed or held, only hashed."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(piece) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc, adler = 0, 1
    for _ in range(times):
        crc, adler = zlib.crc32(piece, crc), zlib.adler32(piece, adler)
    return block * times + compressor.flush(), crc, adler


def deflated_zeros(megabytes: int) -> tuple[bytes, int, int]:
    """A ZIP member of that many megabytes of zero bytes, about 1 KB a megabyte: (stream, crc, size)."""
    stream, crc, _ = deflated(bytes(1 << 20), megabytes)
    return stream, crc, megabytes << 20


def zip_archive(members: list[tuple[str, bytes | tuple[bytes, int, int]]]) -> bytes:
    """A ZIP file, member by member: bytes (deflated here; a `mimetype` member stored, as ODF wants it) or an
    already deflated (stream, crc, size). Fixed times, so the same members give the same bytes."""
    body, directory = io.BytesIO(), io.BytesIO()
    for name, content in members:
        encoded = name.encode()
        if isinstance(content, tuple):
            stream, crc, size, method = *content, 8
        elif name == "mimetype":
            stream, crc, size, method = content, zlib.crc32(content), len(content), 0
        else:
            compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
            stream = compressor.compress(content) + compressor.flush()
            crc, size, method = zlib.crc32(content), len(content), 8
        fields = struct.pack("<HHHHHIIIHH", 20, 0, method, 0, 0x21, crc, len(stream), size, len(encoded), 0)
        directory.write(b"PK\x01\x02" + struct.pack("<H", 20) + fields + struct.pack("<HHHII", 0, 0, 0, 0, body.tell())
                        + encoded)
        body.write(b"PK\x03\x04" + fields + encoded + stream)
    entries = len(members)
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, entries, entries, directory.tell(), body.tell(), 0)
    return body.getvalue() + directory.getvalue() + end


def png(width: int, height: int, rows: bytes) -> bytes:
    """An RGB PNG claiming `width` x `height`, with `rows` (a zlib stream) as its pixel data."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def black_png(side: int) -> bytes:
    """A valid PNG of side x side black pixels (a gigabyte at 19,000 once decoded), a megabyte on disk."""
    rows = next(n for n in range(64, 0, -1) if side % n == 0)  # rows per repeated block
    stream, _, adler = deflated(bytes(1 + 3 * side) * rows, side // rows)  # a row: filter byte 0, black pixels
    return png(side, side, b"\x78\xda" + stream + struct.pack(">I", adler))


def zip_bomb_docx(megabytes: int = 3 << 10) -> bytes:
    """A DOCX whose main part, word/document.xml, inflates to that many megabytes of zero bytes: python-docx reads
    every part it reaches whole, so the file asks for all of it in memory."""
    return docx_with_document(deflated_zeros(megabytes))


def docx_with_document(document: bytes | tuple[bytes, int, int]) -> bytes:
    """A valid DOCX (tests/files.py) with another word/document.xml: bytes, or a deflated (stream, crc, size)."""
    with zipfile.ZipFile(io.BytesIO(made(make_docx, ".docx", None, [("Kop", DUTCH)]))) as archive:
        return zip_archive([(info.filename, document if info.filename == "word/document.xml" else archive.read(info))
                            for info in archive.infolist()])


def odt(content: bytes | tuple[bytes, int, int]) -> bytes:
    """An ODT with `content` as its content.xml (bytes, or a deflated stream with its crc and size)."""
    return zip_archive([("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", content)])


# --- the rest of the classes --------------------------------------------------------------------------------------

def odd_encodings() -> dict[str, bytes]:
    """Real text (Dutch, with accents and a euro sign; Greek; Japanese) in encodings a reader has to guess."""
    texts = {"nl": DUTCH.replace("3,20 euro", "€ 3,20") + " Café, reünie, één.", "el": "Η πρωτεύουσα της Ελλάδας "
             "είναι η Αθήνα. Το δημοτικό συμβούλιο συνεδρίασε.", "ja": "東京は日本の首都です。市議会は火曜日に開かれました。"}
    encodings = {"nl": ["utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "mac_roman", "cp437", "utf-8-sig"],
                 "el": ["utf-16-le", "iso-8859-7", "cp1253"], "ja": ["utf-16-be", "shift_jis", "euc_jp"]}
    files = {}
    for language, names in encodings.items():
        for encoding in names:
            data = texts[language].encode(encoding, errors="replace")
            for suffix in (".txt", ".md", ".html"):
                files[f"encoding-{language}-{encoding}{suffix}"] = data
    mixed = DUTCH.encode("utf-8") + " Café reünie".encode("latin-1") + " één".encode("utf-16-le")
    files["encoding-mixed.txt"] = mixed
    files["encoding-bad-utf8.md"] = b"# Kop\n\nTekst \xc3\x28 met \xe2\x82 kapotte \xff reeksen." + DUTCH.encode()
    mail = _mail(b"Content-Type: text/plain; charset=utf-8\n\n" + DUTCH.encode("utf-16-le"))
    files["encoding-mail-wrong-charset.eml"] = mail
    files["encoding-mail-unknown-charset.eml"] = _mail(b"Content-Type: text/plain; charset=x-onbekend\n\n"
                                                       + DUTCH.encode("cp1252"))
    files["encoding-mdto-utf16.xml"] = made(make_mdto, ".xml").decode().encode("utf-16")
    files["encoding-mdto-declared-latin1.xml"] = made(make_mdto, ".xml").replace(b'encoding="UTF-8"',
                                                                           b'encoding="ISO-8859-1"')
    return files


def empties() -> dict[str, bytes]:
    contents = {"leeg": b"", "spaties": b" \n\t \r\n", "bom": b"\xef\xbb\xbf", "nul": b"\x00"}
    return {f"empty-{name}{suffix}": data for name, data in contents.items()
            for suffix in {_alternate(s, 0) for s in SUFFIXES}}


def _mail(rest: bytes, headers: bytes = b"From: a@example.nl\nTo: b@example.nl\nSubject: Melding\n") -> bytes:
    return headers + b"MIME-Version: 1.0\n" + rest


def hostile(rng: random.Random) -> dict[str, bytes]:
    """Files made to hurt a reader: bombs, expansion, enormous claims, deep nesting, loops."""
    entities = "".join(f'<!ENTITY e{n} "{f"&e{n - 1};" * 10 if n else "lol"}">' for n in range(10))
    laughs = f'<?xml version="1.0"?>\n<!DOCTYPE MDTO [{entities}]>\n<MDTO><naam>&e9;</naam></MDTO>'.encode()
    external = (b'<?xml version="1.0"?>\n<!DOCTYPE MDTO [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                b"<MDTO><informatieobject><naam>&x;</naam></informatieobject></MDTO>")
    bomb = deflated_zeros(3 << 10)  # 3 GB
    bomb_docx = zip_bomb_docx()
    files = {
        "hostile-zip-bomb.docx": bomb_docx,
        "hostile-zip-bomb.odt": odt(bomb),
        "hostile-zip-bomb-lying-size.odt": odt((*bomb[:2], 4096)),
        "hostile-mail-with-zip-bomb.eml": mail_with([("bijlage.docx", bomb_docx)]),
        "hostile-billion-laughs.xml": laughs,
        "hostile-external-entity.xml": external,
        "hostile-billion-laughs.odt": odt(laughs),
        "hostile-external-entity.odt": odt(external),
        "hostile-billion-laughs.html": laughs.replace(b"MDTO", b"html"),
        "hostile-entity-docx.docx": docx_with_document(
            b'<?xml version="1.0"?>\n<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">'
            + entities.encode() + b']>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
            b'2006/main"><w:body><w:p><w:r><w:t>&x;&e9;</w:t></w:r></w:p></w:body></w:document>'),
        "hostile-image-bomb-rgb.png": black_png(19_000),  # 1 GB of pixels once decoded
        "hostile-image-claims-huge.png": png(100_000, 100_000, zlib.compress(bytes(1000))),  # and no more
        "hostile-image-claims-huge.tif": _tiff_claiming(60_000, 60_000),
        "hostile-image-claims-huge.jpg": _jpeg_claiming(65_000, 65_000),
        "hostile-huge-page.pdf": _blank_pdf(14_400, 14_400),  # the largest page PDF allows: 5 m square
        "hostile-many-pages.pdf": _blank_pdf(200, 200, pages=2000),
        "hostile-deep.html": b"<html><body>" + b"<div>" * 100_000 + DUTCH.encode() + b"</div>" * 100_000,
        "hostile-deep-unclosed.htm": b"<b><i>" * 50_000 + DUTCH.encode(),
        "hostile-deep.xml": b"<MDTO>" + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</MDTO>",
        "hostile-deep.odt": odt(b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
                                b'office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
                                b"<office:body><office:text>" + b"<text:section>" * 20_000 + b"<text:p>x</text:p>"
                                + b"</text:section>" * 20_000 + b"</office:text></office:body>"
                                b"</office:document-content>"),
        "hostile-deep-mime.eml": _nested_multipart(5_000),
        "hostile-mail-in-mail.eml": _forwarded(12),
        "hostile-mail-many-attachments.eml": mail_with(
            [(f"bijlage-{n}.txt", f"Bijlage {n}: {DUTCH[:80]}".encode()) for n in range(20)]),
        "hostile-mail-unclosed-boundary.eml": _mail(b'Content-Type: multipart/mixed; boundary="x"\n\n--x\n'
                                                    b"Content-Type: text/plain\n\n" + DUTCH.encode() * 5),
        "hostile-mail-attachment-paths.eml": mail_with(
            [("../../../etc/passwd.txt", DUTCH.encode()), ("C:\\Windows\\win.ini.txt", DUTCH.encode()),
             ("\u202egnp.txt", DUTCH.encode()), ("/dev/zero.txt", DUTCH.encode())]),
        "hostile-[bold]markup-[link=x]name.txt": DUTCH.encode(),  # shown by its name, not styled
        "hostile-[red]markup.pdf": rng.randbytes(300),
        "hostile-padded-heading.md": b"# a" + b" " * 20_000 + b"b\n\n" + DUTCH.encode(),
        "hostile-long-line.txt": (DUTCH.replace("\n", " ") + " ").encode() * 15,
        "hostile-nul-in-text.txt": DUTCH.encode().replace(b" ", b"\x00", 5),
        "hostile-pdf-header-only.pdf": b"%PDF-1.7\n" + rng.randbytes(64),
        "hostile-pdf-loop.pdf": _pdf_with_looping_pages(),
    }
    return files


def mail_with(attachments: list[tuple[str, bytes]]) -> bytes:
    return made(make_eml, ".eml", text=DUTCH[:200], attachments=attachments)


def _tiff_claiming(width: int, height: int) -> bytes:
    """A little-endian TIFF whose one strip claims width x height grey pixels, with 16 bytes of data."""
    entries = [(256, 4, width), (257, 4, height), (258, 3, 8), (259, 3, 1), (262, 3, 1), (273, 4, 8),
               (277, 3, 1), (278, 4, height), (279, 4, 16)]
    ifd = struct.pack("<H", len(entries)) + b"".join(
        struct.pack("<HHII", tag, kind, 1, value) if kind == 4 else struct.pack("<HHIHH", tag, kind, 1, value, 0)
        for tag, kind, value in entries) + struct.pack("<I", 0)
    return b"II*\x00" + struct.pack("<I", 24) + bytes(16) + ifd


def _jpeg_claiming(width: int, height: int) -> bytes:
    """A JPEG start-of-frame claiming width x height, then nothing but an end marker."""
    frame = struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + b"\xff\xc0" + struct.pack(">H", len(frame) + 2) + frame + b"\xff\xd9"


def _blank_pdf(width: int, height: int, pages: int = 1) -> bytes:
    """Pages without a text layer (so OCR renders them) of width x height points."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width, height)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _pdf_with_looping_pages() -> bytes:
    """A page tree whose /Kids points back at itself."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
    out, offsets = io.BytesIO(b""), []
    out.write(b"%PDF-1.7\n")
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _nested_multipart(depth: int) -> bytes:
    opening = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (n, n) for n in range(depth))
    closing = b"".join(b"\n--b%d--\n" % n for n in reversed(range(depth)))
    return _mail(opening + b"Content-Type: text/plain\n\n" + DUTCH.encode() + closing)


def _forwarded(depth: int) -> bytes:
    """A mail forwarding a mail forwarding a mail ... `depth` deep."""
    inner = _mail(b"Content-Type: text/plain\n\n" + DUTCH.encode())
    for n in range(depth):
        inner = _mail(b'Content-Type: multipart/mixed; boundary="f%d"\n\n--f%d\nContent-Type: text/plain\n\n'
                      b"Zie doorgestuurd bericht.\n--f%d\nContent-Type: message/rfc822\n\n" % (n, n, n)
                      + inner + b"\n--f%d--\n" % n)
    return inner
