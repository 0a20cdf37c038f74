"""Sitzungen planen, Einladungen, Statusberichte

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

Sitzungen aus dem Rhythmus (geplant_am, eindeutig je Gremium), Kalender-SEQUENCE,
Einladungen als Kalenderteil der Outbox, Statusberichte als Zeilen.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import modelle.typen


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('statusbericht',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('schluessel', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('gremium_id', sa.Integer(), nullable=False),
    sa.Column('sitzung_id', sa.Integer(), nullable=True),
    sa.Column('anlass', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('erstellt_am', modelle.typen.UTCZeit(timezone=True), nullable=False),
    sa.Column('seit', modelle.typen.UTCZeit(timezone=True), nullable=True),
    sa.Column('betreff', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('html', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['gremium_id'], ['gremium.id'], ),
    sa.ForeignKeyConstraint(['sitzung_id'], ['sitzung.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('schluessel')
    )
    with op.batch_alter_table('statusbericht', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statusbericht_erstellt_am'), ['erstellt_am'], unique=False)
        batch_op.create_index(batch_op.f('ix_statusbericht_gremium_id'), ['gremium_id'], unique=False)

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kalender', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('kalender_methode', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True))
        batch_op.add_column(sa.Column('statusbericht_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_outbox_statusbericht', 'statusbericht', ['statusbericht_id'], ['id'])

    with op.batch_alter_table('sitzung', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dauer_minuten', sa.Integer(), nullable=False, server_default='120'))
        batch_op.add_column(sa.Column('geplant_am', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('hinweis', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('sequenz', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('eingeladen_sequenz', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint('uq_sitzung_gremium_geplant', ['gremium_id', 'geplant_am'])

    with op.batch_alter_table('tagesordnungspunkt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('beschreibung', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''))
        batch_op.create_unique_constraint('uq_top_sitzung_nummer', ['sitzung_id', 'nummer'])



def downgrade() -> None:
    with op.batch_alter_table('tagesordnungspunkt', schema=None) as batch_op:
        batch_op.drop_constraint('uq_top_sitzung_nummer', type_='unique')
        batch_op.drop_column('beschreibung')

    with op.batch_alter_table('sitzung', schema=None) as batch_op:
        batch_op.drop_constraint('uq_sitzung_gremium_geplant', type_='unique')
        batch_op.drop_column('eingeladen_sequenz')
        batch_op.drop_column('sequenz')
        batch_op.drop_column('hinweis')
        batch_op.drop_column('geplant_am')
        batch_op.drop_column('dauer_minuten')

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint('fk_outbox_statusbericht', type_='foreignkey')
        batch_op.drop_column('statusbericht_id')
        batch_op.drop_column('kalender_methode')
        batch_op.drop_column('kalender')

    with op.batch_alter_table('statusbericht', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statusbericht_gremium_id'))
        batch_op.drop_index(batch_op.f('ix_statusbericht_erstellt_am'))

    op.drop_table('statusbericht')
