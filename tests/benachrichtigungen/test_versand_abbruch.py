"""kill -9 beim Senden: nichts geht verloren, doppelt höchstens, was gerade unterwegs war.

Die kurze Form der Abbruch-Kampagne (5 Abbrüche); die lange (20 Abbrüche, 4.500 Mails)
steht in ``bench/versand_abbruch.py``.
"""

from __future__ import annotations

from tests.benachrichtigungen.abbruch import kampagne


def test_nach_fuenf_abbruechen_fehlt_keine_mail_und_doppelt_ist_nur_was_unterwegs_war(db_url, tmp_path):
    ergebnis = kampagne(db_url, tmp_path, anzahl=600, kills=5, anspruch_sekunden=5, parallel=8, seed=11)
    assert ergebnis.kills == 5
    assert ergebnis.zeilen >= 600
    assert ergebnis.verloren == 0, ergebnis
    assert ergebnis.zugestellt == ergebnis.zeilen
    assert ergebnis.doppelt <= ergebnis.schranke, ergebnis
    # Jeder Neustart nach einem Abbruch sandte weiter, jeder binnen einer Minute nach dem Abbruch.
    assert ergebnis.wieder_aufgenommen == 5
    assert len(ergebnis.bis_zur_ersten_mail) == 5 and max(ergebnis.bis_zur_ersten_mail) < 60
    protokolle = "".join(ergebnis.protokolle)
    assert "Traceback" not in protokolle
    assert "@" not in protokolle  # keine Adressen im Log
