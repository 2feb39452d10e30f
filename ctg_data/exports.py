"""Exports des tableaux : CSV pour tableur français et classeur Excel avec une feuille « Source »."""

from __future__ import annotations

import io

import pandas as pd

from .catalogue import JeuDeDonnees


def en_csv(df: pd.DataFrame) -> bytes:
    """CSV qui s'ouvre directement dans Excel en français : point-virgule, virgule décimale, UTF-8 avec BOM."""
    return df.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")


def en_xlsx(df: pd.DataFrame, nom_feuille: str = "Données", jeu: JeuDeDonnees | None = None) -> bytes:
    """Classeur XLSX : les données, puis une feuille « Source » (provenance et licence)."""
    tampon = io.BytesIO()
    with pd.ExcelWriter(tampon, engine="openpyxl") as classeur:
        df.to_excel(classeur, sheet_name=nom_feuille[:31], index=False)
        feuille = classeur.sheets[nom_feuille[:31]]
        for i, col in enumerate(df.columns, start=1):
            largeur = max([len(str(col))] + [len(str(v)) for v in df[col].head(200)])
            feuille.column_dimensions[feuille.cell(1, i).column_letter].width = min(60, largeur + 2)
        if jeu is not None:
            provenance(jeu).to_excel(classeur, sheet_name="Source", index=False)
    return tampon.getvalue()


def provenance(jeu: JeuDeDonnees) -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("Jeu de données", jeu.titre),
            ("Fichier", jeu.fichier),
            ("Document source", jeu.document),
            ("Fichier source", jeu.source_fichier),
            ("Section", jeu.section),
            ("Producteur", jeu.producteur),
            ("Année", str(jeu.annee)),
            ("Licence", jeu.licence),
            ("Méthode", jeu.methode),
        ],
        columns=["Champ", "Valeur"],
    )
