"""Logging for the service: standard `logging`, text or JSON lines, with known secrets redacted.

What is logged is decided by the callers: counts, tab names, cell addresses, outcomes and error messages
(which name places, never values of Leads). The filter is a second line of defence: it replaces the
values of the secrets the config points at (SMTP password, webhook URLs) and bearer tokens wherever they
would appear, even inside an exception's text.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime, tzinfo
from typing import IO, Any

from sync.core.config import Config

REDACTED = "[redacted]"
_BEARER = re.compile(r"(?i)(bearer\s+|access_token[\"']?\s*[:=]\s*[\"']?)[A-Za-z0-9._~+/=-]{8,}")
_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S)
STANDARD_ATTRS = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


def secrets_of(config: Config) -> list[str]:
    """The secret values the config refers to (read from the environment), to keep out of every line."""
    names = [
        config.reminders.email.password_env,
        config.reminders.chat.webhook_env,
        *config.reminders.chat.per_team.values(),
    ]
    return [os.environ[name] for name in names if len(os.environ.get(name, "")) >= 4]


class RedactFilter(logging.Filter):
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        text = _PRIVATE_KEY.sub(REDACTED, text)
        return _BEARER.sub(lambda m: m.group(1) + REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        for key, value in list(record.__dict__.items()):
            if key not in STANDARD_ATTRS and isinstance(value, str):
                setattr(record, key, self.redact(value))
        return True


def stamp(record: logging.LogRecord, zone: tzinfo) -> str:
    """The record's time in `zone`, ISO 8601 with the zone's UTC offset (2026-11-30T10:00:00.000+09:00):
    a line read next to the Sync Log, or by someone in another zone, says which moment it is."""
    return datetime.fromtimestamp(record.created, zone).isoformat(timespec="milliseconds")


class TextFormatter(logging.Formatter):
    """time level logger: message, the time as `stamp` gives it."""

    def __init__(self, zone: tzinfo = UTC) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.zone = zone

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return stamp(record, self.zone)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (`stamp`), level, logger, message, and the record's extra fields."""

    def __init__(self, zone: tzinfo = UTC) -> None:
        super().__init__()
        self.zone = zone

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": stamp(record, self.zone),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line |= {
            k: v for k, v in record.__dict__.items() if k not in STANDARD_ATTRS and not k.startswith("_")
        }
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


def setup_logging(
    fmt: str = "text",
    secrets: Iterable[str] = (),
    stream: IO[str] | None = None,
    level: int = logging.INFO,
    zone: tzinfo = UTC,
) -> logging.Handler:
    """Log to stderr (or `stream`), times in `zone` (the config's timezone) with its offset; replaces a
    handler set up here before. Returns the handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RedactFilter(secrets))
    handler.setFormatter(JsonFormatter(zone) if fmt == "json" else TextFormatter(zone))
    handler.set_name("sfa-sync")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "sfa-sync"]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler
