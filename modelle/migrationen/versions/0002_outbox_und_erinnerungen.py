"""Outbox und Erinnerungen

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

Die Outbox (Mails als Zeilen, geschrieben mit ihrem Anlass) und die Planung der
Erinnerungen an den Aufgaben (nächster Zeitpunkt, über einen Index gefunden).
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import modelle.typen


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('landkreis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('schluessel', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('anlass', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('vorlage', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('kontext', sa.JSON(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('empfaenger_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('empfaenger_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('aufgabe_id', sa.Integer(), nullable=True),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=250), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('versuche', sa.Integer(), nullable=False),
    sa.Column('naechster_versuch', modelle.typen.UTCZeit(timezone=True), nullable=False),
    sa.Column('beansprucht_bis', modelle.typen.UTCZeit(timezone=True), nullable=True),
    sa.Column('letzter_fehler', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('erstellt_am', modelle.typen.UTCZeit(timezone=True), nullable=False),
    sa.Column('gesendet_am', modelle.typen.UTCZeit(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['aufgabe_id'], ['aufgabe.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('schluessel')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_faellig', ['status', 'naechster_versuch'], unique=False)

    with op.batch_alter_table('aufgabe', schema=None) as batch_op:
        batch_op.add_column(sa.Column('naechste_erinnerung_am', modelle.typen.UTCZeit(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('letzte_erinnerung', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column('letzte_erinnerung_am', modelle.typen.UTCZeit(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('eskaliert_fuer_frist', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_aufgabe_naechste_erinnerung_am'), ['naechste_erinnerung_am'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('aufgabe', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aufgabe_naechste_erinnerung_am'))
        batch_op.drop_column('eskaliert_fuer_frist')
        batch_op.drop_column('letzte_erinnerung_am')
        batch_op.drop_column('letzte_erinnerung')
        batch_op.drop_column('naechste_erinnerung_am')

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_faellig')

    op.drop_table('outbox')
    op.drop_table('landkreis')
