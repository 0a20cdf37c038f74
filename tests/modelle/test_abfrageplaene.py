"""Abfragepläne der heißen Pfade auf SQLite (EXPLAIN QUERY PLAN) und PostgreSQL (EXPLAIN).

Geprüft werden die Anweisungen, die der echte Code schickt (mitgeschnitten beim Aufruf), nicht
nachgebaute: der Anspruch des Versenders, der Erinnerungslauf und der Eskalationslauf. Keine
Anweisung darf eine der wachsenden Tabellen (Outbox, Aufgaben) ganz lesen oder sortieren; wer
einen Index entfernt oder eine Sortierung über alles Fällige zurückbringt, lässt diese Tests
scheitern. Auf PostgreSQL liegen genug Zeilen in den Tabellen (mit ANALYZE), und ``enable_seqscan``
ist aus, damit der Planer nicht bei kleinen Tabellen aus Bequemlichkeit alles liest.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import event, insert

from benachrichtigungen import warteschlange
from modelle.tabellen import Aufgabe, Outbox
from prozess.erinnerungen import erinnerungen_versenden
from prozess.rollen import person_per_email
from tests.hilfen import SCHULLEITUNG, SG_VORSITZ, tun
from tests.prozess.test_erinnerungen import SAMSTAG_SCHULE, aufgabe, um

WACHSEND = ("outbox", "aufgabe")
FUELLUNG = 3000  # gesendete Mails und erledigte Aufgaben, damit PostgreSQL echte Statistiken hat


@contextmanager
def mitschneiden(verbindung):
    """Die Anweisungen (SQL, erste Parameter), die während des Blocks über ``verbindung`` laufen."""
    anweisungen: list[tuple[str, object]] = []

    def merken(conn, cursor, sql, parameter, kontext, viele):
        anweisungen.append((sql, parameter[0] if viele else parameter))

    event.listen(verbindung, "before_cursor_execute", merken)
    try:
        yield anweisungen
    finally:
        event.remove(verbindung, "before_cursor_execute", merken)


def plan(verbindung, sql: str, parameter) -> list[str]:
    """Die Zeilen des Plans: SQLite ``EXPLAIN QUERY PLAN`` (die Texte), PostgreSQL ``EXPLAIN``."""
    if verbindung.dialect.name == "postgresql":
        verbindung.exec_driver_sql("SET enable_seqscan = off")
        try:
            return [z[0] for z in verbindung.exec_driver_sql("EXPLAIN " + sql, parameter)]
        finally:
            verbindung.exec_driver_sql("RESET enable_seqscan")
    return [z[3] for z in verbindung.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, parameter)]


def liest_wachsende_tabelle(sql: str) -> bool:
    return any(re.search(rf"\b(FROM|UPDATE|JOIN)\s+{t}\b", sql) for t in WACHSEND)


def ganz_gelesen_oder_sortiert(zeilen: list[str]) -> list[str]:
    """Planzeilen, die eine wachsende Tabelle ganz lesen oder eine Sortierung brauchen."""
    tabellen = "|".join(WACHSEND)
    muster = re.compile(rf"^\s*(->\s*)?(SCAN ({tabellen})\b|Seq Scan on ({tabellen})\b)|USE TEMP B-TREE|"
                        rf"MULTI-INDEX OR|\bSort\b|BitmapOr")
    return [z for z in zeilen if muster.search(z)]


def plaene_pruefen(verbindung, anweisungen) -> list[list[str]]:
    """Prüft jede Anweisung über Outbox oder Aufgaben; gibt ihre Pläne zurück (für weitere Prüfungen)."""
    geprueft = []
    for sql, parameter in anweisungen:
        if not liest_wachsende_tabelle(sql) or sql.lstrip().upper().startswith("INSERT"):
            continue
        zeilen = plan(verbindung, sql, parameter)
        assert not ganz_gelesen_oder_sortiert(zeilen), "\n".join([sql, *zeilen])
        geprueft.append(zeilen)
    return geprueft


def _fuellen(s, jetzt: datetime) -> None:
    """Geschichte, wie sie ein Landkreis hat: viele gesendete Mails und erledigte Aufgaben."""
    person = person_per_email(s, SCHULLEITUNG)
    v = s.connection()
    v.execute(insert(Aufgabe.__table__), [
        dict(titel=f"Alt {i}", beschreibung="", verantwortlich_id=person.id, frist=date(2026, 1, 1), status="erledigt",
             angelegt_am=jetzt - timedelta(days=400), erledigt_am=jetzt - timedelta(days=300))
        for i in range(FUELLUNG)])
    v.execute(insert(Outbox.__table__), [
        dict(schluessel=f"alt:{i}", anlass="erinnerung", vorlage="erinnerung", kontext={}, empfaenger_email=SCHULLEITUNG,
             empfaenger_name="Schulleitung", message_id=f"<{i}@x>", status="gesendet", versuche=1,
             naechster_versuch=jetzt - timedelta(days=300, minutes=i), erstellt_am=jetzt - timedelta(days=300),
             gesendet_am=jetzt - timedelta(days=300))
        for i in range(FUELLUNG)])
    s.commit()
    if v.dialect.name == "postgresql":
        s.connection().exec_driver_sql("ANALYZE")
        s.commit()


def test_der_anspruch_liest_nur_einen_stapel_und_sortiert_nichts(s):
    jetzt = datetime(2027, 3, 1, 8, tzinfo=timezone.utc)
    _fuellen(s, jetzt)
    v = s.connection()
    v.execute(insert(Outbox.__table__), [
        dict(schluessel=f"neu:{i}", anlass="erinnerung", vorlage="erinnerung", kontext={}, empfaenger_email=SCHULLEITUNG,
             empfaenger_name="Schulleitung", message_id=f"<n{i}@x>", status=status, versuche=0,
             naechster_versuch=jetzt - timedelta(minutes=i), erstellt_am=jetzt, beansprucht_von="tot",
             beansprucht_bis=jetzt - timedelta(minutes=1))
        for i, status in enumerate(["wartend"] * 40 + ["fehler_voruebergehend"] * 20 + ["in_versand"] * 5)])
    s.commit()
    v = s.connection()
    with mitschneiden(v) as anweisungen:
        zeilen = warteschlange.beanspruchen(v, jetzt, jetzt, 32, "ich", timedelta(seconds=30))
    assert len(zeilen) == 32
    (anspruch,) = plaene_pruefen(v, anweisungen)
    # Je Status eine Bereichssuche im Index (status, naechster_versuch), keine über alles Fällige.
    suchen = [z for z in anspruch if "ix_outbox_faellig" in z]
    assert len(suchen) == 3, "\n".join(anspruch)
    s.rollback()


def test_der_erinnerungslauf_findet_die_faelligen_ueber_den_index(s):
    _fuellen(s, um(date(2027, 3, 1)))
    for i in range(12):
        aufgabe(s, None, um(date(2027, 3, 1)), SAMSTAG_SCHULE, email=[SCHULLEITUNG, SG_VORSITZ][i % 2])
    with mitschneiden(s.connection()) as anweisungen:
        bericht = tun(s, um(SAMSTAG_SCHULE - timedelta(days=7)), erinnerungen_versenden)
    assert bericht.mails == {"erinnerung": 12}
    plaene = plaene_pruefen(s.connection(), anweisungen)
    auswahl = [p for p in plaene if any("naechste_erinnerung_am" in z for z in p)]
    assert auswahl, "die Auswahl der fälligen Aufgaben nutzt den Index auf naechste_erinnerung_am nicht:\n" + \
        "\n\n".join("\n".join(p) for p in plaene)


def test_der_eskalationslauf_liest_keine_aufgabe_einzeln_und_keine_ganz(s):
    _fuellen(s, um(date(2027, 3, 1)))
    for i in range(12):
        aufgabe(s, None, um(date(2027, 3, 1)), SAMSTAG_SCHULE, email=[SCHULLEITUNG, SG_VORSITZ][i % 2])
    with mitschneiden(s.connection()) as anweisungen:
        bericht = tun(s, um(SAMSTAG_SCHULE + timedelta(days=15)), erinnerungen_versenden)
    assert bericht.mails["eskalation"] >= 12
    plaene_pruefen(s.connection(), anweisungen)
    # Die Empfänger aller Eskalationen kommen aus *einer* Anweisung, nicht aus einer je Aufgabe.
    empfaenger = [sql for sql, _ in anweisungen if "mitgliedschaft AS mitgliedschaft_1" in sql]
    assert len(empfaenger) == 1, [sql for sql, _ in anweisungen]
    # Die Outbox-Zeilen gehen in einem Einfügen hinaus (executemany zählt als eine Anweisung).
    assert sum(1 for sql, _ in anweisungen if sql.lstrip().upper().startswith("INSERT INTO OUTBOX")) == 1
