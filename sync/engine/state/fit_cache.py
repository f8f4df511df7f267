"""`_sfa_fit`: what the lead fit score learned (rules.fit_model.Learned) and the fingerprint of the history it
learned it from, so that a cycle on the same history shows the score without learning it again (and without
importing scikit-learn). One row per figure; every float as float.hex() text, so that it reads back as the
very same float on every store; feature values as JSON text (the folded "other" and blank values hold a NUL,
which no cell may). The last row is a checksum of all the others: a tab a person deleted, edited or mangled
reads as nothing remembered, and the cycle learns again and rewrites it."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from rules.fit_model import BandLine, FitModel, Learned, Validation
from sheets_schema.parsing import is_blank
from sheets_schema.tabs import FIT_CACHE
from sync.core.changes import CellValue
from sync.core.snapshot import TabData

TAB = FIT_CACHE

FIT_COLUMNS = ("what", "feature", "value", "number", "deals", "won")
MEASURES = ("auc", "low", "high", "brier", "brier_baseline")

Row = tuple[CellValue, ...]


def fit_content(learned: Learned) -> tuple[Row, ...]:
    """The tab's rows, header first, checksum last."""
    tested = learned.backtest
    body: list[Row] = [("fingerprint", None, learned.fingerprint, None, None, None)]
    body += [("cutoff", None, d.isoformat(), None, None, None) for d in tested.cutoffs]
    body.append(("scored", None, None, None, tested.scored, None))
    body += [("measure", name, None, _hex(getattr(tested, name)), None, None) for name in MEASURES]
    body += [
        ("band", line.band, None, _hex(line.predicted), line.deals, line.won) for line in tested.calibration
    ]
    model = learned.model
    if model is not None:
        body += [
            ("intercept", None, None, _hex(model.intercept), None, None),
            ("base_rate", None, None, _hex(model.base_rate), None, None),
            *(("cut", None, None, _hex(cut), None, None) for cut in model.cuts),
            *(("weight", f, json.dumps(v), _hex(w), None, None) for (f, v), w in model.weights.items()),
            *(("centre", f, None, _hex(c), None, None) for f, c in model.centre.items()),
        ]
    return (FIT_COLUMNS, *body, ("checksum", None, _checksum(body), None, None, None))


def read_fit(tab: TabData | None) -> Learned | None:
    """What the tab remembers; None when there is no tab, or it is not exactly as the service wrote it."""
    if tab is None or not tab.rows:
        return None
    try:
        learned = _decode(
            [tuple(_plain(c) for c in row) for row in tab.rows[1:] if row and not is_blank(row[0])]
        )
    except (ValueError, TypeError, KeyError, IndexError, OverflowError):
        return None
    if learned is None or fit_content(learned) != _written(tab):
        return None  # edited, reordered or cut short: not what was learned
    return learned


def _decode(rows: list[tuple[Any, ...]]) -> Learned | None:
    rows = [(*row, *(None,) * (len(FIT_COLUMNS) - len(row))) for row in rows]
    found: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        found.setdefault(str(row[0]), []).append(row)
    (fingerprint,) = found["fingerprint"]
    ((_, _, _, _, scored, _),) = found["scored"]
    measures = {str(r[1]): _float(r[3]) for r in found.get("measure", [])}
    tested = Validation(
        tuple(date.fromisoformat(str(r[2])) for r in found.get("cutoff", [])),
        _int(scored),
        measures["auc"],
        measures["low"],
        measures["high"],
        measures["brier"],
        measures["brier_baseline"],
        tuple(BandLine(str(r[1]), _int(r[4]), _int(r[5]), _number(r[3])) for r in found.get("band", [])),
    )
    model = None
    if "intercept" in found:
        ((_, _, _, intercept, _, _),) = found["intercept"]
        ((_, _, _, base_rate, _, _),) = found["base_rate"]
        high, low = (_number(r[3]) for r in found["cut"])
        model = FitModel(
            {(str(r[1]), _value(r[2])): _number(r[3]) for r in found.get("weight", [])},
            _number(intercept),
            {str(r[1]): _number(r[3]) for r in found.get("centre", [])},
            (high, low),
            _number(base_rate),
        )
    return Learned(str(fingerprint[2]), tested, model)


def _written(tab: TabData) -> tuple[Row, ...]:
    """The tab as read, in the shape fit_content writes (blank cells as None, rows padded to the header)."""
    width = len(FIT_COLUMNS)
    return tuple(
        tuple(_plain(row[i]) if i < len(row) else None for i in range(width))
        for row in tab.rows
        if row and not is_blank(row[0])
    )


def _plain(value: Any) -> CellValue:
    """A cell as fit_content writes it: text, a whole number of deals, or blank."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)  # a store that reads every number as a float
    return value if isinstance(value, str | int) and not isinstance(value, bool) else str(value)


def _hex(value: float | None) -> str | None:
    return None if value is None else float(value).hex()


def _float(value: Any) -> float | None:
    return None if value is None else float.fromhex(str(value))


def _number(value: Any) -> float:
    found = _float(value)
    if found is None:
        raise ValueError("a figure is missing")
    return found


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("not a count")
    return value


def _value(text: Any) -> str:
    value = json.loads(str(text))
    if not isinstance(value, str):
        raise ValueError("not a feature value")
    return value


def _checksum(body: list[Row]) -> str:
    return hashlib.sha256(json.dumps(body, ensure_ascii=False).encode()).hexdigest()
