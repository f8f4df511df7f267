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


class ConfigError(SfaSyncError):
    exit_code = 2


class StoreError(SfaSyncError):
    exit_code = 3


class AccessError(StoreError):
    exit_code = 3


class WorkbookLockedError(StoreError):
    exit_code = 4


class UnsafeWriteError(StoreError):
    exit_code = 5


class QuotaError(StoreError):
    exit_code = 6


class AmbiguousWriteError(StoreError):
    """The write may or may not have been applied (timeout, 5xx, dropped connection): re-read and re-plan."""


class SheetLayoutError(SfaSyncError):
    exit_code = 7


class WriteConflictError(SfaSyncError):
    exit_code = 8


class NotifyError(SfaSyncError):
    exit_code = 9


EXIT_OK = 0
EXIT_PROBLEMS_FOUND = 1  # `check` found problems in rows (not an error of the tool)
EXIT_INTERNAL = 70
