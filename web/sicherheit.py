"""Was jede Antwort schützt: Sicherheits-Kopfzeilen, CSRF, Ratenbegrenzung, Logzeilen ohne Token.

- Kopfzeilen: eine Content-Security-Policy ohne Skript (die Seiten haben keins), keine
  Einbettung in Rahmen, kein Referer (Tokens in Adressen gelangen so nie zu Dritten) und
  ``Cache-Control: no-store`` auf jeder Seite, die nicht die feste CSS-Datei ist.
- CSRF: doppelt übermittelt. Jede Antwort setzt, wenn es fehlt, das Cookie ``bb_csrf``
  (zufällig, HttpOnly, SameSite=Lax: so bleibt es beim Öffnen eines Links aus der Mail erhalten); jedes Formular trägt denselben Wert im Feld
  ``csrf``. Ein POST ohne passendes Paar wird mit 403 abgewiesen, bevor er etwas tut.
- Ratenbegrenzung: ein gleitendes Fenster je Schlüssel (Absender-IP) im Speicher des
  Prozesses, mit der Uhr der Umgebung.
- Logzeilen: Methode, Pfad (Tokens darin durch »…« ersetzt, ohne Query), Status, Dauer.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
import time
from collections import defaultdict, deque
from datetime import datetime, timedelta
from typing import Callable

from fastapi import Request
from starlette.datastructures import MutableHeaders
from starlette.requests import cookie_parser
from starlette.responses import Response

CSRF_COOKIE = "bb_csrf"
CSRF_FELD = "csrf"
KOPFZEILEN = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
# Pfade, deren letzter Teil ein Token ist: er erscheint nie im Log.
_TOKEN_PFAD = re.compile(r"^/(anmelden|teilnahme)/[^/]+")
_STATISCH = "/statisch/"

log = logging.getLogger("bildungsbuero.web")


class CsrfFehlt(Exception):
    """Ein POST ohne gültiges CSRF-Paar."""


class ZuVieleAnfragen(Exception):
    """Die Ratenbegrenzung greift."""


def pfad_fuers_log(pfad: str) -> str:
    """Der Pfad ohne Tokens (``/anmelden/…``, ``/teilnahme/…/aufgaben/3/erledigt``)."""
    return _TOKEN_PFAD.sub(r"/\1/…", pfad)


class Schutz:
    """ASGI-Middleware: CSRF-Cookie bereitstellen, Kopfzeilen setzen, eine Logzeile ohne Token schreiben.

    Eine schlichte ASGI-Schicht statt ``@app.middleware("http")`` (``BaseHTTPMiddleware``): jene
    reicht jede Antwort durch einen eigenen Task und Strom weiter, das waren rund 40 % der CPU-Zeit
    von ``/lebt``. Was sie tut, ist dasselbe; sie ändert nur die Kopfzeilen der Antwort.
    """

    def __init__(self, app, sicher: bool = False) -> None:
        self.app, self.sicher = app, sicher

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        beginn = time.perf_counter()
        vorhanden = _cookie(scope, CSRF_COOKIE)
        csrf = vorhanden or secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf"] = csrf
        pfad = scope["path"]

        async def senden(nachricht) -> None:
            if nachricht["type"] == "http.response.start":
                kopf = MutableHeaders(scope=nachricht)
                for name, wert in KOPFZEILEN.items():
                    kopf.setdefault(name, wert)
                if not pfad.startswith(_STATISCH):
                    kopf["Cache-Control"] = "no-store"
                if not vorhanden:
                    kopf.append("set-cookie", _csrf_cookie(csrf, self.sicher))
                log.info("%s %s %s %.0f ms", scope["method"], pfad_fuers_log(pfad), nachricht["status"],
                         (time.perf_counter() - beginn) * 1000)
            await send(nachricht)

        await self.app(scope, receive, senden)


def _cookie(scope, name: str) -> str | None:
    """Der Wert des Cookies ``name`` aus den Kopfzeilen der Anfrage, gelesen wie ``Request.cookies``."""
    cookies: dict[str, str] = {}
    for schluessel, wert in scope["headers"]:
        if schluessel == b"cookie":
            cookies.update(cookie_parser(wert.decode("latin-1")))
    return cookies.get(name)


def _csrf_cookie(wert: str, sicher: bool) -> str:
    """Die Set-Cookie-Zeile des CSRF-Cookies (HttpOnly, SameSite=Lax, Pfad /, Secure hinter HTTPS)."""
    antwort = Response()
    antwort.set_cookie(CSRF_COOKIE, wert, httponly=True, samesite="lax", secure=sicher, path="/")
    return antwort.headers["set-cookie"]


async def csrf_pruefen(request: Request) -> None:
    """Abhängigkeit jeder Route: ein POST braucht ``csrf`` im Formular gleich dem Cookie."""
    if request.method != "POST":
        return
    cookie = request.cookies.get(CSRF_COOKIE, "")
    formular = await request.form()
    feld = formular.get(CSRF_FELD, "")
    if not cookie or not isinstance(feld, str) or not hmac.compare_digest(cookie.encode(), feld.encode()):
        raise CsrfFehlt()


class Ratenbegrenzung:
    """Höchstens ``anzahl`` Ereignisse je Schlüssel in ``fenster``; gezählt im Speicher dieses Prozesses."""

    def __init__(self, anzahl: int, fenster: timedelta, uhr: Callable[[], datetime]):
        self.anzahl, self.fenster, self.uhr = anzahl, fenster, uhr
        self._ereignisse: dict[str, deque[datetime]] = defaultdict(deque)

    GROESSE = 10_000  # so viele Schlüssel, dann werden die vergessen, deren Fenster leer ist

    def zaehlen(self, schluessel: str) -> None:
        """Zählt ein Ereignis; wirft ``ZuVieleAnfragen``, wenn das Fenster schon voll ist."""
        jetzt = self.uhr()
        if len(self._ereignisse) > self.GROESSE:
            self._aufraeumen(jetzt)
        ereignisse = self._ereignisse[schluessel]
        while ereignisse and ereignisse[0] <= jetzt - self.fenster:
            ereignisse.popleft()
        if len(ereignisse) >= self.anzahl:
            raise ZuVieleAnfragen()
        ereignisse.append(jetzt)

    def _aufraeumen(self, jetzt: datetime) -> None:
        """Vergisst Schlüssel ohne Ereignis im Fenster: der Speicher wächst nicht mit jeder neuen Adresse."""
        for schluessel in [s for s, e in self._ereignisse.items() if not e or e[-1] <= jetzt - self.fenster]:
            del self._ereignisse[schluessel]
