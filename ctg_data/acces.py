"""Ce qu'il faut pour parler du magasin sans le charger : identité d'un éditeur, erreurs d'écriture,
adresse de la base par défaut. Aucun import de SQLAlchemy ici : une page en lecture seule (l'accueil,
par ex.) n'a pas à payer son chargement. Le magasin lui-même est dans ``ctg_data.stockage``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .config import RACINE

FICHIER_SQLITE = RACINE / "var" / "ctg.sqlite3"
ROLE_EDITEUR = "editeur"


def url_par_defaut() -> str:
    """``CTG_DATABASE_URL`` si elle est définie, sinon le fichier SQLite ``var/ctg.sqlite3``."""
    url = os.environ.get("CTG_DATABASE_URL")
    if url:
        return url
    FICHIER_SQLITE.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{FICHIER_SQLITE}"


class ErreurStockage(Exception):
    """Écriture impossible ; le message (en français) dit pourquoi. Rien n'a été écrit."""


class EcritureRefusee(ErreurStockage):
    """Pas d'identité d'éditeur valide."""


class ConflitSaisie(ErreurStockage):
    """Quelqu'un a modifié la même valeur entre-temps. Les deux valeurs sont dans le message."""

    def __init__(self, message: str, actuelle: dict, proposee: dict, version_vue: int = 0):
        super().__init__(message)
        self.actuelle = actuelle
        self.proposee = proposee
        self.version_vue = version_vue


class StockageIndisponible(ErreurStockage):
    """La base ne répond pas (fichier verrouillé, serveur arrêté…)."""


@dataclass(frozen=True)
class Identite:
    identifiant: str
    nom: str
    role: str
    source: str  # local | oidc

    @property
    def est_editeur(self) -> bool:
        return self.role == ROLE_EDITEUR
