"""Small statistics the analysis tabs share: rates, the Wilson interval, medians, bands, month steps.

Conventions of the generated tabs (documented once, here): rates are shown as percentages rounded to
one decimal (30.8 means 30.8 %), since the stores write plain numbers without a percent format; day
counts are medians rounded to one decimal; amounts are the sum of the parsed amounts, as numbers.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sheets_schema.locale import Locale

Z_95 = 1.959963984540054  # the two-sided 95 % quantile of the standard normal


class ReportSettings(Protocol):
    """What the report builders read from the config's [reports] section (sync.core.config.ReportsConfig).
    Read-only properties, so that the frozen config model matches."""

    @property
    def months_back(self) -> int: ...
    @property
    def not_called_after_days(self) -> int: ...
    @property
    def win_loss_months(self) -> int: ...
    @property
    def min_segment(self) -> int: ...
    @property
    def extra_segments(self) -> tuple[str, ...]: ...
    @property
    def currency(self) -> str: ...
    @property
    def deal_size_bands(self) -> tuple[float, ...] | str | None: ...


def wilson(successes: int, trials: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval for a proportion (0..1 bounds); None when there are no trials."""
    if trials <= 0:
        return None
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


FULL_RATE = 100  # a rate of 100 % as the tabs write it (see above): the top of a rate chart's axis


def percent(part: float, whole: float) -> float | None:
    """part / whole as a percentage rounded to one decimal; None (an empty cell) when whole is 0."""
    return round(100 * part / whole, 1) if whole else None


def as_percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def median(values: Iterable[float]) -> float | None:
    """The median rounded to one decimal; None when there is nothing to take it of."""
    found = list(values)
    return round(float(statistics.median(found)), 1) if found else None


def total(values: Iterable[float | None]) -> int | float:
    """A sum of amounts that skips unknown ones, kept an int when every part is one."""
    return sum(v for v in values if v is not None)


@dataclass(frozen=True)
class Bands:
    """Right-open bands over a number: edges (50, 300) make '<50', '50-299', '300+'-style bands."""

    edges: tuple[float, ...]
    labels_en: tuple[str, ...]
    labels_ja: tuple[str, ...]

    def band(self, value: float | None, locale: Locale) -> str | None:
        if value is None:
            return None
        index = sum(1 for edge in self.edges if value >= edge)
        return (self.labels_ja if locale == "ja" else self.labels_en)[index]

    def order(self, locale: Locale) -> tuple[str, ...]:
        return self.labels_ja if locale == "ja" else self.labels_en


# Company size as Japanese B2B teams usually cut it (small / mid / large enterprise).
COMPANY_SIZE = Bands(
    (50, 300, 1000),
    ("1-49 employees", "50-299 employees", "300-999 employees", "1,000+ employees"),
    ("1〜49名", "50〜299名", "300〜999名", "1,000名以上"),
)
# Deal size in yen, as Japanese B2B teams usually cut it: the default when the currency is JPY.
DEAL_SIZE = Bands(
    (1_000_000, 5_000_000, 10_000_000),
    ("under ¥1M", "¥1M-5M", "¥5M-10M", "¥10M+"),
    ("100万円未満", "100万〜500万円", "500万〜1,000万円", "1,000万円以上"),
)


YEN_EDGES = DEAL_SIZE.edges


def amount_bands(edges: tuple[float, ...], symbol: str, yen: bool) -> Bands:
    """Deal-size bands over `edges` (rising), labelled in the currency: "under $10K", "$10K-50K", "$50K+";
    in Japanese "$10K未満"…, and yen in 万/億 as people say it ("100万〜500万円"). No edges: one band."""
    if not edges:
        return Bands((), ("all amounts",), ("すべての金額",))
    en = tuple(
        _band_label(edges, i, f"under {symbol}{{a}}", f"{symbol}{{a}}-{{b}}", f"{symbol}{{a}}+", _compact)
        for i in range(len(edges) + 1)
    )
    if yen:
        ja = tuple(
            _band_label(edges, i, "{a}円未満", "{a}〜{b}円", "{a}円以上", _man) for i in range(len(edges) + 1)
        )
    else:
        ja = tuple(
            _band_label(
                edges, i, f"{symbol}{{a}}未満", f"{symbol}{{a}}〜{{b}}", f"{symbol}{{a}}以上", _compact
            )
            for i in range(len(edges) + 1)
        )
    return Bands(edges, en, ja)


def _band_label(
    edges: tuple[float, ...], index: int, below: str, between: str, above: str, say: Callable[[float], str]
) -> str:
    if index == 0:
        return below.format(a=say(edges[0]))
    if index == len(edges):
        return above.format(a=say(edges[-1]))
    return between.format(a=say(edges[index - 1]), b=say(edges[index]))


def _compact(amount: float) -> str:
    """1200 -> 1.2K, 5000000 -> 5M: the short form amounts are read in English."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if amount >= size:
            return f"{amount / size:g}{suffix}"
    return f"{amount:g}"


def _man(amount: float) -> str:
    """Yen in Japanese units: 1000000 -> 100万, 150000000 -> 1.5億."""
    if amount >= 1e8:
        return f"{amount / 1e8:,g}億"
    if amount >= 1e4:
        return f"{amount / 1e4:,g}万"
    return f"{amount:,g}"


def quantile_edges(amounts: Iterable[float], parts: int = 4) -> tuple[float, ...]:
    """Band edges at the quartiles of the amounts (linear interpolation, as pandas computes them), rounded
    to two significant digits so that labels read well; edges at or below the smallest amount would make
    an empty first band and are dropped. Fewer than two amounts: no edges (one band)."""
    found = sorted(a for a in amounts if a > 0)
    if len(found) < 2:
        return ()
    cuts = statistics.quantiles(found, n=parts, method="inclusive")
    return tuple(sorted({_two_significant(c) for c in cuts if _two_significant(c) > found[0]}))


def _two_significant(value: float) -> float:
    return float(f"{value:.2g}")


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clipped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + month // 12, month % 12 + 1, 1) - date(year, month, 1)).days
    return date(year, month, min(day.day, last))


def month_label(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_between(first: date, last: date) -> list[date]:
    """First days of the months from first's month to last's month, inclusive."""
    months, current = [], month_start(first)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months
