"""Chiffres clés du portrait de territoire (préambule de la CTG), prêts à afficher."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from . import format as fmt

TERRITOIRE = "Dijon"
TERRITOIRES_COMPARAISON = ["Côte-d'Or", "France métropolitaine", "France"]
NOM_DOCUMENT = "CTG Dijon 2024-2027"
SYMBOLES = {"%", "€"}

# Chiffres mis en avant sur la page d'accueil, dans cet ordre : (code, titre de la carte).
CHIFFRES_CLES = [
    ("population", "Habitants"),
    ("taux_pauvrete", "Taux de pauvreté"),
    ("niveau_vie_median", "Niveau de vie médian"),
    ("niveau_vie_premier_decile", "Niveau de vie du 1er décile (les 10 % les plus modestes)"),
    ("mineurs", "Mineurs"),
    ("naissances", "Naissances"),
    ("familles_monoparentales", "Familles monoparentales"),
    ("taux_pauvrete_familles_monoparentales", "Taux de pauvreté des familles monoparentales"),
    ("menages_connus_caf", "Ménages connus de la Caf"),
    ("part_allocataires_dependants_100", "Allocataires Caf vivant à 100 % des prestations"),
    ("jeunes_18_24_neet", "Jeunes de 18-24 ans ni en emploi, ni en études, ni en formation (NEET)"),
    ("taille_moyenne_menages", "Taille moyenne des ménages"),
]


@dataclass
class ChiffreCle:
    code: str
    titre: str
    valeur: str  # texte complet : « plus de 5 800 familles »
    valeur_courte: str  # pour un grand affichage : « plus de 5 800 » ; % et € restent collés
    unite: str  # l'unité quand elle n'est pas dans valeur_courte : « familles »
    annee: str
    comparaisons: list[str] = field(default_factory=list)
    historique: list[str] = field(default_factory=list)
    source: str = ""
    note: str = ""


def source_courte(ligne: pd.Series) -> str:
    return f"{NOM_DOCUMENT}, {ligne['source_section']} ({ligne['source_fichier']})"


def valeur_ligne(ligne: pd.Series, avec_annee: bool = False) -> str:
    texte = fmt.valeur(ligne["valeur"], ligne["unite"], ligne["qualificatif"] if pd.notna(ligne["qualificatif"]) else None)
    if avec_annee:
        texte += f" ({fmt.annee(ligne['annee'])})"
    return texte


def derniere(lignes: pd.DataFrame) -> pd.Series:
    """La ligne la plus récente (les lignes sans année passent après celles qui en ont une)."""
    return lignes.sort_values("annee", na_position="first").iloc[-1]


def chiffre_cle(portrait: pd.DataFrame, code: str, titre: str) -> ChiffreCle | None:
    lignes = portrait[(portrait["code"] == code) & portrait["periode"].isna()]
    dijon = lignes[lignes["territoire"] == TERRITOIRE]
    if dijon.empty:
        return None
    actuelle = derniere(dijon)
    comparaisons = []
    for territoire in TERRITOIRES_COMPARAISON:
        autre = lignes[lignes["territoire"] == territoire]
        if not autre.empty:
            ligne = derniere(autre)
            comparaisons.append(f"{territoire} : {valeur_ligne(ligne, avec_annee=ligne['annee'] != actuelle['annee'])}")
    historique = [
        f"{valeur_ligne(l)} en {fmt.annee(l['annee'])}"
        for _, l in dijon.iterrows()
        if l["id"] != actuelle["id"] and pd.notna(l["annee"])
    ]
    symbole = actuelle["unite"] in SYMBOLES
    qualif = actuelle["qualificatif"] if pd.notna(actuelle["qualificatif"]) else None
    return ChiffreCle(
        code=code,
        titre=titre,
        valeur=valeur_ligne(actuelle),
        valeur_courte=fmt.valeur(actuelle["valeur"], actuelle["unite"] if symbole else None, qualif),
        unite="" if symbole else actuelle["unite"],
        annee=fmt.annee(actuelle["annee"]),
        comparaisons=comparaisons,
        historique=historique,
        source=source_courte(actuelle),
        note=actuelle["note"] if pd.notna(actuelle["note"]) else "",
    )


def chiffres_cles(portrait: pd.DataFrame) -> list[ChiffreCle]:
    """Les cartes de la page d'accueil ; un code absent des données est simplement omis."""
    cartes = [chiffre_cle(portrait, code, titre) for code, titre in CHIFFRES_CLES]
    return [c for c in cartes if c is not None]


def tableau_lisible(portrait: pd.DataFrame) -> pd.DataFrame:
    """Le portrait en tableau pour l'écran : valeurs mises en forme, source sur chaque ligne."""
    return pd.DataFrame(
        {
            "Thème": portrait["theme"],
            "Indicateur": portrait["indicateur"],
            "Territoire": portrait["territoire"],
            "Année": [
                p if pd.notna(p) else fmt.annee(a) for a, p in zip(portrait["annee"], portrait["periode"])
            ],
            "Valeur": [valeur_ligne(l) for l in portrait.to_dict("records")],
            "Source": [source_courte(l) for l in portrait.to_dict("records")],
            "Note": portrait["note"].fillna(""),
        }
    )
