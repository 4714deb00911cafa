"""Run storage: SQLAlchemy 2 models, the run and issue repositories, the hash-chained event
log and Alembic migrations (modules import what they need: opening the package costs
nothing)."""
