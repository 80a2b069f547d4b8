"""The platform's vocabulary: user variants (VM, DC, LB, ギガ, English terms) mapped to the FAQ's words."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bot.errors import DataError
from bot.text.normalize import normalize

SYNONYMS_FILE = "synonyms.tsv"


@dataclass(frozen=True)
class Synonyms:
    pairs: tuple[tuple[str, str], ...]

    @classmethod
    def load(cls, data_dir: Path) -> Synonyms:
        path = data_dir / SYNONYMS_FILE
        if not path.is_file():
            return cls(())
        pairs: list[tuple[str, str]] = []
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 2 or not cols[0].strip() or not cols[1].strip():
                raise DataError(f"{path}:{lineno}: expected 'variant<TAB>canonical'")
            pairs.append((normalize(cols[0]), normalize(cols[1])))
        # Longest variants first so "virtual machine" wins over "machine".
        pairs.sort(key=lambda p: -len(p[0]))
        return cls(tuple(pairs))

    @cached_property
    def _matchers(self) -> tuple[tuple[Callable[[str], bool], str], ...]:
        # Compiled once: expand() runs on every query and there are hundreds of variants.
        return tuple((_matcher(v), c) for v, c in self.pairs)

    def expand(self, normalized_text: str) -> str:
        """Append the canonical form of every variant found; the original words stay for matching."""
        found: list[str] = []
        for contains, canonical in self._matchers:
            if canonical in normalized_text or canonical in found:
                continue
            if contains(normalized_text):
                found.append(canonical)
        return normalized_text if not found else normalized_text + " " + " ".join(found)


def _matcher(variant: str) -> Callable[[str], bool]:
    if variant.isascii():
        # ASCII abbreviations must stand alone: "dc" must not fire inside "dcim" or "abc".
        pattern = re.compile(rf"(?<![a-z0-9]){re.escape(variant)}(?![a-z0-9])")
        return lambda text: pattern.search(text) is not None
    return lambda text: variant in text
