"""Versand: Anspruch mit Halter, erneut eingereiht, angehaltener Versand

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28

Der Anspruch auf eine Outbox-Zeile nennt seinen Halter (``beansprucht_von``) und wird
laufend verlängert; ``eingereiht_am`` merkt, wann eine Mail von Hand erneut eingereiht
wurde; ``versandpause`` hält den Versand an, wenn der Server jede Mail gleich abweist.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import modelle.typen


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('beansprucht_von', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True))
        batch_op.add_column(sa.Column('eingereiht_am', modelle.typen.UTCZeit(timezone=True), nullable=True))

    op.create_table('versandpause',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seit', modelle.typen.UTCZeit(timezone=True), nullable=False),
    sa.Column('grund', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('versuche', sa.Integer(), nullable=False),
    sa.Column('naechster_versuch', modelle.typen.UTCZeit(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('versandpause')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('eingereiht_am')
        batch_op.drop_column('beansprucht_von')
