"""What is stored of a rendered letter: its compressed pages, its font set and the SHA-256 of
its PDF.

Letters are rendered one after another in the producing process. (Rendering them in a pool of
worker processes was tried: it hung when the producing process was itself a child, as in the
benchmark, and one core already renders several hundred letters a second.)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from reclaim.domain.letters.content import Letter
from reclaim.services.letters_pdf import render


@dataclass(frozen=True, slots=True)
class Made:
    """What is stored of a rendered letter."""

    pages: tuple[bytes, ...]
    font_set: str
    content_hash: str  # SHA-256 of the whole PDF

    @property
    def page_count(self) -> int:
        return len(self.pages)


def made(letter: Letter) -> Made:
    rendered = render(letter)
    return Made(rendered.pages, rendered.font_set, hashlib.sha256(rendered.pdf).hexdigest())
