"""Scans to text: images and PDF pages without a text layer are read with Tesseract OCR.

Tesseract is called as a subprocess (`tesseract stdin stdout`) rather than through pytesseract: that wrapper adds a
dependency and temporary files for what is one command with the image on stdin and the text on stdout.
PDF pages are rendered with pypdfium2 (PDFium): it is a PyPI wheel that renders in-process, so the only system
package OCR needs is Tesseract itself. A page PDFium cannot draw (or a PDF it cannot open at all, such as one with
bytes before its header) is drawn by poppler's pdftoppm, a subprocess for that one page, when it is installed
(Debian: poppler-utils, which `make install` installs). A page neither can draw is skipped with its reasons; the
reader indexes the others and reports the skipped ones with the file.
"""

from __future__ import annotations

import functools
import io
import os
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from bronvast.schema import Page
from bronvast.settings import IngestSettings

IMAGE_SUFFIXES = {".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image"}
# A PDF page whose text layer has fewer letters and digits than this is treated as a scan (a stamped page number
# or a lone "Bijlage" over a scanned page is not a text layer).
MIN_TEXT_CHARS = 25
INSTALL_HINT = (
    "installeer Tesseract met 'make install', of met "
    "'apt-get install tesseract-ocr tesseract-ocr-nld' (taalpakket per taal: tesseract-ocr-<taal>)"
)
TIMEOUT_S = 300  # one page; a runaway Tesseract must not hang ingest
RENDER_TIMEOUT_S = 120  # one page drawn by pdftoppm
POPPLER_HINT = "apt-get install poppler-utils"
UNRENDERED = "pagina's niet weer te geven voor OCR, overgeslagen"  # heads the list of such pages in a warning
# PDFium is not thread-safe, not even across documents, and ingest reads files in two threads: one at a time.
_PDFIUM = threading.Lock()
Image.MAX_IMAGE_PIXELS = 400_000_000  # A0 at 600 dpi; Pillow's default refuses large scans as a "decompression bomb"


class OcrUnavailable(Exception):
    """Tesseract (or a language pack) is missing; the message says what and how to install it."""


class OcrFailed(Exception):
    """Tesseract ran but could not read the image, or the page could not be rendered; the message says why."""


@dataclass(frozen=True)
class OcrOptions:
    languages: str = "nld+eng"
    dpi: int = 300

    @classmethod
    def from_settings(cls, settings: IngestSettings) -> OcrOptions:
        return cls(settings.ocr_languages, settings.ocr_dpi)


def letters(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


def needs_ocr(text: str) -> bool:
    return letters(text) < MIN_TEXT_CHARS


@functools.lru_cache(maxsize=8)
def _problem(languages: str, executable: str | None) -> str | None:
    if executable is None:
        return f"OCR is niet beschikbaar: Tesseract is niet geïnstalleerd; {INSTALL_HINT}"
    try:
        listed = subprocess.run(
            [executable, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"OCR is niet beschikbaar: Tesseract start niet ({exc}); {INSTALL_HINT}"
    installed = {line.strip() for line in (listed.stdout + listed.stderr).splitlines()[1:]}
    missing = [lang for lang in languages.split("+") if lang and lang not in installed]
    if missing:
        packs = " ".join(f"tesseract-ocr-{lang}" for lang in missing)
        return f"OCR is niet beschikbaar: Tesseract mist de taal {', '.join(missing)} (apt-get install {packs})"
    return None


def unavailable_reason(options: OcrOptions) -> str | None:
    """None when Tesseract and every configured language pack are installed, else the plain reason."""
    return _problem(options.languages, shutil.which("tesseract"))


def require(options: OcrOptions) -> None:
    reason = unavailable_reason(options)
    if reason:
        raise OcrUnavailable(reason)


def ocr_image(image: Image.Image, options: OcrOptions, dpi: int | None = None) -> str:
    """The text Tesseract reads in `image`. `dpi`: the image's resolution when known (Tesseract sizes its
    text-height estimates by it), else `options.dpi`."""
    require(options)
    if _blank(image):
        return ""
    buffer = io.BytesIO()
    _grey(image).save(buffer, format="PNG")
    command = ["tesseract", "stdin", "stdout", "-l", options.languages, "--dpi", str(dpi or options.dpi)]
    # One thread per page: on a few shared cores Tesseract's OpenMP threads cost more than they gain.
    env = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}
    try:
        done = subprocess.run(
            command, input=buffer.getvalue(), capture_output=True, timeout=TIMEOUT_S, env=env, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise OcrFailed(f"OCR duurde langer dan {TIMEOUT_S} s voor één pagina") from exc
    if done.returncode != 0:
        raise OcrFailed(f"OCR mislukte ({done.stderr.decode(errors='replace').strip()[-200:]})")
    return _clean(done.stdout.decode("utf-8", errors="replace"))


def image_pages(data: bytes, options: OcrOptions) -> list[Page]:
    """An image file's text: one Page per frame of a multi-page TIFF (numbered from 1); a single image is one
    Page without a number."""
    require(options)
    texts = []
    try:
        image = Image.open(io.BytesIO(data))
        dpi = _image_dpi(image)
        for frame in ImageSequence.Iterator(image):  # one frame in memory at a time: scans can be long TIFFs
            frame = ImageOps.exif_transpose(frame.copy())
            texts.append(ocr_image(frame, options, dpi))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise OcrFailed("geen geldig of een beschadigd afbeeldingsbestand") from exc
    if len(texts) == 1:
        return [Page(None, texts[0])]
    return [Page(number, text) for number, text in enumerate(texts, start=1)]


@dataclass(frozen=True)
class PdfOcr:
    """What OCR made of a PDF's scanned pages: the text per page read, and per page that neither renderer could
    draw what each renderer said ("PDFium: Failed to load page; pdftoppm: ...")."""

    texts: dict[int, str] = field(default_factory=dict)
    unrendered: dict[int, str] = field(default_factory=dict)


def ocr_pdf_pages(data: bytes, numbers: list[int], options: OcrOptions) -> PdfOcr:
    """The OCR text of the given 1-based pages of a PDF, each rendered at `options.dpi` by PDFium, or by pdftoppm
    where PDFium fails; a page neither can draw is left out of `texts` and named in `unrendered`."""
    require(options)
    result = PdfOcr()
    with PageRenderer(data, options.dpi) as renderer:
        for number in numbers:
            try:
                image = renderer.render(number)
            except OcrFailed as exc:
                result.unrendered[number] = str(exc)
                continue
            result.texts[number] = ocr_image(image, options, options.dpi)
    return result


class PageRenderer:
    """Draws single pages of one PDF as greyscale images: PDFium first (in-process), poppler's pdftoppm (a
    subprocess per page) for a page PDFium cannot draw. Use it in a `with` block: it closes the PDFium document
    and removes pdftoppm's temporary files."""

    def __init__(self, data: bytes, dpi: int):
        import pypdfium2  # imported here: only scans need it

        self.data, self.dpi = data, dpi
        self._pdfium_error = pypdfium2.PdfiumError
        self._folder: tempfile.TemporaryDirectory | None = None
        self.document, self.document_error = None, ""
        try:
            with _PDFIUM:
                self.document = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError as exc:
            self.document_error = _pdfium_message(exc)

    def __enter__(self) -> PageRenderer:
        return self

    def __exit__(self, *exc_info) -> None:
        if self.document is not None:
            with _PDFIUM:
                self.document.close()
            self.document = None
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def render(self, number: int) -> Image.Image:
        """The 1-based page `number` drawn at the renderer's dpi; OcrFailed naming both renderers' errors when
        neither can draw it."""
        try:
            return self.pdfium(number)
        except OcrFailed as first:
            try:
                return self.poppler(number)
            except OcrFailed as second:
                raise OcrFailed(f"{first}; {second}") from second

    def pdfium(self, number: int) -> Image.Image:
        if self.document is None:
            raise OcrFailed(f"PDFium: {self.document_error}")
        try:
            with _PDFIUM:
                page = self.document[number - 1]
                try:
                    return page.render(scale=self.dpi / 72, grayscale=True).to_pil()
                finally:
                    page.close()
        except self._pdfium_error as exc:
            raise OcrFailed(f"PDFium: {_pdfium_message(exc)}") from exc

    def poppler(self, number: int) -> Image.Image:
        executable = shutil.which("pdftoppm")
        if executable is None:
            raise OcrFailed(f"pdftoppm: niet geïnstalleerd ({POPPLER_HINT})")
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="bronvast-pdftoppm-")
            (Path(self._folder.name) / "document.pdf").write_bytes(self.data)
        folder = Path(self._folder.name)
        output = folder / f"pagina-{number}"
        command = [executable, "-f", str(number), "-l", str(number), "-r", str(self.dpi), "-gray", "-png",
                   "-singlefile", str(folder / "document.pdf"), str(output)]
        try:
            done = subprocess.run(command, capture_output=True, timeout=RENDER_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as exc:
            raise OcrFailed(f"pdftoppm: duurde langer dan {RENDER_TIMEOUT_S} s") from exc
        except OSError as exc:
            raise OcrFailed(f"pdftoppm: start niet ({exc.strerror})") from exc
        png = output.with_suffix(".png")
        if done.returncode != 0 or not png.is_file():
            lines = done.stderr.decode(errors="replace").strip().splitlines()
            raise OcrFailed(f"pdftoppm: {lines[-1][-200:] if lines else f'afgebroken met code {done.returncode}'}")
        try:
            image = Image.open(io.BytesIO(png.read_bytes()))
            image.load()
            return image
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
            raise OcrFailed("pdftoppm: gaf geen leesbare afbeelding") from exc
        finally:
            png.unlink(missing_ok=True)


def _pdfium_message(exc: Exception) -> str:
    """pypdfium2's message without its own "PDFium: " and the final full stop:
    "Failed to load document (Data format error)"."""
    return str(exc).replace("PDFium: ", "").rstrip(".")


def describe_unrendered(unrendered: dict[int, str]) -> str:
    """{2: why, 3: why, 7: other} -> "2-3 (why); 7 (other)": the pages neither renderer could draw, grouped by
    reason, runs of pages as ranges."""
    groups: dict[str, list[int]] = {}
    for number, why in sorted(unrendered.items()):
        groups.setdefault(why, []).append(number)
    return "; ".join(f"{_ranges(numbers)} ({why})" for why, numbers in groups.items())


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 5] -> "1-3, 5"."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)


def _image_dpi(image: Image.Image) -> int | None:
    dpi = image.info.get("dpi")
    try:
        value = int(round(float(dpi[0]))) if dpi else 0
    except (TypeError, ValueError, IndexError):
        return None
    return value if 70 <= value <= 2400 else None  # 72 and 96 are often screen defaults; still closer than nothing


def _grey(image: Image.Image) -> Image.Image:
    if image.mode in ("L", "1"):
        return image
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image)  # transparent scans: text on white, not on black
    return image.convert("L")


def _blank(image: Image.Image) -> bool:
    """An empty page: nothing darker than light grey anywhere."""
    low, high = _grey(image).getextrema()
    return low > 200 or high - low < 30


def _clean(text: str) -> str:
    text = text.replace("\f", "\n")
    # Words hyphenated at the end of a line are joined ("gemeente-\nlijk" -> "gemeentelijk"; "Noord-\nBrabant" stays).
    text = re.sub(r"(\w)-\n([a-zà-ÿ])", r"\1\2", text)
    return text.strip()


def describe_pages(numbers: list[int]) -> str:
    """[1, 3] -> "1,3": the `ocr_pages` metadata value."""
    return ",".join(str(n) for n in numbers)
