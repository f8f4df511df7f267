"""A strict local emulator of the Google Sheets API v4 for tests. See README.md."""

from .emulator import RequestRecord, SheetsEmulator
from .errors import ApiError
from .session import EmulatorSession, gspread_client

__all__ = ["ApiError", "EmulatorSession", "RequestRecord", "SheetsEmulator", "gspread_client"]
