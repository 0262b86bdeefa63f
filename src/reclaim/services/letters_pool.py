"""Rendering many letters on every core.

A letter's PDF depends on nothing but the letter, so a day's letters can be rendered side by
side: above ``TOGETHER`` letters at once, ``render_many`` hands them to a pool of worker
processes (one per core, started once and kept), and gives back, in the same order, what is
stored of each — its compressed pages, its font set and the SHA-256 of its PDF. Fewer, and
the calling process renders them itself (a pool is not worth starting for a handful).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache

from reclaim.domain.letters.content import Letter
from reclaim.services.letters_pdf import render

TOGETHER = 200  # from this many letters at once, render them in the pool


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


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@cache
def _pool() -> ProcessPoolExecutor:
    # "fork": a worker is a copy of this process and starts at once, with the renderer already
    # loaded; it only lays out and compresses, touching no connection, file or lock of ours.
    # ("spawn" would import the calling program's main module again in every worker.)
    return ProcessPoolExecutor(cores(), mp_context=multiprocessing.get_context("fork"))


def render_many(letters: Sequence[Letter]) -> list[Made]:
    """Each letter rendered, in order: in the pool when there are many and cores to share."""
    workers = cores()
    forks = "fork" in multiprocessing.get_all_start_methods()
    if len(letters) < TOGETHER or workers < 2 or not forks:
        return [made(letter) for letter in letters]
    chunk = max(1, min(100, len(letters) // (4 * workers)))
    return list(_pool().map(made, letters, chunksize=chunk))
