"""Cartographie des acteurs (premier outil d'évaluation de l'Annexe 5 de la CTG) : qui est pilote ou
partenaire de quelle fiche, dans chaque plan.

Les noms d'acteurs sont normalisés (un acteur, un nom) : d'abord par la table
``data/acteurs_normalisation.csv`` (variante -> nom retenu, tenue par l'équipe), puis par une mise
en forme simple (espaces, apostrophes). La table reste modifiable : une ligne par variante.
"""

from __future__ import annotations

import re

import pandas as pd

from .plan import Plan


def cle(nom: str) -> str:
    """Forme de comparaison : minuscules, apostrophes droites, espaces simples, sans point final."""
    nom = nom.replace("’", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", nom).strip().strip(".;,").lower()


def normaliser(nom: str, table: pd.DataFrame) -> str:
    correspondances = {cle(v): n for v, n in zip(table["variante"], table["nom"])} if not table.empty else {}
    propre = re.sub(r"\s+", " ", nom.replace("’", "'")).strip().strip(".;,")
    return correspondances.get(cle(propre), propre)


def liens(plans: list[Plan], table: pd.DataFrame) -> pd.DataFrame:
    """Une ligne par (acteur, rôle, fiche) : pilote ou partenaire."""
    lignes = []
    for plan in plans:
        for fiche in plan.fiches:
            axe = plan.axe(fiche.axe)
            roles = ([("pilote", fiche.pilote)] if fiche.pilote else []) + [("partenaire", p) for p in fiche.partenaires]
            if not fiche.pilote and axe.pilote:
                roles.append(("pilote de l'axe", axe.pilote))
            for role, nom in roles:
                lignes.append({
                    "acteur": normaliser(nom, table), "nom_dans_le_document": nom, "role": role,
                    "plan": plan.titre_court, "fiche": fiche.id, "fiche_titre": fiche.titre,
                    "axe": f"{axe.numero}. {axe.titre}", "source": f"{fiche.source.section} ({fiche.source.fichier})",
                })
    colonnes = ["acteur", "nom_dans_le_document", "role", "plan", "fiche", "fiche_titre", "axe", "source"]
    return pd.DataFrame(lignes, columns=colonnes).drop_duplicates(["acteur", "role", "plan", "fiche"])


def par_acteur(liens_: pd.DataFrame) -> pd.DataFrame:
    """Pour chaque acteur : nombre de fiches, et la liste des fiches."""
    if liens_.empty:
        return pd.DataFrame(columns=["Acteur", "Fiches", "Liste des fiches"])
    groupes = liens_.groupby("acteur")
    return pd.DataFrame({
        "Acteur": list(groupes.groups),
        "Fiches": [g["fiche"].nunique() for _, g in groupes],
        "Liste des fiches": [", ".join(sorted(set(f"{p} : {f}" for p, f in zip(g["plan"], g["fiche"])))) for _, g in groupes],
    }).sort_values(["Fiches", "Acteur"], ascending=[False, True]).reset_index(drop=True)
