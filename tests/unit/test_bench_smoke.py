"""The national benchmark's demo workbooks are deterministic and the `demo-data --scope national`
options are wired (the benchmark's pieces on them: integration/test_bench_smoke.py)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from ntm.cli import main
from sources.demo.national import national_jobs, write_district


def test_national_demo_is_deterministic(three_districts: Path, tmp_path: Path) -> None:
    job = national_jobs(tmp_path, [(2019, 4)], seed=2019)[0]
    again = write_district(job)
    assert again.read_bytes() == (three_districts / job.file_name).read_bytes()


def test_demo_data_scope_options() -> None:
    runner = CliRunner()
    national = ["demo-data", "--out", "x", "--scope", "national"]
    bad = runner.invoke(main, [*national, "--quarters", "Q5"])
    assert bad.exit_code == 2 and "quarter range" in bad.output
    mixed = runner.invoke(main, ["demo-data", "--out", "x", "--quarters", "2019Q1"])
    assert mixed.exit_code == 2 and "--scope national" in mixed.output
