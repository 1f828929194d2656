"""Reconcile order exports against the status mapping, streaming.

Two shapes, as the job really is:

* one file whose rows carry the order id, the marketplace, the marketplace's status and
  ours (``reconcile_file``);
* the marketplace's export and our order system's export, joined by order id
  (``reconcile_pair``): mismatches, orders on one side only, and a summary by
  (marketplace status -> ours) pair.

A row whose internal status differs from the one the marketplace status resolves to (by
the file's precedence: opskb.model.status_keys) is a mismatch (the sources' case: the buyer sees
"being assembled", our system says "in delivery"). A row that cannot be judged is a bad
row, with the reason (opskb.statuses.exports reads broken lines to the end of the file). The
marketplace may be given as its id, name or an alias, the status as its code or as the
label buyers see, ours as an internal id or name, in Russian or English.

Memory: the one-file mode and the marketplace side of a join are streamed, and findings
are handed to a callback as they are found. The join holds our side only, as one packed
integer per order (a 64-bit hash of the order id, the line and the status), about 50
bytes an order; orders on our side only are found by reading our file a second time.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from ..model.status_keys import LISTED, Resolution, StatusKey
from .exports import Broken, Export, ReadOptions, normal

MISMATCH = "mismatch"
BAD_ROW = "bad_row"
ONLY_MARKETPLACE = "only_in_marketplace"
ONLY_OURS = "only_in_ours"
COLUMNS = ("order_id", "marketplace", "marketplace_status", "internal_status")
_CACHE_LIMIT = 10_000

Report = Callable[["Finding"], None]


@dataclass(frozen=True)
class Finding:
    """One row that disagrees with the mapping, is on one side only, or cannot be judged."""

    line: int
    kind: str
    message: str
    file: str = ""
    order_id: str = ""
    marketplace: str = ""
    marketplace_status: str = ""
    internal_status: str = ""
    expected: str = ""
    ours_file: str = ""
    ours_line: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in ("", 0)}


@dataclass
class Summary:
    rows: int = 0
    ok: int = 0
    mismatches: int = 0
    bad_rows: int = 0
    only_marketplace: int = 0
    only_ours: int = 0
    skipped: int = 0  # rows of our export that belong to another marketplace
    # (marketplace, status as the precedence saw it, expected, ours) -> rows
    pairs: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)
    files: list[dict[str, Any]] = field(default_factory=list)

    def agree(self, pair: tuple[str, str, str, str]) -> None:
        """Count a row whose status and ours agree."""
        self.rows += 1
        self.ok += 1
        self.pairs[pair] += 1

    @property
    def clean(self) -> bool:
        return not (self.mismatches or self.bad_rows or self.only_marketplace or self.only_ours)

    def mismatch_pairs(self) -> Counter[tuple[str, str, str]]:
        counts: Counter[tuple[str, str, str]] = Counter()
        for (market, _, expected, ours), n in self.pairs.items():
            if expected != ours:
                counts[(market, expected, ours)] += n
        return counts

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "ok": self.ok,
            "mismatches": self.mismatches,
            "bad_rows": self.bad_rows,
            "only_in_marketplace": self.only_marketplace,
            "only_in_ours": self.only_ours,
            "skipped_other_marketplaces": self.skipped,
            "top_mismatches": [
                {"marketplace": m, "expected": e, "ours": o, "count": n}
                for (m, e, o), n in self.mismatch_pairs().most_common(10)
            ],
            "pairs": [
                {"marketplace": m, "marketplace_status": s, "expected": e, "ours": o, "ok": e == o, "count": n}
                for (m, s, e, o), n in self.pairs.most_common()
            ],
            "files": self.files,
        }


@dataclass(frozen=True)
class Judged:
    """A marketplace status resolved for one row: the code, its entry, how it resolved."""

    resolution: Resolution
    label: str

    @property
    def expected(self) -> str:
        return self.resolution.entry["maps_to"]


class StatusMap:
    """Every marketplace's mapping, its names and labels, indexed for per-row lookups."""

    def __init__(self, kb: Any) -> None:
        self.keys: dict[str, StatusKey] = {m: StatusKey(e.data) for m, e in kb.marketplaces.items()}
        self.names: dict[str, str] = {}
        for market_id, entity in kb.marketplaces.items():
            for name in (market_id, entity.data["name"], *entity.data.get("aliases", [])):
                self.names.setdefault(normal(name), market_id)
        self.labels: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for market_id, entity in kb.marketplaces.items():
            by_label = self.labels.setdefault(market_id, {})
            for status in entity.data["statuses"]:
                if status.get("label"):
                    by_label.setdefault(normal(status["label"]), []).append(status)
        self.internal: dict[str, str] = {}
        for status_id, entity in kb.internal_statuses.items():
            for name in (status_id, entity.data.get("name", ""), entity.data.get("name_ru", "")):
                if name:
                    self.internal.setdefault(normal(name), status_id)
        self.internal.update({status_id: status_id for status_id in kb.internal_statuses})
        # what rows wrote -> what it resolved to: a file repeats a few values a million times
        self._cache: dict[tuple[str, str, str], Judged | str] = {}
        self._markets: dict[str, str | None] = {}
        self._ours: dict[str, str | None] = {}
        self._agreeing: dict[tuple[str, str, str, str], tuple[str, str, str, str] | None] = {}

    def marketplace(self, text: str) -> str | None:
        """The marketplace id for an id, name or alias as people write it."""
        found = self._markets.get(text, _MISSING)
        if found is _MISSING:
            found = _remember(self._markets, text, text if text in self.keys else self.names.get(normal(text)))
        return found  # type: ignore[return-value]

    def internal_status(self, text: str) -> str | None:
        """The internal status id for an id or a name (English or Russian) as written."""
        found = self._ours.get(text, _MISSING)
        if found is _MISSING:
            found = _remember(self._ours, text, self.internal.get(text) or self.internal.get(normal(text)))
        return found  # type: ignore[return-value]

    def judge(self, market_id: str, status: str, substatus: str = "") -> Judged | str:
        """The status of one row resolved, or a message saying why it cannot be."""
        key = (market_id, status, substatus)
        found = self._cache.get(key)
        if found is None:
            found = _remember(self._cache, key, self._judge(market_id, status, substatus))
        return found

    def agreeing(self, market: str, status: str, substatus: str, ours: str) -> tuple[str, str, str, str] | None:
        """The summary pair of a row whose status and ours agree, else None: the one lookup
        most rows cost (anything else is explained by _judge_row)."""
        key = (market, status, substatus, ours)
        found = self._agreeing.get(key, _MISSING)
        if found is _MISSING:
            found = None
            market_id = self.marketplace(market)
            judged = self.judge(market_id, status, substatus) if market_id else None
            internal = self.internal_status(ours) if isinstance(judged, Judged) else None
            if isinstance(judged, Judged) and internal == judged.expected:
                found = (market_id, judged.resolution.pattern, internal, internal)
            _remember(self._agreeing, key, found)
        return found  # type: ignore[return-value]

    def _judge(self, market_id: str, status: str, substatus: str) -> Judged | str:
        keys = self.keys[market_id]
        code = f"{status}/{substatus}" if substatus and keys.two_fields else status
        resolved = keys.resolve(code)
        if resolved is not None:
            return Judged(resolved, resolved.entry.get("label", ""))
        listed = self.labels[market_id].get(normal(status)) if not substatus else None
        if listed:
            targets = {entry["maps_to"] for entry in listed}
            if len(targets) == 1:
                return Judged(Resolution(listed[0]["code"], listed[0], LISTED), status)
            options = ", ".join(f"{entry['code']} -> {entry['maps_to']}" for entry in listed)
            return f"label {status!r} is ambiguous in {market_id} ({options}): export the status code"
        # Marketplaces add statuses between API versions: say so, never guess a default.
        return f"status {code!r} is not in the {market_id} mapping (status_mappings/{market_id}.yaml)"


_MISSING = object()


def _remember(cache: dict, key: Any, value: Any) -> Any:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()  # a file of ever-new values costs time, never memory
    cache[key] = value
    return value


# ---------------------------------------------------------------- one file

# What reconcile looks for in each kind of file: the roles a header may name (in this
# order for a file without one), those it must name, and what a bare "Status" means there.
_ALL = ("order_id", "marketplace", "marketplace_status", "marketplace_substatus", "internal_status")
_KINDS = {
    "single": (_ALL, COLUMNS, ("order_id", "marketplace", "marketplace_status", "internal_status")),
    "marketplace": (_ALL[:4], ("order_id", "marketplace_status"), ("order_id", "marketplace_status")),
    "ours": (
        ("order_id", "internal_status", "marketplace"),
        ("order_id", "internal_status"),
        ("order_id", "internal_status"),
    ),
}


def _export(handle: Any, kind: str, options: ReadOptions | None, marketplace_given: bool = False) -> Export:
    roles, positional, required = _KINDS[kind]
    if marketplace_given:
        required = tuple(role for role in required if role != "marketplace")
    generic = "internal_status" if kind == "ours" else "marketplace_status"
    return Export(
        handle,
        roles=roles,
        positional=positional,
        required=required,
        generic=generic,
        options=options,
    )


def reconcile_file(
    path: Path,
    status_map: StatusMap,
    report: Report,
    options: ReadOptions | None = None,
    marketplace: str | None = None,
) -> Summary:
    """Check every row of one export; ``report`` gets each finding as soon as it is found."""
    summary = Summary()
    with path.open("rb") as handle:
        export = _export(handle, "single", options, marketplace_given=bool(marketplace))
        for line, cells in _cells(export):
            if isinstance(cells, str):
                _bad(summary, report, Finding(line, BAD_ROW, cells, str(path)))
                continue
            market = marketplace or cells.marketplace
            pair = status_map.agreeing(market, cells.marketplace_status, cells.marketplace_substatus, cells[4])
            if pair is not None and cells.order_id:
                summary.agree(pair)
                continue
            market_id = status_map.marketplace(market)
            finding = _judge_row(line, str(path), cells, market_id, status_map, summary)
            if finding is not None:
                report(finding)
        summary.files.append({"path": str(path), **export.layout.as_dict()})
    return summary


class Cells(NamedTuple):
    """The cells of one row that reconcile reads, stripped ('' for a column the file lacks)."""

    order_id: str
    marketplace: str
    marketplace_status: str
    marketplace_substatus: str
    internal_status: str

    @staticmethod
    def picker(columns: dict[str, int]) -> Callable[[list[str]], Cells]:
        """A function from a row's cells to Cells, for this file's columns."""
        get = itemgetter(*(columns.get(role, -1) for role in Cells._fields))

        def pick(cells: list[str]) -> Cells:
            cells.append("")  # what index -1 (a column the file lacks) reads
            return Cells._make(map(str.strip, get(cells)))

        return pick


def _judge_row(
    line: int,
    path: str,
    cells: Cells,
    market_id: str | None,
    status_map: StatusMap,
    summary: Summary,
    ours: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Finding | None:
    """Count one row in ``summary`` and return its finding, if any. ``ours`` is the internal
    status when it comes from the other file of a join, already checked. The common case
    (a row that agrees) builds nothing."""
    summary.rows += 1
    problem = ""
    judged: Judged | str = ""
    if not cells.order_id:
        problem = "empty order id"
    elif market_id is None:
        problem = f"unknown marketplace {cells.marketplace!r}"
    else:
        judged = status_map.judge(market_id, cells.marketplace_status, cells.marketplace_substatus)
        if isinstance(judged, str):
            problem = judged
        elif ours is None:
            ours = status_map.internal_status(cells.internal_status)
            if ours is None:
                problem = f"unknown internal status {cells.internal_status!r}"
    expected = ""
    if not problem and isinstance(judged, Judged):
        expected = judged.expected
        summary.pairs[(market_id, judged.resolution.pattern, expected, ours)] += 1  # type: ignore[index]
        if ours == expected:
            summary.ok += 1
            return None
    substatus = cells.marketplace_substatus
    status = cells.marketplace_status + (f"/{substatus}" if substatus else "")
    base = {
        "order_id": cells.order_id,
        "marketplace": market_id or cells.marketplace,
        "marketplace_status": status,
        "internal_status": ours if ours is not None else cells.internal_status,
        **(extra or {}),
    }
    if problem:
        summary.bad_rows += 1
        return Finding(line, BAD_ROW, problem, path, **base)
    summary.mismatches += 1
    label = f' (buyer sees "{judged.label}")' if isinstance(judged, Judged) and judged.label else ""
    message = f"order {base['order_id']}: {market_id} {status}{label} maps to {expected}, ours is {ours}"
    return Finding(line, MISMATCH, message, path, expected=expected, **base)


def _bad(summary: Summary, report: Report, finding: Finding) -> None:
    summary.rows += 1
    summary.bad_rows += 1
    report(finding)


# ---------------------------------------------------------------- two files


_STATUS_BITS = 8
_STATUS_MASK = (1 << _STATUS_BITS) - 1
_LINE_MASK = (1 << 32) - 1
_SHIFT = 32 + _STATUS_BITS  # digest | line | status


class OursIndex:
    """Our side of a join, compact: one int per order packing a 64-bit hash of the order id,
    the line and the status index (about 50 bytes an order, against 110 for a dict), sorted
    once and searched by bisection within buckets of the hash's top bits. Two different ids
    share a hash with a chance of about 1 in 30 million at a million orders."""

    def __init__(self, statuses: list[str]) -> None:
        self.statuses = statuses
        self.index = {status: i for i, status in enumerate(statuses)}
        self.packed: list[int] = []
        self.matched = bytearray()
        self.bits, self.starts = 1, array("I", bytes(12))

    def add(self, order_id: str, line: int, status: str) -> None:
        digest = hash(order_id) & 0xFFFF_FFFF_FFFF_FFFF  # per process: the index never leaves it
        self.packed.append((digest << _SHIFT) | (line << _STATUS_BITS) | self.index[status])

    def seal(self) -> Iterator[tuple[int, int, str, str]]:
        """Sort; yield (line, first line, status, first status) for an order listed again
        with another status (the first listing is the one kept)."""
        self.packed.sort()
        self.matched = bytearray(len(self.packed))
        # Where each run of digests with the same top bits starts: a lookup bisects a few
        # entries, not the whole list (half the time at a million orders, for 4 bytes a bucket).
        self.bits = max(1, min(18, len(self.packed).bit_length()))
        starts = array("I", bytes(4 * ((1 << self.bits) + 1)))
        top = _SHIFT + 64 - self.bits
        for packed in self.packed:
            starts[(packed >> top) + 1] += 1
        for i in range(1, len(starts)):
            starts[i] += starts[i - 1]
        self.starts = starts
        for i in range(1, len(self.packed)):
            here, before = self.packed[i], self.packed[i - 1]
            if here >> _SHIFT == before >> _SHIFT:
                self.matched[i] = 1  # a repeat never counts as one-sided
                if self._status(here) != self._status(before):
                    yield self._line(here), self._line(before), self._status(here), self._status(before)

    def find(self, order_id: str) -> tuple[int, str] | None:
        """(line, status) of our listing of ``order_id``, marking it as matched."""
        digest = hash(order_id) & 0xFFFF_FFFF_FFFF_FFFF
        packed, bucket = self.packed, digest >> (64 - self.bits)
        end = self.starts[bucket + 1]
        at = bisect_left(packed, digest << _SHIFT, self.starts[bucket], end)
        if at == end or packed[at] >> _SHIFT != digest:
            return None
        self.matched[at] = 1
        found = packed[at]
        return (found >> _STATUS_BITS) & _LINE_MASK, self.statuses[found & _STATUS_MASK]

    def unmatched_lines(self) -> bytearray:
        """A flag per line of our file: 1 where an order no marketplace row named is listed."""
        flags = bytearray(max((self._line(p) for p in self.packed), default=0) + 1)
        for packed, seen in zip(self.packed, self.matched, strict=True):
            if not seen:
                flags[self._line(packed)] = 1
        return flags

    @staticmethod
    def _line(packed: int) -> int:
        return (packed >> _STATUS_BITS) & _LINE_MASK

    def _status(self, packed: int) -> str:
        return self.statuses[packed & _STATUS_MASK]


def reconcile_pair(
    market_path: Path,
    ours_path: Path,
    marketplace: str,
    status_map: StatusMap,
    report: Report,
    options: ReadOptions | None = None,
    ours_options: ReadOptions | None = None,
) -> Summary:
    """Join the marketplace's export with ours by order id and check every order."""
    summary = Summary()
    held = _read_ours(ours_path, marketplace, status_map, report, ours_options, summary)
    market_file, ours_file = str(market_path), str(ours_path)
    with market_path.open("rb") as handle:
        export = _export(handle, "marketplace", options)
        for line, cells in _cells(export):
            if isinstance(cells, str):
                _bad(summary, report, Finding(line, BAD_ROW, cells, market_file))
                continue
            if cells.marketplace and status_map.marketplace(cells.marketplace) != marketplace:
                message = f"row is for {cells.marketplace!r}, not {marketplace}"
                _bad(summary, report, Finding(line, BAD_ROW, message, market_file, order_id=cells.order_id))
                continue
            ours = held.find(cells.order_id) if cells.order_id else None
            if ours is None and cells.order_id:
                summary.rows += 1
                summary.only_marketplace += 1
                message = f"order {cells.order_id} is in the {marketplace} export but not in ours ({ours_file})"
                report(Finding(line, ONLY_MARKETPLACE, message, market_file, cells.order_id, marketplace))
                continue
            ours_line, status = ours if ours else (0, "")
            pair = status_map.agreeing(marketplace, cells.marketplace_status, cells.marketplace_substatus, status)
            if pair is not None:
                summary.agree(pair)
                continue
            extra = {"ours_file": ours_file, "ours_line": ours_line}
            finding = _judge_row(line, market_file, cells, marketplace, status_map, summary, status, extra)
            if finding is not None:
                report(finding)
        summary.files.append({"path": market_file, **export.layout.as_dict()})
    _report_ours_only(ours_path, held, marketplace, status_map, report, ours_options, summary)
    return summary


def _cells(export: Export, wanted: bytearray | None = None) -> Iterator[tuple[int, Cells | str]]:
    """(line, cells) of each row, or (line, why it is broken)."""
    pick = None
    for item in export.rows(wanted):
        if isinstance(item, Broken):
            yield item  # (line, reason) already
            continue
        pick = pick or Cells.picker(export.layout.columns)
        yield item.line, pick(item.cells)


def _our_rows(
    export: Export, marketplace: str, status_map: StatusMap, wanted: bytearray | None = None
) -> Iterator[tuple[int, Cells | str | None]]:
    """Rows of our export as _cells gives them; None for a row of another marketplace (our
    system exports every channel)."""
    for line, cells in _cells(export, wanted):
        if isinstance(cells, Cells) and cells.marketplace and status_map.marketplace(cells.marketplace) != marketplace:
            yield line, None
        else:
            yield line, cells


def _read_ours(
    path: Path,
    marketplace: str,
    status_map: StatusMap,
    report: Report,
    options: ReadOptions | None,
    summary: Summary,
) -> OursIndex:
    held = OursIndex(sorted(set(status_map.internal.values())))
    ours_file = str(path)
    with path.open("rb") as handle:
        export = _export(handle, "ours", options)
        for line, cells in _our_rows(export, marketplace, status_map):
            if isinstance(cells, str):
                _bad(summary, report, Finding(line, BAD_ROW, cells, ours_file))
            elif cells is None:
                summary.skipped += 1
            elif not cells.order_id:
                _bad(summary, report, Finding(line, BAD_ROW, "empty order id", ours_file))
            elif (status := status_map.internal_status(cells.internal_status)) is None:
                message = f"unknown internal status {cells.internal_status!r}"
                _bad(summary, report, Finding(line, BAD_ROW, message, ours_file, order_id=cells.order_id))
            else:
                held.add(cells.order_id, line, status)
        summary.files.append({"path": ours_file, **export.layout.as_dict()})
    for line, first, status, first_status in held.seal():
        message = f"the same order id as line {first} with another status ({status}, there {first_status})"
        _bad(summary, report, Finding(line, BAD_ROW, message, ours_file, internal_status=status))
    return held


def _report_ours_only(
    path: Path,
    held: OursIndex,
    marketplace: str,
    status_map: StatusMap,
    report: Report,
    options: ReadOptions | None,
    summary: Summary,
) -> None:
    lines = held.unmatched_lines()
    if not any(lines):
        return
    with path.open("rb") as handle:
        for line, cells in _our_rows(_export(handle, "ours", options), marketplace, status_map, lines):
            if isinstance(cells, Cells) and line < len(lines) and lines[line]:
                summary.rows += 1
                summary.only_ours += 1
                message = f"order {cells.order_id} is in ours but not in the {marketplace} export"
                report(Finding(line, ONLY_OURS, message, str(path), cells.order_id, marketplace))
