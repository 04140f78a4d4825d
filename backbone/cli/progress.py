"""A progress bar for long work, on stderr; a plain line per step when stderr is not a terminal."""

from __future__ import annotations

import sys
import time


class ProgressBar:
    def __init__(self, label: str, unit: str, width: int = 30) -> None:
        self.label, self.unit, self.width = label, unit, width
        self.started = time.perf_counter()
        self.tty = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        elapsed = time.perf_counter() - self.started
        eta = elapsed / done * (total - done) if done else 0.0
        if self.tty:
            filled = int(self.width * done / total) if total else self.width
            bar = "#" * filled + "." * (self.width - filled)
            end = "\n" if done >= total else ""
            timing = f"{elapsed:5.1f} s, {eta:5.1f} s left"
            sys.stderr.write(f"\r{self.label} [{bar}] {done}/{total} {self.unit}  {timing}{end}")
        else:
            sys.stderr.write(f"{self.label}: {done}/{total} {self.unit}, {elapsed:.1f} s\n")
        sys.stderr.flush()
