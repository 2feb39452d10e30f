"""Bibliothèques JavaScript des cartes servies par l'application elle-même, sans CDN.

Leaflet et jQuery viennent des paquets Python XStatic-Leaflet et XStatic-jQuery (installés avec
les autres dépendances). ``preparer()`` les recopie dans ``static/`` à la racine du projet, que
Streamlit sert à l'adresse ``/app/static/`` (réglage ``server.enableStaticServing``).
Le dossier ``static/`` est produit, jamais modifié à la main ni versionné.
"""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import xstatic.pkg.jquery as xs_jquery
import xstatic.pkg.leaflet as xs_leaflet

from .config import RACINE

DOSSIER = RACINE / "static"
URL = "/app/static"

# (paquet XStatic, fichiers ou dossiers à recopier, sous-dossier de static/)
SOURCES = [
    (xs_leaflet, ["leaflet.js", "leaflet.css", "images"], "leaflet"),
    (xs_jquery, ["jquery.min.js"], "jquery"),
]

JS = [
    ("leaflet", f"{URL}/leaflet/leaflet.js"),
    ("jquery", f"{URL}/jquery/jquery.min.js"),
]
CSS = [
    ("leaflet_css", f"{URL}/leaflet/leaflet.css"),
]


_prets: set[Path] = set()


def preparer(dossier: Path = DOSSIER) -> Path:
    """Recopie les fichiers s'ils manquent ou ont changé ; une seule fois par processus (l'application
    l'appelle à chaque exécution de page)."""
    if dossier in _prets and all((dossier / s).exists() for _, _, s in SOURCES):
        return dossier
    for paquet, noms, sous_dossier in SOURCES:
        cible = dossier / sous_dossier
        cible.mkdir(parents=True, exist_ok=True)
        for nom in noms:
            source = Path(paquet.BASE_DIR) / nom
            destination = cible / nom
            if source.is_dir():
                shutil.copytree(source, destination, dirs_exist_ok=True)
            elif not destination.exists() or not filecmp.cmp(source, destination, shallow=False):
                shutil.copy2(source, destination)
    _prets.add(dossier)
    return dossier


if __name__ == "__main__":
    print(f"Fichiers statiques prêts dans {preparer()}")
