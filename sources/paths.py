"""Where the repository keeps its dbt project and reference facts (dbt seeds), found from the
installed package, and the dbt that runs the project."""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds" / "reference"
ADMIN_UNITS_SEED = SEEDS_DIR / "gso_admin_units.csv"
# the two-tier units from 2025-07-01 and the old → current conversion (`ntm regenerate-units`)
UNITS_2025_SEED = SEEDS_DIR / "admin_units_2025.csv"
CONVERSION_2025_SEED = SEEDS_DIR / "admin_unit_conversion_2025.csv"
CRITERIA_SEED = SEEDS_DIR / "criteria.csv"
CLASSIFICATION_SEED = SEEDS_DIR / "commune_classification.csv"
POOR_DISTRICTS_SEED = SEEDS_DIR / "programme_30a_districts.csv"
PUBLISHED_FIGURES_SEED = SEEDS_DIR / "published_figures.csv"
# The schema of the views the warehouse publishes (dbt_project.yml: models/reporting +schema).
REPORTING_SCHEMA = "reporting"


def venv_command(name: str) -> str:
    """A command installed next to this interpreter (works without an activated virtualenv),
    else the one on the PATH."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def dbt_executable() -> str:
    """The dbt that runs the project: this environment's."""
    return venv_command("dbt")
