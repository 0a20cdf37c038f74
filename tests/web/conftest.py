"""Die Web-App über echten Datenbanken (SQLite, PostgreSQL), mit simulierter Uhr und echtem Maildir.

``browser`` sind HTTP-Anfragen an die App (Starlette-TestClient über httpx), mit Cookies wie ein
Browser; der Anmeldelink kommt aus der Mail, die der echte Versand ins Maildir schreibt.
"""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

import pytest

from tests.hilfen import MANAGEMENT, abbild

BASIS = "http://bildungsbuero.test"


@pytest.fixture
def web_umgebung(organisation, uhr, tmp_path):
    """Die Umgebung der App: Organisation geladen, Uhr simuliert, Mails ins Maildir ``tmp_path/maildir``."""
    from prozess.umgebung import Umgebung

    einstellungen = organisation.einstellungen.mit(maildir_pfad=str(tmp_path / "maildir"), basis_url=BASIS,
                                                   absender="bildungsbuero@lkclp.example")
    return Umgebung(einstellungen, organisation.engine, uhr)


@pytest.fixture
def browser(web_umgebung):
    from fastapi.testclient import TestClient

    from web.app import app_bauen

    with TestClient(app_bauen(web_umgebung), base_url=BASIS, follow_redirects=False) as client:
        yield client


def mails(maildir: Path) -> list[email.message.EmailMessage]:
    """Alle zugestellten Mails, älteste zuerst (nach Dateiname)."""
    neu = maildir / "new"
    if not neu.is_dir():
        return []
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in sorted(neu.iterdir(), key=lambda p: (p.stat().st_mtime_ns, p.name))]


def links(mail) -> list[str]:
    """Jede Adresse im Text- und HTML-Teil einer Mail."""
    teile = [mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content()]
    return sorted({a for teil in teile for a in re.findall(r"https?://[^\s\"<>]+", teil)})


def abbild_der(umgebung) -> dict:
    """Der Inhalt aller Tabellen (``tests.hilfen.abbild``) über eine eigene Session."""
    with umgebung.db_session() as db:
        return abbild(db)


def csrf(client) -> str:
    """Das CSRF-Token des Browsers (nach dem ersten GET gesetzt)."""
    if "bb_csrf" not in client.cookies:
        client.get("/anmelden")
    return client.cookies["bb_csrf"]


def link_anfordern(client, adresse: str = MANAGEMENT):
    return client.post("/anmelden", data={"email": adresse, "csrf": csrf(client)})


def letzter_anmeldelink(maildir: Path) -> str:
    gefunden = [l for m in mails(maildir) for l in links(m) if "/anmelden/" in l]
    assert gefunden, "keine Mail mit Anmeldelink im Maildir"
    return gefunden[-1]


def anmelden(client, maildir: Path, adresse: str = MANAGEMENT) -> None:
    """Der ganze Weg: Link anfordern, aus dem Maildir lesen, öffnen, »Anmelden« drücken."""
    assert link_anfordern(client, adresse).status_code == 200
    link = letzter_anmeldelink(maildir)
    assert client.get(link).status_code == 200
    antwort = client.post(link, data={"csrf": csrf(client)})
    assert antwort.status_code == 303 and antwort.headers["location"] == "/"
