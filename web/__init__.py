"""Die Webseiten des Bildungsbüros (FastAPI, serverseitig gerendert)."""
