"""A synthetic export from another CRM, in the shape of the public "CRM Sales Opportunities" data set
(issue 16): sales_pipeline.csv (opportunity_id, sales_agent, product, account, deal_stage, engage_date,
close_date, close_value in USD), accounts.csv (account, sector, year_established, revenue, employees,
office_location) and sales_teams.csv (sales_agent, manager, regional_office).

Like the real one: every opportunity has its own id while account + product repeat thousands of times
(so "same company and deal name" is no test of a duplicate); Prospecting deals have no engage date and
some no account; Engaging deals have an engage date and no close; Won and Lost have both, Lost with a
close value of 0. A plain function of a seed and sizes, so other tests (Win-Loss against pandas) can
rebuild the very same files.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

PRODUCTS = ("GTX Basic", "GTX Pro", "MG Special", "MG Advanced", "GTX Plus Basic", "GTX Plus Pro", "GTK 500")
PRICES = {"GTX Basic": 550, "GTX Pro": 4821, "MG Special": 55, "MG Advanced": 3393}
SECTORS = ("technolgy", "medical", "retail", "software", "entertainment", "finance", "marketing")
OFFICES = ("United States", "Japan", "Kenya", "Philippines", "Italy", "Norway")
REGIONS = ("Central", "East", "West")
SUFFIXES = ("", " Inc.", " Ltd", "")
STAGES = ("Prospecting", "Engaging", "Won", "Lost")
STAGE_WEIGHTS = (0.06, 0.14, 0.48, 0.32)
FIRST_DAY = date(2016, 10, 20)
LAST_DAY = date(2017, 12, 31)


@dataclass(frozen=True)
class CrmExport:
    deals: Path
    accounts: Path
    teams: Path


def write_crm_export(
    directory: Path, *, seed: int = 16, deals: int = 3000, accounts: int = 85, agents: int = 35
) -> CrmExport:
    """Write the three CSVs into `directory` and return their paths; the same seed and sizes give the
    same bytes."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    names = [_company(i) for i in range(accounts)]
    team = [(f"Agent {i:02d} {_surname(i)}", f"Manager {i % 6}", REGIONS[i % 6 % 3]) for i in range(agents)]
    out = CrmExport(
        directory / "sales_pipeline.csv", directory / "accounts.csv", directory / "sales_teams.csv"
    )
    _write(out.teams, ("sales_agent", "manager", "regional_office"), team)
    _write(
        out.accounts,
        ("account", "sector", "year_established", "revenue", "employees", "office_location"),
        [
            (
                name,
                rng.choice(SECTORS),
                rng.randint(1979, 2017),
                round(rng.uniform(4, 11700), 2),
                rng.randint(9, 20000),
                rng.choice(OFFICES),
            )
            for name in names
        ],
    )
    header = (
        "opportunity_id",
        "sales_agent",
        "product",
        "account",
        "deal_stage",
        "engage_date",
        "close_date",
        "close_value",
    )
    _write(out.deals, header, [_deal(rng, i, names, team) for i in range(deals)])
    return out


def _deal(rng: random.Random, i: int, names: list[str], team: list[tuple[str, str, str]]) -> tuple[str, ...]:
    stage = rng.choices(STAGES, STAGE_WEIGHTS)[0]
    product = rng.choice(PRODUCTS)
    account = "" if stage == "Prospecting" and rng.random() < 0.5 else rng.choice(names)
    # the export writes the account as the CRM kept it: sometimes with a legal form, in another case
    if account and rng.random() < 0.2:
        account = account.upper() + rng.choice(SUFFIXES)
    engage = FIRST_DAY + timedelta(days=rng.randint(0, 380)) if stage != "Prospecting" else None
    close = engage + timedelta(days=rng.randint(1, 138)) if engage and stage in ("Won", "Lost") else None
    if close and close > LAST_DAY:
        close = LAST_DAY
    value = ""
    if stage == "Won":
        value = str(round(PRICES.get(product, 1000) * rng.uniform(0.8, 1.2)))
    elif stage == "Lost":
        value = "0"
    opportunity = f"{rng.getrandbits(32):08X}"[:4] + f"{i:04X}"  # distinct, like 1C1I7A6R
    return (
        opportunity,
        rng.choice(team)[0],
        product,
        account,
        stage,
        engage.isoformat() if engage else "",
        close.isoformat() if close else "",
        value,
    )


def _company(i: int) -> str:
    syllables = ("ac", "be", "co", "do", "fa", "gi", "ho", "ka", "lu", "mo", "ne", "ro", "si", "tu", "zy")
    word = syllables[i % 15] + syllables[(i // 15) % 15] + syllables[(i * 7) % 15]
    return word.capitalize() + ("" if i % 3 else "tech")


def _surname(i: int) -> str:
    return ("Moses", "Zane", "Hall", "Ito", "Kim", "Sato", "Lee")[i % 7]


def _write(path: Path, header: tuple[str, ...], rows: list[tuple[object, ...]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


# What a migrating admin types for these files (docs/migration.md): the CLI options of each import.
TEAM_OPTIONS = ("--map", "sales_agent=Name", "--map", "regional_office=Team")
LEAD_OPTIONS = ("--map", "sector=Industry", "--map", "office_location=Region")
DEAL_OPTIONS = (
    "--map", "sales_agent=Owner",
    "--map", "product=Deal name",
    "--map", "deal_stage=Stage",
    "--map", "engage_date=Created on",
    "--map", "close_value=Amount",
    "--value", "Stage:Prospecting=Appointment",
    "--value", "Stage:Engaging=Proposal",
)  # fmt: skip
