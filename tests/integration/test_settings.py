"""One Settings object, resolved at the top: the command line (`load_settings`, from the
environment) and the Dagster code location (`WarehouseHome`, from `dg.EnvVar`) agree, and nothing
writes the environment or reads the settings at import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import fields

import dagster as dg
import pytest

from ntm.settings import load_settings
from orchestration.defs.resources import RESOURCE_VARIABLES, WarehouseHome
from sources.guards import GUARD_VARIABLES, GuardLimits
from warehouse.settings import VARIABLES, Settings, settings_from

ENVIRONMENT = {
    "NTM_HOME": "/tmp/ntm-settings-home",
    "DAGSTER_HOME": "/tmp/ntm-settings-dagster",
    "NTM_SCHEDULE_DAYS_AFTER_QUARTER": "20",
    "NTM_ON_TIME_DAYS": "30",
    "NTM_REPORTING_UNTIL": "2026q3",
    "NTM_LOCK_TIMEOUT_SECONDS": "7",
    "NTM_DUCKDB_MEMORY_LIMIT": "1GB",
    "NTM_GUARD_MAX_ROWS": "5000",
}


def _resolved(resource: WarehouseHome) -> Settings:
    """The resource's settings as a run sees them (Dagster resolves its dg.EnvVar fields)."""
    with dg.build_resources({"warehouse": resource}) as resources:
        return resources.warehouse.settings


def test_every_setting_has_its_variable_and_its_resource_field():
    setting_fields = {item.name for item in fields(Settings)}
    assert set(VARIABLES) == setting_fields - {"guard_limits"}  # guard_limits: GUARD_VARIABLES
    assert set(WarehouseHome.model_fields) == set(RESOURCE_VARIABLES)
    assert set(RESOURCE_VARIABLES.values()) == {*VARIABLES.values(), *GUARD_VARIABLES.values()}


def test_the_code_location_resolves_every_variable_as_the_command_line_does(monkeypatch):
    for name in RESOURCE_VARIABLES.values():
        monkeypatch.delenv(name, raising=False)
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    resource = WarehouseHome.from_environment()
    assert _resolved(resource) == load_settings() == settings_from(ENVIRONMENT)
    assert load_settings().on_time_days == 30 and load_settings().reporting_until == "2026Q3"
    assert load_settings().guard_limits.max_rows == 5000


def test_unset_variables_take_the_same_defaults_in_dagster(monkeypatch, tmp_path):
    for name in RESOURCE_VARIABLES.values():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # the default NTM_HOME, ./var, is relative to the current folder
    resource = WarehouseHome.from_environment()
    assert _resolved(resource) == load_settings() == settings_from({})
    assert load_settings().home == tmp_path.resolve() / "var"


def test_a_runs_settings_reach_the_resource_and_dbt(ntm_home):
    """`ntm run` passes its Settings to the resources; dbt gets them as --vars."""
    from dataclasses import replace

    from orchestration.defs.dbt.assets import build_args

    settings = replace(
        ntm_home,
        on_time_days=30,
        reporting_until="2026Q3",
        guard_limits=GuardLimits(max_file_bytes=60_000),
    )
    assert _resolved(WarehouseHome.of(settings)) == settings
    dbt_vars = json.loads(build_args(settings)[-1])
    assert dbt_vars["on_time_days"] == 30 and dbt_vars["reporting_until"] == "2026Q3"
    assert dbt_vars["build_db"] == str(ntm_home.build_db)


def test_invalid_settings_fail_in_both_tops(monkeypatch):
    monkeypatch.setenv("NTM_ON_TIME_DAYS", "-1")
    with pytest.raises(ValueError, match="NTM_ON_TIME_DAYS"):
        load_settings()
    with pytest.raises(ValueError, match="NTM_ON_TIME_DAYS"):
        WarehouseHome.from_environment().settings_now()


def test_importing_and_loading_the_definitions_leaves_the_environment_unchanged():
    """In a fresh interpreter: no module of ours writes os.environ, at import or when Dagster
    loads the code location. (pandera sets two variables of its own at import: SPARK_LOCAL_IP and
    PYARROW_IGNORE_TIMEZONE; it is imported first.)"""
    script = (
        "import os\n"
        "import pandera\n"
        "before = dict(os.environ)\n"
        "import orchestration.definitions as location\n"
        "imported = dict(os.environ)\n"
        "location.defs()\n"
        "print(before == imported == dict(os.environ))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES.values()}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr[-2000:]
