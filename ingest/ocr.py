"""Scans to text: images and PDF pages without a text layer are read with Tesseract OCR.

Tesseract is called as a subprocess (`tesseract stdin stdout`) rather than through pytesseract: that wrapper adds a
dependency and temporary files for what is one command with the image on stdin and the text on stdout.
PDF pages are rendered with pypdfium2 rather than poppler's pdftoppm: it is a PyPI wheel that renders in-process,
so the only system package OCR needs is Tesseract itself.
"""

from __future__ import annotations

import functools
import io
import os
import re
import shutil
import subprocess
from dataclasses import dataclass

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


def ocr_pdf_pages(data: bytes, numbers: list[int], options: OcrOptions) -> dict[int, str]:
    """The OCR text of the given 1-based pages of a PDF, each rendered at `options.dpi`."""
    import pypdfium2  # imported here: only scans need it

    require(options)
    texts: dict[int, str] = {}
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise OcrFailed(f"PDF kon niet voor OCR worden weergegeven ({exc})") from exc
    try:
        for number in numbers:
            try:
                page = document[number - 1]
                image = page.render(scale=options.dpi / 72, grayscale=True).to_pil()
                page.close()
            except pypdfium2.PdfiumError as exc:
                raise OcrFailed(f"pagina {number} kon niet voor OCR worden weergegeven ({exc})") from exc
            texts[number] = ocr_image(image, options, options.dpi)
    finally:
        document.close()
    return texts


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
