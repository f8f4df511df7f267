"""`sfa-sync import`: real CSV files (UTF-8 and Shift_JIS) into a real workbook, twice, with bad rows."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from rules.dedupe import company_contact, normalize_email, normalize_phone
from sheets_schema.tabs import DEALS, LEADS
from sync.cli.import_command import import_group
from sync.config_file import load_config
from sync.core.changes import ChangeSet, RowAppend
from sync.engine.analyse import read_book
from sync.jobs.import_csv import ImportFileError
from sync.jobs.setup import initialise
from sync.stores.xlsx import XlsxStore

SJIS_EXPORT = (
    "会社名,担当者名,メールアドレス,電話番号,業種,従業員数,都道府県\r\n"
    "株式会社サンプル製作所,山田 花子,hanako@sample.co.jp,03-1234-5678,製造業,250名,東京都\r\n"
    "テスト商事株式会社,佐藤 次郎,jiro@test-shoji.jp,＋81 6-9876-5432,卸売,1,200人,大阪府\r\n"
    "みらいソフト,鈴木 一郎,ichiro@mirai.example,,IT,80,福岡県\r\n"
)


@pytest.fixture
def workbook(tmp_path):
    path = tmp_path / "team.xlsx"
    config = load_config(None, **{"locale": "ja", "store.kind": "xlsx", "store.path": str(path)})
    initialise(config)
    return path


@pytest.fixture
def workbook_en(tmp_path):
    """An English workbook: an import speaks the sheet's language (a contradicting --locale is refused)."""
    path = tmp_path / "team-en.xlsx"
    initialise(load_config(None, **{"locale": "en", "store.kind": "xlsx", "store.path": str(path)}))
    return path


def run(workbook, *args, locale="ja"):
    result = CliRunner().invoke(
        import_group,
        [*args, "--workbook", str(workbook), "--locale", locale],
        standalone_mode=False,
        catch_exceptions=True,
    )
    return result


def rows(workbook, key, locale="ja"):
    config = load_config(None, **{"locale": locale, "store.kind": "xlsx", "store.path": str(workbook)})
    return [r.model for r in read_book(XlsxStore(workbook).read(), config).book.rows(key)]


def test_a_shift_jis_excel_export_imports_and_a_second_import_adds_nothing(workbook, tmp_path):
    csv = tmp_path / "hot.csv"
    csv.write_bytes(SJIS_EXPORT.replace("1,200人", '"1,200人"').encode("cp932"))
    first = run(workbook, "leads", str(csv), "--source", "ウェビナー", "--campaign", "11月SFA")
    assert first.exception is None, first.output
    assert (
        "(Shift_JIS (CP932)) -> リード: 追加 3 件、重複のためスキップ 0 件、取り込めなかった行 0 件"
        in first.output
    )
    leads = rows(workbook, "leads")
    assert [(x.company, x.contact, x.email, x.employees) for x in leads] == [
        ("株式会社サンプル製作所", "山田 花子", "hanako@sample.co.jp", 250),
        ("テスト商事株式会社", "佐藤 次郎", "jiro@test-shoji.jp", 1200),
        ("みらいソフト", "鈴木 一郎", "ichiro@mirai.example", 80),
    ]
    assert {(x.lead_source, x.campaign, x.region) for x in leads} >= {("ウェビナー", "11月SFA", "東京都")}
    assert all(isinstance(x.handed_over_on, date) for x in leads)  # handed over today unless the file says
    again = run(workbook, "leads", str(csv))
    assert "追加 0 件、重複のためスキップ 3 件、取り込めなかった行 0 件" in again.output
    assert "2 行目: 重複(リード 2 行目 とメールアドレスが同じ)" in again.output
    assert "追加する行はありません: 書き込みなし" in again.output  # the sheet's language
    assert len(rows(workbook, "leads")) == 3


def test_utf8_with_bom_dedupes_against_the_sheet_by_email_phone_and_company_contact(workbook, tmp_path):
    store = XlsxStore(workbook)
    title = LEADS.title("ja")
    header = [str(h) for h in store.read().tabs[title].rows[0]]
    existing = [
        {
            "lead_id": "L-7",
            "company": "株式会社エービー",
            "contact": "田中 太郎",
            "email": "Tanaka@AB.jp",
            "phone": "03-1111-2222",
        }
    ]
    store.write(
        ChangeSet(
            appends=[
                RowAppend(title, tuple(row.get(c.key) for c in LEADS.columns if c.label("ja") in header))
                for row in existing
            ]
        )
    )
    csv = tmp_path / "list.csv"
    csv.write_text(
        "Company,Contact,Email,Phone\n"
        "AB Inc,Other,tanaka@ab.JP,\n"  # same email, other case
        "Zeta,Someone,z@zeta.jp,+81-3-1111-2222\n"  # same phone in international form
        "(株)エービー,田中太郎,,\n"  # same company and contact, written differently
        "New One,A,new@one.jp,\n"
        "New One,A,new@one.jp,\n",  # twice in the same file
        encoding="utf-8-sig",
    )
    result = run(workbook, "leads", str(csv), "--source", "Web")
    assert "(UTF-8) -> リード: 追加 1 件、重複のためスキップ 4 件、取り込めなかった行 0 件" in result.output
    for line in (
        "2 行目: 重複(リード 2 行目 (L-7) とメールアドレスが同じ)",
        "3 行目: 重複(リード 2 行目 (L-7) と電話番号が同じ)",
        "4 行目: 重複(リード 2 行目 (L-7) と会社名と担当者が同じ)",
        "6 行目: 重複(CSV の 5 行目 とメールアドレスが同じ)",
    ):
        assert line in result.output
    assert [x.company for x in rows(workbook, "leads")] == ["株式会社エービー", "New One"]


def test_broken_rows_are_rejected_with_line_and_reason_and_the_rest_imported(workbook_en, tmp_path):
    workbook = workbook_en
    csv = tmp_path / "bad.csv"
    csv.write_text(
        "会社名,メールアドレス,従業員数\n"
        "Good Co,good@co.jp,10\n"
        ",nobody@co.jp,5\n"
        "Bad Mail,not-an-email,5\n"
        "Too,many,fields,here\n"
        "Bad Size,size@co.jp,many\n",
        encoding="utf-8",
    )
    result = run(workbook, "leads", str(csv), locale="en")
    assert result.return_value == 1  # rows were rejected: exit code 1, like `check`
    assert "added 1, skipped 0 as duplicates, rejected 4" in result.output
    assert "line 3: rejected — Company is empty" in result.output
    assert "line 4: rejected — Email: 'not-an-email' is not an email address" in result.output
    assert "line 5: rejected — 4 fields but the header has 3" in result.output
    assert "line 6: rejected — Employees: 'many' is not a whole number" in result.output


def test_unknown_encoding_is_a_clear_error_naming_the_file_and_the_fix(workbook, tmp_path):
    csv = tmp_path / "latin.csv"
    csv.write_bytes("Company\nCafé Ü\n".encode("utf-16"))
    result = run(workbook, "leads", str(csv))
    assert isinstance(result.exception, ImportFileError)
    assert str(result.exception).startswith(
        f"{csv}: ファイルが UTF-8 でも Shift_JIS (CP932) でもありません。「CSV UTF-8」で保存し直して"
    )
    assert rows(workbook, "leads") == []


def test_explicit_mapping_and_dry_run(workbook_en, tmp_path):
    workbook = workbook_en
    csv = tmp_path / "crm.csv"
    csv.write_text("Firm,Person,Score\nAcme,Ann,90\n", encoding="utf-8")
    missing = run(workbook, "leads", str(csv), locale="en")
    assert isinstance(missing.exception, ImportFileError) and "--map" in str(missing.exception)
    dry = run(
        workbook,
        "leads",
        str(csv),
        "--map",
        "Firm=company",
        "--map",
        "person=Contact",
        "--dry-run",
        locale="en",
    )
    assert "added 1" in dry.output and "Score" in dry.output and "dry run: nothing was written" in dry.output
    assert rows(workbook, "leads", "en") == []
    run(workbook, "leads", str(csv), "--map", "Firm=company", "--map", "person=Contact", locale="en")
    assert [(x.company, x.contact) for x in rows(workbook, "leads", "en")] == [("Acme", "Ann")]
    bad = run(workbook, "leads", str(csv), "--map", "Firm=nowhere", locale="en")
    assert isinstance(bad.exception, ImportFileError) and "Firm=nowhere" in str(bad.exception)


def test_deals_import_typed_values_and_twice_adds_nothing(workbook, tmp_path):
    csv = tmp_path / "deals.csv"
    csv.write_bytes(
        (
            "商談名,会社名,担当者,ステージ,金額,完了予定日,失注理由\r\n"
            "基幹刷新,サンプル製作所,佐藤,受注,120万円,2025/03/31,\r\n"
            '保守契約,テスト商事,佐藤,Lost,"1,500,000",2025/05/10,価格\r\n'
            "謎案件,テスト商事,佐藤,たぶん,1,2025/05/10,\r\n"
        ).encode("cp932")
    )
    first = run(workbook, "deals", str(csv), "--no-link")
    assert "追加 2 件、重複のためスキップ 0 件、取り込めなかった行 1 件" in first.output
    assert "4 行目: 取り込めません — ステージ: 「たぶん」 はステージの選択肢にありません" in first.output
    deals = rows(workbook, "deals")
    assert [(d.deal_name, d.stage, d.amount, d.close_date) for d in deals] == [
        ("基幹刷新", "won", 1_200_000, date(2025, 3, 31)),
        ("保守契約", "lost", 1_500_000, date(2025, 5, 10)),
    ]
    grid = XlsxStore(workbook).read().tabs[DEALS.title("ja")].rows
    assert "受注" in grid[1] and "失注" in grid[2]  # dropdown labels in the sheet's language
    again = run(workbook, "deals", str(csv), "--no-link")
    assert "追加 0 件、重複のためスキップ 2 件、取り込めなかった行 1 件" in again.output
    assert len(rows(workbook, "deals")) == 2


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("03-1234-5678", "0312345678"),
        ("+81 3-1234-5678", "0312345678"),
        ("＋８１（３）１２３４−５６７８", "0312345678"),
        ("0081-3-1234-5678", "0312345678"),
        ("090 1234 5678", "09012345678"),
        ("内線", None),
        ("", None),
        (None, None),
    ],
)
def test_phone_normalization(raw, folded):
    assert normalize_phone(raw) == folded


def test_email_and_company_contact_folding():
    assert normalize_email(" Hanako@Sample.CO.JP ") == "hanako@sample.co.jp"
    assert company_contact("株式会社 サンプル", "山田 花子") == company_contact("(株)サンプル", "山田花子")
    assert company_contact("㈱サンプル", "山田花子") == company_contact("サンプル株式会社", "山田 花子")
    assert company_contact("サンプル", None) is None
