"""National-scale benchmark: every district of Vietnam, measured against the usual way.

One command (`make bench`, or `.venv/bin/python bench/run.py`) measures, on the same files:

1. end to end for one national quarter (`ntm run` in a fresh working area), with its stages;
2. ingest throughput: the warehouse's ingest (read, validate, load; parallel processes) against
   `pandas.read_excel(engine="openpyxl")` (sampled) and against the bare calamine parse (the floor);
3. one district resubmitting: time from the new file landing to the published warehouse showing it;
4. peak memory (RSS) of each `ntm run` process tree;
5. 1, 4 and 16 national quarters end to end: how the cost grows.

The workbooks are generated once (`ntm demo-data --scope national`) into ``bench/.cache`` and
reused. The table, the machine and the commands go to ``bench/RESULTS.md``. Public tools only:
the warehouse itself, pandas + openpyxl, python-calamine, the Python standard library.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NTM = str(BIN / "ntm") if (BIN / "ntm").exists() else "ntm"
SEED = 2019
ONE_QUARTER = "2019Q4"
SCALES = {1: "2019Q4:2019Q4", 4: "2019Q1:2019Q4", 16: "2016Q1:2019Q4"}
# 2016Q1-2019Q4 all validate against the 2019-09-11 snapshot (the next one starts 2020-01-01).
# Issue 15's targets (2 cores): every verdict of RESULTS.md reads them from here.
TARGETS = {
    "one_quarter_s": 30.0,
    "vs_openpyxl": 10.0,
    "vs_bare_parse": 4.0,
    "resubmission_s": 10.0,
    "sixteen_quarters_s": 120.0,
    "peak_pss_gib": 1.5,
}


# --- the files ------------------------------------------------------------------------------------
def quarters_of(spec: str) -> list[str]:
    sys.path.insert(0, str(REPO))
    from sources.demo.national import parse_quarter_range
    from sources.quarters import quarter_label

    return [quarter_label(y, q) for y, q in parse_quarter_range(spec)]


def ensure_quarter(cache: Path, quarter: str, commands: list[str]) -> Path:
    """The national workbooks of one quarter, generated once by the documented command."""
    folder = cache / f"national-seed{SEED}" / quarter
    done = folder / ".complete"
    command = [NTM, "demo-data", "--scope", "national", "--quarters", quarter]
    command += ["--seed", str(SEED), "--out", str(folder)]
    commands.append("ntm " + " ".join(command[1:]).replace(str(REPO) + "/", ""))
    if not done.exists():
        subprocess.run(command, check=True, cwd=REPO)
        done.write_text(str(len(list(folder.glob("*.xlsx")))))
    return folder


def fresh_home(cache: Path, name: str, sources: list[Path]) -> Path:
    """A new working area whose landing folder holds (hard links to) the given quarters."""
    home = cache / "homes" / name
    shutil.rmtree(home, ignore_errors=True)
    landing = home / "landing"
    landing.mkdir(parents=True)
    for folder in sources:
        for path in folder.glob("*.xlsx"):
            try:
                os.link(path, landing / path.name)
            except OSError:
                shutil.copy2(path, landing / path.name)
    return home


def prepare_home(home: Path) -> None:
    """`ntm prepare` for a new working area (its set-up step, not timed): the dbt project's
    manifest and the area's folders, as before a real area's first run."""
    env = {**os.environ, "NTM_HOME": str(home)}
    env.pop("DAGSTER_HOME", None)
    subprocess.run([NTM, "prepare"], cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)


# --- a shared machine: how much CPU others used while we measured --------------------------------
def _busy_cpu_seconds() -> float:
    """CPU seconds all processes of the machine have used (non-idle time in /proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _own_cpu_seconds() -> float:
    """CPU seconds of this process and its waited-for descendants."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass
class Phase:
    """Wall time of a measured phase and the CPU other processes used meanwhile."""

    name: str
    seconds: float = 0.0
    foreign_cpu: float = 0.0
    load_before: float = 0.0

    def __enter__(self) -> Phase:
        self.load_before = os.getloadavg()[0]
        self._busy, self._own = _busy_cpu_seconds(), _own_cpu_seconds()
        self._t = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._t
        busy = _busy_cpu_seconds() - self._busy
        self.foreign_cpu = max(0.0, busy - (_own_cpu_seconds() - self._own))
        PHASES.append(self)


PHASES: list[Phase] = []


def wait_for_quiet(limit: float, say) -> None:
    """Wait (at most ``limit`` s) until the machine is quiet: 1-minute load below 0.5."""
    started = time.perf_counter()
    while os.getloadavg()[0] >= 0.5 and time.perf_counter() - started < limit:
        time.sleep(5)
    waited = time.perf_counter() - started
    if waited >= 5:
        say(f"  waited {waited:.0f} s for a quiet machine (load {os.getloadavg()[0]:.2f})")


# --- running `ntm run` as a measured process tree -------------------------------------------------
def _tree_memory(root: int) -> tuple[int, int, list[tuple[str, int]]]:
    """(RSS, PSS) in bytes of a process and all its descendants, from /proc, and the PSS of each
    process by its role (`_role`).

    RSS counts a page once per process that maps it, so forked workers sharing their parent's
    pages (copy-on-write) are counted again and again; PSS (proportional set size) splits shared
    pages between the processes sharing them: its sum is the physical memory the tree uses.
    """
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    rss = pss = 0
    each: list[tuple[str, int]] = []
    stack = [(root, None)]
    while stack:
        pid, parent_role = stack.pop()
        role = _role(pid, parent_role, pid == root)
        stack.extend((child, role) for child in children.get(pid, []))
        try:
            own = 0
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith("Pss:"):
                        own = int(line.split()[1]) * 1024
            pss += own
            each.append((role, own))
        except (OSError, ValueError):
            continue
    return rss, pss, each


def _role(pid: int, parent_role: str | None, is_root: bool) -> str:
    """What a process of the run's tree is: the run itself, dbt, the worker server or one of the
    workers forked from it (the ingest's parse workers, Great Expectations' worker)."""
    if is_root:
        return "ntm run"
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "gone"
    if "forkserver" in cmdline and parent_role != "worker server":
        return "worker server"
    if parent_role == "worker server":
        return "forked worker"
    if "dbt" in cmdline.split(" ", 2)[0] or "/dbt " in cmdline:
        return "dbt"
    return "other"


@dataclass
class RunResult:
    seconds: float
    peak_tree_rss: int
    peak_tree_pss: int = 0
    steps: dict[str, float] = field(default_factory=dict)
    # PSS by role at the peak, and when it was (seconds after the start): where the memory was
    peak_by_role: dict[str, int] = field(default_factory=dict)
    peak_at_s: float = 0.0
    summary: str = ""
    ok: bool = True


def ntm_run(home: Path, log: Path) -> RunResult:
    """`ntm run` in ``home``; wall time, the run's step times and the peak RSS and PSS of its tree
    (sampled from /proc every 100 ms: the parent plus every child process alive at that moment;
    sampling every 20 ms cost the measured run ~10 % of a core)."""
    env = {**os.environ, "NTM_HOME": str(home)}
    env.pop("DAGSTER_HOME", None)
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen([NTM, "run"], cwd=REPO, env=env, stdout=out, stderr=out)
        peak = peak_pss = 0
        by_role: dict[str, int] = {}
        peak_at = 0.0
        while process.poll() is None:
            rss, pss, each = _tree_memory(process.pid)
            peak = max(peak, rss)
            if pss > peak_pss:
                peak_pss, by_role, peak_at = pss, {}, time.perf_counter() - started
                for role, own in each:
                    by_role[role] = by_role.get(role, 0) + own
            time.sleep(0.1)
    seconds = time.perf_counter() - started
    text = log.read_text(errors="replace")
    steps: dict[str, float] = {}
    match = re.search(r"^\s*steps: (.*)$", text, re.M)
    if match:
        for part in match.group(1).split(", "):
            name, value, _ = part.rsplit(" ", 2)
            steps[name] = float(value)
    summary = next((line for line in text.splitlines() if line.startswith("Run ")), "")
    return RunResult(
        seconds,
        peak,
        peak_pss,
        steps=steps,
        summary=summary,
        ok=process.returncode == 0,
        peak_by_role=by_role,
        peak_at_s=peak_at,
    )


# --- throughput -----------------------------------------------------------------------------------
def bare_parse(path: Path) -> int:
    """The floor: calamine opens the file and turns every sheet into Python lists."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    return sum(len(workbook.get_sheet_by_name(n).to_python()) for n in workbook.sheet_names)


def openpyxl_read(path: Path) -> int:
    """The usual way: pandas reads every sheet with openpyxl."""
    import pandas as pd

    frames = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    return sum(len(f) for f in frames.values())


def timed_pool(function, paths: list[Path], workers: int) -> float:
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(function, paths, chunksize=max(1, len(paths) // (8 * workers))))
    return time.perf_counter() - started


def warehouse_ingest(folder: Path, cache: Path, workers: int) -> tuple[float, int, int, dict]:
    """The warehouse's ingest step alone (scan + sha256, read, validate, archive, load into
    DuckDB) on a fresh working area, in this process with ``workers`` processes."""
    home = fresh_home(cache, "ingest-only", [folder])
    os.environ["NTM_HOME"] = str(home)
    sys.path.insert(0, str(REPO))
    import duckdb

    from ntm.settings import load_settings
    from sources.reference import load_admin_units
    from warehouse.ingest import ingest_landing
    from warehouse.raw_store import ensure_raw_tables

    load_admin_units()  # the seed is read once per process in every run: not per file
    settings = load_settings()
    settings.ensure_dirs()
    with duckdb.connect(str(home / "ingest.duckdb")) as con:
        ensure_raw_tables(con)
        started = time.perf_counter()
        summary = ingest_landing(con, settings, load_id="bench", workers=workers)
        seconds = time.perf_counter() - started
        # Data rows per file, as loaded (the ingest releases its frames once they are in DuckDB).
        per_file = dict(
            con.execute(
                "select file_name, count(*) from ("
                + " union all ".join(
                    f"select file_name from raw.{t}"
                    for t in ("criteria_rows", "household_rows", "funding_rows")
                )
                + ") group by file_name"
            ).fetchall()
        )
    rows = sum(summary.rows.get(t, 0) for t in ("criteria_rows", "household_rows", "funding_rows"))
    return seconds, len(summary.outcomes), rows, per_file


# --- the resubmission -----------------------------------------------------------------------------
def resubmit_one(home: Path, quarter: str) -> tuple[str, str]:
    """Rewrite one district's workbook with different figures (new bytes, same file name)."""
    sys.path.insert(0, str(REPO))
    from sources.demo.national import DistrictJob, _district_content
    from sources.writer import write_workbook

    year, q = int(quarter[:4]), int(quarter[-1])
    job = DistrictJob("02", "026", year, q, SEED, home / "landing")
    content = _district_content(job)
    for record in content.households:
        record["households"] += 500  # 500 more households in every commune of the district
    target = home / "landing" / job.file_name
    target.unlink()  # a hard link to the cached file: never write through it
    write_workbook(content, target)
    return "02", "026"


def district_households(home: Path, province: str, district: str, quarter: str) -> float | None:
    import duckdb

    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        row = con.execute(
            "select households from reporting.rpt_poverty "
            "where province_code = ? and district_code = ? and quarter = ?",
            [province, district, quarter],
        ).fetchone()
    return None if row is None else float(row[0])


# --- the report -----------------------------------------------------------------------------------
def machine() -> str:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    total_kib = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return (
        f"{os.cpu_count()} cores ({model}), {total_kib / 1024 / 1024:.1f} GiB memory "
        f"(/proc/meminfo), Linux {platform.release()}, Python {platform.python_version()}"
    )


def gib(value: int) -> str:
    return f"{value / 1024**3:.2f} GiB"


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=REPO / "bench" / ".cache")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "RESULTS.md")
    parser.add_argument("--sample", type=int, default=100, help="files read with openpyxl")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=180,
        help="seconds to wait at most for a quiet machine before each measured phase",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of one national quarter (median reported)"
    )
    parser.add_argument(
        "--scales", default="1,4,16", help="national quarters to run end to end (1 is required)"
    )
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",")]
    cache: Path = args.cache.resolve()
    cache.mkdir(parents=True, exist_ok=True)
    logs = cache / "logs"
    logs.mkdir(exist_ok=True)
    commands = [
        "make bench   # = .venv/bin/python bench/run.py " + " ".join(sys.argv[1:]),
        "# generated once into the cache (skipped when present):",
    ]
    wall_started = time.perf_counter()

    def say(message: str) -> None:
        print(f"[{time.perf_counter() - wall_started:7.1f} s] {message}", flush=True)

    needed = sorted({q for n in scales for q in quarters_of(SCALES[n])})
    say(f"workbooks: {len(needed)} national quarters in {cache}")
    folders = {q: ensure_quarter(cache, q, commands) for q in needed}
    one = folders[ONE_QUARTER]
    files = sorted(one.glob("*.xlsx"))

    # 1. throughput on the same files (one national quarter)
    say(f"ingest: the warehouse's ingest on {len(files)} workbooks, {args.workers} processes")
    wait_for_quiet(args.quiet_wait, say)
    with Phase("warehouse ingest"):
        ingest_s, ingested, rows, per_file = warehouse_ingest(one, cache, args.workers)
    say(f"  {ingest_s:.2f} s, {ingested} workbooks, {rows} rows")
    say("bare parse (calamine, every sheet)")
    timed_pool(bare_parse, files[:20], args.workers)  # warm the page cache and the imports
    with Phase("bare parse"):
        bare_s = timed_pool(bare_parse, files, args.workers)
    say(f"  {bare_s:.2f} s")
    sample = sorted(random.Random(SEED).sample(files, min(args.sample, len(files))))
    say(f"openpyxl (pandas.read_excel) on a fixed random sample of {len(sample)} files")
    with Phase("openpyxl sample"):
        openpyxl_s = timed_pool(openpyxl_read, sample, args.workers)
    sample_rows = sum(per_file.get(p.name, 0) for p in sample)
    say(f"  {openpyxl_s:.2f} s")
    rate = {
        "warehouse": (ingested / ingest_s, rows / ingest_s),
        "bare": (len(files) / bare_s, rows / bare_s),
        "openpyxl": (len(sample) / openpyxl_s, sample_rows / openpyxl_s),
    }

    # 2. end to end at 1, 4, 16 quarters (1 also gives the resubmission)
    runs: dict[int, RunResult] = {}
    resubmission: RunResult | None = None
    resubmitted_seconds = 0.0
    figures = (None, None)
    one_quarter_runs: list[RunResult] = []
    for n in scales:
        quarters = quarters_of(SCALES[n])
        # One quarter is the headline: run it several times (fresh areas) and keep the median.
        attempts = max(1, args.repeat) if n == 1 else 1
        tries: list[RunResult] = []
        for attempt in range(1, attempts + 1):
            home = fresh_home(cache, f"national-{n}q", [folders[q] for q in quarters])
            prepare_home(home)
            label = f" (run {attempt} of {attempts})" if attempts > 1 else ""
            say(f"ntm run: {n} national quarters ({len(quarters) * len(files)} workbooks){label}")
            wait_for_quiet(args.quiet_wait, say)
            with Phase(f"ntm run, {n} quarter{'s' if n > 1 else ''}{label}"):
                run = ntm_run(home, logs / f"run-{n}q-{attempt}.log")
            say(
                f"  {run.seconds:.1f} s, peak RSS {gib(run.peak_tree_rss)}, "
                f"PSS {gib(run.peak_tree_pss)}: {run.summary}"
            )
            tries.append(run)
        runs[n] = sorted(tries, key=lambda r: r.seconds)[len(tries) // 2]
        if n == 1:
            one_quarter_runs = tries
        if n == 1:
            before = district_households(home, "02", "026", ONE_QUARTER)
            landed = time.perf_counter()
            province, district = resubmit_one(home, ONE_QUARTER)
            with Phase("ntm run, resubmission"):
                resubmission = ntm_run(home, logs / "run-resubmission.log")
            after = district_households(home, province, district, ONE_QUARTER)
            resubmitted_seconds = time.perf_counter() - landed
            figures = (before, after)
            say(f"  resubmission: {resubmitted_seconds:.1f} s, households {before} → {after}")
    children_max = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024

    # 3. the table
    sys.path.insert(0, str(REPO))
    from sources.markdown import markdown_table

    one_run = runs[1]
    vs_openpyxl = rate["warehouse"][0] / rate["openpyxl"][0]
    vs_bare = ingest_s / bare_s
    measured = [r for r in [*runs.values(), *one_quarter_runs, resubmission] if r]
    peak = max(r.peak_tree_rss for r in measured)
    peak_pss = max(r.peak_tree_pss for r in measured)
    lines = [
        "# National-scale benchmark",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `bench/run.py` on: {machine()}.",
        "",
        f"Data: `ntm demo-data --scope national` (seed {SEED}): one workbook per district of the "
        f"2019-09-11 GSO snapshot, {len(files)} districts per quarter (the 4 island districts "
        "without commune-level units have no workbook; 713 districts in all), "
        f"{rows:,} data rows per quarter (criteria, households, funding).",
        "",
        "## Results",
        "",
    ]
    results = [
        (
            f"one national quarter end to end (`ntm run`, {len(files)} workbooks; median of "
            f"{len(one_quarter_runs)} runs in fresh areas: "
            f"{', '.join(f'{r.seconds:.1f}' for r in one_quarter_runs)} s; stages of the median "
            "run)",
            f"{one_run.seconds:.1f} s",
            f"≤ {TARGETS['one_quarter_s']:.0f} s",
            verdict(one_run.seconds <= TARGETS["one_quarter_s"]),
        ),
    ]
    for step, seconds in one_run.steps.items():
        results.append((f"&nbsp;&nbsp;stage `{step}`", f"{seconds:.1f} s", "", ""))
    startup = one_run.seconds - sum(one_run.steps.values())
    results += [
        (
            "&nbsp;&nbsp;outside the steps (start-up, Dagster, quarter scan)",
            f"{startup:.1f} s",
            "",
            "",
        ),
        (
            f"ingest, warehouse (read + validate + load, {args.workers} processes)",
            f"{ingest_s:.2f} s: {rate['warehouse'][0]:.0f} workbooks/s, "
            f"{rate['warehouse'][1]:,.0f} rows/s",
            "",
            "",
        ),
        (
            f"ingest, bare calamine parse of every sheet ({args.workers} processes; the floor)",
            f"{bare_s:.2f} s: {rate['bare'][0]:.0f} workbooks/s, {rate['bare'][1]:,.0f} rows/s",
            "",
            "",
        ),
        (
            f"ingest, pandas.read_excel + openpyxl ({args.workers} processes, **sampled**: "
            f"{len(sample)} random files)",
            f"{openpyxl_s:.2f} s: {rate['openpyxl'][0]:.1f} workbooks/s, "
            f"{rate['openpyxl'][1]:,.0f} rows/s",
            "",
            "",
        ),
        (
            "warehouse ingest vs openpyxl (workbooks/s ratio)",
            f"{vs_openpyxl:.1f}× faster",
            f"≥ {TARGETS['vs_openpyxl']:g}×",
            verdict(vs_openpyxl >= TARGETS["vs_openpyxl"]),
        ),
        (
            "warehouse ingest vs bare parse (time ratio)",
            f"{vs_bare:.2f}× the floor",
            f"≤ {TARGETS['vs_bare_parse']:g}×",
            verdict(vs_bare <= TARGETS["vs_bare_parse"]),
        ),
    ]
    if resubmission:
        results.append(
            (
                "one district resubmits: file landed → published warehouse shows it",
                f"{resubmitted_seconds:.1f} s (households {figures[0]:,.0f} → {figures[1]:,.0f})",
                f"≤ {TARGETS['resubmission_s']:.0f} s",
                verdict(
                    resubmitted_seconds <= TARGETS["resubmission_s"] and figures[0] != figures[1]
                ),
            )
        )
        for step, seconds in resubmission.steps.items():
            results.append((f"&nbsp;&nbsp;resubmission stage `{step}`", f"{seconds:.1f} s", "", ""))
        results.append(
            (
                "&nbsp;&nbsp;resubmission outside the steps",
                f"{resubmission.seconds - sum(resubmission.steps.values()):.1f} s",
                "",
                "",
            )
        )
    results += [
        (
            "peak memory of a whole `ntm run` process tree (largest run): PSS, the physical "
            "memory it used",
            gib(peak_pss),
            f"≤ {TARGETS['peak_pss_gib']:g} GiB",
            verdict(peak_pss <= TARGETS["peak_pss_gib"] * 1024**3),
        ),
        (
            "&nbsp;&nbsp;the same as summed RSS (forked workers' shared pages counted once per "
            "process)",
            gib(peak),
            "",
            "",
        ),
    ]
    for n, run in runs.items():
        sixteen = n == 16
        results.append(
            (
                f"{n} national quarter{'s' if n > 1 else ''} end to end",
                f"{run.seconds:.1f} s ({run.seconds / one_run.seconds:.1f}× one quarter), peak PSS "
                f"{gib(run.peak_tree_pss)} (RSS {gib(run.peak_tree_rss)}; at the peak, "
                f"{run.peak_at_s:.0f} s after the start: "
                + ", ".join(
                    f"{role} {own / 1024**2:.0f} MiB"
                    for role, own in sorted(run.peak_by_role.items(), key=lambda x: -x[1])
                )
                + ")",
                f"≤ {TARGETS['sixteen_quarters_s']:.0f} s" if sixteen else "",
                "**run failed**"
                if not run.ok
                else verdict(run.seconds <= TARGETS["sixteen_quarters_s"])
                if sixteen
                else "",
            )
        )
    if 16 in runs:
        allowed = 16 * (one_run.seconds - startup) + startup
        results.append(
            (
                "16 quarters vs 16 × one quarter + start-up",
                f"{runs[16].seconds:.1f} s vs {allowed:.1f} s",
                "≤",
                verdict(runs[16].ok and runs[16].seconds <= allowed),
            )
        )
    lines += [
        markdown_table(("measure", "result", "target", ""), results),
        "",
        "Peak memory is summed over `ntm run` and all its child processes (dbt, the parse "
        "workers) from /proc/<pid>/smaps_rollup every 100 ms: PSS (each shared page split "
        "between the processes sharing it) and RSS (counted in full in each); the largest "
        "single process "
        f"of the benchmark (getrusage RUSAGE_CHILDREN max RSS) was {gib(children_max)}.",
        "",
        "The machine may be shared: for each measured phase, the CPU time other processes used "
        f"meanwhile (machine busy time from /proc/stat minus this benchmark's own), out of "
        f"{os.cpu_count()} cores × the wall time:",
        "",
        markdown_table(
            ("phase", "wall", "1-min load before", "CPU used by other processes"),
            [
                (
                    p.name,
                    f"{p.seconds:.1f} s",
                    f"{p.load_before:.2f}",
                    f"{p.foreign_cpu:.1f} CPU-s "
                    f"({p.foreign_cpu / max(p.seconds * (os.cpu_count() or 1), 1e-9):.0%} of the "
                    "machine)",
                )
                for p in PHASES
            ],
        ),
        "",
        "The openpyxl rate is measured on a fixed random sample (seed 2019) of the same files "
        "and its rows/s counts the warehouse's data rows of those files.",
        "",
        "## Commands",
        "",
        "```bash",
        *commands,
        "# what the benchmark runs, per working area (NTM_HOME=bench/.cache/homes/…):",
        "ntm prepare   # set-up, not timed: dbt parses the project once for the area",
        "ntm run       # timed",
        "```",
        "",
        f"Benchmark wall time: {time.perf_counter() - wall_started:.0f} s.",
        "",
    ]
    text = "\n".join(lines)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0 if all(r.ok for r in runs.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
