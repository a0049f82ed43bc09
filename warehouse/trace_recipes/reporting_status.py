"""reporting.rpt_reporting_status: the reporters expected on the reporting calendar
(intermediate.int_district_reports: districts valid on the quarter's last day up to 2025Q2, the
current commune-level units from 2025Q3, every quarter of the province's calendar) and every
workbook version received from them (raw.workbook_versions: each file's received time and its
basis). The figures count reporters, not versions: they group the contributions by reporter (the
contribution's district_code column carries the reporter's code: a district, or from 2025Q3 a
commune); the on-time window is the trace's setting ``on_time_days`` (NTM_ON_TIME_DAYS, compiled
into the view by dbt)."""

from __future__ import annotations

from collections.abc import Callable

from warehouse.trace_recipes.coverage import GSO_UNITS, coverage_measures, district_rows
from warehouse.trace_recipes.engine import Agg, Custom, Measure, Recipe, Source, count, ledger_cell

VERSIONS = """versions as (
    select versions.*
    from staging.stg_raw__workbook_versions as versions
    cross join sel
    where versions.quarter = sel.quarter
      and versions.province_code = sel.province_code
      and versions.reporter_code is not null
)"""

# A district row and a province row select every reporter of their area; a commune row (from
# 2025Q3 district_code is null on every row) selects its own reporter_code.
THE_REPORTER = (
    "(cast($reporter_code as varchar) is null or {alias}.reporter_code = "
    "cast($reporter_code as varchar))"
)

# One row per version received from an expected reporter, or one row for an expected reporter
# that sent nothing (its unit record).
RECEIVED = Source(
    name="received",
    relation="""intermediate.int_district_reports as expected
left join versions
    on expected.reporter_code = versions.reporter_code
    and expected.reporter_level = versions.workbook_kind""",
    origin="case when versions.workbook_sha256 is null then 'reference' else 'ledger' end as "
    f"source_type, coalesce(versions.file_name, '{GSO_UNITS}') as file_name, "
    "versions.workbook_sha256, versions.received_at, versions.archive_path",
    district="expected.reporter_code",
    quarter="sel.quarter",
    item="expected.reporter_level || ' ' || expected.reporter_code || ' ' "
    "|| coalesce(expected.reporter_name, '') "
    "|| coalesce(': version ' || versions.status, ': nothing received')",
    cells={
        "received_at": ledger_cell("received_at", "versions.received_at"),
        "received_basis": ledger_cell("received_basis", "versions.received_basis"),
        "status": ledger_cell("status", "versions.status"),
        "quarter end": ledger_cell("quarter end", "expected.last_day"),
    },
    cells_when="versions.workbook_sha256 is not null",
    terms={
        "version": "case when versions.workbook_sha256 is not null then 1 else 0 end",
        "accepted_version": "case when versions.status = 'accepted' then 1 else 0 end",
        "rejected": "case when versions.workbook_sha256 is not null and versions.status <> "
        "'accepted' then 1 else 0 end",
        "days": "case when versions.status = 'accepted' then date_diff('day', "
        "cast(expected.last_day as timestamp), cast(versions.received_at as timestamp)) end",
    },
    area="expected",
    where="expected.quarter = sel.quarter and " + THE_REPORTER.format(alias="expected"),
    ctes=(VERSIONS,),
    order="expected.reporter_code, versions.received_at, versions.workbook_sha256",
)
COVERAGE = coverage_measures(district_rows(where=THE_REPORTER.format(alias="reports")))
READ = (RECEIVED.read("received_at", "received_basis", "status", "quarter end"),)
TERMS = ("version", "accepted_version", "rejected", "days")


def first_accepted_days(district: Agg) -> int | None:
    """Days from the quarter's end to the district's first accepted version."""
    days = [r["days"] for r in district.rows if r["accepted_version"] and r["days"] is not None]
    return min(days) if days else None


def expected(agg: Agg) -> int:
    return len(agg.by("district_code"))


def districts_with(term: str) -> Callable[[Agg], int]:
    """The count of districts with at least one contribution whose ``term`` is 1."""
    return lambda agg: sum(
        1 for d in agg.by("district_code").values() if d.total(term, empty=0) > 0
    )


def on_time(agg: Agg) -> int:
    limit = agg.context["on_time_days"]
    return sum(
        1
        for d in agg.by("district_code").values()
        if (days := first_accepted_days(d)) is not None and days <= limit
    )


def latest_days(agg: Agg) -> int | None:
    values = [
        v for d in agg.by("district_code").values() if (v := first_accepted_days(d)) is not None
    ]
    return max(values) if values else None


def of_expected(districts: Callable[[Agg], int]) -> Callable[[Agg], float | None]:
    """round(100 × districts / expected districts, 2), as the view writes it."""
    return lambda agg: agg.round(agg.div(100 * districts(agg), expected(agg)), 2)


def status(label_en: str, label_vi: str, formula: str, function, kind: str = "count"):
    return Measure(label_en, label_vi, formula, READ, Custom(TERMS, function, kind))


RECIPE = Recipe(
    view="rpt_reporting_status",
    keys=("quarter", "province_code", "district_code", "reporter_code"),
    measures={
        "expected": status(
            "Workbooks expected",
            "Số báo cáo phải nộp",
            "count of districts of the area on the reporting calendar (GSO units valid on the "
            "quarter's last day)",
            expected,
        ),
        "received": status(
            "Districts that sent at least one version",
            "Số báo cáo đã nhận",
            "count of expected districts with at least one version received (accepted or not)",
            districts_with("version"),
        ),
        "accepted": status(
            "Districts with an accepted version",
            "Số báo cáo hợp lệ",
            "count of expected districts with at least one accepted version",
            districts_with("accepted_version"),
        ),
        "rejected_versions": status(
            "Versions rejected",
            "Số lần bị trả lại",
            "count of received versions whose status is not accepted",
            count("rejected").compute,
        ),
        **COVERAGE,
        # the reporters of either level (districts up to 2025Q2): the same counts
        "days_after_quarter_end": status(
            "Days from the quarter's end to the first accepted version",
            "Số ngày sau kỳ báo cáo",
            "date_diff('day', quarter's last day, received time of the district's first accepted "
            "version); the province row takes the latest district (max)",
            latest_days,
            kind="difference",
        ),
        "completeness_pct": status(
            "Completeness (%)",
            "Tỷ lệ đầy đủ (%)",
            "round(100 × accepted districts / expected districts, 2)",
            of_expected(districts_with("accepted_version")),
            kind="ratio",
        ),
        "timeliness_pct": status(
            "Timeliness (%)",
            "Tỷ lệ đúng hạn (%)",
            "round(100 × districts accepted within on_time_days days of the quarter's end / "
            "expected districts, 2); on_time_days: the on-time window of the settings "
            "(NTM_ON_TIME_DAYS, which dbt compiles into the view)",
            of_expected(on_time),
            kind="ratio",
        ),
    },
)
