"""Trace recipes, one module per reporting view: the view's keys and, for each numeric column,
the formula and the SQL returning the contributing source rows (see _base.py)."""

from __future__ import annotations

from warehouse.trace_recipes import (
    attainment,
    criteria_progress,
    funding,
    poverty,
    reporting_status,
    targets,
    workbook_audit,
)
from warehouse.trace_recipes._base import Measure, Recipe

RECIPES: dict[str, Recipe] = {
    recipe.view: recipe
    for recipe in (
        attainment.RECIPE,
        criteria_progress.RECIPE,
        poverty.RECIPE,
        funding.RECIPE,
        reporting_status.RECIPE,
        targets.RECIPE,
        workbook_audit.RECIPE,
    )
}

__all__ = ["RECIPES", "Measure", "Recipe"]
