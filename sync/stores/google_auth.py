"""Credentials for the Google store: a service-account key file or Application Default Credentials.

Only the spreadsheets scope is requested. Errors say which file or variable to fix.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path
from typing import Any

import google.auth
from google.auth.exceptions import DefaultCredentialsError
from google.oauth2 import service_account

from sync.errors import AccessError, ConfigError

SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
log = logging.getLogger(__name__)


def load_credentials(key_file: Path | None) -> tuple[Any, str | None]:
    """(credentials, the service account's email if known). Key file: config, else
    GOOGLE_APPLICATION_CREDENTIALS, else Application Default Credentials (Cloud Run, GCE, gcloud)."""
    path = key_file or (
        Path(os.environ["GOOGLE_APPLICATION_CREDENTIALS"])
        if os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
        else None
    )
    if path is not None:
        return _from_key_file(path)
    try:
        credentials, _project = google.auth.default(scopes=SCOPES)
    except DefaultCredentialsError:
        raise ConfigError(
            "no Google credentials: set store.credentials to a service-account key file, or "
            "GOOGLE_APPLICATION_CREDENTIALS, or run where Application Default Credentials exist"
        ) from None
    return credentials, getattr(credentials, "service_account_email", None)


def _from_key_file(path: Path) -> tuple[Any, str | None]:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: service-account key file not found; check store.credentials") from None
    except (OSError, ValueError) as bad:
        raise ConfigError(f"{path}: not a readable JSON key file ({bad}); download the key again") from None
    _warn_if_readable_by_others(path)
    if info.get("type") != "service_account":
        raise ConfigError(
            f"{path}: not a service-account key (type is {info.get('type')!r}); "
            "create a key for a service account in the Google Cloud console"
        )
    try:
        credentials = service_account.Credentials.from_service_account_info(info, scopes=SCOPES)
    except (ValueError, KeyError) as bad:
        raise ConfigError(
            f"{path}: the key file is incomplete or damaged ({bad}); download the key again"
        ) from None
    return credentials, info.get("client_email")


def _warn_if_readable_by_others(path: Path) -> None:
    mode = path.stat().st_mode
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        log.warning("%s: the key file is readable by other users; run: chmod 600 %s", path, path)


def describe_refresh_failure(error: Exception, email: str | None) -> AccessError:
    who = f" for {email}" if email else ""
    return AccessError(
        f"Google refused the credentials{who} ({_short(error)}); the key may be deleted or disabled — "
        "create a new key for the service account and update store.credentials"
    )


def _short(error: Exception) -> str:
    text = str(error.args[0] if error.args else error)
    return text if len(text) < 160 else text[:157] + "..."
