"""Fehler, die eine Nutzerin selbst beheben kann.

Jeder Text ist Deutsch, nennt die Stelle und den Ausweg. Die CLI macht daraus eine
``click.ClickException`` (Exit-Code ungleich 0); die Datenbank bleibt unverändert, weil
jede Änderung erst nach allen Prüfungen in einer Transaktion geschrieben wird.
"""


class Fachfehler(Exception):
    """Oberklasse: eine verständliche Meldung für Menschen."""


class NichtGefunden(Fachfehler):
    """Ein Objekt (Handlungsfeld, Person, ...) gibt es nicht."""


class Eingabefehler(Fachfehler):
    """Eine Eingabe (Datum, E-Mail-Adresse, Zeile einer Datei) ist ungültig."""


class SchrittNichtMoeglich(Fachfehler):
    """Ein Schritt ist im aktuellen Zustand, für diese Rolle oder wegen eines Wächters nicht möglich."""


class Konflikt(Fachfehler):
    """Jemand anderes hat dasselbe Handlungsfeld gleichzeitig geändert."""


class Konfigurationsfehler(Fachfehler):
    """Eine Einstellung oder die Organisationsdatei ist ungültig."""


class NichtBerechtigt(Fachfehler):
    """Die handelnde Person hat nicht die Rolle, die diese Handlung verlangt."""
