"""Rundreisen zu PostgreSQL zählen: wie oft der Client sendet und auf Antwort wartet.

Gezählt wird am Protokoll, nicht an Anweisungen: libpq schreibt mit ``PQtrace`` jede
Nachricht mit Richtung (``F`` Client → Server, ``B`` Server → Client) in eine Datei. Eine
Rundreise ist ein Block von ``F``-Zeilen, auf den der Client die Antwort abwartet; so zählen
das ``BEGIN``, das psycopg vor der ersten Anweisung sendet, ein Ping des Pools, jede
Anweisung und das ``COMMIT`` – und eine Pipeline aus mehreren Anweisungen zählt einmal.

    with Rundreisen(engine) as zaehler:
        ...                      # alles, was die Engine in dieser Zeit sendet
    zaehler.anzahl, zaehler.nachrichten

Gebraucht von ``tests/prozess/test_schritte_rundreisen.py`` und ``bench/schritte.py``.
"""

from __future__ import annotations

import tempfile

from sqlalchemy import event


def rundreisen_im_protokoll(text: str) -> int:
    """Zahl der ``F``-Blöcke in einem libpq-Trace (jeder Block wartet auf eine Antwort)."""
    anzahl, vorher = 0, "B"
    for zeile in text.splitlines():
        richtung = zeile[:1]
        if richtung == "F" and vorher != "F":
            anzahl += 1
        if richtung in ("F", "B"):
            vorher = richtung
    return anzahl


class Rundreisen:
    """Zählt die Rundreisen aller Verbindungen einer PostgreSQL-Engine im Block: die im Pool ruhenden,
    die neu ausgecheckten und ``verbindungen`` (DBAPI-Verbindungen, die schon ausgecheckt sind)."""

    def __init__(self, engine, verbindungen=()):
        self.engine = engine
        self.offen = {}  # id(driver_connection) → (driver_connection, Datei)
        self.anzahl = 0
        self.nachrichten = ""
        for v in verbindungen:
            self._verfolgen(v)

    def _verfolgen(self, dbapi_verbindung) -> None:
        from psycopg import pq

        treiber = getattr(dbapi_verbindung, "driver_connection", dbapi_verbindung)
        if id(treiber) in self.offen:
            return
        datei = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
        treiber.pgconn.trace(datei.fileno())
        treiber.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        self.offen[id(treiber)] = (treiber, datei)

    def _beim_auschecken(self, dbapi_verbindung, _record, _proxy) -> None:
        self._verfolgen(dbapi_verbindung)

    def __enter__(self) -> "Rundreisen":
        # Verfolgt werden alle Verbindungen, die im Pool ruhen (ein Ping nach Leerlauf läuft beim
        # Auschecken, noch bevor andere »checkout«-Zuhörer sie sehen), und jede, die neu ausgecheckt wird.
        for v in pool_verbindungen(self.engine):
            self._verfolgen(v)
        event.listen(self.engine.pool, "checkout", self._beim_auschecken)
        return self

    def __exit__(self, *_) -> None:
        event.remove(self.engine.pool, "checkout", self._beim_auschecken)
        teile = []
        for treiber, datei in self.offen.values():
            treiber.pgconn.untrace()
            datei.seek(0)
            inhalt = datei.read()
            datei.close()
            self.anzahl += rundreisen_im_protokoll(inhalt)
            teile.append(inhalt)
        self.nachrichten = "\n".join(teile)
        self.offen.clear()


def pool_verbindungen(engine) -> list:
    """Die DBAPI-Verbindungen, die im Pool der Engine ruhen (für QueuePool)."""
    pool = engine.pool
    warteschlange = getattr(pool, "_pool", None)
    if warteschlange is None:
        return []
    return [r.dbapi_connection for r in list(warteschlange.queue) if r.dbapi_connection is not None]
