"""reporting.rpt_workbook_audit: what the warehouse recorded about each file it received
(raw.workbook_versions), every arrival of its bytes (raw.arrivals) and the findings of its
validation (raw.rejections). A row is one version: no area is selected."""

from __future__ import annotations

from dataclasses import replace

from warehouse.trace_recipes.engine import (
    Measure,
    Recipe,
    Source,
    count,
    ledger_cell,
    ledger_origin,
    lookup,
)

THIS_VERSION = "v.workbook_sha256 = cast($workbook_sha256 as varchar)"
VERSIONS = "staging.stg_raw__workbook_versions as v"

VERSION = Source(
    name="version",
    relation=VERSIONS,
    origin=ledger_origin("v"),
    district="v.district_code",
    quarter="v.quarter",
    item="'raw.workbook_versions'",
    cells={"file_size_bytes": ledger_cell("file_size_bytes", "v.file_size_bytes")},
    terms={"file_size_bytes": "v.file_size_bytes"},
    where=THIS_VERSION,
)

FINDINGS = replace(
    VERSION,
    name="findings",
    relation="staging.stg_raw__rejections as r\ninner join staging.stg_raw__workbook_versions as v"
    "\n    on r.workbook_sha256 = v.workbook_sha256",
    sheet="r.sheet_name",
    excel_row="r.excel_row",
    item="r.rule_id || ' ' || r.severity || ': ' || r.message_en",
    cells={
        "finding": "{'field': coalesce(r.column_name, ''), 'cell': r.cell_ref, "
        "'value': r.cell_value}"
    },
    terms={"finding": "1"},
    order="r.sheet_name, r.excel_row, r.cell_ref",
)

# The versions received for the same (province, district, quarter) up to this one.
EARLIER_VERSIONS = replace(
    VERSION,
    name="earlier",
    relation=f"""{VERSIONS}
inner join staging.stg_raw__workbook_versions as me
    on v.province_code is not distinct from me.province_code
    and v.district_code is not distinct from me.district_code
    and v.quarter is not distinct from me.quarter""",
    item="'version received ' || cast(v.received_at as varchar) || ' (' || v.status || ')'",
    cells={
        "received_at": ledger_cell("received_at", "v.received_at"),
        "received_basis": ledger_cell("received_basis", "v.received_basis"),
    },
    terms={"version": "1"},
    where="me.workbook_sha256 = cast($workbook_sha256 as varchar) "
    "and (v.received_at, v.file_modified_at, v.file_name, v.workbook_sha256) "
    "<= (me.received_at, me.file_modified_at, me.file_name, me.workbook_sha256)",
    order="v.received_at, v.file_modified_at, v.file_name, v.workbook_sha256",
)

# One row per arrival of the version's bytes (raw.arrivals; a version loaded before arrivals were
# recorded arrived once, as int_workbook_arrivals says).
ARRIVALS = replace(
    VERSION,
    name="arrivals",
    relation="intermediate.int_workbook_arrivals as a\ninner join "
    "staging.stg_raw__workbook_versions as v\n    on a.workbook_sha256 = v.workbook_sha256",
    item="'arrived ' || cast(a.arrived_at as varchar) || ' as ' || a.file_name",
    cells={
        "arrived_at": ledger_cell("arrived_at", "a.arrived_at"),
        "file_name": ledger_cell("file_name", "a.file_name"),
        "received_basis": ledger_cell("received_basis", "a.received_basis"),
    },
    terms={"arrival": "1"},
    order="a.arrival_number",
)


def findings(label_en: str, label_vi: str, formula: str, severity: str) -> Measure:
    return Measure(
        label_en, label_vi, formula, (FINDINGS.read("finding", where=severity),), count("finding")
    )


RECIPE = Recipe(
    view="rpt_workbook_audit",
    keys=("workbook_sha256",),
    selection=None,
    measures={
        "file_size_bytes": Measure(
            "File size (bytes)",
            "Dung lượng (byte)",
            "the size recorded when the file was received (raw.workbook_versions)",
            (VERSION.read("file_size_bytes"),),
            lookup("file_size_bytes"),
        ),
        "error_count": findings(
            "Errors found by validation",
            "Số lỗi",
            "count of the version's findings of severity error (raw.rejections)",
            "r.severity = 'error'",
        ),
        "warning_count": findings(
            "Warnings found by validation",
            "Số cảnh báo",
            "count of the version's findings of another severity than error (raw.rejections)",
            "r.severity <> 'error'",
        ),
        "version_number": Measure(
            "Submission number",
            "Lần nộp",
            "count of the versions received for the same (province, district, quarter) up to "
            "and including this one, ordered by received time, file time, file name, sha256",
            (EARLIER_VERSIONS.read("received_at", "received_basis"),),
            replace(count("version"), kind="rank"),
        ),
        "arrival_count": Measure(
            "Times received",
            "Số lần nhận",
            "count of the arrivals of the version's bytes in the landing folder (raw.arrivals: "
            "a re-sent or re-touched file is an arrival of its own)",
            (ARRIVALS.read("arrived_at", "file_name", "received_basis"),),
            count("arrival"),
        ),
    },
)
