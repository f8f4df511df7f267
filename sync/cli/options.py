"""The options every sheet command shares, and the Config they build."""

from __future__ import annotations

from pathlib import Path

import click

from sync.config_file import load_config
from sync.core.config import Config


def common_options(command):
    command = click.option(
        "--locale", type=click.Choice(["en", "ja"]), help="Language of tabs, headers and messages."
    )(command)
    command = click.option(
        "--workbook",
        type=click.Path(path_type=Path),
        help="Use this local .xlsx workbook (no config needed).",
    )(command)
    command = click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path),
        help="Config file (default ./sfa-sync.toml if present).",
    )(command)
    return command


def build_config(config_path: Path | None, workbook: Path | None, locale: str | None) -> Config:
    overrides: dict[str, object] = {"locale": locale}
    if workbook is not None:
        overrides |= {"store.kind": "xlsx", "store.path": str(workbook)}
    return load_config(config_path, **overrides)
