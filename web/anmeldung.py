"""Anmelden per Link aus der Mail, abmelden, und wer gerade angemeldet ist.

Ein GET ändert nie etwas: ein Mail-Scanner, der den Link öffnet, sieht nur die Seite mit
dem Knopf »Anmelden«; erst dessen POST löst den Link ein. Die Antwort auf eine
Anmeldeanfrage ist immer dieselbe (``prozess.anmeldung``).
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import contextmanager

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.background import BackgroundTask

from web.darstellung import seite

SITZUNG_COOKIE = "bb_sitzung"
router = APIRouter()
log = logging.getLogger("bildungsbuero.web")


class NichtAngemeldet(Exception):
    """Eine Seite für Angemeldete ohne gültige Websitzung."""


def angemeldete_person(request: Request):
    """Abhängigkeit der Büro-Seiten: die angemeldete Person, sonst ``NichtAngemeldet`` (→ Anmeldeseite)."""
    with request.app.state.umgebung.lesen() as arbeit:
        return _pruefen(request, arbeit)


@contextmanager
def angemeldet_lesen(request: Request):
    """Eine lesende Arbeit, die zuerst die Websitzung prüft: ohne gültige ``NichtAngemeldet``, sonst wie
    ``angemeldete_person`` (``request.state.angemeldet``) und dann die Arbeit für die Seite.

    Für die Seiten, die nur lesen und am häufigsten kommen (``web.buero.lese_router``): Anmeldung und
    Seite sind so eine Transaktion und ein Gang durch den Threadpool statt zweier – die Abhängigkeit
    kostete jede Seite eine eigene Session, Verbindung und Rollback.
    """
    with request.app.state.umgebung.lesen() as arbeit:
        _pruefen(request, arbeit)
        yield arbeit


def _pruefen(request: Request, arbeit):
    from prozess.anmeldung import angemeldet

    person = angemeldet(arbeit, request.cookies.get(SITZUNG_COOKIE))
    if person is None:
        raise NichtAngemeldet()
    request.state.angemeldet = person
    return person


def _versand_anstossen(umgebung) -> None:
    """Leert die Outbox gleich (der Link soll nicht bis zum nächsten Takt warten); Fehler nur ins Log."""
    from prozess.takt import outbox_leeren

    try:
        asyncio.run(outbox_leeren(umgebung, umgebung.uhr()))
    except Exception:  # der Dienst versendet beim nächsten Takt; die Seite hat schon geantwortet
        log.exception("Versand nach einer Anmeldeanfrage gescheitert")


@router.get("/anmelden")
def anmelden_formular(request: Request, abgemeldet: int = 0):
    meldung = "Sie sind abgemeldet." if abgemeldet else ""
    return seite(request, "anmelden.html.j2", meldung=meldung, email="")


@router.post("/anmelden")
def anmelden_anfordern(request: Request, email: str = Form("", max_length=254)):
    from prozess.anmeldung import anmeldelink_anfordern

    if not email.strip():
        return seite(request, "anmelden.html.j2", 422, email="",
                     fehler="Bitte geben Sie Ihre E-Mail-Adresse an.")
    request.app.state.anmeldeanfragen.zaehlen(request.client.host if request.client else "")
    umgebung = request.app.state.umgebung
    with umgebung.arbeit() as arbeit:
        anmeldelink_anfordern(arbeit, email)
    antwort = seite(request, "anmelden_gesendet.html.j2", minuten=umgebung.einstellungen.anmeldelink_minuten)
    antwort.background = BackgroundTask(_versand_anstossen, umgebung)
    return antwort


@router.get("/anmelden/{token}")
def anmeldelink_zeigen(request: Request, token: str):
    from prozess.anmeldung import anmeldelink_pruefen

    with request.app.state.umgebung.lesen() as arbeit:
        anmeldelink_pruefen(arbeit, token)
    return seite(request, "anmelden_bestaetigen.html.j2", token=token)


@router.post("/anmelden/{token}")
def anmeldelink_einloesen(request: Request, token: str):
    from prozess.anmeldung import anmeldelink_einloesen as einloesen

    umgebung = request.app.state.umgebung
    with umgebung.arbeit() as arbeit:
        sitzungs_token, _ = einloesen(arbeit, token)
    antwort = RedirectResponse("/", status_code=303)
    antwort.set_cookie(SITZUNG_COOKIE, sitzungs_token, max_age=umgebung.einstellungen.anmeldung_stunden * 3600,
                       httponly=True, samesite="lax", secure=request.app.state.sicher, path="/")
    return antwort


@router.post("/abmelden")
def abmelden(request: Request):
    from prozess.anmeldung import abmelden as beenden

    with request.app.state.umgebung.arbeit() as arbeit:
        beenden(arbeit, request.cookies.get(SITZUNG_COOKIE))
    antwort = RedirectResponse("/anmelden?abgemeldet=1", status_code=303)
    antwort.delete_cookie(SITZUNG_COOKIE, path="/", httponly=True, samesite="lax", secure=request.app.state.sicher)
    return antwort
