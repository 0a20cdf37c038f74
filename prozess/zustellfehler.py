"""Wer von einer dauerhaft gescheiterten Mail erfährt: das Bildungsmanagement, einmal je Mail.

Der Versand (``benachrichtigungen``) kennt keine Rollen; die Verdrahtung (``prozess.takt``)
übergibt ihm ``zustellfehler_melder(einstellungen)``. Die Meldung wird in derselben
Transaktion vorgemerkt, die das Scheitern schreibt, mit einem Schlüssel je Outbox-Zeile:
nichts geht verloren, nichts doppelt.
"""

from __future__ import annotations

import logging
from datetime import datetime

from benachrichtigungen.kontexte import mail_kontext
from benachrichtigungen.outbox import Mail, schluessel, vormerken
from benachrichtigungen.versand import Fehlschlag, Zustellfehlermeldung

log = logging.getLogger(__name__)


def zustellfehler_melder(einstellungen) -> Zustellfehlermeldung:
    """Die Meldung an das Bildungsmanagement, wie sie der Versender aufruft."""

    def melden(verbindung, fehlschlaege: list[Fehlschlag], jetzt: datetime) -> None:
        bildungsmanagement_informieren(verbindung, fehlschlaege, jetzt, einstellungen)

    return melden


def bildungsmanagement_informieren(verbindung, fehlschlaege: list[Fehlschlag], jetzt: datetime,
                                   einstellungen) -> None:
    """Je dauerhaft gescheiterter Mail genau eine Nachricht an das Bildungsmanagement.

    Über das Scheitern einer solchen Nachricht selbst (oder einer Mail an das
    Bildungsmanagement) wird nicht gemeldet: keine Schleife.
    """
    from sqlmodel import Session

    from prozess.grundkontext import grundkontext
    from prozess.rollen import zustaendige_person
    from prozess.zeit import zeitpunkt_de
    from prozess.zyklus import MANAGEMENT

    with Session(bind=verbindung) as s:
        management = zustaendige_person(s, MANAGEMENT)
        grund = grundkontext(s)
    if management is None or not management.email:
        log.error("Dauerhafte Zustellfehler, aber niemand hat die Rolle Bildungsmanagement.")
        return
    mails = [
        Mail(schluessel("zustellfehler", management.id, f"outbox{f.outbox_id}", f.erstellt_am.date()),
             "zustellfehler", "zustellfehler",
             mail_kontext(grund, management.name, fehlgeschlagen={
                 "empfaenger": f"{f.empfaenger_name} <{f.empfaenger_email}>",
                 "betreff": f.betreff,
                 "fehler": f.grund,
                 "erstellt": zeitpunkt_de(f.erstellt_am, einstellungen.zeitzone),
             }),
             management.email, management.name, management.id)
        for f in fehlschlaege
        if f.anlass != "zustellfehler" and f.empfaenger_email != management.email
    ]
    vormerken(verbindung, mails, jetzt, einstellungen.absender.split("@", 1)[1])
