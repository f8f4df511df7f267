"""What the xlsx store says about a file it cannot open, in English and Japanese (the user's locale)."""

from __future__ import annotations

from sheets_schema.messages import Catalogue

OPEN_PROBLEMS = Catalogue(
    {
        "old_xls": (
            "{path}: an old Excel 97-2003 (.xls) workbook cannot be read; open it in Excel or LibreOffice, "
            "save it as Excel Workbook (.xlsx) and pass that file",
            "{path}: 古い Excel 97-2003 形式(.xls)は読めません。Excel か LibreOffice で開いて "
            "Excel ブック (.xlsx) として保存し、そのファイルを指定してください",
        ),
        "not_found": (
            "{path}: workbook not found; create it with `sfa-sync init --workbook {path}` or try `sfa-sync demo`",
            "{path}: ブックが見つかりません。`sfa-sync init --workbook {path}` で作成するか、"
            "`sfa-sync demo` を試してください",
        ),
        "open_elsewhere": (
            "{path}: the workbook is open in Excel or LibreOffice ({lock} exists); close it and run again — "
            "nothing was written",
            "{path}: ブックが Excel か LibreOffice で開かれています({lock} があります)。閉じてから"
            "もう一度実行してください — 何も書き込んでいません",
        ),
        "not_xlsx": (
            "{path}: not an .xlsx workbook (damaged, or another format); open it in Excel or LibreOffice "
            "and save it as Excel Workbook (.xlsx)",
            "{path}: .xlsx ブックではありません(破損しているか別の形式です)。Excel か LibreOffice で開いて "
            "Excel ブック (.xlsx) として保存してください",
        ),
    }
)
