"""Realistic demo rows for the five input tabs, in English or Japanese.

Pure: no I/O and no clock. `today` is a parameter and all randomness comes from `random.Random(seed)`,
so the same arguments always give the same rows.

The story the rows tell is the team's process: marketing hands over leads, reps call them and log every
call, an appointment becomes a deal (with an owner and a first-visit task), each meeting moves the
deal along and registers the next task, and the deal ends won or lost. Rows hold only the
person-owned columns, in the order people would have typed them (chronological), as a person types
them: text, ints, `date` / `datetime` objects, choice labels in the locale; a blank cell is "".

The last few rows of each id'd tab have no id yet (typed since the last sync). With `bad_cells=True`
a handful of cells are spoiled the way real teams spoil them, one of each kind; `DemoBook.bad_cells`
(or `bad_cell_places(...)`) says where, and which problem the service should report there.

As of `today` the team looks live: most open deals are kept up (about a quarter are flagged), late tasks
are days late, and `DemoBook.history` holds each deal's stage path (a few moved back) and its amount and
close date changes, which `sfa-sync demo` writes to the hidden history tabs as the daily cycles would have
(so the stage before lost is known, and the Forecast tab has months of forecasts to check and a week of
changes to list). One pattern is
planted for the Win-Loss profile to find: manufacturers of 50+ people win far more often.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from sheets_schema.choices import (
    CALL_RESULTS,
    LEAD_STATUSES,
    ROLES,
    TASK_STATUSES,
    TASK_TYPES,
    YES_NO,
    ChoiceList,
)
from sheets_schema.parsing import CellParseError, parse_amount
from sheets_schema.stages import DEFAULT_STAGES
from sheets_schema.tabs import INPUT_TABS, TabSpec

Locale = Literal["en", "ja"]


@dataclass(frozen=True)
class DemoSize:
    # Nine months at this pace: the Forecast tab checks the last six months' forecasts against what was
    # won, which needs deals open at the first of each and a win or more in each.
    reps: int = 10  # people on the Team tab (reps, managers, marketing)
    leads: int = 450
    calls: int = 1350
    deals: int = 180
    tasks: int = 600
    months: int = 9  # how far back the leads were handed over

    def rows_by_tab(self) -> dict[str, int]:
        """Rows of each input tab, by tab key."""
        return {
            "team": self.reps,
            "leads": self.leads,
            "calls": self.calls,
            "deals": self.deals,
            "tasks": self.tasks,
        }


@dataclass(frozen=True)
class BadCell:
    tab: str  # input tab key
    row: int  # position in the tab's row list (0-based, not the grid row)
    column: str  # column key
    kind: str  # what went wrong, one kind per bad cell
    code: str  # the message code the service should report for the cell
    value: object  # the bad value typed


@dataclass(frozen=True)
class DealHistory:
    """How one deal (with an id) moved: what the service would have seen had it synced every day.

    `stages`: (day entered, stage key), oldest first; the last one is the deal's stage on the sheet.
    `changes`: (day seen, field, old, new) of its amount and close date, oldest first; each field's last
    `new` is the value on the sheet (see `past_values`)."""

    row: int  # position in the deals rows
    deal_id: str
    created_on: date
    stages: tuple[tuple[date, str], ...]
    changes: tuple[tuple[date, str, object, object], ...] = ()

    @property
    def closed_on(self) -> date | None:
        return self.stages[-1][0] if self.stages[-1][1] in ("won", "lost") else None

    @property
    def stage_before_close(self) -> str | None:
        return self.stages[-2][1] if self.closed_on and len(self.stages) > 1 else None


@dataclass(frozen=True)
class DemoBook:
    rows: dict[str, list[dict[str, object]]]
    bad_cells: tuple[BadCell, ...]
    history: tuple[DealHistory, ...] = ()  # for the hidden state tabs: the demo team's past cycles


# The kinds of bad cell, and the message code (sheets_schema.messages) each should produce.
# "parse" kinds fail in the row model; "reference" kinds parse but point at nothing / clash.
BAD_CELL_KINDS: dict[str, tuple[str, str]] = {
    "bad_amount": ("not_amount", "parse"),
    "impossible_date": ("not_calendar_date", "parse"),
    "unknown_stage": ("unknown_choice", "parse"),
    "unknown_call_result": ("unknown_choice", "parse"),
    "invalid_email": ("not_email", "parse"),
    "bad_employees": ("not_int", "parse"),
    "unknown_lead": ("unknown_lead", "reference"),
    "unknown_owner": ("unknown_person", "reference"),
    "duplicate_deal_id": ("duplicate_id", "reference"),
}

MONTHLY_TARGET = 3_000_000  # yen a rep is asked to win a month (Team tab, Monthly target)
PERSON_KEYS: dict[str, tuple[str, ...]] = {
    spec.key: tuple(c.key for c in spec.columns if not c.derived) for spec in INPUT_TABS
}
_SPECS: dict[str, TabSpec] = {spec.key: spec for spec in INPUT_TABS}

# A person who is not on the Team tab (their surname / given name are kept out of the pools below).
OUTSIDER = {"ja": "山田 太郎", "en": "Taro Yamada"}

# ---------------------------------------------------------------------------------------------- pools

_SURNAMES = (
    ("佐藤", "Sato"),
    ("鈴木", "Suzuki"),
    ("高橋", "Takahashi"),
    ("田中", "Tanaka"),
    ("伊藤", "Ito"),
    ("渡辺", "Watanabe"),
    ("中村", "Nakamura"),
    ("小林", "Kobayashi"),
    ("加藤", "Kato"),
    ("吉田", "Yoshida"),
    ("山口", "Yamaguchi"),
    ("松本", "Matsumoto"),
    ("井上", "Inoue"),
    ("木村", "Kimura"),
    ("林", "Hayashi"),
    ("斎藤", "Saito"),
    ("清水", "Shimizu"),
    ("山崎", "Yamazaki"),
    ("森", "Mori"),
    ("池田", "Ikeda"),
    ("橋本", "Hashimoto"),
    ("阿部", "Abe"),
    ("石川", "Ishikawa"),
    ("前田", "Maeda"),
    ("藤田", "Fujita"),
    ("小川", "Ogawa"),
    ("岡田", "Okada"),
    ("後藤", "Goto"),
    ("長谷川", "Hasegawa"),
    ("村上", "Murakami"),
    ("近藤", "Kondo"),
    ("石井", "Ishii"),
    ("坂本", "Sakamoto"),
    ("遠藤", "Endo"),
    ("青木", "Aoki"),
    ("藤井", "Fujii"),
    ("西村", "Nishimura"),
    ("福田", "Fukuda"),
    ("太田", "Ota"),
    ("三浦", "Miura"),
)
_GIVEN = (
    ("健", "Ken"),
    ("翔太", "Shota"),
    ("大輔", "Daisuke"),
    ("拓也", "Takuya"),
    ("直樹", "Naoki"),
    ("誠", "Makoto"),
    ("亮", "Ryo"),
    ("健太", "Kenta"),
    ("和也", "Kazuya"),
    ("隆", "Takashi"),
    ("浩二", "Koji"),
    ("悠斗", "Yuto"),
    ("陽介", "Yosuke"),
    ("修", "Osamu"),
    ("剛", "Tsuyoshi"),
    ("美咲", "Misaki"),
    ("陽子", "Yoko"),
    ("由美", "Yumi"),
    ("愛", "Ai"),
    ("彩", "Aya"),
    ("恵", "Megumi"),
    ("真由美", "Mayumi"),
    ("奈々", "Nana"),
    ("さくら", "Sakura"),
    ("裕子", "Yuko"),
    ("麻衣", "Mai"),
    ("千尋", "Chihiro"),
    ("香織", "Kaori"),
    ("智子", "Tomoko"),
    ("葵", "Aoi"),
)
_STEMS = (
    ("東和", "Towa"),
    ("日進", "Nisshin"),
    ("北斗", "Hokuto"),
    ("青葉", "Aoba"),
    ("桜", "Sakura"),
    ("旭", "Asahi"),
    ("三栄", "San-ei"),
    ("大和", "Yamato"),
    ("富士見", "Fujimi"),
    ("光洋", "Koyo"),
    ("中央", "Chuo"),
    ("昭和", "Showa"),
    ("新星", "Shinsei"),
    ("明光", "Meiko"),
    ("東邦", "Toho"),
    ("西日本", "Nishi-Nihon"),
    ("関東", "Kanto"),
    ("瀬戸", "Seto"),
    ("若葉", "Wakaba"),
    ("丸山", "Maruyama"),
    ("共栄", "Kyoei"),
    ("太陽", "Taiyo"),
    ("白鷺", "Shirasagi"),
    ("千代田", "Chiyoda"),
    ("港", "Minato"),
    ("サンライズ", "Sunrise"),
    ("ミライ", "Mirai"),
    ("ネクスト", "Next"),
    ("グローバル", "Global"),
    ("アクア", "Aqua"),
    ("テクノ", "Techno"),
    ("フロンティア", "Frontier"),
    ("リンク", "Link"),
    ("ブルースカイ", "Blue Sky"),
    ("みなと", "Minato Bay"),
    ("一光", "Ikko"),
    ("協和", "Kyowa"),
    ("平和", "Heiwa"),
    ("双葉", "Futaba"),
    ("朝日", "Asahi Sun"),
)
# industry key, ja, en, weight, company name forms (ja, en)
_INDUSTRIES = (
    (
        "mfg",
        "製造業",
        "Manufacturing",
        26,
        (
            ("{}工業株式会社", "{} Industries Co., Ltd."),
            ("{}精機株式会社", "{} Seiki Co., Ltd."),
            ("株式会社{}製作所", "{} Manufacturing Co., Ltd."),
        ),
    ),
    (
        "it",
        "IT・通信",
        "IT & Telecom",
        20,
        (
            ("株式会社{}システムズ", "{} Systems Inc."),
            ("{}ソフト株式会社", "{} Soft Co., Ltd."),
            ("{}テレコム株式会社", "{} Telecom Co., Ltd."),
        ),
    ),
    (
        "retail",
        "小売",
        "Retail",
        10,
        (("株式会社{}商店", "{} Stores Co., Ltd."), ("{}リテール株式会社", "{} Retail Co., Ltd.")),
    ),
    (
        "finance",
        "金融",
        "Finance",
        8,
        (("{}リース株式会社", "{} Leasing Co., Ltd."), ("{}証券株式会社", "{} Securities Co., Ltd.")),
    ),
    (
        "medical",
        "医療",
        "Healthcare",
        7,
        (("医療法人{}会", "{}kai Medical Corporation"), ("{}メディカル株式会社", "{} Medical Co., Ltd.")),
    ),
    (
        "logistics",
        "物流",
        "Logistics",
        10,
        (
            ("{}運輸株式会社", "{} Transport Co., Ltd."),
            ("{}ロジスティクス株式会社", "{} Logistics Co., Ltd."),
        ),
    ),
    ("construction", "建設", "Construction", 7, (("{}建設株式会社", "{} Construction Co., Ltd."),)),
    ("realestate", "不動産", "Real estate", 5, (("{}不動産株式会社", "{} Real Estate Co., Ltd."),)),
    (
        "services",
        "サービス",
        "Services",
        7,
        (("株式会社{}", "{} Co., Ltd."), ("{}商事株式会社", "{} Trading Co., Ltd.")),
    ),
)
# prefecture ja, en, weight, phone area code
_REGIONS = (
    ("東京都", "Tokyo", 30, "03"),
    ("大阪府", "Osaka", 12, "06"),
    ("愛知県", "Aichi", 9, "052"),
    ("神奈川県", "Kanagawa", 9, "045"),
    ("福岡県", "Fukuoka", 5, "092"),
    ("埼玉県", "Saitama", 5, "048"),
    ("千葉県", "Chiba", 4, "043"),
    ("北海道", "Hokkaido", 4, "011"),
    ("兵庫県", "Hyogo", 4, "078"),
    ("宮城県", "Miyagi", 3, "022"),
    ("京都府", "Kyoto", 3, "075"),
    ("広島県", "Hiroshima", 3, "082"),
    ("静岡県", "Shizuoka", 3, "054"),
)
_SOURCES = (  # key, ja, en, weight
    ("webinar", "ウェビナー", "Webinar", 30),
    ("exhibition", "展示会", "Exhibition", 20),
    ("whitepaper", "ホワイトペーパー", "Whitepaper", 18),
    ("website", "Webお問い合わせ", "Website inquiry", 15),
    ("referral", "紹介", "Referral", 10),
    ("newsletter", "メルマガ", "Newsletter", 7),
)
_WEBINAR_TOPICS = (
    ("営業DX入門", "Sales DX basics"),
    ("インサイドセールス立ち上げ", "Launching inside sales"),
    ("SFA定着のコツ", "Making SFA stick"),
    ("営業KPI設計", "Designing sales KPIs"),
)
_WHITEPAPERS = (
    ("営業KPI設計ガイド", "Sales KPI design guide"),
    ("SFA比較表", "SFA comparison sheet"),
    ("インサイドセールス実践マニュアル", "Inside sales playbook"),
    ("失注分析テンプレート", "Win-loss template"),
)
_SEASONS = {"ja": ("冬", "春", "夏", "秋"), "en": ("Winter", "Spring", "Summer", "Autumn")}
_DEPARTMENTS = (
    ("営業部", "Sales"),
    ("営業企画部", "Sales Planning"),
    ("情報システム部", "IT"),
    ("経営企画部", "Corporate Planning"),
    ("総務部", "General Affairs"),
    ("マーケティング部", "Marketing"),
    ("事業開発部", "Business Development"),
)
_POSITIONS = (
    ("部長", "Director"),
    ("課長", "Manager"),
    ("係長", "Section Chief"),
    ("主任", "Team Lead"),
    ("マネージャー", "Manager"),
    ("", "Staff"),
)
_PRODUCTS = (
    ("SFA導入", "SFA rollout"),
    ("営業管理システム導入", "Sales management system"),
    ("CRM刷新", "CRM migration"),
    ("名刺管理ツール導入", "Business card tool"),
    ("インサイドセールス支援", "Inside sales support"),
    ("MA連携", "MA integration"),
    ("営業ダッシュボード構築", "Sales dashboard"),
)
_LOST_REASONS = (
    ("価格", "Price", 30),
    ("競合", "Competitor", 25),
    ("時期尚早", "Timing", 20),
    ("予算なし", "No budget", 15),
    ("機能不足", "Missing features", 6),
    ("連絡途絶", "No response", 4),
)
# Lost reasons differ by segment as they do in real teams: retail and services lose on price, IT on
# competitors and features, finance and healthcare on timing and budget (weights in _LOST_REASONS order).
_LOST_WEIGHTS_BY_INDUSTRY = {
    "retail": (50, 15, 10, 15, 5, 5),
    "services": (45, 20, 10, 15, 5, 5),
    "it": (15, 40, 10, 5, 25, 5),
    "finance": (10, 15, 40, 25, 5, 5),
    "medical": (10, 10, 40, 30, 5, 5),
    "mfg": (25, 20, 30, 15, 5, 5),
}
# The planted pattern the Win-Loss profile should find: manufacturers (50+ people) win more, referrals too.
_BASE_WIN = 0.15
_PATTERN_WIN = 0.95
_HEALTHY_SHARE = 0.85  # open deals the team keeps up; the rest are flagged for the manager
_OPEN_KEYS = tuple(s.key for s in DEFAULT_STAGES if not s.closed and s.key != "appointment")
_STALL_DAYS = {s.key: s.stall_days for s in DEFAULT_STAGES}
_CALL_NOTES = {
    "no_answer": (
        ("担当者不在", "Contact not in"),
        ("留守電にメッセージ", "Left a voicemail"),
        ("午後に再架電", "Try again in the afternoon"),
    ),
    "blocked": (
        ("受付で取り次ぎ不可", "Reception would not put me through"),
        ("営業電話はお断りとのこと", "They refuse sales calls"),
    ),
    "call_back": (
        ("来週以降に折り返し希望", "Asked to call back next week"),
        ("会議中のため夕方に再架電", "In a meeting, call back this evening"),
        ("決裁者と相談後に連絡くださるとのこと", "Will talk to the decision maker first"),
    ),
    "not_interested": (
        ("現状のExcel管理で十分とのこと", "Happy with their spreadsheets"),
        ("他社ツールを導入済み", "Already use another tool"),
    ),
    "information_sent": (
        ("資料をメール送付、来週フォロー", "Sent the brochure, follow up next week"),
        ("料金表を送付", "Sent the price list"),
    ),
    "appointment": (
        ("オンライン商談希望", "Prefers an online meeting"),
        ("部長同席で訪問予定", "Visit with their director"),
        ("現行ツールの契約更新が近い", "Their current contract renews soon"),
    ),
    "wrong_number": (("番号が使われていない", "Number not in service"),),
    "not_a_fit": (("従業員数が少なく対象外", "Too small for us"), ("個人事業主のため対象外", "Sole trader")),
}
_LEAD_NOTES = (
    ("展示会ブースで名刺交換", "Swapped cards at our booth"),
    ("SFAの比較検討中", "Comparing SFA tools"),
    ("来期予算で検討", "Budget next fiscal year"),
    ("導入時期は未定", "No timeline yet"),
    ("営業10名規模", "Sales team of about 10"),
)
_DEAL_NOTES = (
    ("決裁者は部長", "Director decides"),
    ("競合A社と比較中", "Comparing with a competitor"),
    ("年度末までに導入したい", "Wants to go live by fiscal year end"),
    ("トライアル実施中", "Trial running"),
    ("稟議待ち", "Waiting for internal approval"),
    ("予算確保済み", "Budget secured"),
)
_TASK_NOTES = (
    ("資料持参", "Bring the brochure"),
    ("オンライン(Teams)", "Online (Teams)"),
    ("部長同席", "Director joins"),
    ("前回の宿題を確認", "Check last meeting's action items"),
    ("見積条件を再確認", "Recheck quote terms"),
)
_TASK_TITLES = {
    "first_visit": ("初訪", "First visit"),
    "follow_up": ("フォロー連絡", "Follow-up"),
    "meeting": ("2回目訪問", "Second meeting"),
    "proposal": ("提案書作成・送付", "Send proposal"),
    "quote": ("見積書提出", "Send quote"),
    "call": ("状況確認の電話", "Status call"),
    "email": ("お礼メール送付", "Thank-you email"),
    "other": ("社内稟議の確認", "Check internal approval"),
}
_CALLBACK_TITLE = ("折り返し電話", "Call back")
# task types registered after a meeting, by the deal's stage (index in DEFAULT_STAGES order)
_FOLLOW_TYPES = ("follow_up", "meeting", "proposal", "quote", "call", "email", "other")
_FOLLOW_WEIGHTS = {
    "first_visit": (4, 3, 2, 0, 3, 2, 1),
    "proposal": (3, 3, 4, 1, 2, 2, 1),
    "quotation": (3, 2, 1, 4, 2, 2, 2),
    "negotiation": (3, 3, 1, 2, 2, 1, 3),
    "won": (2, 2, 1, 1, 1, 2, 2),
    "lost": (3, 1, 2, 1, 2, 2, 1),
    "appointment": (3, 1, 1, 0, 3, 3, 1),
}

# call results: non-terminal (a lead is called again after them) and final ones
_RETRY_RESULTS = ("no_answer", "blocked", "call_back", "information_sent")
_RETRY_WEIGHTS = (48, 10, 26, 16)
_FINAL_RESULTS = (
    "no_answer",
    "blocked",
    "call_back",
    "information_sent",
    "not_interested",
    "not_a_fit",
    "wrong_number",
)
_FINAL_WEIGHTS = (22, 6, 20, 14, 24, 9, 5)
_NOTE_CHANCE = {"no_answer": 0.15, "blocked": 0.4, "wrong_number": 0.8}


def _cum(weights: tuple[int, ...]) -> list[int]:
    total, out = 0, []
    for w in weights:
        total += w
        out.append(total)
    return out


# ---------------------------------------------------------------------------------------------- sizes


def person_cell_count(size: DemoSize) -> int:
    """How many person-owned cells demo rows of this size hold."""
    return sum(n * len(PERSON_KEYS[tab]) for tab, n in size.rows_by_tab().items())


def scaled_size(cells: int) -> DemoSize:
    """A size for roughly `cells` person-owned cells, with the default proportions of leads, calls,
    deals and tasks. The team grows only with the square root (a team does not grow with its data)
    and stays between 10 and 200 people; `months` stays the default's."""
    base = DemoSize()
    per_unit = sum(
        n * len(PERSON_KEYS[t])
        for t, n in (
            ("leads", base.leads),
            ("calls", base.calls),
            ("deals", base.deals),
            ("tasks", base.tasks),
        )
    )
    reps = min(200, max(10, round(base.reps * math.sqrt(max(cells, 1) / person_cell_count(base)))))
    factor = max(cells - reps * len(PERSON_KEYS["team"]), 0) / per_unit
    leads = max(10, round(base.leads * factor))
    return DemoSize(
        reps=reps,
        leads=leads,
        calls=max(round(leads * base.calls / base.leads), 1),
        deals=max(round(leads * base.deals / base.leads), 1),
        tasks=max(round(leads * base.tasks / base.leads), 1),
        months=base.months,
    )


def _tail(n: int) -> int:
    """How many of the last rows have no id yet (typed since the last sync)."""
    return 0 if n <= 1 else min(max(1, n // 60), 5)


def _id(prefix: str, number: int) -> str:
    return f"{prefix}-{number:06d}"


# ---------------------------------------------------------------------------------------------- API


def demo_rows(
    locale: Locale,
    today: date,
    seed: int = 7,
    size: DemoSize = DemoSize(),
    bad_cells: bool = True,
) -> dict[str, list[dict[str, object]]]:
    """Rows for each input tab key: {column key: cell value} for the person-owned columns."""
    return demo_book(locale, today, seed, size, bad_cells).rows


def bad_cell_places(
    locale: Locale,
    today: date,
    seed: int = 7,
    size: DemoSize = DemoSize(),
) -> tuple[BadCell, ...]:
    """Where `demo_rows(..., bad_cells=True)` put its deliberately bad cells, for the same arguments."""
    return demo_book(locale, today, seed, size, True).bad_cells


def demo_book(
    locale: Locale,
    today: date,
    seed: int = 7,
    size: DemoSize = DemoSize(),
    bad_cells: bool = True,
) -> DemoBook:
    if locale not in ("en", "ja"):
        raise ValueError(f"locale must be 'en' or 'ja', not {locale!r}")
    if isinstance(today, datetime):
        today = today.date()
    if size.reps < 1 or min(size.leads, size.calls, size.deals, size.tasks) < 0 or size.months < 1:
        raise ValueError(f"not a usable demo size: {size}")
    return _Generator(locale, today, random.Random(seed), size, bad_cells).build()


# ---------------------------------------------------------------------------------------------- generator


@dataclass
class _Person:
    name: str
    role: str
    email: str
    manager: str
    team: str
    active: bool
    left_on: date | None  # an inactive rep's last day


@dataclass
class _Lead:
    index: int
    id: str
    company: str
    caller: int  # index into reps
    handed_over: date
    row: dict[str, object]
    industry: str = ""  # key, e.g. "mfg"
    source: str = ""  # lead source key, e.g. "referral"
    employees: int = 0
    last_result: str | None = None
    last_call: datetime | None = None
    last_caller: str = ""
    appointment: tuple[datetime, str, date] | None = None  # called_at, caller, appointment date


# a task before it becomes a row: typed at, seq, deal index or -1, lead, type, due, owner, status decided or ""
_TaskSpec = tuple[datetime, int, int, _Lead, str, date, str, str]


@dataclass
class _Deal:
    lead: _Lead
    created: datetime
    visit: date
    stage: str
    owner: str  # who does the work ("" -> the appointment setter does)
    setter: str
    close: date | None
    id: str = ""
    stalled: bool = False
    healthy: bool = False  # an open deal the team keeps up: owner, close date ahead, a next task, recent work
    stages: tuple[tuple[date, str], ...] = ()  # (day entered, stage key), oldest first


class _Generator:
    def __init__(self, locale: Locale, today: date, rng: random.Random, size: DemoSize, bad: bool) -> None:
        self.loc = locale
        self.ja = locale == "ja"
        self.l = 0 if self.ja else 1  # index of the locale's text in the (ja, en) pairs
        self.today = today
        self.rng = rng
        self.size = size
        self.bad = bad
        self.period = max(1, round(size.months * 30.4))
        self.start = today - timedelta(days=self.period)
        self.bad_cells: list[BadCell] = []

    # -- helpers

    def pick(self, pairs: tuple[tuple[str, str], ...]) -> str:
        return pairs[self.rng.randrange(len(pairs))][self.l]

    def label(self, choices: ChoiceList, key: str) -> str:
        return choices.get(key).label(self.loc)

    def person_name(self, surname: tuple[str, str], given: tuple[str, str]) -> str:
        return f"{surname[0]} {given[0]}" if self.ja else f"{given[1]} {surname[1]}"

    @staticmethod
    def weekday_back(day: date, floor: date) -> date:
        """The same day, or the Friday before a weekend day, unless that is before `floor`."""
        wd = day.weekday()
        if wd >= 5:
            moved = day - timedelta(days=wd - 4)
            if moved >= floor:
                return moved
        return day

    @staticmethod
    def weekday_forward(day: date) -> date:
        wd = day.weekday()
        return day + timedelta(days=7 - wd) if wd >= 5 else day

    # -- build

    def build(self) -> DemoBook:
        team = self.team()
        leads = self.leads()
        calls = self.calls(leads)
        deals, deal_rows = self.deals(leads)
        tasks = self.tasks(leads, deals)
        rows = {
            "team": team,
            "leads": [lead.row for lead in leads],
            "calls": calls,
            "deals": deal_rows,
            "tasks": tasks,
        }
        if self.bad:
            self.spoil(rows, leads, deals)
        return DemoBook(rows, tuple(self.bad_cells), self.history(deals, deal_rows))

    def history(self, deals: list[_Deal], rows: list[dict[str, object]]) -> tuple[DealHistory, ...]:
        """The stage paths of the deals that had an id at the last sync (a copied id has none of its own),
        with the amount and close date changes the daily cycles would have seen (`past_values`)."""
        plain = tuple(
            DealHistory(k, deal.id, deal.created.date(), deal.stages)
            for k, deal in enumerate(deals)
            if deal.id and rows[k]["deal_id"] == deal.id and k != self.dup_deal
        )
        # its own generator, drawn after every row is made: the rows do not depend on the history
        return past_values(plain, deals, rows, self.today, random.Random(self.rng.getrandbits(64)))

    # -- team

    def team(self) -> list[dict[str, object]]:
        rng, n = self.rng, self.size.reps
        managers = max(1, n // 10) if n >= 3 else 0
        marketing = max(1, n // 15) if n >= 3 else 0
        reps = n - managers - marketing
        combos = rng.sample(range(len(_SURNAMES) * len(_GIVEN)), n)
        domain = "example.co.jp" if self.ja else "example.com"
        people: list[_Person] = []
        emails: set[str] = set()
        sales = ("営業{}課", "Sales {}")[self.l]
        for i, combo in enumerate(combos):
            surname, given = _SURNAMES[combo // len(_GIVEN)], _GIVEN[combo % len(_GIVEN)]
            local = (f"{given[1][0]}.{surname[1]}" if self.ja else f"{given[1]}.{surname[1]}").lower()
            local = local.replace(" ", "").replace("-", "")
            email, k = f"{local}@{domain}", 2
            while email in emails:
                email, k = f"{local}{k}@{domain}", k + 1
            emails.add(email)
            if i < managers:
                role, team, manager = "manager", sales.format(i + 1), ""
            elif i < managers + reps:
                group = (i - managers) % max(managers, 1)
                role = "rep"
                team = sales.format(group + 1)
                manager = people[group].name if managers else ""
            else:
                role, team = "marketing", ("マーケティング部", "Marketing")[self.l]
                manager = people[0].name if managers else ""
            people.append(_Person(self.person_name(surname, given), role, email, manager, team, True, None))
        rep_people = [p for p in people if p.role == "rep"]
        if len(rep_people) >= 3:
            for person in rng.sample(rep_people, max(1, len(rep_people) // 10)):
                person.active = False
                person.left_on = self.today - timedelta(days=rng.randint(self.period // 4, self.period // 2))
        self.reps = rep_people
        self.active_reps = [p for p in rep_people if p.active] or rep_people
        yes, no = self.label(YES_NO, "yes"), self.label(YES_NO, "no")
        return [
            {
                "name": p.name,
                "email": p.email,
                "role": self.label(ROLES, p.role),
                "manager": p.manager,
                "team": p.team,
                "active": yes if p.active else no,
                "target": MONTHLY_TARGET if p.role == "rep" else None,  # the Forecast tab's attainment
            }
            for p in people
        ]

    # -- leads

    def leads(self) -> list[_Lead]:
        rng, ja, lang = self.rng, self.ja, self.l
        n = self.size.leads
        offsets = sorted(rng.randrange(self.period) for _ in range(n))
        industry_cum = _cum(tuple(i[3] for i in _INDUSTRIES))
        region_cum = _cum(tuple(r[2] for r in _REGIONS))
        source_cum = _cum(tuple(s[3] for s in _SOURCES))
        status_new = self.label(LEAD_STATUSES, "new")
        tail = _tail(n)
        rep_count = len(self.reps)
        out: list[_Lead] = []
        for i, offset in enumerate(offsets):
            day = self.weekday_back(self.start + timedelta(days=offset), self.start)
            industry = rng.choices(_INDUSTRIES, cum_weights=industry_cum)[0]
            forms = industry[4]
            form = forms[rng.randrange(len(forms))][lang]
            company = form.format(_STEMS[rng.randrange(len(_STEMS))][lang])
            region = rng.choices(_REGIONS, cum_weights=region_cum)[0]
            source = rng.choices(_SOURCES, cum_weights=source_cum)[0]
            surname = _SURNAMES[rng.randrange(len(_SURNAMES))]
            given = _GIVEN[rng.randrange(len(_GIVEN))]
            r = rng.random()
            if r < 0.08:
                title = ("代表取締役", "CEO")[lang]
            else:
                dept = _DEPARTMENTS[rng.randrange(len(_DEPARTMENTS))]
                pos = _POSITIONS[rng.randrange(len(_POSITIONS))]
                title = f"{dept[0]} {pos[0]}".strip() if ja else f"{dept[1]} {pos[1]}"
            slug = _STEMS[rng.randrange(len(_STEMS))][1].lower().replace(" ", "").replace("-", "")
            email = (
                "" if rng.random() < 0.1 else f"{given[1][0].lower()}.{surname[1].lower()}@{slug}.example.jp"
            )
            area = region[3]
            if rng.random() < 0.12:
                phone = f"0{rng.choice('789')}0-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
            elif len(area) == 2:
                phone = f"{area}-{rng.randint(3000, 6999)}-{rng.randint(1000, 9999)}"
            else:
                phone = f"{area}-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}"
            employees_n = max(5, int(math.exp(rng.gauss(5.0, 1.2))))
            if employees_n > 1000:
                employees_n = round(employees_n, -2)
            r = rng.random()
            employees: object = employees_n
            if r < 0.08:
                employees = f"{employees_n}名" if ja else f"{employees_n:,}"
            # the caller: reps who had left by the handover get no new leads
            caller = rng.randrange(rep_count)
            person = self.reps[caller]
            if person.left_on is not None and day > person.left_on - timedelta(days=10):
                caller = self.reps.index(self.active_reps[rng.randrange(len(self.active_reps))])
            lead_id = _id("L", i + 1) if i < n - tail else ""
            notes = self.pick(_LEAD_NOTES) if rng.random() < 0.2 else ""
            row: dict[str, object] = {
                "lead_id": lead_id,
                "company": company,
                "contact": self.person_name(surname, given),
                "title": title,
                "email": email,
                "phone": phone,
                "industry": industry[1 + lang],
                "employees": employees,
                "region": region[lang],
                "lead_source": source[1 + lang],
                "campaign": self.campaign(source[0], day),
                "handed_over_on": day,
                "assigned_caller": self.reps[caller].name,
                "status": status_new,
                "notes": notes,
            }
            out.append(_Lead(i, lead_id, company, caller, day, row, industry[0], source[0], employees_n))
        return out

    def campaign(self, source: str, day: date) -> str:
        rng, y, m = self.rng, day.year, day.month
        if source == "webinar":
            topic = _WEBINAR_TOPICS[(y * 12 + m) % len(_WEBINAR_TOPICS)]
            return f"{y}年{m}月ウェビナー「{topic[0]}」" if self.ja else f"Webinar {y}-{m:02d}: {topic[1]}"
        if source == "exhibition":
            season = _SEASONS[self.loc][(m % 12) // 3]
            return (
                f"営業・マーケティングEXPO {y}{season}" if self.ja else f"Sales & Marketing Expo {y} {season}"
            )
        if source == "whitepaper":
            return self.pick(_WHITEPAPERS)
        if source == "website":
            r = rng.random()
            if r < 0.5:
                return ""
            return (
                ("料金ページ", "Pricing page")[self.l]
                if r < 0.75
                else ("資料請求フォーム", "Brochure form")[self.l]
            )
        if source == "referral":
            return self.pick((("パートナー紹介", "Partner referral"), ("既存顧客紹介", "Customer referral")))
        return f"{y}年{m}月号メルマガ" if self.ja else f"Newsletter {y}-{m:02d}"

    # -- calls

    def calls(self, leads: list[_Lead]) -> list[dict[str, object]]:
        rng, size, today = self.rng, self.size, self.today
        n_calls = size.calls
        # the newest leads (at least those without an id) have not been called yet
        uncalled = max(_tail(len(leads)), round(0.04 * len(leads)))
        called = leads[: max(0, min(len(leads) - uncalled, n_calls))]
        if not called:
            self.call_rows: list[tuple] = []
            return []
        extra_appointments = max(1, round(0.03 * size.deals)) if size.deals else 0
        n_appointments = min(size.deals + extra_appointments, len(called))
        appointment_leads = set(rng.sample(range(len(called)), n_appointments))
        counts = [1] * len(called)
        weights = [1.6 if i in appointment_leads else 1.0 for i in range(len(called))]
        for i in rng.choices(range(len(called)), weights=weights, k=n_calls - len(called)):
            counts[i] += 1
        retry_cum, final_cum = _cum(_RETRY_WEIGHTS), _cum(_FINAL_WEIGHTS)
        yesterday = today - timedelta(days=1)
        active = self.active_reps
        raw: list[tuple] = []
        for i, lead in enumerate(called):
            n = counts[i]
            day = lead.handed_over + timedelta(days=rng.randint(0, 3))
            owner = self.reps[lead.caller]
            for j in range(n):
                when = min(day, yesterday)
                when = self.weekday_back(when, lead.handed_over)
                if (owner.left_on is not None and when > owner.left_on) or rng.random() < 0.08:
                    caller = active[rng.randrange(len(active))].name
                else:
                    caller = owner.name
                if j == n - 1:
                    result = (
                        "appointment"
                        if i in appointment_leads
                        else rng.choices(_FINAL_RESULTS, cum_weights=final_cum)[0]
                    )
                else:
                    result = rng.choices(_RETRY_RESULTS, cum_weights=retry_cum)[0]
                at = datetime.combine(when, time(rng.randint(9, 18), rng.randint(0, 59)))
                raw.append((at, lead.index, caller, result))
                day = day + timedelta(days=rng.randint(1, 3 + 2 * j))
        raw.sort(key=lambda c: c[0])
        rows: list[dict[str, object]] = []
        tail = _tail(len(raw))
        labels = {c.key: c.label(self.loc) for c in CALL_RESULTS.choices}
        for k, (at, lead_index, caller, result) in enumerate(raw):
            lead = leads[lead_index]
            appointment: object = ""
            if result == "appointment":
                appointment = self.weekday_forward(at.date() + timedelta(days=rng.randint(2, 14)))
                lead.appointment = (at, caller, appointment)
            lead.last_result, lead.last_call, lead.last_caller = result, at, caller
            notes = ""
            if rng.random() < _NOTE_CHANCE.get(result, 0.7):
                notes = self.pick(_CALL_NOTES[result])
            rows.append(
                {
                    "call_id": _id("C", k + 1) if k < len(raw) - tail else "",
                    "lead_id": lead.id,
                    "called_at": at,
                    "caller": caller,
                    "result": labels[result],
                    "appointment_date": appointment,
                    "notes": notes,
                }
            )
        self.call_rows = raw
        for lead in leads:  # the status a rep keeps up to date on the lead
            last = lead.last_result
            if last is None:
                continue
            if last == "appointment":
                status = "appointment"
            elif last in ("not_a_fit", "wrong_number"):
                status = "disqualified"
            elif last == "not_interested":
                status = "nurture" if rng.random() < 0.5 else "disqualified"
            else:
                status = "calling"
            lead.row["status"] = self.label(LEAD_STATUSES, status)
        return rows

    # -- deals

    def deals(self, leads: list[_Lead]) -> tuple[list[_Deal], list[dict[str, object]]]:
        rng, today = self.rng, self.today
        # (lead, its appointment: called_at, caller, appointment date), by when it was booked
        booked = sorted(
            ((lead, lead.appointment) for lead in leads if lead.appointment), key=lambda pair: pair[1][0]
        )
        booked = booked[: self.size.deals]  # the newest appointments are not on Deals yet
        stage_keys = [s.key for s in DEFAULT_STAGES]
        # half closed (nine months of deals), older deals more likely, only deals whose first visit is 10+ days past
        eligible = [i for i, (_, (_, _, visit)) in enumerate(booked) if visit <= today - timedelta(days=10)]
        n_closed = min(len(eligible), round(0.5 * len(booked)))
        keyed = sorted(
            eligible,
            key=lambda i: -(rng.random() ** (1.0 / max(1, (today - booked[i][1][0].date()).days))),
        )
        closed = set(keyed[:n_closed])
        deals: list[_Deal] = []
        for i, (lead, (at, setter, visit)) in enumerate(booked):
            deal = self.deal(lead, at, setter, visit, i in closed)
            deal.stages = self.stage_path(deal)
            deals.append(deal)
        tail = _tail(len(deals))
        stage_labels = {
            key: stage.en if not self.ja else stage.ja
            for key, stage in zip(stage_keys, DEFAULT_STAGES, strict=True)
        }
        reasons_cum = _cum(tuple(r[2] for r in _LOST_REASONS))
        rows: list[dict[str, object]] = []
        for k, deal in enumerate(deals):
            deal.id = _id("D", k + 1) if k < len(deals) - tail else ""
            lead = deal.lead
            amount = self.amount(deal.stage, deal.healthy)
            close_cell: object = deal.close
            if deal.stage == "appointment" and not deal.healthy and rng.random() < 0.5:
                close_cell = ""
            lost_reason = ""
            if deal.stage == "lost" and rng.random() < 0.9:
                weights = _LOST_WEIGHTS_BY_INDUSTRY.get(lead.industry)
                cum = _cum(weights) if weights else reasons_cum
                ja, en, _ = rng.choices(_LOST_REASONS, cum_weights=cum)[0]
                lost_reason = (ja, en)[self.l]
            product = self.pick(_PRODUCTS)
            rows.append(
                {
                    "deal_id": deal.id,
                    "lead_id": lead.id,
                    "deal_name": f"{lead.company} {product}" if self.ja else f"{lead.company} - {product}",
                    "company": lead.company,
                    "owner": deal.owner,
                    "appointment_by": deal.setter,
                    "stage": stage_labels[deal.stage],
                    "amount": amount,
                    "close_date": close_cell,
                    "lost_reason": lost_reason,
                    "notes": self.pick(_DEAL_NOTES) if rng.random() < 0.35 else "",
                }
            )
        return deals, rows

    def deal(self, lead: _Lead, at: datetime, setter: str, visit: date, closes: bool) -> _Deal:
        """One deal: who owns it, where it stands, when it is expected to close. About three in four open
        deals are kept up (healthy); the rest are what a manager should see: stalled, an owner missing,
        a close date passed, no next task."""
        rng, today, open_keys = self.rng, self.today, _OPEN_KEYS
        r = rng.random()
        active = self.active_reps
        if r < 0.6:
            owner = setter
        elif r < 0.9:
            owner = active[rng.randrange(len(active))].name
        else:
            owner = ""
        since_visit = (today - visit).days
        if closes:
            stage = "won" if rng.random() < self.win_chance(lead) else "lost"
            close = self.weekday_back(
                visit + timedelta(days=rng.randint(7, max(7, min(90, since_visit - 1)))), visit
            )
            return _Deal(lead, at, visit, stage, owner, setter, min(close, today - timedelta(days=1)))
        if since_visit < 0:
            stage, close = "appointment", visit + timedelta(days=rng.randint(45, 120))
        else:
            step = min(len(open_keys) - 1, int(since_visit / rng.uniform(14, 70)))
            stage, close = open_keys[step], visit + timedelta(days=rng.randint(30, 120))
            if since_visit > 45 and rng.random() < 0.12:  # stalled: stuck early, close date long past
                stage = open_keys[rng.randrange(2)]
                close = visit + timedelta(days=rng.randint(14, max(14, min(40, since_visit - 5))))
                return _Deal(lead, at, visit, stage, owner, setter, close, stalled=True)
        if rng.random() >= _HEALTHY_SHARE:
            return _Deal(lead, at, visit, stage, owner, setter, close)
        if not owner or owner not in {p.name for p in active}:
            owner = setter if setter in {p.name for p in active} else active[rng.randrange(len(active))].name
        if close < today + timedelta(days=7):
            close = today + timedelta(days=rng.randint(10, 75))
        if stage == "first_visit" and since_visit > _STALL_DAYS["first_visit"] - 2:
            stage = "proposal"  # a kept-up deal does not sit at its first visit for weeks
        return _Deal(lead, at, visit, stage, owner, setter, close, healthy=True)

    @staticmethod
    def win_chance(lead: _Lead) -> float:
        """The planted pattern: manufacturers of 50 people or more win far more often; referrals somewhat more."""
        if lead.industry == "mfg" and lead.employees >= 50:
            return _PATTERN_WIN
        if lead.source == "referral":
            return (_PATTERN_WIN + _BASE_WIN) / 2
        return _BASE_WIN

    def stage_path(self, deal: _Deal) -> tuple[tuple[date, str], ...]:
        """(day entered, stage) from the appointment to the deal's stage today, through the stages between.
        A kept-up deal entered its stage within that stage's stall limit; a stalled one sits where it was
        put after the first visit; a closed one closed on its close date from the last open stage it reached."""
        rng, today = self.rng, self.today
        created = deal.created.date()
        path = [(created, "appointment")]
        if deal.stage == "appointment":
            return tuple(path)
        if deal.stage in ("won", "lost"):
            weights = (1, 2, 3, 6) if deal.stage == "won" else (4, 3, 3, 2)
            last = rng.choices(range(len(_OPEN_KEYS)), weights=weights)[0]
            end = deal.close or today
        else:
            last = _OPEN_KEYS.index(deal.stage)
            end = None
        visit = min(max(deal.visit, created), today)
        path.append((visit, "first_visit"))
        if last > 0:
            if deal.stalled or end is not None:
                latest = (end or today) - timedelta(days=1)
                entered = visit + timedelta(days=rng.randint(1, max(1, (latest - visit).days)))
                entered = min(entered, latest) if latest > visit else visit
            elif deal.healthy:
                limit = _STALL_DAYS[_OPEN_KEYS[last]]
                entered = max(visit, today - timedelta(days=rng.randint(1, max(1, limit - 2))))
            else:
                entered = visit + timedelta(days=rng.randint(0, max(0, (today - visit).days)))
            span = max(0, (entered - visit).days)
            between = sorted(visit + timedelta(days=rng.randint(0, span)) for _ in range(last - 1))
            for day, key in zip((*between, entered), _OPEN_KEYS[1 : last + 1], strict=True):
                path.append((max(day, path[-1][0]), key))
        if end is not None:
            path.append((max(end, path[-1][0]), deal.stage))
        return tuple(path)

    def amount(self, stage: str, healthy: bool = False) -> object:
        rng = self.rng
        blank = {"appointment": 0.7, "first_visit": 0.4, "lost": 0.2}.get(stage, 0.0)
        if healthy and stage not in ("appointment", "first_visit"):
            blank = 0.0
        if rng.random() < blank:
            return ""
        yen = max(100_000, round(math.exp(rng.gauss(14.2, 0.8)) / 10_000) * 10_000)  # median ~1.5M yen
        r = rng.random()
        if r < 0.75:
            return yen
        if r < 0.85:
            return f"{yen:,}"
        if r < 0.93:
            return f"¥{yen:,}"
        if self.ja:
            return f"{yen // 10_000}万円" if rng.random() < 0.7 else f"{yen:,}円"
        return f"JPY {yen:,}"

    # -- tasks

    def tasks(self, leads: list[_Lead], deals: list[_Deal]) -> list[dict[str, object]]:
        rng, today = self.rng, self.today
        n_tasks = self.size.tasks
        # The last deal with an id was typed together with its tasks, before the sync that gave it its id:
        # its tasks point at the lead. (With bad cells it gets a copy of an older deal's id, a copy-pasted
        # row; since no task uses its id, the duplicate is the only problem that causes.)
        with_id = [k for k, d in enumerate(deals) if d.id]
        self.dup_deal = with_id[-1] if len(with_id) >= 2 else -1
        firsts = deals[:n_tasks]
        rest = n_tasks - len(firsts)
        # (lead, when it was last called): a call_back result always comes with its call's time
        callbacks = [
            (lead, lead.last_call)
            for lead in leads
            if lead.last_result == "call_back" and lead.id and lead.last_call is not None
        ]
        n_callbacks = min(len(callbacks), round(0.1 * rest))
        # a kept-up open deal has a task done lately and an open next one: two tasks each
        kept_up = [k for k, d in enumerate(deals) if d.healthy and d.stage != "appointment"]
        kept_up = kept_up[: max(0, rest - n_callbacks) // 2]
        n_follow = rest - n_callbacks - 2 * len(kept_up)
        # (typed_at, seq, deal index or -1, lead, type, due, owner, status decided or "")
        specs: list[_TaskSpec] = []
        for k, deal in enumerate(firsts):
            worker = deal.owner or deal.setter
            specs.append(
                (
                    deal.created + timedelta(minutes=rng.randint(2, 90)),
                    len(specs),
                    k,
                    deal.lead,
                    "first_visit",
                    deal.visit,
                    worker,
                    "",
                )
            )
        weight_of = {
            "appointment": 0.3,
            "first_visit": 1,
            "proposal": 2,
            "quotation": 3,
            "negotiation": 4,
            "won": 4,
            "lost": 2,
        }
        cum_types = {stage: _cum(w) for stage, w in _FOLLOW_WEIGHTS.items()}
        if n_follow and deals:
            weights = [0.5 if d.stalled else weight_of[d.stage] for d in deals]
            for k in rng.choices(range(len(deals)), weights=weights, k=n_follow):
                deal = deals[k]
                if deal.stage in ("won", "lost"):
                    end = deal.close or today
                elif deal.stalled:
                    end = min(deal.close or today, today - timedelta(days=7))
                else:
                    end = today + timedelta(days=21)
                begin = deal.visit if deal.stage != "appointment" else deal.created.date()
                span = max(0, (end - begin).days)
                due = self.weekday_forward(begin + timedelta(days=rng.randint(min(1, span), span)))
                typed = datetime.combine(
                    max(begin, due - timedelta(days=rng.randint(1, 10))),
                    time(rng.randint(9, 19), rng.randint(0, 59)),
                )
                typed = min(typed, datetime.combine(today, time(9)))
                if typed < deal.created:
                    typed = deal.created + timedelta(hours=1)
                kind = rng.choices(_FOLLOW_TYPES, cum_weights=cum_types[deal.stage])[0]
                specs.append((typed, len(specs), k, deal.lead, kind, due, deal.owner or deal.setter, ""))
        for k in kept_up:
            specs += self.kept_up_tasks(k, deals[k], len(specs), cum_types[deals[k].stage])
        for lead, at in rng.sample(callbacks, n_callbacks):
            due = self.weekday_forward(at.date() + timedelta(days=rng.randint(1, 5)))
            specs.append((at + timedelta(minutes=1), len(specs), -1, lead, "call", due, lead.last_caller, ""))
        specs.sort(key=lambda s: (s[0], s[1]))
        # a few open follow-ups fall due today
        today_candidates = [
            p
            for p, s in enumerate(specs)
            if s[4] not in ("first_visit",)
            and s[2] >= 0
            and deals[s[2]].stage not in ("won", "lost")
            and not deals[s[2]].stalled
            and s[0].date() < today
        ]
        for p in rng.sample(today_candidates, min(len(today_candidates), max(1, len(specs) // 100))):
            typed, seq, k, lead, kind, _due, owner, decided = specs[p]
            specs[p] = (typed, seq, k, lead, kind, today, owner, decided)
        status_labels = {c.key: c.label(self.loc) for c in TASK_STATUSES.choices}
        type_labels = {c.key: c.label(self.loc) for c in TASK_TYPES.choices}
        tail = _tail(len(specs))
        rows: list[dict[str, object]] = []
        for p, (_typed, _seq, k, lead, kind, due, owner, decided) in enumerate(specs):
            of_deal = deals[k] if k >= 0 else None
            status, done_on = self.task_status(of_deal, kind, due, decided)
            deal_id = of_deal.id if of_deal is not None and k != self.dup_deal else ""
            title = _CALLBACK_TITLE[self.l] if of_deal is None else _TASK_TITLES[kind][self.l]
            rows.append(
                {
                    "task_id": _id("T", p + 1) if p < len(specs) - tail else "",
                    "deal_id": deal_id,
                    "lead_id": "" if deal_id else lead.id,
                    "type": type_labels[kind],
                    "title": f"{title}({lead.company})" if self.ja else f"{title} - {lead.company}",
                    "owner": owner,
                    "due_date": due,
                    "status": status_labels[status],
                    "completed_on": done_on,
                    "notes": self.pick(_TASK_NOTES) if rng.random() < 0.2 else "",
                }
            )
        return rows

    def kept_up_tasks(self, k: int, deal: _Deal, seq: int, cum_types: list[int]) -> list[_TaskSpec]:
        """A task done in the last days (the deal's latest activity) and the open next one, due from a few
        days ago (a little late, as people are) to two weeks ahead."""
        rng, today = self.rng, self.today
        owner = deal.owner or deal.setter
        out: list[_TaskSpec] = []
        for decided, due in (
            ("done", today - timedelta(days=rng.randint(2, 9))),
            ("open", today + timedelta(days=rng.randint(-6, 12))),
        ):
            due = max(self.weekday_forward(due) if decided == "open" else due, deal.visit)
            typed_on = max(deal.created.date(), min(due, today) - timedelta(days=rng.randint(1, 6)))
            typed = datetime.combine(typed_on, time(rng.randint(9, 18), rng.randint(0, 59)))
            typed = max(min(typed, datetime.combine(today, time(9))), deal.created + timedelta(hours=1))
            kind = rng.choices(_FOLLOW_TYPES, cum_weights=cum_types)[0]
            out.append((typed, seq + len(out), k, deal.lead, kind, due, owner, decided))
        return out

    def task_status(self, deal: _Deal | None, kind: str, due: date, decided: str = "") -> tuple[str, object]:
        rng, today = self.rng, self.today
        r = rng.random()
        closed = deal is not None and deal.stage in ("won", "lost")
        if decided == "done" and due < today:
            return "done", min(due + timedelta(days=rng.randint(0, 1)), today - timedelta(days=1))
        if decided or (due >= today and not closed):
            return ("open" if r < 0.85 else "in_progress"), ""
        if closed:
            status = "done" if r < 0.88 else "cancelled"
        elif kind == "first_visit":
            status = "done" if r < 0.9 else ("cancelled" if r < 0.99 else "open")
        elif (today - due).days > 10:  # long past: done or dropped; rarely left open for months
            status = "done" if r < 0.85 else ("cancelled" if r < 0.995 else "open")
        else:
            status = (
                "done" if r < 0.8 else ("cancelled" if r < 0.86 else ("open" if r < 0.97 else "in_progress"))
            )
        if status != "done":
            return status, ""
        done_on = due + timedelta(days=rng.randint(-3, 2))
        return status, min(done_on, today - timedelta(days=1)) if done_on >= today else done_on

    # -- bad cells

    def spoil(self, rows: dict[str, list[dict[str, object]]], leads: list[_Lead], deals: list[_Deal]) -> None:
        rng, ja = self.rng, self.ja
        used: dict[str, set[int]] = {tab: set() for tab in rows}

        def place(tab: str, candidates: list[int], column: str, kind: str, value: object) -> None:
            free = [p for p in candidates if p not in used[tab]]
            if not free:
                return
            p = free[rng.randrange(len(free))]
            used[tab].add(p)
            rows[tab][p][column] = value
            self.bad_cells.append(BadCell(tab, p, column, kind, BAD_CELL_KINDS[kind][0], value))

        team, calls, deal_rows, tasks = rows["team"], rows["calls"], rows["deals"], rows["tasks"]
        appointment_label = self.label(CALL_RESULTS, "appointment")
        if self.dup_deal > 0:
            k = self.dup_deal
            used["deals"].add(k)
            original = deal_rows[rng.randrange(k)]["deal_id"]
            deal_rows[k]["deal_id"] = original
            self.bad_cells.append(
                BadCell("deals", k, "deal_id", "duplicate_deal_id", "duplicate_id", original)
            )
        with_amount = [p for p, row in enumerate(deal_rows) if isinstance(row["amount"], int)]
        place("deals", with_amount, "amount", "bad_amount", "12O,000" if rng.random() < 0.5 else "abc")
        no_reason = [
            p for p, row in enumerate(deal_rows) if not row["lost_reason"]
        ]  # an open deal, typed over
        place("deals", no_reason, "stage", "unknown_stage", "検討中" if ja else "Evaluating")
        plain_calls = [p for p, row in enumerate(calls) if row["result"] != appointment_label]
        place("calls", plain_calls, "lead_id", "unknown_lead", _id("L", len(leads) + 900))
        place("calls", plain_calls, "result", "unknown_call_result", "留守電" if ja else "Voicemail")
        place("tasks", list(range(len(tasks))), "due_date", "impossible_date", f"{self.today.year}/13/45")
        place("tasks", list(range(len(tasks))), "owner", "unknown_owner", OUTSIDER[self.loc])
        place(
            "leads",
            list(range(len(rows["leads"]))),
            "employees",
            "bad_employees",
            "約300名" if ja else "about 300",
        )
        reps = [p for p, row in enumerate(team) if row["role"] == self.label(ROLES, "rep")]
        if reps:
            p = reps[rng.randrange(len(reps))]
            place("team", [p], "email", "invalid_email", str(team[p]["email"]).replace("@", ".", 1))
        self.bad_cells.sort(key=lambda b: (list(rows).index(b.tab), b.row))


# ---------------------------------------------------------------------------------------------- history
# What a team's daily cycles log besides the stage path: the amount typed once the deal takes shape and
# revised now and then, the close date planned at creation and moved (pushed; set to the day it closed),
# and now and then a deal moved back a stage (a re-proposal). Every value ends where the Deals row is.
# The facts Manager Review flags read stay as the rows make them: a deal the team does not keep up changes
# nothing after it entered its stage, and no deal is pushed often enough to be flagged for it. The last
# week holds each kind of change the Forecast tab lists at least once (one of each, on kept-up deals).

_WEEK = 7  # the Forecast tab's default "what changed" window, today included
_WEEK_KINDS = ("back", "pushed_twice", "pulled_in", "amount_up", "amount_down")
_Change = tuple[date, str, object, object]  # day seen, field, old, new


def past_values(
    history: tuple[DealHistory, ...],
    deals: list[_Deal],
    rows: list[dict[str, object]],
    today: date,
    rng: random.Random,
) -> tuple[DealHistory, ...]:
    """`history` with detours in the stage paths and the amount and close date changes."""
    week = today - timedelta(days=_WEEK - 1)
    chosen = _week_deals(history, deals, rows, week, rng)
    out = []
    for h in history:
        deal, kind = deals[h.row], chosen.get(h.deal_id)
        if deal.stage in ("won", "lost"):
            latest = h.stages[-1][0]  # closed: nothing changes after
        elif deal.healthy:
            latest = today
        else:
            latest = h.stages[-1][0]  # not kept up: nothing since it entered its stage
        if kind:
            latest = min(latest, week - timedelta(days=1))  # its week change is the one in the week
        first = h.created_on + timedelta(days=1)
        stages = _detour(h.stages, rng) if rng.random() < 0.15 else h.stages
        if kind == "back":
            stages = _moved_back(stages, week, today, rng)
        changes = [
            *_amount_changes(
                _amount_of(rows[h.row]["amount"]), stages, first, latest, kind, week, today, rng
            ),
            *_close_changes(deal, rows[h.row]["close_date"], first, latest, kind, week, today, rng),
        ]
        changes.sort(key=lambda c: c[0])  # stable: a field's own changes are in order already
        out.append(DealHistory(h.row, h.deal_id, h.created_on, stages, tuple(changes)))
    return tuple(out)


def _amount_of(cell: object) -> int | float | None:
    try:
        return parse_amount(cell)
    except CellParseError:
        return None  # a deliberately bad cell: the service never saw a valid amount


def _week_deals(
    history: tuple[DealHistory, ...],
    deals: list[_Deal],
    rows: list[dict[str, object]],
    week: date,
    rng: random.Random,
) -> dict[str, str]:
    """Deal id -> the kind of change it gets in the last week: kept-up open deals with an amount and a
    close date, created well before the week."""
    fit = [
        h
        for h in history
        if deals[h.row].healthy
        and deals[h.row].stage in _OPEN_KEYS
        and _amount_of(rows[h.row]["amount"])
        and isinstance(rows[h.row]["close_date"], date)
        and h.created_on < week - timedelta(days=3)
    ]
    chosen: dict[str, str] = {}
    backable = [h for h in fit if _can_move_back(h.stages, week)]
    if backable:
        chosen[backable[rng.randrange(len(backable))].deal_id] = "back"
    rest = [h for h in fit if h.deal_id not in chosen]
    for h, kind in zip(rng.sample(rest, min(len(rest), len(_WEEK_KINDS) - 1)), _WEEK_KINDS[1:], strict=False):
        chosen[h.deal_id] = kind
    return chosen


def _can_move_back(stages: tuple[tuple[date, str], ...], week: date) -> bool:
    """In a stage with an open one after it, entered two days or more before the week."""
    day, stage = stages[-1]
    return stage in _OPEN_KEYS[:-1] and day < week - timedelta(days=1)


def _moved_back(
    stages: tuple[tuple[date, str], ...], week: date, today: date, rng: random.Random
) -> tuple[tuple[date, str], ...]:
    """Moved on to the next stage before the week, and back to this one in it."""
    entered, stage = stages[-1]
    ahead = _OPEN_KEYS[_OPEN_KEYS.index(stage) + 1]
    on = entered + timedelta(days=rng.randint(1, (week - entered).days - 1))
    back = week + timedelta(days=rng.randint(0, (today - week).days))
    return (*stages, (on, ahead), (back, stage))


def _detour(stages: tuple[tuple[date, str], ...], rng: random.Random) -> tuple[tuple[date, str], ...]:
    """A move on and back again between two open stages (not the appointment) with days between them."""
    places = [
        i
        for i in range(len(stages) - 1)
        if stages[i][1] in _OPEN_KEYS
        and stages[i + 1][1] in _OPEN_KEYS
        and (stages[i + 1][0] - stages[i][0]).days >= 3
    ]
    if not places:
        return stages
    i = places[rng.randrange(len(places))]
    (start, stage), (end, ahead) = stages[i], stages[i + 1]
    on = start + timedelta(days=rng.randint(1, (end - start).days - 2))
    back = on + timedelta(days=rng.randint(1, (end - on).days - 1))
    return (*stages[: i + 1], (on, ahead), (back, stage), *stages[i + 1 :])


def _day_between(first: date, last: date, rng: random.Random) -> date | None:
    return None if last < first else first + timedelta(days=rng.randint(0, (last - first).days))


def _amount_changes(
    amount: int | float | None,
    stages: tuple[tuple[date, str], ...],
    first: date,
    latest: date,
    kind: str | None,
    week: date,
    today: date,
    rng: random.Random,
) -> list[_Change]:
    """Typed with the deal or on entering a later stage, then maybe revised (a discount, a larger scope)."""
    if not amount:
        return []
    typed = None  # None: typed with the deal, the service's first sight of it
    shaped = [day for day, stage in stages if stage in _OPEN_KEYS and first <= day <= latest]
    if shaped and rng.random() < 0.5:
        typed = shaped[rng.randrange(len(shaped))]
    revised = None
    if kind in ("amount_up", "amount_down"):
        revised = week + timedelta(days=rng.randint(0, (today - week).days))
    elif rng.random() < 0.3:
        revised = _day_between((typed or first - timedelta(days=1)) + timedelta(days=1), latest, rng)
    if revised is None:
        return [] if typed is None else [(typed, "amount", None, amount)]
    factor = {"amount_up": 0.8, "amount_down": 1.25}.get(kind or "", rng.choice((0.7, 0.8, 0.9, 1.15, 1.3)))
    was: float = max(100_000, round(amount * factor / 10_000) * 10_000)
    if was == amount:
        was = amount + 100_000
    head = [] if typed is None else [(typed, "amount", None, was)]
    return [*head, (revised, "amount", was, amount)]


def _close_changes(
    deal: _Deal,
    cell: object,
    first: date,
    latest: date,
    kind: str | None,
    week: date,
    today: date,
    rng: random.Random,
) -> list[_Change]:
    """A closed deal's planned date set to the day it closed (maybe pushed before); a kept-up deal's date
    pushed when it came near; the week's pushes and pull-ins."""
    if not isinstance(cell, date):
        return []
    if kind == "pushed_twice":  # a close date pushed twice in a week: one push, from the first to the last
        days = sorted(rng.sample(range((today - week).days + 1), 2))
        one, two = (week + timedelta(days=d) for d in days)
        return [
            (one, "close_date", cell - timedelta(days=35), cell - timedelta(days=14)),
            (two, "close_date", cell - timedelta(days=14), cell),
        ]
    if kind == "pulled_in":
        day = week + timedelta(days=rng.randint(0, (today - week).days))
        return [(day, "close_date", cell + timedelta(days=rng.randint(14, 30)), cell)]
    if deal.stage in ("won", "lost"):
        planned = deal.created.date() + timedelta(days=rng.randint(30, 120))
        changes: list[_Change] = []
        earlier = planned - timedelta(days=rng.randint(14, 40))
        pushed_on = _day_between(first, latest - timedelta(days=1), rng) if rng.random() < 0.25 else None
        if pushed_on is not None:
            changes.append((pushed_on, "close_date", earlier, planned))
        if planned != cell and latest >= first:
            changes.append((latest, "close_date", planned, cell))
        return changes
    if deal.stalled or rng.random() >= (0.5 if deal.healthy else 0.2):
        return []
    was = cell - timedelta(days=rng.randint(14, 45))
    seen_on = _day_between(first, min(latest, was + timedelta(days=7)), rng)
    return [] if seen_on is None else [(seen_on, "close_date", was, cell)]
