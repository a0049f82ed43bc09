"""reporting.rpt_workbook_audit: what the warehouse recorded about each file it received
(raw.workbook_versions), every arrival of its bytes (raw.arrivals) and the findings of its
validation (raw.rejections)."""

from __future__ import annotations

from warehouse.trace_recipes._base import Measure, Recipe

LEDGER_COLUMNS = """
    'ledger' as source_type,
    v.file_name,
    v.workbook_sha256,
    v.received_at,
    v.archive_path,
    v.district_code,
    v.quarter as source_quarter
"""

VERSION_ROW = f"""
select
    {LEDGER_COLUMNS},
    cast(null as varchar) as sheet_name,
    cast(null as integer) as excel_row,
    'raw.workbook_versions' as item,
    [{{'field': 'file_size_bytes', 'cell': cast(null as varchar),
      'value': cast(v.file_size_bytes as varchar)}}] as cells,
    v.file_size_bytes
from staging.stg_raw__workbook_versions as v
where v.workbook_sha256 = cast($workbook_sha256 as varchar)
"""

FINDING_ROWS = f"""
select
    {LEDGER_COLUMNS},
    r.sheet_name,
    r.excel_row,
    r.rule_id || ' ' || r.severity || ': ' || r.message_en as item,
    [{{'field': coalesce(r.column_name, ''), 'cell': r.cell_ref, 'value': r.cell_value}}] as cells,
    1 as finding
from staging.stg_raw__rejections as r
inner join staging.stg_raw__workbook_versions as v
    on r.workbook_sha256 = v.workbook_sha256
where r.workbook_sha256 = cast($workbook_sha256 as varchar)
  and {{severity}}
order by r.sheet_name, r.excel_row, r.cell_ref
"""

VERSION_ROWS = f"""
with me as (
    select * from staging.stg_raw__workbook_versions
    where workbook_sha256 = cast($workbook_sha256 as varchar)
)
select
    {LEDGER_COLUMNS},
    cast(null as varchar) as sheet_name,
    cast(null as integer) as excel_row,
    'version received ' || cast(v.received_at as varchar) || ' (' || v.status || ')' as item,
    [{{'field': 'received_at', 'cell': cast(null as varchar),
      'value': cast(v.received_at as varchar)}},
     {{'field': 'received_basis', 'cell': cast(null as varchar),
      'value': v.received_basis}}] as cells,
    1 as version
from staging.stg_raw__workbook_versions as v
inner join me
    on v.province_code is not distinct from me.province_code
    and v.district_code is not distinct from me.district_code
    and v.quarter is not distinct from me.quarter
where (v.received_at, v.file_modified_at, v.file_name, v.workbook_sha256)
    <= (me.received_at, me.file_modified_at, me.file_name, me.workbook_sha256)
order by v.received_at, v.file_modified_at, v.file_name, v.workbook_sha256
"""

# One row per arrival of the version's bytes (raw.arrivals; a version loaded before arrivals were
# recorded arrived once, as int_workbook_arrivals says).
ARRIVAL_ROWS = f"""
select
    {LEDGER_COLUMNS},
    cast(null as varchar) as sheet_name,
    cast(null as integer) as excel_row,
    'arrived ' || cast(a.arrived_at as varchar) || ' as ' || a.file_name as item,
    [{{'field': 'arrived_at', 'cell': cast(null as varchar),
      'value': cast(a.arrived_at as varchar)}},
     {{'field': 'file_name', 'cell': cast(null as varchar), 'value': a.file_name}},
     {{'field': 'received_basis', 'cell': cast(null as varchar),
      'value': a.received_basis}}] as cells,
    1 as arrival
from intermediate.int_workbook_arrivals as a
inner join staging.stg_raw__workbook_versions as v
    on a.workbook_sha256 = v.workbook_sha256
where a.workbook_sha256 = cast($workbook_sha256 as varchar)
order by a.arrival_number
"""

RECIPE = Recipe(
    view="rpt_workbook_audit",
    keys=("workbook_sha256",),
    measures={
        "file_size_bytes": Measure(
            "File size (bytes)",
            "Dung lượng (byte)",
            "the size recorded when the file was received (raw.workbook_versions)",
            VERSION_ROW,
            ("file_size_bytes",),
            lambda agg: agg.total("file_size_bytes"),
            "lookup",
        ),
        "error_count": Measure(
            "Errors found by validation",
            "Số lỗi",
            "count of the version's findings of severity error (raw.rejections)",
            FINDING_ROWS.replace("{severity}", "r.severity = 'error'"),
            ("finding",),
            lambda agg: agg.total("finding", empty=0),
            "count",
        ),
        "warning_count": Measure(
            "Warnings found by validation",
            "Số cảnh báo",
            "count of the version's findings of another severity than error (raw.rejections)",
            FINDING_ROWS.replace("{severity}", "r.severity <> 'error'"),
            ("finding",),
            lambda agg: agg.total("finding", empty=0),
            "count",
        ),
        "version_number": Measure(
            "Submission number",
            "Lần nộp",
            "count of the versions received for the same (province, district, quarter) up to "
            "and including this one, ordered by received time, file time, file name, sha256",
            VERSION_ROWS,
            ("version",),
            lambda agg: agg.total("version", empty=0),
            "rank",
        ),
        "arrival_count": Measure(
            "Times received",
            "Số lần nhận",
            "count of the arrivals of the version's bytes in the landing folder (raw.arrivals: "
            "a re-sent or re-touched file is an arrival of its own)",
            ARRIVAL_ROWS,
            ("arrival",),
            lambda agg: agg.total("arrival", empty=0),
            "count",
        ),
    },
)
