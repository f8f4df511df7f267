"""Google-shaped API errors (``{"error": {"code", "message", "status", "details"}}``)."""

from __future__ import annotations

STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}

DEFAULT_MESSAGES = {
    429: "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' "
    "of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'.",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
}


class ApiError(Exception):
    """Raised anywhere in endpoint logic; the server turns it into Google's error body."""

    def __init__(self, code: int, message: str, *, details: list | None = None, status: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_NAMES.get(code, "UNKNOWN")
        self.details = details

    def body(self) -> dict:
        err: dict = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            err["details"] = self.details
        return {"error": err}


def bad_request(message: str, field: str | None = None) -> ApiError:
    """400 INVALID_ARGUMENT; with ``field`` adds a google.rpc.BadRequest fieldViolation like Google."""
    details = None
    if field is not None:
        violation = {"field": field, "description": message} if field else {"description": message}
        details = [{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [violation]}]
    return ApiError(400, message, details=details)


def injected(code: int, message: str | None = None, reason: str | None = None) -> ApiError:
    details = None
    if reason:
        details = [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": reason,
                "domain": "googleapis.com",
                "metadata": {"service": "sheets.googleapis.com"},
            }
        ]
    elif code == 429:
        details = [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "RATE_LIMIT_EXCEEDED",
                "domain": "googleapis.com",
                "metadata": {
                    "service": "sheets.googleapis.com",
                    "quota_metric": "sheets.googleapis.com/write_requests",
                },
            }
        ]
    return ApiError(code, message or DEFAULT_MESSAGES.get(code, "Injected failure."), details=details)


NOT_FOUND_MESSAGE = "Requested entity was not found."
NO_PERMISSION_MESSAGE = "The caller does not have permission"
PROTECTED_MESSAGE = (
    "You are trying to edit a protected cell or object. Please contact the spreadsheet owner to remove "
    "protection if you need to edit."
)
