"""articles.minhash: each text's MinHash signature, so Dedup checks few candidates exactly

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

Rows stored before this revision have none; Dedup checks them exactly, as
before, until ``newscrawler db reband`` writes their signatures.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("minhash", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("minhash")
