"""Erstes Schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-26

Das Schrittprotokoll ist nur anfügbar: Trigger weisen UPDATE und DELETE ab, auf SQLite
wie auf PostgreSQL. Eine entfernte Person wird anonymisiert, nicht gelöscht.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import modelle.typen


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('gremium',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kuerzel', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('ladungsfrist_tage', sa.Integer(), nullable=False),
    sa.Column('rhythmus', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kuerzel')
    )
    op.create_table('handlungsfeld',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('titel', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('beschreibung', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('zustand', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('zustand_seit', modelle.typen.UTCZeit(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('prozess_version', sa.Integer(), nullable=False),
    sa.Column('runde', sa.Integer(), nullable=False),
    sa.Column('zurueckgestellt_aus', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('angelegt_am', modelle.typen.UTCZeit(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('organisation', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('entfernt_am', modelle.typen.UTCZeit(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    op.create_table('datengrundlage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handlungsfeld_id', sa.Integer(), nullable=False),
    sa.Column('titel', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('quelle', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('angelegt_am', modelle.typen.UTCZeit(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['handlungsfeld_id'], ['handlungsfeld.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('datengrundlage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_datengrundlage_handlungsfeld_id'), ['handlungsfeld_id'], unique=False)

    op.create_table('mitgliedschaft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('gremium_id', sa.Integer(), nullable=False),
    sa.Column('rolle', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.ForeignKeyConstraint(['gremium_id'], ['gremium.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('person_id', 'gremium_id', 'rolle')
    )
    with op.batch_alter_table('mitgliedschaft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mitgliedschaft_gremium_id'), ['gremium_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mitgliedschaft_person_id'), ['person_id'], unique=False)

    op.create_table('sitzung',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gremium_id', sa.Integer(), nullable=False),
    sa.Column('beginn', modelle.typen.UTCZeit(timezone=True), nullable=False),
    sa.Column('ort', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.ForeignKeyConstraint(['gremium_id'], ['gremium.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sitzung', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sitzung_beginn'), ['beginn'], unique=False)
        batch_op.create_index(batch_op.f('ix_sitzung_gremium_id'), ['gremium_id'], unique=False)

    op.create_table('ziel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handlungsfeld_id', sa.Integer(), nullable=False),
    sa.Column('ebene', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('ueber_id', sa.Integer(), nullable=True),
    sa.Column('titel', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['handlungsfeld_id'], ['handlungsfeld.id'], ),
    sa.ForeignKeyConstraint(['ueber_id'], ['ziel.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ziel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ziel_handlungsfeld_id'), ['handlungsfeld_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ziel_ueber_id'), ['ueber_id'], unique=False)

    op.create_table('massnahme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handlungsfeld_id', sa.Integer(), nullable=False),
    sa.Column('arbeitspaket_id', sa.Integer(), nullable=False),
    sa.Column('titel', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('verantwortlich_id', sa.Integer(), nullable=True),
    sa.Column('frist', sa.Date(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.ForeignKeyConstraint(['arbeitspaket_id'], ['ziel.id'], ),
    sa.ForeignKeyConstraint(['handlungsfeld_id'], ['handlungsfeld.id'], ),
    sa.ForeignKeyConstraint(['verantwortlich_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('massnahme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_massnahme_arbeitspaket_id'), ['arbeitspaket_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_massnahme_handlungsfeld_id'), ['handlungsfeld_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_massnahme_verantwortlich_id'), ['verantwortlich_id'], unique=False)

    op.create_table('tagesordnungspunkt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sitzung_id', sa.Integer(), nullable=False),
    sa.Column('nummer', sa.Integer(), nullable=False),
    sa.Column('titel', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('handlungsfeld_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['handlungsfeld_id'], ['handlungsfeld.id'], ),
    sa.ForeignKeyConstraint(['sitzung_id'], ['sitzung.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('tagesordnungspunkt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tagesordnungspunkt_handlungsfeld_id'), ['handlungsfeld_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tagesordnungspunkt_sitzung_id'), ['sitzung_id'], unique=False)

    op.create_table('aufgabe',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('titel', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('beschreibung', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('handlungsfeld_id', sa.Integer(), nullable=True),
    sa.Column('massnahme_id', sa.Integer(), nullable=True),
    sa.Column('verantwortlich_id', sa.Integer(), nullable=False),
    sa.Column('frist', sa.Date(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('anlass_zustand', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('angelegt_am', modelle.typen.UTCZeit(timezone=True), nullable=False),
    sa.Column('erledigt_am', modelle.typen.UTCZeit(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['handlungsfeld_id'], ['handlungsfeld.id'], ),
    sa.ForeignKeyConstraint(['massnahme_id'], ['massnahme.id'], ),
    sa.ForeignKeyConstraint(['verantwortlich_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('aufgabe', schema=None) as batch_op:
        batch_op.create_index('ix_aufgabe_feld_status', ['handlungsfeld_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_aufgabe_massnahme_id'), ['massnahme_id'], unique=False)

    op.create_table('beschluss',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sitzung_id', sa.Integer(), nullable=False),
    sa.Column('tagesordnungspunkt_id', sa.Integer(), nullable=True),
    sa.Column('handlungsfeld_id', sa.Integer(), nullable=True),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('gefasst_am', modelle.typen.UTCZeit(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['handlungsfeld_id'], ['handlungsfeld.id'], ),
    sa.ForeignKeyConstraint(['sitzung_id'], ['sitzung.id'], ),
    sa.ForeignKeyConstraint(['tagesordnungspunkt_id'], ['tagesordnungspunkt.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('beschluss', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_beschluss_handlungsfeld_id'), ['handlungsfeld_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_beschluss_sitzung_id'), ['sitzung_id'], unique=False)

    op.create_table('schrittprotokoll',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handlungsfeld_id', sa.Integer(), nullable=False),
    sa.Column('schritt', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('von_zustand', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('nach_zustand', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('zeitpunkt', modelle.typen.UTCZeit(timezone=True), nullable=False),
    sa.Column('begruendung', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('beschluss_id', sa.Integer(), nullable=True),
    sa.Column('prozess_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['beschluss_id'], ['beschluss.id'], ),
    sa.ForeignKeyConstraint(['handlungsfeld_id'], ['handlungsfeld.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('schrittprotokoll', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_schrittprotokoll_handlungsfeld_id'), ['handlungsfeld_id'], unique=False)
    _protokoll_schuetzen()


_MELDUNG = "Das Schrittprotokoll ist nur anfügbar: Einträge werden nie geändert oder gelöscht."


def _protokoll_schuetzen() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for art in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER schrittprotokoll_kein_{art.lower()} BEFORE {art} ON schrittprotokoll "
                f"BEGIN SELECT RAISE(ABORT, '{_MELDUNG}'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION schrittprotokoll_nur_anfuegen() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{_MELDUNG}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER schrittprotokoll_nur_anfuegen BEFORE UPDATE OR DELETE ON schrittprotokoll "
            "FOR EACH ROW EXECUTE FUNCTION schrittprotokoll_nur_anfuegen()"
        )


def _protokollschutz_entfernen() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS schrittprotokoll_kein_update")
        op.execute("DROP TRIGGER IF EXISTS schrittprotokoll_kein_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS schrittprotokoll_nur_anfuegen ON schrittprotokoll")
        op.execute("DROP FUNCTION IF EXISTS schrittprotokoll_nur_anfuegen()")


def downgrade() -> None:
    _protokollschutz_entfernen()
    with op.batch_alter_table('schrittprotokoll', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_schrittprotokoll_handlungsfeld_id'))

    op.drop_table('schrittprotokoll')
    with op.batch_alter_table('beschluss', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_beschluss_sitzung_id'))
        batch_op.drop_index(batch_op.f('ix_beschluss_handlungsfeld_id'))

    op.drop_table('beschluss')
    with op.batch_alter_table('aufgabe', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aufgabe_massnahme_id'))
        batch_op.drop_index('ix_aufgabe_feld_status')

    op.drop_table('aufgabe')
    with op.batch_alter_table('tagesordnungspunkt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tagesordnungspunkt_sitzung_id'))
        batch_op.drop_index(batch_op.f('ix_tagesordnungspunkt_handlungsfeld_id'))

    op.drop_table('tagesordnungspunkt')
    with op.batch_alter_table('massnahme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_massnahme_verantwortlich_id'))
        batch_op.drop_index(batch_op.f('ix_massnahme_handlungsfeld_id'))
        batch_op.drop_index(batch_op.f('ix_massnahme_arbeitspaket_id'))

    op.drop_table('massnahme')
    with op.batch_alter_table('ziel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ziel_ueber_id'))
        batch_op.drop_index(batch_op.f('ix_ziel_handlungsfeld_id'))

    op.drop_table('ziel')
    with op.batch_alter_table('sitzung', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sitzung_gremium_id'))
        batch_op.drop_index(batch_op.f('ix_sitzung_beginn'))

    op.drop_table('sitzung')
    with op.batch_alter_table('mitgliedschaft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mitgliedschaft_person_id'))
        batch_op.drop_index(batch_op.f('ix_mitgliedschaft_gremium_id'))

    op.drop_table('mitgliedschaft')
    with op.batch_alter_table('datengrundlage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_datengrundlage_handlungsfeld_id'))

    op.drop_table('datengrundlage')
    op.drop_table('person')
    op.drop_table('handlungsfeld')
    op.drop_table('gremium')
