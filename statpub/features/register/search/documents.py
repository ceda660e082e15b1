"""What the search index holds: every published text, gathered through the public gate at one
instant — releases (title and the series they carry), their interpretations (figures rendered),
series (names, definitions, units), register items (their texts, and the text of HTML and DOCX
attachments), and what features add through the `searchable_documents` hook (the FAQ). A gate
with pre-release rights is refused: the index is shared by everyone, so it may hold only what the
public may see."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser

from statpub.dashboards.components.releases import interpretation_markdown
from statpub.features.register.words import bi
from statpub.kernel.lang import LANGS
from statpub.warehouse.gate import Gate
from statpub.warehouse.register_gate import PublicItem

KINDS = ("release", "interpretation", "series", "register", "faq")
_MARKUP = re.compile(r"(^#+\s*|[*_`>|]|\[([^\]]*)\]\([^)]*\))", re.MULTILINE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")  # dates are shown beside a hit, not searched as words


@dataclass(frozen=True)
class SearchDoc:
    key: str  # unique: kind, identifier, language
    kind: str  # release | interpretation | series | register | faq
    subkind: str  # a register item's kind; otherwise the kind again
    lang: str
    title: str
    body: str
    url: str
    published: str | None  # ISO instant, when known


def plain(markdown: str) -> str:
    """Markdown as the words a reader sees (links keep their text)."""
    return _MARKUP.sub(lambda m: m.group(2) or "", markdown or "")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def attachment_text(mimetype: str, data: bytes) -> str:
    """The words of an HTML or DOCX attachment (PDF: its metadata and summary only)."""
    if mimetype == "text/html":
        parser = _Text()
        parser.feed(data.decode("utf-8", "replace"))
        return "\n".join(parser.parts)
    if mimetype.endswith("wordprocessingml.document"):
        import docx

        document = docx.Document(io.BytesIO(data))
        return "\n".join(p.text for p in document.paragraphs if p.text.strip())
    return ""


def release_documents(gate: Gate) -> Iterable[SearchDoc]:
    names = {s.code: s for s in gate.series()}
    for release in gate.visible_releases():
        if not gate.is_public(release) or not release.observation_count:
            continue
        since = gate.public_since(release)
        published = since.isoformat() if since else None
        for lang in LANGS:
            series = " ".join(names[c].name(lang) for c in release.series if c in names)
            yield SearchDoc(f"release:{release.id}:{lang}", "release", "release", lang, release.title(lang), series,
                            f"/release/{release.id}", published)
            text = interpretation_markdown(gate, release.id, lang)
            if text:
                yield SearchDoc(f"interpretation:{release.id}:{lang}", "interpretation", "interpretation", lang,
                                release.title(lang), plain(text), f"/release/{release.id}#interpretation", published)


def series_documents(gate: Gate) -> Iterable[SearchDoc]:
    for info in gate.series():
        for lang in LANGS:
            body = f"{info.code} {info.text('definition', lang)} {info.unit(lang)} {info.text('source', lang)}"
            yield SearchDoc(f"series:{info.code}:{lang}", "series", "series", lang, info.name(lang), body,
                            f"/series/{info.code}", None)


def _item_text(item: PublicItem, lang: str) -> str:
    """Every text field of an item's public data, in one language (privacy already applied)."""
    parts: list[str] = []

    def walk(value: object, key: str = "") -> None:
        if isinstance(value, dict):
            if set(value) <= {"zh", "en"} and value:
                parts.append(bi(value, lang))
                return
            for name, inner in value.items():
                if name not in ("title", "matter", "files", "instant", "created", "changed"):
                    walk(inner, name)
        elif isinstance(value, list | tuple):
            for inner in value:
                walk(inner, key)
        elif isinstance(value, str) and key not in ("type", "interprets", "to", "scheme") and not _DATE.match(value):
            parts.append(value)

    walk(item.data)
    return plain("\n".join(p for p in parts if p))


def register_documents(gate: Gate) -> Iterable[SearchDoc]:
    view = gate.register
    for item in view.items():
        attached = []
        for info in item.files:
            if info.mimetype != "application/pdf":
                found = view.file(item.id, info.name)
                if found is not None:
                    attached.append(attachment_text(info.mimetype, found[1]))
        for lang in LANGS:
            # Attachments are the office's documents, in Chinese: indexed with the Chinese entry.
            body = "\n".join([_item_text(item, lang), *(attached if lang == "zh" else [])])
            yield SearchDoc(f"register:{item.id}:{lang}", "register", item.kind, lang, item.title(lang), body,
                            f"/register/{item.kind}/{item.id}", item.published.isoformat())


def feature_documents(hooks, settings, gate: Gate) -> list[SearchDoc]:
    """What features add (`searchable_documents` hook): dicts with kind, id, lang, title, body, url."""
    out = []
    for found in hooks.searchable_documents(settings=settings, gate=gate):
        for doc in found or ():
            kind = doc.get("kind") if doc.get("kind") in KINDS else "faq"
            out.append(SearchDoc(f"{kind}:{doc['id']}:{doc['lang']}", kind, kind, doc["lang"], doc["title"],
                                 doc.get("body", ""), doc["url"], doc.get("published")))
    return out


def gather(gate: Gate, hooks, settings) -> list[SearchDoc]:
    if gate.reader.role != "public":
        raise ValueError("the search index is built from the public gate only")
    docs = [*release_documents(gate), *series_documents(gate), *register_documents(gate),
            *feature_documents(hooks, settings, gate)]
    return list({d.key: d for d in docs}.values())
