"""A progress bar for long work, on stderr; plain lines, a few seconds apart, when stderr is not a
terminal (a log file or a CI job should not get a line per step)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

LINE_EVERY_SECONDS = 5.0  # without a terminal: at most a line this often, and always the first and last


class ProgressBar:
    def __init__(
        self,
        label: str,
        unit: str,
        width: int = 30,
        stream: TextIO | None = None,
        line_every: float = LINE_EVERY_SECONDS,
    ) -> None:
        self.label, self.unit, self.width = label, unit, width
        self.stream = stream if stream is not None else sys.stderr
        self.started = time.perf_counter()
        self.tty = self.stream.isatty()
        self.line_every = line_every
        self.last_line: float | None = None

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        elapsed = now - self.started
        eta = elapsed / done * (total - done) if done else 0.0
        if self.tty:
            filled = min(self.width, int(self.width * done / total)) if total else self.width
            bar = "#" * filled + "." * (self.width - filled)
            end = "\n" if done >= total else ""
            timing = f"{elapsed:5.1f} s, {eta:5.1f} s left"
            self.stream.write(f"\r{self.label} [{bar}] {done:,}/{total:,} {self.unit}  {timing}{end}")
        else:
            due = self.last_line is None or now - self.last_line >= self.line_every
            if not (due or done >= total):
                return
            self.last_line = now
            self.stream.write(f"{self.label}: {done:,}/{total:,} {self.unit}, {elapsed:.1f} s\n")
        self.stream.flush()
