"""Mailanhänge: Dateien und Bilder zu Mails (Kennzahlen der Einladung, Diagramme des Statusberichts)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28

Die Bytes entstehen beim Vormerken und stehen hier, damit jeder Versuch dieselbe Mail sendet.
Eine Zeile gehört einer Outbox-Zeile oder einem Statusbericht; beide löschen ihre Anhänge mit.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table('mailanhang',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('statusbericht_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('dateiname', _TEXT(length=200), nullable=False),
    sa.Column('mime_typ', _TEXT(length=100), nullable=False),
    sa.Column('content_id', _TEXT(length=200), nullable=True),
    sa.Column('inhalt', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['statusbericht_id'], ['statusbericht.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('mailanhang', schema=None) as batch_op:
        batch_op.create_index('ix_mailanhang_outbox_id', ['outbox_id'], unique=False)
        batch_op.create_index('ix_mailanhang_statusbericht_id', ['statusbericht_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('mailanhang', schema=None) as batch_op:
        batch_op.drop_index('ix_mailanhang_statusbericht_id')
        batch_op.drop_index('ix_mailanhang_outbox_id')
    op.drop_table('mailanhang')
