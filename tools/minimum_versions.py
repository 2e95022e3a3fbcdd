"""Print pip constraints that pin every `name>=version` requirement of pyproject.toml (the
dependencies and the dev extra) to exactly that version: `make test-min` installs the course
with them, so the floors we declare are the versions we test.

Plain text parsing, no TOML library: it runs on the oldest supported Python before anything is
installed.
"""
import re
import sys
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
REQUIREMENT = re.compile(r'^\s*"([A-Za-z0-9_.\-\[\]]+)>=([0-9][^";,\s]*)\s*(;[^"]*)?",?\s*(#.*)?$')


def constraints(text):
    """['numpy==2.0', ...] for every requirement line of the form "name>=version[; marker]"."""
    pins = []
    for line in text.splitlines():
        match = REQUIREMENT.match(line)
        if match:
            name, version, marker = match.group(1), match.group(2), match.group(3) or ""
            name = name.split("[")[0]      # an extra's name is not part of the constraint
            pins.append(f"{name}=={version}{marker}")
    return pins


if __name__ == "__main__":
    pins = constraints(PYPROJECT.read_text())
    if not pins:
        sys.exit("no 'name>=version' requirements found in pyproject.toml")
    print("\n".join(pins))
