"""Trace recipes, one module per reporting view: the view's keys and, for each numeric column,
a declared Measure (sources read, cells, filters, aggregation) that the engine (engine.py) turns
into the query of the contributing source rows and the recomputed figure."""

from __future__ import annotations

from warehouse.trace_recipes import (
    attainment,
    commune_status,
    criteria_progress,
    funding,
    poverty,
    reporting_status,
    targets,
    workbook_audit,
)
from warehouse.trace_recipes.engine import Recipe

RECIPES: dict[str, Recipe] = {
    recipe.view: recipe
    for recipe in (
        attainment.RECIPE,
        commune_status.RECIPE,
        criteria_progress.RECIPE,
        poverty.RECIPE,
        funding.RECIPE,
        reporting_status.RECIPE,
        targets.RECIPE,
        workbook_audit.RECIPE,
    )
}
