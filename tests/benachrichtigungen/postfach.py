"""Ein echter SMTP-Server auf Loopback (aiosmtpd) für Tests: nimmt an, lehnt ab, fällt aus.

Der Port wird vom Betriebssystem gewählt. ``antworten`` legt fest, was der Server auf
RCPT TO für eine Adresse sagt (z. B. einmal "451 …", immer "550 …").
"""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def freier_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postfach:
    """Handler: sammelt angenommene Mails; Antworten je Empfänger einstellbar."""

    def __init__(self) -> None:
        self.mails: list[EmailMessage] = []
        self.umschlaege: list[tuple[str, list[str]]] = []
        self.einmal: dict[str, list[str]] = {}
        self.immer: dict[str, str] = {}
        self._sperre = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self._sperre:
            if self.einmal.get(address):
                return self.einmal[address].pop(0)
            if address in self.immer:
                return self.immer[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        nachricht = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self._sperre:
            self.mails.append(nachricht)
            self.umschlaege.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Nachricht angenommen"

    def an(self, adresse: str) -> list[EmailMessage]:
        return [m for m in self.mails if adresse in str(m["To"])]

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.mails]


class Server:
    """aiosmtpd in einem eigenen Thread; kann gestoppt und auf demselben Port neu gestartet werden."""

    def __init__(self) -> None:
        self.postfach = Postfach()
        self.port = freier_port()
        self._controller: Controller | None = None

    def starten(self) -> None:
        self._controller = Controller(self.postfach, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stoppen(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
