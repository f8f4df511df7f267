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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from rules.dedupe import Index, Match, deal_keys, lead_keys, member_keys, normalize_company
from sheets_schema.choices import ChoiceList
from sheets_schema.columns import Column, Kind
from sheets_schema.locale import Locale, fold
from sheets_schema.messages import Catalogue, say
from sheets_schema.models import MODELS, Deal, Lead, Row, TeamMember
from sheets_schema.parsing import CellParseError, control_character, is_blank, parse_date
from sheets_schema.rows import ParsedRow, match_headers
from sheets_schema.stages import Pipeline
from sheets_schema.tabs import DEALS, LEADS, TEAM, TabSpec
from sync.core.changes import CellValue, ChangeSet, RowAppend
from sync.core.config import Config
from sync.engine.analyse import read_book
from sync.engine.sheet_locale import with_sheet_locale
from sync.errors import ConfigError, SheetLayoutError
from sync.jobs.progress import Progress, quiet
from sync.jobs.write import write_unless_moved
from sync.stores.base import Store

What = Literal["team", "leads", "deals"]
SPECS: dict[str, TabSpec] = {"team": TEAM, "leads": LEADS, "deals": DEALS}
# service columns an import may fill: a deal's creation date from the old CRM is its history's start
IMPORTED_SERVICE_COLUMNS: dict[str, tuple[str, ...]] = {"deals": ("created_on",)}
LISTED = 10  # lines listed per kind of outcome; the rest are counted
DUPLICATE_HOW = Catalogue(
    {
        "lead_id": ("same lead id", "リードIDが同じ"),
        "email": ("same email", "メールアドレスが同じ"),
        "phone": ("same phone number", "電話番号が同じ"),
        "company_contact": ("same company and contact", "会社名と担当者が同じ"),
        "company": ("same company", "会社名が同じ"),
        "name": ("same name", "氏名が同じ"),
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
        "links": (
            "  linked to a lead by company {linked}, not linked (no lead of that company) {unlinked}, "
            "not linked (two or more leads of that company: give the Lead ID) {ambiguous}",
            "  会社名でリードに紐づけ {linked} 件、紐づけなし(その会社のリードなし){unlinked} 件、"
            "紐づけなし(その会社のリードが複数: リードIDを入れてください){ambiguous} 件",
        ),
        "no_company": (", no company {count}", "、会社名なし {count} 件"),
        "no_link": (
            "  not linked (--no-link) {count}",
            "  紐づけなし(--no-link){count} 件",
        ),
        "linked": ("  line {line}: linked to {place}", "  {line} 行目: {place} に紐づけ"),
        "unlinked": (
            "  line {line}: no lead of company {company}",
            "  {line} 行目: 会社 {company} のリードがありません",
        ),
        "ambiguous": (
            "  line {line}: company {company} is {places}; not linked — type the Lead ID in Deals",
            "  {line} 行目: 会社 {company} のリードは {places} です。紐づけていません — 商談タブにリードIDを入れてください",
        ),
        "backwards": (
            "  line {line}: closed on {closed}, before it was created ({created}): kept, left out of days to close",
            "  {line} 行目: 完了日 {closed} が作成日 ({created}) より前です: 取り込みましたが、完了までの日数には数えません",
        ),
        "more": ("  ... and {count} more like these", "  ...ほか {count} 件"),
        "created": (
            "  Created on from the file (where each deal's history starts) {count}",
            "  作成日をファイルから取り込み(商談の履歴の起点){count} 件",
        ),
        "no_created": (
            "  no Created on in the file {count}: the next `sfa-sync run` gives them the day it runs "
            "(today, if run now) as Created on",
            "  ファイルに作成日がない商談 {count} 件: 次の `sfa-sync run` が実行した日(今すぐなら今日)を作成日にします",
        ),
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
    linked: list[tuple[int, str]] = field(default_factory=list)  # line, the lead it was linked to
    unlinked: list[tuple[int, str]] = field(default_factory=list)  # line, the company no lead has
    ambiguous: list[tuple[int, str, list[str]]] = field(default_factory=list)  # line, company, its leads
    links: bool = False  # deals: the report says how linking by company went
    link: bool = True  # deals: link those without a Lead ID to the lead of their company (not --no-link)
    not_linked: int = 0  # deals naming a company, not linked because of --no-link
    no_company: int = 0  # deals added without a company (nothing to link by)
    created_on: int = 0  # deals added with the Created on of the file
    no_created_on: int = 0  # deals added without one: the next cycle dates them on its day
    backwards: list[tuple[int, date, date]] = field(default_factory=list)  # line, closed, created
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
        """The summary, then per kind of outcome its first lines and how many more (an 8,800-row import
        reads in a screen, not 8,800 lines)."""
        say_line, locale = REPORT_WORDS.say, self.locale
        out = [self.summary()]
        if self.created_on:
            out.append(say_line("created", locale, count=self.created_on))
        if self.no_created_on:
            out.append(say_line("no_created", locale, count=self.no_created_on))
        if self.links:
            out.append(self._links_line())
        how = DUPLICATE_HOW.say
        out += self._listed(
            [
                say_line("duplicate", locale, line=n, how=how(m.how, locale), place=m.place)
                for n, m in self.duplicates
            ]
        )
        out += self._listed([say_line("rejected", locale, line=n, reason=r) for n, r in self.rejected])
        out += self._listed(
            [
                say_line("backwards", locale, line=n, closed=closed, created=created)
                for n, closed, created in self.backwards
            ]
        )
        out += self._listed(
            [
                say_line("ambiguous", locale, line=n, company=repr(c), places=", ".join(p))
                for n, c, p in self.ambiguous
            ]
        )
        out += self._listed([say_line("unlinked", locale, line=n, company=repr(c)) for n, c in self.unlinked])
        out += self._listed([say_line("linked", locale, line=n, place=p) for n, p in self.linked], limit=3)
        if self.ignored_headers:
            out.append(say_line("ignored", self.locale, headers=", ".join(self.ignored_headers)))
        return out

    def _links_line(self) -> str:
        """How linking by company went; said whenever a deal names a company, or none does."""
        say_line, locale = REPORT_WORDS.say, self.locale
        if self.link:
            line = say_line(
                "links",
                locale,
                linked=len(self.linked),
                unlinked=len(self.unlinked),
                ambiguous=len(self.ambiguous),
            )
        else:
            line = say_line("no_link", locale, count=self.not_linked)
        return line + say_line("no_company", locale, count=self.no_company)

    def _listed(self, lines: list[str], limit: int = LISTED) -> list[str]:
        if len(lines) <= limit:
            return lines
        return [*lines[:limit], REPORT_WORDS.say("more", self.locale, count=len(lines) - limit)]


# ------------------------------------------------------------------------------------------ reading
def read_text(path: Path, locale: Locale = "en") -> tuple[str, str]:
    """The file's text and the encoding it was in: UTF-8 (BOM or not), else CP932 (Shift_JIS)."""
    try:
        data = path.read_bytes()
    except OSError as failed:
        raise ImportFileError(WORDS.say("cannot_read", locale, file=path, why=_why(failed, locale))) from None
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding), "UTF-8" if encoding == "utf-8-sig" else "Shift_JIS (CP932)"
        except UnicodeDecodeError:
            continue
    raise ImportFileError(WORDS.say("not_utf8", locale, file=path))


def _why(failed: OSError, locale: Locale) -> str:
    """Why a file cannot be read, in the sheet's language for the usual reasons (else the system's words)."""
    if isinstance(failed, FileNotFoundError):
        return WORDS.say("no_such_file", locale)
    if isinstance(failed, PermissionError):
        return WORDS.say("no_permission", locale)
    return str(failed.strerror or failed)


def importable_columns(spec: TabSpec) -> tuple[Column, ...]:
    """The columns a CSV may fill: the person-typed ones, and a deal's Created on."""
    extra = IMPORTED_SERVICE_COLUMNS.get(spec.key, ())
    return (*spec.person_columns, *(spec.column(key) for key in extra))


def find_column(spec: TabSpec, name: str) -> Column | None:
    """An importable column by its key or its header in either language (or an alias)."""
    return next((c for c in importable_columns(spec) if fold(name) in c.names()), None)


def parse_mapping(pairs: tuple[str, ...], spec: TabSpec, locale: Locale = "en") -> dict[str, str]:
    """--map "CSV header=column" options as {CSV header as typed: column key}; the column by key or name.
    A wrong one is told the tab's headers as the user sees them on the sheet, in its language."""
    mapping = {}
    for pair in pairs:
        header, sep, target = pair.partition("=")
        column = find_column(spec, target)
        if not sep or not header.strip() or column is None:
            headers = ", ".join(c.label(locale) for c in importable_columns(spec))
            raise ImportFileError(
                WORDS.say("bad_map", locale, pair=repr(pair), tab=spec.title(locale), headers=headers)
            )
        mapping[header.strip()] = column.key
    return mapping


ValueMap = dict[str, dict[str, str]]  # column key -> {folded CSV value: the value to import}


def parse_values(
    pairs: tuple[str, ...], spec: TabSpec, pipeline: Pipeline, locale: Locale = "en"
) -> ValueMap:
    """--value "Column:CSV value=sheet value" options. A sheet value of a dropdown column (Stage, Status,
    ...) must be one of its choices: told here, before any row is read, rather than on every row."""
    values: ValueMap = {}
    for pair in pairs:
        name, colon, rest = pair.partition(":")
        csv_value, sep, sheet_value = rest.partition("=")
        if not colon or not sep or not csv_value.strip():
            raise ImportFileError(WORDS.say("bad_value", locale, pair=repr(pair)))
        column = find_column(spec, name)
        if column is None:
            headers = ", ".join(c.label(locale) for c in importable_columns(spec))
            raise ImportFileError(
                WORDS.say(
                    "bad_value_column", locale, pair=repr(pair), tab=spec.title(locale), headers=headers
                )
            )
        choices = pipeline.choices if column.kind == Kind.STAGE else column.choices
        if choices is not None and sheet_value.strip() and choices.find(sheet_value) is None:
            raise ImportFileError(
                WORDS.say(
                    "bad_value_choice",
                    locale,
                    pair=repr(pair),
                    value=repr(sheet_value.strip()),
                    column=column.label(locale),
                    choices=", ".join(choices.labels(locale)),
                )
            )
        values.setdefault(column.key, {})[fold(csv_value)] = sheet_value.strip()
    return values


def configured_options(config: Config, what: What) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The [import.<what>] table of the config as --map and --value options (which come after it)."""
    table = getattr(config.import_, what)
    mapping = tuple(f"{header}={column}" for header, column in table.map.items())
    values = tuple(
        f"{column}:{csv_value}={sheet_value}"
        for column, pairs in table.values.items()
        for csv_value, sheet_value in pairs.items()
    )
    return mapping, values


WORDS = Catalogue(
    {
        "cannot_read": ("{file}: cannot read the file ({why})", "{file}: ファイルを読めません({why})"),
        "no_such_file": ("no such file; check the path", "ファイルがありません。パスを確かめてください"),
        "no_permission": ("permission denied", "読み取りの権限がありません"),
        "not_utf8": (
            "{file}: the file is neither UTF-8 nor Shift_JIS (CP932); save it again as 'CSV UTF-8' "
            "(Excel: File > Save As > CSV UTF-8) and import that",
            "{file}: ファイルが UTF-8 でも Shift_JIS (CP932) でもありません。「CSV UTF-8」で保存し直して"
            "(Excel: ファイル > 名前を付けて保存 > CSV UTF-8)、それを取り込んでください",
        ),
        "empty_file": (
            "{file}: the file is empty; export the list with its header row",
            "{file}: ファイルが空です。見出しの行を付けて書き出してください",
        ),
        "no_column": (
            '{file}: no column for {missing}; name the CSV header with --map "<CSV header>={first}" '
            "(CSV headers not used: {unused})",
            '{file}: {missing} の列がありません。--map "<CSVの見出し>={first}" で CSV の見出しを対応づけて'
            "ください(使っていない CSV の見出し: {unused})",
        ),
        "none": ("none", "なし"),
        "csv_line": ("CSV line {line}", "CSV の {line} 行目"),
        "sheet_row": ("{title} row {row}", "{title} {row} 行目"),
        "broken_line": ("the CSV line is broken ({why})", "CSV の行が壊れています({why})"),
        "too_many_fields": (
            "{got} fields but the header has {want}; check for an unquoted comma",
            "フィールドが {got} 個ありますが、見出しは {want} 個です。引用符で囲まれていないカンマがないか"
            "確かめてください",
        ),
        "too_few_fields": (
            "{got} fields but the header has {want}; check for a missing comma",
            "フィールドが {got} 個しかありませんが、見出しは {want} 個です。カンマが抜けていないか確かめてください",
        ),
        "moved": (
            "{store}: the sheet changed while importing; run the import again (nothing was written)",
            "{store}: 取り込み中にシートが変更されました。もう一度取り込んでください(何も書き込んでいません)",
        ),
        "no_tab": (
            "{store}: the {tab} tab is missing or lacks a required column; run `sfa-sync init` first",
            "{store}: {tab}タブがないか、必須の列がありません。先に `sfa-sync init` を実行してください",
        ),
        "bad_map": (
            '--map {pair}: use "CSV header=column", the column being one of the {tab} headers: {headers}',
            '--map {pair}: "CSVの見出し=列" の形で、列には{tab}タブの見出しのどれかを書いてください: {headers}',
        ),
        "empty": ("{column} is empty", "{column} が空です"),
        "bad_value": (
            '--value {pair}: use "Column:CSV value=sheet value", e.g. --value "Stage:Engaging=Proposal"',
            '--value {pair}: "列:CSVの値=シートの値" の形で書いてください(例: --value "ステージ:Engaging=提案")',
        ),
        "bad_value_column": (
            "--value {pair}: the column must be one of the {tab} headers: {headers}",
            "--value {pair}: 列には{tab}タブの見出しのどれかを書いてください: {headers}",
        ),
        "bad_value_choice": (
            "--value {pair}: {value} is not a choice of {column}; use one of: {choices}",
            "--value {pair}: {value} は{column}の選択肢にありません。次のどれかにしてください: {choices}",
        ),
        "no_header": (
            "--map: the CSV has no header {header}; its headers are: {headers}",
            "--map: CSV に「{header}」という見出しがありません。CSV の見出し: {headers}",
        ),
        "future_created": (
            "{column} {day} is after today ({today}); check the date",
            "{column} {day} が今日({today})より後です。日付を確かめてください",
        ),
        "lead_without_id": (
            "{file}: deals are linked to leads by company, but {places} have no Lead ID yet; run `sfa-sync run` "
            "once so that every lead gets its id, then import the deals (nothing was written)",
            "{file}: 商談は会社名でリードに紐づけますが、{places} にまだリードIDがありません。"
            "`sfa-sync run` を一度実行してすべてのリードにIDを付けてから、商談を取り込んでください(何も書き込んでいません)",
        ),
        "no_leads": (
            "{file}: {count} deals name a company, but the {tab} tab has no lead to link them to; import the "
            "accounts first (`sfa-sync import leads accounts.csv`, then `sfa-sync run`) and then the deals, "
            "or add --no-link to import the deals without linking (nothing was written)",
            "{file}: 会社名のある商談が {count} 件ありますが、{tab}タブに紐づけ先のリードがありません。"
            "先に取引先を取り込んでから(`sfa-sync import leads accounts.csv` のあと `sfa-sync run`)商談を"
            "取り込むか、紐づけずに取り込むなら --no-link を付けてください(何も書き込んでいません)",
        ),
    }
)


def map_headers(
    header: list[str], spec: TabSpec, mapping: dict[str, str], locale: Locale = "en"
) -> tuple[dict[int, str], list[str]]:
    """CSV column index -> column key, and the headers that match nothing. A --map header the file does not
    have is told (a typo would otherwise leave the column silently empty)."""
    present = {fold(name) for name in header}
    folded = {fold(typed): key for typed, key in mapping.items()}  # a later option wins
    for wanted in mapping:
        if fold(wanted) not in present:
            headers = ", ".join(name.strip() for name in header if name.strip())
            raise ImportFileError(WORDS.say("no_header", locale, header=wanted, headers=headers))
    importable = {c.key for c in importable_columns(spec)}
    matched = match_headers(spec, "CSV", header, "en").columns
    by_index = {index: key for key, index in matched.items() if key in importable}
    ignored = []
    for index, name in enumerate(header):
        if fold(name) in folded:
            by_index[index] = folded[fold(name)]
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
    # deals: the leads on the sheet by normalised company -> (where the lead is, its Lead ID)
    leads_by_company: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)
    leads: int = 0  # deals: how many leads the Leads tab has (none: the deals would link to nothing)


@dataclass(frozen=True)
class Reading:
    """How the CSV's cells become the tab's: --map, --value, defaults for empty cells, and the day."""

    mapping: dict[str, str]
    values: ValueMap
    defaults: dict[str, str]
    today: date


def plan_import(
    text: str,
    spec: TabSpec,
    target: Target,
    pipeline: Pipeline,
    locale: Locale,
    reading: Reading,
    report: ImportReport,
) -> list[RowAppend]:
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(rows)
    except StopIteration:
        raise ImportFileError(WORDS.say("empty_file", locale, file=report.file)) from None
    by_index, report.ignored_headers = map_headers(header, spec, reading.mapping, locale)
    missing = [c.label(locale) for c in spec.person_columns if c.required and c.key not in by_index.values()]
    if missing:
        unused = ", ".join(report.ignored_headers) or WORDS.say("none", locale)
        raise ImportFileError(
            WORDS.say(
                "no_column",
                locale,
                file=report.file,
                missing=", ".join(missing),
                first=missing[0],
                unused=unused,
            )
        )
    appends: list[RowAppend] = []
    leads_without_id: dict[str, None] = {}  # (a dict: in the order the file meets them)
    report.links = spec is DEALS
    nothing_to_link = 0  # deals naming a company while the Leads tab has no lead at all
    while True:
        try:
            raw = next(rows)
        except StopIteration:
            break
        except csv.Error as broken:
            report.rejected.append((rows.line_num, WORDS.say("broken_line", locale, why=broken)))
            continue
        line = rows.line_num
        if not any(cell.strip() for cell in raw):
            continue
        if len(raw) > len(header):
            report.rejected.append(
                (line, WORDS.say("too_many_fields", locale, got=len(raw), want=len(header)))
            )
            continue
        if len(raw) < len(header):  # a field missing anywhere moves the rest into the wrong columns
            report.rejected.append(
                (line, WORDS.say("too_few_fields", locale, got=len(raw), want=len(header)))
            )
            continue
        values = _values(raw, by_index, reading)
        service = {
            key: values.pop(key) for key in IMPORTED_SERVICE_COLUMNS.get(spec.key, ()) if key in values
        }
        model, problem = None, _control_character(spec, values, locale)
        if not problem:
            model, problem = _validate(spec, values, pipeline, locale)
        created, created_problem = _created_on(spec, service.get("created_on"), reading.today, locale)
        problem = "; ".join(p for p in (problem, created_problem) if p)
        if problem:
            report.rejected.append((line, problem))
            continue
        keys = row_keys(model)
        match = target.index.match(duplicate_keys(model, keys))
        if match:
            report.duplicates.append((line, match))
            continue
        target.index.add(keys, WORDS.say("csv_line", locale, line=line))
        if isinstance(model, Deal):
            if not normalize_company(model.company):
                report.no_company += 1
            elif not model.lead_id and not report.link:
                report.not_linked += 1
            elif not model.lead_id and not target.leads:
                nothing_to_link += 1
            else:
                model = _linked(model, line, target, report, leads_without_id)
        report.added.append(line)
        extra: dict[str, CellValue] = {"created_on": created} if created else {}
        report.created_on += bool(created)
        report.no_created_on += spec is DEALS and not created
        closed_on = _closed_before(model, created, pipeline) if isinstance(model, Deal) else None
        if closed_on and created:
            report.backwards.append((line, closed_on, created))
        appends.append(RowAppend(target.title, _cells(spec, model, target, pipeline, locale, extra)))
    if nothing_to_link:
        raise ImportFileError(
            WORDS.say("no_leads", locale, file=report.file, count=nothing_to_link, tab=LEADS.title(locale))
        )
    if leads_without_id:
        waiting = list(leads_without_id)
        places = ", ".join(waiting[:LISTED]) + (
            f" (+{len(waiting) - LISTED})" if len(waiting) > LISTED else ""
        )
        raise ImportFileError(WORDS.say("lead_without_id", locale, file=report.file, places=places))
    return appends


def _values(raw: list[str], by_index: dict[int, str], reading: Reading) -> dict[str, Any]:
    """The row's cells by column key: a --value mapping applied, empty cells given their default."""
    values: dict[str, Any] = {key: raw[i] for i, key in by_index.items() if i < len(raw)}
    for key, table in reading.values.items():
        value = values.get(key)
        if isinstance(value, str) and fold(value) in table:
            values[key] = table[fold(value)]
    for key, value in reading.defaults.items():
        if is_blank(values.get(key)):
            values[key] = value
    return values


def _created_on(spec: TabSpec, cell: object, today: date, locale: Locale) -> tuple[date | None, str | None]:
    """A deal's creation date from the other CRM (its engage date): kept as the start of its history."""
    if is_blank(cell):
        return None, None
    column = spec.column("created_on")
    try:
        day = parse_date(cell)
    except CellParseError as bad:
        return None, f"{column.label(locale)}: {bad.message(locale).render(locale)}"
    if day is not None and day > today:
        return None, WORDS.say("future_created", locale, column=column.label(locale), day=day, today=today)
    return day, None


def _closed_before(deal: Deal, created: date | None, pipeline: Pipeline) -> date | None:
    """The close date of a won or lost deal closed before its creation: imported as it is (the old CRM's dates),
    but Win-Loss leaves it out of days to close, so the report names its line to fix."""
    closed = {s.key for s in pipeline.stages if s.closed}
    if created and deal.stage in closed and deal.close_date and deal.close_date < created:
        return deal.close_date
    return None


def _linked(deal: Deal, line: int, target: Target, report: ImportReport, waiting: dict[str, None]) -> Deal:
    """A deal without a Lead ID, linked to the one lead of its company; two or more are told, not guessed.
    `waiting`: leads that would be linked but have no id yet (the import stops: see plan_import)."""
    company = normalize_company(deal.company)
    if deal.lead_id or not company:
        return deal
    leads = target.leads_by_company.get(company, [])
    if not leads:
        report.unlinked.append((line, deal.company or ""))
        return deal
    if len(leads) > 1:
        report.ambiguous.append((line, deal.company or "", [place for place, _ in leads]))
        return deal
    place, lead_id = leads[0]
    if lead_id is None:
        waiting[place] = None
        return deal
    report.linked.append((line, place))
    return deal.model_copy(update={"lead_id": lead_id})


def _control_character(spec: TabSpec, values: dict[str, Any], locale: Locale) -> str | None:
    """A row with a character no sheet can hold (NUL, ESC, ...) is rejected rather than written changed."""
    for key, value in values.items():
        char = control_character(value) if isinstance(value, str) else None
        if char:
            return f"{spec.column(key).label(locale)}: {say('control_character', locale, char=char)}"
    return None


def row_keys(model: Row | None) -> list[tuple[str, str]]:
    """The keys a person, a lead or a deal is recognised by as a duplicate (rules/dedupe.py)."""
    if isinstance(model, Lead):
        return lead_keys(model)
    if isinstance(model, Deal):
        return deal_keys(model)
    if isinstance(model, TeamMember):
        return member_keys(model)
    raise TypeError(f"no duplicate keys for {type(model).__name__}")  # only these tabs are imported


def duplicate_keys(model: Row | None, keys: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The keys a row is looked up by. A deal with its source system's id is a duplicate only of that id:
    an old CRM's export repeats account + product thousands of times, each its own opportunity."""
    if isinstance(model, Deal) and model.deal_id:
        return [key for key in keys if key[0] == "deal_id"]
    return keys


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
    spec: TabSpec,
    model: Any,
    target: Target,
    pipeline: Pipeline,
    locale: Locale,
    service: dict[str, CellValue] | None = None,
) -> tuple[CellValue, ...]:
    """The row as a person would have typed it: typed dates and numbers, dropdown labels in the locale;
    `service`: the service columns the import fills (a deal's Created on), as the service writes them."""
    cells: list[CellValue] = [None] * target.width
    for key, value in (service or {}).items():
        if key in target.columns:
            cells[target.columns[key]] = value
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
    values: tuple[str, ...] = (),
    source: str | None = None,
    campaign: str | None = None,
    dry_run: bool = False,
    link: bool = True,
    progress: Progress = quiet,
) -> ImportReport:
    spec = SPECS[what]
    progress("read")
    snapshot = store.read()
    config = with_sheet_locale(config, snapshot)  # the report and the rows in the sheet's language
    text, encoding = read_text(path, config.locale)
    progress("check")
    read = read_book(snapshot, config)
    if spec.key not in read.headers:
        raise SheetLayoutError(
            WORDS.say("no_tab", config.locale, store=store.describe(), tab=spec.title(config.locale))
        )
    header = read.headers[spec.key]
    target = Target(
        header.title, header.columns, max(header.width, max(header.columns.values()) + 1), Index()
    )
    for row in read.book.rows(spec.key):
        place = _place(header.title, row.index, spec.id_key, row.model, config.locale)
        target.index.add(row_keys(row.model), place)
    if spec is DEALS and "leads" in read.headers:
        target.leads_by_company = _leads_by_company(
            read.book.rows("leads"), read.headers["leads"].title, config.locale
        )
        target.leads = len(read.book.rows("leads"))
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
    report = ImportReport(str(path), encoding, header.title, locale=config.locale, link=link)
    pipeline = config.pipeline.to_pipeline()
    configured_map, configured_values = configured_options(config, what)
    reading = Reading(
        parse_mapping((*configured_map, *mapping), spec, config.locale),
        parse_values((*configured_values, *values), spec, pipeline, config.locale),
        defaults,
        today,
    )
    appends = plan_import(text, spec, target, pipeline, config.locale, reading, report)
    if appends and not dry_run:
        moved = WORDS.say("moved", config.locale, store=store.describe())
        progress("write")
        write_unless_moved(store, snapshot, ChangeSet(appends=appends), {}, moved)
        report.wrote = True
    return report


def _place(title: str, index: int, id_key: str | None, model: Row, locale: Locale = "en") -> str:
    """Where a row of the sheet is, as the report names it: "Leads row 12 (L-000012)"."""
    row_id = getattr(model, id_key or "", None)
    return WORDS.say("sheet_row", locale, title=title, row=index + 1) + (f" ({row_id})" if row_id else "")


def _leads_by_company(
    rows: Sequence[ParsedRow[Lead]], title: str, locale: Locale = "en"
) -> dict[str, list[tuple[str, str | None]]]:
    by_company: dict[str, list[tuple[str, str | None]]] = {}
    for row in rows:
        company = normalize_company(row.model.company)
        if company:
            place = _place(title, row.index, "lead_id", row.model, locale)
            by_company.setdefault(company, []).append((place, row.model.lead_id))
    return by_company
