"""Teilnehmerseiten: persönliche Links (nur Hashes), Fristanträge, Erledigungsnotizen, Zu- und Absagen

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import modelle.typen


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_ZEIT = modelle.typen.UTCZeit(timezone=True)
_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table('teilnahmelink',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', _TEXT(length=64), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('erstellt_am', _ZEIT, nullable=False),
    sa.Column('widerrufen_am', _ZEIT, nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )

    op.create_table('fristantrag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('aufgabe_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('alte_frist', sa.Date(), nullable=False),
    sa.Column('frist', sa.Date(), nullable=False),
    sa.Column('begruendung', _TEXT(length=1000), nullable=False),
    sa.Column('gestellt_am', _ZEIT, nullable=False),
    sa.Column('status', _TEXT(length=20), nullable=False),
    sa.Column('entschieden_am', _ZEIT, nullable=True),
    sa.Column('entschieden_von_id', sa.Integer(), nullable=True),
    sa.Column('antwort', _TEXT(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['aufgabe_id'], ['aufgabe.id'], ),
    sa.ForeignKeyConstraint(['entschieden_von_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('fristantrag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fristantrag_aufgabe_id'), ['aufgabe_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fristantrag_status'), ['status'], unique=False)

    op.create_table('erledigungsnotiz',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('aufgabe_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('notiz', _TEXT(length=1000), nullable=False),
    sa.Column('am', _ZEIT, nullable=False),
    sa.ForeignKeyConstraint(['aufgabe_id'], ['aufgabe.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('aufgabe_id')
    )

    op.create_table('sitzungsantwort',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sitzung_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('antwort', _TEXT(length=10), nullable=False),
    sa.Column('beantwortet_am', _ZEIT, nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['sitzung_id'], ['sitzung.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sitzung_id', 'person_id', name='uq_sitzungsantwort_person')
    )
    with op.batch_alter_table('sitzungsantwort', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sitzungsantwort_sitzung_id'), ['sitzung_id'], unique=False)


def downgrade() -> None:
    op.drop_table('sitzungsantwort')
    op.drop_table('erledigungsnotiz')
    op.drop_table('fristantrag')
    op.drop_table('teilnahmelink')
