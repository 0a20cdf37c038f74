"""Der Vertrag eines Transports und die zwei Fehlerarten, die der Versand unterscheidet.

Ein Transport ist ein asynchroner Kontextmanager mit ``senden(nachricht, absender,
empfaenger)``; ``nachricht`` sind die fertigen Bytes (CRLF). Er meldet ``VoruebergehenderFehler`` (4xx, Verbindungsabbruch, Zeitlimit:
später erneut versuchen) oder ``DauerhafterFehler`` (5xx: nicht wiederholen). ``parallel``
sagt, wie viele Sendungen er gleichzeitig verträgt.
"""

from __future__ import annotations

from typing import Protocol


class Zustellfehler(Exception):
    """Eine Mail konnte nicht übergeben werden; ``str(fehler)`` ist für Menschen gedacht."""


class VoruebergehenderFehler(Zustellfehler):
    """Später erneut versuchen (RFC 5321: 4xx; dazu Verbindungsabbruch und Zeitlimit)."""


class DauerhafterFehler(Zustellfehler):
    """Nicht wiederholen (RFC 5321: 5xx, z. B. unbekanntes Postfach)."""


class Transport(Protocol):
    parallel: int

    async def __aenter__(self) -> "Transport": ...

    async def __aexit__(self, *exc) -> None: ...

    async def senden(self, nachricht: bytes, absender: str, empfaenger: str) -> None: ...


def transport_aus_einstellungen(e) -> Transport:
    """Der Transport, den die Einstellung ``versand`` wählt."""
    if e.versand == "smtp":
        from benachrichtigungen.transport_smtp import SmtpTransport

        return SmtpTransport.aus_einstellungen(e)
    from benachrichtigungen.transport_maildir import MaildirTransport

    return MaildirTransport(e.maildir_pfad)
