"""Transport in ein Maildir: der eingebettete Standard (Demo, Büros ohne eigenen SMTP-Zugang).

Jede Mail wird eine Datei in ``new/`` (atomar über ``tmp/`` geschrieben, wie es das
Maildir-Format verlangt); Thunderbird, mutt oder Evolution öffnen das Verzeichnis direkt.
"""

from __future__ import annotations

import mailbox
from pathlib import Path

from benachrichtigungen.transport import VoruebergehenderFehler


class MaildirTransport:
    parallel = 1

    def __init__(self, pfad: str | Path):
        self.pfad = Path(pfad)
        self._maildir: mailbox.Maildir | None = None

    async def __aenter__(self) -> "MaildirTransport":
        self._maildir = mailbox.Maildir(self.pfad, create=True)
        return self

    async def __aexit__(self, *exc) -> None:
        self._maildir = None

    async def senden(self, nachricht: bytes, absender: str, empfaenger: str) -> None:
        try:
            self._maildir.add(nachricht)
        except OSError as fehler:
            # Volle Platte oder fehlende Rechte: behebbar, daher später erneut versuchen.
            raise VoruebergehenderFehler(f"Maildir {self.pfad}: {fehler.strerror}") from None
