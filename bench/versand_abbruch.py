"""Die Abbruch-Kampagne in voller Länge: 20 × kill -9 des Dienstes, während er 4.500 Mails sendet.

Auf SQLite und, wenn erreichbar, auf PostgreSQL (``BILDUNGSBUERO_TEST_PG_URL``, Standard
127.0.0.1:5432/test; ein eigenes Schema, danach gelöscht). Eine SMTP-Senke (aiosmtpd, eigener
Prozess) schreibt jede angenommene Message-ID in eine Datei. Ziel: 0 verloren, doppelt
höchstens Abbrüche × ``versand_parallel``, jeder Neustart sendet binnen einer Minute weiter.
Der Anspruch auf eine Zeile gilt hier 30 s (Standard von ``versand_anspruch_sekunden``).

    .venv/bin/python bench/versand_abbruch.py [ABBRÜCHE] [MAILS]
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

WURZEL = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(WURZEL))

PG_URL = os.environ.get("BILDUNGSBUERO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def lauf(name: str, db_url: str, verzeichnis: Path, kills: int, anzahl: int) -> bool:
    from tests.benachrichtigungen.abbruch import kampagne

    print(f"{name}: {kills} Abbrüche, {anzahl} Mails …", flush=True)
    e = kampagne(db_url, verzeichnis, anzahl=anzahl, kills=kills, anspruch_sekunden=30, parallel=8)
    print(f"  {e}")
    erreicht = (e.verloren == 0 and e.doppelt <= e.schranke and e.wieder_aufgenommen == e.kills
                and max(e.bis_zur_ersten_mail, default=0) < 60)
    from _gemeinsam import ziel

    ziel(erreicht, f"Abbruch des Versands ({name}): {e.kills} × kill -9 beim Senden, 0 verloren, doppelt ≤ {e.schranke}, jeder Neustart sendet",
         werte=[e.verloren], vorgabe="0 verloren", einheit="verloren")
    return erreicht


def sqlite(verzeichnis: Path, kills: int, anzahl: int) -> bool:
    from modelle.datenbank import engine_erstellen, migrieren

    url = f"sqlite:///{verzeichnis / 'abbruch.db'}"
    engine = engine_erstellen(url)
    migrieren(engine)
    engine.dispose()
    return lauf("SQLite", url, verzeichnis, kills, anzahl)


def postgresql(verzeichnis: Path, kills: int, anzahl: int) -> bool | None:
    import sqlalchemy

    from modelle.datenbank import engine_erstellen, migrieren

    schema = f"bb_abbruch_{uuid.uuid4().hex[:8]}"
    verwaltung = sqlalchemy.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with verwaltung.connect() as v:
            v.exec_driver_sql(f"CREATE SCHEMA {schema}")
    except sqlalchemy.exc.OperationalError:
        print("PostgreSQL nicht erreichbar: übersprungen")
        return None
    try:
        url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options={quote(f'-csearch_path={schema}')}"
        engine = engine_erstellen(url)
        migrieren(engine)
        engine.dispose()
        return lauf("PostgreSQL", url, verzeichnis, kills, anzahl)
    finally:
        with verwaltung.connect() as v:
            v.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        verwaltung.dispose()


def main() -> int:
    kills = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    anzahl = int(sys.argv[2]) if len(sys.argv) > 2 else 4500
    ergebnisse = []
    for datenbank in (sqlite, postgresql):
        with tempfile.TemporaryDirectory() as tmp:
            ergebnisse.append(datenbank(Path(tmp), kills, anzahl))
    return 0 if all(e is not False for e in ergebnisse) else 1


if __name__ == "__main__":
    sys.exit(main())
