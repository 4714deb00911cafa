"""Engines: storage (SQLAlchemy + Alembic), keys, and later the Ibis scan engine."""
