"""The demo workbook opens in LibreOffice with every tab (runs where LibreOffice is installed)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from sync.cli.main import main

pytestmark = pytest.mark.heavy  # a long harness on fixed dates: not rerun under the shifted clock

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"
)
@pytest.mark.parametrize("locale", ["en", "ja"])
def test_libreoffice_opens_the_demo_and_keeps_every_tab_and_value(tmp_path, locale):
    demo = tmp_path / f"demo-{locale}.xlsx"
    with pytest.raises(SystemExit) as done:
        main(["demo", "--out", str(demo), "--locale", locale])
    assert done.value.code == 0
    out = tmp_path / "converted"
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(demo),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    ours, theirs = load_workbook(demo), load_workbook(out / demo.name)
    assert theirs.sheetnames == ours.sheetnames
    for title in ours.sheetnames[:5]:
        mine = [[c.value for c in row] for row in ours[title].iter_rows(max_row=30)]
        read_back = [[c.value for c in row] for row in theirs[title].iter_rows(max_row=30)]
        assert [r[:3] for r in read_back] == [r[:3] for r in mine], title
