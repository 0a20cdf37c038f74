"""Die Seiten des Büros: Übersicht, ein Handlungsfeld mit seinen Schritten, Aufgaben.

Jede Seite liest die Ansichten der Bibliothek (``prozess.ansichten``) in einer lesenden
Arbeitseinheit und stellt sie dar; ein Schritt geht durch ``schritt_ausfuehren`` in einer
schreibenden, mit denselben Rollen und Wächtern wie in der CLI. Was nicht geht, sagen die
Gründe der Bibliothek.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse

from web.anmeldung import angemeldet_lesen, angemeldete_person
from web.darstellung import seite

router = APIRouter(dependencies=[Depends(angemeldete_person)])
# Die Seiten, die nur lesen und am häufigsten kommen: ohne die Abhängigkeit, jede liest in
# ``angemeldet_lesen`` (Anmeldung und Seite in einer Transaktion). Jede Route hier muss das tun.
lese_router = APIRouter()
UEBERSICHT_GRENZE = 10


@lese_router.get("/")
def uebersicht(request: Request):
    from prozess.ansichten.aufgaben import aufgaben_liste
    from prozess.ansichten.handlungsfelder import felder_je_zustand, handlungsfelder_liste
    from prozess.ansichten.sitzungen import sitzungen_liste
    from prozess.ansichten.versand import gescheiterte_mails

    with angemeldet_lesen(request) as arbeit:
        je_zustand = {z.bezeichnung: z.anzahl for z in felder_je_zustand(arbeit)}
        felder = handlungsfelder_liste(arbeit, gesamt=sum(je_zustand.values()))
        ueberfaellig = aufgaben_liste(arbeit, nur_ueberfaellige=True, grenze=UEBERSICHT_GRENZE)
        sitzungen = sitzungen_liste(arbeit, grenze=UEBERSICHT_GRENZE)
        gescheitert = gescheiterte_mails(arbeit, grenze=UEBERSICHT_GRENZE)
    return seite(request, "uebersicht.html.j2", felder=felder, felder_nach_zustand=_nach_zustand(felder.eintraege),
                 je_zustand=je_zustand, ueberfaellig=ueberfaellig, sitzungen=sitzungen, gescheitert=gescheitert)


def _nach_zustand(felder) -> list[tuple[str, list]]:
    """(Bezeichnung des Zustands, seine Felder) nach Bezeichnung, wie jinja2s Filter ``groupby`` sie bildete
    (ohne Groß-/Kleinschreibung sortiert, stabil; die Gruppe heißt wie ihr erstes Feld). Hier statt in der
    Vorlage: der Filter fragte jedes Feld zweimal über die Attributsuche der Vorlage (~7 % der Übersicht)."""
    from itertools import groupby

    schluessel = lambda f: f.zustand_bezeichnung.lower()  # noqa: E731
    gruppen = (list(g) for _, g in groupby(sorted(felder, key=schluessel), schluessel))
    return [(g[0].zustand_bezeichnung, g) for g in gruppen]


def _feldseite(request: Request, feld_id: int, status: int = 200, **zusatz):
    from monitoring.feldstand import als_kontext
    from prozess.ansichten.handlungsfelder import feldseite

    umgebung = request.app.state.umgebung
    with angemeldet_lesen(request) as arbeit:
        s = feldseite(arbeit, feld_id, person_id=request.state.angemeldet.person_id)
    kennzahlen = [als_kontext(k, umgebung.einstellungen.zeitzone) for k in s.kennzahlen.kennzahlen]
    return seite(request, "handlungsfeld.html.j2", status, feld=s.feld, ziele=s.ziele, kennzahlen=kennzahlen,
                 **{"begruendung": "", **zusatz})


@lese_router.get("/handlungsfelder/{feld_id}")
def handlungsfeld(request: Request, feld_id: int, erledigt: str = ""):
    from prozess.zyklus import SCHRITT_NACH_NAME

    getan = SCHRITT_NACH_NAME.get(erledigt)  # nur bekannte Namen: die Adresse setzt keinen beliebigen Text
    return _feldseite(request, feld_id, meldung=f"Erledigt: {getan.bezeichnung}." if getan else "")


@router.post("/handlungsfelder/{feld_id}/schritte/{schritt}")
def schritt(request: Request, feld_id: int, schritt: str, begruendung: str = Form("", max_length=2000),
            version: int | None = Form(None)):
    """Löst den Schritt aus; gelingt er, zurück zur Seite (303), sonst die Seite mit dem Grund (409)."""
    from prozess.fehler import Konflikt, SchrittNichtMoeglich
    from prozess.schritte import schritt_ausfuehren

    try:
        with request.app.state.umgebung.arbeit() as arbeit:
            schritt_ausfuehren(arbeit, feld_id, schritt, request.state.angemeldet.person_id,
                               begruendung=begruendung, gesehene_version=version)
    except (SchrittNichtMoeglich, Konflikt) as fehler:
        return _feldseite(request, feld_id, 409, fehler=str(fehler), begruendung=begruendung)
    return RedirectResponse(f"/handlungsfelder/{feld_id}?erledigt={schritt}", status_code=303)


@router.get("/aufgaben")
def aufgaben(request: Request, ab: int = Query(0, ge=0)):
    from prozess.ansichten.aufgaben import aufgaben_liste

    with request.app.state.umgebung.lesen() as arbeit:
        liste = aufgaben_liste(arbeit, versatz=ab)
    return seite(request, "aufgaben.html.j2", aufgaben=liste)
