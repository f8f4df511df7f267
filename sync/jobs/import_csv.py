"""Import leads (marketing's HOT lists) or past deals from a CSV file into the sheet, in one write.

Reading: UTF-8 (with or without BOM) or CP932/Shift_JIS, as Japanese Excel saves "CSV". Headers are
matched like the sheet's own (any case, width or language, the schema's aliases), plus an explicit
mapping for other names. Each row is validated by the tab's row model; a row that fails is rejected with
its CSV line and reason, never dropped silently. Rows already on the sheet (or earlier in the file) are
skipped as duplicates, naming the row they match. The rest become RowAppends: existing rows are never
touched, so importing the same file twice adds nothing the second time.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from rules.dedupe import Index, Match, deal_keys, lead_keys
from sheets_schema.choices import ChoiceList
from sheets_schema.columns import Kind
from sheets_schema.locale import Locale, fold
from sheets_schema.messages import Catalogue, say
from sheets_schema.models import MODELS, Deal, Lead, Row
from sheets_schema.parsing import CellParseError, control_character, is_blank
from sheets_schema.rows import match_headers
from sheets_schema.stages import Pipeline
from sheets_schema.tabs import DEALS, LEADS, TabSpec
from sync.core.changes import CellValue, ChangeSet, RowAppend
from sync.core.config import Config
from sync.engine.analyse import read_book
from sync.engine.sheet_locale import with_sheet_locale
from sync.errors import ConfigError, SheetLayoutError
from sync.jobs.progress import Progress, quiet
from sync.jobs.write import write_unless_moved
from sync.stores.base import Store

What = Literal["leads", "deals"]
SPECS: dict[str, TabSpec] = {"leads": LEADS, "deals": DEALS}
DUPLICATE_HOW = Catalogue(
    {
        "email": ("same email", "メールアドレスが同じ"),
        "phone": ("same phone number", "電話番号が同じ"),
        "company_contact": ("same company and contact", "会社名と担当者が同じ"),
        "deal_id": ("same deal id", "商談IDが同じ"),
        "company_deal_name": ("same company and deal name", "会社名と商談名が同じ"),
    }
)
REPORT_WORDS = Catalogue(
    {
        "summary": (
            "{file} ({encoding}) -> {tab}: added {added}, skipped {duplicates} as duplicates, "
            "rejected {rejected}",
            "{file} ({encoding}) -> {tab}: 追加 {added} 件、重複のためスキップ {duplicates} 件、"
            "取り込めなかった行 {rejected} 件",
        ),
        "duplicate": ("  line {line}: duplicate ({how} as {place})", "  {line} 行目: 重複({place} と{how})"),
        "rejected": ("  line {line}: rejected — {reason}", "  {line} 行目: 取り込めません — {reason}"),
        "ignored": (
            '  columns not imported (no such column; map them with --map "header=column key"): {headers}',
            '  取り込まなかった列(該当する列がありません。--map "見出し=列" で対応づけてください): {headers}',
        ),
    }
)


class ImportFileError(ConfigError):
    """The file cannot be read as a CSV of this kind (exit code 2, like a bad option)."""


@dataclass
class ImportReport:
    file: str
    encoding: str
    tab: str
    added: list[int] = field(default_factory=list)  # CSV line numbers
    duplicates: list[tuple[int, Match]] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    wrote: bool = False
    locale: Locale = "en"  # of what the report says

    def summary(self) -> str:
        return REPORT_WORDS.say(
            "summary",
            self.locale,
            file=self.file,
            encoding=self.encoding,
            tab=self.tab,
            added=len(self.added),
            duplicates=len(self.duplicates),
            rejected=len(self.rejected),
        )

    def lines(self) -> list[str]:
        say_line = REPORT_WORDS.say
        out = [self.summary()]
        out += [
            say_line(
                "duplicate", self.locale, line=line, how=DUPLICATE_HOW.say(m.how, self.locale), place=m.place
            )
            for line, m in self.duplicates
        ]
        out += [say_line("rejected", self.locale, line=line, reason=reason) for line, reason in self.rejected]
        if self.ignored_headers:
            out.append(say_line("ignored", self.locale, headers=", ".join(self.ignored_headers)))
        return out


# ------------------------------------------------------------------------------------------ reading
def read_text(path: Path) -> tuple[str, str]:
    """The file's text and the encoding it was in: UTF-8 (BOM or not), else CP932 (Shift_JIS)."""
    try:
        data = path.read_bytes()
    except OSError as failed:
        raise ImportFileError(f"{path}: cannot read the file ({failed.strerror})") from None
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding), "UTF-8" if encoding == "utf-8-sig" else "Shift_JIS (CP932)"
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        f"{path}: the file is neither UTF-8 nor Shift_JIS (CP932); save it again as 'CSV UTF-8' "
        "(Excel: File > Save As > CSV UTF-8) and import that"
    )


def parse_mapping(pairs: tuple[str, ...], spec: TabSpec, locale: Locale = "en") -> dict[str, str]:
    """--map "CSV header=column" options as {folded CSV header: column key}; the column by key or name.
    A wrong one is told the tab's headers as the user sees them on the sheet, in its language."""
    mapping = {}
    for pair in pairs:
        header, sep, target = pair.partition("=")
        column = next((c for c in spec.person_columns if fold(target) in c.names()), None)
        if not sep or not header.strip() or column is None:
            headers = ", ".join(c.label(locale) for c in spec.person_columns)
            raise ImportFileError(
                WORDS.say("bad_map", locale, pair=repr(pair), tab=spec.title(locale), headers=headers)
            )
        mapping[fold(header)] = column.key
    return mapping


WORDS = Catalogue(
    {
        "bad_map": (
            '--map {pair}: use "CSV header=column", the column being one of the {tab} headers: {headers}',
            '--map {pair}: "CSVの見出し=列" の形で、列には{tab}タブの見出しのどれかを書いてください: {headers}',
        ),
        "empty": ("{column} is empty", "{column} が空です"),
    }
)


def map_headers(
    header: list[str], spec: TabSpec, mapping: dict[str, str]
) -> tuple[dict[int, str], list[str]]:
    """CSV column index -> column key, and the headers that match nothing."""
    matched = match_headers(spec, "CSV", header, "en").columns
    by_index = {index: key for key, index in matched.items() if spec.column(key).person_owned}
    ignored = []
    for index, name in enumerate(header):
        if fold(name) in mapping:
            by_index[index] = mapping[fold(name)]
        elif index not in by_index and name.strip():
            ignored.append(name.strip())
    return by_index, ignored


# ------------------------------------------------------------------------------------------ planning
@dataclass
class Target:
    """The sheet's tab the rows go to: its title, header map and the rows already on it."""

    title: str
    columns: dict[str, int]
    width: int
    index: Index


def plan_import(
    text: str,
    spec: TabSpec,
    target: Target,
    pipeline: Pipeline,
    locale: Locale,
    mapping: dict[str, str],
    defaults: dict[str, str],
    report: ImportReport,
) -> list[RowAppend]:
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(rows)
    except StopIteration:
        raise ImportFileError(
            f"{report.file}: the file is empty; export the list with its header row"
        ) from None
    by_index, report.ignored_headers = map_headers(header, spec, mapping)
    missing = [c.label(locale) for c in spec.person_columns if c.required and c.key not in by_index.values()]
    if missing:
        raise ImportFileError(
            f"{report.file}: no column for {', '.join(missing)}; name the CSV header with "
            f'--map "<CSV header>={missing[0]}"'
        )
    appends = []
    while True:
        try:
            raw = next(rows)
        except StopIteration:
            break
        except csv.Error as broken:
            report.rejected.append((rows.line_num, f"the CSV line is broken ({broken})"))
            continue
        line = rows.line_num
        if not any(cell.strip() for cell in raw):
            continue
        if len(raw) > len(header):
            report.rejected.append(
                (line, f"{len(raw)} fields but the header has {len(header)}; check for an unquoted comma")
            )
            continue
        values = {key: raw[i] for i, key in by_index.items() if i < len(raw)}
        for key, value in defaults.items():
            if is_blank(values.get(key)):
                values[key] = value
        model, problem = None, _control_character(spec, values, locale)
        if not problem:
            model, problem = _validate(spec, values, pipeline, locale)
        if problem:
            report.rejected.append((line, problem))
            continue
        keys = row_keys(model)
        match = target.index.match(keys)
        if match:
            report.duplicates.append((line, match))
            continue
        target.index.add(keys, f"CSV line {line}")
        report.added.append(line)
        appends.append(RowAppend(target.title, _cells(spec, model, target, pipeline, locale)))
    return appends


def _control_character(spec: TabSpec, values: dict[str, Any], locale: Locale) -> str | None:
    """A row with a character no sheet can hold (NUL, ESC, ...) is rejected rather than written changed."""
    for key, value in values.items():
        char = control_character(value) if isinstance(value, str) else None
        if char:
            return f"{spec.column(key).label(locale)}: {say('control_character', locale, char=char)}"
    return None


def row_keys(model: Row | None) -> list[tuple[str, str]]:
    """The keys a lead or a deal is recognised by as a duplicate (rules/dedupe.py)."""
    if isinstance(model, Lead):
        return lead_keys(model)
    if isinstance(model, Deal):
        return deal_keys(model)
    raise TypeError(f"no duplicate keys for {type(model).__name__}")  # only leads and deals are imported


def _validate(
    spec: TabSpec, values: dict[str, Any], pipeline: Pipeline, locale: Locale
) -> tuple[Any, str | None]:
    """The row's model, or every problem of the row (not only the first), each named by its column."""
    empty = [c for c in spec.person_columns if c.required and is_blank(values.get(c.key))]
    problems = [WORDS.say("empty", locale, column=c.label(locale)) for c in empty]
    try:
        model = MODELS[spec.key].model_validate(values, context={"pipeline": pipeline})
    except ValidationError as invalid:
        blank = {c.key for c in empty}
        problems += [
            _cell_problem(spec, e, locale) for e in invalid.errors() if str(e["loc"][0]) not in blank
        ]
        return None, "; ".join(problems)
    return (None, "; ".join(problems)) if problems else (model, None)


def _cell_problem(spec: TabSpec, error: ErrorDetails, locale: Locale) -> str:
    column = spec.column(str(error["loc"][0]))
    cause = (error.get("ctx") or {}).get("error")
    text = cause.message(locale).render(locale) if isinstance(cause, CellParseError) else error["msg"]
    return f"{column.label(locale)}: {text}"


def _cells(
    spec: TabSpec, model: Any, target: Target, pipeline: Pipeline, locale: Locale
) -> tuple[CellValue, ...]:
    """The row as a person would have typed it: typed dates and numbers, dropdown labels in the locale."""
    cells: list[CellValue] = [None] * target.width
    for column in spec.person_columns:
        value = getattr(model, column.key)
        if value is None or column.key not in target.columns:
            continue
        if column.kind == Kind.STAGE:
            value = _label(pipeline.choices, value, locale)
        elif column.choices is not None:
            value = _label(column.choices, value, locale)
        cells[target.columns[column.key]] = value
    return tuple(cells)


def _label(choices: ChoiceList, key: str, locale: Locale) -> str:
    return choices.get(key).label(locale)


# ------------------------------------------------------------------------------------------ running
def run_import(
    store: Store,
    config: Config,
    what: What,
    path: Path,
    today: date,
    *,
    mapping: tuple[str, ...] = (),
    source: str | None = None,
    campaign: str | None = None,
    dry_run: bool = False,
    progress: Progress = quiet,
) -> ImportReport:
    spec = SPECS[what]
    text, encoding = read_text(path)
    progress("read")
    snapshot = store.read()
    config = with_sheet_locale(config, snapshot)  # the report and the rows in the sheet's language
    progress("check")
    read = read_book(snapshot, config)
    if spec.key not in read.headers:
        raise SheetLayoutError(
            f"{store.describe()}: the {spec.title(config.locale)} tab is missing or lacks a "
            "required column; run `sfa-sync init` first"
        )
    header = read.headers[spec.key]
    target = Target(
        header.title, header.columns, max(header.width, max(header.columns.values()) + 1), Index()
    )
    for row in read.book.rows(spec.key):
        row_id = getattr(row.model, spec.id_key or "", None)
        place = f"{header.title} row {row.index + 1}" + (f" ({row_id})" if row_id else "")
        target.index.add(row_keys(row.model), place)
    defaults = {}
    if spec is LEADS:
        defaults = {
            k: v
            for k, v in (
                ("lead_source", source),
                ("campaign", campaign),
                ("handed_over_on", today.isoformat()),
            )
            if v
        }
    report = ImportReport(str(path), encoding, header.title, locale=config.locale)
    appends = plan_import(
        text,
        spec,
        target,
        config.pipeline.to_pipeline(),
        config.locale,
        parse_mapping(mapping, spec, config.locale),
        defaults,
        report,
    )
    if appends and not dry_run:
        moved = f"{store.describe()}: the sheet changed while importing; run the import again (nothing was written)"
        progress("write")
        write_unless_moved(store, snapshot, ChangeSet(appends=appends), {}, moved)
        report.wrote = True
    return report
