"""Progress for long runs: a live line on a terminal, plain lines in logs."""
from __future__ import annotations

import sys
import time

import click

# phase -> (label, what is counted)
PHASES = {"read": ("Lecture", "fichiers"), "enrich": ("Analyse", "art."), "write": ("Écriture", "art."),
          "commit": ("Enregistrement", "")}


class Progress:
    """Called as ``progress(phase, done, total)``; shows rate and ETA, then how long each phase took.

    A phase lasts until the next one starts, so that the durations add up to
    the run: what happens between two counted steps (the person merge, copy
    grouping) is in the phase before it.
    """

    def __init__(self, stream=None, interval: float = 5.0, enabled: bool = True):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = self.stream.isatty()
        self.interval = interval
        self.phase = None
        self.started = self.last = 0.0
        self.first = 0        # done when the phase started: work begun in the phase before (enrichment)

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if phase != self.phase:
            self._end_phase(now)
            self.phase, self.started, self.last, self.first = phase, now, 0.0, done
        done_before = done == total == self.first      # all of the phase's work was done in the one before
        if done_before or done < total and now - self.last < (0.2 if self.tty else self.interval):
            return
        self.last = now
        click.echo(self._line(phase, done, total, now), file=self.stream, nl=not self.tty)
        if self.tty:
            self.stream.flush()

    def _line(self, phase: str, done: int, total: int, now: float) -> str:
        label, unit = PHASES.get(phase, (phase, "art."))
        elapsed = max(now - self.started, 1e-6)
        rate = (done - self.first) / elapsed
        if phase == "commit":
            return f"\r{label}…" if self.tty else f"{label}…"
        eta = (total - done) / rate if rate and done < total else 0
        width = 30
        filled = int(width * done / total) if total else width
        bar = "█" * filled + "·" * (width - filled) if self.tty else ""
        remaining = f"{int(eta) // 60}:{int(eta) % 60:02d}"
        text = f"{label:<10} {bar} {done}/{total}  {rate:,.0f} {unit}/s  reste {remaining}"
        return "\r" + text if self.tty else text

    def _end_line(self) -> None:
        if self.tty and self.phase is not None:
            click.echo("", file=self.stream)

    def _end_phase(self, now: float) -> None:
        if self.phase is not None:
            self._end_line()
            label = PHASES.get(self.phase, (self.phase,))[0]
            click.echo(f"{label:<10} {_duration(now - self.started)}", file=self.stream)

    def finish(self) -> None:
        """The run is complete: the last phase's duration."""
        if self.enabled:
            self._end_phase(time.monotonic())
            self.phase = None

    def close(self) -> None:
        """The run stopped: the line ended, no duration."""
        if self.enabled:
            self._end_line()
            self.phase = None


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds:02d} s"
