"""Exports des tableaux : CSV pour tableur français et classeur Excel avec une feuille « Source ».

Ce qu'une personne a tapé (commentaire, source, valeur en texte…) ne devient jamais une formule dans
le tableur qui ouvre l'export (« injection de formule », voir la recommandation de l'OWASP sur
l'injection CSV) :

- CSV : une cellule de texte qui commence par ``=``, ``+``, ``-``, ``@``, une tabulation ou un retour
  chariot (après d'éventuelles espaces, et aussi sous leur forme « pleine chasse » ``＝＋－＠``) est
  précédée d'une apostrophe ``'`` : le tableur l'affiche comme du texte (``neutraliser``) ;
- XLSX : chaque cellule de texte est écrite comme texte (type ``s``, jamais ``f`` : formule), marquée
  « texte » (préfixe d'apostrophe d'Excel) quand elle commence ainsi : son contenu reste exact ;
  les caractères de contrôle interdits dans un classeur sont remplacés par « � » ;
- les nombres restent des nombres (un nombre négatif n'est pas une formule).
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .catalogue import JeuDeDonnees

DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")
"""Premiers caractères qu'un tableur peut lire comme le début d'une formule (OWASP)."""
_DEBUT_DE_FORMULE = re.compile("^[\\s\u00a0\u202f]*[=+\\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r\n]")
REMPLACEMENT = "\ufffd"  # caractère de contrôle interdit dans un classeur XLSX


def formule_possible(texte: str) -> bool:
    """Vrai si un tableur pourrait lire ``texte`` comme une formule : il commence (éventuellement après
    des espaces) par ``=``, ``+``, ``-``, ``@`` (ou leurs variantes pleine chasse), ou par une
    tabulation, un retour chariot ou un saut de ligne. Le signe moins typographique « − » des nombres
    mis en forme (``format.nombre``) n'en fait pas partie : aucun tableur ne le lit comme un opérateur."""
    return bool(_DEBUT_DE_FORMULE.match(texte))


def neutraliser(valeur):
    """Une cellule d'export CSV rendue inoffensive : un texte qui pourrait être lu comme une formule est
    précédé d'une apostrophe ; tout le reste (nombres compris, négatifs aussi) est rendu tel quel."""
    if isinstance(valeur, str) and formule_possible(valeur):
        return "'" + valeur
    return valeur


def _colonnes_de_texte(df: pd.DataFrame) -> list:
    return [c for c in df.columns if df[c].dtype == object or pd.api.types.is_string_dtype(df[c].dtype)
            or isinstance(df[c].dtype, pd.CategoricalDtype)]


def tableau_neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """Une copie de ``df`` dont chaque cellule de texte (et chaque nom de colonne) passe par ``neutraliser``."""
    sortie = df.copy()
    for c in _colonnes_de_texte(sortie):
        sortie[c] = sortie[c].astype(object).map(neutraliser)
    return sortie.rename(columns=lambda c: neutraliser(c) if isinstance(c, str) else c)


def en_csv(df: pd.DataFrame, avant: list[str] | None = None) -> bytes:
    """CSV qui s'ouvre directement dans Excel en français : point-virgule, virgule décimale, UTF-8 avec BOM.
    Aucune cellule n'est lue comme une formule (``neutraliser``). ``avant`` : lignes d'avertissement
    écrites au-dessus du tableau (une cellule chacune), suivies d'une ligne vide."""
    entete = ""
    if avant:
        entete = pd.DataFrame([[neutraliser(l)] for l in avant]).to_csv(index=False, header=False, sep=";") + "\n"
    return (entete + _virgule_decimale(tableau_neutralise(df)).to_csv(index=False, sep=";", decimal=",")
            ).encode("utf-8-sig")


def _nombre_a_virgule(v):
    """Un nombre à virgule rangé dans une colonne « objet » (colonne qui mêle nombres et cellules vides,
    comme les latitudes et longitudes des équipements non localisés) : pandas n'applique pas
    ``decimal=","`` à ces colonnes et écrirait 47.335124 ; il est écrit 47,335124."""
    if isinstance(v, (float, np.floating)) and not isinstance(v, bool) and np.isfinite(v):
        return repr(float(v)).replace(".", ",")
    return v


def _virgule_decimale(df: pd.DataFrame) -> pd.DataFrame:
    sortie = df
    for c in df.columns:
        if df[c].dtype == object and df[c].map(lambda v: isinstance(v, (float, np.floating))).any():
            if sortie is df:
                sortie = df.copy()
            sortie[c] = df[c].map(_nombre_a_virgule)
    return sortie


def _nettoyer_pour_xlsx(df: pd.DataFrame) -> pd.DataFrame:
    """Caractères de contrôle interdits dans un classeur (NUL…) remplacés : l'export n'échoue pas."""
    sortie = df.copy()
    for c in _colonnes_de_texte(sortie):
        sortie[c] = sortie[c].astype(object).map(
            lambda v: ILLEGAL_CHARACTERS_RE.sub(REMPLACEMENT, v) if isinstance(v, str) else v)
    return sortie.rename(columns=lambda c: ILLEGAL_CHARACTERS_RE.sub(REMPLACEMENT, c) if isinstance(c, str) else c)


def _texte_seulement(feuille) -> None:
    """Aucune formule dans la feuille : toute cellule que openpyxl a prise pour une formule (texte qui
    commence par « = ») redevient du texte, et un texte qui pourrait être lu comme une formule est marqué
    « texte » (préfixe d'apostrophe d'Excel : même modifiée à la main, la cellule reste du texte)."""
    for ligne in feuille.iter_rows():
        for cellule in ligne:
            if cellule.data_type == "f" or (isinstance(cellule.value, str) and formule_possible(cellule.value)):
                cellule.data_type = "s"
                cellule.quotePrefix = True


def _largeurs(feuille, df: pd.DataFrame) -> None:
    for i, col in enumerate(df.columns, start=1):
        largeur = max([len(str(col))] + [len(str(v)) for v in df[col].head(200)])
        feuille.column_dimensions[feuille.cell(1, i).column_letter].width = min(60, largeur + 2)


def classeur(feuilles: list[tuple[str, pd.DataFrame]]) -> bytes:
    """Classeur XLSX d'une ou plusieurs feuilles (nom, tableau), dans l'ordre donné ; cellules de texte
    écrites comme texte (jamais de formule), nombres comme nombres."""
    tampon = io.BytesIO()
    with pd.ExcelWriter(tampon, engine="openpyxl") as ecrivain:
        for nom, df in feuilles:
            nom = nom[:31]
            propre = _nettoyer_pour_xlsx(df)
            propre.to_excel(ecrivain, sheet_name=nom, index=False)
            feuille = ecrivain.sheets[nom]
            _texte_seulement(feuille)
            _largeurs(feuille, propre)
    return tampon.getvalue()


def en_xlsx(df: pd.DataFrame, nom_feuille: str = "Données", jeu: JeuDeDonnees | None = None) -> bytes:
    """Classeur XLSX : les données, puis une feuille « Source » (provenance et licence)."""
    return classeur([(nom_feuille, df)] + ([("Source", provenance(jeu))] if jeu is not None else []))


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
