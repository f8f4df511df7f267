"""Which row of the sheet each row of a backup is now, for `restore`.

An id alone does not say it: people type the same id on two rows, leave it empty, or the service fills
it in after the backup was taken. So rows are matched by their person-owned values, id included, in steps
that go from certain to guessed:

    1. identical rows pair up (the nearest row first when several are identical);
    2. a backup row without an id pairs with a row identical but for the id (given one since);
    3. of the rows left, one backup row and one sheet row with the same id pair up (edited since);
    4. a backup id with no sheet row left: that row was deleted (it comes back);
    5. an id left on several rows of either side is ambiguous. A guess pairs each backup row with the
       sheet row most like it (most equal cells, then the nearest); it is only ever written on request.

A backup row without an id that matches nothing cannot be placed: it is reported, never written.
Rows are numbered as in `TabData.rows` (0 is the header row).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sheets_schema.parsing import date_to_serial, is_blank
from sync.core.changes import CellValue

Places = Sequence[tuple[int, int]]  # (column in the backup, column in the sheet) of each person-owned cell


@dataclass(frozen=True)
class AmbiguousRows:
    """An id on several rows that differ from the backup: the pairing is only a guess."""

    key: str  # the id as typed in the backup
    backup_rows: tuple[int, ...]
    sheet_rows: tuple[int, ...]
    guess: tuple[tuple[int, int], ...]  # (backup row, sheet row), most alike first
    deleted: tuple[int, ...]  # backup rows the guess leaves without a sheet row


@dataclass
class RowMatch:
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (backup row, sheet row), certain
    deleted: list[int] = field(default_factory=list)  # backup rows whose id is on no sheet row left
    unplaced: list[int] = field(default_factory=list)  # backup rows without an id that match nothing
    ambiguous: list[AmbiguousRows] = field(default_factory=list)


def cell_key(value: CellValue) -> object:
    """A cell as the sheet shows it, hashable: "" is empty, a date equals its serial number."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, date):
        return round(date_to_serial(value), 6)
    if isinstance(value, int | float):
        return round(float(value), 6)
    return value


def _values(row: Sequence[CellValue], columns: Sequence[int]) -> tuple[object, ...]:
    return tuple(cell_key(row[c] if c < len(row) else None) for c in columns)


@dataclass
class _Side:
    """One side's rows as tuples of person-owned values, and those not matched yet."""

    values: dict[int, tuple[object, ...]]
    id_at: int  # where the id is in each tuple
    left: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.left = set(self.values)

    def id_of(self, index: int) -> object:
        return self.values[index][self.id_at]

    def without_id(self, index: int) -> tuple[object, ...]:
        values = self.values[index]
        return values[: self.id_at] + values[self.id_at + 1 :]


def _side(rows: Sequence[Sequence[CellValue]], columns: Sequence[int], id_at: int) -> _Side:
    values = {i: _values(row, columns) for i, row in enumerate(rows) if i}
    return _Side({i: v for i, v in values.items() if any(x is not None for x in v)}, id_at)


def match_rows(
    backup: Sequence[Sequence[CellValue]],
    sheet: Sequence[Sequence[CellValue]],
    places: Places,
    id_place: int,
) -> RowMatch:
    """`id_place`: the index in `places` of the id column."""
    then = _side(backup, [old for old, _ in places], id_place)
    now = _side(sheet, [new for _, new in places], id_place)
    match = RowMatch()
    _pair_identical(then, now, match, lambda side, i: side.values[i], lambda i: True)
    _pair_identical(then, now, match, _Side.without_id, lambda i: then.id_of(i) is None)
    match.unplaced = sorted(i for i in then.left if then.id_of(i) is None)
    _pair_by_id(then, now, match)
    match.pairs.sort()
    return match


def _pair_identical(
    then: _Side,
    now: _Side,
    match: RowMatch,
    values: Callable[[_Side, int], tuple[object, ...]],
    eligible: Callable[[int], bool],
) -> None:
    waiting: dict[tuple[object, ...], list[int]] = {}
    for j in sorted(now.left):
        waiting.setdefault(values(now, j), []).append(j)
    for i in sorted(then.left):
        candidates = waiting.get(values(then, i)) if eligible(i) else None
        if candidates:
            j = min(candidates, key=lambda j: abs(j - i))
            candidates.remove(j)
            _pair(then, now, match, i, j)


def _pair(then: _Side, now: _Side, match: RowMatch, i: int, j: int) -> None:
    match.pairs.append((i, j))
    then.left.discard(i)
    now.left.discard(j)


def _norm(key: object) -> object:
    return str(key).strip().upper() if isinstance(key, str) else key


def _pair_by_id(then: _Side, now: _Side, match: RowMatch) -> None:
    sheet_rows: dict[object, list[int]] = {}
    for j in sorted(now.left):
        if now.id_of(j) is not None:
            sheet_rows.setdefault(_norm(now.id_of(j)), []).append(j)
    backup_rows: dict[object, list[int]] = {}
    for i in sorted(i for i in then.left if then.id_of(i) is not None):
        backup_rows.setdefault(_norm(then.id_of(i)), []).append(i)
    for key, rows in backup_rows.items():
        found = sheet_rows.get(key, [])
        if not found:
            match.deleted += rows
        elif len(rows) == 1 and len(found) == 1:
            _pair(then, now, match, rows[0], found[0])
        else:
            match.ambiguous.append(_guess(then, now, rows, found))
    match.deleted.sort()


def _guess(then: _Side, now: _Side, rows: list[int], found: list[int]) -> AmbiguousRows:
    def alike(pair: tuple[int, int]) -> tuple[int, int]:
        i, j = pair
        equal = sum(a == b for a, b in zip(then.values[i], now.values[j], strict=True))
        return (-equal, abs(i - j))

    guess: list[tuple[int, int]] = []
    for i, j in sorted(((i, j) for i in rows for j in found), key=alike):
        if all(i != a and j != b for a, b in guess):
            guess.append((i, j))
    paired = {i for i, _ in guess}
    return AmbiguousRows(
        str(then.id_of(rows[0])),
        tuple(rows),
        tuple(found),
        tuple(guess),
        tuple(i for i in rows if i not in paired),
    )
