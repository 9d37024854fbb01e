"""staff ui: the name's reading on cases (kana search); dashboard indexes declared on work_item

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 03:45:00.000000

The dashboard indexes (ix_work_item_dept_task, ix_work_item_dept_age, ix_work_item_done)
moved from models/worklist_indexes.py into models/work_item.py under the same names: the
schema does not change for that, migration 0004 still creates them.

A plain ALTER TABLE on both backends (no batch copy of the table on SQLite: dropping the
filled cases table would fail its foreign keys).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('cases', sa.Column('subject_kana', sa.String(length=120), server_default='', nullable=False))


def downgrade():
    op.drop_column('cases', 'subject_kana')
