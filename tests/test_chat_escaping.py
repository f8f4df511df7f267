"""Text that people typed (task titles, deal and company names, owner names) never becomes a mention or a
disguised link in a chat message (issue 14, item 12).

Slack's documented rule: & < > are its control characters and are sent as &amp; &lt; &gt; (then
`<!channel>`, `<@U123>` and `<https://evil|Reset your password>` show as typed). Google Chat documents its
`<users/…>` mentions and `<url|text>` links but no escape: the angle brackets of typed text are sent as
full-width ＜ ＞, which read the same and are never markup. Over the real local webhook server."""

from __future__ import annotations

import html

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tenacity import wait_none

from rules.reminders import KINDS, Digest, DueTask
from sync.core.config import ChatConfig
from sync.jobs.remind import run_reminders
from sync.notify.chat import ChatNotifier, chat_payload
from tests.notify_servers import WebhookServer
from tests.test_notify import config_for
from tests.test_reminders import NOW, TEAM, store, task

HOOK_PATH = "/services/T000/B000/secret-0001"
HOSTILE = "<!channel> <@U024BE7LH> <https://evil.example|Reset your password> & <users/all>"


@pytest.fixture
def hook():
    with WebhookServer() as server:
        yield server


def post_hostile_task(hook: WebhookServer, kind: str) -> str:
    env = {"SFA_SYNC_CHAT_WEBHOOK": hook.url + HOOK_PATH}
    memory = store(tasks=[task("T-1", "Sato", "2026-11-28", title=HOSTILE)])
    notifier = ChatNotifier(ChatConfig(enabled=True, kind=kind), env, wait=wait_none())
    assert run_reminders(memory, config_for(), NOW, notifiers=[notifier]).ok
    [text] = hook.texts()
    return text


def test_slack_shows_a_hostile_title_as_typed_and_pings_no_one(hook):
    text = post_hostile_task(hook, "slack")
    assert "<" not in text and ">" not in text  # no control sequence: no mention, no link
    assert (
        "&lt;!channel&gt; &lt;@U024BE7LH&gt; &lt;https://evil.example|Reset your password&gt; &amp; "
        "&lt;users/all&gt;"
    ) in text
    assert HOSTILE in html.unescape(text)  # what Slack shows: the title as typed
    [block] = hook.posts[0].payload["blocks"]
    assert block["text"]["text"] == text


def test_google_chat_shows_a_hostile_title_and_mentions_no_one(hook):
    text = post_hostile_task(hook, "google_chat")
    assert "<" not in text and ">" not in text
    assert "＜!channel＞ ＜@U024BE7LH＞ ＜https://evil.example|Reset your password＞ & ＜users/all＞" in text


def test_an_owner_name_is_escaped_too(hook):
    env = {"SFA_SYNC_CHAT_WEBHOOK": hook.url + HOOK_PATH}
    team = [{**TEAM[0], "name": "<!here> Sato"}]
    memory = store(tasks=[task("T-1", "<!here> Sato", "2026-11-28")], team=team)
    notifier = ChatNotifier(ChatConfig(enabled=True, kind="slack"), env, wait=wait_none())
    assert run_reminders(memory, config_for(), NOW, notifiers=[notifier]).ok
    assert hook.texts()[0].startswith("*Tasks for &lt;!here&gt; Sato*")


TYPED = st.text(alphabet=st.sampled_from("<>&|!@#^/:*_~` aZ09.\nhttps"), max_size=40)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=TYPED, deal=TYPED, company=TYPED, owner=TYPED, kind=st.sampled_from(["slack", "google_chat"]))
def test_no_typed_text_makes_a_mention_or_a_link(title, deal, company, owner, kind):
    """Whatever people type, the message has no markup of theirs: no < or > at all (our own text uses
    none), and on Slack every & is one of the three escapes — so each piece reads back exactly as typed."""
    due = DueTask(
        task_id="T-1",
        kind=KINDS[0],
        due_date=NOW.date(),
        days_left=-1,
        title=title,
        type=None,
        owner=owner or "x",
        deal_id=None,
        deal_name=deal,
        company=company,
    )
    text = chat_payload(kind, Digest(owner or "x", None, None, (due,)), "en")["text"]
    assert "<" not in text and ">" not in text
    if kind == "slack":
        assert text.count("&") == sum(text.count(e) for e in ("&amp;", "&lt;", "&gt;"))
        shown = html.unescape(text)
    else:
        shown = text.replace("＜", "<").replace("＞", ">")
    for piece in (title, deal, company):
        assert piece in shown
