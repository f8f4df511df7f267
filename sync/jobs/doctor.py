"""`sfa-sync doctor`: every check an admin would do by hand, one line each: "OK ..." or "FIX ...: what to do".

Checks stop early only when later ones cannot run (no config: nothing else; no credentials: no sheet).
Warnings (a key file readable by others) are FIX lines that do not change the exit code. The exit code
is that of the first failed check's error class (config 2, access 3, layout 7, reminders 9), else 0.
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import ssl
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import requests

from sheets_schema.tabs import INPUT_TABS
from sync.core.config import Config
from sync.core.snapshot import Snapshot
from sync.engine.analyse import read_book
from sync.engine.layout import header_fixes
from sync.engine.sheet_locale import with_sheet_locale

if TYPE_CHECKING:  # imported where used: a local workbook's doctor never loads the Google libraries
    from sync.stores.google import GoogleStore
from sync.errors import EXIT_OK, AccessError, ConfigError, NotifyError, SfaSyncError, SheetLayoutError
from sync.stores.base import Store


@dataclass
class Checks:
    lines: list[str] = field(default_factory=list)
    code: int = EXIT_OK

    def ok(self, text: str) -> None:
        self.lines.append(f"OK   {text}")

    def fix(self, text: str, exit_code: int | None = None) -> None:
        self.lines.append(f"FIX  {text}")
        if exit_code and not self.code:
            self.code = exit_code


def run_doctor(load_config: Callable[[], Config]) -> tuple[list[str], int]:
    """`load_config` reads the config the command line names; its failure is the first check's."""
    checks = Checks()
    try:
        config = load_config()
    except ConfigError as bad:
        checks.fix(f"config: {bad}", ConfigError.exit_code)
        return checks.lines, checks.code
    checks.ok(f"config: {config.source or 'defaults (no config file)'}")
    for name, sheet in config.per_sheet():
        check_sheet(name, sheet, checks)
    check_email(config, checks)
    check_chat(config, checks)
    return checks.lines, checks.code


def check_sheet(name: str, config: Config, checks: Checks) -> None:
    snapshot = check_access(name, config, checks)
    if snapshot is None:
        return
    check_layout(name, config, snapshot, checks)


def check_access(name: str, config: Config, checks: Checks) -> Snapshot | None:
    if config.store.kind == "xlsx":
        path = config.store.path
        if not path.exists():
            checks.fix(
                f"{name}: workbook {path} not found: create it with sfa-sync init --workbook {path}",
                AccessError.exit_code,
            )
            return None
        from sync.stores.xlsx import XlsxStore

        store: Store | None = XlsxStore(path)
        google: GoogleStore | None = None
    else:
        store = google = google_store(name, config, checks)
    if store is None:
        return None
    try:
        snapshot = store.read()
    except SfaSyncError as failed:
        checks.fix(f"{name}: {failed}", failed.exit_code)
        return None
    checks.ok(f"{name}: {store.describe()} can be read")
    if google is not None:
        check_protections(name, config, google, snapshot, checks)
    return snapshot


def google_store(name: str, config: Config, checks: Checks) -> GoogleStore | None:
    from google.auth.exceptions import GoogleAuthError, RefreshError
    from google.auth.transport.requests import Request

    from sync.stores.google import GoogleStore
    from sync.stores.google_auth import describe_refresh_failure, load_credentials

    key = config.store.credentials or (
        Path(os.environ["GOOGLE_APPLICATION_CREDENTIALS"])
        if os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
        else None
    )
    if key is not None and key.exists() and key.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH):
        checks.fix(f"{name}: key file {key} is readable by other users (warning): run chmod 600 {key}")
    try:
        store = GoogleStore.from_config(config)
    except SfaSyncError as bad:
        checks.fix(f"{name}: credentials: {bad}", bad.exit_code)
        return None
    checks.ok(f"{name}: credentials of {store.client_email or 'Application Default Credentials'}")
    store.attempts = 1  # a diagnosis, not a sync: no retries
    credentials, _email = load_credentials(config.store.credentials)
    try:
        credentials.refresh(Request())
    except RefreshError as refused:
        checks.fix(
            f"{name}: token: {describe_refresh_failure(refused, store.client_email)}", AccessError.exit_code
        )
        return None
    except (GoogleAuthError, OSError) as failed:
        checks.fix(
            f"{name}: token: the token endpoint cannot be reached ({type(failed).__name__}); check the "
            "network or proxy",
            AccessError.exit_code,
        )
        return None
    checks.ok(f"{name}: token granted for the spreadsheets scope")
    return store


def check_protections(
    name: str, config: Config, store: GoogleStore, snapshot: Snapshot, checks: Checks
) -> None:
    found = read_book(snapshot, config)
    bare = store.unprotected_tabs([tab.title for tab in found.tabs.values()])
    if bare:
        checks.fix(
            f"{name}: service-owned columns of {', '.join(bare)} are not protected: run sfa-sync init "
            "(it protects them and greys them out)"
        )
    else:
        checks.ok(f"{name}: service-owned columns protected")


# what init cannot set up: header_fixes says which header or tab to rename instead
NEEDS_A_PERSON = {"missing_column", "renamed_tab", "empty_tab_look_alike"}


def check_layout(name: str, config: Config, snapshot: Snapshot, checks: Checks) -> None:
    """The same advice init gives: a header or tab to rename where init cannot help (a tab with rows), else
    `sfa-sync init`, which sets up what is missing. In the sheet's language."""
    with contextlib.suppress(ConfigError):  # a contradicting locale: advise in the config's language
        config = with_sheet_locale(config, snapshot)
    found = read_book(snapshot, config)
    fixes = header_fixes(snapshot, config.locale)
    for fix in fixes:
        checks.fix(f"{name}: {fix}", SheetLayoutError.exit_code)
    for problem in found.tab_problems:
        if fixes and problem.message.code in NEEDS_A_PERSON:
            continue  # said above, as what to rename
        checks.fix(f"{name}: {problem.render(config.locale)}", SheetLayoutError.exit_code)
    if not found.tab_problems:
        titles = ", ".join(spec.title(config.locale) for spec in INPUT_TABS)
        checks.ok(f"{name}: tabs and required headers present ({titles})")


def check_email(config: Config, checks: Checks) -> None:
    email = config.reminders.email
    if not email.enabled:
        checks.ok("email reminders: not enabled")
        return
    password = os.environ.get(email.password_env)
    if email.user and not password:
        checks.fix(
            f"email reminders: the environment variable {email.password_env} (the SMTP password) is not set",
            NotifyError.exit_code,
        )
        return
    where = f"{email.host}:{email.port}"
    try:
        smtp = (
            smtplib.SMTP_SSL(
                email.host, email.port, timeout=email.timeout, context=ssl.create_default_context()
            )
            if email.security == "ssl"
            else smtplib.SMTP(email.host, email.port, timeout=email.timeout)
        )
        with smtp:
            smtp.ehlo()
            if email.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if email.user and password:
                smtp.login(email.user, password)
    except smtplib.SMTPAuthenticationError:
        checks.fix(
            f"email reminders: {where} refused the login of {email.user}; check reminders.email.user and "
            f"{email.password_env}",
            NotifyError.exit_code,
        )
        return
    except (OSError, smtplib.SMTPException) as failed:
        checks.fix(
            f"email reminders: SMTP server {where} unreachable or refused ({_reason(failed)}); check "
            "reminders.email.host, port and security, and the firewall",
            NotifyError.exit_code,
        )
        return
    checks.ok(
        f"email reminders: SMTP server {where} answers" + (" and accepts the login" if email.user else "")
    )


def check_chat(config: Config, checks: Checks) -> None:
    chat = config.reminders.chat
    if not chat.enabled:
        checks.ok("chat reminders: not enabled")
        return
    for variable in (chat.webhook_env, *chat.per_team.values()):
        url = os.environ.get(variable)
        if not url:
            checks.fix(
                f"chat reminders: the environment variable {variable} (the webhook URL) is not set",
                NotifyError.exit_code,
            )
            continue
        host = urlsplit(url).netloc or "?"  # never the whole URL: its path is the secret
        try:
            answer = requests.get(url, timeout=chat.timeout, allow_redirects=False)
        except requests.RequestException as failed:
            checks.fix(
                f"chat reminders: webhook host {host} ({variable}) unreachable ({_reason(failed)}); check the "
                "URL, proxy and firewall",
                NotifyError.exit_code,
            )
            continue
        if answer.status_code in (401, 403, 404, 410):
            checks.fix(
                f"chat reminders: webhook host {host} ({variable}) answered {answer.status_code}: the webhook "
                "may be deleted or revoked; create a new one and update the variable",
                NotifyError.exit_code,
            )
        elif (
            answer.status_code >= 500 and answer.status_code != 501
        ):  # 501/405: it exists, only POST is served
            checks.fix(
                f"chat reminders: webhook host {host} ({variable}) answered {answer.status_code}; try again "
                "later",
                NotifyError.exit_code,
            )
        else:
            checks.ok(f"chat reminders: webhook host {host} ({variable}) reachable")


def _reason(failed: BaseException) -> str:
    text = getattr(failed, "strerror", None) or type(failed).__name__
    return str(text)
