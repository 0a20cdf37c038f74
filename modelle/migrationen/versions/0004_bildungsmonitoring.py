"""Bildungsmonitoring: Gebiete, Kennzahlen, Werte, Importe

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

Das Bildungsmonitoring: Gebiete (AGS, Schulen), Kennzahlen mit Zähler und Nenner, ihre
Werte je Gebiet, Zeitraum und Merkmal, die importierten Dateien (Prüfsumme) und die
Verknüpfung von Handlungsfeldern mit Kennzahlen.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import modelle.typen


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('datenimport',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('dateiname', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('format', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('quelle', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('tabelle', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('stand', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('importiert_am', modelle.typen.UTCZeit(timezone=True), nullable=False),
    sa.Column('zeilen', sa.Integer(), nullable=False),
    sa.Column('neu', sa.Integer(), nullable=False),
    sa.Column('geaendert', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sha256')
    )
    op.create_table('gebiet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('schluessel', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('ebene', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('ueber_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['ueber_id'], ['gebiet.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('schluessel')
    )
    with op.batch_alter_table('gebiet', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gebiet_ueber_id'), ['ueber_id'], unique=False)

    op.create_table('kennzahl',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('schluessel', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('art', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('zaehler', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('nenner', sqlmodel.sql.sqltypes.AutoString(length=600), nullable=True),
    sa.Column('nenner_teiler', sa.Integer(), nullable=False),
    sa.Column('bezugsgroesse', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('formel', sqlmodel.sql.sqltypes.AutoString(length=600), nullable=False),
    sa.Column('einheit', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('quelle', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('ebenen', sa.JSON(), nullable=False),
    sa.Column('bezugszeitraum', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('beschreibung', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('schluessel')
    )
    op.create_table('handlungsfeld_kennzahl',
    sa.Column('handlungsfeld_id', sa.Integer(), nullable=False),
    sa.Column('kennzahl_id', sa.Integer(), nullable=False),
    sa.Column('verknuepft_am', modelle.typen.UTCZeit(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['handlungsfeld_id'], ['handlungsfeld.id'], ),
    sa.ForeignKeyConstraint(['kennzahl_id'], ['kennzahl.id'], ),
    sa.PrimaryKeyConstraint('handlungsfeld_id', 'kennzahl_id')
    )
    op.create_table('kennzahlwert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kennzahl_id', sa.Integer(), nullable=False),
    sa.Column('gebiet_id', sa.Integer(), nullable=False),
    sa.Column('zeitraum', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('merkmal', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('wert', sa.Float(), nullable=True),
    sa.Column('zeichen', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
    sa.Column('kennzeichen', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gebiet_id'], ['gebiet.id'], ),
    sa.ForeignKeyConstraint(['import_id'], ['datenimport.id'], ),
    sa.ForeignKeyConstraint(['kennzahl_id'], ['kennzahl.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kennzahl_id', 'gebiet_id', 'zeitraum', 'merkmal', name='uq_kennzahlwert')
    )


def downgrade() -> None:
    op.drop_table('kennzahlwert')
    op.drop_table('handlungsfeld_kennzahl')
    op.drop_table('kennzahl')
    with op.batch_alter_table('gebiet', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gebiet_ueber_id'))

    op.drop_table('gebiet')
    op.drop_table('datenimport')
