"""Reading the config file: ./sfa-sync.toml (or --config), with the command line's overrides applied."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails, PydanticUndefined

from sheets_schema.locale import Locale
from sheets_schema.messages import Catalogue
from sync.core.config import Config
from sync.errors import ConfigError

DEFAULT_CONFIG_PATH = Path("sfa-sync.toml")
FILE_PROBLEMS = Catalogue(
    {
        "not_found": (
            "{path}: config file not found; create it (see README, 'Configuration') or omit --config",
            "{path}: 設定ファイルが見つかりません。作成するか(README の「Configuration」)、--config を外してください",
        ),
        "not_toml": (
            "{path}: not valid TOML at line {line} ({detail}); fix that line",
            "{path}: {line} 行目が TOML として読めません({detail})。その行を直してください",
        ),
        "unreadable": (
            "{path}: cannot read the config file ({reason})",
            "{path}: 設定ファイルを読めません({reason})",
        ),
    }
)
# A file that is not TOML has no readable locale: a `locale = "ja"` line in it still says the language.
_JAPANESE_LINE = re.compile(r"""^\s*locale\s*=\s*["']ja["']""", re.MULTILINE)


def load_config(path: Path | None = None, **overrides: object) -> Config:
    """Read the TOML file (default ./sfa-sync.toml if it exists) and apply command-line overrides."""
    data: dict = {}
    explicit = path is not None
    path = path or DEFAULT_CONFIG_PATH
    wanted = overrides.get("locale")
    if path.exists():
        data = _read_toml(path, wanted if wanted in ("en", "ja") else None)
    elif explicit:
        raise ConfigError(FILE_PROBLEMS.say("not_found", "ja" if wanted == "ja" else "en", path=path))
    locale_from = f"{path}: locale" if "locale" in data else None
    if overrides.get("locale") is not None:
        locale_from = "--locale"
    for dotted, value in overrides.items():
        if value is not None:
            _set(data, dotted.split("."), value)
    try:
        config = Config.model_validate(data)
    except ValidationError as invalid:
        raise ConfigError(_describe(invalid, path if path.exists() else None, data)) from None
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


def _read_toml(path: Path, locale: Locale | None) -> dict:
    try:
        raw = path.read_bytes()
    except OSError as failed:
        raise ConfigError(
            FILE_PROBLEMS.say("unreadable", locale or "en", path=path, reason=failed.strerror)
        ) from None
    text = raw.decode("utf-8", errors="replace")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as bad:
        locale = locale or ("ja" if _JAPANESE_LINE.search(text) else "en")
        detail = bad.msg if hasattr(bad, "msg") else str(bad).split(" (at ")[0]
        line = getattr(bad, "lineno", None) or _line_of(str(bad))
        raise ConfigError(
            FILE_PROBLEMS.say("not_toml", locale, path=path, line=line, detail=detail)
        ) from None


def _line_of(message: str) -> str:
    """tomllib before Python 3.14 puts the place only in its message: '... (at line 3, column 5)'."""
    found = re.search(r"line (\d+)", message)
    return found.group(1) if found else "?"


def _set(data: dict, keys: list[str], value: object) -> None:
    for key in keys[:-1]:
        data = data.setdefault(key, {})
    data[keys[-1]] = value


# pydantic's error types -> what to write instead (English, Japanese); {key} is the dotted key
PROBLEMS = Catalogue(
    {
        "extra_forbidden": (
            "{key}: unknown key; remove it or check its spelling",
            "{key}: 不明なキーです。削除するか綴りを確認してください",
        ),
        "int": (
            "{key}: {value} is not a whole number; write e.g. {example}",
            "{key}: {value} は整数ではありません。例: {example} のように書いてください",
        ),
        "float": (
            "{key}: {value} is not a number; write e.g. {example}",
            "{key}: {value} は数値ではありません。例: {example} のように書いてください",
        ),
        "bool": (
            "{key}: {value} is not true or false; write true or false (no quotes)",
            "{key}: {value} は true か false ではありません。引用符なしで true か false と書いてください",
        ),
        "text": (
            "{key}: {value} is not text; put it in quotes, e.g. {example}",
            "{key}: {value} は文字列ではありません。引用符で囲んでください(例: {example})",
        ),
        "choice": (
            "{key}: {value} is not one of {expected}; write one of them",
            "{key}: {value} は {expected} のどれでもありません。どれかを書いてください",
        ),
        "too_small": (
            "{key}: {value} is too small; use {limit} or more",
            "{key}: {value} は小さすぎます。{limit} 以上にしてください",
        ),
        "too_large": (
            "{key}: {value} is too large; use {limit} or less",
            "{key}: {value} は大きすぎます。{limit} 以下にしてください",
        ),
        "missing": (
            "{key}: missing; add {field} = {example}",
            "{key}: 未設定です。{field} = {example} を追加してください",
        ),
        "missing_stage": (
            "pipeline stage {n} ({stage}): {field} is missing; add {field} = {example} to that [[pipeline.stages]] entry",
            "パイプラインの {n} 番目のステージ({stage}): {field} がありません。その [[pipeline.stages]] に "
            "{field} = {example} を追加してください",
        ),
        "pattern": (
            "{key}: {value} is not in the form the setting takes; write e.g. {example}",
            "{key}: {value} は設定の形式ではありません。例: {example} のように書いてください",
        ),
        "other": ("{key}: {message}", "{key}: {message}"),
    }
)
_KINDS = {
    "int_parsing": "int",
    "int_type": "int",
    "int_from_float": "int",
    "float_parsing": "float",
    "float_type": "float",
    "bool_parsing": "bool",
    "bool_type": "bool",
    "string_type": "text",
    "literal_error": "choice",
    "enum": "choice",
    "greater_than_equal": "too_small",
    "greater_than": "too_small",
    "less_than_equal": "too_large",
    "less_than": "too_large",
    "extra_forbidden": "extra_forbidden",
    "missing": "missing",
    "string_pattern_mismatch": "pattern",  # e.g. reminders.at = "9am" (a time of day, 09:00)
}
_EXAMPLES = {"int": "14", "float": "0.5", "text": '"text"', "missing": "…"}
_STAGE_EXAMPLES = {"probability": "0.5", "name": '"Proposal"', "key": '"proposal"', "stall_days": "14"}


def _describe(invalid: ValidationError, path: Path | None, data: dict | None = None) -> str:
    """pydantic's errors as the user's words: the key, what is wrong with the value, what to write."""
    data = data or {}
    locale: Locale = "ja" if data.get("locale") == "ja" else "en"
    where = f"{path}: " if path else ""
    return where + "; ".join(_problem(error, data, locale) for error in invalid.errors())


def _problem(error: ErrorDetails, data: dict, locale: Locale) -> str:
    loc = error["loc"]
    key = ".".join(str(part) for part in loc) or "(top level)"
    kind = _KINDS.get(error["type"], "other")
    ctx = error.get("ctx") or {}
    example = _default_at(loc) or _EXAMPLES.get(kind, "…")
    if kind == "missing" and len(loc) == 4 and loc[:2] == ("pipeline", "stages") and isinstance(loc[2], int):
        stage = _stage_name(data, loc[2])
        field = str(loc[3])
        return PROBLEMS.say(
            "missing_stage",
            locale,
            n=loc[2] + 1,
            stage=stage,
            field=field,
            example=_STAGE_EXAMPLES.get(field, "…"),
        )
    return PROBLEMS.say(
        kind,
        locale,
        key=key,
        value=repr(error.get("input")),
        example=example,
        field=str(loc[-1]) if loc else key,
        expected=str(ctx.get("expected", "")).replace(" or ", ", "),
        limit=ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt", "")))),
        message=error["msg"].removeprefix("Value error, "),
    )


def _stage_name(data: dict, index: int) -> str:
    try:
        entry = data["pipeline"]["stages"][index]
    except (KeyError, IndexError, TypeError):
        return "?"
    return str(entry.get("key") or entry.get("name") or "?") if isinstance(entry, dict) else "?"


def _default_at(loc: tuple[int | str, ...]) -> str | None:
    """The default of the config key at `loc` as TOML would write it (e.g. 14), to show as an example."""
    model: type[BaseModel] = Config
    for depth, part in enumerate(loc):
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        if depth == len(loc) - 1:
            default = field.default
            if default is PydanticUndefined or default is None or isinstance(default, bool | tuple | dict):
                return None
            return f'"{default}"' if isinstance(default, str) else str(default)
        annotation = field.annotation
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return None
