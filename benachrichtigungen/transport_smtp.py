"""Transport über SMTP mit aiosmtplib: wiederverwendete Verbindungen, mehrere zugleich.

Ein Vorrat von ``parallel`` Verbindungen; jede Sendung leiht sich eine, öffnet sie bei
Bedarf (STARTTLS oder implizites TLS, AUTH wenn ein Benutzer gesetzt ist) und gibt sie
zurück. Eine abgebrochene Verbindung wird verworfen und beim nächsten Mal neu geöffnet.

Der Client grüßt mit ``ehlo_name`` (Einstellung ``smtp_ehlo_name``, sonst die Domain des
Absenders), nie mit dem, was ``socket.getfqdn()`` gerade liefert. Das Zertifikat des Servers
wird immer geprüft, gegen die CAs des Systems (eine eigene CA: in den Zertifikatsspeicher
des Systems oder über ``SSL_CERT_FILE``); ein Server mit fremdem Zertifikat bekommt keine Mail
und kein Passwort.

Fehlerarten (``einordnen``): 4xx, Abbruch, Zeitlimit → vorübergehend; 5xx für diesen
Empfänger (z. B. 550 5.1.1 unbekanntes Postfach) → dauerhaft. Was jede Mail gleich träfe,
ist eine ``AbweisungFuerAlle``: Relay verweigert, Anmeldung verlangt (530) oder abgelehnt
(535, ``AnmeldungAbgelehnt``), Absender abgewiesen (MAIL FROM), TLS verlangt (530 5.7.0), ein
fremdes Zertifikat oder ein anderer TLS-Fehler, ein Server, der STARTTLS oder AUTH nicht
anbietet – Fehler der Einstellungen, nicht des Empfängers: der Versand hält an und behält
die Mails. Netz- und TLS-Fehler bekommen einen deutschen Grund mit dem Originaltext in
Klammern. Das Passwort erscheint in keiner Meldung.
"""

from __future__ import annotations

import asyncio
import socket
import ssl

import aiosmtplib

from benachrichtigungen.transport import (
    AbweisungFuerAlle,
    DauerhafterFehler,
    VoruebergehenderFehler,
    Zustellfehler,
)


class AnmeldungAbgelehnt(AbweisungFuerAlle):
    """Der Server nahm Benutzer und Passwort nicht an (oder bietet keine Anmeldung an): ein Fehler der
    Einstellungen, der jede Mail gleich träfe; der Versand hält an."""


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

    def _einordnen(self, fehler: BaseException, absender: str) -> Zustellfehler:
        return einordnen(fehler, host=self.host, port=self.port, timeout=self.timeout, benutzer=self._benutzer,
                         absender=absender)

    async def senden(self, nachricht: bytes, absender: str, empfaenger: str) -> None:
        client = await self._vorrat.get()
        try:
            if not client.is_connected:
                await self._verbinden(client)
            await client.sendmail(absender, [empfaenger], nachricht)
        except AnmeldungAbgelehnt:
            client.close()
            raise
        except (aiosmtplib.SMTPRecipientsRefused, aiosmtplib.SMTPDataError) as fehler:
            await _zuruecksetzen(client)  # nur diese Mail scheiterte; die Verbindung bleibt brauchbar
            raise self._einordnen(fehler, absender) from None
        except (aiosmtplib.SMTPException, OSError) as fehler:
            client.close()  # Verbindung, TLS oder Umschlag gescheitert: beim nächsten Mal neu
            raise self._einordnen(fehler, absender) from None
        finally:
            # Den Client (auch einen geschlossenen) zurückgeben: beim nächsten Mal wird neu verbunden.
            self._vorrat.put_nowait(client)


async def _zuruecksetzen(client: aiosmtplib.SMTP) -> None:
    """Nach einer abgelehnten Mail die Sitzung für die nächste zurücksetzen (RSET)."""
    try:
        await client.rset()
    except (aiosmtplib.SMTPException, OSError):
        client.close()


def einordnen(fehler: BaseException, *, host: str, port: int, timeout: float, benutzer: str = "",
              absender: str = "") -> Zustellfehler:
    """Ordnet einen Fehler von aiosmtplib oder dem Netz einer Fehlerart zu, mit deutschem Grund.

    Der Originaltext steht in Klammern dahinter, damit die Verwaltung des Mailservers ihn
    wiederfindet. Antworten des Servers zu einem Empfänger bleiben, wie der Server sie gab.
    """
    server = f"{host}:{port}"
    if isinstance(fehler, aiosmtplib.SMTPResponseException):
        code, text = fehler.code, fehler.message
        antwort = f"{code} {text}".strip()
        if code in (530, 538):
            return _anmeldung_oder_tls_verlangt(server, antwort, text)
        if isinstance(fehler, aiosmtplib.SMTPAuthenticationError):
            return AnmeldungAbgelehnt(f"SMTP-Anmeldung als »{benutzer}« an {server} abgelehnt ({antwort}); prüfen Sie "
                                      "smtp_benutzer und smtp_passwort.")
        if 400 <= code < 500:
            return VoruebergehenderFehler(antwort)
        if isinstance(fehler, aiosmtplib.SMTPSenderRefused):
            return AbweisungFuerAlle(f"Der SMTP-Server {server} weist den Absender {absender} ab ({antwort}); "
                                     "prüfen Sie die Einstellung absender und ob das Konto mit dieser Adresse "
                                     "senden darf.")
        if isinstance(fehler, (aiosmtplib.SMTPConnectResponseError, aiosmtplib.SMTPHeloError)):
            return AbweisungFuerAlle(f"Der SMTP-Server {server} nimmt von diesem Rechner keine Mails an ({antwort}).")
        return DauerhafterFehler(antwort)
    if isinstance(fehler, aiosmtplib.SMTPRecipientsRefused):
        abgewiesen = fehler.recipients[0]
        code, text = abgewiesen.code, abgewiesen.message
        antwort = f"{code} {text}".strip()
        if code in (530, 538):
            return _anmeldung_oder_tls_verlangt(server, antwort, text)
        if 400 <= code < 500:
            return VoruebergehenderFehler(antwort)
        if "relay" in text.lower():
            return AbweisungFuerAlle(f"Der SMTP-Server {server} leitet nicht weiter ({antwort}); meist fehlt die "
                                     "Anmeldung (smtp_benutzer, smtp_passwort) oder der Server erlaubt diesem "
                                     "Rechner das Weiterleiten nicht.")
        return DauerhafterFehler(antwort)
    ssl_fehler = _ursache(fehler, ssl.SSLError)
    if isinstance(ssl_fehler, ssl.SSLCertVerificationError):
        return AbweisungFuerAlle(f"Das TLS-Zertifikat des SMTP-Servers {server} ist nicht vertrauenswürdig "
                                 f"({ssl_fehler}); prüfen Sie smtp_host (der Name muss "
                                 "im Zertifikat stehen) und das Zertifikat des Servers.")
    if ssl_fehler is not None:
        return AbweisungFuerAlle(f"TLS mit dem SMTP-Server {server} ist gescheitert ({ssl_fehler}); passt smtp_tls "
                                 "zum Port (465: tls, 587: starttls)?")
    if isinstance(fehler, aiosmtplib.SMTPNotSupported) or type(fehler) is aiosmtplib.SMTPException:
        text = str(fehler)
        if "SMTPUTF8" in text:  # eine Adresse mit Umlauten, die dieser Server nicht annimmt
            return DauerhafterFehler(f"Der SMTP-Server {server} nimmt keine Adressen mit Umlauten an ({text}).")
        return AbweisungFuerAlle(f"Der SMTP-Server {server} bietet nicht an, was die Einstellungen verlangen "
                                 f"({text}); prüfen Sie smtp_tls und smtp_benutzer.")
    if isinstance(fehler, (TimeoutError, aiosmtplib.SMTPTimeoutError)):
        return VoruebergehenderFehler(f"Der SMTP-Server {server} antwortet nicht innerhalb von {timeout:g} s "
                                      f"({fehler}).")
    if _ursache(fehler, socket.gaierror) is not None:
        return VoruebergehenderFehler(f"Den Namen des SMTP-Servers »{host}« kann das Netz nicht auflösen ({fehler}); "
                                      "prüfen Sie smtp_host.")
    if _ursache(fehler, ConnectionRefusedError) is not None:
        return VoruebergehenderFehler(f"Der SMTP-Server {server} nimmt keine Verbindung an ({fehler}); läuft er, und "
                                      "stimmen smtp_host und smtp_port?")
    if isinstance(fehler, aiosmtplib.SMTPConnectError):
        return VoruebergehenderFehler(f"Keine Verbindung zum SMTP-Server {server} ({fehler}).")
    if isinstance(fehler, (aiosmtplib.SMTPServerDisconnected, OSError)):
        return VoruebergehenderFehler(f"Die Verbindung zum SMTP-Server {server} ist abgebrochen ({fehler}).")
    return VoruebergehenderFehler(f"SMTP mit {server} gescheitert ({type(fehler).__name__}: {fehler}).")


def _anmeldung_oder_tls_verlangt(server: str, antwort: str, text: str) -> AbweisungFuerAlle:
    if "tls" in text.lower():
        return AbweisungFuerAlle(f"Der SMTP-Server {server} verlangt TLS ({antwort}); setzen Sie smtp_tls auf "
                                 "starttls (Port 587) oder tls (Port 465).")
    return AbweisungFuerAlle(f"Der SMTP-Server {server} verlangt eine Anmeldung ({antwort}); setzen Sie "
                             "smtp_benutzer und smtp_passwort.")


def _ursache(fehler: BaseException, art: type) -> BaseException | None:
    """``fehler`` selbst oder die erste Ursache in seiner Kette, die ``art`` ist."""
    gesehen = 0
    while fehler is not None and gesehen < 10:
        if isinstance(fehler, art):
            return fehler
        fehler = fehler.__cause__ or fehler.__context__
        gesehen += 1
    return None
