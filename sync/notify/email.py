"""Email digests over SMTP (smtplib): STARTTLS, SSL or plain; plain text plus HTML."""

from __future__ import annotations

import os
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from tenacity.wait import wait_base

from rules.reminders import Digest
from sheets_schema.locale import Locale
from sync.core.config import EmailConfig
from sync.errors import NotifyError
from sync.notify import render
from sync.notify.base import DEFAULT_ATTEMPTS, AttemptFailed, with_retries


class EmailNotifier:
    channel = "email"

    def __init__(
        self,
        config: EmailConfig,
        env: Mapping[str, str] | None = None,
        *,
        tls_context: ssl.SSLContext | None = None,
        attempts: int = DEFAULT_ATTEMPTS,
        wait: wait_base | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self.env = os.environ if env is None else env
        self.tls_context = tls_context
        self.attempts = attempts
        self.wait = wait
        self.sleep = sleep

    def describe(self) -> str:
        return f"SMTP {self.config.host}:{self.config.port}"

    def send(self, digest: Digest, locale: Locale) -> None:
        what = f"email to {digest.owner}"
        if not digest.email:
            raise NotifyError(f"{what}: no valid email on the Team tab; add one there")
        message = build_message(digest, locale, self.config.sender)
        password = self._password(what)
        try:
            with_retries(lambda: self._deliver(message, password), what, self.attempts, self.wait, self.sleep)
        except AttemptFailed as failed:
            # `from None`: the reason is all that is safe to keep; smtplib errors may quote server replies.
            raise NotifyError(
                f"{what}: {failed.reason} ({self.describe()}); the reminders stay due for the next run"
            ) from None

    def _password(self, what: str) -> str | None:
        if not self.config.user:
            return None
        password = self.env.get(self.config.password_env)
        if not password:
            raise NotifyError(
                f"{what}: environment variable {self.config.password_env} (the SMTP password for "
                f"reminders.email.user) is not set; set it where the service runs"
            )
        return password

    def _deliver(self, message: EmailMessage, password: str | None) -> None:
        try:
            with self._connect() as smtp:
                if self.config.security == "starttls":
                    smtp.starttls(context=self._context())
                if self.config.user:
                    smtp.login(self.config.user, password or "")
                smtp.send_message(message)
        except Exception as error:
            raise AttemptFailed(*classify(error)) from None

    def _connect(self) -> smtplib.SMTP:
        host, port, timeout = self.config.host, self.config.port, self.config.timeout
        if self.config.security == "ssl":
            return smtplib.SMTP_SSL(host, port, timeout=timeout, context=self._context())
        return smtplib.SMTP(host, port, timeout=timeout)

    def _context(self) -> ssl.SSLContext:
        return self.tls_context or ssl.create_default_context()


def build_message(digest: Digest, locale: Locale, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = render.subject(digest, locale)
    message["From"] = sender
    message["To"] = digest.email or ""
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="sfa-sync")
    message.set_content(render.plain_text(digest, locale))
    message.add_alternative(render.html(digest, locale), subtype="html")
    return message


def classify(error: Exception) -> tuple[str, bool]:
    """(reason safe to show, worth retrying). Note smtplib.SMTPException is an OSError: check it first."""
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"the SMTP server refused the login of reminders.email.user ({error.smtp_code})", False
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        transient = bool(codes) and all(400 <= code < 500 for code in codes)
        return f"the SMTP server refused the owner's address ({', '.join(map(str, codes))})", transient
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return 'the SMTP server does not support STARTTLS; use security = "ssl" or "none"', False
    if isinstance(error, smtplib.SMTPServerDisconnected):
        if isinstance(error.__context__, TimeoutError):  # smtplib reports a read timeout as a disconnect
            return "the SMTP server did not answer in time", True
        return "the SMTP server closed the connection", True
    if isinstance(error, smtplib.SMTPResponseException):
        return f"the SMTP server answered {error.smtp_code}", 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPException):
        return f"SMTP error ({type(error).__name__})", False
    if isinstance(error, ssl.SSLCertVerificationError):
        return "the SMTP server's TLS certificate is not trusted", False
    if isinstance(error, TimeoutError):
        return "the SMTP server did not answer in time", True
    if isinstance(error, ConnectionRefusedError):
        return "the SMTP server refused the connection", True
    if isinstance(error, OSError):
        return f"cannot reach the SMTP server ({type(error).__name__})", True
    raise error
