"""The config file (TOML), validated by Pydantic. Every error names the key and the file."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from reports.presentation import CURRENCY_FORMATS
from sheets_schema.stages import DEFAULT_STAGES, Pipeline, Stage


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StoreConfig(Strict):
    kind: Literal["xlsx", "google"] = "xlsx"
    path: Path = Path("sfa-sync.xlsx")
    spreadsheet: str | None = Field(None, description="Google spreadsheet id or URL")
    credentials: Path | None = Field(None, description="service-account key file; else ADC")
    endpoint: str | None = Field(None, description="Sheets API base URL override (tests, emulator)")

    @model_validator(mode="after")
    def _google_needs_a_sheet(self) -> StoreConfig:
        if self.kind == "google" and not self.spreadsheet:
            raise ValueError(
                "store.kind is 'google' but store.spreadsheet is not set; give the spreadsheet id or URL"
            )
        return self


class StageConfig(Strict):
    key: str
    name: str
    name_ja: str | None = None
    probability: float = Field(ge=0, le=1)
    stall_days: int = Field(0, ge=0)
    won: bool = False
    lost: bool = False
    aliases: tuple[str, ...] = ()

    def to_stage(self) -> Stage:
        return Stage(
            self.key,
            self.name,
            self.name_ja or self.name,
            self.probability,
            self.stall_days,
            self.won,
            self.lost,
            self.aliases,
        )


class PipelineConfig(Strict):
    stages: tuple[StageConfig, ...] = tuple(
        StageConfig(
            key=s.key,
            name=s.en,
            name_ja=s.ja,
            probability=s.probability,
            stall_days=s.stall_days,
            won=s.won,
            lost=s.lost,
            aliases=s.aliases,
        )
        for s in DEFAULT_STAGES
    )

    @field_validator("stages")
    @classmethod
    def _one_won_one_lost(cls, stages: tuple[StageConfig, ...]) -> tuple[StageConfig, ...]:
        if not any(s.won for s in stages) or not any(s.lost for s in stages):
            raise ValueError("the pipeline needs one stage with won = true and one with lost = true")
        if not any(not (s.won or s.lost) for s in stages):
            raise ValueError("the pipeline needs at least one open stage (neither won nor lost)")
        keys = [s.key for s in stages]
        if len(set(keys)) != len(keys):
            raise ValueError(f"stage keys must be unique; got {keys}")
        return stages

    def to_pipeline(self) -> Pipeline:
        return Pipeline(tuple(s.to_stage() for s in self.stages))


class Thresholds(Strict):
    neglect_days: int = Field(14, ge=1, description="no activity for this many days: neglected (放置)")
    close_date_pushes: int = Field(3, ge=1, description="close date moved later this many times: flagged")
    amount_required_from: str | None = Field(
        "proposal", description="stage key from which an amount is expected"
    )
    review_limit: int = Field(
        300, ge=1, description="Manager Review lists at most this many flagged deals (most severe)"
    )


class AutomationConfig(Strict):
    appointment_to_deal: bool = Field(
        True, description="a call with result Appointment creates a deal and a first-visit task"
    )


class EmailConfig(Strict):
    enabled: bool = False
    host: str = "localhost"
    port: int = Field(587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    user: str | None = None
    password_env: str = Field(
        "SFA_SYNC_SMTP_PASSWORD", description="environment variable holding the password"
    )
    sender: str = "sfa-sync@localhost"
    timeout: float = Field(20, gt=0)


class ChatConfig(Strict):
    enabled: bool = False
    kind: Literal["google_chat", "slack"] = "google_chat"
    webhook_env: str = Field(
        "SFA_SYNC_CHAT_WEBHOOK", description="environment variable holding the webhook URL"
    )
    per_team: dict[str, str] = Field(
        default_factory=dict, description="Team tab 'team' value -> env var of its webhook"
    )
    timeout: float = Field(10, gt=0)


class RemindersConfig(Strict):
    at: str = Field(
        "09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="local time of the daily reminder job"
    )
    due_soon_days: int = Field(3, ge=0, description="tasks due within this many days are reminded")
    email: EmailConfig = EmailConfig()
    chat: ChatConfig = ChatConfig()


class ReportsConfig(Strict):
    months_back: int = Field(12, ge=1, le=120, description="Marketing Feedback: months of handovers shown")
    not_called_after_days: int = Field(
        3, ge=0, description="Marketing Feedback: leads not called after N days"
    )
    win_loss_months: int = Field(
        12, ge=0, le=120, description="Win-Loss Analysis: the recent window, by closed-on; 0: all time"
    )
    min_segment: int = Field(5, ge=1, description="segments with fewer closed deals are 'too few to judge'")
    extra_segments: tuple[str, ...] = Field(
        (), description="more Leads/Deals column keys or headers to segment by"
    )
    currency: str = Field("JPY", description="amounts are shown in this currency (JPY: ¥#,##0)")
    deal_size_bands: tuple[float, ...] | Literal["quantiles"] | None = Field(
        None,
        description="Win-Loss deal-size bands: rising edges in the currency, or 'quantiles' (quartiles of "
        "the closed deals' amounts); unset: ¥1M/5M/10M in JPY, quartiles in any other currency",
    )
    decisions: tuple[str, ...] = Field(
        (),
        description="Manager Review: the Decision dropdown (other text is accepted too); "
        "default keep / push close date / close as lost / reassign, in the sheet's language",
    )

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, code: str) -> str:
        if code.upper() not in CURRENCY_FORMATS:
            known = ", ".join(CURRENCY_FORMATS)
            raise ValueError(f"unknown currency {code!r}; use one of {known}")
        return code.upper()

    @field_validator("deal_size_bands")
    @classmethod
    def _rising_bands(cls, edges: tuple[float, ...] | str | None) -> tuple[float, ...] | str | None:
        if isinstance(edges, tuple) and (
            not edges or edges[0] <= 0 or any(b <= a for a, b in pairwise(edges))
        ):
            raise ValueError(
                f"deal-size band edges must be amounts above 0, each larger than the one before; got "
                f'{list(edges)} (e.g. [1000000, 5000000, 10000000], or "quantiles")'
            )
        return edges

    @property
    def money_format(self) -> str:
        return CURRENCY_FORMATS[self.currency]


class ForecastConfig(Strict):
    commit_probability: float = Field(
        0.7, ge=0, le=1, description="Forecast: open deals in stages this likely or more are commit"
    )
    changes_days: int = Field(7, ge=1, le=92, description="Forecast: what changed in the last N days")
    accuracy_months: int = Field(
        6, ge=1, le=24, description="Forecast: past months whose forecast is checked against what was won"
    )


class FitConfig(Strict):
    """The lead fit score (rules/fit_model.py): shown only once a backtest shows it beats the average."""

    min_closed: int = Field(
        30, ge=2, description="the fit score needs this many closed deals with a lead before it is shown"
    )
    min_category: int = Field(
        5, ge=1, description="values seen on fewer closed deals count as 'other' in the fit score"
    )
    extra_columns: tuple[str, ...] = Field(
        (), description="more Leads columns (key or header) the fit score learns from"
    )
    regularisation: float = Field(
        1.0, gt=0, description="the logistic regression's C: smaller pulls every weight harder towards 0"
    )


class ServiceConfig(Strict):
    interval_minutes: float = Field(5, gt=0, description="a cycle every N minutes in `serve`")
    lease_minutes: float = Field(15, gt=0, description="how long a holder keeps the sheet without renewing")
    log_keep: int = Field(200, ge=1, description="rows kept in the Sync Log tab (newest first)")
    backups_dir: Path = Field(Path("backups"), description="where input tabs are saved before each write")
    backups_keep: int = Field(50, ge=1, description="backups kept per sheet (the newest)")
    backups_max_age_days: int = Field(30, ge=1, description="backups older than this are deleted")
    max_concurrent_sheets: int = Field(2, ge=1, description="sheets synced at the same time")
    requests_per_minute: int = Field(
        50, ge=1, le=300, description="Sheets API requests per minute, all sheets"
    )


class ImportTabConfig(Strict):
    """How one CSV kind is read (`sfa-sync import <kind>`): the same as its --map and --value options,
    which add to (and win over) these."""

    map: dict[str, str] = Field(
        default_factory=dict, description='CSV header -> column of the tab, e.g. {engage_date = "Created on"}'
    )
    values: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description='column -> {CSV value -> sheet value}, e.g. {Stage = {Engaging = "Proposal"}}',
    )


class ImportConfig(Strict):
    team: ImportTabConfig = ImportTabConfig()
    leads: ImportTabConfig = ImportTabConfig()
    deals: ImportTabConfig = ImportTabConfig()


class SheetConfig(Strict):
    """One more sheet (e.g. one per team) served by the same process: its own store, optionally its own locale."""

    name: str
    store: StoreConfig
    locale: Literal["en", "ja"] | None = None


class Config(Strict):
    locale: Literal["en", "ja"] = "en"
    timezone: str = "Asia/Tokyo"
    store: StoreConfig = StoreConfig()
    pipeline: PipelineConfig = PipelineConfig()
    thresholds: Thresholds = Thresholds()
    automation: AutomationConfig = AutomationConfig()
    reminders: RemindersConfig = RemindersConfig()
    reports: ReportsConfig = ReportsConfig()
    forecast: ForecastConfig = ForecastConfig()
    fit: FitConfig = FitConfig()
    service: ServiceConfig = ServiceConfig()
    # `import` is a Python keyword: the field is import_, the TOML table [import]
    import_: ImportConfig = Field(ImportConfig(), alias="import")
    sheets: tuple[SheetConfig, ...] = Field(
        (), description="more sheets for `serve`, each with its own store"
    )
    source: Path | None = Field(None, exclude=True)
    # where the locale was set ("--locale", "<file>: locale"), None if not: then the sheet's own is used
    locale_from: str | None = Field(None, exclude=True)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r}; use an IANA name such as Asia/Tokyo") from None
        return name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def per_sheet(self) -> list[tuple[str, Config]]:
        """(name, config) for every sheet this config serves: the main store, then each [[sheets]] entry."""
        main = ("main", self.model_copy(update={"sheets": ()}))
        more = [
            (
                sheet.name,
                self.model_copy(
                    update={
                        "store": sheet.store,
                        "locale": sheet.locale or self.locale,
                        "locale_from": f"{self.source}: sheets.locale" if sheet.locale else self.locale_from,
                        "sheets": (),
                    }
                ),
            )
            for sheet in self.sheets
        ]
        return [main, *more]
