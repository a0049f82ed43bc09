"""Blocking Great Expectations checks on the reporting views: broken marts are never published."""

import dagster as dg

from orchestration.defs.dbt.assets import REPORTING_VIEW_KEYS
from orchestration.defs.resources import ExpectationsResource, WarehouseHome
from sources.markdown import markdown_table
from warehouse.locks import wait_until_free

CHECK_NAME = "great_expectations"


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            CHECK_NAME,
            asset=key,
            blocking=True,
            description="Great Expectations checkpoint: percentages within 0-100, counts within "
            "their denominators, poor + near-poor ≤ households, shares summing to 100, province "
            "row = sum of its districts.",
        )
        for key in REPORTING_VIEW_KEYS
    ],
    can_subset=True,
)
def reporting_expectations(
    context: dg.AssetCheckExecutionContext,
    warehouse: WarehouseHome,
    expectations: ExpectationsResource,
):
    settings = warehouse.settings
    selected = [key.asset_key for key in context.selected_asset_check_keys]
    # A build another process writes is waited for here, where the wait is logged in the run.
    wait_until_free(
        settings.build_db,
        read_only=True,
        timeout_s=settings.lock_timeout_seconds,
        log=context.log.warning,
    )
    results = expectations.worker.validate(
        settings.build_db,
        settings.home / "great_expectations",
        views=[key.path[-1] for key in selected],
        lock_timeout_s=settings.lock_timeout_seconds,
    )
    docs = settings.home / "great_expectations" / "gx" / "uncommitted" / "data_docs"
    for key in selected:
        result = results.get(key.path[-1])
        if result is None:
            yield dg.AssetCheckResult(
                asset_key=key,
                check_name=CHECK_NAME,
                passed=False,
                metadata={"reason": "view missing from the build"},
            )
            continue
        table = markdown_table(
            ("suite", "expectation", "column", "unexpected", "examples"),
            [
                (f["suite"], f["expectation"], f["column"], f["unexpected_count"], f["examples"])
                for f in result.failures
            ],
        )
        yield dg.AssetCheckResult(
            asset_key=key,
            check_name=CHECK_NAME,
            passed=result.success,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "expectations": result.evaluated,
                "failed": len(result.failures),
                "failures": dg.MetadataValue.md(table if result.failures else "none"),
                "data_docs": dg.MetadataValue.path(str(docs / "local_site" / "index.html")),
            },
        )


defs = dg.Definitions(asset_checks=[reporting_expectations])
