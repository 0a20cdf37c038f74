"""Benannte Core-Anweisungen direkt auf dem DBAPI-Cursor der laufenden Transaktion ausführen.

Ein Schritt schickt auf SQLite sieben, acht kleine Anweisungen; ``Connection.execute`` kostet
je Aufruf rund 140.000 Instruktionen (Ausführungskontext, Cache-Schlüssel, Parameter,
Ergebnisobjekt), ein Vielfaches dessen, was SQLite selbst für ein INSERT braucht. ``direkt``
übersetzt eine Anweisung einmal je Dialekt (und bei einem INSERT je Satz von Spalten) mit
SQLAlchemy und führt danach nur noch aus: dieselbe SQL, dieselben Parameter, durch dieselben
Typen gewandelt (``TypeEngine.bind_processor`` / ``result_processor`` des Dialekts, etwa
``UTCZeit`` und JSON), auf der DBAPI-Verbindung derselben Transaktion.

Was gleich bleibt wie bei ``Connection.execute``:

- Fehler: ein Fehler der Datenbank oder beim Wandeln eines Parameters geht durch die
  Fehlerbehandlung der Verbindung (``IntegrityError``, ``OperationalError`` … von SQLAlchemy;
  ein Verbindungsabbruch verwirft die Verbindung wie sonst).
- Beobachter: hängt an der Verbindung oder Engine ein Ereignis-Listener für Anweisungen
  (``before_cursor_execute`` …, etwa in Tests, die Anweisungen mitschneiden), geht die
  Anweisung den gewöhnlichen Weg über ``Connection.execute`` und wird gesehen.

Mehrere Abfragen, die nicht aufeinander warten, schickt ``zusammen`` auf PostgreSQL (psycopg) in
*einer* Pipeline: eine Rundreise statt einer je Anweisung.

Nicht unterstützt (und beim Übersetzen abgewiesen): Anweisungen mit Python-seitigen
Standardwerten, die SQLAlchemy erst beim Ausführen berechnete, und aufgeklappte
``IN``-Parameter. Die Anweisungen, die ``direkt`` nutzen, brauchen beides nicht.
"""

from __future__ import annotations

import weakref
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Date, DateTime
from sqlalchemy.engine import Connection
from sqlalchemy.sql.dml import Insert

_FEHLT = object()


class _Uebersetzt:
    """Eine Anweisung, für einen Dialekt (und einen Satz von Spalten) übersetzt."""

    __slots__ = ("sql", "positionell", "namen_param", "standard", "holen", "wandler", "namen", "ergebnis")

    def __init__(self, anweisung, dialekt, spalten: tuple[str, ...] | None):
        kompiliert = anweisung.compile(dialect=dialekt, column_keys=list(spalten) if spalten is not None else None)
        if (getattr(kompiliert, "insert_prefetch", None) or getattr(kompiliert, "update_prefetch", None)
                or kompiliert.post_compile_params or kompiliert.literal_execute_params
                or kompiliert.escaped_bind_names):
            raise ValueError(f"Diese Anweisung kann nicht direkt ausgeführt werden: {kompiliert.string[:80]}")
        self.sql = kompiliert.string
        self.positionell = dialekt.positional
        namen = list(kompiliert.positiontup if dialekt.positional else kompiliert.binds)
        self.namen_param = tuple(namen)
        # Parameter mit festem Wert (etwa status = 'offen'), die der Aufrufer nicht nennt
        self.standard = {n: b.effective_value for n, b in kompiliert.binds.items() if not b.required}
        self.holen = (lambda w: ()) if not namen else (
            (lambda w, _h=itemgetter(*namen): (_h(w),)) if len(namen) == 1 else itemgetter(*namen))
        # (Stelle, Wandler) je Parameter, den der Dialekt wandelt (Zeitpunkte, JSON …)
        self.wandler = tuple((i, w) for i, w in enumerate(_wandler(kompiliert.binds[n].type, dialekt) for n in namen)
                             if w is not None)
        # SELECT: die gewählten Spalten; INSERT/UPDATE: die von RETURNING (sonst keine); Text: keine
        spalten_ergebnis = list(getattr(anweisung, "exported_columns", ()))
        self.namen = tuple(getattr(s, "name", None) or getattr(s, "key") for s in spalten_ergebnis)
        self.ergebnis = [s.type.dialect_impl(dialekt).result_processor(dialekt, None) for s in spalten_ergebnis]

    def parameter(self, werte: dict):
        if self.standard:
            werte = {**self.standard, **werte}
        try:
            roh = self.holen(werte)
        except KeyError as fehlt:
            raise KeyError(f"Parameter {fehlt} fehlt") from None
        if self.wandler:
            roh = list(roh)
            for i, w in self.wandler:
                roh[i] = w(roh[i])
        if self.positionell:
            return tuple(roh)
        return dict(zip(self.namen_param, roh))

    def zeile(self, roh) -> tuple:
        return tuple(w(x) if w is not None else x for w, x in zip(self.ergebnis, roh))


# Die Wandler der Zeit-Typen, je Dialekt und Typ einmal, mit den zuletzt gewandelten Werten: ein
# Schritt gibt denselben Zeitpunkt ``jetzt`` an sieben Anweisungen; die Umrechnung nach UTC und
# ins Textformat von SQLite geschieht so einmal. Nur für Zeitpunkte und Daten (unveränderlich).
_ZEITWANDLER: dict = {}


def _wandler(typ, dialekt):
    impl = typ.dialect_impl(dialekt)
    wandler = impl.bind_processor(dialekt)
    if wandler is None or not isinstance(getattr(impl, "impl_instance", impl), (DateTime, Date)):
        return wandler
    try:
        schluessel = (dialekt.name, impl._static_cache_key)
        hash(schluessel)
    except Exception:  # ein Typ ohne Cache-Schlüssel: eigener Wandler, ohne Gedächtnis
        return wandler
    gemerkt = _ZEITWANDLER.get(schluessel)
    if gemerkt is None:
        gemerkt = _ZEITWANDLER[schluessel] = _mit_gedaechtnis(wandler)
    return gemerkt


def _mit_gedaechtnis(wandler):
    gedaechtnis: dict[int, tuple] = {}  # id(Wert) → (Wert, gewandelt); der Wert selbst hält die id fest

    def wandeln(wert):
        gemerkt = gedaechtnis.get(id(wert))
        if gemerkt is not None and gemerkt[0] is wert:
            return gemerkt[1]
        ergebnis = wandler(wert)
        if type(wert) is datetime or type(wert) is date:
            if len(gedaechtnis) >= 16:
                gedaechtnis.clear()
            gedaechtnis[id(wert)] = (wert, ergebnis)
        return ergebnis

    return wandeln


class Direkt:
    """Eine Core-Anweisung für den direkten Weg (siehe Modulkopf); ``direkt(anweisung)`` gibt sie."""

    __slots__ = ("_anweisung", "_je_dialekt", "_nach_spalten")

    def __init__(self, anweisung):
        self._anweisung = weakref.ref(anweisung)  # die Anweisung lebt so lange, wie ihr Erbauer sie hält
        self._je_dialekt: dict[Any, _Uebersetzt] = {}
        # Ein INSERT ohne eigene VALUES schreibt die Spalten, die die Parameter nennen.
        self._nach_spalten = isinstance(anweisung, Insert) and not anweisung._values and not anweisung._multi_values

    @property
    def anweisung(self):
        return self._anweisung()

    def _uebersetzt(self, verbindung: Connection, werte: dict) -> _Uebersetzt:
        dialekt = verbindung.dialect
        schluessel = (dialekt.name, tuple(werte)) if self._nach_spalten else dialekt.name
        u = self._je_dialekt.get(schluessel)
        if u is None:
            u = self._je_dialekt[schluessel] = _Uebersetzt(
                self.anweisung, dialekt, tuple(werte) if self._nach_spalten else None)
        return u

    def _cursor(self, verbindung: Connection, werte: dict, viele: list[dict] | None = None):
        """Führt aus und gibt (Übersetzung, Cursor); der Aufrufer schließt den Cursor."""
        u = self._uebersetzt(verbindung, werte)
        cursor = parameter = None
        try:
            cursor = verbindung.connection.dbapi_connection.cursor()
            if viele is None:
                parameter = u.parameter(werte)
                cursor.execute(u.sql, parameter)
            else:
                parameter = [u.parameter(w) for w in viele]
                cursor.executemany(u.sql, parameter)
        except Exception as fehler:
            if cursor is not None:
                cursor.close()
            # dieselbe Behandlung wie in Connection.execute (Fehlerklasse, Abbruch erkennen)
            verbindung._handle_dbapi_exception(fehler, u.sql, parameter, cursor, None)
        return u, cursor

    def spalten(self, verbindung: Connection) -> tuple[str, ...]:
        """Die Namen der Ergebnisspalten (in der Reihenfolge der Tupel von ``zeilen``)."""
        return self._uebersetzt(verbindung, {}).namen

    def _beobachtet(self, verbindung: Connection) -> bool:
        return verbindung._has_events or verbindung.engine._has_events

    def anzahl(self, verbindung: Connection, werte: dict | None = None) -> int:
        """Führt aus; gibt die Zahl der betroffenen Zeilen (UPDATE, DELETE, INSERT ohne RETURNING)."""
        werte = werte or {}
        if self._beobachtet(verbindung):
            return verbindung.execute(self.anweisung, werte).rowcount
        _, cursor = self._cursor(verbindung, werte)
        try:
            return cursor.rowcount
        finally:
            cursor.close()

    def viele(self, verbindung: Connection, zeilen: list[dict]) -> None:
        """Führt die Anweisung für jede Zeile aus (``executemany``; ohne RETURNING)."""
        if not zeilen:
            return
        if self._beobachtet(verbindung):
            verbindung.execute(self.anweisung, zeilen)
            return
        _, cursor = self._cursor(verbindung, zeilen[0], zeilen)
        cursor.close()

    def zeilen(self, verbindung: Connection, werte: dict | None = None) -> list[tuple]:
        """Alle Zeilen des Ergebnisses (SELECT oder RETURNING) als Tupel, durch die Typen gewandelt."""
        werte = werte or {}
        if self._beobachtet(verbindung):
            return [tuple(z) for z in verbindung.execute(self.anweisung, werte)]
        u, cursor = self._cursor(verbindung, werte)
        try:
            return [u.zeile(z) for z in cursor.fetchall()]
        finally:
            cursor.close()

    def zeile(self, verbindung: Connection, werte: dict | None = None) -> dict | None:
        """Die erste Zeile als ``{Spalte: Wert}``, ``None`` ohne Zeile."""
        werte = werte or {}
        if self._beobachtet(verbindung):
            z = verbindung.execute(self.anweisung, werte).first()
            return None if z is None else dict(z._mapping)
        u, cursor = self._cursor(verbindung, werte)
        try:
            roh = cursor.fetchone()
        finally:
            cursor.close()
        return None if roh is None else dict(zip(u.namen, u.zeile(roh)))

    def wert(self, verbindung: Connection, werte: dict | None = None):
        """Der erste Wert der ersten Zeile (``None`` ohne Zeile), etwa die Nummer aus ``RETURNING id``."""
        werte = werte or {}
        if self._beobachtet(verbindung):
            return verbindung.execute(self.anweisung, werte).scalar()
        u, cursor = self._cursor(verbindung, werte)
        try:
            roh = cursor.fetchone()
        finally:
            cursor.close()
        if roh is None:
            return None
        w = u.ergebnis[0] if u.ergebnis else None
        return w(roh[0]) if w is not None else roh[0]


def zusammen(verbindung: Connection, abfragen: list[tuple[Direkt, dict]]) -> list[list[tuple]]:
    """Die Zeilen mehrerer Abfragen (wie ``Direkt.zeilen``), auf PostgreSQL in einer Rundreise.

    Mit psycopg gehen die Abfragen in einer Pipeline an den Server, mit einem ``Sync`` am Ende
    (das eine offene Transaktion nicht beendet): der Client wartet einmal. Keine Abfrage darf
    also das Ergebnis einer anderen brauchen. Das ``BEGIN`` einer neuen Transaktion bleibt eine
    Rundreise für sich: psycopg (3.3) synchronisiert die Pipeline gleich nach dem ``BEGIN``.
    Sonst (SQLite, ein Beobachter an der Verbindung, eine einzige Abfrage) nacheinander wie ``zeilen``.
    """
    # Eine Abfrage allein braucht keine Pipeline (die kostet im Client mehr als eine Anweisung).
    if (len(abfragen) < 2 or verbindung.dialect.driver != "psycopg"
            or any(d._beobachtet(verbindung) for d, _ in abfragen)):
        return [d.zeilen(verbindung, werte) for d, werte in abfragen]
    treiber = verbindung.connection.driver_connection
    gesendet = []  # (Übersetzung, Cursor)
    u = parameter = cursor = None
    try:
        with treiber.pipeline():
            for d, werte in abfragen:
                u = d._uebersetzt(verbindung, werte)
                parameter = u.parameter(werte)
                cursor = treiber.cursor()
                gesendet.append((u, cursor))
                cursor.execute(u.sql, parameter)
        # Am Ende der Pipeline sind alle Ergebnisse da (Sync); fetchall wartet nicht mehr.
        return [[u.zeile(z) for z in c.fetchall()] for u, c in gesendet]
    except Exception as fehler:
        verbindung._handle_dbapi_exception(fehler, u.sql if u else "", parameter, cursor, None)
        raise  # nicht erreicht: die Fehlerbehandlung wirft immer
    finally:
        for _, c in gesendet:
            c.close()


_DIREKT: dict[int, Direkt] = {}


def direkt(anweisung) -> Direkt:
    """Die ``Direkt``-Form einer Anweisung, je Anweisungsobjekt einmal angelegt (und vergessen,
    wenn die Anweisung vergeht: etwa aus einem ``lru_cache`` fällt)."""
    d = _DIREKT.get(id(anweisung))
    if d is None:
        d = _DIREKT[id(anweisung)] = Direkt(anweisung)
        weakref.finalize(anweisung, _DIREKT.pop, id(anweisung), None)
    return d
