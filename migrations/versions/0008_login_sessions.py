"""login sessions: one row per sign-in, so that signing out ends that session on the server

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 17:00:00.000000

Until now the signed cookie alone proved a sign-in (user id and session nonce), so a copy of
it kept working after sign-out for as long as the cookie was valid (8 hours). From this
revision on the cookie must also name a row of login_session, and sign-out deletes that row.
Cookies issued before the upgrade name no row: everyone signs in once more after it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_session',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('applicant_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(user_id IS NULL) <> (applicant_id IS NULL)', name=op.f('ck_login_session_one_owner')),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicant.id'], name=op.f('fk_login_session_applicant_id_applicant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_login_session_user_id_staff_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_session'))
    )
    op.create_index(op.f('ix_login_session_applicant_id'), 'login_session', ['applicant_id'], unique=False)
    op.create_index(op.f('ix_login_session_user_id'), 'login_session', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_login_session_user_id'), table_name='login_session')
    op.drop_index(op.f('ix_login_session_applicant_id'), table_name='login_session')
    op.drop_table('login_session')
