"""Den Versand steuern: gescheiterte Mails erneut einreihen, Wartende sofort versuchen, aufbewahren.

Die ersten beiden für ``versand wiederholen`` und ``versand senden --sofort`` (und später die
Webseiten), die Aufbewahrung für den Takt; jede Funktion arbeitet in der Arbeitseinheit des
Aufrufers. Gesendet wird danach wie immer über ``prozess.takt.outbox_leeren``.

Aufbewahrt wird so: eine gesendete oder verworfene Mail bleibt ``versand_aufbewahrung_tage``
lang ganz in der Outbox; danach leert der Takt ihren Inhalt (Werte der Vorlage, Name und
Adresse des Empfängers, Kalendereinladung). Ihre Zeile bleibt für immer – mit dem Schlüssel,
der einen zweiten Versand derselben Mail verhindert, mit Anlass, Status, Zeitpunkten,
Message-ID und den Verweisen auf Aufgabe, Person und Statusbericht – und bleibt in
``versand status`` gezählt. Gescheiterte und wartende Mails bleiben ganz.
"""

from __future__ import annotations

from datetime import timedelta

from prozess.arbeit import Arbeit
from prozess.fehler import Eingabefehler


def versand_wiederholen(arbeit: Arbeit, *, ids: list[int] | None = None, grund: str | None = None,
                        alle: bool = False) -> int:
    """Reiht dauerhaft gescheiterte Mails erneut ein – nach Nummer, nach einem Teil des Grundes
    oder alle – und gibt ihre Zahl zurück. Sie gehen beim nächsten Versand hinaus.

    Genau eine Auswahl ist nötig. Nennt ``ids`` eine Nummer, die nicht dauerhaft gescheitert
    ist, wird nichts geändert; passt ``grund`` auf keine Mail, auch nicht.
    """
    from benachrichtigungen import warteschlange

    if sum((bool(ids), grund is not None, alle)) != 1:
        raise Eingabefehler("Welche Mails? Nennen Sie Nummern (»versand wiederholen 3 7«), einen Teil des Grundes "
                            "(»--grund Relay«) oder »--alle«, genau eines davon; die gescheiterten zeigt "
                            "»bildungsbuero versand status«.")
    if grund is not None and not grund.strip():
        raise Eingabefehler("--grund: Der Teil des Grundes ist leer; z. B. »--grund Relay«.")
    verbindung = arbeit.verbindung()
    if ids:
        fehlend = sorted(set(ids) - set(warteschlange.dauerhaft_gescheiterte(verbindung, ids)))
        if fehlend:
            nummern = ", ".join(map(str, fehlend))
            raise Eingabefehler(f"Mail {nummern}: nicht dauerhaft gescheitert (oder gibt es nicht); es wurde nichts "
                                "eingereiht. Die gescheiterten zeigt »bildungsbuero versand status«; vorübergehend "
                                "gescheiterte sendet »bildungsbuero versand senden --sofort«.")
        return warteschlange.wiederholen(verbindung, arbeit.jetzt, ids=ids)
    anzahl = warteschlange.wiederholen(verbindung, arbeit.jetzt, grund=grund.strip() if grund else None,
                                       alle=alle)
    if grund is not None and not anzahl:
        raise Eingabefehler(f"--grund: Keine dauerhaft gescheiterte Mail hat »{grund.strip()}« im Grund; die Gründe "
                            "zeigt »bildungsbuero versand status«.")
    return anzahl


def sofort_versuchen(arbeit: Arbeit) -> int:
    """Macht alle Mails, die auf einen späteren Versuch warten, und die Prüfung eines angehaltenen
    Versands sofort fällig; gibt die Zahl der Mails zurück."""
    from benachrichtigungen.warteschlange import jetzt_versuchen

    return jetzt_versuchen(arbeit.verbindung(), arbeit.jetzt)


def aufbewahren(arbeit: Arbeit) -> int:
    """Leert den Inhalt gesendeter und verworfener Mails, die älter sind als ``versand_aufbewahrung_tage``
    (je Aufruf höchstens einen Tag Geschichte; der nächste Takt macht weiter); Zahl der Mails."""
    from benachrichtigungen.warteschlange import inhalte_leeren

    return inhalte_leeren(arbeit.verbindung(), arbeit.jetzt - timedelta(days=arbeit.einstellungen.versand_aufbewahrung_tage))
