"""Die Tabellen des Bildungsbüros (SQLModel). Keine Geschäftsregeln: die stehen in ``prozess``.

Zeitpunkte sind ``UTCZeit`` (zonenbewusst, in UTC gespeichert), Fristen sind Kalendertage
(``date``) in der Zeitzone des Landkreises. Zustände und Rollen sind Texte mit festen Werten
(``prozess.zyklus``), damit die gespeicherten Werte stabil und lesbar bleiben.

Personen sind personenbezogene Daten: gespeichert wird nur, was der Versand braucht (Name,
E-Mail-Adresse, Organisation). ``Person.entfernt_am`` markiert eine entfernte Person, deren
Name und Adresse gelöscht sind; ihre Zeile bleibt, damit das Protokoll lückenlos bleibt.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, LargeBinary, UniqueConstraint
from sqlmodel import Field

from modelle.basis import Tabelle
from modelle.typen import UTCZeit


def _zeit(**kw):
    return Field(sa_type=UTCZeit, **kw)


class Landkreis(Tabelle, table=True):
    """Der Landkreis, dem diese Installation dient (eine Zeile, aus der Organisationsdatei)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)


class Gremium(Tabelle, table=True):
    """Ein Gremium (Bildungsbeirat, Steuerungsgruppe, ...) oder das Bildungsbüro selbst."""

    id: int | None = Field(default=None, primary_key=True)
    kuerzel: str = Field(max_length=60, unique=True)
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=254)
    ladungsfrist_tage: int = Field(default=14)
    # Der Sitzungsrhythmus, wie ihn die Organisationsdatei angibt (geprüft in prozess.organisation).
    rhythmus: dict | None = Field(default=None, sa_type=JSON)


class Person(Tabelle, table=True):
    """Wer Aufgaben bekommt oder Schritte auslöst; auch Partner ohne Konto."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=254, unique=True)
    organisation: str | None = Field(default=None, max_length=200)
    entfernt_am: datetime | None = _zeit(default=None)


class Mitgliedschaft(Tabelle, table=True):
    """Die Rolle einer Person in einem Gremium (``vorsitz``, ``mitglied``, ``bildungsmanagement``, ...)."""

    __table_args__ = (UniqueConstraint("person_id", "gremium_id", "rolle"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    gremium_id: int = Field(foreign_key="gremium.id", index=True)
    rolle: str = Field(max_length=60)


# Die Versionsspalte (optimistische Sperre). Geschrieben wird der Zustand nur mit dem bedingten
# UPDATE "WHERE version = gesehen" (modelle.anweisungen.FELD_SCHREIBEN); das ORM hat bewusst
# keine eigene Versionsprüfung (version_id_col), damit nicht zwei Mechanismen dieselbe Zeile bewachen.
_handlungsfeld_version = Column("version", Integer, nullable=False, default=1)


class Handlungsfeld(Tabelle, table=True):
    """Ein Handlungsfeld (z. B. Schulabsentismus) und sein Zustand im Zyklus."""

    id: int | None = Field(default=None, primary_key=True)
    titel: str = Field(max_length=200)
    beschreibung: str = Field(default="")
    # Ohne Index: jeder Schritt ändert den Zustand, ein Index kostete dabei jedes Mal eine
    # Seite; gesucht wird nach Zustand nur für Tagesordnungen und Berichte (selten, kleine Tabelle).
    zustand: str = Field(max_length=40)
    zustand_seit: datetime = _zeit()
    version: int | None = Field(default=None, sa_column=_handlungsfeld_version)
    prozess_version: int = Field(default=1)
    runde: int = Field(default=1)
    zurueckgestellt_aus: str | None = Field(default=None, max_length=40)
    angelegt_am: datetime = _zeit()


class Datengrundlage(Tabelle, table=True):
    """Eine Datengrundlage (aggregierte Kennzahlen, nie personenbezogen) zu einem Handlungsfeld."""

    id: int | None = Field(default=None, primary_key=True)
    handlungsfeld_id: int = Field(foreign_key="handlungsfeld.id", index=True)
    titel: str = Field(max_length=200)
    quelle: str = Field(default="", max_length=200)
    angelegt_am: datetime = _zeit()


class Ziel(Tabelle, table=True):
    """Knoten im Zielbaum: strategisches Ziel → Mittlerziel → Arbeitspaket."""

    id: int | None = Field(default=None, primary_key=True)
    handlungsfeld_id: int = Field(foreign_key="handlungsfeld.id", index=True)
    ebene: str = Field(max_length=30)
    ueber_id: int | None = Field(default=None, foreign_key="ziel.id", index=True)
    titel: str = Field(max_length=300)


class Massnahme(Tabelle, table=True):
    """Eine Maßnahme unter einem Arbeitspaket, mit Zuständigkeit, Frist und Status."""

    id: int | None = Field(default=None, primary_key=True)
    handlungsfeld_id: int = Field(foreign_key="handlungsfeld.id", index=True)
    arbeitspaket_id: int = Field(foreign_key="ziel.id", index=True)
    titel: str = Field(max_length=300)
    verantwortlich_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    frist: date | None = None
    status: str = Field(default="geplant", max_length=20)


class Aufgabe(Tabelle, table=True):
    """Eine Aufgabe für eine Person mit Frist; gehört zu einem Handlungsfeld und/oder einer Maßnahme.

    ``anlass_zustand`` nennt den Zustand, dessen Eintritt die Aufgabe erzeugt hat; verlässt das
    Handlungsfeld diesen Zustand, ist die Aufgabe erledigt (oder hinfällig).
    """

    # ix_aufgabe_offen_frist: nur die offenen Aufgaben nach Frist (partiell, also klein; ein Schritt
    # ändert ihn nur für die Aufgaben, die er öffnet oder schließt). Damit finden die Übersicht der
    # Webseiten und »aufgabe liste« die überfälligen und die nächsten, ohne alle Aufgaben zu lesen.
    # Die Bedingung legt die Migration 0007 an (sqlite_where/postgresql_where); hier steht sie nur in
    # ``info``: als Dialekt-Argument lüde SQLAlchemy schon beim Import den PostgreSQL-Dialekt samt
    # asyncpg und asyncio, auch auf SQLite – rund 8 % der Startzeit jedes Befehls. Dass der Index in
    # der Datenbank partiell ist, prüft tests/modelle/test_migrationen.py (compare_metadata vergleicht
    # Bedingungen nicht).
    __table_args__ = (
        Index("ix_aufgabe_feld_status", "handlungsfeld_id", "status"),
        Index("ix_aufgabe_offen_frist", "frist", "id", info={"bedingung": "status = 'offen'"}),
        # Der Takt liest die offenen fälligen Aufgaben in der Reihenfolge (naechste_erinnerung_am, id):
        # mit dem Status vorn und der Id hinten ist das eine Bereichssuche ohne Sortierung, auf beiden
        # Datenbanken; ohne den Status nähme PostgreSQL bei wenigen Zeilen ix_aufgabe_offen_frist und
        # sortierte (tests/modelle/test_abfrageplaene.py).
        Index("ix_aufgabe_erinnerung_faellig", "status", "naechste_erinnerung_am", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    titel: str = Field(max_length=300)
    beschreibung: str = Field(default="")
    handlungsfeld_id: int | None = Field(default=None, foreign_key="handlungsfeld.id")
    massnahme_id: int | None = Field(default=None, foreign_key="massnahme.id", index=True)
    # Ohne Index: niemand sucht Aufgaben nach Person, und jeder Index kostet bei jedem Schritt.
    verantwortlich_id: int = Field(foreign_key="person.id")
    frist: date
    status: str = Field(default="offen", max_length=20)
    anlass_zustand: str | None = Field(default=None, max_length=40)
    angelegt_am: datetime = _zeit()
    erledigt_am: datetime | None = _zeit(default=None)
    # Erinnerungen: der nächste Zeitpunkt, zu dem der Takt diese Aufgabe ansehen muss (NULL,
    # wenn nichts mehr ansteht, z. B. weil sie erledigt ist). Über den Index
    # ix_aufgabe_erinnerung_faellig findet der Takt die fälligen Aufgaben, ohne alle offenen zu lesen.
    naechste_erinnerung_am: datetime | None = _zeit(default=None)
    letzte_erinnerung: str | None = Field(default=None, max_length=40)
    letzte_erinnerung_am: datetime | None = _zeit(default=None)
    eskaliert_fuer_frist: date | None = None


class Sitzung(Tabelle, table=True):
    """Eine Sitzung eines Gremiums: aus dem Rhythmus geplant oder von Hand angelegt.

    ``sequenz`` ist die SEQUENCE der Kalendereinladung und steigt bei jeder Änderung;
    ``eingeladen_sequenz`` sagt, welcher Stand zuletzt eingeladen wurde (NULL: noch nie).
    ``geplant_am`` ist der Tag, den der Rhythmus ergab; ein Planer legt je Gremium und Tag
    höchstens eine Sitzung an (eindeutig), auch wenn zwei Dienste gleichzeitig planen.
    """

    __table_args__ = (UniqueConstraint("gremium_id", "geplant_am", name="uq_sitzung_gremium_geplant"),)

    id: int | None = Field(default=None, primary_key=True)
    gremium_id: int = Field(foreign_key="gremium.id", index=True)
    beginn: datetime = _zeit(index=True)
    dauer_minuten: int = Field(default=120)
    ort: str = Field(default="", max_length=200)
    status: str = Field(default="geplant", max_length=20)
    geplant_am: date | None = None
    hinweis: str = Field(default="", max_length=300)
    sequenz: int = Field(default=0)
    eingeladen_sequenz: int | None = None


class Tagesordnungspunkt(Tabelle, table=True):
    """Ein Punkt der Tagesordnung einer Sitzung, wo passend zu einem Handlungsfeld."""

    # Eindeutig: bauen zwei Dienste gleichzeitig dieselbe Tagesordnung, scheitert der zweite.
    __table_args__ = (UniqueConstraint("sitzung_id", "nummer", name="uq_top_sitzung_nummer"),)

    id: int | None = Field(default=None, primary_key=True)
    sitzung_id: int = Field(foreign_key="sitzung.id", index=True)
    nummer: int
    titel: str = Field(max_length=300)
    beschreibung: str = Field(default="")
    handlungsfeld_id: int | None = Field(default=None, foreign_key="handlungsfeld.id", index=True)


class Beschluss(Tabelle, table=True):
    """Ein in einer Sitzung gefasster Beschluss; ein Schritt kann sich darauf berufen."""

    id: int | None = Field(default=None, primary_key=True)
    sitzung_id: int = Field(foreign_key="sitzung.id", index=True)
    tagesordnungspunkt_id: int | None = Field(default=None, foreign_key="tagesordnungspunkt.id")
    handlungsfeld_id: int | None = Field(default=None, foreign_key="handlungsfeld.id", index=True)
    text: str
    gefasst_am: datetime = _zeit()


class Schrittprotokoll(Tabelle, table=True):
    """Ein Eintrag im Protokoll: wer hat wann welchen Schritt von wo nach wo getan, und warum.

    Nur anfügen: Änderungen und Löschungen weist die Datenbank per Trigger ab (Migration 0001).
    """

    id: int | None = Field(default=None, primary_key=True)
    handlungsfeld_id: int = Field(foreign_key="handlungsfeld.id", index=True)
    schritt: str = Field(max_length=40)
    von_zustand: str | None = Field(default=None, max_length=40)
    nach_zustand: str = Field(max_length=40)
    person_id: int = Field(foreign_key="person.id")
    zeitpunkt: datetime = _zeit()
    begruendung: str = Field(default="")
    beschluss_id: int | None = Field(default=None, foreign_key="beschluss.id")
    prozess_version: int


class Outbox(Tabelle, table=True):
    """Eine zu versendende Mail, geschrieben in derselben Transaktion wie ihr Anlass.

    ``schluessel`` (Anlass, Empfänger, Gegenstand, Datum des Anlasses) ist eindeutig: ein
    zweiter Takt schreibt dieselbe Mail nicht noch einmal. ``kontext`` hält die Werte, mit
    denen die Vorlage beim Versand dargestellt wird, so wie sie beim Anlass galten.
    Status: wartend → in_versand → gesendet | fehler_voruebergehend (→ erneut) |
    fehler_dauerhaft | verworfen (die Aufgabe war vor dem Versand schon erledigt).
    Im Versand gehört die Zeile ``beansprucht_von`` (Kennung des Versenders) bis
    ``beansprucht_bis``; der lebende Versender verlängert das laufend, ein toter nicht.
    """

    __table_args__ = (Index("ix_outbox_faellig", "status", "naechster_versuch"),)

    id: int | None = Field(default=None, primary_key=True)
    schluessel: str = Field(max_length=300, unique=True)
    anlass: str = Field(max_length=40)
    vorlage: str = Field(max_length=60)
    kontext: dict = Field(sa_type=JSON)
    # Bewusst ohne weitere Indizes: jeder Index kostet bei jedem Schritt Seiten im WAL
    # (bench/schritte.py); gesucht wird nur über schluessel und (status, naechster_versuch).
    person_id: int | None = Field(default=None, foreign_key="person.id")
    empfaenger_email: str = Field(max_length=254)
    empfaenger_name: str = Field(max_length=200)
    aufgabe_id: int | None = Field(default=None, foreign_key="aufgabe.id")
    message_id: str = Field(max_length=250)
    status: str = Field(default="wartend", max_length=30)
    versuche: int = Field(default=0)
    naechster_versuch: datetime = _zeit()
    beansprucht_bis: datetime | None = _zeit(default=None)
    beansprucht_von: str | None = Field(default=None, max_length=120)
    letzter_fehler: str | None = None
    erstellt_am: datetime = _zeit()
    # Von Hand erneut eingereiht: ab hier zählt versand_aufgeben_nach_stunden (sonst ab erstellt_am).
    eingereiht_am: datetime | None = _zeit(default=None)
    gesendet_am: datetime | None = _zeit(default=None)
    # Einladungen: der iCalendar-Text (CRLF) und seine Methode (REQUEST, CANCEL).
    kalender: str | None = None
    kalender_methode: str | None = Field(default=None, max_length=10)
    # Statusberichte: der Inhalt steht einmal im Bericht, nicht in jeder Zeile.
    statusbericht_id: int | None = Field(default=None, foreign_key="statusbericht.id")


class Versandstand(Tabelle, table=True):
    """Was die Outbox abgeschlossen hat, gezählt statt gesucht: höchstens eine Zeile (id 1).

    ``gesendet`` und ``verworfen`` zählen die Outbox-Zeilen in diesen Endzuständen. Trigger der
    Datenbank (Migration 0007) schreiben sie bei jedem INSERT, UPDATE und DELETE der Outbox fort,
    wer auch immer schreibt; so muss ``versand status`` die Million gesendeter Zeilen der
    Geschichte nicht zählen. Fehlt die Zeile (etwa nach TRUNCATE), legen die Trigger sie neu an.
    ``geleert_bis``: bis zu diesem Zeitpunkt hat die Aufbewahrung (``versand_aufbewahrung_tage``)
    den Inhalt abgeschlossener Mails geleert; beim nächsten Mal sucht sie erst ab dort.
    """

    id: int = Field(default=1, primary_key=True)
    gesendet: int = Field(default=0)
    verworfen: int = Field(default=0)
    geleert_bis: datetime | None = _zeit(default=None)


class Versandpause(Tabelle, table=True):
    """Der angehaltene Versand: höchstens eine Zeile (id 1); keine Zeile heißt, er läuft.

    Entsteht, wenn der Server eine Mail so abweist, wie er jede abweisen würde (Relay
    verweigert, Anmeldung fehlt oder scheitert, Absender abgewiesen, TLS verlangt). Die
    Mails bleiben in der Outbox; ab ``naechster_versuch`` prüft eine einzelne Mail, ob der
    Fehler behoben ist.
    """

    id: int = Field(default=1, primary_key=True)
    seit: datetime = _zeit()
    grund: str
    versuche: int = Field(default=1)
    naechster_versuch: datetime = _zeit()


class Statusbericht(Tabelle, table=True):
    """Ein Statusbericht an ein Gremium (Schulausschuss), genau so, wie er versandt wurde."""

    id: int | None = Field(default=None, primary_key=True)
    # Eindeutig je Anlass (z. B. "sitzung:17" oder "rhythmus:2027-03"): zwei Dienste erstellen
    # denselben Bericht nicht zweimal.
    schluessel: str = Field(max_length=100, unique=True)
    gremium_id: int = Field(foreign_key="gremium.id", index=True)
    sitzung_id: int | None = Field(default=None, foreign_key="sitzung.id")
    anlass: str = Field(max_length=60)
    erstellt_am: datetime = _zeit(index=True)
    seit: datetime | None = _zeit(default=None)
    betreff: str = Field(max_length=300)
    text: str
    html: str


class Mailanhang(Tabelle, table=True):
    """Eine Datei zu einer Mail, als Bytes beim Vormerken gespeichert: bei jedem Versuch dieselben.

    Gehört entweder einer Outbox-Zeile (``outbox_id``: etwa die Kennzahlen einer Einladung) oder
    einem Statusbericht (``statusbericht_id``: seine Diagramme, einmal gespeichert für alle
    Empfänger). Mit ``content_id`` ist sie ein Bild im HTML-Teil (``cid:``, multipart/related),
    sonst ein Anhang. Die Aufbewahrung löscht die Anhänge einer Outbox-Zeile mit ihrem Inhalt;
    die Diagramme eines Berichts bleiben wie sein Text (keine Personendaten).
    """

    __table_args__ = (Index("ix_mailanhang_outbox_id", "outbox_id"),
                      Index("ix_mailanhang_statusbericht_id", "statusbericht_id"))

    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int | None = Field(default=None, sa_column_args=[ForeignKey("outbox.id", ondelete="CASCADE")])
    statusbericht_id: int | None = Field(default=None,
                                         sa_column_args=[ForeignKey("statusbericht.id", ondelete="CASCADE")])
    position: int = Field(default=0)
    dateiname: str = Field(max_length=200)
    mime_typ: str = Field(max_length=100)
    content_id: str | None = Field(default=None, max_length=200)
    inhalt: bytes = Field(sa_type=LargeBinary)
