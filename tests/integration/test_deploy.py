"""The multi-host configuration in deploy/: Dagster builds its instance against a real PostgreSQL
(a throwaway cluster), with the coordinator, launcher and pools deploy/README.md describes; the
workspace passes Dagster's schema. And the instance `ntm` writes for DAGSTER_PG_URL."""

from __future__ import annotations

import shutil
from dataclasses import replace

import dagster as dg
import pytest
import yaml
from dagster._core.workspace.config_schema import ensure_workspace_config

from ntm.runner import POSTGRES_STORAGE_BLOCK, dagster_yaml, ensure_dagster_home
from sources.paths import REPO_ROOT
from warehouse.settings import settings_from

DEPLOY = REPO_ROOT / "deploy"


def test_the_deployment_instance_builds_on_postgres(postgres, tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_PG_URL", postgres.create_database("deploy_instance"))
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(DEPLOY / "dagster.yaml", home / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
        assert type(instance.schedule_storage).__name__ == "PostgresScheduleStorage"
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        concurrency = instance.get_concurrency_config()
        assert concurrency.run_queue_config.max_concurrent_runs == 4
        (per_quarter,) = concurrency.run_queue_config.tag_concurrency_limits
        assert per_quarter["key"] == "dagster/partition" and per_quarter["limit"] == 1
        assert concurrency.pool_config.default_pool_limit == 1
        launcher = instance.run_launcher
        assert type(launcher).__name__ == "DockerRunLauncher"
        assert {"DAGSTER_PG_URL", "NTM_HOME"} <= set(launcher.env_vars)
        # The one-writer pool's limit is kept in PostgreSQL, for every host.
        instance.event_log_storage.initialize_concurrency_limit_to_default("duckdb_writer")
        info = instance.event_log_storage.get_concurrency_info("duckdb_writer")
        assert info.slot_count == 1


def test_the_deployment_workspace_loads_the_code_location_over_grpc():
    path = DEPLOY / "workspace.yaml"
    config = ensure_workspace_config(yaml.safe_load(path.read_text()), str(path))
    (entry,) = config["load_from"]
    assert entry["grpc_server"]["location_name"] == "ntm"
    assert "orchestration.definitions" in (DEPLOY / "README.md").read_text(encoding="utf-8")


def test_a_bad_dagster_pg_url_is_refused_without_repeating_it():
    with pytest.raises(ValueError, match="DAGSTER_PG_URL must be a PostgreSQL URL") as error:
        settings_from({"DAGSTER_PG_URL": "mysql://root:hunter2@db/dagster"})
    assert "hunter2" not in str(error.value)
    good = settings_from({"DAGSTER_PG_URL": "postgresql://root:hunter2@db:5432/dagster"})
    assert good.dagster_pg_url.endswith("@db:5432/dagster")
    assert "hunter2" not in repr(good)


def test_ntm_writes_postgres_storage_only_when_asked(tmp_path):
    plain = settings_from({"NTM_HOME": str(tmp_path / "a")})
    on_postgres = replace(plain, dagster_pg_url="postgresql://u:secret@db:5432/dagster")
    assert "storage:" not in yaml.safe_load(dagster_yaml(plain))
    config = yaml.safe_load(dagster_yaml(on_postgres))
    assert config["storage"] == {"postgres": {"postgres_url": {"env": "DAGSTER_PG_URL"}}}
    assert dagster_yaml(on_postgres).endswith(POSTGRES_STORAGE_BLOCK)
    # Written, then written again without PostgreSQL: the file follows the settings.
    written = ensure_dagster_home(on_postgres) / "dagster.yaml"
    assert "secret" not in written.read_text(encoding="utf-8")
    ensure_dagster_home(plain)
    assert "postgres" not in yaml.safe_load(written.read_text(encoding="utf-8")).get("storage", {})
