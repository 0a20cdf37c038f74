"""Große Stapel gleicher Zeilen direkt über den Treiber schreiben (``executemany``).

Der Takt schreibt in einer Transaktion Tausende Zeilen mit derselben Anweisung (Outbox,
Planung der Aufgaben, persönliche Links). Über ``Connection.execute`` verarbeitet SQLAlchemy
jeden Parameter jeder Zeile einzeln (Schlüssel zusammensetzen, Typ-Prozessor rufen: ein
Zeitpunkt in UTC umrechnen und als Text formatieren); bei 6.000 Outbox-Zeilen war das teurer
als das Schreiben selbst (``bench/takt.py``).

``Stapelanweisung`` übersetzt eine benannte Core-Anweisung einmal je Dialekt in SQL mit
Platzhaltern nach Position und übergibt die Zeilen als Tupel an ``exec_driver_sql``. Die Werte
wandelt derselbe Typ-Prozessor um, den SQLAlchemy nähme (die Spalten sehen also genau so aus
wie über ``execute``), aber einmal je *verschiedenem* Wert: in einem Stapel stehen meist
dieselben wenigen Zeitpunkte und Daten in jeder Zeile. Es bleibt *eine* Anweisung (ein
``executemany``), egal wie viele Zeilen.
"""

from __future__ import annotations

import copy
from datetime import date, datetime
from itertools import repeat
from typing import Any, Callable, Iterable, Sequence

# Werte dieser Typen wiederholen sich im Stapel und sind unveränderlich: ihr Prozessor läuft einmal je Wert.
_MERKBAR = (datetime, date)


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


def _umgewandelt(prozessor: Callable[[Any], Any], werte: list) -> list:
    """``prozessor`` auf jeden Wert, aber einmal je verschiedenem Wert (Zeitpunkte, Daten, Texte)."""
    try:
        je_wert = {wert: prozessor(wert) for wert in set(werte)}
    except TypeError:  # nicht hashbar (etwa ein Wörterbuch für eine JSON-Spalte)
        return list(map(prozessor, werte))
    return [je_wert[wert] for wert in werte]


class Stapelanweisung:
    """Eine Core-Anweisung (INSERT/UPDATE), ausgeführt als ein ``executemany`` über den Treiber.

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
                prozessor = None if name in self.roh else bind.type._cached_bind_processor(dialekt)
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
        verbindung.exec_driver_sql(sql, list(zip(*spalten)))
