"""The editable data tables shipped inside the packages (aliases, stop lists, topics)."""
from __future__ import annotations

from importlib import resources


def data_lines(package: str, name: str) -> list[str]:
    """The lines of a packaged text file, without blank lines and ``#`` comments."""
    text = resources.files(package).joinpath(name).read_text("utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
