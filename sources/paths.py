"""Where the repository keeps its reference facts (dbt seeds), found from the installed package."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds" / "reference"
ADMIN_UNITS_SEED = SEEDS_DIR / "gso_admin_units.csv"
CRITERIA_SEED = SEEDS_DIR / "ntm_criteria.csv"
CLASSIFICATION_SEED = SEEDS_DIR / "commune_classification.csv"
POOR_DISTRICTS_SEED = SEEDS_DIR / "programme_30a_districts.csv"
PUBLISHED_FIGURES_SEED = SEEDS_DIR / "published_figures.csv"
