"""Benannte Core-Anweisungen am Ausführungsweg von SQLAlchemy vorbei, auf dem DBAPI-Cursor der Transaktion.

``Connection.execute`` kostet je Aufruf rund 140.000 Instruktionen (Ausführungskontext,
Cache-Schlüssel, Parameter, Ergebnisobjekt), ein Vielfaches dessen, was SQLite selbst für ein
INSERT braucht; und bei einem Stapel wandelt es jeden Parameter jeder Zeile einzeln. Dieses Modul
übersetzt eine Anweisung einmal je Dialekt mit SQLAlchemy und führt danach nur noch aus: dieselbe
SQL, dieselben Parameter, durch dieselben Typen gewandelt (``TypeEngine.bind_processor`` /
``result_processor`` des Dialekts, etwa ``UTCZeit`` und JSON), auf der DBAPI-Verbindung derselben
Transaktion. Zwei Formen:

- ``direkt(anweisung)`` (``Direkt``): die wenigen Zeilen eines Schritts, Parameter als
  Wörterbuch wie bei ``Connection.execute``, Ergebnisse als Tupel; ``zusammen`` schickt mehrere
  Abfragen, die nicht aufeinander warten, auf PostgreSQL (psycopg) in *einer* Pipeline: eine
  Rundreise statt einer je Anweisung.
- ``Stapelanweisung``: Tausende gleicher Zeilen (Takt: Outbox, Planung, persönliche Links) als
  *ein* ``executemany`` mit Tupeln, jeder verschiedene Wert einmal gewandelt (in einem Stapel
  stehen meist dieselben wenigen Zeitpunkte und Daten in jeder Zeile).

Was gleich bleibt wie bei ``Connection.execute`` (für beide Formen, ``_ausfuehren``):

- Fehler: ein Fehler der Datenbank oder beim Wandeln eines Parameters kommt als dieselbe
  Klasse von SQLAlchemy (``IntegrityError``, ``OperationalError`` …, ``StatementError``; über
  ``DBAPIError.instance`` wie dort, Parameter verborgen, wenn die Engine sie verbirgt). Erkennt
  der Dialekt einen Verbindungsabbruch (oder bricht ein ``KeyboardInterrupt`` die Anweisung ab),
  wird die Verbindung verworfen (``Connection.invalidate``); die Transaktion muss dann
  zurückgerollt werden wie sonst. Anders als SQLAlchemy verwirft das nicht gleich alle
  Verbindungen des Pools: die ruhenden prüft der Ping nach Leerlauf (``modelle.datenbank``).
- Beobachter: hängt an der Verbindung oder Engine ein Ereignis-Listener (``before_cursor_execute``,
  ``handle_error`` …, etwa in Tests, die Anweisungen mitschneiden), geht die Anweisung den
  gewöhnlichen Weg über ``Connection.execute`` bzw. ``exec_driver_sql`` und wird gesehen.

Nicht unterstützt (und beim Übersetzen abgewiesen): Anweisungen mit Python-seitigen
Standardwerten, die SQLAlchemy erst beim Ausführen berechnete, und aufgeklappte
``IN``-Parameter. Die Anweisungen, die dieses Modul nutzen, brauchen beides nicht.
"""

from __future__ import annotations

import copy
from datetime import date, datetime
from itertools import repeat
from operator import itemgetter
from typing import Any, Callable, Iterable, NoReturn, Sequence

from sqlalchemy import Date, DateTime
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection
from sqlalchemy.sql.dml import Insert


def _beobachtet(verbindung: Connection) -> bool:
    """Hört jemand an Verbindung oder Engine auf Ereignisse? Dann geht es den gewöhnlichen Weg."""
    return verbindung._has_events or verbindung.engine._has_events


def _ausfuehren(verbindung: Connection, sql: str, parameter, viele: bool = False):
    """``execute`` (oder ``executemany``) auf einem neuen Cursor der DBAPI-Verbindung von ``verbindung``.

    Gibt den Cursor (der Aufrufer schließt ihn); ein Fehler kommt wie aus ``Connection.execute``
    (``_fehler``). ``parameter`` sind schon gewandelt.
    """
    cursor = None
    if not verbindung.in_transaction():
        verbindung.begin()  # wie das »autobegin« von Connection.execute: sonst committete ``commit()`` nichts
    try:
        cursor = verbindung.connection.dbapi_connection.cursor()
        if viele:
            cursor.executemany(sql, parameter)
        else:
            cursor.execute(sql, parameter)
        return cursor
    except BaseException as fehler:
        _fehler(verbindung, fehler, sql, parameter, cursor, viele)


def _fehler(verbindung: Connection, fehler: BaseException, sql: str, parameter, cursor, viele: bool = False) -> NoReturn:
    """Meldet ``fehler`` wie ``Connection.execute``: als Ausnahme von SQLAlchemy derselben Klasse
    (``DBAPIError.instance``), nach einem Abbruch der Verbindung mit verworfener Verbindung.

    Nur öffentliche Schnittstellen: ``Dialect.is_disconnect``, ``DBAPIError.instance``,
    ``Connection.invalidate``.
    """
    dialekt = verbindung.dialect
    dbapi_fehler = dialekt.loaded_dbapi.Error
    ist_dbapi = isinstance(fehler, dbapi_fehler)
    if not isinstance(fehler, Exception):  # KeyboardInterrupt, SystemExit …: Zustand der Verbindung ungewiss
        abbruch = not verbindung.closed
    else:
        abbruch = ist_dbapi and not verbindung.closed and not verbindung.invalidated and dialekt.is_disconnect(
            fehler, verbindung.connection.dbapi_connection, cursor)
    if cursor is not None:
        try:
            cursor.close()
        except Exception:  # ein Cursor einer abgebrochenen Verbindung: das Schließen darf scheitern
            pass
    if abbruch:
        verbindung.invalidate(fehler)
    if not isinstance(fehler, Exception) or (not ist_dbapi and isinstance(fehler, sa_exc.StatementError)):
        raise fehler
    raise sa_exc.DBAPIError.instance(
        sql, parameter, fehler, dbapi_fehler, hide_parameters=verbindung.engine.hide_parameters,
        connection_invalidated=abbruch, dialect=dialekt, ismulti=viele,
    ) from fehler


def _positionaler_dialekt(dialekt):
    """Der Dialekt selbst, wenn er Platzhalter nach Position hat; sonst eine Kopie mit ``format`` (``%s``).

    Der psycopg-Treiber versteht beides; Tupel statt eines Wörterbuchs je Zeile sind billiger.
    """
    if dialekt.positional:
        return dialekt
    if dialekt.paramstyle != "pyformat":
        raise NotImplementedError(f"Platzhalter {dialekt.paramstyle!r} nicht vorgesehen")
    kopie = copy.copy(dialekt)
    kopie.paramstyle = "format"
    kopie.positional = True
    return kopie


class _Uebersetzt:
    """Eine Anweisung, für einen Dialekt (und einen Satz von Spalten) übersetzt."""

    __slots__ = ("sql", "positionell", "namen_param", "standard", "holen", "wandler", "namen", "ergebnis",
                 "ergebnis_wandler")

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
        # (Stelle, Wandler) nur der Spalten, die der Dialekt wandelt: die übrigen bleiben, wie der Treiber sie gibt
        self.ergebnis_wandler = tuple((i, w) for i, w in enumerate(self.ergebnis) if w is not None)

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
        if not self.ergebnis_wandler:
            return tuple(roh)
        zeile = list(roh)
        for i, w in self.ergebnis_wandler:
            zeile[i] = w(zeile[i])
        return tuple(zeile)


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
    """Eine Core-Anweisung für den direkten Weg (siehe Modulkopf); ``direkt(anweisung)`` gibt sie.

    Die Verbindung muss in einer begonnenen Transaktion stehen (``Session.connection()`` und
    ``engine.begin()`` tun das; ``arbeit.verbindung()`` ist immer so eine). Auf einer frischen
    Verbindung aus ``engine.connect()`` begönne erst ``Connection.execute`` die Transaktion: ohne sie
    committete ``commit()`` nicht, was ``Direkt`` schrieb. ``Stapelanweisung`` und ``zusammen``
    beginnen sie selbst (einmal je Stapel bzw. Aufruf kostet das nichts).
    """

    __slots__ = ("anweisung", "_je_dialekt", "_nach_spalten")

    def __init__(self, anweisung):
        # fest gehalten (nicht schwach): ``direkt(baue()).zeilen(…)`` mit einer Anweisung, die nur der Aufruf
        # hält – etwa wenn zwei Fäden zugleich ein leeres lru_cache füllen –, übersetzt sie sonst nach ihrem Ende
        self.anweisung = anweisung
        self._je_dialekt: dict[Any, _Uebersetzt] = {}
        # Ein INSERT ohne eigene VALUES schreibt die Spalten, die die Parameter nennen.
        self._nach_spalten = isinstance(anweisung, Insert) and not anweisung._values and not anweisung._multi_values

    def _uebersetzt(self, verbindung: Connection, werte: dict) -> _Uebersetzt:
        dialekt = verbindung.dialect
        schluessel = (dialekt.name, tuple(werte)) if self._nach_spalten else dialekt.name
        u = self._je_dialekt.get(schluessel)
        if u is None:
            u = self._je_dialekt[schluessel] = _Uebersetzt(
                self.anweisung, dialekt, tuple(werte) if self._nach_spalten else None)
        return u

    def _cursor(self, verbindung: Connection, werte: dict, viele: list[dict] | None = None):
        """Führt aus und gibt (Übersetzung, Cursor); der Aufrufer schließt den Cursor.

        Dasselbe wie ``_ausfuehren``, ausgeschrieben und ohne dessen »autobegin«: ein Schritt kommt
        viele Male hier durch, und schon die Frage ``in_transaction()`` je Anweisung kostete einen
        SQLite-Schritt 0,8 % seiner Instruktionen (callgrind). Darum verlangt ``Direkt`` eine
        Verbindung mit begonnener Transaktion (``Session.connection()``, ``engine.begin()``).
        """
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
        except BaseException as fehler:
            _fehler(verbindung, fehler, u.sql, parameter, cursor, viele is not None)
        return u, cursor

    def spalten(self, verbindung: Connection) -> tuple[str, ...]:
        """Die Namen der Ergebnisspalten (in der Reihenfolge der Tupel von ``zeilen``)."""
        return self._uebersetzt(verbindung, {}).namen

    def _beobachtet(self, verbindung: Connection) -> bool:
        return verbindung._has_events or verbindung.engine._has_events  # wie _beobachtet, ohne Aufruf mehr

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
    if not verbindung.in_transaction():
        verbindung.begin()  # wie in _ausfuehren
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
    except BaseException as fehler:
        _fehler(verbindung, fehler, u.sql if u else "", parameter, cursor)
    finally:
        for _, c in gesendet:
            c.close()


_DIREKT: dict[int, Direkt] = {}
# So viele Anweisungen gemerkt, dann beginnt der Speicher neu: die festen (Modul, lru_cache) kommen mit
# ihrer nächsten Ausführung wieder hinein, eine nur einmal gebaute bleibt nicht für immer.
_DIREKT_HOECHSTENS = 512


def direkt(anweisung) -> Direkt:
    """Die ``Direkt``-Form einer Anweisung, je Anweisungsobjekt einmal angelegt.

    Der Speicher hält die Anweisung fest, solange ihr Eintrag besteht: ihre ``id`` kann so keine
    andere bekommen, und sie lebt, bis der Aufruf sie ausgeführt hat."""
    d = _DIREKT.get(id(anweisung))
    if d is None:
        if len(_DIREKT) >= _DIREKT_HOECHSTENS:
            _DIREKT.clear()
        d = _DIREKT[id(anweisung)] = Direkt(anweisung)
    return d


# Werte dieser Typen wiederholen sich im Stapel und sind unveränderlich: ihr Prozessor läuft einmal je Wert.
_MERKBAR = (datetime, date)


def _umgewandelt(prozessor: Callable[[Any], Any], werte: list) -> list:
    """``prozessor`` auf jeden Wert, aber einmal je verschiedenem Wert (Zeitpunkte, Daten, Texte)."""
    try:
        je_wert = {wert: prozessor(wert) for wert in set(werte)}
    except TypeError:  # nicht hashbar (etwa ein Wörterbuch für eine JSON-Spalte)
        return list(map(prozessor, werte))
    return [je_wert[wert] for wert in werte]


class Stapelanweisung:
    """Eine Core-Anweisung (INSERT/UPDATE), ausgeführt als ein ``executemany`` über den Treiber.

    Übersetzt einmal je Dialekt in SQL mit Platzhaltern nach Position; es bleibt *eine* Anweisung,
    egal wie viele Zeilen (bei 6.000 Outbox-Zeilen war das Wandeln über ``Connection.execute``
    teurer als das Schreiben selbst, ``bench/takt.py``).

    ``parameter`` nennt die Werte jeder Zeile in ihrer Reihenfolge: bei einem INSERT die
    Spalten (wie die Schlüssel der Wörterbücher bei ``Connection.execute``), bei einem UPDATE die
    Namen der ``bindparam``. Die Zeilen sind Tupel in dieser Reihenfolge; Tupel statt Wörterbücher,
    weil ein Stapel Zehntausende kurzlebiger Objekte sonst die Speicherbereinigung anwirft.
    ``weitere`` nennt Parameter, die der Aufruf von ``ausfuehren`` für alle Zeilen mitgibt (ein
    fester Wert oder eine Liste je Zeile), statt sie in jedes Tupel zu kopieren. Parameter mit
    festem Wert in der Anweisung (``status == 'offen'``) brauchen keinen Eintrag. ``roh`` nennt
    Parameter, deren Werte schon so vorliegen, wie der Treiber sie braucht (etwa JSON, das der
    Aufrufer selbst als Text gebaut hat): sie gehen unverändert durch.
    """

    def __init__(self, anweisung, parameter: Sequence[str], weitere: Sequence[str] = (), roh: Iterable[str] = ()):
        self.anweisung = anweisung
        self.parameter = tuple(parameter)
        self.weitere = tuple(weitere)
        self.roh = frozenset(roh)
        self._je_dialekt: dict[str, tuple[str, list[tuple[int | str | None, Any, Callable | None]]]] = {}

    def _vorbereitet(self, dialekt):
        schluessel = f"{dialekt.name}+{dialekt.driver}"
        if schluessel not in self._je_dialekt:
            ist_insert = getattr(self.anweisung, "is_insert", False)
            kompiliert = self.anweisung.compile(
                dialect=_positionaler_dialekt(dialekt),
                column_keys=list(self.parameter + self.weitere) if ist_insert else None)
            stellen = []  # je Platzhalter: (Index im Tupel | Name in weitere | None, fester Wert, Prozessor)
            for name in kompiliert.positiontup:
                bind = kompiliert.binds[name]
                prozessor = None if name in self.roh else bind.type.dialect_impl(dialekt).bind_processor(dialekt)
                if name in self.parameter:
                    stellen.append((self.parameter.index(name), None, prozessor))
                elif name in self.weitere:
                    stellen.append((name, None, prozessor))
                elif not bind.required and bind.callable is None and bind.value is not None:
                    stellen.append((None, prozessor(bind.value) if prozessor else bind.value, None))
                else:  # etwa ein Vorgabewert der Spalte, den SQLAlchemy erst beim Ausführen einsetzte
                    raise ValueError(f"Parameter {name!r} fehlt in den Parametern des Stapels {self.parameter}")
            self._je_dialekt[schluessel] = (kompiliert.string, stellen)
        return self._je_dialekt[schluessel]

    def sql(self, dialekt) -> str:
        """Das SQL, wie es an den Treiber geht."""
        return self._vorbereitet(dialekt)[0]

    def ausfuehren(self, verbindung, zeilen: Sequence[Sequence], fest: dict[str, Any] | None = None,
                   je_zeile: dict[str, list] | None = None) -> None:
        """Schreibt alle Zeilen mit einem ``executemany`` in der laufenden Transaktion von ``verbindung``.

        ``fest`` und ``je_zeile`` liefern die ``weitere``n Parameter: einen Wert für alle Zeilen oder
        eine Liste mit einem Wert je Zeile.
        """
        if not zeilen:
            return
        fest, je_zeile = fest or {}, je_zeile or {}
        if set(fest) | set(je_zeile) != set(self.weitere):
            raise ValueError(f"erwartet: {self.weitere}, bekommen: {sorted(set(fest) | set(je_zeile))}")
        sql, stellen = self._vorbereitet(verbindung.dialect)
        n = len(zeilen)
        # Spaltenweise gebaut und dann zu Tupeln gezippt: eine Listen-Abstraktion je Spalte statt
        # einer Python-Schleife über jede Zelle.
        spalten = []
        for quelle, wert, prozessor in stellen:
            if quelle is None:
                spalten.append(repeat(wert, n))
            elif isinstance(quelle, str) and quelle in fest:
                spalten.append(repeat(prozessor(fest[quelle]) if prozessor else fest[quelle], n))
            else:
                werte = je_zeile[quelle] if isinstance(quelle, str) else [z[quelle] for z in zeilen]
                spalten.append(_umgewandelt(prozessor, werte) if prozessor else werte)
        zeilen_roh = list(zip(*spalten))
        if _beobachtet(verbindung):
            verbindung.exec_driver_sql(sql, zeilen_roh)
        else:
            _ausfuehren(verbindung, sql, zeilen_roh, viele=True).close()
