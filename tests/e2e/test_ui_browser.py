"""The Dagster UI tells the story: a real webserver on a free port, opened in headless Chromium.

Uses the session's demo warehouse (its Dagster instance holds the run). The screenshot of the
asset lineage is kept under test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sources.paths import REPO_ROOT
from tests.support.network import free_port

ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=20000",
]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("Chromium is not installed: `make test` installs Debian's chromium")
    return found


@pytest.fixture(scope="module")
def webserver(demo_run, tmp_path_factory):
    settings, _ = demo_run
    port = free_port()
    env = {**os.environ, "NTM_HOME": str(settings.home), "DAGSTER_HOME": str(settings.dagster_home)}
    log = tmp_path_factory.mktemp("ui") / "webserver.log"
    webserver_bin = Path(sys.executable).parent / "dagster-webserver"
    with log.open("w") as handle:
        process = subprocess.Popen(
            [
                str(webserver_bin),
                "-w",
                str(REPO_ROOT / "workspace.yaml"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
            ],
            env=env,
            cwd=settings.home,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/server_info", timeout=2):
                    break
            except OSError:
                time.sleep(1)
        else:
            pytest.fail(f"webserver did not start: {log.read_text()[-2000:]}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _render(url: str, profile: Path, *extra: str) -> str:
    result = subprocess.run(
        [_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "/assets/raw/workbook_versions",
            ["workbook_versions", "ingest_district_workbooks", "Latest materialization", "ingest"],
        ),
        (
            "/assets/reporting/rpt_attainment",
            ["rpt_attainment", "Latest materialization", "Checks"],
        ),
        ("/assets/published/warehouse", ["warehouse", "Latest materialization", "publish"]),
    ],
)
def test_asset_pages_show_assets_and_latest_materializations(webserver, tmp_path, path, expected):
    dom = _render(webserver + path, tmp_path / "profile", "--dump-dom")
    missing = [text for text in expected if text not in dom]
    assert missing == [], f"{path} does not show {missing}"


def test_lineage_screenshot(webserver, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "asset-lineage.png"
    target.unlink(missing_ok=True)
    _render(
        webserver + "/asset-groups",
        tmp_path / "profile",
        "--window-size=1600,1000",
        f"--screenshot={target}",
    )
    assert target.exists() and target.stat().st_size > 20_000
    dom = _render(webserver + "/asset-groups", tmp_path / "profile2", "--dump-dom")
    for group in ("ingest", "warehouse", "publish"):
        assert group in dom
