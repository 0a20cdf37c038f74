"""Woran das Monitoring liest und schreibt: die Verbindung einer Arbeitseinheit (oder eine Verbindung).

Die Bibliothek bekommt eine ``prozess.arbeit.Arbeit`` und schreibt nur in deren Transaktion;
für Skripte und Messungen genügt auch eine SQLAlchemy-``Connection`` oder eine ORM-Session.
"""

from __future__ import annotations

from monitoring.geheimhaltung import STANDARD_SCHWELLE


def verbindung_von(arbeit_oder_verbindung):
    """Die Core-Verbindung der laufenden Transaktion."""
    from sqlalchemy.engine import Connection

    if isinstance(arbeit_oder_verbindung, Connection):
        return arbeit_oder_verbindung
    verbindung = getattr(arbeit_oder_verbindung, "verbindung", None)
    if callable(verbindung):  # prozess.arbeit.Arbeit
        return verbindung()
    return arbeit_oder_verbindung.connection()  # ORM-Session


def schwelle_von(arbeit_oder_verbindung, schwelle: int | None) -> int:
    """Die Geheimhaltungsschwelle: ausdrücklich, sonst aus den Einstellungen der Arbeit, sonst 3."""
    if schwelle is not None:
        return schwelle
    einstellungen = getattr(arbeit_oder_verbindung, "einstellungen", None)
    return getattr(einstellungen, "geheimhaltung_schwelle", STANDARD_SCHWELLE)
