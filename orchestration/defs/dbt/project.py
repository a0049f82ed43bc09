"""The dbt project, described once. The manifest is prepared at build time (`make` runs
`ntm prepare`, tests run it in a session fixture), never parsed at import."""

from __future__ import annotations

from dagster_dbt import DbtProject

from sources.paths import DBT_PROJECT_DIR

ntm_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
