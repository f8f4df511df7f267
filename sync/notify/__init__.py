"""Notifiers: how a reminder digest reaches its owner (email over SMTP, a chat incoming webhook).

A notifier has a `channel` name ("email", "chat") and `send(digest, locale)`, which either delivers the
digest or raises sync.errors.NotifyError with a message that names the owner and the reason, and never
the password, the webhook URL or anyone's personal data. Transient failures (refused or dropped
connections, timeouts, 4xx SMTP replies, HTTP 429/5xx) are retried with backoff before giving up.
"""

from __future__ import annotations

from sync.notify.base import Notifier, redact_in_logs
from sync.notify.chat import ChatNotifier
from sync.notify.email import EmailNotifier

__all__ = ["ChatNotifier", "EmailNotifier", "Notifier", "redact_in_logs"]
