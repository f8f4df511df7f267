"""cProfile of a cold cycle at a size, on a store replaying a values:batchGet-shaped payload (no emulator).

    python -m benchmarks.profile --size M [--top 25] [--out benchmarks/results/cold-M.prof]

The payload is built here (json.dumps of the sheet's values as Google returns them: serial dates, trailing
empties trimmed), from the same generator, history and 1% edits as benchmarks.run; the cycle is the first
the process runs.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
from pathlib import Path

from benchmarks import generate
from benchmarks.stores import FastMemoryStore, ReplayStore


def _trim(row: list) -> list:
    end = len(row)
    while end and row[end - 1] in (None, ""):
        end -= 1
    return ["" if v is None else v for v in row[:end]]


def payloads(size: str) -> tuple[bytes, bytes]:
    from sync.core.config import Config
    from sync.jobs.cycle import run_cycle

    store = FastMemoryStore(generate.person_grids(generate.SIZES[size]))
    run_cycle(store, Config(), generate.TODAY)
    tabs = {t: d.rows for t, d in store.tabs.items()}
    generate.apply_edits(tabs, generate.edit_rows(tabs, 0.01, seed=1))
    values = generate.sheet_values(tabs)
    meta = {
        "properties": {"title": "Bench", "timeZone": "Etc/GMT"},
        "sheets": [
            {
                "properties": {
                    "sheetId": i,
                    "title": t,
                    "index": i,
                    "hidden": store.tabs[t].hidden,
                    "gridProperties": {"rowCount": len(rows), "columnCount": max(map(len, rows), default=1)},
                }
            }
            for i, (t, rows) in enumerate(values.items())
        ],
    }
    answer = {
        "spreadsheetId": "bench",
        "valueRanges": [
            {"range": f"'{t}'", "majorDimension": "ROWS", "values": [_trim(r) for r in rows]}
            for t, rows in values.items()
        ],
    }
    return json.dumps(meta).encode(), json.dumps(answer).encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="M")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    meta, values = payloads(args.size)
    # the profile runs in a fresh process: run the generator above first, then the cold cycle, profiled
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "meta.json").write_bytes(meta)
        (Path(tmp) / "values.json").write_bytes(values)
        out = args.out or generate_out(args.size)
        subprocess.run([sys.executable, "-c", _CHILD, tmp, str(out), str(args.top)], check=True)


def generate_out(size: str) -> Path:
    out = Path(__file__).resolve().parent / "results" / f"cold-{size}.prof"
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def profile_cold(tmp: str, out: str, top: int) -> None:
    from sync.core.config import Config
    from sync.jobs.cycle import run_cycle

    store = ReplayStore((Path(tmp) / "meta.json").read_bytes(), (Path(tmp) / "values.json").read_bytes())
    profiler = cProfile.Profile()
    profiler.runcall(run_cycle, store, Config(), generate.TODAY)
    profiler.dump_stats(out)
    stats = pstats.Stats(out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


_CHILD = "import sys; from benchmarks.profile import profile_cold; profile_cold(sys.argv[1], sys.argv[2], int(sys.argv[3]))"

if __name__ == "__main__":
    main()
