"""data/ on disk: faq.jsonl (published entries + our enrichment) and a copy of the raw export."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from bot.errors import DataError
from bot.fsutil import atomic_write_text
from bot.ingest.parse import parse_export
from bot.models import FaqEntry

FAQ_FILE = "faq.jsonl"
ENRICHMENT_FILE = "enrichment.jsonl"
RAW_DIR = "raw"
SOURCE_FILE = "SOURCE"  # in data/raw: the export the current faq.jsonl was made from
_ENRICH_FIELDS = ("alt_questions", "en_questions", "keywords")


@dataclass(frozen=True)
class ChangeReport:
    added: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    edited: list[int] = field(default_factory=list)
    total: int = 0
    published: str = ""
    unenriched: list[int] = field(default_factory=list)
    data_changed: bool = False  # faq.jsonl differs (entries or our enrichment): the index is stale

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.edited)

    def summary(self) -> str:
        def fmt(nums: list[int]) -> str:
            return ", ".join(str(n) for n in nums) if nums else "none"

        lines = [
            f"{self.total} entries (published {self.published})",
            f"added: {fmt(self.added)}",
            f"removed: {fmt(self.removed)}",
            f"edited: {fmt(self.edited)}",
        ]
        if self.unenriched:
            lines.append(f"no alternate phrasings yet in {ENRICHMENT_FILE} for: {fmt(self.unenriched)}")
        return "\n".join(lines)


def load_entries(data_dir: Path) -> list[FaqEntry]:
    path = data_dir / FAQ_FILE
    if not path.is_file():
        raise DataError(f"{path} not found: run `faqbot ingest <raw FAQ export>` first")
    entries: list[FaqEntry] = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entries.append(FaqEntry.model_validate_json(line))
        except ValidationError as exc:
            raise DataError(
                f"{path}:{lineno}: invalid entry ({exc.error_count()} errors): re-run ingest"
            ) from exc
    if not entries:
        raise DataError(f"{path} holds no entries: re-run `faqbot ingest`")
    return entries


def _load_enrichment(data_dir: Path) -> dict[int, dict[str, tuple[str, ...]]]:
    path = data_dir / ENRICHMENT_FILE
    if not path.is_file():
        return {}
    out: dict[int, dict[str, tuple[str, ...]]] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            out[int(rec["no"])] = {k: tuple(str(v) for v in rec.get(k, [])) for k in _ENRICH_FIELDS}
        except (ValueError, KeyError, TypeError) as exc:
            raise DataError(f"{path}:{lineno}: bad enrichment record ({exc})") from exc
    return out


def _published_part(entry: FaqEntry) -> tuple[str, str, str]:
    return (entry.category, entry.question, entry.answer_html)


def ingest_file(raw_path: Path, data_dir: Path) -> ChangeReport:
    """Parse the export, merge enrichment, and replace data/ only if everything succeeded."""
    parsed = parse_export(raw_path)  # raises before anything is written
    enrichment = _load_enrichment(data_dir)
    try:
        old = {e.no: e for e in load_entries(data_dir)}
    except DataError:
        old = {}
    new = {
        e.no: e.model_copy(update=enrichment.get(e.no, {}))
        for e in sorted(parsed.entries, key=lambda e: e.no)
    }
    body = "".join(e.model_dump_json() + "\n" for e in new.values())
    faq_path = data_dir / FAQ_FILE
    report = ChangeReport(
        added=sorted(set(new) - set(old)),
        removed=sorted(set(old) - set(new)),
        edited=sorted(n for n in set(new) & set(old) if _published_part(new[n]) != _published_part(old[n])),
        total=len(new),
        published=parsed.published,
        unenriched=sorted(n for n in new if n not in enrichment),
        data_changed=not faq_path.is_file() or faq_path.read_text(encoding="utf-8") != body,
    )
    raw_copy = data_dir / RAW_DIR / raw_path.name
    if raw_path.resolve() != raw_copy.resolve():
        raw_copy.parent.mkdir(parents=True, exist_ok=True)
        tmp = raw_copy.with_suffix(raw_copy.suffix + ".tmp")
        shutil.copyfile(raw_path, tmp)
        tmp.replace(raw_copy)
    atomic_write_text(faq_path, body)
    atomic_write_text(data_dir / RAW_DIR / SOURCE_FILE, raw_copy.name + "\n")
    return report


def latest_raw_export(data_dir: Path) -> Path:
    """The export data/faq.jsonl was last made from (or, before any ingest, the newest one kept)."""
    source = data_dir / RAW_DIR / SOURCE_FILE
    if source.is_file():
        path = data_dir / RAW_DIR / source.read_text(encoding="utf-8").strip()
        if path.is_file():
            return path
    files = sorted((data_dir / RAW_DIR).glob("*.txt"))
    if not files:
        raise DataError(f"no raw export in {data_dir / RAW_DIR}: pass the export's path to `faqbot ingest`")
    return files[-1]
