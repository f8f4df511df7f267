"""Pipeline stages: the default sales process of the guide, replaceable in config."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sheets_schema.choices import Choice, ChoiceList


@dataclass(frozen=True)
class Stage:
    key: str
    en: str
    ja: str
    probability: float  # 0..1, for the weighted pipeline
    stall_days: int  # days in this stage after which an open deal counts as stalled (停滞)
    won: bool = False
    lost: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def closed(self) -> bool:
        return self.won or self.lost


DEFAULT_STAGES: tuple[Stage, ...] = (
    Stage("appointment", "Appointment", "アポイント", 0.1, 7, aliases=("アポ",)),
    Stage("first_visit", "First visit", "初回訪問", 0.2, 14, aliases=("hearing", "ヒアリング", "初訪")),
    Stage("proposal", "Proposal", "提案", 0.4, 21, aliases=("提案中",)),
    Stage("quotation", "Quotation", "見積提示", 0.6, 21, aliases=("quote", "見積")),
    Stage("negotiation", "Negotiation", "交渉", 0.8, 30, aliases=("closing", "最終交渉")),
    Stage("won", "Won", "受注", 1.0, 0, won=True, aliases=("closed won",)),
    Stage("lost", "Lost", "失注", 0.0, 0, lost=True, aliases=("closed lost",)),
)


@dataclass(frozen=True)
class Pipeline:
    stages: tuple[Stage, ...] = DEFAULT_STAGES

    @cached_property
    def choices(self) -> ChoiceList:
        return ChoiceList(
            "stage", tuple(Choice(s.key, s.en, s.ja, s.aliases) for s in self.stages), "ステージ"
        )

    def get(self, key: str) -> Stage:
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise KeyError(key)

    @cached_property
    def _by_key(self) -> dict[str, Stage]:
        # find runs for every deal in every period and month of the Forecast tab: a look-up, not a scan
        by_key: dict[str, Stage] = {}
        for stage in self.stages:
            by_key.setdefault(stage.key, stage)  # the first of a repeated key, as the scan found
        return by_key

    def find(self, key: str | None) -> Stage | None:
        """The stage with this key; None for an empty or unknown one (a bad cell, or a stage since removed)."""
        return self._by_key.get(key) if key else None

    @property
    def first_open(self) -> Stage:
        return next(s for s in self.stages if not s.closed)
