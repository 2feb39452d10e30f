"""La vue « Contexte social » d'un indicateur, prête à afficher : années et niveaux possibles, valeurs
des zones, repères du territoire et de ses comparaisons (même année, puis en séries), tableau.

Les règles (quelles années proposer, quand un indicateur n'a pas de valeur par quartier, quelles zones
servent de repère) sont ici, pas dans la page.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import format as fmt
from .chiffres import est_territoire_ou_comparaison
from .territoire import Territoire

QUARTIERS, IRIS = "Quartiers", "IRIS"


@dataclass
class VueIndicateur:
    code: str
    libelle: str
    definition: str
    unite: str
    agregation: str
    precautions: str | None
    source: str
    annees: list[int]
    annee: int
    niveaux: list[str]
    niveau: str
    zones: pd.DataFrame  # les zones du niveau choisi (quartiers ou IRIS), l'année choisie
    quartiers_annee: pd.DataFrame  # les quartiers, l'année choisie (pour les barres)
    references: pd.DataFrame  # le territoire et ses comparaisons, l'année choisie, avec valeur
    serie_quartiers: pd.DataFrame  # valeurs des quartiers, toutes années
    serie_reperes: pd.DataFrame  # valeurs du territoire et de ses comparaisons, toutes années
    tableau: pd.DataFrame  # le tableau affiché (zones du niveau, repères, QPV), valeurs en texte
    detail: str | None = None  # note technique (colonnes, fichiers lus) : derrière un dépliant sur la page

    @property
    def type_zone(self) -> str:
        return "quartier" if self.niveau == QUARTIERS else "IRIS"

    @property
    def par_quartier(self) -> bool:
        return self.agregation != "non_agregeable"


def indicateurs_disponibles(social: pd.DataFrame, dictionnaire: pd.DataFrame) -> list[str]:
    """Les codes du dictionnaire qui ont au moins une ligne dans les données, dans l'ordre du dictionnaire."""
    presents = set(social["indicateur"].unique())
    return [c for c in dictionnaire["code"] if c in presents]


def vue_indicateur(social: pd.DataFrame, dictionnaire: pd.DataFrame, territoire: Territoire, code: str,
                   annee: int | None = None, niveau: str | None = None) -> VueIndicateur:
    """``annee`` / ``niveau`` None (ou hors des choix possibles) : la plus récente / le premier niveau."""
    regle = dictionnaire.set_index("code").loc[code]
    lignes = social[social["indicateur"] == code]
    locales = lignes[lignes["type_zone"].isin(["IRIS", "quartier"])]
    annees = sorted((locales if not locales.empty else lignes)["annee"].unique().tolist(), reverse=True)
    annee = annee if annee in annees else annees[0]
    niveaux = [QUARTIERS, IRIS] if regle["agregation"] != "non_agregeable" else [IRIS]
    niveau = niveau if niveau in niveaux else niveaux[0]
    de_l_annee = lignes[lignes["annee"] == annee]
    type_zone = "quartier" if niveau == QUARTIERS else "IRIS"
    reperes = est_territoire_ou_comparaison(lignes, territoire)
    tableau = de_l_annee[de_l_annee["type_zone"].isin([type_zone, "QPV"]) | reperes.loc[de_l_annee.index]]
    return VueIndicateur(
        code=code, libelle=regle["libelle"], definition=regle["definition"], unite=regle["unite"],
        agregation=regle["agregation"], precautions=regle["precautions"] if isinstance(regle["precautions"], str) else None,
        detail=regle["detail"] if isinstance(regle.get("detail"), str) else None,
        source=regle["source"], annees=annees, annee=annee, niveaux=niveaux, niveau=niveau,
        zones=de_l_annee[de_l_annee["type_zone"] == type_zone],
        quartiers_annee=de_l_annee[de_l_annee["type_zone"] == "quartier"],
        references=de_l_annee[reperes.loc[de_l_annee.index]].dropna(subset=["valeur"]),
        serie_quartiers=lignes[lignes["type_zone"] == "quartier"].dropna(subset=["valeur"]),
        serie_reperes=lignes[reperes].dropna(subset=["valeur"]),
        tableau=pd.DataFrame({
            "Zone": tableau["nom_zone"], "Type": tableau["type_zone"], "Année": tableau["annee"],
            "Valeur": [fmt.valeur(v, regle["unite"]) if pd.notna(v) else "–" for v in tableau["valeur"]],
            "Statut": tableau["statut"], "Calcul et couverture": tableau["note"].fillna(""), "Source": tableau["source"],
        }),
    )


def serie_qpv(social: pd.DataFrame, territoire: Territoire, code: str) -> tuple[pd.DataFrame, bool]:
    """Les valeurs des QPV pour un indicateur, toutes années, avec celles du territoire entier pour
    comparaison ; le booléen dit si le territoire entier a des valeurs."""
    qpv = social[(social["type_zone"] == "QPV") & (social["indicateur"] == code)].dropna(subset=["valeur"])
    territoire_entier = social[(social["indicateur"] == code) & (social["type_zone"] == territoire.nature)
                               & (social["code_zone"] == territoire.code)].dropna(subset=["valeur"])
    return pd.concat([qpv, territoire_entier]), not territoire_entier.empty
