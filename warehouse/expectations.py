"""Great Expectations over the reporting views: the promises the BI contract makes, checked.

GE 1.x validates pandas DataFrames read from DuckDB (its SQL datasource does not work on DuckDB
here). One checkpoint per run validates every reporting view that exists; the Data Docs site is
built under `$NTM_HOME/great_expectations/`. Province rows are checked against the sum of their
districts through a derived frame, since GE has no cross-row expectation for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sources.paths import REPORTING_SCHEMA
from warehouse.locks import DEFAULT_LOCK_TIMEOUT_SECONDS, connect_with_wait

SHARE_COLUMNS = (
    "central_budget_pct",
    "local_budget_pct",
    "credit_pct",
    "enterprise_pct",
    "residents_pct",
    "oda_other_pct",
)
SHARE_SUM_TOLERANCE = 0.05  # shares are rounded to 2 decimals each
# Views with a row for every expected district: where has_report is false every measure is null
# (not known, never 0), and the coverage counts stay within their denominators.
COVERAGE_MEASURES = {
    "rpt_attainment": (
        "xa_count",
        "ntm_communes",
        "advanced_ntm_communes",
        "model_ntm_communes",
        "ntm_share_pct",
        "avg_criteria_met",
        "communes_19",
        "communes_15_18",
        "communes_10_14",
        "communes_5_9",
        "communes_below_5",
        "border_xa_count",
        "border_ntm_communes",
        "difficult_xa_count",
        "difficult_ntm_communes",
        "criteria_set",
    ),
    "rpt_criteria_progress": ("xa_count", "xa_meeting", "share_pct"),
    "rpt_poverty": (
        "poverty_standard",
        "commune_units",
        "households",
        "poor_households",
        "near_poor_households",
        "poor_ethnic_minority_households",
        "poor_rate_pct",
        "near_poor_rate_pct",
        "poor_rate_change_pp",
        "target_met",
    ),
}


@dataclass(frozen=True)
class ViewResult:
    view: str
    success: bool
    failures: list[dict[str, object]]
    evaluated: int


def _between(column: str, low: float, high: float):
    import great_expectations as gx

    return gx.expectations.ExpectColumnValuesToBeBetween(
        column=column, min_value=low, max_value=high
    )


def _not_above(smaller: str, larger: str):
    import great_expectations as gx

    return gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=larger, column_B=smaller, or_equal=True, ignore_row_if="either_value_is_missing"
    )


def _province_matches_districts(
    frame: pd.DataFrame, keys: list[str], measures: list[str]
) -> pd.DataFrame:
    """One row per province row with the gap to the sum of its districts, per measure."""
    districts = frame[frame["district_code"].notna()]
    provinces = frame[frame["district_code"].isna()].set_index(keys)
    sums = districts.groupby(keys)[measures].sum()
    gaps = (provinces[measures] - sums.reindex(provinces.index)).abs()
    return gaps.reset_index()


def _always(column: str):
    """A derived boolean column that must be true on every row."""
    import great_expectations as gx

    return gx.expectations.ExpectColumnValuesToBeInSet(column=column, value_set=[True])


def _not_null(column: str):
    import great_expectations as gx

    return gx.expectations.ExpectColumnValuesToNotBeNull(column=column)


# --- rpt_funding_integration ---------------------------------------------------------------------
FUNDING_MEASURES = ("actual_ytd_million_vnd", "plan_million_vnd", "correction_lines")
QUARTER_BASES = ("first_quarter", "difference", "previous_quarter_missing")


def _funding_suites(view: str, frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame, list]]:
    """Coverage on every row, null (never 0) without a report, and a quarter figure only where
    it is known: a province row's is null as soon as one reporting district's is."""
    import great_expectations as gx

    if not {"has_report", "quarter_basis", "vanished_lines"} <= set(frame.columns):
        return []
    quarter_known = frame["quarter_basis"].isin(["first_quarter", "difference"])
    checked = frame.assign(
        measures_iff_report=frame["has_report"].eq(
            frame[list(FUNDING_MEASURES)].notna().all(axis=1)
        )
        & (frame["has_report"] | frame[list(FUNDING_MEASURES)].isna().all(axis=1)),
        quarter_iff_known=frame["actual_quarter_million_vnd"].notna().eq(quarter_known),
        complete_iff_all=frame["is_complete"].eq(
            frame["districts_reporting"].eq(frame["districts_expected"])
        ),
    )
    districts = frame[frame["district_code"].notna()]
    unknown = (
        (districts["has_report"] & districts["actual_quarter_million_vnd"].isna())
        .groupby([districts["quarter"], districts["province_code"]])
        .sum()
        .rename("unknown_quarters")
    )
    # province rows with district rows only: a new-era (2025Q3+) province row sums communes, has
    # no district rows, and its quarter figure is checked in dbt (the same commune's quarters)
    provinces = frame[frame["district_code"].isna()].join(
        unknown, on=["quarter", "province_code"], how="inner"
    )
    provinces = provinces.assign(
        null_when_a_district_unknown=provinces["unknown_quarters"].eq(0)
        | provinces["actual_quarter_million_vnd"].isna()
    )
    return [
        (
            f"{view}__coverage_and_quarter_basis",
            checked,
            [
                *(
                    _not_null(c)
                    for c in (
                        "has_report",
                        "districts_expected",
                        "districts_reporting",
                        "is_complete",
                    )
                ),
                gx.expectations.ExpectColumnValuesToBeInSet(
                    column="quarter_basis", value_set=list(QUARTER_BASES)
                ),
                _not_above("districts_reporting", "districts_expected"),
                _between("vanished_lines", 0, 1_000_000),
                _between("correction_lines", 0, 1_000_000),
                _always("measures_iff_report"),
                _always("quarter_iff_known"),
                _always("complete_iff_all"),
            ],
        ),
        (
            f"{view}__province_quarter_never_partial",
            provinces,
            [_always("null_when_a_district_unknown")],
        ),
    ]


def _coverage_expectations(view: str, frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame, list]]:
    """Coverage suites of a view with a row per expected district (COVERAGE_MEASURES)."""
    import great_expectations as gx

    measures = [c for c in COVERAGE_MEASURES.get(view, ()) if c in frame.columns]
    if not measures or "has_report" not in frame.columns:
        return []
    checked = frame.assign(
        coverage_consistent=(
            (frame["is_complete"] == (frame["districts_reporting"] == frame["districts_expected"]))
            & (frame["has_report"] == (frame["districts_reporting"] > 0))
            & (frame["district_code"].isna() | (frame["districts_expected"] == 1))
        )
    )
    expectations = [
        gx.expectations.ExpectColumnValuesToBeInSet(column="coverage_consistent", value_set=[True]),
        gx.expectations.ExpectColumnValuesToBeBetween(column="districts_reporting", min_value=0),
        _not_above("districts_reporting", "districts_expected"),
    ]
    if "comparable_districts" in frame.columns:
        expectations.append(_not_above("comparable_districts", "districts_reporting"))
    if {"advanced_ntm_communes", "model_ntm_communes", "ntm_communes"} <= set(frame.columns):
        checked = checked.assign(
            advanced_and_model=checked["advanced_ntm_communes"] + checked["model_ntm_communes"]
        )
        expectations.append(_not_above("advanced_and_model", "ntm_communes"))
    no_report = frame[~frame["has_report"].astype(bool)]
    return [
        (f"{view}__coverage", checked, expectations),
        (
            f"{view}__no_report_is_null",
            no_report,
            [gx.expectations.ExpectColumnValuesToBeNull(column=c) for c in measures],
        ),
    ]


# --- rpt_targets ---------------------------------------------------------------------------------
TARGETS = (
    "new_ntm_communes",
    "avg_criteria_met",
    "ntm_advanced_communes",
    "ntm_model_communes",
    "poor_rate_reduction_pp",
    "poor_rate_reduction_pp_30a_districts",
)


def _targets_suites(view: str, frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame, list]]:
    """met only on a complete set; coverage and exclusions add up."""
    import great_expectations as gx

    if not {"districts_expected", "excluded_districts", "is_complete"} <= set(frame.columns):
        return []
    checked = frame.assign(
        met_only_when_complete=frame["met"]
        .isna()
        .eq(frame["actual_value"].isna() | ~frame["is_complete"].astype(bool)),
        complete_iff_all=frame["is_complete"].eq(
            frame["districts_expected"].gt(0)
            & frame["districts_reporting"].eq(frame["districts_expected"])
        ),
        used_or_excluded=frame["districts_reporting"] + frame["excluded_districts"],
    )
    return [
        (
            f"{view}__coverage_and_met",
            checked,
            [
                *(
                    _not_null(c)
                    for c in (
                        "districts_expected",
                        "districts_reporting",
                        "is_complete",
                        "excluded_districts",
                        "planned_value",
                    )
                ),
                gx.expectations.ExpectColumnValuesToBeInSet(
                    column="target", value_set=list(TARGETS)
                ),
                _not_above("used_or_excluded", "districts_expected"),
                _between("excluded_districts", 0, 1_000_000),
                _always("met_only_when_complete"),
                _always("complete_iff_all"),
            ],
        )
    ]


VIEW_SUITES = {
    "rpt_funding_integration": _funding_suites,
    "rpt_targets": _targets_suites,
}


def _expectations(view: str, frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame, list]]:
    """(suite name, frame to validate, expectations) for a view; empty for unknown views."""
    import great_expectations as gx

    suites: list[tuple[str, pd.DataFrame, list]] = []
    columns = set(frame.columns)
    pct_columns = sorted(c for c in columns if c.endswith("_pct") and c != "plan_execution_pct")
    expectations = [_between(c, 0, 100) for c in pct_columns]
    for smaller, larger in (
        ("ntm_communes", "xa_count"),
        ("border_ntm_communes", "border_xa_count"),
        ("difficult_ntm_communes", "difficult_xa_count"),
        ("xa_meeting", "xa_count"),
        ("poor_households", "households"),
        ("near_poor_households", "households"),
    ):
        if {smaller, larger} <= columns:
            expectations.append(_not_above(smaller, larger))
    if {"poor_households", "near_poor_households", "households"} <= columns:
        frame = frame.assign(
            poor_and_near_poor=frame["poor_households"] + frame["near_poor_households"]
        )
        expectations.append(_not_above("poor_and_near_poor", "households"))
    if set(SHARE_COLUMNS) <= columns:
        frame = frame.assign(share_sum=frame[list(SHARE_COLUMNS)].sum(axis=1, min_count=1))
        expectations.append(
            _between("share_sum", 100 - SHARE_SUM_TOLERANCE, 100 + SHARE_SUM_TOLERANCE)
        )
    if expectations:
        suites.append((view, frame, expectations))
    suites.extend(_coverage_expectations(view, frame))

    additive = [
        c
        for c in columns
        if c
        in (
            "xa_count",
            "ntm_communes",
            "advanced_ntm_communes",
            "model_ntm_communes",
            "households",
            "poor_households",
            "xa_meeting",
        )
        or c.startswith("communes_")
        or c.endswith("_million_vnd")
    ]
    if "district_code" in columns and additive:
        # a province row sums the districts of its own criteria set / poverty standard (never
        # mixed); rows without a report have neither, and null measures
        keys = [
            c
            for c in (
                "quarter",
                "province_code",
                "criteria_set",
                "criterion_no",
                "poverty_standard",
            )
            if c in columns
        ]
        gaps = _province_matches_districts(frame, keys, sorted(additive))
        suites.append(
            (
                f"{view}__province_equals_districts",
                gaps,
                [
                    gx.expectations.ExpectColumnValuesToBeBetween(
                        column=c, min_value=0, max_value=0.01
                    )
                    for c in sorted(additive)
                ],
            )
        )
    if view in VIEW_SUITES:
        suites.extend(VIEW_SUITES[view](view, frame))
    return suites


def validate_reporting_views(
    db_path: Path,
    project_dir: Path,
    views: list[str] | None = None,
    lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_SECONDS,
    log: Callable[[str], None] = print,
) -> dict[str, ViewResult]:
    """Run one GE checkpoint over the reporting views; build Data Docs under ``project_dir``.
    A build another process writes is waited for (logged, NTM_LOCK_TIMEOUT_SECONDS)."""
    import great_expectations as gx

    # The frames are read first and the build let go before Great Expectations runs (seconds).
    with connect_with_wait(db_path, read_only=True, timeout_s=lock_timeout_s, log=log) as con:
        available = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = ?",
                [REPORTING_SCHEMA],
            ).fetchall()
        ]
        frames = {
            view: con.execute(_checked_columns_sql(con, view)).df()
            for view in sorted(available)
            if views is None or view in views
        }

    context = gx.get_context(mode="file", project_root_dir=str(project_dir))
    if context.variables.config_variables_file_path:
        # No ${…} substitution is used, and GE re-reads and parses that file on every lookup of
        # a context variable (~750 per run, ~2 s): without it, nothing is read.
        context.variables.config_variables_file_path = None
        context.variables.save()
    context.variables.progress_bars = gx.data_context.types.base.ProgressBarsConfig(globally=False)
    # Kept between runs with its assets: re-adding it each run dropped the assets, and adding
    # each back rewrote the project's YAML (~50 ms apiece).
    source = _get_or_add(context.data_sources.get, context.data_sources.add_pandas, "ntm_reporting")
    results: dict[str, ViewResult] = {}
    rendered: list = []
    for view, frame in frames.items():
        failures: list[dict[str, object]] = []
        evaluated = 0
        success = True
        for suite_name, data, expectations in _expectations(view, frame):
            outcome = _run_suite(context, source, suite_name, data, expectations)
            evaluated += len(expectations)
            success &= outcome[0]
            failures.extend(outcome[1])
            rendered.extend(outcome[2])
        results[view] = ViewResult(view, success, failures, evaluated)
    # One Data Docs build for this run's suites and results: a docs action on every checkpoint
    # re-rendered the site once per suite (Jinja templates recompiled each time, ~1 s apiece),
    # and a build without identifiers re-renders every result ever stored.
    if rendered:
        context.build_data_docs(resource_identifiers=rendered)
    return results


# Text that describes a row and that no expectation reads: names, provenance (sha256, sheet and
# cell references). Left out of the frames, they were half of the largest views' memory (16
# national quarters: rpt_commune_status 266 -> 128 MiB, rpt_criteria_progress 203 -> 113 MiB).
DESCRIPTIVE_SUFFIXES = ("_name", "_name_vi", "_name_en", "_sha256", "_cell", "_cells")


def _checked_columns_sql(con, view: str) -> str:
    """The query of a view's columns that the expectations may read (all but descriptive text)."""
    columns = [
        row[0]
        for row in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [REPORTING_SCHEMA, view],
        ).fetchall()
        if not row[0].endswith(DESCRIPTIVE_SUFFIXES)
    ]
    listed = ", ".join(f'"{c}"' for c in columns)
    return f'select {listed} from {REPORTING_SCHEMA}."{view}"'


def _run_suite(context, source, name: str, data: pd.DataFrame, expectations: list):
    """(success, failures, Data Docs identifiers of the suite and its new result)."""
    import great_expectations as gx
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
    )

    asset = _get_or_add(source.get_asset, source.add_dataframe_asset, name)
    batch = _get_or_add(
        asset.get_batch_definition, asset.add_batch_definition_whole_dataframe, "all"
    )
    suite = context.suites.add_or_update(gx.ExpectationSuite(name=name, expectations=expectations))
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=name, data=batch, suite=suite)
    )
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=name,
            validation_definitions=[definition],
            actions=[],  # Data Docs are built once per run, see validate_reporting_views
            result_format="SUMMARY",
        )
    )
    result = checkpoint.run(batch_parameters={"dataframe": data})
    failures = [
        {
            "suite": name,
            "expectation": item.expectation_config.type,
            "column": item.expectation_config.kwargs.get("column")
            or item.expectation_config.kwargs.get("column_A"),
            "unexpected_count": item.result.get("unexpected_count"),
            "examples": str(item.result.get("partial_unexpected_list", [])[:5]),
        }
        for run in result.run_results.values()
        for item in run.results
        if not item.success
    ]
    identifiers = [*result.run_results, ExpectationSuiteIdentifier(name=name)]
    return result.success, failures, identifiers


def _get_or_add(getter: Callable, adder: Callable, name: str):
    try:
        return getter(name)
    except (LookupError, ValueError, KeyError, Exception):  # GE raises its own lookup errors
        return adder(name)


# A worker started with the run holds GE (~200 MiB) from the start. Over 16 national quarters
# (11,344 workbooks) that sat beside dbt's build at the run's memory peak: 1.57 GiB PSS against
# 1.37 without it (bench, 2026-12-03); one national quarter (709) peaks at ~1.0 GiB either way.
# Above this many new workbooks the worker starts when the checks need it, and the run pays the
# import (~4.5 s) there instead.
EARLY_START_MAX_WORKBOOKS = 1500


def start_worker_early(new_workbooks: int) -> bool:
    """Whether a run loading this many new workbooks starts its GE worker with the run."""
    return new_workbooks <= EARLY_START_MAX_WORKBOOKS


class ExpectationsWorker:
    """Great Expectations in a process of its own, started before it is needed.

    Importing GE takes ~4.5 s on these machines (scipy.stats, altair ...), and a run needs it
    only after dbt's build. Started when the run starts, the worker imports it while the ingest
    and dbt (a process of its own) run; the run's process never holds GE. The worker answers one
    validation and exits: its memory (GE and the views' frames, 630 MiB over 16 national
    quarters) is gone before the publish. Another validation starts another worker, cold. Workers
    fork from the ingest's worker server (`warehouse.ingest_workers`), not from the run's
    process."""

    def __init__(self) -> None:
        self._start()

    def _start(self) -> None:
        from warehouse.ingest_workers import worker_context

        context = worker_context()
        self._connection, child = context.Pipe()
        self._process = context.Process(
            target=_serve_validation, args=(child,), name="ntm-expectations", daemon=True
        )
        self._process.start()
        child.close()

    def validate(
        self,
        db_path: Path,
        project_dir: Path,
        views: list[str] | None = None,
        lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_SECONDS,
    ) -> dict[str, ViewResult]:
        """`validate_reporting_views` in the worker (a lock wait there is printed, not logged:
        wait for the build in the caller first)."""
        if self._process.exitcode is not None:  # it answered already: a new worker
            self._start()
        try:
            self._connection.send((db_path, project_dir, views, lock_timeout_s))
            ok, answer = self._connection.recv()
        except (EOFError, BrokenPipeError):
            raise RuntimeError(
                f"the Great Expectations worker (pid {self._process.pid}) ended without an "
                f"answer (exit code {self._process.exitcode})"
            ) from None
        finally:
            self.close(wait_s=10)  # it exits once it has answered
        if not ok:
            raise answer
        return answer

    def close(self, wait_s: float = 0) -> None:
        """Stop the worker: let it end within ``wait_s``, then end it (by default at once: it may
        still be importing GE for a run that failed)."""
        self._connection.close()
        self._process.join(wait_s)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()


def _serve_validation(connection) -> None:
    """The worker: import GE, then answer one request (none if the caller hangs up)."""
    import great_expectations  # noqa: F401 - the point: imported before the request comes

    try:
        db_path, project_dir, views, lock_timeout_s = connection.recv()
    except EOFError:
        return
    try:
        answer = (True, validate_reporting_views(db_path, project_dir, views, lock_timeout_s))
    except Exception as error:  # the caller raises it, with the worker's traceback as a note
        answer = (False, _sendable(error))
    connection.send(answer)


def _sendable(error: Exception) -> Exception:
    """The error itself (its worker traceback as a note) when it survives pickling, else a
    RuntimeError with that traceback."""
    import pickle
    import traceback

    text = "".join(traceback.format_exception(error))
    try:
        error.add_note(f"in the Great Expectations worker:\n{text}")
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        return RuntimeError(f"Great Expectations failed in its worker:\n{text}")
