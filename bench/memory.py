"""Memory of a process: its peak resident set (``VmHWM`` in ``/proc/<pid>/status``), the high-water mark
the kernel keeps for it, read while the process is still alive."""

from __future__ import annotations

from pathlib import Path


def peak_rss_mib(pid: int | str = "self") -> float | None:
    """The peak resident memory of ``pid`` in MiB; None when it is gone or the kernel does not say."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)  # reported in kB
    return None
