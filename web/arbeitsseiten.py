"""Die Arbeitsseiten des Büros: eine Aufgabe (neu zuweisen, neue Frist), Sitzungen mit
Tagesordnung und Beschluss, Statusberichte und der Postausgang.

Wie ``web.buero``: lesen in einer lesenden Arbeitseinheit, handeln in einer schreibenden,
mit denselben Bibliotheksfunktionen wie die CLI (``aufgabe zuweisen``/``verschieben``,
``beschluss erfassen``, ``versand wiederholen``). Wer handeln darf, sagt die Bibliothek
(``prozess.rollen.buero_pruefen``, die Rollen der Schritte); scheitert etwas, zeigt die Seite
den deutschen Grund und die Datenbank bleibt, wie sie war.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse

from web.anmeldung import angemeldete_person
from web.darstellung import seite

router = APIRouter(dependencies=[Depends(angemeldete_person)])


def _status(fehler) -> int:
    """Der HTTP-Status eines fachlichen Fehlers: 403 ohne Berechtigung, 422 bei falscher Eingabe, sonst 409."""
    from prozess.fehler import Eingabefehler, NichtBerechtigt

    if isinstance(fehler, NichtBerechtigt):
        return 403
    return 422 if isinstance(fehler, Eingabefehler) else 409


def _person_id(request: Request) -> int:
    return request.state.angemeldet.person_id


# --- Aufgaben -----------------------------------------------------------------------------

def _aufgabenseite(request: Request, aufgabe_id: int, status: int = 200, **zusatz):
    from prozess.ansichten.aufgaben import aufgabe_ansicht, erinnerungsstand_text

    with request.app.state.umgebung.lesen() as arbeit:
        aufgabe = aufgabe_ansicht(arbeit, aufgabe_id)
    zone = request.app.state.umgebung.einstellungen.zeitzone
    return seite(request, "aufgabe.html.j2", status, aufgabe=aufgabe,
                 erinnerungen=erinnerungsstand_text(aufgabe.erinnerungen, zone), **{"email": "", **zusatz})


@router.get("/aufgaben/{aufgabe_id}")
def aufgabe(request: Request, aufgabe_id: int, erledigt: str = ""):
    meldung = {"zugewiesen": "Die Aufgabe ist neu zugewiesen; die Person bekommt eine Mail.",
               "frist": "Die neue Frist ist gesetzt; die Person bekommt eine Mail."}.get(erledigt, "")
    return _aufgabenseite(request, aufgabe_id, meldung=meldung)


@router.post("/aufgaben/{aufgabe_id}/zuweisen")
def aufgabe_zuweisen(request: Request, aufgabe_id: int, email: str = Form("", max_length=254)):
    from prozess.aufgaben import aufgabe_zuweisen as zuweisen
    from prozess.fehler import Fachfehler, NichtGefunden
    from prozess.rollen import buero_pruefen, handelnde_person

    try:
        with request.app.state.umgebung.arbeit() as arbeit:
            buero_pruefen(arbeit, _person_id(request), "Aufgaben neu zuweisen")
            try:
                person = handelnde_person(arbeit, email)
            except NichtGefunden as fehler:  # die Adresse ist eine Eingabe, die Aufgabe gibt es
                return _aufgabenseite(request, aufgabe_id, 422, fehler=str(fehler), email=email)
            zuweisen(arbeit, aufgabe_id, person)
    except NichtGefunden:
        raise
    except Fachfehler as fehler:
        return _aufgabenseite(request, aufgabe_id, _status(fehler), fehler=str(fehler), email=email)
    return RedirectResponse(f"/aufgaben/{aufgabe_id}?erledigt=zugewiesen", status_code=303)


@router.post("/aufgaben/{aufgabe_id}/frist")
def aufgabe_frist(request: Request, aufgabe_id: int, frist: str = Form("", max_length=20)):
    from prozess.aufgaben import aufgabe_verschieben
    from prozess.fehler import Fachfehler, NichtGefunden
    from prozess.rollen import buero_pruefen
    from prozess.zeit import datum_lesen

    try:
        with request.app.state.umgebung.arbeit() as arbeit:
            buero_pruefen(arbeit, _person_id(request), "Fristen von Aufgaben ändern")
            aufgabe_verschieben(arbeit, aufgabe_id, datum_lesen(frist, "Neue Frist"))
    except NichtGefunden:
        raise
    except Fachfehler as fehler:
        return _aufgabenseite(request, aufgabe_id, _status(fehler), fehler=str(fehler))
    return RedirectResponse(f"/aufgaben/{aufgabe_id}?erledigt=frist", status_code=303)


# --- Sitzungen ----------------------------------------------------------------------------

@router.get("/sitzungen")
def sitzungen(request: Request, ab: int = Query(0, ge=0), vergangene: int = Query(0, ge=0, le=1)):
    from prozess.ansichten.sitzungen import sitzungen_liste

    with request.app.state.umgebung.lesen() as arbeit:
        liste = sitzungen_liste(arbeit, alle=bool(vergangene), versatz=ab)
    return seite(request, "sitzungen.html.j2", sitzungen=liste, vergangene=vergangene)


def _sitzungsseite(request: Request, sitzung_id: int, status: int = 200, **zusatz):
    from prozess.ansichten.sitzungen import tagesordnung_ansicht
    from prozess.zyklus import SCHRITTE

    with request.app.state.umgebung.lesen() as arbeit:
        tagesordnung = tagesordnung_ansicht(arbeit, sitzung_id)
    eingabe = {"text": "", "top": "", "feld": "", "schritt": "", **zusatz.pop("eingabe", {})}
    return seite(request, "sitzung.html.j2", status, tagesordnung=tagesordnung, schritte=SCHRITTE, eingabe=eingabe,
                 **zusatz)


@router.get("/sitzungen/{sitzung_id}")
def sitzung(request: Request, sitzung_id: int, beschluss: int = Query(0, ge=0)):
    meldung = f"Beschluss {beschluss} ist festgehalten." if beschluss else ""
    return _sitzungsseite(request, sitzung_id, meldung=meldung)


def _nummer(text: str, wo: str) -> int | None:
    from prozess.fehler import Eingabefehler

    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 9:
        raise Eingabefehler(f"{wo}: »{text}« ist keine Nummer; lassen Sie das Feld leer oder nennen Sie eine Zahl.")
    return int(text)


@router.post("/sitzungen/{sitzung_id}/beschluesse")
def beschluss_erfassen(request: Request, sitzung_id: int, text: str = Form("", max_length=4000),
                       top: str = Form("", max_length=12), feld: str = Form("", max_length=12),
                       schritt: str = Form("", max_length=60)):
    """Hält den Beschluss fest; mit Schritt löst er ihn aus (beides oder nichts), wie ``beschluss erfassen``."""
    from prozess.fehler import Fachfehler, NichtGefunden
    from prozess.sitzungen import beschluss_erfassen_durch

    eingabe = {"text": text, "top": top, "feld": feld, "schritt": schritt}
    try:
        with request.app.state.umgebung.arbeit() as arbeit:
            b, _ = beschluss_erfassen_durch(arbeit, _person_id(request), sitzung_id, text,
                                            _nummer(feld, "Handlungsfeld"), tagesordnungspunkt_id=_nummer(top, "TOP"),
                                            schritt=schritt or None)
            nummer = b.id
    except NichtGefunden as fehler:
        return _sitzungsseite(request, sitzung_id, 422, fehler=str(fehler), eingabe=eingabe)
    except Fachfehler as fehler:
        return _sitzungsseite(request, sitzung_id, _status(fehler), fehler=str(fehler), eingabe=eingabe)
    return RedirectResponse(f"/sitzungen/{sitzung_id}?beschluss={nummer}", status_code=303)


# --- Statusberichte -----------------------------------------------------------------------

@router.get("/statusberichte")
def statusberichte(request: Request, ab: int = Query(0, ge=0)):
    from prozess.ansichten.statusberichte import statusberichte_liste

    with request.app.state.umgebung.lesen() as arbeit:
        liste = statusberichte_liste(arbeit, versatz=ab)
    return seite(request, "statusberichte.html.j2", berichte=liste)


@router.get("/statusberichte/{bericht_id}")
def statusbericht(request: Request, bericht_id: int):
    from prozess.ansichten.statusberichte import statusbericht_ansicht

    with request.app.state.umgebung.lesen() as arbeit:
        bericht = statusbericht_ansicht(arbeit, bericht_id)
    return seite(request, "statusbericht.html.j2", bericht=bericht)


# --- Postausgang --------------------------------------------------------------------------

def _versandseite(request: Request, ab: int = 0, status: int = 200, **zusatz):
    from prozess.ansichten.versand import versand_uebersicht

    with request.app.state.umgebung.lesen() as arbeit:
        uebersicht = versand_uebersicht(arbeit, versatz=ab)
    return seite(request, "versand.html.j2", status, versand=uebersicht, **zusatz)


@router.get("/versand")
def versand(request: Request, ab: int = Query(0, ge=0), eingereiht: int = Query(-1, ge=-1)):
    meldung = ""
    if eingereiht == 0:
        meldung = "Keine dauerhaft gescheiterten Mails."
    elif eingereiht > 0:
        meldung = (f"{eingereiht} {'Mail' if eingereiht == 1 else 'Mails'} erneut eingereiht; sie gehen mit dem "
                   "nächsten Versand hinaus.")
    return _versandseite(request, ab, meldung=meldung)


@router.post("/versand/wiederholen")
def versand_wiederholen(request: Request, nummer: int | None = Form(None, ge=1), alle: str = Form("", max_length=1)):
    """Reiht eine oder alle dauerhaft gescheiterten Mails erneut ein, wie ``versand wiederholen``."""
    from prozess.fehler import Fachfehler
    from prozess.rollen import buero_pruefen
    from prozess.versand import versand_wiederholen as wiederholen

    try:
        with request.app.state.umgebung.arbeit() as arbeit:
            buero_pruefen(arbeit, _person_id(request), "Gescheiterte Mails erneut versuchen")
            anzahl = wiederholen(arbeit, ids=[nummer] if nummer else None, alle=bool(alle))
    except Fachfehler as fehler:
        return _versandseite(request, 0, _status(fehler), fehler=str(fehler))
    return RedirectResponse(f"/versand?eingereiht={anzahl}", status_code=303)
