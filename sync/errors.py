"""The one error tree of sfa-sync.

    SfaSyncError                 exit code 1 (generic)
     +-- ConfigError             2  the config file or a command-line option is wrong
     +-- StoreError              3  the workbook / spreadsheet cannot be reached or used
     |    +-- AccessError        3  not found, not shared, API disabled, bad credentials
     |    +-- WorkbookLockedError 4 someone has the .xlsx open in Excel / LibreOffice
     |    +-- UnsafeWriteError   5  writing would destroy something people put in the workbook
     |    +-- QuotaError         6  Google quota exhausted after retries
     |    +-- AmbiguousWriteError 3 a write may or may not have landed: the cycle reads again and re-plans
     +-- SheetLayoutError        7  a tab or header is unusable as a whole
     +-- WriteConflictError      8  people kept moving rows; re-planning did not converge
     +-- NotifyError             9  a reminder could not be delivered

Every message says where (file, key, Tab!A1) and what to do next. Lower-level errors (openpyxl,
gspread, google-auth, OSError) are translated once, at the store boundary, and chained with `from`.
"""

from __future__ import annotations


class SfaSyncError(Exception):
    exit_code = 1
    meaning = "`check` found problems in rows (they are listed)"


class ConfigError(SfaSyncError):
    exit_code = 2
    meaning = "the config file or an option is wrong (the message names the key)"


class StoreError(SfaSyncError):
    exit_code = 3
    meaning = "the workbook or spreadsheet cannot be reached or opened"


class AccessError(StoreError):
    exit_code = 3


class WorkbookLockedError(StoreError):
    exit_code = 4
    meaning = "the workbook is open in Excel or LibreOffice: close it and run again"


class UnsafeWriteError(StoreError):
    exit_code = 5
    meaning = "saving would drop something the service cannot keep (e.g. drawn shapes): nothing was written"


class QuotaError(StoreError):
    exit_code = 6
    meaning = "Google quota exhausted after retries"


class AmbiguousWriteError(StoreError):
    """The write may or may not have been applied (timeout, 5xx, dropped connection): re-read and re-plan."""


class SheetLayoutError(SfaSyncError):
    exit_code = 7
    meaning = "a tab's layout is unusable as a whole"


class WriteConflictError(SfaSyncError):
    exit_code = 8
    meaning = (
        "people kept moving rows while the service was about to write, or another instance holds the sheet: "
        "nothing was written, the next run retries"
    )


class NotifyError(SfaSyncError):
    exit_code = 9
    meaning = "a reminder could not be delivered"


EXIT_OK = 0
EXIT_PROBLEMS_FOUND = 1  # `check` found problems in rows (not an error of the tool)
EXIT_INTERNAL = 70


def exit_codes() -> dict[int, str]:
    """Every exit code of the command line and what it means, from the tree above (its first class with
    that code: a subclass that keeps its parent's code adds no meaning of its own). The README's table and
    `sfa-sync --help` are this."""
    codes = {EXIT_OK: "done"}
    pending: list[type[SfaSyncError]] = [SfaSyncError]
    while pending:
        error = pending.pop(0)
        codes.setdefault(error.exit_code, error.meaning)
        pending += error.__subclasses__()
    codes[EXIT_INTERNAL] = "internal error — a bug; please report it with the command you ran"
    return dict(sorted(codes.items()))
