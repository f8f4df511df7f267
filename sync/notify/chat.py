"""Chat digests to an incoming webhook: Google Chat or Slack. The webhook URL is a credential: it comes from
an environment variable and never appears in a message, an exception or a log line."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from tenacity.wait import wait_base

from rules.book import key_of
from rules.reminders import Digest
from sheets_schema.locale import Locale
from sync.core.config import ChatConfig
from sync.errors import NotifyError
from sync.notify import render
from sync.notify.base import DEFAULT_ATTEMPTS, AttemptFailed, redact_in_logs, with_retries


class ChatNotifier:
    channel = "chat"

    def __init__(
        self,
        config: ChatConfig,
        env: Mapping[str, str] | None = None,
        *,
        session: requests.Session | None = None,
        attempts: int = DEFAULT_ATTEMPTS,
        wait: wait_base | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self.env = os.environ if env is None else env
        self.session = session or requests.Session()
        self.attempts = attempts
        self.wait = wait
        self.sleep = sleep

    def send(self, digest: Digest, locale: Locale) -> None:
        what = f"chat message for {digest.owner}"
        url, variable = self.webhook(digest.team, what)
        payload = chat_payload(self.config.kind, digest, locale)
        try:
            with_retries(lambda: self._post(url, payload), what, self.attempts, self.wait, self.sleep)
        except AttemptFailed as failed:
            # `from None`: requests' errors quote the URL, which is the webhook's credential.
            raise NotifyError(
                f"{what}: {failed.reason} (webhook from ${variable}); the reminders stay due for the next run"
            ) from None

    def webhook(self, team: str | None, what: str) -> tuple[str, str]:
        """The URL and the name of the environment variable it came from: the team's own, else the default."""
        variable = self.config.webhook_env
        wanted = key_of(team)
        for name, env_name in self.config.per_team.items():
            if wanted and key_of(name) == wanted:
                variable = env_name
                break
        url = self.env.get(variable)
        if not url:
            raise NotifyError(
                f"{what}: environment variable {variable} (a chat webhook URL) is not set; "
                "set it where the service runs"
            )
        redact_in_logs(url, *_url_parts(url))
        return url, variable

    def _post(self, url: str, payload: dict[str, Any]) -> None:
        try:
            response = self.session.post(url, json=payload, timeout=self.config.timeout)
        except requests.Timeout:
            raise AttemptFailed("the webhook did not answer in time", True) from None
        except requests.ConnectionError:
            raise AttemptFailed("cannot connect to the webhook", True) from None
        except requests.RequestException as error:
            raise AttemptFailed(f"webhook request failed ({type(error).__name__})", False) from None
        status = response.status_code
        response.close()
        if status < 300:
            return
        transient = status == 429 or status >= 500
        hint = "" if transient else "; check the webhook (revoked or wrong?)"
        raise AttemptFailed(f"the webhook answered HTTP {status}{hint}", transient)


def _url_parts(url: str) -> tuple[str, ...]:
    """The parts of a webhook URL that carry its secret (urllib3 logs path and query separately)."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    return tuple(p for p in (target, parts.path if len(parts.path) > 1 else "", parts.query) if p)


def chat_payload(kind: str, digest: Digest, locale: Locale) -> dict[str, Any]:
    escaped = render.slack_escaped if kind == "slack" else render.google_chat_escaped
    text = render.chat_text(digest, locale, escaped)
    if kind == "slack":
        return {
            "text": text,  # the notification preview and the fallback
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}],
        }
    return {"text": text}  # Google Chat
