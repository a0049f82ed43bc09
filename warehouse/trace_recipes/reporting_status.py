"""reporting.rpt_reporting_status: the districts expected on the reporting calendar
(intermediate.int_district_reports: GSO units valid on the quarter's last day, every quarter of the
province's calendar) and every workbook version received from them (raw.workbook_versions: each
file's received time and its basis)."""

from __future__ import annotations

from warehouse.trace_recipes._base import SELECTED_AREA, Measure, Recipe, in_area
from warehouse.trace_recipes.coverage import coverage_measures

# One row per version received from an expected district, or one row for an expected district
# that sent nothing (its GSO unit record).
VERSION_ROWS = f"""
with
{SELECTED_AREA},
expected as (
    select reports.district_code, reports.district_name, reports.last_day
    from intermediate.int_district_reports as reports
    cross join sel
    where reports.quarter = sel.quarter
      and {in_area("reports")}
),
versions as (
    select versions.*
    from staging.stg_raw__workbook_versions as versions
    cross join sel
    where versions.quarter = sel.quarter
      and versions.province_code = sel.province_code
      and versions.district_code is not null
)
select
    case when versions.workbook_sha256 is null then 'reference' else 'ledger' end as source_type,
    coalesce(
        versions.file_name,
        'dbt_project/seeds/reference/gso_admin_units.csv'
    ) as file_name,
    versions.workbook_sha256,
    versions.received_at,
    versions.archive_path,
    expected.district_code,
    sel.quarter as source_quarter,
    cast(null as varchar) as sheet_name,
    cast(null as integer) as excel_row,
    'district ' || expected.district_code || ' ' || coalesce(expected.district_name, '')
        || coalesce(': version ' || versions.status, ': nothing received') as item,
    case when versions.workbook_sha256 is not null then [
        {{'field': 'received_at', 'cell': cast(null as varchar),
          'value': cast(versions.received_at as varchar)}},
        {{'field': 'received_basis', 'cell': cast(null as varchar),
          'value': versions.received_basis}},
        {{'field': 'status', 'cell': cast(null as varchar), 'value': versions.status}},
        {{'field': 'quarter end', 'cell': cast(null as varchar),
          'value': cast(expected.last_day as varchar)}}
    ] end as cells,
    case when versions.workbook_sha256 is not null then 1 else 0 end as version,
    case when versions.status = 'accepted' then 1 else 0 end as accepted_version,
    case when versions.workbook_sha256 is not null and versions.status <> 'accepted'
        then 1 else 0 end as rejected,
    case when versions.status = 'accepted' then
        date_diff('day', cast(expected.last_day as timestamp),
                  cast(versions.received_at as timestamp))
    end as days
from expected
cross join sel
left join versions
    on expected.district_code = versions.district_code
order by expected.district_code, versions.received_at, versions.workbook_sha256
"""

TERMS = ("version", "accepted_version", "rejected", "days")


def _districts(agg):
    return agg.by("district_code").values()


def _accepted_days(district) -> int | None:
    days = [r["days"] for r in district.rows if r["accepted_version"] and r["days"] is not None]
    return min(days) if days else None


def _on_time(agg) -> int:
    limit = agg.context.get("on_time_days")
    return sum(
        1
        for d in _districts(agg)
        if (days := _accepted_days(d)) is not None and limit is not None and days <= limit
    )


def _expected(agg) -> int:
    return len(agg.by("district_code"))


def _accepted(agg) -> int:
    return sum(1 for d in _districts(agg) if d.total("accepted_version", empty=0) > 0)


def _days(agg):
    values = [v for d in _districts(agg) if (v := _accepted_days(d)) is not None]
    return max(values) if values else None


def _measure(label_en, label_vi, formula, compute, kind="count") -> Measure:
    return Measure(label_en, label_vi, formula, VERSION_ROWS, TERMS, compute, kind)


RECIPE = Recipe(
    view="rpt_reporting_status",
    keys=("quarter", "province_code", "district_code"),
    measures={
        "expected": _measure(
            "Workbooks expected",
            "Số báo cáo phải nộp",
            "count of districts of the area on the reporting calendar (GSO units valid on the "
            "quarter's last day)",
            _expected,
        ),
        "received": _measure(
            "Districts that sent at least one version",
            "Số báo cáo đã nhận",
            "count of expected districts with at least one version received (accepted or not)",
            lambda agg: sum(1 for d in _districts(agg) if d.total("version", empty=0) > 0),
        ),
        "accepted": _measure(
            "Districts with an accepted version",
            "Số báo cáo hợp lệ",
            "count of expected districts with at least one accepted version",
            _accepted,
        ),
        "rejected_versions": _measure(
            "Versions rejected",
            "Số lần bị trả lại",
            "count of received versions whose status is not accepted",
            lambda agg: agg.total("rejected", empty=0),
        ),
        **coverage_measures(),
        "days_after_quarter_end": _measure(
            "Days from the quarter's end to the first accepted version",
            "Số ngày sau kỳ báo cáo",
            "date_diff('day', quarter's last day, received time of the district's first accepted "
            "version); the province row takes the latest district (max)",
            _days,
            kind="difference",
        ),
        "completeness_pct": _measure(
            "Completeness (%)",
            "Tỷ lệ đầy đủ (%)",
            "round(100 × accepted districts / expected districts, 2)",
            lambda agg: agg.round(agg.div(100 * _accepted(agg), _expected(agg)), 2),
            kind="ratio",
        ),
        "timeliness_pct": _measure(
            "Timeliness (%)",
            "Tỷ lệ đúng hạn (%)",
            "round(100 × districts accepted within on_time_days days of the quarter's end / "
            "expected districts, 2); on_time_days as compiled into the view (NTM_ON_TIME_DAYS)",
            lambda agg: agg.round(agg.div(100 * _on_time(agg), _expected(agg)), 2),
            kind="ratio",
        ),
    },
)
