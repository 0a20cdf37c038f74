"""Postausgang: Zähler der abgeschlossenen Mails (Trigger), Index der fälligen Erinnerungen mit Id

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28

``versandstand`` (eine Zeile) zählt die Outbox-Zeilen in den Endzuständen ``gesendet`` und
``verworfen``; Trigger schreiben die Zahlen bei jedem INSERT, UPDATE und DELETE der Outbox
fort. ``versand status`` liest sie dort, statt die wachsende Geschichte zu zählen.

SQLite: Zeilentrigger (im Prozess, billig), nur für Zeilen, die einen Endzustand betreten oder
verlassen. PostgreSQL: Anweisungstrigger mit Übergangstabellen (eine Zählung je Anweisung, auch
für ein COPY von einer Million Zeilen); je Ereignis einer, weil PostgreSQL Übergangstabellen
nur für Trigger mit genau einem Ereignis erlaubt.

Der Index der fälligen Erinnerungen nimmt die Id dazu (``naechste_erinnerung_am, id``): der
Takt liest in dieser Reihenfolge, und PostgreSQL sortierte sonst alle fälligen Aufgaben.
"""
from alembic import op
import sqlalchemy as sa
import modelle.typen


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

ENDE = "('gesendet', 'verworfen')"

_SQLITE = [
    f"""CREATE TRIGGER outbox_stand_einfuegen AFTER INSERT ON outbox WHEN NEW.status IN {ENDE}
    BEGIN
        INSERT OR IGNORE INTO versandstand (id, gesendet, verworfen) VALUES (1, 0, 0);
        UPDATE versandstand SET gesendet = gesendet + (NEW.status = 'gesendet'),
                                verworfen = verworfen + (NEW.status = 'verworfen') WHERE id = 1;
    END""",
    f"""CREATE TRIGGER outbox_stand_aendern AFTER UPDATE OF status ON outbox
    WHEN OLD.status IS NOT NEW.status AND (NEW.status IN {ENDE} OR OLD.status IN {ENDE})
    BEGIN
        INSERT OR IGNORE INTO versandstand (id, gesendet, verworfen) VALUES (1, 0, 0);
        UPDATE versandstand SET gesendet = gesendet + (NEW.status = 'gesendet') - (OLD.status = 'gesendet'),
                                verworfen = verworfen + (NEW.status = 'verworfen') - (OLD.status = 'verworfen')
        WHERE id = 1;
    END""",
    f"""CREATE TRIGGER outbox_stand_loeschen AFTER DELETE ON outbox WHEN OLD.status IN {ENDE}
    BEGIN
        INSERT OR IGNORE INTO versandstand (id, gesendet, verworfen) VALUES (1, 0, 0);
        UPDATE versandstand SET gesendet = gesendet - (OLD.status = 'gesendet'),
                                verworfen = verworfen - (OLD.status = 'verworfen') WHERE id = 1;
    END""",
]

_POSTGRESQL = [
    """CREATE FUNCTION versandstand_fortschreiben() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        g integer := 0;
        v integer := 0;
    BEGIN
        IF TG_OP <> 'DELETE' THEN
            SELECT count(*) FILTER (WHERE status = 'gesendet'), count(*) FILTER (WHERE status = 'verworfen')
            INTO g, v FROM neu;
        END IF;
        IF TG_OP <> 'INSERT' THEN
            SELECT g - count(*) FILTER (WHERE status = 'gesendet'), v - count(*) FILTER (WHERE status = 'verworfen')
            INTO g, v FROM alt;
        END IF;
        IF g <> 0 OR v <> 0 THEN
            INSERT INTO versandstand (id, gesendet, verworfen) VALUES (1, g, v)
            ON CONFLICT (id) DO UPDATE SET gesendet = versandstand.gesendet + excluded.gesendet,
                                           verworfen = versandstand.verworfen + excluded.verworfen;
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER outbox_stand_einfuegen AFTER INSERT ON outbox REFERENCING NEW TABLE AS neu "
    "FOR EACH STATEMENT EXECUTE FUNCTION versandstand_fortschreiben()",
    "CREATE TRIGGER outbox_stand_aendern AFTER UPDATE ON outbox REFERENCING OLD TABLE AS alt NEW TABLE AS neu "
    "FOR EACH STATEMENT EXECUTE FUNCTION versandstand_fortschreiben()",
    "CREATE TRIGGER outbox_stand_loeschen AFTER DELETE ON outbox REFERENCING OLD TABLE AS alt "
    "FOR EACH STATEMENT EXECUTE FUNCTION versandstand_fortschreiben()",
]


def upgrade() -> None:
    op.create_table('versandstand',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gesendet', sa.Integer(), nullable=False),
    sa.Column('verworfen', sa.Integer(), nullable=False),
    sa.Column('geleert_bis', modelle.typen.UTCZeit(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('aufgabe', schema=None) as batch_op:
        batch_op.drop_index('ix_aufgabe_naechste_erinnerung_am')
        batch_op.create_index('ix_aufgabe_erinnerung_faellig', ['status', 'naechste_erinnerung_am', 'id'], unique=False)
    op.execute("INSERT INTO versandstand (id, gesendet, verworfen) SELECT 1, "
               "COALESCE(SUM(CASE WHEN status = 'gesendet' THEN 1 ELSE 0 END), 0), "
               "COALESCE(SUM(CASE WHEN status = 'verworfen' THEN 1 ELSE 0 END), 0) FROM outbox")
    for anweisung in (_POSTGRESQL if op.get_bind().dialect.name == "postgresql" else _SQLITE):
        op.execute(anweisung)


def downgrade() -> None:
    for name in ("einfuegen", "aendern", "loeschen"):
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS outbox_stand_{name} ON outbox")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS outbox_stand_{name}")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS versandstand_fortschreiben()")
    op.drop_table('versandstand')
    with op.batch_alter_table('aufgabe', schema=None) as batch_op:
        batch_op.drop_index('ix_aufgabe_erinnerung_faellig')
        batch_op.create_index('ix_aufgabe_naechste_erinnerung_am', ['naechste_erinnerung_am'], unique=False)
