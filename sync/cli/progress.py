"""A progress bar for long commands (run, import, restore, demo), on stderr and only on a terminal.

The jobs report steps (sync/jobs/progress.py); this draws them with click's progress bar. Nothing is
written when stderr is not a terminal (a pipe, cron, CI) or when log lines are JSON, so that what a
machine reads stays exactly as it was.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

import click

from sheets_schema.locale import Locale
from sheets_schema.messages import Catalogue

STEP_WORDS = Catalogue(
    {
        "generate": ("making up the demo team's rows", "デモのチームの行を作成中"),
        "setup": ("setting up the tabs", "タブを準備中"),
        "type": ("typing the rows into the workbook", "行をブックに入力中"),
        "history": ("writing the demo's past cycles", "デモの過去の同期を書き込み中"),
        "read": ("reading the sheet", "シートを読み込み中"),
        "check": ("checking every row", "すべての行を確認中"),
        "backup": ("backing up the sheet", "シートをバックアップ中"),
        "write": ("writing what changed", "変更を書き込み中"),
    }
)


def shows_progress(stream: TextIO, log_format: str = "text") -> bool:
    """A bar only for a person watching a terminal; never inside JSON logs or a pipe."""
    return log_format != "json" and stream.isatty()


class StepBar:
    """click's progress bar over a command's steps: each step a job reports moves the bar to it (never
    back: a cycle that plans again reads again), and `pause` ends the line before the command prints."""

    def __init__(self, steps: tuple[str, ...], locale: Locale, stream: TextIO, shown: bool = True) -> None:
        self.steps, self.locale, self.stream, self.shown = steps, locale, stream, shown
        self.bar: click._termui_impl.ProgressBar[str] | None = None
        self.done = 0

    def __call__(self, step: str) -> None:
        if not self.shown:
            return
        bar = self.bar or self._start()
        target = self.steps.index(step) if step in self.steps else bar.pos
        bar.current_item = step
        if target > bar.pos:
            bar.update(target - bar.pos)
        else:
            bar.render_progress()

    def _start(self) -> click._termui_impl.ProgressBar[str]:
        self.bar = click.progressbar(
            length=len(self.steps),
            file=self.stream,
            show_eta=False,
            item_show_func=self._words,
        )
        self.bar.pos = self.done
        return self.bar

    def _words(self, step: str | None) -> str | None:
        return STEP_WORDS.say(step, self.locale) if step else None

    def pause(self) -> None:
        """End the bar's line (the command is about to print or ask); the next step starts a new one."""
        if self.bar is not None:
            self.done = self.bar.pos
            self.bar.render_finish()
            self.bar = None

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.current_item = None
            self.bar.update(len(self.steps) - self.bar.pos)
            self.pause()


@contextmanager
def step_progress(
    steps: tuple[str, ...], locale: Locale, log_format: str = "text", stream: TextIO | None = None
) -> Iterator[StepBar]:
    """The Progress a command passes to its jobs: a bar on a terminal, silent elsewhere. When the block
    ends the bar is filled (or, on an error, just left) and its line ended, before the command prints."""
    stream = stream or sys.stderr
    bar = StepBar(steps, locale, stream, shown=shows_progress(stream, log_format))
    try:
        yield bar
    except BaseException:
        bar.pause()
        raise
    bar.finish()
