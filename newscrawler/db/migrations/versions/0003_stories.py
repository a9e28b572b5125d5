"""stories: articles.story_id, the stories table and the story candidate index

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("story_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_articles_story_id"), ["story_id"], unique=False)

    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("article_count", sa.Integer(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stories_first_seen_at"), ["first_seen_at"])
        batch_op.create_index(batch_op.f("ix_stories_last_seen_at"), ["last_seen_at"])

    op.create_table(
        "story_signals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("keys", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["story_id"], ["stories.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("story_signals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_story_signals_story_id"), ["story_id"])
        batch_op.create_index(batch_op.f("ix_story_signals_seen_at"), ["seen_at"])

    op.create_table(
        "story_keys",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signal_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["signal_id"], ["story_signals.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key", "seen_at", "signal_id"),
    )
    with op.batch_alter_table("story_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_story_keys_signal_id"), ["signal_id"])


def downgrade() -> None:
    op.drop_table("story_keys")
    op.drop_table("story_signals")
    op.drop_table("stories")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_story_id"))
        batch_op.drop_column("story_id")
