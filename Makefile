# Zwei Befehle für eine frische Maschine (siehe README):
#   make demo   richtet alles ein und spielt die Demo (SQLite, Maildir im Demo-Verzeichnis)
#   make test   führt die Tests aus (SQLite immer, PostgreSQL wenn erreichbar; in CI Pflicht)
PYTHON ?= python3
VENV := .venv
STEMPEL := $(VENV)/.installiert

# Bytecode (compileall) wie bei »pip install« ohne -e: sonst übersetzt jeder Befehl seine Module bei
# jedem Start neu, wo PYTHONDONTWRITEBYTECODE gesetzt ist (bench/befehle.py).
$(STEMPEL): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	$(VENV)/bin/python -m compileall -q prozess modelle benachrichtigungen monitoring web
	touch $(STEMPEL)

.PHONY: demo test bench unsinn
demo: $(STEMPEL)
	$(VENV)/bin/bildungsbuero demo

test: $(STEMPEL)
	$(VENV)/bin/python -m pytest -q

# Jede Bench als eigener Prozess, dann eine Tabelle Ziel gegen Gemessen; ≠ 0, wenn ein Ziel verfehlt ist.
# Protokoll: bench/_gemeinsam.py. Nur einige: make bench BENCHES="schritte takt"; kleinere Runden: BENCH_KURZ=1;
# mehrere Läufe reihum mit einer Tabelle über alle: make bench LAEUFE=3.
LAEUFE ?= 1
bench: $(VENV)/.bench
	$(VENV)/bin/python bench/_sammeln.py --laeufe $(LAEUFE) $(BENCHES)

$(VENV)/.bench: $(STEMPEL)
	$(VENV)/bin/pip install --quiet -e '.[test,bench]'
	touch $(VENV)/.bench

# Lange Runde unsinniger Eingaben (Hypothesis) gegen jeden Befehl; die kurze läuft in »make test«.
unsinn: $(STEMPEL)
	BILDUNGSBUERO_TEST_UNSINN_BEISPIELE=3000 $(VENV)/bin/python -m pytest -q -p no:cacheprovider \
		tests/prozess/cli/test_unsinn.py --hypothesis-show-statistics | grep -E "passing examples|passed|failed"
