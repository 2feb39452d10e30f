"""Cartographie des acteurs (premier outil d'évaluation de l'Annexe 5 de la CTG) : qui est pilote ou
partenaire de quelle fiche, dans chaque plan.

Les noms d'acteurs sont normalisés (un acteur, un nom) : d'abord par la table
``data/acteurs_normalisation.csv`` (variante -> nom retenu, tenue par l'équipe), puis par une mise
en forme simple (espaces, apostrophes). La table reste modifiable : une ligne par variante.

Deux noms qui ne diffèrent que par les majuscules (« Caf et MSA » / « CAF et MSA ») ou par l'ordre
d'une énumération (« RPE et EAJE » / « EAJE et RPE », « Caf, MSA ») ont la même clé : ils désignent
le même acteur, sans ligne dans la table. Le pluriel ou l'article (« Les CCAS », « Missions Locales »)
passent par la table : la règle ne devine pas qu'un pluriel est le même acteur.
"""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

from .plan import Plan


def membres(nom: str) -> list[str]:
    """Les éléments d'une énumération « x, y et z » (hors parenthèses) ; un seul élément sinon."""
    elements, courant, profondeur, i = [], [], 0, 0
    while i < len(nom):
        c = nom[i]
        if c == "(":
            profondeur += 1
        elif c == ")" and profondeur:
            profondeur -= 1
        if profondeur == 0 and (c == "," or nom.startswith(" et ", i)):
            elements.append("".join(courant))
            courant, i = [], i + (1 if c == "," else 4)
            continue
        courant.append(c)
        i += 1
    elements.append("".join(courant))
    return [e.strip() for e in elements if e.strip()]


def cle(nom: str) -> str:
    """Forme de comparaison : minuscules, apostrophes droites, espaces simples, sans point final,
    éléments d'une énumération (« x et y », « x, y ») dans l'ordre alphabétique."""
    nom = nom.replace("’", "'").replace("\u00a0", " ")
    nom = re.sub(r"\s+", " ", nom).strip().strip(".;,").lower()
    return " et ".join(sorted(membres(nom))) or nom


def normaliser(nom: str, table: pd.DataFrame) -> str:
    correspondances = {cle(v): n for v, n in zip(table["variante"], table["nom"])} if not table.empty else {}
    propre = re.sub(r"\s+", " ", nom.replace("’", "'")).strip().strip(".;,")
    return correspondances.get(cle(propre), propre)


def unifier(noms: list[str], retenus: set[str] = frozenset()) -> dict[str, str]:
    """Un seul nom par clé : celui de la table s'il y en a un (``retenus``), sinon le plus fréquent
    (à égalité, le premier rencontré). Renvoie {nom -> nom retenu}."""
    comptes = Counter(noms)
    premier = {n: i for i, n in reversed(list(enumerate(noms)))}
    groupes: dict[str, list[str]] = {}
    for n in comptes:
        groupes.setdefault(cle(n), []).append(n)
    choix = {}
    for variantes in groupes.values():
        retenu = min(variantes, key=lambda n: (n not in retenus, -comptes[n], premier[n]))
        choix.update({n: retenu for n in variantes})
    return choix


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
    resultat = pd.DataFrame(lignes, columns=colonnes)
    if not resultat.empty:
        retenus = set(table["nom"]) if not table.empty else set()
        resultat["acteur"] = resultat["acteur"].map(unifier(list(resultat["acteur"]), retenus))
    return resultat.drop_duplicates(["acteur", "role", "plan", "fiche"])


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
