"""Die Web-App: ``app_bauen(umgebung)`` verdrahtet Seiten, Schutz und Fehlerseiten mit *einer* Umgebung.

Wie die CLI parst die App nur und stellt dar: jede Seite ruft die Bibliothek in einer
Arbeitseinheit der Umgebung. Forwarded-Kopfzeilen gelten nur von den Proxies aus
``web_proxies``; ``basis_url`` mit ``https://`` macht die Cookies ``Secure``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from web import anmeldung, anregungen, arbeitsseiten, buero, teilnahme
from web.darstellung import seite, vorlagen_vorbereiten
from web.sicherheit import CsrfFehlt, Ratenbegrenzung, Schutz, ZuVieleAnfragen, csrf_pruefen

STATISCH = Path(__file__).resolve().parent / "statisch"


def _faeden_begrenzen(anzahl: int):
    """Lebenszyklus der App: die Seiten (synchrone Handler) laufen in höchstens ``anzahl`` Fäden.

    Starlette gibt jeden synchronen Handler in den Fadenvorrat von AnyIO (40 Fäden). Die Seiten
    rechnen fast nur in Python; mit zehn Anfragen zugleich stritten zehn Fäden um den GIL, und
    jede Seite kostete so rund die Hälfte mehr Rechenzeit (8,3 statt 5,5 ms, bench/web.py).
    Der Vorrat gilt je Ereignisschleife, also wird er beim Start in ihr gesetzt.
    """
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lebenszyklus(_app):
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = anzahl
        yield

    return lebenszyklus


def app_bauen(umgebung) -> FastAPI:
    """Die App über ``umgebung`` (Einstellungen, Datenbank, Uhr)."""
    from prozess.fehler import NichtGefunden
    from prozess.anmeldung import LinkUngueltig
    from prozess.teilnahme import TeilnahmelinkUngueltig

    e = umgebung.einstellungen
    vorlagen_vorbereiten()  # einmal je Prozess (die Umgebung ist zwischengespeichert)
    app = FastAPI(title="Bildungsbüro", docs_url=None, redoc_url=None, openapi_url=None,
                  dependencies=[Depends(csrf_pruefen)], lifespan=_faeden_begrenzen(e.web_faeden))
    app.state.umgebung = umgebung
    app.state.sicher = e.basis_url.startswith("https://")
    # Mit web_prozesse > 1 zählt jeder Prozess für sich: jeder bekommt einen gleichen Anteil (aufgerundet).
    anteil = lambda anzahl: -(-anzahl // e.web_prozesse)  # noqa: E731
    app.state.anmeldeanfragen = Ratenbegrenzung(anteil(e.anmeldeanfragen_je_stunde), timedelta(hours=1), umgebung.uhr)
    app.state.anregungen = Ratenbegrenzung(anteil(e.anregungen_je_stunde), timedelta(hours=1), umgebung.uhr)
    app.add_middleware(Schutz, sicher=app.state.sicher)
    app.mount("/statisch", StaticFiles(directory=STATISCH), name="statisch")
    app.include_router(anmeldung.router)
    app.include_router(anregungen.router)
    app.include_router(buero.lese_router)
    app.include_router(buero.router)
    app.include_router(arbeitsseiten.router)
    app.include_router(teilnahme.router)
    app.include_router(teilnahme.buero_router)

    @app.get("/lebt", include_in_schema=False)
    def lebt():
        return PlainTextResponse("ok")

    @app.exception_handler(anmeldung.NichtAngemeldet)
    def nicht_angemeldet(request: Request, _fehler):
        return RedirectResponse("/anmelden", status_code=303)

    @app.exception_handler(CsrfFehlt)
    def csrf_fehlt(request: Request, _fehler):
        return seite(request, "fehler.html.j2", 403, titel="Formular abgelaufen",
                     fehler="Das Formular ist abgelaufen oder kam nicht von dieser Seite. Laden Sie die Seite neu "
                            "und senden Sie es noch einmal.")

    @app.exception_handler(ZuVieleAnfragen)
    def zu_viele(request: Request, _fehler):
        return seite(request, "fehler.html.j2", 429, titel="Zu viele Anfragen",
                     fehler="Von Ihrem Anschluss kamen in der letzten Stunde zu viele Anmeldeanfragen. Bitte "
                            "versuchen Sie es später noch einmal.")

    @app.exception_handler(LinkUngueltig)
    def link_ungueltig(request: Request, fehler):
        return seite(request, "link_ungueltig.html.j2", 410, fehler=str(fehler))

    @app.exception_handler(TeilnahmelinkUngueltig)
    def teilnahmelink_ungueltig(request: Request, fehler):
        return seite(request, "teilnahme_ungueltig.html.j2", 410, fehler=str(fehler))

    @app.exception_handler(NichtGefunden)
    def nicht_gefunden(request: Request, fehler):
        return seite(request, "fehler.html.j2", 404, titel="Nicht gefunden", fehler=str(fehler))

    @app.exception_handler(RequestValidationError)
    def ungueltig(request: Request, _fehler):
        return seite(request, "fehler.html.j2", 422, titel="Ungültige Angabe",
                     fehler="Eine Angabe in der Adresse oder im Formular ist ungültig (zu lang oder keine Zahl). "
                            "Gehen Sie zurück und prüfen Sie sie.")

    @app.exception_handler(StarletteHTTPException)
    def http_fehler(request: Request, fehler):
        if fehler.status_code == 404:
            return seite(request, "fehler.html.j2", 404, titel="Nicht gefunden",
                         fehler="Diese Seite gibt es nicht. Zur Übersicht geht es über den Link oben.")
        return seite(request, "fehler.html.j2", fehler.status_code, titel="Nicht möglich",
                     fehler="Diese Anfrage ist so nicht möglich. Zur Übersicht geht es über den Link oben.")

    if e.web_proxies:  # zuletzt hinzugefügt = außen: Absender und Schema stehen fest, bevor etwas anderes läuft
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(e.web_proxies))
    return app
