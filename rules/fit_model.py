"""The lead fit score: how likely a lead is to be won, learned from the team's own closed deals (issue 20).

Pure: rows, facts and `today` in, a FitAssessment out. The model is a regularised logistic regression
(scikit-learn) over one-hot lead attributes: lead source, campaign, industry, company size band, region
and any configured extra Leads columns. A value seen on fewer than `min_category` closed deals of the
training set folds into "other", so that the model does not learn from two or three deals.

A score is shown only after it has been validated: a time-ordered backtest fits on the deals closed before
a cut-off and scores those closed on or after it (several cut-offs when the history allows), so that no
deal's own outcome is ever used to score it. The pooled backtest scores give an AUC with a 95 % interval
(DeLong) and a calibration table by fit band. The score is shown when there are at least `min_closed`
closed deals and the interval's lower bound is above 0.5 (the AUC of the plain average win rate).

Deterministic: the newton-cholesky solver has no randomness (and is several times faster than lbfgs on
these few columns), random_state is fixed anyway, and DeLong's interval needs no resampling.

Learned once per history: what the learning produced (the backtest's figures and the model) is a `Learned`,
keyed by a fingerprint of exactly what the learning reads — every closed deal's id, close date, outcome and
lead attributes (which also carries what `today` decides: which deals have closed, hence the cut-offs),
the settings, the learning libraries' versions and FORMAT. The engine keeps it in a hidden tab and hands it
back next cycle; when the fingerprint matches, assess uses it as it is, and scikit-learn is not imported.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from rules.book import Book, key_of
from rules.facts import DealFacts
from sheets_schema.locale import Locale, fold
from sheets_schema.messages import Catalogue
from sheets_schema.models import Lead
from sheets_schema.stages import Pipeline
from sheets_schema.tabs import LEADS

Z_95 = 1.959963984540054  # the two-sided 95 % quantile of the standard normal
OTHER = "\x00other"  # the folded value of a rare category (no typed text can be it)
BLANK = "\x00blank"
BANDS = ("A", "B", "C")  # best third of the training scores, middle third, the rest
MAX_CUTOFFS = 4
SIZE_EDGES = (50, 300, 1000)  # the same cut as reports.stats.COMPANY_SIZE (a test checks)
FORMAT = 1  # of a Learned as the engine stores it: a new format (or new learning) relearns every sheet once

WORDS = Catalogue(
    {
        "fit_size_0": ("1-49 employees", "1〜49名"),
        "fit_size_1": ("50-299 employees", "50〜299名"),
        "fit_size_2": ("300-999 employees", "300〜999名"),
        "fit_size_3": ("1,000+ employees", "1,000名以上"),
        "fit_other": ("other {feature}", "その他の{feature}"),
        "fit_blank": ("no {feature}", "{feature}なし"),
        "fit_feature_lead_source": ("lead source", "リードソース"),
        "fit_feature_campaign": ("campaign", "キャンペーン"),
        "fit_feature_industry": ("industry", "業種"),
        "fit_feature_size": ("company size", "企業規模"),
        "fit_feature_region": ("region", "地域"),
    }
)
BASE_FEATURES = ("lead_source", "campaign", "industry", "size", "region")


@dataclass(frozen=True)
class FitSettings:
    """What the fit reads from the config's [fit] section (sync.core.config.FitConfig)."""

    min_closed: int = 30
    min_category: int = 5
    extra_columns: tuple[str, ...] = ()
    regularisation: float = 1.0  # scikit-learn's C: smaller is a stronger pull of every weight towards 0
    # the versions of the learning libraries (filled by the engine, not the config): a new scikit-learn may
    # learn other floats, so it is part of the fingerprint of what was learned
    learner: str = ""


@dataclass(frozen=True)
class Example:
    """A closed deal with its lead's attributes: what the model learns from."""

    deal_id: str
    features: Mapping[str, str]  # feature -> value (BLANK when the cell is empty)
    won: bool
    closed_on: date


@dataclass(frozen=True)
class FitModel:
    weights: Mapping[tuple[str, str], float]  # (feature, value) -> weight; unseen values are OTHER
    intercept: float
    centre: Mapping[str, float]  # feature -> the training-weighted mean weight: what "+" and "−" are against
    cuts: tuple[float, float]  # the scores at the top third and two thirds of the training deals
    base_rate: float  # the training win rate

    def known(self, feature: str, value: str) -> str:
        return value if (feature, value) in self.weights else OTHER

    def score(self, features: Mapping[str, str]) -> float:
        z = self.intercept + sum(self.weights.get((f, self.known(f, v)), 0.0) for f, v in features.items())
        return 1 / (1 + math.exp(-z))

    def band(self, score: float) -> str:
        return BANDS[0] if score >= self.cuts[0] else BANDS[1] if score >= self.cuts[1] else BANDS[2]

    def reasons(self, features: Mapping[str, str], n: int = 2) -> list[tuple[str, str, float]]:
        """The `n` attributes that moved the score most: (feature, value as the model knows it, push)."""
        pushes = [
            (f, self.known(f, v), self.weights.get((f, self.known(f, v)), 0.0) - self.centre.get(f, 0.0))
            for f, v in features.items()
        ]
        return sorted(pushes, key=lambda p: (-abs(p[2]), p[0]))[:n]


@dataclass(frozen=True)
class Scored:
    deal_id: str
    score: float
    won: bool
    band: str
    cutoff: date


@dataclass(frozen=True)
class BandLine:
    band: str
    deals: int
    won: int
    predicted: float  # mean score of the band's deals, 0..1

    @property
    def actual(self) -> float:
        return self.won / self.deals if self.deals else 0.0


@dataclass(frozen=True)
class Backtest:
    scored: tuple[Scored, ...]
    cutoffs: tuple[date, ...]
    auc: float | None = None
    low: float | None = None
    high: float | None = None
    brier: float | None = None  # mean squared error of the scores
    brier_baseline: float | None = None  # ... of the training win rate, the plain average

    def calibration(self) -> list[BandLine]:
        lines = []
        for band in BANDS:
            mine = [s for s in self.scored if s.band == band]
            if mine:
                predicted = sum(s.score for s in mine) / len(mine)
                lines.append(BandLine(band, len(mine), sum(s.won for s in mine), predicted))
        return lines

    def summary(self) -> Validation:
        return Validation(
            self.cutoffs,
            len(self.scored),
            self.auc,
            self.low,
            self.high,
            self.brier,
            self.brier_baseline,
            tuple(self.calibration()),
        )


@dataclass(frozen=True)
class Validation:
    """The backtest in figures, as the Win-Loss tab shows them (and the stored Learned keeps them)."""

    cutoffs: tuple[date, ...]
    scored: int  # deals scored
    auc: float | None = None
    low: float | None = None
    high: float | None = None
    brier: float | None = None
    brier_baseline: float | None = None
    calibration: tuple[BandLine, ...] = ()


@dataclass(frozen=True)
class Learned:
    """What learning made of one history: the backtest's figures, and the model when it beat the average.
    `fingerprint` names the history (see fingerprint()): the same fingerprint, the same Learned."""

    fingerprint: str
    backtest: Validation
    model: FitModel | None


@dataclass(frozen=True)
class LeadFit:
    """One lead's score, band and reasons: worked out once per cycle (see scored_lead)."""

    lead: Lead  # kept so that the id() it is found by cannot be reused while it is remembered
    score: float
    band: str
    reasons: tuple[tuple[str, str, float], ...]
    why: dict[Locale, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class FitAssessment:
    """What the cycle knows about the fit score: whether it may be shown, why not, and the model if so."""

    closed: int
    won: int
    backtest: Validation | None
    model: FitModel | None  # fitted on every closed deal; None when the score is not shown
    min_closed: int
    no_lead: int = 0  # closed deals without a lead on the Leads tab: left out of the fit
    extra: tuple[str, ...] = ()  # extra Leads column keys used as features
    unknown_extra: tuple[str, ...] = field(default=())  # configured extra columns that name no Leads column
    learned: Learned | None = None  # what to remember for the next cycle; None when nothing was learned
    # id(lead) -> its fit, each lead worked out once however many tabs show it (the Lead models are not
    # hashable; the entry keeps the lead alive, so that its id is not reused)
    leads: dict[int, LeadFit] = field(default_factory=dict, compare=False, repr=False)

    @property
    def enough_history(self) -> bool:
        return self.closed >= self.min_closed and 0 < self.won < self.closed

    @property
    def shown(self) -> bool:
        return self.model is not None


# ------------------------------------------------------------------------------------------- features
def extra_columns(names: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The Leads column keys the configured names stand for (by key or header), and the names that name none."""
    found: list[str] = []
    unknown: list[str] = []
    for name in names:
        wanted = fold(name)
        match = next((c.key for c in LEADS.person_columns if wanted in c.names()), None)
        (found if match else unknown).append(match or name)
    return tuple(dict.fromkeys(found)), tuple(unknown)


def size_band(employees: int | None) -> str:
    return BLANK if employees is None else str(sum(1 for edge in SIZE_EDGES if employees >= edge))


def features_of(lead: Lead, extra: Sequence[str] = ()) -> dict[str, str]:
    values = {
        "lead_source": lead.lead_source,
        "campaign": lead.campaign,
        "industry": lead.industry,
        "region": lead.region,
    } | {key: getattr(lead, key, None) for key in extra}
    found = {f: _category(v) for f, v in values.items()}
    found["size"] = size_band(lead.employees)
    return found


def _category(value: object) -> str:
    text = "" if value is None else value.isoformat() if isinstance(value, date) else str(value)
    return fold(text) or BLANK  # 'Referral ' and 'referral' are one category


def closed_examples(
    book: Book, facts: Mapping[str, DealFacts], today: date, pipeline: Pipeline, extra: Sequence[str] = ()
) -> tuple[list[Example], int]:
    """Deals won or lost on or before today, with their lead's attributes; and how many had no lead. The
    closed-on date is the history's, else the Close date column's (as on the Win-Loss tab)."""
    won = {s.key for s in pipeline.stages if s.won}
    lost = {s.key for s in pipeline.stages if s.lost}
    examples, no_lead = [], 0
    for row in book.rows("deals"):
        deal = row.model
        if deal.stage not in won | lost:
            continue
        known = facts.get(key_of(deal.deal_id) or "")
        closed_on = (known.closed_on if known else None) or deal.close_date
        if closed_on is None or closed_on > today:
            continue
        leads = book.leads_by_id.get(key_of(deal.lead_id) or "")
        if not leads:
            no_lead += 1
            continue
        deal_id = deal.deal_id or f"#row{row.index}"
        examples.append(Example(deal_id, features_of(leads[0], extra), deal.stage in won, closed_on))
    examples.sort(key=lambda e: (e.closed_on, e.deal_id))
    return examples, no_lead


# ------------------------------------------------------------------------------------------- the model
def fit(examples: Sequence[Example], settings: FitSettings) -> FitModel | None:
    """A model of the examples; None when they hold only one outcome (nothing to tell apart)."""
    # scikit-learn (with SciPy) costs about 150 MiB and seconds to import: only a sheet with a history to
    # learn from pays for it, not every cycle of every command
    from sklearn.linear_model import LogisticRegression

    outcomes = {e.won for e in examples}
    if len(outcomes) < 2:
        return None
    vocabulary = _vocabulary(examples, settings.min_category)
    columns = sorted({c for e in examples for c in _encoded(e.features, vocabulary)})
    index = {c: i for i, c in enumerate(columns)}
    x = np.zeros((len(examples), len(columns)))
    for row, example in enumerate(examples):
        for c in _encoded(example.features, vocabulary):
            x[row, index[c]] = 1.0
    y = np.array([e.won for e in examples], dtype=int)
    learner = LogisticRegression(
        C=settings.regularisation, solver="newton-cholesky", max_iter=1000, random_state=0
    )
    learner.fit(x, y)
    weights = {c: float(w) for c, w in zip(columns, learner.coef_[0], strict=True)}
    centre = _centre(x, columns, weights)
    scores = learner.predict_proba(x)[:, 1]
    cuts = (float(np.quantile(scores, 2 / 3)), float(np.quantile(scores, 1 / 3)))
    return FitModel(weights, float(learner.intercept_[0]), centre, cuts, float(y.mean()))


def _vocabulary(examples: Sequence[Example], minimum: int) -> dict[str, set[str]]:
    counts: dict[str, Counter[str]] = {}
    for example in examples:
        for feature, value in example.features.items():
            counts.setdefault(feature, Counter())[value] += 1
    return {f: {v for v, n in c.items() if n >= minimum} for f, c in counts.items()}


def _encoded(features: Mapping[str, str], vocabulary: Mapping[str, set[str]]) -> list[tuple[str, str]]:
    return [(f, v if v in vocabulary.get(f, set()) else OTHER) for f, v in features.items()]


def _centre(
    x: np.ndarray, columns: list[tuple[str, str]], weights: Mapping[tuple[str, str], float]
) -> dict[str, float]:
    """Per feature, the weight an average training deal gets from it: a value's push is its weight minus this."""
    share = x.mean(axis=0)
    centre: dict[str, float] = {}
    for i, (feature, value) in enumerate(columns):
        centre[feature] = centre.get(feature, 0.0) + share[i] * weights[(feature, value)]
    return centre


# ------------------------------------------------------------------------------------------- validation
def cutoffs(examples: Sequence[Example]) -> list[date]:
    """Cut-off dates for the backtest, from the closing dates alone (never the outcomes): an expanding
    window whose first cut-off comes after the first third of the closed deals (so that two thirds of the
    history are scored), then up to MAX_CUTOFFS - 1 more, about one per 10 deals."""
    n = len(examples)
    folds = max(1, min(MAX_CUTOFFS, n // 10))
    start = n // 3
    positions = [start + (n - start) * i // folds for i in range(folds)]
    found = sorted({examples[p].closed_on for p in positions if p < n})
    return [d for d in found if d > examples[0].closed_on]  # a cut-off needs something before it


def backtest(examples: Sequence[Example], settings: FitSettings) -> Backtest:
    """Each deal closed on or after a cut-off (and before the next) is scored by a model fitted only on the
    deals closed strictly before that cut-off."""
    cuts = cutoffs(examples)
    scored: list[Scored] = []
    baseline: list[float] = []
    for i, cut in enumerate(cuts):
        end = cuts[i + 1] if i + 1 < len(cuts) else None
        train = [e for e in examples if e.closed_on < cut]
        test = [e for e in examples if e.closed_on >= cut and (end is None or e.closed_on < end)]
        model = fit(train, settings)
        if model is None:
            continue
        for e in test:
            score = model.score(e.features)
            scored.append(Scored(e.deal_id, score, e.won, model.band(score), cut))
            baseline.append(model.base_rate)
    return _measured(tuple(scored), tuple(cuts), baseline)


def _measured(scored: tuple[Scored, ...], cuts: tuple[date, ...], baseline: list[float]) -> Backtest:
    from sklearn.metrics import roc_auc_score  # imported where used, as in fit()

    outcomes = np.array([s.won for s in scored], dtype=float)
    if len({s.won for s in scored}) < 2:
        return Backtest(scored, cuts)
    scores = np.array([s.score for s in scored])
    auc = float(roc_auc_score(outcomes, scores))
    low, high = delong_interval(scores, outcomes.astype(bool))
    brier = float(np.mean((scores - outcomes) ** 2))
    brier_baseline = float(np.mean((np.array(baseline) - outcomes) ** 2))
    return Backtest(scored, cuts, auc, low, high, brier, brier_baseline)


def delong_interval(scores: np.ndarray, won: np.ndarray) -> tuple[float, float]:
    """The 95 % interval of the AUC by DeLong's variance (DeLong, DeLong & Clarke-Pearson 1988)."""
    positives, negatives = scores[won], scores[~won]
    # psi(x, y) = 1 when the won deal scored higher, 1/2 on a tie, 0 otherwise
    psi = (positives[:, None] > negatives[None, :]) + 0.5 * (positives[:, None] == negatives[None, :])
    auc = psi.mean()
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    m, n = len(positives), len(negatives)
    variance = (v10.var(ddof=1) if m > 1 else 0.0) / m + (v01.var(ddof=1) if n > 1 else 0.0) / n
    half = Z_95 * math.sqrt(max(variance, 0.0))
    return max(0.0, float(auc - half)), min(1.0, float(auc + half))


def fingerprint(examples: Sequence[Example], settings: FitSettings, extra: Sequence[str]) -> str:
    """What the learning reads, hashed: each closed deal's id (the order of the deals and the backtest's
    rows follow it), close date, outcome and lead attributes; the settings; the learning libraries' versions
    and FORMAT. `today` decides which deals have closed by then, so it is in the examples; the cut-offs,
    computed from them alone, are hashed as well."""
    digest = hashlib.sha256()
    head = [
        FORMAT,
        settings.learner,
        settings.min_closed,
        settings.min_category,
        list(settings.extra_columns),
        list(extra),
        float(settings.regularisation).hex(),
        [d.isoformat() for d in cutoffs(examples)] if examples else [],
    ]
    digest.update(repr(head).encode())  # str, int and bool reprs: the same text on every run
    for e in examples:
        line = (e.deal_id, e.closed_on.isoformat(), e.won, tuple(e.features.items()))
        digest.update(b"\n" + repr(line).encode())
    return digest.hexdigest()


def learn(examples: Sequence[Example], settings: FitSettings, key: str) -> Learned:
    """The backtest, and the model on every closed deal when the backtest's interval is above 0.5."""
    tested = backtest(examples, settings)
    beats = tested.low is not None and tested.low > 0.5
    return Learned(key, tested.summary(), fit(examples, settings) if beats else None)


def assess(
    book: Book,
    facts: Mapping[str, DealFacts],
    today: date,
    pipeline: Pipeline,
    settings: FitSettings,
    remembered: Learned | None = None,
) -> FitAssessment:
    """Validate the score on the history; the model to show only when it beats the plain average.
    `remembered`: what an earlier cycle learned; used as it is when it was learned from this same history."""
    extra, unknown = extra_columns(settings.extra_columns)
    examples, no_lead = closed_examples(book, facts, today, pipeline, extra)
    won = sum(e.won for e in examples)
    assessment = FitAssessment(len(examples), won, None, None, settings.min_closed, no_lead, extra, unknown)
    if not assessment.enough_history:
        return assessment
    key = fingerprint(examples, settings, extra)
    learned = remembered if remembered is not None and remembered.fingerprint == key else None
    learned = learned or learn(examples, settings, key)
    return FitAssessment(
        len(examples),
        won,
        learned.backtest,
        learned.model,
        settings.min_closed,
        no_lead,
        extra,
        unknown,
        learned,
    )


# ------------------------------------------------------------------------------------------- words
def value_words(feature: str, value: str, locale: Locale, lead: Lead | None = None) -> str:
    """How a Why column names a value: the lead's own text, a size band, or 'other lead source'."""
    if value in (OTHER, BLANK):
        code = f"fit_feature_{feature}"
        name = WORDS.say(code, locale) if code in WORDS else LEADS.column(feature).label(locale)
        return WORDS.say("fit_other" if value == OTHER else "fit_blank", locale, feature=name)
    if feature == "size":
        return WORDS.say(f"fit_size_{value}", locale)
    typed = getattr(lead, feature, None) if lead is not None else None
    return str(typed).strip() if typed is not None else value


def scored_lead(assessment: FitAssessment, lead: Lead) -> LeadFit | None:
    """The lead's score, band and reasons, worked out on the first ask and remembered for the cycle (the
    Leads tab, the Call List and Marketing Feedback each ask); None while the score is not shown."""
    model = assessment.model
    if model is None:
        return None
    found = assessment.leads.get(id(lead))
    if found is not None and found.lead is lead:
        return found
    features = features_of(lead, assessment.extra)
    score = model.score(features)
    found = LeadFit(lead, score, model.band(score), tuple(model.reasons(features)))
    assessment.leads[id(lead)] = found
    return found


def lead_fit(assessment: FitAssessment, lead: Lead, locale: Locale) -> dict[str, str | None]:
    """The Leads tab's Fit and Why cells: blank while the score is not shown."""
    found = scored_lead(assessment, lead)
    if found is None:
        return {"fit": None, "fit_why": None}
    if locale not in found.why:
        why = ", ".join(
            f"{value_words(f, v, locale, lead)} {'+' if push > 0 else '−'}"
            for f, v, push in found.reasons
            if abs(push)
            >= 0.05  # a push this small moves the score by about a percentage point: not a reason
        )
        found.why[locale] = why or None
    return {"fit": found.band, "fit_why": found.why[locale]}


def lead_score(assessment: FitAssessment, lead: Lead) -> float | None:
    found = scored_lead(assessment, lead)
    return None if found is None else found.score
