"""Generate scanned pages on the fly: Dutch text drawn into an image, saved as PNG, JPEG, (multi-page) TIFF or an
image-only PDF, so no binary fixtures are committed. Import with `from scans import ...` from a test module here."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, NameObject

DPI = 300
A4 = (2480, 3508)  # pixels at 300 dpi
FONT_FILES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  # fonts-dejavu-core (make install)
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
]


def font(size: int = 42) -> ImageFont.FreeTypeFont:
    """DejaVu Sans (42 px is 10 pt at 300 dpi); Pillow's built-in scalable font where no system font is found."""
    for candidate in FONT_FILES:
        if Path(candidate).is_file():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size=size)


def scan(lines: list[str], size: tuple[int, int] | None = None, font_size: int = 42) -> Image.Image:
    """A greyscale page with `lines` drawn top-down from a 2 cm margin. `size`: pixels (A4 for a full page);
    None: just high enough for the lines, A4 wide (cheaper to OCR)."""
    face = font(font_size)
    step = int(font_size * 1.7)
    width, height = size or (A4[0], 2 * 236 + step * len(lines))
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for n, line in enumerate(lines):
        draw.text((236, 236 + n * step), line, font=face, fill=0)
    return image


def _target(path: Path | str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def save_image(path: Path | str, pages: list[Image.Image]) -> Path:
    """One image as PNG or JPEG (by suffix); several as a multi-page TIFF. Saved with its 300 dpi resolution."""
    path = _target(path)
    first, *rest = pages
    if path.suffix.lower() in (".tif", ".tiff"):
        first.save(path, save_all=True, append_images=rest, dpi=(DPI, DPI), compression="tiff_deflate")
    elif path.suffix.lower() in (".jpg", ".jpeg"):
        first.save(path, quality=85, dpi=(DPI, DPI))
    else:
        first.save(path, dpi=(DPI, DPI))
    return path


def save_scanned_pdf(path: Path | str, pages: list[Image.Image]) -> Path:
    """An image-only PDF (Pillow's PDF writer): one page per image, no text layer at all."""
    path = _target(path)
    first, *rest = pages
    first.save(path, "PDF", resolution=DPI, save_all=True, append_images=rest)
    return path


def save_mixed_pdf(path: Path | str, text: str, scanned: Image.Image) -> Path:
    """A two-page A4 PDF: page 1 has a text layer (`text`), page 2 is only the scanned image, full width."""
    path = _target(path)
    image_file = path.with_suffix(".scan.png")
    scanned.save(image_file, dpi=(DPI, DPI))
    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, text)
    pdf.add_page()
    pdf.image(str(image_file), x=0, y=0, w=210)
    pdf.output(str(path))
    image_file.unlink()
    return path


def make_pdf_with_running_lines(path: Path | str, bodies: list[str], header: str, footer: str) -> Path:
    """A text PDF with `header` at the top and `footer` ("{page}" and "{pages}" filled in) at the bottom of every
    page, drawn by fpdf2's header() and footer() hooks as word processors do; one page per body text."""

    class Document(FPDF):
        def header(self):
            self.set_font("Helvetica", size=9)
            self.cell(0, 8, header, new_x="LMARGIN", new_y="NEXT")
            self.ln(4)

        def footer(self):
            self.set_y(-15)
            self.set_font("Helvetica", size=9)
            self.cell(0, 8, footer.format(page=self.page_no(), pages=len(bodies)), align="C")

    pdf = Document()
    for body in bodies:
        pdf.add_page()
        pdf.set_font("Helvetica", size=12)
        pdf.multi_cell(0, 8, body)
    path = _target(path)
    pdf.output(str(path))
    return path


def save_pdf_pdfium_cannot_open(path: Path | str, pages: list[Image.Image]) -> Path:
    """A scanned PDF with more than 1 KB of junk before its %PDF header (as some document systems write them):
    pypdf and poppler's pdftoppm read it, PDFium refuses the whole document ("Data format error")."""
    path = save_scanned_pdf(path, pages)
    path.write_bytes(b"%" + b"x" * 1100 + b"\n" + path.read_bytes())
    return path


def save_pdf_last_page_pdfium_cannot_load(path: Path | str, pages: list[Image.Image]) -> Path:
    """A scanned PDF whose last page object also carries an empty /Kids: pypdf and pdftoppm take it for the page
    it says it is (/Type /Page), PDFium for an empty branch of the page tree and cannot load it ("Failed to load
    page"). Only the last page: PDFium still finds every page before it at its own index."""
    path = save_scanned_pdf(path, pages)
    writer = PdfWriter(clone_from=PdfReader(path))
    writer.pages[-1][NameObject("/Kids")] = ArrayObject()
    with path.open("wb") as handle:
        writer.write(handle)
    return path
