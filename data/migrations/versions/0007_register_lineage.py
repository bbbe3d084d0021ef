"""national services register: whole service names, the register's lineage per service, who owns an inventory

Revision ID: 0007
Revises: 0006

- services.name becomes TEXT: real registers hold names of up to about 450 characters, and a
  length limit must never refuse an agency's inventory.
- services.register_status, register_reason, project: the register's own status code, reason and
  project for the service (lineage, shown on the agency profile); services.not_applicable: the
  register says the service will not become an e-service (left out of the online-share denominator).
- responses.inventory_source: who wrote the inventory last, "register" or "respondent" (NULL: no
  inventory written yet, read as the respondent's); a register inventory counts without submission
  (docs/INTAKE.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("services") as batch:
        batch.alter_column("name", existing_type=sa.String(length=300), type_=sa.Text(), existing_nullable=False)
        batch.add_column(sa.Column("register_status", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("register_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("project", sa.Text(), nullable=True))
        batch.add_column(sa.Column("not_applicable", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("responses") as batch:
        batch.add_column(sa.Column("inventory_source", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("responses") as batch:
        batch.drop_column("inventory_source")
    with op.batch_alter_table("services") as batch:
        batch.drop_column("not_applicable")
        batch.drop_column("project")
        batch.drop_column("register_reason")
        batch.drop_column("register_status")
        # Names longer than the old limit are cut to fit: a downgrade cannot keep them whole.
        batch.alter_column("name", existing_type=sa.Text(), type_=sa.String(length=300), existing_nullable=False,
                           postgresql_using="left(name, 300)")
