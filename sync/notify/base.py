"""What every notifier shares: the protocol, retries with backoff, and keeping secrets out of logs."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol, TypeVar

from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter
from tenacity.wait import wait_base

from rules.reminders import Digest
from sheets_schema.locale import Locale

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_ATTEMPTS = 3
DEFAULT_WAIT: wait_base = wait_exponential_jitter(initial=1, max=30)


class Notifier(Protocol):
    channel: str

    def send(self, digest: Digest, locale: Locale) -> None:
        """Deliver the digest, or raise NotifyError (after retrying what may succeed on a retry)."""
        ...


class AttemptFailed(Exception):
    """One delivery attempt failed. `reason` is safe to show (no secrets); `transient`: worth retrying."""

    def __init__(self, reason: str, transient: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


def with_retries(
    attempt: Callable[[], T],
    what: str,
    attempts: int = DEFAULT_ATTEMPTS,
    wait: wait_base | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `attempt` until it succeeds, fails for good, or `attempts` are used up (then re-raise)."""

    def before_sleep(state) -> None:
        failed = state.outcome.exception()
        log.warning("%s: attempt %d failed (%s); retrying", what, state.attempt_number, failed.reason)

    retrying = Retrying(
        stop=stop_after_attempt(attempts),
        wait=wait if wait is not None else DEFAULT_WAIT,
        retry=retry_if_exception(lambda e: isinstance(e, AttemptFailed) and e.transient),
        before_sleep=before_sleep,
        sleep=sleep,
        reraise=True,
    )
    return retrying(attempt)


class RedactSecrets(logging.Filter):
    """Replaces known secrets in a log record's text with ***.

    Installed on the loggers of libraries that log request lines: urllib3 logs the path and query of
    every request at DEBUG level, and a chat webhook's path and query are its credential.
    """

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        text = record.getMessage()
        if any(secret in text for secret in self.secrets):
            for secret in sorted(self.secrets, key=len, reverse=True):
                text = text.replace(secret, "***")
            record.msg, record.args = text, None
        return True


_REDACT = RedactSecrets()
_REDACTED_LOGGERS = ("urllib3.connectionpool", "urllib3.util.retry", "requests")


def redact_in_logs(*secrets: str | None) -> None:
    """From now on, these strings never appear in the log lines of the HTTP libraries we use."""
    for secret in secrets:
        if secret and len(secret) >= 4:  # a 1-3 character "secret" would blank out ordinary words
            _REDACT.secrets.add(secret)
    for name in _REDACTED_LOGGERS:
        logger = logging.getLogger(name)
        if _REDACT not in logger.filters:
            logger.addFilter(_REDACT)
