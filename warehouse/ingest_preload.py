"""Imported once by the ingest's worker server (see ``warehouse.ingest_workers``): every
worker forked from it starts with the reading and validation code and the reference seed."""

from sources.reference import load_admin_units
from warehouse import ingest  # noqa: F401 - imported for the workers

load_admin_units()
