"""Einen persönlichen Link ausstellen – leicht genug für jede Auftragsmail und jede Einladung.

Was der Link ist und warum jede Mail ein eigenes Token bekommt, erklärt ``prozess.teilnahme``.
Dieses Modul lädt bewusst weder die SQLModel-Klassen der Webseiten noch die Anmeldung: es
steht im Pfad jedes Schritts und jedes Befehls, der eine Aufgabe anlegt (``bench/befehle.py``,
``bench/schritte.py``), und schreibt nur eine Zeile über eine leichte Core-Tabelle.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from sqlalchemy import Integer, String, column, insert, table

from modelle.direkt import Stapelanweisung
from modelle.typen import UTCZeit

PFAD = "/teilnahme/"
# Dieselbe Tabelle wie modelle.teilnahme.Teilnahmelink, nur die Spalten, die hier geschrieben werden.
_TABELLE = table("teilnahmelink", column("token_hash", String), column("person_id", Integer),
                 column("erstellt_am", UTCZeit))
# Als Stapel (modelle.direkt.Stapelanweisung): ein Erinnerungslauf stellt Tausend Links auf einmal aus.
_EINFUEGEN = Stapelanweisung(insert(_TABELLE), parameter=("token_hash", "person_id"), weitere=("erstellt_am",))


def token_hash(token: str) -> str:
    """Der SHA-256 (hex) eines Tokens: nur er wird gespeichert (wie ``prozess.anmeldung.token_hash``)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def teilnahmelink_ausstellen(arbeit, person_id: int) -> str:
    """Stellt ein neues Token für die Person aus (nur der Hash wird gespeichert); gibt den ganzen Link zurück.

    Geschrieben in der laufenden Transaktion: entsteht die Mail nicht (Rollback), gibt es auch
    den Link nicht.
    """
    return teilnahmelinks_ausstellen(arbeit, [person_id])[person_id]


def teilnahmelinks_erzeugen(arbeit, person_ids) -> tuple[dict[int, str], list[dict]]:
    """Je Person ein neues Token: der ganze Link je Person und die Zeilen, die die Hashes speichern.

    Schreibt nichts: ``teilnahmelinks_ausstellen`` schreibt die Zeilen sofort, ein Schritt auf
    PostgreSQL schreibt sie in seiner einen Anweisung mit (``modelle.anweisungen.schritt_schreiben_pg``).
    """
    ids = list(dict.fromkeys(person_ids))
    # Wie secrets.token_urlsafe(32) je Person, aber der Zufall für alle aus einem Aufruf (ein Takt: Tausend Links).
    zufall = secrets.token_bytes(32 * len(ids))
    tokens = {person_id: base64.urlsafe_b64encode(zufall[32 * i:32 * i + 32]).rstrip(b"=").decode("ascii")
              for i, person_id in enumerate(ids)}
    jetzt = arbeit.jetzt
    basis = f"{arbeit.einstellungen.basis_url}{PFAD}"
    return ({person_id: basis + token for person_id, token in tokens.items()},
            [{"token_hash": token_hash(token), "person_id": person_id, "erstellt_am": jetzt}
             for person_id, token in tokens.items()])


def teilnahmelinks_ausstellen(arbeit, person_ids) -> dict[int, str]:
    """Je Person ein neues Token, alle in einer Anweisung (der Erinnerungslauf schreibt Tausende Mails).

    Gibt je Person den ganzen Link zurück; wie ``teilnahmelink_ausstellen`` in der laufenden Transaktion.
    """
    links, zeilen = teilnahmelinks_erzeugen(arbeit, person_ids)
    if zeilen:
        _EINFUEGEN.ausfuehren(arbeit.verbindung(), [(z["token_hash"], z["person_id"]) for z in zeilen],
                              fest={"erstellt_am": zeilen[0]["erstellt_am"]})
    return links


def teilnahmelinks_schreiben(verbindung, zeilen: list[dict]) -> None:
    """Schreibt die Zeilen aus ``teilnahmelinks_erzeugen`` (in der Transaktion von ``verbindung``).

    Für die wenigen Links eines Schritts (``modelle.direkt``); Tausende auf einmal schreibt
    ``teilnahmelinks_ausstellen`` als einen Stapel über den Treiber.
    """
    from modelle.direkt import direkt

    direkt(_EINFUEGEN.anweisung).viele(verbindung, zeilen)
