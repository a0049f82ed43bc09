"""The dbt project, described once, and prepared by dagster-dbt: its manifest is parsed at build
time (`ntm prepare`, run by `make install`: `dagster-dbt project prepare-and-package`) and again
at load under `dagster dev` (`prepare_if_dev`), so the UI picks up edited models. A parse opens no
database: it uses the profile's `parse` target, which needs no working area."""

from __future__ import annotations

from dagster_dbt import DbtProject

from sources.paths import DBT_PROJECT_DIR

ntm_dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    profiles_dir=DBT_PROJECT_DIR,
    prepare_project_cli_args=["parse", "--quiet", "--target", "parse"],
)
ntm_dbt_project.prepare_if_dev()
