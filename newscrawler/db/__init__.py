"""The SQL database: schema (models + Alembic migrations), engines, and the crawl's store."""

import logging

# Alembic announces each plugin it loads at INFO when first imported; keep
# crawl logs to what matters.
logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
