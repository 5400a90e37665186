"""What the benchmarks print about the machine they ran on, one line, the same in each."""

from __future__ import annotations

import os
import platform


def machine() -> str:
    """CPUs, load and Python, as every run in docs/performance.md records them."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = "n/a" if not hasattr(os, "getloadavg") else ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{cpus} CPUs available ({platform.machine()}, {platform.processor() or platform.system()}), "
        f"load average {load}; Python {platform.python_version()} ({platform.python_implementation()})"
    )
