"""Calculs sur les équipements et services (annexes 2 et 2 bis de la CTG)."""

from __future__ import annotations

import pandas as pd

from .schemas import CATEGORIES_EQUIPEMENTS

LIBELLES_CATEGORIES = {
    "EAJE": "Établissements d'accueil du jeune enfant (EAJE)",
    "RPE": "Relais petite enfance (RPE)",
    "ALSH": "Accueils de loisirs (ALSH)",
    "LAEP": "Lieux d'accueil enfants-parents (LAEP)",
    "Ludothèque": "Ludothèques",
    "Centre social / MEP": "Centres sociaux et maisons d'éducation populaire (MEP)",
    "Médiathèque": "Médiathèques",
    "Autre": "Autres",
}


def filtrer_quartier(equipements: pd.DataFrame, quartier: str | None) -> pd.DataFrame:
    """Équipements d'un quartier (par son nom) ; tous si ``quartier`` est None."""
    if quartier is None:
        return equipements
    return equipements[equipements["quartier"] == quartier]


def comptage_par_categorie(equipements: pd.DataFrame) -> pd.DataFrame:
    """Nombre d'équipements par catégorie, dans l'ordre des catégories ; seulement celles présentes."""
    n = equipements["categorie"].value_counts()
    lignes = [
        {"Catégorie": c, "Libellé": LIBELLES_CATEGORIES[c], "Nombre": int(n[c])}
        for c in CATEGORIES_EQUIPEMENTS
        if c in n.index
    ]
    return pd.DataFrame(lignes, columns=["Catégorie", "Libellé", "Nombre"])


def sans_quartier(equipements: pd.DataFrame) -> int:
    return int(equipements["quartier"].isna().sum())
