"""Pointing google-auth / gspread at the emulator: an AuthorizedSession that rewrites Google's hosts."""

from __future__ import annotations

from typing import Any

from google.auth.transport.requests import AuthorizedSession

GOOGLE_PREFIXES = ("https://sheets.googleapis.com", "https://www.googleapis.com")


class EmulatorSession(AuthorizedSession):
    """``AuthorizedSession`` whose requests to Google API hosts go to ``base_url`` instead.

    Token refresh also goes to the emulator because the key file's token_uri points there.
    """

    def __init__(self, credentials: Any, base_url: str, **kwargs: Any):
        super().__init__(credentials, **kwargs)
        self.emulator_base_url = base_url.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any):  # type: ignore[override]
        for prefix in GOOGLE_PREFIXES:
            if url.startswith(prefix):
                url = self.emulator_base_url + url[len(prefix) :]
                break
        return super().request(method, url, *args, **kwargs)


def gspread_client(credentials: Any, base_url: str):
    """A ``gspread.Client`` talking to the emulator at ``base_url``."""
    import gspread

    return gspread.Client(auth=credentials, session=EmulatorSession(credentials, base_url))
