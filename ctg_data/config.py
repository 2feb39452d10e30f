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
