"""Das öffentliche Formular für Anregungen: ohne Anmeldung, ohne Pflicht zu persönlichen Angaben.

Geschützt wie jedes Formular durch CSRF, dazu ein Honigtopf-Feld (``webseite``, für Menschen
unsichtbar; wer es füllt, ist ein Programm: es bekommt dieselbe Bestätigung, gespeichert wird
nichts), Längengrenzen (im Formular und in der Bibliothek) und eine Ratenbegrenzung je
Absender-IP (``anregungen_je_stunde``). Gespeichert und zur Aufgabe wird die Anregung in
``prozess.anregungen``.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from web.darstellung import seite

router = APIRouter()
log = logging.getLogger("bildungsbuero.web")
HONIGTOPF = "webseite"


def _formular(request: Request, status: int = 200, **eingabe):
    from prozess.anregungen import ADRESSE_LAENGE, NAME_LAENGE, TEXT_LAENGE, THEMA_LAENGE

    werte = {"thema": "", "text": "", "name": "", "adresse": "", **eingabe.pop("werte", {})}
    return seite(request, "anregung.html.j2", status, werte=werte, honigtopf=HONIGTOPF,
                 laengen={"thema": THEMA_LAENGE, "text": TEXT_LAENGE, "name": NAME_LAENGE, "adresse": ADRESSE_LAENGE},
                 **eingabe)


@router.get("/anregung")
def anregung_formular(request: Request):
    return _formular(request)


@router.post("/anregung")
def anregung_senden(request: Request, thema: str = Form("", max_length=400), text: str = Form("", max_length=8000),
                    name: str = Form("", max_length=400), adresse: str = Form("", max_length=1000),
                    webseite: str = Form("", max_length=1000)):
    from prozess.anregungen import anregung_einreichen
    from prozess.fehler import Eingabefehler
    from web.sicherheit import ZuVieleAnfragen

    werte = {"thema": thema, "text": text, "name": name, "adresse": adresse}
    try:
        request.app.state.anregungen.zaehlen(request.client.host if request.client else "")
    except ZuVieleAnfragen:
        return _formular(request, 429, werte=werte,
                         fehler="Von Ihrem Anschluss kamen in der letzten Stunde zu viele Anregungen. Bitte versuchen "
                                "Sie es später noch einmal; Ihr Text steht noch im Formular.")
    if webseite:
        log.info("Anregung mit gefülltem Honigtopf-Feld verworfen")
        return RedirectResponse("/anregung/danke", status_code=303)
    try:
        with request.app.state.umgebung.arbeit() as arbeit:
            anregung_einreichen(arbeit, thema, text, name, adresse)
    except Eingabefehler as fehler:
        return _formular(request, 422, werte=werte, fehler=str(fehler))
    return RedirectResponse("/anregung/danke", status_code=303)


@router.get("/anregung/danke")
def anregung_danke(request: Request):
    return seite(request, "anregung_danke.html.j2")
