"""E-mail (.eml, RFC 5322 / MIME) with the standard library's `email` package: the mail and its attachments.

The mail becomes one document: its headers as metadata (from, to, cc, date; the subject is the title) and as the
first lines of its text, then the body (text/plain preferred, else the HTML part cleaned like a web page).
Every attachment in a supported format becomes a document of its own, cited by its file name.

Keys, the rule: all documents read from one .eml share the file's key (its absolute path, the store's `path`) and
the file's sha256, and number their chunks on from each other. Re-ingesting an unchanged mail is one hash check,
a changed mail replaces the mail and all its attachments at once, and deleting the file's path deletes the
attachments with it: the store needs nothing new. The documents differ in `path` (an attachment's is
<mail path>/<attachment name>, so `source` is the attachment's name) and metadata: an attachment has `parent`
(the mail's key) and `parent_source` (the mail's file name), so "<parent>#<source>" names it uniquely.
"""

from __future__ import annotations

import email.errors
from collections.abc import Callable
from dataclasses import replace
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path, PurePosixPath

from bronvast.schema import Page, SourceDocument
from ingest.filenames import plain_name
from ingest.parsed import UnreadableFile, decode, first_line, iso_date, readable, tidy
from ingest.webpage import html_document

MAIL_SUFFIX = ".eml"  # a mail file, and an attachment that is a forwarded mail
ADDRESS_HEADERS = {"from": "Van", "to": "Aan", "cc": "Cc"}
MAX_NESTING = 3  # a forwarded mail inside a forwarded mail inside ...: stop somewhere

# Reads an attachment that is not a mail: its bytes, and its path (<mail path>/<name>, whose suffix gives the
# format) -> its document, or UnreadableFile. Handed in by ingest/readers.py, which routes formats to readers:
# this module would otherwise have to import the router that imports it.
AttachmentReader = Callable[[bytes, Path], SourceDocument]


def read_mail(
    data: bytes, path: Path, key: str, sha256: str, read_attachment: AttachmentReader, depth: int = 0
) -> list[SourceDocument]:
    """The mail first, then its readable attachments. Attachments that cannot be read are listed, with their
    reasons, in the mail's metadata `skipped_attachments` (the indexer reports them with the file's outcome)."""
    try:
        message = BytesParser(policy=policy.default).parsebytes(data)
        headers = {name: _header(message, name) for name in ("from", "to", "cc", "subject", "date")}
    except (email.errors.MessageError, ValueError, TypeError, IndexError, LookupError) as exc:
        raise UnreadableFile("geen geldig of een beschadigd e-mailbericht") from exc
    if not (headers["from"] or headers["to"] or headers["subject"]) or not isinstance(message, EmailMessage):
        raise UnreadableFile("geen e-mailbericht: kopregels als From, To en Subject ontbreken")
    date = _mail_date(message)
    body = _body(message)
    attachments, skipped, names = [], [], []
    for part in message.iter_attachments():
        name = _attachment_name(part, names)
        if name is None:
            continue  # an unnamed inline part, such as a logo in the signature
        names.append(name)
        try:
            attachments += _attachment(part, name, path, key, sha256, date, read_attachment, depth)
        except UnreadableFile as exc:
            skipped.append(f"{name} ({exc})")
        except Exception as exc:  # a parser library tripping over a malformed attachment: skip it, keep the mail
            skipped.append(f"{name} (kon niet gelezen worden: {type(exc).__name__})")
    if not body and not names:
        raise UnreadableFile("e-mail zonder tekst en zonder bijlagen")
    lines = [f"{label}: {headers[name]}" for name, label in ADDRESS_HEADERS.items() if headers[name]]
    lines += [f"Datum: {date}" if date else "", f"Onderwerp: {headers['subject']}" if headers["subject"] else ""]
    lines += [f"Bijlagen: {', '.join(names)}" if names else ""]
    heading = "\n".join(line for line in lines if line)
    pages = [Page(p.number, tidy(p.text), p.section) for p in body]
    pages = [p for p in pages if p.text]
    if pages:  # the headers open the text, so "who wrote about ..." finds them
        pages[0] = Page(pages[0].number, heading + "\n\n" + pages[0].text, pages[0].section)
    else:
        pages = [Page(None, heading)]
    metadata = {name: headers[name] for name in ADDRESS_HEADERS if headers[name]}
    metadata["doc_type"] = "e-mail"
    if names:
        metadata["attachments"] = ", ".join(names)
    if skipped:
        metadata["skipped_attachments"] = "; ".join(skipped)
    mail = SourceDocument(
        path=path,
        key=key,
        sha256=sha256,
        kind="email",
        title=headers["subject"] or first_line(pages[0].text) or path.stem,
        pages=pages,
        date=date,
        metadata=metadata,
    )
    return [mail, *attachments]


def _header(message: EmailMessage, name: str) -> str:
    value = message.get(name)
    return " ".join(str(value).split()) if value is not None else ""


def _mail_date(message: EmailMessage) -> str | None:
    value = message.get("date")
    moment = getattr(value, "datetime", None) if value is not None else None
    return iso_date(moment) if moment is not None else None


def _body(message: EmailMessage) -> list[Page]:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return []
    try:
        text = part.get_content()
    except (LookupError, UnicodeError, AttributeError):  # an unknown or wrong charset: detect it ourselves
        text = decode(part.get_payload(decode=True) or b"")
    if not isinstance(text, str) or not text.strip():
        return []
    readable(text)  # a declared charset decodes any bytes: random ones are refused like a text file's
    if part.get_content_subtype() == "html":
        return list(html_document(text).pages)
    return [Page(None, text)]


def _attachment_name(part: EmailMessage, taken: list[str]) -> str | None:
    """The attachment's file name made plain (ingest/filenames.py: no folder part, no "..", no control or
    right-to-left characters; a name is all it is, never a path to a file) and unique within the mail ("a.pdf",
    "a (2).pdf")."""
    raw = part.get_filename()
    if not raw and part.get_content_type() == "message/rfc822":
        raw = "doorgestuurd-bericht.eml"
    if not raw:
        return None
    name = plain_name(raw) or "bijlage"
    stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem} ({n}){suffix}"
    return candidate


def _attachment(
    part: EmailMessage, name: str, mail_path: Path, key: str, sha256: str, mail_date: str | None,
    read_attachment: AttachmentReader, depth: int,
) -> list[SourceDocument]:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload(0) if part.is_multipart() else None
        data = inner.as_bytes(policy=policy.default) if inner is not None else b""
    else:
        data = part.get_payload(decode=True) or b""
    path = mail_path / name
    if PurePosixPath(name).suffix.lower() == MAIL_SUFFIX:  # a forwarded mail, read here with its own attachments
        if not data.strip():
            raise UnreadableFile("leeg bestand")
        if depth >= MAX_NESTING:
            raise UnreadableFile("te diep genest doorgestuurd bericht")
        documents = read_mail(data, path, key, sha256, read_attachment, depth + 1)
    else:  # the reader says why when the format is not supported or the attachment is empty
        documents = [read_attachment(data, path)]
    link = {"parent": key, "parent_source": mail_path.name}
    first = documents[0]
    # An attachment without a date of its own is dated by the mail it came with; its own access rules stay.
    first = replace(first, date=first.date or mail_date, metadata={**first.metadata, **link})
    return [first, *documents[1:]]
