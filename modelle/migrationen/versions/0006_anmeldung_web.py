"""Anmeldung an den Webseiten: Anmeldelinks und Websitzungen (nur Hashes der Tokens)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import modelle.typen


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def _tabelle(name: str, ende: str) -> None:
    op.create_table(name,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('erstellt_am', modelle.typen.UTCZeit(timezone=True), nullable=False),
    sa.Column('gueltig_bis', modelle.typen.UTCZeit(timezone=True), nullable=False),
    sa.Column(ende, modelle.typen.UTCZeit(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{name}_person_id'), ['person_id'], unique=False)


def upgrade() -> None:
    _tabelle('anmeldelink', 'eingeloest_am')
    _tabelle('websitzung', 'beendet_am')


def downgrade() -> None:
    op.drop_table('websitzung')
    op.drop_table('anmeldelink')
