"""`ntm`: the doors for people — demo data, runs, checks, the UI.

Heavy imports (Dagster, dbt, pandas) happen inside the commands, so `ntm --help` is instant.
"""

from __future__ import annotations

import gc
import subprocess
import sys
import time
from pathlib import Path

import click

from ntm.settings import load_settings
from sources.contract import COMMUNE_WORKBOOK, DISTRICT_WORKBOOK
from warehouse.settings import Settings

HEADLINE_QUARTERS = ("2016Q4", "2017Q4", "2018Q4", "2019Q4", "2020Q4")


def _settings() -> Settings:
    settings = load_settings()
    settings.ensure_dirs()
    return settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """NTM warehouse: district workbooks → validated raw tables → dbt marts → BI."""


@main.command("demo-data")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write the workbooks into (e.g. $NTM_HOME/landing).",
)
@click.option("--seed", type=int, default=None, help="Random seed (same seed, same files).")
@click.option(
    "--scope",
    type=click.Choice(["province", "national"]),
    default="province",
    show_default=True,
    help="province: Hà Giang's 11 districts × 2016Q1-2020Q4 as they arrive (file modification "
    "times; one missing, one rejected then corrected); national: every district of the "
    "2019-09-11 GSO snapshot for --quarters.",
)
@click.option(
    "--province",
    default=None,
    help="08: the new era, one commune workbook per current unit of Tuyên Quang (124) for "
    "--quarters from 2025Q3 (default 2025Q3:2026Q2), as they arrive (one late, one missing, one "
    "rejected then corrected, one old district form rejected).",
)
@click.option(
    "--quarters",
    default=None,
    help="National scope or --province 08: a quarter or a range, e.g. 2019Q1:2019Q4 (national "
    "default 2019Q4).",
)
@click.option(
    "--workers",
    type=int,
    default=None,
    help="National scope only: processes writing workbooks (default: one per core).",
)
def demo_data(
    out_dir: Path,
    seed: int | None,
    scope: str,
    province: str | None,
    quarters: str | None,
    workers: int | None,
) -> None:
    """Write demo workbooks (DEMO data): Hà Giang's, one per district of Vietnam, or (from
    2025Q3) one per commune of the merged Tuyên Quang."""
    from sources.demo.generate import DEFAULT_SEED

    seed = DEFAULT_SEED if seed is None else seed
    if province is not None:
        if scope == "national" or workers is not None:
            raise click.UsageError("--province applies to the province scope, without --workers")
        _new_era_demo_data(out_dir, seed, province, quarters)
        return
    if scope == "national":
        _national_demo_data(out_dir, seed, quarters or "2019Q4", workers)
        return
    if quarters is not None or workers is not None:
        raise click.UsageError("--quarters and --workers apply to --scope national only")
    from sources.demo.generate import write_demo_data
    from sources.quarters import quarter_label

    started = time.perf_counter()
    state = {"quarter": None, "count": 0}

    def progress(workbook) -> None:
        label = quarter_label(workbook.year, workbook.quarter)
        if label != state["quarter"]:
            state["quarter"] = label
            click.echo(f"  writing {label} …", err=True)
        state["count"] += 1

    paths = write_demo_data(out_dir, seed=seed, progress=progress)
    elapsed = time.perf_counter() - started
    click.echo(
        f"Wrote {len(paths)} demo workbooks to {out_dir} in {elapsed:.1f} s "
        "(generated DEMO data calibrated to Hà Giang's published figures)."
    )
    from sources.demo.story import story_summary

    click.echo("The demo's reporting story:")
    for line in story_summary():
        click.echo(line)


def _new_era_demo_data(out_dir: Path, seed: int, province: str, quarters: str | None) -> None:
    from sources.demo.national import parse_quarter_range
    from sources.demo.new_era import (
        DEFAULT_QUARTERS,
        PROVINCE_CODE,
        province_units,
        story_lines,
        write_new_era,
    )
    from sources.quarters import quarter_label

    if province != PROVINCE_CODE:
        raise click.UsageError(
            f"the new era's demo covers province {PROVINCE_CODE} (Tuyên Quang) only, not "
            f"{province!r}; Hà Giang's 2016-2020 demo is the default (no --province)"
        )
    try:
        periods = [quarter_label(*p) for p in parse_quarter_range(quarters or DEFAULT_QUARTERS)]
        started = time.perf_counter()
        paths = write_new_era(out_dir, periods, seed)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(
        f"Wrote {len(paths)} demo workbooks to {out_dir} in {time.perf_counter() - started:.1f} s: "
        f"{len(province_units(seed))} commune-level units of Tuyên Quang ({PROVINCE_CODE}) × "
        f"{len(periods)} quarters ({periods[0]}..{periods[-1]}), commune workbooks. Generated "
        "DEMO data, not official figures."
    )
    click.echo("The new era's reporting story:")
    for line in story_lines():
        click.echo(line)


def _national_demo_data(out_dir: Path, seed: int, quarters: str, workers: int | None) -> None:
    from sources.demo.national import (
        SNAPSHOT,
        national_units,
        parse_quarter_range,
        write_national_demo,
    )

    try:
        periods = parse_quarter_range(quarters)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    units = national_units()
    districts = units[["province_code", "district_code"]].drop_duplicates()
    xa = int((units["commune_type"] == "Xã").sum())
    click.echo(
        f"Writing {len(districts)} districts × {len(periods)} quarters "
        f"({quarters}, GSO snapshot {SNAPSHOT}) to {out_dir} …",
        err=True,
    )
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        click.echo(f"  {done}/{total} workbooks ({time.perf_counter() - started:.0f} s)", err=True)

    paths = write_national_demo(out_dir, periods, seed, workers=workers, progress=progress)
    elapsed = time.perf_counter() - started
    click.echo(
        f"Wrote {len(paths)} national demo workbooks to {out_dir} in {elapsed:.1f} s: "
        f"{len(districts)} districts of {units['province_code'].nunique()} provinces "
        f"({xa:,} xã, {len(units):,} commune-level units) × {len(periods)} quarters, seed {seed}. "
        "Districts without commune-level units in the snapshot (island districts) have no "
        "workbook. Generated DEMO data, not official figures."
    )


@main.command("prepare")
def prepare() -> None:
    """Prepare the dbt project for Dagster (dagster-dbt: `dbt parse` into its manifest, which the
    definitions read) and for this working area's builds (its parse state); done by `make
    install`."""
    from ntm.runner import prepare_area_dbt, prepare_dbt_project

    settings = _settings()
    path = prepare_dbt_project(settings, force=True)
    click.echo(f"dbt manifest ready: {path}")
    click.echo(f"dbt parse state of the working area ready: {prepare_area_dbt(settings)}")


@main.command("run")
@click.option(
    "--rebuild",
    is_flag=True,
    help="Rebuild every dbt node (not only what the new data feeds) and publish, even when no "
    "new workbook arrived.",
)
@click.option(
    "--received-from-mtime",
    is_flag=True,
    help="Historical loads: a file the warehouse has not seen before is received at its "
    "modification time (recorded as received_basis 'file_mtime'), not when first seen.",
)
def run(rebuild: bool, received_from_mtime: bool) -> None:
    """Process everything in $NTM_HOME/landing in process; the run is recorded for the UI."""
    from ntm.runner import new_era_summary, run_pipeline

    settings = _settings()
    report = run_pipeline(
        settings,
        rebuild=rebuild,
        echo=lambda m: click.echo(m, err=True),
        received_from_mtime=received_from_mtime,
    )
    click.echo(report.summary())
    if report.published:
        click.echo("")
        click.echo(headline_table(settings))
    era = new_era_summary(settings.warehouse_db, report.quarters, settings.lock_timeout_seconds)
    if era:
        click.echo("")
        click.echo("\n".join(era))
    if report.published:
        click.echo("")
        click.echo(
            f"BI tools: open {settings.warehouse_db} read-only "
            "(views reporting.rpt_*); Parquet under " + str(settings.exports_dir)
        )
        click.echo("Dagster UI: `make ui` (or `ntm ui`) → http://127.0.0.1:3000")
    # The process ends here: the collector need not walk the whole heap once more at exit
    # (~1.4 s after a run).
    gc.freeze()
    sys.exit(0 if report.success else 1)


def headline_table(settings: Settings, limit: int = 12) -> str:
    """Province rows at the year ends, from the published warehouse (as a BI tool reads it)."""
    import duckdb

    with duckdb.connect(str(settings.warehouse_db), read_only=True) as con:
        rows = con.execute(
            "select a.province_code, a.quarter, a.xa_count, a.ntm_communes, a.ntm_share_pct, "
            "a.avg_criteria_met, a.border_ntm_communes, p.poor_rate_pct, p.poor_rate_change_pp, "
            "f.credit_pct, f.integration_share_pct "
            "from reporting.rpt_attainment a "
            "left join reporting.rpt_poverty p on p.quarter = a.quarter "
            "and p.province_code = a.province_code and p.district_code is null "
            "left join reporting.rpt_funding_integration f on f.quarter = a.quarter "
            "and f.province_code = a.province_code and f.district_code is null "
            "where a.district_code is null order by a.province_code, a.quarter"
        ).fetchall()
    year_ends = [r for r in rows if r[1] in HEADLINE_QUARTERS] or rows[-5:]

    def number(value: float | None, width: int, digits: int) -> str:
        return f"{'-':>{width}}" if value is None else f"{value:>{width}.{digits}f}"

    lines = [
        "Province figures at year ends (reporting.rpt_attainment, rpt_poverty, "
        "rpt_funding_integration; district_code null):",
        f"{'prov':<4} {'quarter':<7} {'xã':>4} {'NTM':>4} {'NTM %':>6} {'avg crit':>8} "
        f"{'border NTM':>10} {'poor %':>7} {'Δ pp':>6} {'credit %':>8} {'other prog %':>12}",
    ]
    for prov, quarter, xa, ntm, share, avg, border, poor, change, credit, other in year_ends[
        :limit
    ]:
        lines.append(
            f"{prov:<4} {quarter:<7} {number(xa, 4, 0)} {number(ntm, 4, 0)} {number(share, 6, 1)} "
            f"{number(avg, 8, 2)} {number(border, 10, 0)} {number(poor, 7, 2)} "
            f"{number(change, 6, 2)} {number(credit, 8, 1)} {number(other, 12, 1)}"
        )
    if len(year_ends) > limit:
        lines.append(f"(+{len(year_ends) - limit} more rows)")
    return "\n".join(lines)


# How `ntm check` names the kind of workbook it read (the cover tells it).
KIND_LABELS = {
    DISTRICT_WORKBOOK: "district workbook / bảng tính cấp huyện",
    COMMUNE_WORKBOOK: "commune workbook / bảng tính cấp xã",
}


@main.command("check")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def check(files: tuple[Path, ...]) -> None:
    """Validate district or commune workbooks without loading anything: exit 0 valid, 1
    rejected, 2 usage error. The first line of each file says which kind its cover makes it.

    Every finding is printed on its own line: file, sheet, row, column, cell, value, rule id,
    severity and the message in Vietnamese and English. Nothing is written anywhere.
    """
    from schemas.validate import validate_workbook
    from sources.reader import read_workbook

    if not files:
        raise click.UsageError("give at least one workbook file")
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise click.UsageError(f"not a file: {', '.join(missing)}")
    any_rejected = False
    limits = load_settings().guard_limits
    for path in files:
        extract = read_workbook(path, limits=limits)
        result = validate_workbook(extract)
        errors = [f for f in result.findings if f.is_error]
        status = "ACCEPTED / HỢP LỆ" if result.accepted else "REJECTED / BỊ TỪ CHỐI"
        click.echo(
            f"{path}: {status}, {KIND_LABELS[extract.workbook_kind]} ({len(errors)} errors / "
            f"lỗi, {len(result.findings) - len(errors)} warnings / cảnh báo)"
        )
        for finding in result.findings:
            click.echo(f"  {finding.describe()}")
        any_rejected |= not result.accepted
    sys.exit(1 if any_rejected else 0)


@main.command("template")
@click.option(
    "--district",
    default=None,
    help="Province and district GSO codes, e.g. 02-026 (quarters up to 2025Q2).",
)
@click.option(
    "--commune",
    default=None,
    help="Province and commune GSO codes of a unit in force since 1 July 2025, e.g. 08-00691 "
    "(quarters from 2025Q3).",
)
@click.option("--quarter", required=True, help="The quarter, e.g. 2019Q1 (or 2019-Q1).")
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The .xlsx file to write.",
)
def template(district: str | None, commune: str | None, quarter: str, out_path: Path) -> None:
    """Write a blank workbook for a district (its communes filled in) or, from 2025Q3, for a
    commune (its criteria set's criteria listed) and a quarter."""
    from sources.template import TemplateError, write_commune_template, write_template

    if (district is None) == (commune is None):
        raise click.UsageError("give either --district (up to 2025Q2) or --commune (from 2025Q3)")
    if out_path.suffix.lower() != ".xlsx":
        raise click.UsageError(f"--out must name an .xlsx file, not {out_path.name!r}")
    try:
        if district is not None:
            path = write_template(district, quarter, out_path)
        else:
            path = write_commune_template(commune, quarter, out_path)
    except TemplateError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"Wrote the blank workbook for {district or commune} {quarter}: {path}")


@main.command("regenerate-units")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write the seeds into (default: the dbt project's seeds/reference).",
)
def regenerate_units(out_dir: Path | None) -> None:
    """Rewrite the seeds of the 2025 units (admin_units_2025.csv, admin_unit_conversion_2025.csv)
    from the installed `vietnamadminunits` package."""
    from sources.admin_units import write_seeds
    from sources.paths import SEEDS_DIR

    target = out_dir or SEEDS_DIR
    for name, count in write_seeds(target).items():
        click.echo(f"{target / name}: {count} rows")


@main.command("docs")
def docs() -> None:
    """Build the dbt documentation site (lineage, column descriptions) under $NTM_HOME/docs."""
    from ntm.docs import build_docs

    settings = _settings()
    index = build_docs(settings)
    click.echo(f"dbt docs: {index} (a single page: open it in a browser)")


@main.command("ui")
@click.option("--port", type=int, default=3000)
@click.option("--host", default="127.0.0.1")
def ui(port: int, host: str) -> None:
    """Serve the Dagster UI for this working area on http://127.0.0.1:3000."""
    from ntm.runner import child_environment, ensure_dagster_home, prepare_dbt_project, tool
    from sources.paths import REPO_ROOT

    settings = _settings()
    ensure_dagster_home(settings)
    prepare_dbt_project(settings)
    command = [
        tool("dagster"),
        "dev",
        "-w",
        str(REPO_ROOT / "workspace.yaml"),
        "-h",
        host,
        "-p",
        str(port),
    ]
    click.echo(f"Dagster UI on http://{host}:{port} (DAGSTER_HOME={settings.dagster_home})")
    # Run from the working area: Dagster warns about a dagster.yaml in the current folder.
    # The code location reads the settings again (dg.EnvVar): give it these, paths absolute.
    env = child_environment(settings)
    raise SystemExit(subprocess.call(command, cwd=settings.home, env=env))


@main.command("trace")
@click.option("--view", required=True, help="Reporting view, e.g. rpt_attainment.")
@click.option(
    "--where",
    "where",
    required=True,
    help="SQL condition selecting exactly one row of the view, e.g. "
    "\"quarter = '2018Q4' and district_code = '026'\" (province row: district_code is null). "
    "Runs on a read-only connection without file access.",
)
@click.option("--column", required=True, help="Numeric column of the view to trace.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="DuckDB file to read (default: $NTM_HOME/warehouse.duckdb, opened read-only).",
)
def trace_command(
    view: str, where: str, column: str, output_format: str, db_path: Path | None
) -> None:
    """Print a figure of a reporting view, how it is computed and every cell it comes from."""
    from warehouse.trace import TraceError, as_text, render_json, render_text, trace

    settings = load_settings()
    try:
        result = trace(
            db_path or settings.warehouse_db,
            view,
            where,
            column,
            on_time_days=settings.on_time_days,
        )
    except TraceError as error:
        click.echo(f"ntm trace: {error}", err=True)
        sys.exit(2)
    click.echo(render_json(result) if output_format == "json" else render_text(result))
    if not result.matches:
        click.echo(
            f"MISMATCH: {result.view}.{result.column} is {as_text(result.figure)} but its sources "
            f"give {as_text(result.recomputed)}",
            err=True,
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
