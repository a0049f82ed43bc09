"""The dbt project, described once, and prepared by dagster-dbt: its manifest is parsed at build
time (`ntm prepare`, run by `make install`: `dagster-dbt project prepare-and-package`) and again
at load under `dagster dev` (`prepare_if_dev`), so the UI picks up edited models.

The project's target is the profile's `parse` target, which opens no database and needs no
working area: that is all a preparation does. The builds name the `dev` target, which gets the
working area as --vars (orchestration.defs.resources.build_resources)."""

from __future__ import annotations

from dagster_dbt import DbtProject

from sources.paths import DBT_PROJECT_DIR

ntm_dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target="parse"
)
ntm_dbt_project.prepare_if_dev()
