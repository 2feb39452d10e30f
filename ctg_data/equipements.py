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


GESTIONS = {
    "Tous les gestionnaires": None,
    "Ville de Dijon": "oui",
    "Autres gestionnaires": "non",
    "Gestionnaire non précisé": "non précisé",
}
ANNEXES = {
    "Toutes les annexes": None,
    "Annexe 2 (éligibles au bonus territoire)": "2",
    "Annexe 2 bis (non éligibles)": "2 bis",
}


def filtrer(
    equipements: pd.DataFrame,
    categories: list[str] | None = None,
    gestion: str | None = None,
    annexe: str | None = None,
    quartier: str | None = None,
) -> pd.DataFrame:
    """Filtres de la carte ; ``None`` = pas de filtre. ``gestion`` : oui / non / non précisé."""
    masque = pd.Series(True, index=equipements.index)
    if categories is not None:
        masque &= equipements["categorie"].isin(categories)
    if gestion is not None:
        masque &= equipements["gestion_ville"] == gestion
    if annexe is not None:
        masque &= equipements["annexe"] == annexe
    if quartier is not None:
        masque &= equipements["quartier"] == quartier
    return equipements[masque]


def tableau_quartiers(equipements: pd.DataFrame, quartiers: list[str]) -> pd.DataFrame:
    """Nombre d'équipements par quartier (lignes) et catégorie (colonnes), avec total ;
    une ligne « Quartier non connu » pour ceux qu'on ne sait pas encore rattacher."""
    categories = [c for c in CATEGORIES_EQUIPEMENTS if c in set(equipements["categorie"])]
    lignes = quartiers + (["Quartier non connu"] if equipements["quartier"].isna().any() else [])
    cles = equipements["quartier"].fillna("Quartier non connu")
    tableau = pd.crosstab(cles, equipements["categorie"]).reindex(index=lignes, columns=categories, fill_value=0)
    tableau["Total"] = tableau.sum(axis=1)
    tableau.index.name = "Quartier"
    tableau.columns.name = None
    return tableau.reset_index()


def titre_selection(categories: list[str], quartier: str | None, nombre: int) -> str:
    """« EAJE et RPE — quartier Grésilles (5 équipements) »."""
    if not categories:
        quoi = "Aucune catégorie choisie"
    elif len(categories) > 3:
        quoi = "Équipements et services"
    elif len(categories) == 1:
        quoi = categories[0]
    else:
        quoi = ", ".join(categories[:-1]) + " et " + categories[-1]
    ou = f"quartier {quartier}" if quartier else "tout Dijon"
    return f"{quoi} — {ou} ({nombre} équipement{'s' if nombre > 1 else ''})"
