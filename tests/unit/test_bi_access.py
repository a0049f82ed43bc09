"""BI tools reflect columns through SQLAlchemy + duckdb-engine, which failed with SQLAlchemy 2.1 and
works with 2.0.x: the pin `sqlalchemy<2.1` holds (the reflection itself: e2e/test_bi_access.py)."""

from __future__ import annotations


def test_sqlalchemy_is_the_pinned_series():
    import sqlalchemy

    major, minor = (int(part) for part in sqlalchemy.__version__.split(".")[:2])
    assert (major, minor) == (2, 0), sqlalchemy.__version__
