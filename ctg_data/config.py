"""Emplacements et réglages lus dans l'environnement (voir « Configuration » dans le README)."""

from __future__ import annotations

import os
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent


def dossier_donnees() -> Path:
    """Dossier des données dérivées que l'application lit (``data/`` par défaut).

    Variable d'environnement : ``CTG_DATA_DIR``.
    """
    return Path(os.environ.get("CTG_DATA_DIR") or RACINE / "data")


def dossier_reference() -> Path:
    """Dossier des données ouvertes brutes lues par l'étape de construction (jamais par l'application).

    Variable d'environnement : ``CTG_REFERENCE_DIR`` (défaut : ``../shared/reference``).
    """
    return Path(os.environ.get("CTG_REFERENCE_DIR") or RACINE.parent / "shared" / "reference")


def dossier_ban() -> Path | None:
    """Dossier des fichiers BAN départementaux (``adresses-21.csv`` ou ``.csv.gz``) que les éditeurs
    peuvent choisir dans la page Carte pour géocoder sans internet ; None s'il n'est pas configuré.

    Variable d'environnement : ``CTG_BAN_DIR``. Seuls les fichiers posés directement dans ce dossier
    sont proposés, dans une liste : aucun chemin n'est jamais saisi dans l'application.
    """
    valeur = os.environ.get("CTG_BAN_DIR")
    return Path(valeur) if valeur else None
