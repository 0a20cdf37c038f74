"""Kleine Fallzahlen unterdrücken – in jeder Ausgabe (Bericht, Statusbericht, CLI, Grafik, Export).

Drei Regeln:

1. **Primär**: eine Anzahl größer als null und kleiner als die Schwelle (Einstellung
   ``geheimhaltung_schwelle``, Standard 3) wird nicht gezeigt. Null (``-``) ist keine
   Angabe über Personen und bleibt sichtbar.
2. **Sekundär**: wo eine Summe und ihre Teile gezeigt werden (eine Gemeinde und ihre
   Schulen, ein Kreis und seine Abschlussarten), darf nicht genau eine Zelle verborgen sein –
   sonst ergibt sie sich als Differenz. Dann wird zusätzlich der kleinste noch sichtbare Teil
   (größer null) verborgen, sonst die Summe; das wiederholt sich, bis keine Summe mehr genau
   eine verborgene Zelle hat (auch über mehrere Summen, z. B. Zeilen und Spalten).
   Zellen ohne Zahl (``.``, ``x``, ``...``, ``/``) gelten dabei als verborgen: auch sie darf
   keine Differenz verraten.
3. **Anteile**: ein Anteil, dessen Zähler oder Nenner verborgen ist, wird auch verborgen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Iterable, Mapping

STANDARD_SCHWELLE = 3


@dataclass(frozen=True)
class Summe:
    """``gesamt`` ist die Summe der ``teile`` (alle Schlüssel von Zellen)."""

    gesamt: Hashable
    teile: tuple[Hashable, ...]


def primaer(zellen: Mapping[Hashable, float | None], schwelle: int = STANDARD_SCHWELLE) -> set:
    """Die Zellen mit einer Anzahl über null und unter der Schwelle."""
    return {schluessel for schluessel, wert in zellen.items() if wert is not None and 0 < wert < schwelle}


def unterdruecken(zellen: Mapping[Hashable, float | None], summen: Iterable[Summe] = (),
                  schwelle: int = STANDARD_SCHWELLE) -> set:
    """Die Schlüssel der Zellen mit Zahl, die nicht gezeigt werden dürfen (primär und sekundär)."""
    verborgen = primaer(zellen, schwelle)
    ohne_zahl = {schluessel for schluessel, wert in zellen.items() if wert is None}
    summen = [s for s in summen if s.gesamt in zellen]
    geaendert = True
    while geaendert:
        geaendert = False
        for summe in summen:
            teile = [t for t in summe.teile if t in zellen]
            beteiligt = [summe.gesamt, *teile]
            if sum(1 for z in beteiligt if z in verborgen or z in ohne_zahl) != 1:
                continue
            zusaetzlich = _zweite_zelle(zellen, teile, verborgen | ohne_zahl) or summe.gesamt
            if zusaetzlich in verborgen or zusaetzlich in ohne_zahl:
                continue  # nur die Summe wäre übrig und ist selbst die verborgene Zelle: nichts zu verraten
            verborgen.add(zusaetzlich)
            geaendert = True
    return verborgen


def _zweite_zelle(zellen: Mapping, teile: list, verborgen: set) -> Hashable | None:
    """Der kleinste sichtbare Teil über null (er verrät am wenigsten), sonst irgendein sichtbarer Teil."""
    sichtbar = [t for t in teile if t not in verborgen]
    positiv = [t for t in sichtbar if zellen[t] > 0]
    auswahl = positiv or sichtbar
    return min(auswahl, key=lambda t: (zellen[t], str(t))) if auswahl else None


def anteil_verborgen(zaehler: Hashable, nenner: Hashable, verborgen: set) -> bool:
    """Ein Anteil wird verborgen, wenn Zähler oder Nenner verborgen sind."""
    return zaehler in verborgen or nenner in verborgen
