"""Datenmodell und Datenbankzugang des Bildungsbüros.

``modelle.tabellen`` hält die Tabellen, ``modelle.datenbank`` Engine, Sitzungen und
Migrationen. Beides importiert SQLModel und wird deshalb erst geladen, wenn es gebraucht
wird (nicht für ``bildungsbuero --help``).
"""
