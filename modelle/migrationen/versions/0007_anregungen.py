"""Anregungen aus dem öffentlichen Formular der Webseiten; Index der offenen Aufgaben nach Frist

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import modelle.typen


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('anregung',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thema', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('adresse', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('eingegangen_am', modelle.typen.UTCZeit(timezone=True), nullable=False),
    sa.Column('aufgabe_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['aufgabe_id'], ['aufgabe.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('aufgabe', schema=None) as batch_op:
        batch_op.create_index('ix_aufgabe_offen_frist', ['frist', 'id'], unique=False,
                              sqlite_where=sa.text("status = 'offen'"), postgresql_where=sa.text("status = 'offen'"))


def downgrade() -> None:
    with op.batch_alter_table('aufgabe', schema=None) as batch_op:
        batch_op.drop_index('ix_aufgabe_offen_frist', sqlite_where=sa.text("status = 'offen'"),
                            postgresql_where=sa.text("status = 'offen'"))
    op.drop_table('anregung')
