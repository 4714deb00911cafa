"""Run storage: SQLAlchemy 2 models, the run repository and Alembic migrations."""

from charter.engines.store.database import open_database
from charter.engines.store.runs import SqlRunStore

__all__ = ["SqlRunStore", "open_database"]
