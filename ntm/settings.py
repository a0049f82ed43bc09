"""The one Settings object, read from the environment once (here, at the top) and passed down.

Everything a run writes lives under ``NTM_HOME`` (default ``./var``; its folders in
`warehouse.area`), Dagster's instance under ``$NTM_HOME/dagster`` unless DAGSTER_HOME is set. The
variables, their defaults and their validation are in `warehouse.settings`, which the Dagster
code location resolves the same way; this is the only module that reads the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from warehouse.settings import Settings, settings_from


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The Settings of this process's environment (or of ``environ``), paths made absolute."""
    return settings_from(os.environ if environ is None else environ)
