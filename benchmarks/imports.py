"""Importing a CRM export grows linearly with its rows (issue 16): `python -m benchmarks.imports`.

For each number of deals (default 2,000 and 8,000), in a fresh process: a new local workbook is set up, the
team and the accounts of a synthetic CRM export (tests/crm_export.py, the shape of a public CRM data set)
are imported and synced, and then the deals are imported, timed alone (wall time, with the options of
docs/migration.md). Each size has its own process, so its peak RSS is its own. The figure that matters is
the ratio of the times in one run: linear is 4 for 2,000 → 8,000, quadratic 16; the issue asks for at most 5.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

TODAY = date(2026, 11, 30)


def one_size(deals: int, work: Path) -> dict[str, Any]:
    """The child: set up, import team and accounts, sync, then time the deals' import."""
    from benchmarks.xlsx import peak_rss_mib
    from sync.config_file import load_config
    from sync.jobs.cycle import run_cycle
    from sync.jobs.import_csv import run_import
    from sync.jobs.setup import initialise
    from sync.stores.xlsx import XlsxStore
    from tests.crm_export import DEAL_OPTIONS, LEAD_OPTIONS, TEAM_OPTIONS, write_crm_export

    def keywords(options: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
        pairs = list(zip(options[::2], options[1::2], strict=True))
        return {
            "mapping": tuple(v for o, v in pairs if o == "--map"),
            "values": tuple(v for o, v in pairs if o == "--value"),
        }

    export = write_crm_export(work / "export", deals=deals)
    workbook = work / "team.xlsx"
    config = load_config(None, **{"store.kind": "xlsx", "store.path": str(workbook)})
    initialise(config)
    store = XlsxStore(workbook)
    run_import(store, config, "team", export.teams, TODAY, **keywords(TEAM_OPTIONS))
    run_import(store, config, "leads", export.accounts, TODAY, **keywords(LEAD_OPTIONS))
    run_cycle(store, config, TODAY)
    started = time.perf_counter()
    report = run_import(XlsxStore(workbook), config, "deals", export.deals, TODAY, **keywords(DEAL_OPTIONS))
    seconds = time.perf_counter() - started
    return {
        "deals": deals,
        "added": len(report.added),
        "seconds": round(seconds, 2),
        "peak_rss_mib": peak_rss_mib(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.imports", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--deals", default="2000,8000", help="comma-separated numbers of deals (default 2000,8000)"
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(one_size(args.child, args.work)))
        return 0
    rows = []
    for deals in (int(n) for n in args.deals.split(",")):
        with tempfile.TemporaryDirectory(prefix=f"bench-import-{deals}-") as work:
            done = subprocess.run(
                [sys.executable, "-m", "benchmarks.imports", "--child", str(deals), "--work", work],
                check=True,
                capture_output=True,
                text=True,
            )
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    first = rows[0]
    print(f"{'deals':>7} {'added':>7} {'seconds':>8} {'x first':>8} {'peak RSS MiB':>13}")
    for row in rows:
        ratio = row["seconds"] / first["seconds"] if first["seconds"] else float("nan")
        print(
            f"{row['deals']:>7} {row['added']:>7} {row['seconds']:>8.2f} {ratio:>8.2f} {row['peak_rss_mib']:>13}"
        )
    if len(rows) > 1:
        size_ratio = rows[-1]["deals"] / first["deals"]
        print(
            f"rows x{size_ratio:g}: time x{rows[-1]['seconds'] / first['seconds']:.2f} (linear: x{size_ratio:g})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
