"""Das Bildungsmonitoring: Kennzahlen aus amtlicher Statistik und lokalen Quellen.

- ``monitoring.katalog``: die Definitionen (Zähler, Nenner, Quelle, Ebenen, Bezugszeitraum).
- ``monitoring.gebiete``: Gebiete mit amtlichem Schlüssel (AGS) und Schulen.
- ``monitoring.importieren``: der Import einer Datei (GENESIS-Flatfile ``ffcsv``, klassische
  Tabellen-CSV, lange CSV lokaler Quellen), ganz oder gar nicht.
- ``monitoring.geheimhaltung``: kleine Fallzahlen unterdrücken, auch sekundär.
- ``monitoring.vergleiche``: Zeitreihen und Vergleiche als Sichten (Dataclasses).

Liest und schreibt über ``modelle``; sendet nie selbst Mails. Nur Aggregate, nie Personen.
"""
