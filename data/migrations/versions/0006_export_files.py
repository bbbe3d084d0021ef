"""export files: what an export job made, for the user who started it

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "export_files",
        sa.Column("job_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("what", sa.String(length=200), nullable=False),
        sa.Column("agency_ids", sa.Text(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("job_id"),
    )
    op.create_index("ix_export_files_owner_id", "export_files", ["owner_id"])
    op.create_index("ix_export_files_created_at", "export_files", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_export_files_created_at", table_name="export_files")
    op.drop_index("ix_export_files_owner_id", table_name="export_files")
    op.drop_table("export_files")
