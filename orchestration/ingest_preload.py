"""Imported once by the ingest's worker server (see ``orchestration.ingest_workers``): every
worker forked from it starts with the reading and validation code and the reference seed."""

from orchestration import ingest  # noqa: F401 - imported for the workers
from sources.reference import load_admin_units

load_admin_units()
