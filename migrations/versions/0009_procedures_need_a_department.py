"""procedures: one that accepts applications must have a reviewing department

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 17:30:00.000000

A procedure without a department routed its review task to department_id NULL, a work item
in no clerk's, supervisor's or admin's queue (the demo's 粗大ごみ収集申込, SODAI_GOMI). From
now on the catalogue refuses such a procedure and Procedure.accepting() is False for it.

Existing rows: every active procedure without a department that has an accepting channel
**stops accepting** (active = false). The migration does not choose a department for it:
which section reviews a procedure is an organisational decision, and a guessed one would put
applications into the wrong queue. An administrator gives it its department on the procedure
form and makes it active again (the demo's `seed-demo` does this for SODAI_GOMI: 区民課).
Downgrading does not reopen them (the upgrade cannot tell them from others closed by hand).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

procedure = sa.table('procedure', sa.column('id', sa.Integer), sa.column('active', sa.Boolean),
                     sa.column('department_id', sa.Integer), sa.column('channels', sa.JSON))


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(sa.select(procedure.c.id, procedure.c.channels).where(
        procedure.c.department_id.is_(None), procedure.c.active.is_(True))).all()
    closing = [row.id for row in rows if row.channels]
    if closing:
        connection.execute(procedure.update().where(procedure.c.id.in_(closing))
                           .values(active=False))


def downgrade():
    pass
