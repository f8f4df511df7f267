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

from sheets_schema.locale import Locale
from sheets_schema.messages import Catalogue
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

# One line per check, in the admin's language; "OK" and "FIX" stay as they are in both, so a script
# (or a person scanning the column) finds the failed checks the same way.
WORDS = Catalogue(
    {
        "config": ("config: {what}", "設定: {what}"),
        "no_config_file": ("defaults (no config file)", "既定値(設定ファイルなし)"),
        "workbook_missing": (
            "{name}: workbook {path} not found: create it with sfa-sync init --workbook {path}",
            "{name}: ワークブック {path} が見つかりません。sfa-sync init --workbook {path} で作成してください",
        ),
        "problem": ("{name}: {problem}", "{name}: {problem}"),
        "readable": ("{name}: {store} can be read", "{name}: {store} を読み取れます"),
        "key_readable": (
            "{name}: key file {key} is readable by other users (warning): run chmod 600 {key}",
            "{name}: 鍵ファイル {key} を他のユーザーも読めます(警告)。chmod 600 {key} を実行してください",
        ),
        "credentials_bad": ("{name}: credentials: {problem}", "{name}: 認証情報: {problem}"),
        "credentials_ok": ("{name}: credentials of {who}", "{name}: {who} の認証情報"),
        "token_refused": ("{name}: token: {problem}", "{name}: トークン: {problem}"),
        "token_unreachable": (
            "{name}: token: the token endpoint cannot be reached ({reason}); check the network or proxy",
            "{name}: トークン: トークンの発行元に接続できません({reason})。ネットワークかプロキシを確認してください",
        ),
        "token_ok": (
            "{name}: token granted for the spreadsheets scope",
            "{name}: スプレッドシートの権限でトークンを取得できました",
        ),
        "unprotected": (
            "{name}: service-owned columns of {tabs} are not protected: run sfa-sync init "
            "(it protects them and greys them out)",
            "{name}: {tabs} のサービス管理列が保護されていません。sfa-sync init を実行してください"
            "(保護してグレー表示にします)",
        ),
        "protected": ("{name}: service-owned columns protected", "{name}: サービス管理列は保護されています"),
        "layout_ok": (
            "{name}: tabs and required headers present ({titles})",
            "{name}: タブと必須の見出しがそろっています({titles})",
        ),
        "email_off": ("email reminders: not enabled", "メールのリマインダー: 使っていません"),
        "email_password": (
            "email reminders: the environment variable {variable} (the SMTP password) is not set",
            "メールのリマインダー: 環境変数 {variable}(SMTP のパスワード)が設定されていません",
        ),
        "email_login": (
            "email reminders: {where} refused the login of {user}; check reminders.email.user and {variable}",
            "メールのリマインダー: {where} が {user} のログインを拒否しました。reminders.email.user と "
            "{variable} を確認してください",
        ),
        "email_unreachable": (
            "email reminders: SMTP server {where} unreachable or refused ({reason}); check "
            "reminders.email.host, port and security, and the firewall",
            "メールのリマインダー: SMTP サーバー {where} に接続できないか、拒否されました({reason})。"
            "reminders.email.host、port、security とファイアウォールを確認してください",
        ),
        "email_ok": (
            "email reminders: SMTP server {where} answers",
            "メールのリマインダー: SMTP サーバー {where} が応答します",
        ),
        "email_ok_login": (
            "email reminders: SMTP server {where} answers and accepts the login",
            "メールのリマインダー: SMTP サーバー {where} が応答し、ログインできます",
        ),
        "chat_off": ("chat reminders: not enabled", "チャットのリマインダー: 使っていません"),
        "chat_variable": (
            "chat reminders: the environment variable {variable} (the webhook URL) is not set",
            "チャットのリマインダー: 環境変数 {variable}(Webhook の URL)が設定されていません",
        ),
        "chat_unreachable": (
            "chat reminders: webhook host {host} ({variable}) unreachable ({reason}); check the URL, proxy "
            "and firewall",
            "チャットのリマインダー: Webhook のホスト {host}({variable})に接続できません({reason})。"
            "URL、プロキシ、ファイアウォールを確認してください",
        ),
        "chat_revoked": (
            "chat reminders: webhook host {host} ({variable}) answered {status}: the webhook may be deleted or "
            "revoked; create a new one and update the variable",
            "チャットのリマインダー: Webhook のホスト {host}({variable})の応答は {status} です。Webhook が"
            "削除か無効化されたようです。新しく作って環境変数を更新してください",
        ),
        "chat_server": (
            "chat reminders: webhook host {host} ({variable}) answered {status}; try again later",
            "チャットのリマインダー: Webhook のホスト {host}({variable})の応答は {status} です。"
            "しばらくしてから再度お試しください",
        ),
        "chat_ok": (
            "chat reminders: webhook host {host} ({variable}) reachable",
            "チャットのリマインダー: Webhook のホスト {host}({variable})に接続できます",
        ),
    }
)


@dataclass
class Checks:
    locale: Locale = "en"
    lines: list[str] = field(default_factory=list)
    code: int = EXIT_OK

    def ok(self, code: str, **params: object) -> None:
        self.lines.append(f"OK   {WORDS.say(code, self.locale, **params)}")

    def fix(self, code: str, exit_code: int | None = None, **params: object) -> None:
        self.lines.append(f"FIX  {WORDS.say(code, self.locale, **params)}")
        if exit_code and not self.code:
            self.code = exit_code


def run_doctor(load_config: Callable[[], Config], locale: Locale | None = None) -> tuple[list[str], int]:
    """`load_config` reads the config the command line names; its failure is the first check's. The lines
    are in `locale` (--locale) when given, else in the config's language (English when it cannot be read)."""
    checks = Checks(locale or "en")
    try:
        config = load_config()
    except ConfigError as bad:
        checks.fix("config", ConfigError.exit_code, what=bad)
        return checks.lines, checks.code
    checks.locale = locale or config.locale
    checks.ok("config", what=config.source or WORDS.say("no_config_file", checks.locale))
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
            checks.fix("workbook_missing", AccessError.exit_code, name=name, path=path)
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
        checks.fix("problem", failed.exit_code, name=name, problem=failed)
        return None
    checks.ok("readable", name=name, store=store.describe())
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
        checks.fix("key_readable", name=name, key=key)
    try:
        store = GoogleStore.from_config(config)
    except SfaSyncError as bad:
        checks.fix("credentials_bad", bad.exit_code, name=name, problem=bad)
        return None
    checks.ok("credentials_ok", name=name, who=store.client_email or "Application Default Credentials")
    store.attempts = 1  # a diagnosis, not a sync: no retries
    credentials, _email = load_credentials(config.store.credentials)
    try:
        credentials.refresh(Request())
    except RefreshError as refused:
        problem = describe_refresh_failure(refused, store.client_email)
        checks.fix("token_refused", AccessError.exit_code, name=name, problem=problem)
        return None
    except (GoogleAuthError, OSError) as failed:
        checks.fix("token_unreachable", AccessError.exit_code, name=name, reason=type(failed).__name__)
        return None
    checks.ok("token_ok", name=name)
    return store


def check_protections(
    name: str, config: Config, store: GoogleStore, snapshot: Snapshot, checks: Checks
) -> None:
    found = read_book(snapshot, config)
    bare = store.unprotected_tabs([tab.title for tab in found.tabs.values()])
    if bare:
        checks.fix("unprotected", name=name, tabs=", ".join(bare))
    else:
        checks.ok("protected", name=name)


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
        checks.fix("problem", SheetLayoutError.exit_code, name=name, problem=fix)
    for problem in found.tab_problems:
        if fixes and problem.message.code in NEEDS_A_PERSON:
            continue  # said above, as what to rename
        checks.fix("problem", SheetLayoutError.exit_code, name=name, problem=problem.render(config.locale))
    if not found.tab_problems:
        titles = ", ".join(spec.title(config.locale) for spec in INPUT_TABS)
        checks.ok("layout_ok", name=name, titles=titles)


def check_email(config: Config, checks: Checks) -> None:
    email = config.reminders.email
    if not email.enabled:
        checks.ok("email_off")
        return
    password = os.environ.get(email.password_env)
    if email.user and not password:
        checks.fix("email_password", NotifyError.exit_code, variable=email.password_env)
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
            "email_login", NotifyError.exit_code, where=where, user=email.user, variable=email.password_env
        )
        return
    except (OSError, smtplib.SMTPException) as failed:
        checks.fix("email_unreachable", NotifyError.exit_code, where=where, reason=_reason(failed))
        return
    checks.ok("email_ok_login" if email.user else "email_ok", where=where)


def check_chat(config: Config, checks: Checks) -> None:
    chat = config.reminders.chat
    if not chat.enabled:
        checks.ok("chat_off")
        return
    for variable in (chat.webhook_env, *chat.per_team.values()):
        url = os.environ.get(variable)
        if not url:
            checks.fix("chat_variable", NotifyError.exit_code, variable=variable)
            continue
        host = urlsplit(url).netloc or "?"  # never the whole URL: its path is the secret
        try:
            answer = requests.get(url, timeout=chat.timeout, allow_redirects=False)
        except requests.RequestException as failed:
            checks.fix(
                "chat_unreachable",
                NotifyError.exit_code,
                host=host,
                variable=variable,
                reason=_reason(failed),
            )
            continue
        if answer.status_code in (401, 403, 404, 410):
            checks.fix(
                "chat_revoked", NotifyError.exit_code, host=host, variable=variable, status=answer.status_code
            )
        elif (
            answer.status_code >= 500 and answer.status_code != 501
        ):  # 501/405: it exists, only POST is served
            checks.fix(
                "chat_server", NotifyError.exit_code, host=host, variable=variable, status=answer.status_code
            )
        else:
            checks.ok("chat_ok", host=host, variable=variable)


def _reason(failed: BaseException) -> str:
    text = getattr(failed, "strerror", None) or type(failed).__name__
    return str(text)
