"""`ntm trace` through the command line, on a given warehouse file."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from ntm.cli import main as ntm_cli


def _invoke(*args: str, db: Path):
    return CliRunner().invoke(ntm_cli, ["trace", *args, "--db", str(db)])
