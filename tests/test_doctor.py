"""`sfa-sync doctor`: each failure it diagnoses, against the Sheets emulator, a real aiosmtpd server and a real
local HTTP server. Every line is OK or FIX with what to do; the exit code is the first failure's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sheets_schema.tabs import INPUT_TABS
from sync.cli.options import build_config
from sync.config_file import load_config
from sync.jobs.doctor import run_doctor
from sync.jobs.setup import initialise
from tests.conftest import SA
from tests.notify_servers import SmtpServer, WebhookServer, free_port
from tests.sheets import tab


@pytest.fixture(scope="module")
def ready(emu, key, tmp_path_factory) -> str:
    """A sheet set up by `sfa-sync init` (tabs, headers, protections), shared by the tests that expect OK."""
    sid = new_sheet(emu)
    initialise(load_config(config_file(tmp_path_factory.mktemp("init"), emu, key, sid)))
    return sid


def new_sheet(emu, shared: bool = True, skip: str | None = None) -> str:
    tabs = {spec.en: tab(spec) for spec in INPUT_TABS if spec.key != skip}
    return emu.create_spreadsheet("Team", tabs, shared_with=[SA] if shared else [], value_input="RAW")


def config_file(tmp_path: Path, emu, key: Path, sid: str, extra: str = "") -> Path:
    path = tmp_path / "sfa-sync.toml"
    path.write_text(
        f'[store]\nkind = "google"\nspreadsheet = "{sid}"\ncredentials = "{key}"\nendpoint = "{emu.url}"\n'
        + extra,
        encoding="utf-8",
    )
    return path


def doctor(path: Path) -> tuple[str, int]:
    lines, code = run_doctor(lambda: build_config(path, None, None))
    assert all(line.startswith(("OK ", "FIX ")) for line in lines), lines
    return "\n".join(lines), code


@pytest.fixture
def set_up(emu, key, ready, tmp_path):
    def config(extra: str = "", key_file: Path = key) -> Path:
        return config_file(tmp_path, emu, key_file, ready, extra)

    return config


def test_all_ok_exits_0(set_up):
    out, code = doctor(set_up())
    assert code == 0, out
    assert "FIX" not in out
    assert "can be read" in out and "protected" in out and "tabs and required headers present" in out


def test_a_misspelt_config_key_is_named(tmp_path):
    path = tmp_path / "sfa-sync.toml"
    path.write_text("[thresholds]\nneglect_dayz = 3\n", encoding="utf-8")
    out, code = doctor(path)
    assert code == 2
    assert "FIX  config:" in out and "thresholds.neglect_dayz: unknown key" in out


def test_a_missing_key_file(emu, tmp_path):
    out, code = doctor(config_file(tmp_path, emu, tmp_path / "nope.json", new_sheet(emu)))
    assert code == 2
    assert "nope.json: service-account key file not found; check store.credentials" in out


def test_a_key_file_readable_by_others_is_a_warning(set_up, key, tmp_path):
    shared_key = tmp_path / "shared-key.json"
    shared_key.write_bytes(key.read_bytes())
    shared_key.chmod(0o644)
    out, code = doctor(set_up(key_file=shared_key))
    assert code == 0
    assert f"is readable by other users (warning): run chmod 600 {shared_key}" in out


def test_the_token_endpoint_refusing(emu, key, tmp_path):
    path = config_file(tmp_path, emu, key, new_sheet(emu))
    emu.inject("oauth2.token", status=400, times=5, message="invalid_grant")
    out, code = doctor(path)
    assert code == 3
    assert "FIX  main: token: Google refused the credentials" in out and "create a new key" in out


def test_a_sheet_not_shared_gives_the_share_hint(emu, key, tmp_path):
    out, code = doctor(config_file(tmp_path, emu, key, new_sheet(emu, shared=False)))
    assert code == 3
    assert f"is not shared with {SA}; share it with {SA} as Editor" in out


def test_a_missing_tab_and_a_missing_header(emu, key, tmp_path):
    sid = new_sheet(emu, skip="tasks")
    emu.person_set(sid, "Deals", "G1", "")  # the Stage header
    out, code = doctor(config_file(tmp_path, emu, key, sid))
    assert code == 7
    assert "Tasks" in out and "Stage" in out
    assert out.count("FIX  main:") >= 3  # two layout problems, and protections (never initialised)
    assert "are not protected: run sfa-sync init" in out


def test_smtp_reachable_and_unreachable(set_up):
    with SmtpServer() as smtp:
        out, code = doctor(
            set_up(
                f'[reminders.email]\nenabled = true\nhost = "127.0.0.1"\n'
                f'port = {smtp.port}\nsecurity = "none"\n'
            )
        )
    assert code == 0 and f"SMTP server 127.0.0.1:{smtp.port} answers" in out
    closed = free_port()
    out, code = doctor(
        set_up(f'[reminders.email]\nenabled = true\nhost = "127.0.0.1"\nport = {closed}\nsecurity = "none"\n')
    )
    assert code == 9
    assert f"FIX  email reminders: SMTP server 127.0.0.1:{closed} unreachable or refused" in out


def test_webhook_reachable_unreachable_and_unset(set_up, monkeypatch):
    chat = '[reminders.chat]\nenabled = true\nwebhook_env = "DOCTOR_TEST_WEBHOOK"\n'
    path = set_up(chat)
    with WebhookServer() as hook:
        monkeypatch.setenv("DOCTOR_TEST_WEBHOOK", f"{hook.url}/v1/spaces/secret-token-path")
        out, code = doctor(path)
    assert code == 0, out
    assert "webhook host 127.0.0.1" in out and "reachable" in out
    assert "secret-token-path" not in out  # the URL's path is the secret
    monkeypatch.setenv("DOCTOR_TEST_WEBHOOK", f"http://127.0.0.1:{free_port()}/hook")
    out, code = doctor(path)
    assert code == 9 and "FIX  chat reminders: webhook host 127.0.0.1" in out and "unreachable" in out
    monkeypatch.delenv("DOCTOR_TEST_WEBHOOK")
    out, code = doctor(path)
    assert code == 9 and "DOCTOR_TEST_WEBHOOK (the webhook URL) is not set" in out
    assert os.environ.get("DOCTOR_TEST_WEBHOOK") is None
