"""Letters to PDF: A4, fonts embedded, the address where a window envelope shows it.

The page follows GOV.UK Notify's precompiled-letter geometry (research/formats-integrations.md
§3.3), so the same PDF can go to Notify or to any hybrid-mail printer:

* nothing outside the printable area (15 mm left and right, 5 mm top and bottom);
* the logo area x 15-125 mm, y 5-30 mm (the council's word mark);
* the council's address and the letter's reference and date in x 125-195 mm, y 5-95 mm;
* the recipient's name and address, at most 7 lines, inside x 24.6-120 mm, y 39.5-66.3 mm,
  and nothing else there;
* the body from y 95 mm on page 1; later pages use the whole printable area.

Why a small writer of our own rather than a general PDF library: a letter is text, lines and
boxes in two fonts, and the costly part of a PDF library is embedding a font subset afresh in
every document. Here the subset (Bitstream Vera, shipped inside the ``reportlab`` wheel, so
present on any machine that installed Reclaim; licence in that wheel) is cut and compressed
once per process, and each letter writes only its own page streams: several hundred letters a
second on one core. The output is deterministic (no timestamps), so the same pages and fonts
give the same bytes and the same content hash.

That also decides storage: a letter's PDF is its compressed page streams (2-4 KB) plus the
font objects (about 45 KB, the same for every letter). The page streams are stored with each
document and the font objects once, by hash; a reprint assembles the same bytes again (its
hash checked), and a print batch of thousands of letters carries the fonts once.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO

import reportlab
from reportlab.pdfbase.ttfonts import TTFontFace, makeToUnicodeCMap

from reclaim.domain.letters.content import Block, BlockKind, Letter, Style

MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
FONT_DIR = Path(reportlab.__file__).resolve().parent / "fonts"
# Codes 0-127 are ASCII; then the other characters letters use (money, quotes, dashes, and the
# accented letters of Welsh that the font has). Anything else prints as "?".
EXTRA = "£€–—‘’“”•·©°½¼¾×éèêëáàâäíìîïóòôöúùûüýÿñçÉÈÊËÁÀÂÄÍÌÎÏÓÒÔÖÚÙÛÜÝ\u00a0"
SUBSET = [*range(128), *(ord(c) for c in EXTRA)]


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle on the page in millimetres from the top left, as Notify states them."""

    left: float
    top: float
    right: float
    bottom: float


ADDRESS_BOX = Box(24.6, 39.5, 120.0, 66.3)
LOGO_BOX = Box(15.0, 5.0, 125.0, 30.0)
COUNCIL_BOX = Box(125.0, 5.0, 195.0, 95.0)
BODY_TOP_FIRST, BODY_TOP, BODY_BOTTOM = 95.0, 15.0, 280.0
BODY_LEFT, BODY_RIGHT = 20.0, 190.0


class Font:
    """One embedded TrueType subset: its PDF objects made once, and its widths for layout."""

    def __init__(self, file: str, resource: str, first_object: int) -> None:
        face = TTFontFace(str(FONT_DIR / file))
        self.resource = resource
        self.code = {u: i for i, u in enumerate(SUBSET)}
        self.widths: list[float] = [
            float(face.getCharWidth(u) or face.defaultWidth) for u in SUBSET
        ]
        self.ascent, self.descent = face.ascent, face.descent
        name = "AAAAAA+" + face.name.decode("ascii")
        program = face.makeSubset(SUBSET)
        packed = zlib.compress(program, 9)
        cmap = zlib.compress(makeToUnicodeCMap(name, SUBSET).encode("ascii"), 9)
        n = first_object
        flags = (face.flags & ~32) | 4  # symbolic: the subset has its own encoding
        bbox = " ".join(str(round(v)) for v in face.bbox)
        widths = " ".join(str(round(w)) for w in self.widths)
        self.objects = [
            (
                n,
                f"<< /Type /Font /Subtype /TrueType /BaseFont /{name} /FirstChar 0 "
                f"/LastChar {len(SUBSET) - 1} /Widths [{widths}] /FontDescriptor {n + 1} 0 R "
                f"/ToUnicode {n + 3} 0 R >>".encode("ascii"),
            ),
            (
                n + 1,
                f"<< /Type /FontDescriptor /FontName /{name} /Flags {flags} /FontBBox [{bbox}] "
                f"/ItalicAngle {face.italicAngle} /Ascent {round(face.ascent)} "
                f"/Descent {round(face.descent)} /CapHeight {round(face.capHeight)} "
                f"/StemV {face.stemV} /FontFile2 {n + 2} 0 R >>".encode("ascii"),
            ),
            (n + 2, _stream(packed, f"/Length1 {len(program)} /Filter /FlateDecode")),
            (n + 3, _stream(cmap, "/Filter /FlateDecode")),
        ]

        # str.translate to the subset's codes: every character not in the subset becomes "?".
        self.codes = {u: chr(i) for i, u in enumerate(SUBSET)}
        self.codes.update({u: "?" for u in range(128, 256) if u not in self.code})
        self.space = float(self.widths[32])
        self.words: dict[str, float] = {}
        self.literals: dict[str, bytes] = {}

    def encode(self, text: str) -> bytes:
        return text.translate(self.codes).encode("latin-1", errors="replace")

    def literal(self, text: str) -> bytes:
        """The text as a PDF string in the subset's codes (remembered: lines repeat)."""
        known = self.literals.get(text)
        if known is None:
            known = _literal(self.encode(text))
            if len(self.literals) < 100_000:
                self.literals[text] = known
        return known

    def word_width(self, word: str) -> float:
        """A word's width in thousandths of the size (remembered: letters repeat words)."""
        known = self.words.get(word)
        if known is None:
            code, widths = self.code, self.widths
            known = float(sum(widths[code.get(ord(c), 63)] for c in word))
            if len(self.words) < 200_000:
                self.words[word] = known
        return known

    def width(self, text: str, size: float) -> float:
        """The width of text in points."""
        words = text.split(" ")
        total = sum(self.word_width(w) for w in words) + self.space * (len(words) - 1)
        return total * size / 1000


@cache
def fonts() -> tuple[Font, Font]:
    return Font("Vera.ttf", "F1", 3), Font("VeraBd.ttf", "F2", 7)


FIRST_PAGE_OBJECT = 11


def _stream(data: bytes, extra: str = "") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), extra.encode(), data)


def _literal(data: bytes) -> bytes:
    return b"(" + data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


@dataclass(frozen=True, slots=True)
class Sizes:
    body: float
    heading: float
    title: float
    leading: float  # as a multiple of the size

    @staticmethod
    def of(style: Style) -> Sizes:
        if style is Style.LARGE_PRINT:
            return Sizes(body=16, heading=18, title=22, leading=1.3)
        return Sizes(body=10.5, heading=12, title=15, leading=1.3)


class Page:
    def __init__(self) -> None:
        self.ops: list[bytes] = []

    def text(self, font: Font, size: float, x_mm: float, y_mm: float, text: str) -> None:
        """Text with its baseline at y mm from the top and its left edge at x mm."""
        self.ops.append(
            b"BT /%s %.2f Tf %.2f %.2f Td %s Tj ET"
            % (
                font.resource.encode(),
                size,
                x_mm * MM,
                PAGE_H - y_mm * MM,
                font.literal(text),
            )
        )

    def rect(self, box: Box, width: float = 0.8) -> None:
        self.ops.append(
            b"%.2f w %.2f %.2f %.2f %.2f re S"
            % (
                width,
                box.left * MM,
                PAGE_H - box.bottom * MM,
                (box.right - box.left) * MM,
                (box.bottom - box.top) * MM,
            )
        )


_WRAPPED: dict[tuple[str, float, str, float], tuple[str, ...]] = {}


def wrap(font: Font, size: float, text: str, width_mm: float) -> tuple[str, ...]:
    """Greedy word wrap to a width; a word longer than the line is left whole. Remembered:
    most of a letter's paragraphs are the same in every letter of its kind."""
    key = (font.resource, size, text, width_mm)
    known = _WRAPPED.get(key)
    if known is None:
        known = tuple(_wrap(font, size, text, width_mm))
        if len(_WRAPPED) < 50_000:
            _WRAPPED[key] = known
    return known


def _wrap(font: Font, size: float, text: str, width_mm: float) -> list[str]:
    limit = width_mm * MM * 1000 / size
    space = font.space
    lines: list[str] = []
    line: list[str] = []
    used = 0.0
    for word in text.split():
        w = font.word_width(word)
        if line and used + space + w > limit:
            lines.append(" ".join(line))
            line, used = [word], w
        else:
            used += (space if line else 0.0) + w
            line.append(word)
    if line:
        lines.append(" ".join(line))
    return lines or [""]


class Layout:
    """Lays a letter's blocks down pages, starting below the address area."""

    def __init__(self, letter: Letter) -> None:
        self.letter = letter
        self.regular, self.bold = fonts()
        self.sizes = Sizes.of(letter.style)
        self.pages = [Page()]
        self.y = BODY_TOP_FIRST

    def _room(self, height_mm: float) -> None:
        if self.y + height_mm > BODY_BOTTOM:
            self.pages.append(Page())
            self.y = BODY_TOP

    def _lines(self, font: Font, size: float, text: str, left: float = BODY_LEFT) -> None:
        step = size * self.sizes.leading / MM
        for line in wrap(font, size, text, BODY_RIGHT - left):
            self._room(step)
            self.y += step
            self.pages[-1].text(font, size, left, self.y, line)

    def block(self, b: Block) -> None:
        s = self.sizes
        if b.kind is BlockKind.HEADING:
            self._room(s.heading * 3 / MM)  # keep a heading with what follows
            self.y += 2.5
            self._lines(self.bold, s.heading, b.text)
            self.y += 1
        elif b.kind is BlockKind.PARAGRAPH:
            self._lines(self.regular, s.body, b.text)
            self.y += 1.5
        elif b.kind is BlockKind.BOX:
            lines = wrap(self.bold, s.body, b.text, BODY_RIGHT - BODY_LEFT - 8)
            step = s.body * s.leading / MM
            height = len(lines) * step + 5
            self._room(height + 2)
            top = self.y + 1
            self.pages[-1].rect(Box(BODY_LEFT, top, BODY_RIGHT, top + height), 1.2)
            self.y = top + 1.5
            for line in lines:
                self.y += step
                self.pages[-1].text(self.bold, s.body, BODY_LEFT + 4, self.y, line)
            self.y = top + height + 2
        else:
            self._table(b.rows)

    def _table(self, rows: tuple[tuple[str, str], ...]) -> None:
        s = self.sizes
        step = s.body * s.leading / MM
        money = all(v.lstrip("-").startswith("£") for _, v in rows)
        split = 120.0 if money else 85.0
        for label, value in rows:
            labels = wrap(self.regular, s.body, label, split - BODY_LEFT - 3)
            values = (value,) if money else wrap(self.regular, s.body, value, BODY_RIGHT - split)
            for n in range(max(len(labels), len(values))):
                self._room(step)
                self.y += step
                page = self.pages[-1]
                if n < len(labels):
                    page.text(self.regular, s.body, BODY_LEFT, self.y, labels[n])
                if n < len(values):
                    v = values[n]
                    if money:
                        x = split + 30 - self.regular.width(v, s.body) / MM
                        page.text(self.regular, s.body, x, self.y, v)
                    else:
                        page.text(self.regular, s.body, split, self.y, v)
        self.y += 2


def _first_page_head(page: Page, letter: Letter) -> None:
    regular, bold = fonts()
    head = letter.letterhead
    mark = head.logo_text or head.council_name
    room = (LOGO_BOX.right - LOGO_BOX.left - 5) * MM
    page.text(
        bold, min(18.0, 18.0 * room / max(bold.width(mark, 18.0), 1.0)), LOGO_BOX.left, 17, mark
    )
    y = 12.0
    for n, line in enumerate((head.council_name, *head.address)):
        page.text(bold if n == 0 else regular, 8.5, COUNCIL_BOX.left + 2, y, line)
        y += 3.9
    y += 2
    for line in (head.phone, head.email, head.website):
        page.text(regular, 8.5, COUNCIL_BOX.left + 2, y, line)
        y += 3.9
    y += 3
    for label, value in letter.references:
        page.text(bold, 9, COUNCIL_BOX.left + 2, y, f"{label}: {value}")
        y += 4.2
    _address(page, letter)


def _address(page: Page, letter: Letter) -> None:
    """The recipient in the window: 10 pt lines inside Notify's address box, each shrunk if
    it would run past the box's right edge."""
    regular, _ = fonts()
    width = (ADDRESS_BOX.right - ADDRESS_BOX.left) * MM
    y = ADDRESS_BOX.top + 3.4
    for line in letter.recipient.lines():
        size = 10.0
        w = regular.width(line, size)
        if w > width:
            size = max(6.0, size * width / w)
        page.text(regular, size, ADDRESS_BOX.left, y, line)
        y += 3.7


def layout(letter: Letter) -> list[Page]:
    lay = Layout(letter)
    title = lay.sizes.title
    for text in (letter.title_cy, letter.title):
        if text:
            lay._lines(lay.bold, title, text)
    lay.y += 2
    for b in letter.blocks:
        lay.block(b)
    _first_page_head(lay.pages[0], letter)
    regular, _ = fonts()
    total = len(lay.pages)
    for n, page in enumerate(lay.pages, start=1):
        footer = (
            f"{letter.letterhead.council_name} · account {letter.reference} · page {n} of {total}"
        )
        page.text(regular, 11 if letter.style is Style.LARGE_PRINT else 8, BODY_LEFT, 289, footer)
    return lay.pages


@dataclass(frozen=True, slots=True)
class Rendered:
    """A rendered letter: its PDF, and what the PDF is made of (its compressed page streams
    and the font set they use), which is what is stored: the fonts once, not in every row."""

    pdf: bytes
    pages: tuple[bytes, ...]
    font_set: str  # the SHA-256 of the font objects

    @property
    def page_count(self) -> int:
        return len(self.pages)


@cache
def font_set() -> tuple[str, bytes]:
    """The embedded fonts' PDF objects, packed, and their SHA-256 (stored once, by hash)."""
    regular, bold = fonts()
    packed = pack_objects([*regular.objects, *bold.objects])
    return hashlib.sha256(packed).hexdigest(), packed


def render(letter: Letter) -> Rendered:
    """The letter as a PDF: laid out, each page's stream compressed, assembled with the fonts."""
    pages = tuple(zlib.compress(b"\n".join(page.ops), 6) for page in layout(letter))
    sha, fonts_packed = font_set()
    return Rendered(assemble(pages, fonts_packed), pages, sha)


def pack(items: Sequence[bytes]) -> bytes:
    """Byte strings framed by their lengths, so they can be stored as one value."""
    return b"".join(struct.pack(">I", len(item)) + item for item in items)


def unpack(packed: bytes) -> list[bytes]:
    items, at = [], 0
    while at < len(packed):
        (size,) = struct.unpack_from(">I", packed, at)
        items.append(packed[at + 4 : at + 4 + size])
        at += 4 + size
    return items


def pack_objects(objects: Sequence[tuple[int, bytes]]) -> bytes:
    return pack([struct.pack(">I", number) + body for number, body in objects])


def unpack_objects(packed: bytes) -> list[tuple[int, bytes]]:
    return [(struct.unpack(">I", item[:4])[0], item[4:]) for item in unpack(packed)]


def assemble(pages: Sequence[bytes], fonts_packed: bytes) -> bytes:
    """One PDF of compressed page streams (one letter's, or a whole print batch's) and the
    font objects they use, which appear once however many letters there are. The same pages
    and fonts always give the same bytes."""
    objects: list[tuple[int, bytes]] = unpack_objects(fonts_packed)
    kids: list[int] = []
    n = FIRST_PAGE_OBJECT
    resources = b"<< /Font << /F1 3 0 R /F2 7 0 R >> >>"
    for content in pages:
        objects.append(
            (
                n,
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources %s "
                b"/Contents %d 0 R >>" % (PAGE_W, PAGE_H, resources, n + 1),
            )
        )
        objects.append((n + 1, _stream(content, "/Filter /FlateDecode")))
        kids.append(n)
        n += 2
    info = n
    objects.append((info, b"<< /Producer (Reclaim) >>"))
    objects.append((1, b"<< /Type /Catalog /Pages 2 0 R >>"))
    objects.append(
        (
            2,
            b"<< /Type /Pages /Kids [%s] /Count %d >>"
            % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)),
        )
    )
    objects.sort()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in objects:
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        info,
        xref,
    )
    return bytes(out)


def write_pdf(file: BinaryIO, pages: Iterable[bytes], fonts_packed: bytes) -> str:
    """A print batch: page streams written to a file as they come (a million letters need not
    be in memory), the fonts once; returns the file's SHA-256."""
    digest = hashlib.sha256()
    written = 0
    offsets: dict[int, int] = {}

    def put(data: bytes) -> None:
        nonlocal written
        file.write(data)
        digest.update(data)
        written += len(data)

    def obj(number: int, body: bytes) -> None:
        offsets[number] = written
        put(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    put(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    for number, body in unpack_objects(fonts_packed):
        obj(number, body)
    resources = b"<< /Font << /F1 3 0 R /F2 7 0 R >> >>"
    n = FIRST_PAGE_OBJECT
    kids: list[int] = []
    for content in pages:
        obj(
            n,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources %s "
            b"/Contents %d 0 R >>" % (PAGE_W, PAGE_H, resources, n + 1),
        )
        obj(n + 1, _stream(content, "/Filter /FlateDecode"))
        kids.append(n)
        n += 2
    info = n
    obj(info, b"<< /Producer (Reclaim) >>")
    obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    obj(
        2,
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)),
    )
    xref = written
    put(b"xref\n0 %d\n0000000000 65535 f \n" % (info + 1))
    put(b"".join(b"%010d 00000 n \n" % offsets[k] for k in range(1, info + 1)))
    put(
        b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (info + 1, info, xref)
    )
    return digest.hexdigest()
