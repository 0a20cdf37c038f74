"""Der Vertrag eines Transports und die drei Fehlerarten, die der Versand unterscheidet.

Ein Transport ist ein asynchroner Kontextmanager mit ``senden(nachricht, absender,
empfaenger)``; ``nachricht`` sind die fertigen Bytes (CRLF). Er meldet

- ``VoruebergehenderFehler`` (4xx, Verbindungsabbruch, Zeitlimit): diese Mail später
  erneut versuchen;
- ``DauerhafterFehler`` (5xx für *diesen* Empfänger, z. B. unbekanntes Postfach): diese
  Mail nicht wiederholen;
- ``AbweisungFuerAlle``: der Server weist die Mail so ab, wie er jede abweisen würde
  (Relay verweigert, Anmeldung verlangt oder gescheitert, Absender abgewiesen, TLS
  verlangt). Das ist ein Fehler der Einstellungen, kein Fehler des Empfängers: der Versand
  hält an und behält die Mails.

``parallel`` sagt, wie viele Sendungen er gleichzeitig verträgt. Jede Meldung ist deutsch
und nennt den Originaltext des Servers oder des Netzes in Klammern.
"""

from __future__ import annotations

from typing import Protocol


class Zustellfehler(Exception):
    """Eine Mail konnte nicht übergeben werden; ``str(fehler)`` ist für Menschen gedacht."""


class VoruebergehenderFehler(Zustellfehler):
    """Später erneut versuchen (RFC 5321: 4xx; dazu Verbindungsabbruch und Zeitlimit)."""


class DauerhafterFehler(Zustellfehler):
    """Nicht wiederholen (RFC 5321: 5xx, z. B. unbekanntes Postfach)."""


class AbweisungFuerAlle(Zustellfehler):
    """Der Server weist jede Mail gleich ab (Einstellungen oder Berechtigung): anhalten, nichts verwerfen."""


class Transport(Protocol):
    parallel: int

    async def __aenter__(self) -> "Transport": ...

    async def __aexit__(self, *exc) -> None: ...

    async def senden(self, nachricht: bytes, absender: str, empfaenger: str) -> None: ...
