"""Ein echter SMTP-Server auf Loopback (aiosmtpd) für Tests: nimmt an, lehnt ab, fällt aus.

Der Port wird vom Betriebssystem gewählt. ``einmal`` und ``immer`` legen fest, was der
Server auf RCPT TO für eine Adresse sagt (z. B. einmal "451 …", immer "550 …").

Verschlüsselt und mit Anmeldung wie ein Relay des Kreises: ``Server(tls="starttls")``
verlangt STARTTLS, ``Server(tls="tls")`` spricht von Anfang an TLS (wie Port 465), beide mit
dem Zertifikat ``zertifikat`` (z. B. von ``trustme``); ``zugang={"benutzer": "passwort"}``
verlangt AUTH (PLAIN oder LOGIN, erst nach TLS). Je angenommener Mail hält ``eingaenge``
fest, wie sie kam: rohe Bytes, EHLO-Name, TLS-Version, angemeldeter Benutzer.
"""

from __future__ import annotations

import socket
import ssl
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def freier_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Eingang:
    """Wie eine Mail ankam."""

    roh: bytes
    ehlo: str | None
    tls: str | None  # z. B. "TLSv1.3"; None: unverschlüsselt
    benutzer: str | None  # angemeldet als; None: ohne Anmeldung


class Postfach:
    """Handler: sammelt angenommene Mails; Antworten je Empfänger einstellbar; prüft Anmeldungen."""

    def __init__(self, zugang: dict[str, str] | None = None) -> None:
        self.mails: list[EmailMessage] = []
        self.umschlaege: list[tuple[str, list[str]]] = []
        self.eingaenge: list[Eingang] = []
        self.anmeldungen: list[tuple[str, bool]] = []
        self.einmal: dict[str, list[str]] = {}
        self.immer: dict[str, str] = {}
        self.zugang = dict(zugang or {})
        self._sperre = threading.Lock()

    def anmelden(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        """aiosmtpd-Authenticator: Benutzer und Passwort gegen ``zugang``."""
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        benutzer = auth_data.login.decode("utf-8", "replace")
        richtig = benutzer in self.zugang and self.zugang[benutzer].encode("utf-8") == auth_data.password
        with self._sperre:
            self.anmeldungen.append((benutzer, richtig))
        return AuthResult(success=richtig, handled=False, auth_data=benutzer if richtig else None)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self._sperre:
            if self.einmal.get(address):
                return self.einmal[address].pop(0)
            if address in self.immer:
                return self.immer[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        roh = envelope.original_content or envelope.content
        nachricht = message_from_bytes(roh, policy=policy.default)
        tls = server.transport.get_extra_info("ssl_object")
        eingang = Eingang(roh, session.host_name, tls.version() if tls else None,
                          session.auth_data if session.authenticated else None)
        with self._sperre:
            self.mails.append(nachricht)
            self.umschlaege.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.eingaenge.append(eingang)
        return "250 Nachricht angenommen"

    def an(self, adresse: str) -> list[EmailMessage]:
        return [m for m in self.mails if adresse in str(m["To"])]

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.mails]


class Server:
    """aiosmtpd in einem eigenen Thread; kann gestoppt und auf demselben Port neu gestartet werden.

    ``tls``: ``keine``, ``starttls`` (verlangt) oder ``tls`` (implizit); ``zertifikat`` ist dann
    ein ``trustme.LeafCert``. ``zugang`` verlangt AUTH mit einem dieser Benutzer.
    """

    def __init__(self, tls: str = "keine", zertifikat=None, zugang: dict[str, str] | None = None) -> None:
        if (tls == "keine") != (zertifikat is None):
            raise ValueError("tls und zertifikat gehören zusammen")
        self.postfach = Postfach(zugang)
        self.port = freier_port()
        self.tls = tls
        self._kontext = _serverkontext(zertifikat) if zertifikat is not None else None
        self._controller: Controller | None = None

    def starten(self) -> None:
        parameter = {}
        if self.tls == "tls":
            # Implizites TLS kennt aiosmtpd nur als Socket; AUTH ist hier ohnehin verschlüsselt.
            parameter.update(ssl_context=self._kontext, auth_require_tls=False)
        elif self.tls == "starttls":
            parameter.update(tls_context=self._kontext, require_starttls=True)
        if self.postfach.zugang:
            parameter.update(authenticator=self.postfach.anmelden, auth_required=True)
        self._controller = Controller(self.postfach, hostname="127.0.0.1", port=self.port, **parameter)
        self._controller.start()

    def stoppen(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def _serverkontext(zertifikat) -> ssl.SSLContext:
    kontext = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    zertifikat.configure_cert(kontext)
    return kontext
