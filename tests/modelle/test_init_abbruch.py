"""``init`` übersteht kill -9: die kurze Form der Abbruch-Kampagne (die lange: bench/init_abbruch.py)."""

from __future__ import annotations

import pytest

from modelle.datenbank import neueste_revision
from tests.modelle.abbruch import ALTER_STAND, kampagne


@pytest.mark.parametrize("art", ["frisch", "anheben"])
def test_init_bleibt_nach_fuenf_abbruechen_auf_altem_oder_neuem_stand_und_laeuft_danach_durch(art, tmp_path):
    ergebnis = kampagne(art, 5, tmp_path, seed=11)
    assert ergebnis.kills == 5, ergebnis.zeile()
    assert ergebnis.fehler == []
    assert set(ergebnis.staende) <= {ALTER_STAND[art], neueste_revision()}
    assert ergebnis.wiederhergestellt == 5
