"""Seiten darstellen: die jinja2-Umgebung für ``vorlagen/web`` und deutsche Datumsfilter.

Maskiert wird immer (jede Seite ist HTML). Ein fehlender Wert ist ein Fehler, kein leerer
Text. Die Umgebung entsteht beim ersten Darstellen (oder mit ``vorlagen_vorbereiten`` beim Bauen
der App), nicht beim Import; übersetzte Vorlagen liegen wie die der Mails im Cache-Verzeichnis
des Benutzers (``…/bildungsbuero/vorlagen-web``), jinja2 prüft dabei die Prüfsumme der Quelle.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse

VERZEICHNIS = Path(__file__).resolve().parent.parent / "vorlagen" / "web"


def _bytecode_speicher():
    """Wie bei den Mails: übersetzte Vorlagen im Cache-Verzeichnis, oder ``None``, wo keines beschreibbar ist."""
    import os

    import jinja2

    verzeichnis = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bildungsbuero" / "vorlagen-web"
    try:
        verzeichnis.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(verzeichnis))


@lru_cache(maxsize=1)
def _umgebung():
    import jinja2

    from benachrichtigungen.deutsch import datum_de

    umgebung = jinja2.Environment(loader=jinja2.FileSystemLoader(VERZEICHNIS), autoescape=True,
                                  undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                  auto_reload=False, bytecode_cache=_bytecode_speicher())
    umgebung.filters["datum"] = lambda tag: datum_de(tag) if isinstance(tag, date) else ""
    return umgebung


def vorlagen_vorbereiten() -> int:
    """Lädt alle Seitenvorlagen einmal (beim Bauen der App): die erste Anfrage übersetzt dann nichts mehr."""
    umgebung = _umgebung()
    namen = umgebung.list_templates(extensions=["j2"])
    for name in namen:
        umgebung.get_template(name)
    return len(namen)


def seite(request: Request, vorlage: str, status: int = 200, **kontext) -> HTMLResponse:
    """Stellt ``vorlage`` mit dem Kontext dar; jede Seite kennt CSRF-Token, Angemeldete und Zeitzone."""
    from benachrichtigungen.deutsch import zeitpunkt_de

    zone = request.app.state.umgebung.einstellungen.zeitzone
    grund = {
        "csrf": request.state.csrf,
        "angemeldet": getattr(request.state, "angemeldet", None),
        "zeitpunkt": lambda wert: zeitpunkt_de(wert, zone) if isinstance(wert, datetime) else "",
        "meldung": "",
        "fehler": "",
    }
    html = _umgebung().get_template(vorlage).render({**grund, **kontext})
    return HTMLResponse(html, status_code=status)
