"""Les équipements et services (annexes 2 et 2 bis de la CTG) : ce qu'on compte, et comment.

Une seule définition, utilisée par l'accueil, la carte, le portrait de quartier, le séminaire et les
exports :

- le tableau des équipements est celui de ``positions.avec_corrections`` (position et quartier
  calculés une fois à la construction, corrections des éditeurs appliquées) ;
- on compte des **équipements et services**, pas des lignes d'annexe : les postes de coordination
  (« pilotage du projet de territoire ») listés par l'annexe ne sont pas des équipements ;
- un équipement **fermé** (correction d'un éditeur) n'est pas compté ; il est compté à part ;
- dans la vue d'un quartier, les équipements dont le quartier n'est **pas connu** ne disparaissent
  pas : ils sont comptés et listés (« peut-être dans ce quartier »).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from .vocabulaire import CATEGORIES_EQUIPEMENTS, FERME

LIBELLES_CATEGORIES = CATEGORIES_EQUIPEMENTS
SOUS_TYPE_POSTE = "pilotage du projet de territoire"  # postes de coordination, pas des équipements
QUARTIER_NON_CONNU = "Quartier non connu"

# Ce que compte le tableau de bord, dit au lecteur (accueil, carte, portrait, séminaire).
CE_QUI_EST_COMPTE = (
    "Équipements et services listés aux annexes 2 et 2 bis de la convention, un par ligne d'annexe : le réseau "
    "des médiathèques compte pour un (le document ne détaille pas ses 7 équipements) ; les postes de "
    "coordination listés avec eux ne sont pas comptés ; un équipement fermé n'est pas compté."
)


def est_equipement(df: pd.DataFrame) -> pd.Series:
    """Vrai pour un équipement ou un service ; faux pour un poste de coordination."""
    return df["sous_type"].fillna("") != SOUS_TYPE_POSTE


def est_ferme(df: pd.DataFrame) -> pd.Series:
    return df["etat"] == FERME if "etat" in df else pd.Series(False, index=df.index)


def filtrer_quartier(equipements: pd.DataFrame, quartier: str | None) -> pd.DataFrame:
    """Équipements d'un quartier (par son nom) ; tous si ``quartier`` est None."""
    if quartier is None:
        return equipements
    return equipements[equipements["quartier"] == quartier]


def comptage_par_categorie(equipements: pd.DataFrame) -> pd.DataFrame:
    """Nombre par catégorie, dans l'ordre des catégories ; seulement celles présentes."""
    n = equipements["categorie"].value_counts()
    lignes = [
        {"Catégorie": c, "Libellé": libelle, "Nombre": int(n[c])}
        for c, libelle in CATEGORIES_EQUIPEMENTS.items()
        if c in n.index
    ]
    return pd.DataFrame(lignes, columns=["Catégorie", "Libellé", "Nombre"])


def sans_quartier(equipements: pd.DataFrame) -> int:
    return int(equipements["quartier"].isna().sum())


@dataclass
class Comptage:
    """Les équipements comptés pour une vue (tout le territoire ou un quartier)."""

    quartier: str | None
    comptes: pd.DataFrame  # les équipements comptés (ouverts, du quartier)
    par_categorie: pd.DataFrame  # Catégorie, Libellé, Nombre
    fermes: pd.DataFrame  # fermés (non comptés), du quartier
    quartier_inconnu: pd.DataFrame  # ouverts, quartier non connu (seulement dans la vue d'un quartier)
    postes: int  # postes de coordination écartés (tout le territoire)
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.comptes)

    def phrase(self) -> str:
        """« 5 équipements et services dans le quartier Grésilles ; 37 autres dont le quartier n'est pas
        connu (peut-être dans ce quartier) ; 1 fermé, non compté. »"""
        n = self.total
        quoi = f"{n} équipement{'s' if n > 1 else ''} et service{'s' if n > 1 else ''}"
        morceaux = [f"{quoi} dans le quartier {self.quartier}" if self.quartier else quoi]
        if self.quartier and len(self.quartier_inconnu):
            k = len(self.quartier_inconnu)
            morceaux.append(f"{k} autre{'s' if k > 1 else ''} dont le quartier n'est pas connu "
                            "(peut-être dans ce quartier)")
        if len(self.fermes):
            k = len(self.fermes)
            morceaux.append(f"{k} fermé{'s' if k > 1 else ''}, non compté{'s' if k > 1 else ''}")
        return " ; ".join(morceaux) + "."


def compter(equipements: pd.DataFrame, quartier: str | None = None,
            categories: list[str] | None = None) -> Comptage:
    """Le comptage d'une vue : tout le territoire (``quartier`` None) ou un quartier ; ``categories``
    None = toutes. ``equipements`` : le tableau de ``positions.avec_corrections``."""
    # Des masques combinés, puis une seule sélection de lignes par tableau rendu (chaque sélection copie
    # toutes les colonnes) : mêmes lignes, même ordre, même index qu'en filtrant pas à pas.
    vrai = est_equipement(equipements)
    postes = int((~vrai).sum())
    if categories is not None:
        vrai = vrai & equipements["categorie"].isin(categories)
    ferme = est_ferme(equipements)
    ouvert, fermes = vrai & ~ferme, vrai & ferme
    if quartier is not None:
        dans = equipements["quartier"] == quartier
        comptes = equipements[ouvert & dans]
        fermes_vue = equipements[fermes & dans]
    else:
        comptes, fermes_vue = equipements[ouvert], equipements[fermes]
    inconnus = equipements[ouvert & equipements["quartier"].isna()] if quartier else equipements.iloc[0:0]
    return Comptage(
        quartier=quartier,
        comptes=comptes,
        par_categorie=comptage_par_categorie(comptes),
        fermes=fermes_vue,
        quartier_inconnu=inconnus,
        postes=postes,
    )


def gestions(collectivite: str) -> dict[str, str | None]:
    """Choix du filtre « gestionnaire » : libellé -> valeur de la colonne gestion_ville.
    ``collectivite`` : « Ville de Dijon » (nom complet du territoire)."""
    return {
        "Tous les gestionnaires": None,
        collectivite: "oui",
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
    fermes: bool = False,
) -> pd.DataFrame:
    """Filtres de la carte ; ``None`` = pas de filtre. ``gestion`` : oui / non / non précisé. Les
    postes de coordination ne sont jamais des équipements ; les fermés seulement si ``fermes``."""
    masque = est_equipement(equipements)
    if not fermes:
        masque &= ~est_ferme(equipements)
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
    presentes = set(equipements["categorie"])
    categories = [c for c in CATEGORIES_EQUIPEMENTS if c in presentes]
    manquants = equipements["quartier"].isna()
    lignes = quartiers + ([QUARTIER_NON_CONNU] if manquants.any() else [])
    # Un décompte en Python (quelques centaines de lignes) : le même tableau que pd.crosstab, bien plus vite.
    cles = [QUARTIER_NON_CONNU if m else q for q, m in zip(equipements["quartier"].tolist(), manquants.tolist())]
    n = Counter(zip(cles, equipements["categorie"].tolist()))
    tableau = pd.DataFrame([[n.get((q, c), 0) for c in categories] for q in lignes],
                           index=pd.Index(lignes, name="Quartier", dtype=object if lignes else equipements["quartier"].dtype),
                           columns=categories, dtype="int64")
    tableau["Total"] = tableau.sum(axis=1)
    return tableau.reset_index()


def titre_selection(categories: list[str], quartier: str | None, nombre: int, tout: str) -> str:
    """« EAJE et RPE — quartier Grésilles (5 équipements) » ; ``tout`` : « tout Dijon »."""
    if not categories:
        quoi = "Aucune catégorie choisie"
    elif len(categories) > 3:
        quoi = "Équipements et services"
    elif len(categories) == 1:
        quoi = categories[0]
    else:
        quoi = ", ".join(categories[:-1]) + " et " + categories[-1]
    ou = f"quartier {quartier}" if quartier else tout
    return f"{quoi} — {ou} ({nombre} équipement{'s' if nombre > 1 else ''})"
