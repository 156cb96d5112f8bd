"""HTML -> its main text, split at its h1-h6 headings: a web page (ingest/readers.py) or an e-mail's HTML body
(ingest/mail.py). Site chrome (navigation, headers, footers, cookie banners) is dropped, so it does not end up in
every chunk of a site's pages.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from ingest.parsed import Block, Parsed, UnreadableFile, iso_date, sectioned

# Elements that hold site chrome rather than the document itself.
HTML_BOILERPLATE = ["nav", "header", "footer", "aside", "script", "style", "noscript", "form", "template", "svg"]
HTML_BLOCKS = ["p", "div", "li", "tr", "br", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "pre", "blockquote"]
HTML_BOILERPLATE_HINT = re.compile(r"cookie|menu|navigat|breadcrumb|footer|sidebar|skip-?link", re.IGNORECASE)
HEADING_MARK = "\ue000"  # a private-use character: cannot occur in the HTML's own text
# Elements inside elements, at most (Chromium's parser stops nesting there too). Deeper is no page but a trap:
# BeautifulSoup takes time quadratic in the depth to mark the blocks below (100,000 nested divs: a quarter hour).
MAX_NESTING = 512


def html_document(markup: str) -> Parsed:
    """A web page's (or an HTML e-mail's) main text, split at its h1-h6 headings; site chrome dropped."""
    soup = BeautifulSoup(markup, "html.parser")
    if _nesting(soup) > MAX_NESTING:
        raise UnreadableFile(f"HTML is te diep genest (meer dan {MAX_NESTING} elementen in elkaar)")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    dated = soup.find("meta", attrs={"name": re.compile(r"^(date|dcterms\.(date|issued|created)|dc\.date)$", re.I)})
    date = iso_date(dated.get("content")) if dated else None
    for tag in soup.find_all(HTML_BOILERPLATE):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": ["navigation", "banner", "contentinfo"]}):
        tag.decompose()
    for tag in soup.find_all(
        lambda t: t.attrs is not None
        and HTML_BOILERPLATE_HINT.search(" ".join(t.get("class", [])) + " " + (t.get("id") or ""))
    ):
        tag.decompose()
    main = soup.find("main") or soup.find("article") or soup.body or soup
    heading = main.find("h1")
    page_title = heading.get_text(" ", strip=True) if heading else title
    for block in main.find_all(HTML_BLOCKS):
        block.append("\n")  # keep paragraphs apart without splitting sentences at inline tags
    for tag in main.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]):
        text = " ".join(tag.get_text(" ").split())
        if text:  # a marked line, so the heading survives get_text() and the text can be split there
            tag.replace_with(f"\n{HEADING_MARK}{tag.name[1]}{HEADING_MARK}{text}\n")
    blocks: list[Block] = []
    for line in main.get_text().split("\n"):
        if line.startswith(HEADING_MARK):
            _, level, text = line.split(HEADING_MARK, 2)
            blocks.append((int(level), text))
        else:
            blocks.append((None, line))
    return Parsed(page_title, sectioned(blocks), date)


def _nesting(soup: BeautifulSoup) -> int:
    """How deep its elements nest, in one pass (a parent comes before its children in document order)."""
    depth = {id(soup): 0}
    for tag in soup.descendants:
        if isinstance(tag, Tag):
            depth[id(tag)] = depth[id(tag.parent)] + 1
    return max(depth.values())
