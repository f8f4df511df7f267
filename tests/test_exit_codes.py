"""The exit codes come from the error tree: the README's table and `sfa-sync --help` say the same."""

from __future__ import annotations

import gc
import re
from pathlib import Path

from click.testing import CliRunner

from sync.cli.main import cli
from sync.errors import EXIT_INTERNAL, EXIT_OK, SfaSyncError, exit_codes

ROOT = Path(__file__).resolve().parents[1]


def readme_table() -> dict[int, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Exit codes", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| (\d+) \| (.+) \|$", section, flags=re.M)
    return {int(code): meaning for code, meaning in rows}


def every_error_class() -> list[type[SfaSyncError]]:
    found, pending = [], [SfaSyncError]
    while pending:
        error = pending.pop()
        found.append(error)
        pending += error.__subclasses__()
    return found


def test_every_code_of_the_error_tree_has_a_meaning_and_the_readme_lists_it():
    codes = exit_codes()
    assert {EXIT_OK, EXIT_INTERNAL} <= set(codes)
    assert {error.exit_code for error in every_error_class()} <= set(codes)
    assert readme_table() == codes


def test_help_lists_every_exit_code():
    shown = CliRunner().invoke(cli, ["--help"]).output
    for code, meaning in exit_codes().items():
        assert re.search(rf"^\s+{code}\s+{re.escape(meaning[:40])}", shown, flags=re.M), (code, shown)


def test_a_new_error_class_with_a_new_code_appears_in_the_table():
    class Exploded(SfaSyncError):
        exit_code = 42
        meaning = "the test's own error"

    try:
        assert exit_codes()[42] == "the test's own error"
    finally:
        del Exploded  # subclasses are weak references: collected, the class leaves the tree
        gc.collect()
    assert 42 not in exit_codes()
