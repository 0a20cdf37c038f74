"""Auf welche Kennzahlen sich ein Handlungsfeld stützt (die Grundlage für Wächter und Statusbericht)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from monitoring import katalog
from monitoring.verbindung import verbindung_von
from prozess.fehler import NichtGefunden


def kennzahl_verknuepfen(arbeit, feld_id: int, kennzahl: str, jetzt: datetime | None = None) -> bool:
    """Verknüpft das Feld mit der Kennzahl; ``False``, wenn sie es schon war (dann ändert sich nichts)."""
    verbindung, jetzt = verbindung_von(arbeit), jetzt or arbeit.jetzt
    from sqlalchemy import insert, select

    from modelle.kennzahlen import HandlungsfeldKennzahl as HK
    from modelle.tabellen import Handlungsfeld

    if kennzahl not in katalog.KATALOG:
        raise NichtGefunden(f"Die Kennzahl »{kennzahl}« gibt es nicht; bekannt: {', '.join(katalog.KATALOG)}.")
    if verbindung.execute(select(Handlungsfeld.id).where(Handlungsfeld.id == feld_id)).first() is None:
        raise NichtGefunden(f"Das Handlungsfeld {feld_id} gibt es nicht (»bildungsbuero handlungsfeld liste«).")
    kennzahl_id = katalog.katalog_eintragen(verbindung)[kennzahl]
    schon = verbindung.execute(select(HK.kennzahl_id).where(HK.handlungsfeld_id == feld_id,
                                                            HK.kennzahl_id == kennzahl_id)).first()
    if schon is not None:
        return False
    verbindung.execute(insert(HK).values(handlungsfeld_id=feld_id, kennzahl_id=kennzahl_id, verknuepft_am=jetzt))
    return True


def kennzahlen_des_feldes(arbeit, feld_id: int) -> list[str]:
    """Die Schlüssel der Kennzahlen des Feldes, in der Reihenfolge der Verknüpfung."""
    from modelle.direkt import direkt

    return [s for s, in direkt(_kennzahlen_anweisung()).zeilen(verbindung_von(arbeit), {"feld_id": feld_id})]


@lru_cache(maxsize=1)
def _kennzahlen_anweisung():
    """Einmal gebaut (jede Feldseite fragt das); Platzhalter ``feld_id``."""
    from sqlalchemy import bindparam, select

    from modelle.kennzahlen import HandlungsfeldKennzahl as HK, Kennzahl

    return (select(Kennzahl.schluessel).join(HK, HK.kennzahl_id == Kennzahl.id)
            .where(HK.handlungsfeld_id == bindparam("feld_id")).order_by(HK.verknuepft_am, Kennzahl.schluessel))
