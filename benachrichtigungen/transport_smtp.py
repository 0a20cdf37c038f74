"""Transport über SMTP mit aiosmtplib: wiederverwendete Verbindungen, mehrere zugleich.

Ein Vorrat von ``parallel`` Verbindungen; jede Sendung leiht sich eine, öffnet sie bei
Bedarf (STARTTLS oder implizites TLS, AUTH wenn ein Benutzer gesetzt ist) und gibt sie
zurück. Eine abgebrochene Verbindung wird verworfen und beim nächsten Mal neu geöffnet.

Der Client grüßt mit ``ehlo_name`` (Einstellung ``smtp_ehlo_name``, sonst die Domain des
Absenders), nie mit dem, was ``socket.getfqdn()`` gerade liefert. Das Zertifikat des Servers
wird immer geprüft, gegen die CAs des Systems (eine eigene CA: in den Zertifikatsspeicher
des Systems oder über ``SSL_CERT_FILE``); ein Server mit fremdem Zertifikat bekommt keine Mail
und kein Passwort.

Fehlerarten nach RFC 5321: 4xx, Abbruch, Zeitlimit → vorübergehend; 5xx → dauerhaft.
Ausnahme: eine abgelehnte Anmeldung (535, oder der Server bietet kein AUTH an) meldet
``AnmeldungAbgelehnt``; sie betrifft jede Mail und ist ein Fehler der Einstellungen, kein
Fehler des Empfängers, und gilt daher als vorübergehend: nach dem Beheben wird alles
zugestellt. Das Passwort erscheint in keiner Meldung.
"""

from __future__ import annotations

import asyncio
import aiosmtplib

from benachrichtigungen.transport import DauerhafterFehler, VoruebergehenderFehler


class AnmeldungAbgelehnt(VoruebergehenderFehler):
    """Der Server nahm Benutzer und Passwort nicht an (oder bietet keine Anmeldung an): ein Fehler der Einstellungen."""


class SmtpTransport:
    def __init__(self, host: str, port: int, *, tls: str = "starttls", benutzer: str = "", passwort: str = "",
                 timeout: float = 30, parallel: int = 8, ehlo_name: str = "localhost"):
        self.host, self.port, self.tls = host, port, tls
        self.ehlo_name = ehlo_name
        self._benutzer, self._passwort = benutzer, passwort
        self.timeout = timeout
        self.parallel = parallel
        self._vorrat: asyncio.Queue[aiosmtplib.SMTP] | None = None
        self._alle: list[aiosmtplib.SMTP] = []

    @classmethod
    def aus_einstellungen(cls, e) -> "SmtpTransport":
        passwort = e.smtp_passwort.klartext if hasattr(e.smtp_passwort, "klartext") else e.smtp_passwort
        return cls(e.smtp_host, e.smtp_port, tls=e.smtp_tls, benutzer=e.smtp_benutzer, passwort=passwort,
                   timeout=e.smtp_timeout_sekunden, parallel=e.versand_parallel,
                   ehlo_name=e.smtp_ehlo_name or e.absender.rsplit("@", 1)[1])

    def __repr__(self) -> str:
        return f"SmtpTransport({self.host}:{self.port}, tls={self.tls}, parallel={self.parallel})"

    def _neuer_client(self) -> aiosmtplib.SMTP:
        return aiosmtplib.SMTP(
            hostname=self.host, port=self.port, timeout=self.timeout, local_hostname=self.ehlo_name,
            use_tls=self.tls == "tls", start_tls=True if self.tls == "starttls" else False,
        )

    async def __aenter__(self) -> "SmtpTransport":
        self._vorrat = asyncio.Queue()
        for _ in range(self.parallel):
            client = self._neuer_client()
            self._alle.append(client)
            self._vorrat.put_nowait(client)
        return self

    async def __aexit__(self, *exc) -> None:
        for client in self._alle:
            if client.is_connected:
                try:
                    await client.quit()
                except (aiosmtplib.SMTPException, OSError):
                    client.close()
        self._alle.clear()

    async def _verbinden(self, client: aiosmtplib.SMTP) -> None:
        await client.connect()
        if self._benutzer:
            await self._anmelden(client)

    async def _anmelden(self, client: aiosmtplib.SMTP) -> None:
        """AUTH mit Benutzer und Passwort; eine Ablehnung wird ``AnmeldungAbgelehnt`` (ohne Passwort)."""
        try:
            await client.login(self._benutzer, self._passwort)
        except aiosmtplib.SMTPAuthenticationError as fehler:
            raise AnmeldungAbgelehnt(
                f"SMTP-Anmeldung als »{self._benutzer}« an {self.host}:{self.port} abgelehnt ({fehler.code} "
                f"{fehler.message}); prüfen Sie smtp_benutzer und smtp_passwort."
            ) from None
        except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError):
            raise  # das Netz, nicht die Anmeldung: wie jeder Verbindungsfehler
        except aiosmtplib.SMTPException as fehler:  # kein AUTH angeboten, kein gemeinsames Verfahren
            raise AnmeldungAbgelehnt(
                f"Keine SMTP-Anmeldung an {self.host}:{self.port} möglich ({fehler}); prüfen Sie smtp_tls (viele "
                "Server erlauben AUTH erst nach TLS) oder lassen Sie smtp_benutzer leer."
            ) from None

    async def senden(self, nachricht: bytes, absender: str, empfaenger: str) -> None:
        client = await self._vorrat.get()
        try:
            if not client.is_connected:
                await self._verbinden(client)
            await client.sendmail(absender, [empfaenger], nachricht)
        except AnmeldungAbgelehnt:
            client.close()
            raise
        except aiosmtplib.SMTPRecipientsRefused as fehler:
            await _zuruecksetzen(client)
            raise _nach_code(fehler.recipients[0].code, fehler.recipients[0].message) from None
        except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPConnectError, aiosmtplib.SMTPTimeoutError,
                asyncio.TimeoutError, OSError) as fehler:
            client.close()
            raise VoruebergehenderFehler(f"Verbindung zu {self.host}:{self.port}: {fehler}") from None
        except aiosmtplib.SMTPResponseException as fehler:
            await _zuruecksetzen(client)
            raise _nach_code(fehler.code, fehler.message) from None
        except aiosmtplib.SMTPException as fehler:
            # z. B. SMTPNotSupported: der Server kann kein STARTTLS oder kein AUTH. Ein Fehler der
            # Einstellungen, nicht des Empfängers: vorübergehend, damit nach dem Beheben alles ankommt.
            client.close()
            raise VoruebergehenderFehler(f"SMTP mit {self.host}:{self.port}: {fehler}; prüfen Sie smtp_tls und "
                                         "smtp_benutzer.") from None
        finally:
            # Den Client (auch einen geschlossenen) zurückgeben: beim nächsten Mal wird neu verbunden.
            self._vorrat.put_nowait(client)


async def _zuruecksetzen(client: aiosmtplib.SMTP) -> None:
    """Nach einer abgelehnten Mail die Sitzung für die nächste zurücksetzen (RSET)."""
    try:
        await client.rset()
    except (aiosmtplib.SMTPException, OSError):
        client.close()


def _nach_code(code: int, text: str):
    meldung = f"{code} {text}".strip()
    if 400 <= code < 500:
        return VoruebergehenderFehler(meldung)
    return DauerhafterFehler(meldung)
