"""Die Seiten für alle, die der Prozess erreicht, ohne Konto: der persönliche Link aus der Mail.

``/teilnahme/{token}`` zeigt die offenen Aufgaben der Person und die Sitzungen ihrer Gremien;
``/teilnahme/{token}/sitzungen/{id}`` die Tagesordnung mit Zu- und Absage. Ein GET ändert
nie etwas (Mail-Scanner öffnen jeden Link); jede Handlung ist ein POST mit CSRF-Token
(``web.sicherheit``) und geht durch die Bibliothek (``prozess.teilnahme``), die das Token bei
jeder Anfrage neu prüft und nur Dinge dieser Person zulässt. Das Token steht nie in einer
Logzeile (``web.sicherheit.pfad_fuers_log``); ``Referrer-Policy: no-referrer`` und
``Cache-Control: no-store`` gelten auf jeder dieser Seiten.

Dazu die Seiten des Büros (angemeldet): die offenen Fristanträge mit »Gewähren« und
»Ablehnen«, und je Sitzung die Zu- und Absagen.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse

from web.anmeldung import angemeldete_person
from web.darstellung import seite

router = APIRouter()
buero_router = APIRouter(dependencies=[Depends(angemeldete_person)])

# Was nach einer Handlung oben auf der Seite steht; die Adresse wählt nur aus dieser Liste.
GETAN = {
    "erledigt": "Danke! Die Aufgabe ist als erledigt gemeldet.",
    "frist": "Ihr Antrag auf eine neue Frist ist beim Bildungsbüro; die Antwort sehen Sie hier.",
    "zusage": "Danke! Sie haben zugesagt.",
    "absage": "Danke! Sie haben abgesagt.",
}
BUERO_GETAN = {"gewaehrt": "Der Antrag ist gewährt; die Aufgabe hat die neue Frist.",
               "abgelehnt": "Der Antrag ist abgelehnt; die Frist bleibt."}


def _uebersicht(request: Request, token: str, status: int = 200, **zusatz):
    from prozess.teilnahme import teilnahmeseite

    with request.app.state.umgebung.lesen() as arbeit:
        ansicht = teilnahmeseite(arbeit, token)
    return seite(request, "teilnahme.html.j2", status, ansicht=ansicht, token=token, **zusatz)


@router.get("/teilnahme/{token}")
def teilnahme(request: Request, token: str, getan: str = ""):
    return _uebersicht(request, token, meldung=GETAN.get(getan, ""))


def _handeln(request: Request, token: str, weiter: str, funktion, *args, seite_bei_fehler=None):
    """Führt ``funktion(arbeit, token, *args)`` aus; bei einem fachlichen Fehler die Seite mit dem Grund."""
    from prozess.fehler import Eingabefehler, SchrittNichtMoeglich

    try:
        with request.app.state.umgebung.arbeit() as arbeit:
            funktion(arbeit, token, *args)
    except (Eingabefehler, SchrittNichtMoeglich) as fehler:
        return (seite_bei_fehler or _uebersicht)(request, token, 409, fehler=str(fehler))
    return RedirectResponse(weiter, status_code=303)


@router.post("/teilnahme/{token}/aufgaben/{aufgabe_id}/erledigt")
def erledigt(request: Request, token: str, aufgabe_id: int, notiz: str = Form("", max_length=1000)):
    from prozess.teilnahme import aufgabe_als_erledigt_melden

    return _handeln(request, token, f"/teilnahme/{token}?getan=erledigt", aufgabe_als_erledigt_melden,
                    aufgabe_id, notiz)


@router.post("/teilnahme/{token}/aufgaben/{aufgabe_id}/frist")
def frist(request: Request, token: str, aufgabe_id: int, frist: date = Form(...),
          begruendung: str = Form("", max_length=1000)):
    from prozess.teilnahme import frist_beantragen

    return _handeln(request, token, f"/teilnahme/{token}?getan=frist", frist_beantragen, aufgabe_id, frist,
                    begruendung)


def _sitzungsseite(request: Request, token: str, sitzung_id: int, status: int = 200, **zusatz):
    from prozess.teilnahme import sitzung_fuer_teilnehmer

    with request.app.state.umgebung.lesen() as arbeit:
        ansicht = sitzung_fuer_teilnehmer(arbeit, token, sitzung_id)
    return seite(request, "teilnahme_sitzung.html.j2", status, ansicht=ansicht, token=token, **zusatz)


@router.get("/teilnahme/{token}/sitzungen/{sitzung_id}")
def sitzung(request: Request, token: str, sitzung_id: int, getan: str = ""):
    return _sitzungsseite(request, token, sitzung_id, meldung=GETAN.get(getan, ""))


@router.post("/teilnahme/{token}/sitzungen/{sitzung_id}/antwort")
def antwort(request: Request, token: str, sitzung_id: int, antwort: str = Form(..., max_length=10)):
    from prozess.teilnahme import sitzung_beantworten

    getan = antwort if antwort in GETAN else ""
    return _handeln(request, token, f"/teilnahme/{token}/sitzungen/{sitzung_id}?getan={getan}",
                    sitzung_beantworten, sitzung_id, antwort,
                    seite_bei_fehler=lambda r, t, s, **z: _sitzungsseite(r, t, sitzung_id, s, **z))


# ---------------------------------------------------------------- Büro


def _antraege(request: Request, ab: int = 0, status: int = 200, **zusatz):
    from prozess.ansichten.fristantraege import fristantraege_liste

    with request.app.state.umgebung.lesen() as arbeit:
        liste = fristantraege_liste(arbeit, versatz=ab)
    return seite(request, "fristantraege.html.j2", status, antraege=liste, **zusatz)


@buero_router.get("/fristantraege")
def fristantraege(request: Request, ab: int = Query(0, ge=0), getan: str = ""):
    return _antraege(request, ab, meldung=BUERO_GETAN.get(getan, ""))


@buero_router.post("/fristantraege/{antrag_id}/{entscheidung}")
def entscheiden(request: Request, antrag_id: int, entscheidung: str, antwort: str = Form("", max_length=1000)):
    """Gewährt oder lehnt ab – mit derselben Rollenprüfung wie »aufgabe frist-gewaehren« in der CLI."""
    from prozess.fehler import Eingabefehler, SchrittNichtMoeglich
    from prozess.teilnahme import frist_ablehnen, frist_gewaehren

    funktion = {"gewaehren": frist_gewaehren, "ablehnen": frist_ablehnen}.get(entscheidung)
    if funktion is None:
        return _antraege(request, status=404, fehler="Diese Entscheidung gibt es nicht (gewähren oder ablehnen).")
    try:
        with request.app.state.umgebung.arbeit() as arbeit:
            funktion(arbeit, antrag_id, request.state.angemeldet.person_id, antwort)
    except (Eingabefehler, SchrittNichtMoeglich) as fehler:
        return _antraege(request, status=409, fehler=str(fehler))
    getan = "gewaehrt" if entscheidung == "gewaehren" else "abgelehnt"
    return RedirectResponse(f"/fristantraege?getan={getan}", status_code=303)


@buero_router.get("/sitzungen/{sitzung_id}/anwesenheit")
def anwesenheit(request: Request, sitzung_id: int):
    """Die Tagesordnung einer Sitzung mit den Zu- und Absagen der Mitglieder."""
    from prozess.ansichten.sitzungen import tagesordnung_ansicht

    with request.app.state.umgebung.lesen() as arbeit:
        ansicht = tagesordnung_ansicht(arbeit, sitzung_id)
    return seite(request, "sitzung_anwesenheit.html.j2", ansicht=ansicht)
