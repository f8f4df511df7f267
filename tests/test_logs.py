"""Log lines: JSON lines on request, secrets redacted wherever they appear."""

from __future__ import annotations

import io
import json
import logging

from sync.service.logs import REDACTED, setup_logging


def test_json_lines_carry_the_fields_and_secrets_are_redacted():
    stream = io.StringIO()
    handler = setup_logging(
        "json", secrets=["hunter2-password", "https://chat.example/hook/abc"], stream=stream
    )
    try:
        log = logging.getLogger("sync.service.loop")
        log.info("main: wrote; cells %d", 5, extra={"sheet": "main", "cells_written": 5})
        log.error(
            "send failed to https://chat.example/hook/abc with hunter2-password; Bearer ya29.abcdefghijkl"
        )
    finally:
        logging.getLogger().removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert (
        first["message"] == "main: wrote; cells 5"
        and first["sheet"] == "main"
        and first["cells_written"] == 5
    )
    assert "hunter2" not in second["message"] and "hook/abc" not in second["message"]
    assert "ya29" not in second["message"] and second["message"].count(REDACTED) == 3


def test_text_lines():
    stream = io.StringIO()
    handler = setup_logging("text", stream=stream)
    try:
        logging.getLogger("sync.service.loop").info("main: nothing changed")
    finally:
        logging.getLogger().removeHandler(handler)
    assert stream.getvalue().rstrip().endswith("INFO sync.service.loop: main: nothing changed")
