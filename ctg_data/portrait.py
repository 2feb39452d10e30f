"""Le portrait de territoire d'un document signé (``data/portrait.csv``), mis en forme ligne à ligne.

Les chiffres clés et les comparaisons (document et données ouvertes côte à côte) sont dans
``ctg_data.chiffres`` : ici, seulement la lecture d'une ligne du portrait telle que le document l'écrit.
"""

from __future__ import annotations

import pandas as pd

from . import format as fmt


def source_courte(ligne: pd.Series, document: str = "Document") -> str:
    """« Convention CTG 2024-2027, Préambule — … (ligne 145) » : le document, puis sa section."""
    return f"{document}, {ligne['source_section']}"


def valeur_ligne(ligne: pd.Series, avec_annee: bool = False) -> str:
    qualificatif = ligne["qualificatif"] if isinstance(ligne["qualificatif"], str) else None
    texte = fmt.valeur(ligne["valeur"], ligne["unite"], qualificatif)
    if avec_annee:
        texte += f" ({fmt.annee(ligne['annee'])})"
    return texte


def tableau_lisible(portrait: pd.DataFrame, document: str = "Document") -> pd.DataFrame:
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
            "Source": [f"{source_courte(l, document)} ({l['source_fichier']})" for l in portrait.to_dict("records")],
            "Note": portrait["note"].fillna(""),
        }
    )
