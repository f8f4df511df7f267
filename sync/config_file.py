"""Reading the config file: ./sfa-sync.toml (or --config), with the command line's overrides applied."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError

from sync.core.config import Config
from sync.errors import ConfigError

DEFAULT_CONFIG_PATH = Path("sfa-sync.toml")


def load_config(path: Path | None = None, **overrides: object) -> Config:
    """Read the TOML file (default ./sfa-sync.toml if it exists) and apply command-line overrides."""
    data: dict = {}
    explicit = path is not None
    path = path or DEFAULT_CONFIG_PATH
    if path.exists():
        data = _read_toml(path)
    elif explicit:
        raise ConfigError(
            f"{path}: config file not found; create it (see README, 'Configuration') or omit --config"
        )
    locale_from = f"{path}: locale" if "locale" in data else None
    if overrides.get("locale") is not None:
        locale_from = "--locale"
    for dotted, value in overrides.items():
        if value is not None:
            _set(data, dotted.split("."), value)
    try:
        config = Config.model_validate(data)
    except ValidationError as invalid:
        raise ConfigError(_describe(invalid, path if path.exists() else None)) from None
    config = config.model_copy(update={"locale_from": locale_from})
    if path.exists():
        config = config.model_copy(update={"source": path})
        if (
            config.store.kind == "xlsx"
            and not config.store.path.is_absolute()
            and "store.path" not in overrides
        ):
            store = config.store.model_copy(update={"path": path.parent / config.store.path})
            config = config.model_copy(update={"store": store})
    return config


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as bad:
        raise ConfigError(f"{path}: not valid TOML ({bad}); fix the line it names") from None
    except OSError as failed:
        raise ConfigError(f"{path}: cannot read the config file ({failed.strerror})") from None


def _set(data: dict, keys: list[str], value: object) -> None:
    for key in keys[:-1]:
        data = data.setdefault(key, {})
    data[keys[-1]] = value


def _describe(invalid: ValidationError, path: Path | None) -> str:
    where = f"{path}: " if path else ""
    lines = []
    for error in invalid.errors():
        key = ".".join(str(part) for part in error["loc"]) or "(top level)"
        if error["type"] == "extra_forbidden":
            lines.append(f"{key}: unknown key; remove it or check its spelling")
        else:
            message = error["msg"].removeprefix("Value error, ")
            lines.append(f"{key}: {message}")
    return where + "; ".join(lines)
