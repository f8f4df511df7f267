"""A digest as words, in English or Japanese: email subject, plain text, HTML, and chat text. Pure."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from reports.reminders import COLUMNS, kind_label, label, type_label
from rules.reminders import KINDS, Digest, DueTask
from sheets_schema.locale import Locale


def subject(digest: Digest, locale: Locale) -> str:
    counts = [(kind, len(digest.by_kind(kind))) for kind in KINDS]
    if locale == "ja":
        parts = "、".join(f"{kind_label(kind, locale)} {n}件" for kind, n in counts if n)
        return f"[sfa-sync] タスクのリマインダー: {parts}"
    parts = ", ".join(f"{n} {kind_label(kind, locale).lower()}" for kind, n in counts if n)
    return f"[sfa-sync] Task reminders: {parts}"


def greeting(digest: Digest, locale: Locale) -> str:
    if locale == "ja":
        return f"{digest.owner}さん、期日が近い・過ぎたタスクのお知らせです。"
    return f"{digest.owner}, these tasks of yours are overdue or due soon."


def days_phrase(task: DueTask, locale: Locale) -> str:
    days = task.days_left
    if locale == "ja":
        return f"{-days}日超過" if days < 0 else "本日" if days == 0 else f"あと{days}日"
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} overdue"
    return "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"


def task_line(task: DueTask, locale: Locale) -> str:
    kind = type_label(task, locale)
    where = " / ".join(p for p in (task.deal_name, task.company) if p)
    line = f"{task.due_date.isoformat()} ({days_phrase(task, locale)}) {task.title or ''}"
    if kind:
        line += f" [{kind}]"
    if where:
        line += f" — {where}"
    return f"{line} ({task.task_id})"


def sections(digest: Digest) -> list[tuple[str, tuple[DueTask, ...]]]:
    return [(kind, digest.by_kind(kind)) for kind in KINDS if digest.by_kind(kind)]


def plain_text(digest: Digest, locale: Locale) -> str:
    lines = [greeting(digest, locale), ""]
    for kind, tasks in sections(digest):
        lines.append(f"{kind_label(kind, locale)} ({len(tasks)})")
        lines += [f"- {task_line(task, locale)}" for task in tasks]
        lines.append("")
    lines.append(footer(locale))
    return "\n".join(lines) + "\n"


def footer(locale: Locale) -> str:
    if locale == "ja":
        return "シートの「リマインダー」タブにも一覧があります。完了したらタスクのステータスを「完了」にしてください。"
    return "The Reminders tab of the sheet lists them too. Set a task's status to Done when it is done."


HTML_COLUMNS = ("due_date", "days_left", "task", "type", "deal", "company", "task_id")


def html(digest: Digest, locale: Locale) -> str:
    heads = {key: label((en, ja), locale) for key, en, ja, _w in COLUMNS}
    parts = [f"<p>{escape(greeting(digest, locale))}</p>"]
    for kind, tasks in sections(digest):
        parts.append(f"<h3>{escape(kind_label(kind, locale))} ({len(tasks)})</h3>")
        parts.append('<table border="1" cellpadding="4" cellspacing="0">')
        parts.append("<tr>" + "".join(f"<th>{escape(heads[k])}</th>" for k in HTML_COLUMNS) + "</tr>")
        for task in tasks:
            cells = (
                task.due_date.isoformat(),
                days_phrase(task, locale),
                task.title or "",
                type_label(task, locale) or "",
                task.deal_name or "",
                task.company or "",
                task.task_id,
            )
            parts.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
        parts.append("</table>")
    parts.append(f"<p>{escape(footer(locale))}</p>")
    return "<html><body>\n" + "\n".join(parts) + "\n</body></html>\n"


def chat_text(digest: Digest, locale: Locale, escaped: Callable[[str], str]) -> str:
    """Markdown-ish text both Google Chat and Slack show well (*bold*, bullets). `escaped` makes what people
    typed (owner, task lines) plain text for the platform (slack_escaped / google_chat_escaped)."""
    owner = escaped(digest.owner)
    title = f"*{owner}さんのタスク*" if locale == "ja" else f"*Tasks for {owner}*"
    lines = [title]
    for kind, tasks in sections(digest):
        lines.append(f"*{kind_label(kind, locale)}* ({len(tasks)})")
        lines += [f"• {escaped(task_line(task, locale))}" for task in tasks]
    return "\n".join(lines)


def slack_escaped(text: str) -> str:
    """Slack's documented escaping: & < > are its control characters (<!channel>, <@U…>, <url|label>), so
    they are sent as &amp; &lt; &gt; and shown as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def google_chat_escaped(text: str) -> str:
    """Google Chat documents <users/…> mentions and <url|label> links but no escape for them: typed angle
    brackets are sent as full-width ＜ ＞, which read the same and are never markup."""
    return text.replace("<", "\uff1c").replace(">", "\uff1e")
