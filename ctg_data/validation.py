"""Lecture des fichiers CSV et validation contre un schéma, avec des erreurs en français.

Les numéros de ligne donnés à l'utilisateur sont ceux du fichier ouvert dans un tableur :
l'en-tête est la ligne 1, la première ligne de données la ligne 2.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .erreurs import ErreurDonnees, Probleme

TYPES_FR = {
    "Int64": "un nombre entier",
    "int64": "un nombre entier",
    "float64": "un nombre (décimales avec un point, par ex. 16.3)",
    "str": "du texte",
}


def ligne_fichier(index) -> int | None:
    """Index pandas (0 = première ligne de données) -> numéro de ligne du fichier."""
    try:
        return int(index) + 2
    except (TypeError, ValueError):
        return None


def lire_csv(chemin: Path, nom_affiche: str | None = None) -> pd.DataFrame:
    """Lit un CSV UTF-8 (séparateur virgule) en texte brut ; les cellules vides deviennent manquantes."""
    nom = nom_affiche or chemin.name
    if not chemin.exists():
        raise ErreurDonnees(nom, [Probleme(f"fichier introuvable ({chemin})")])
    try:
        brut = chemin.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        ligne = chemin.read_bytes()[: e.start].count(b"\n") + 1
        raise ErreurDonnees(
            nom,
            [Probleme("le fichier n'est pas encodé en UTF-8 (enregistrez-le au format « CSV UTF-8 »)", ligne=ligne)],
        ) from None
    if not brut.strip():
        raise ErreurDonnees(nom, [Probleme("le fichier est vide")])
    problemes = verifier_nombre_de_champs(brut)
    if problemes:
        raise ErreurDonnees(nom, problemes)
    try:
        df = pd.read_csv(
            chemin, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig"
        )
    except pd.errors.ParserError as e:  # guillemet jamais fermé… (non vu par le module csv)
        ligne = re.search(r"line (\d+)", str(e))
        raise ErreurDonnees(nom, [Probleme(
            "fichier mal formé (guillemet jamais fermé ou ligne coupée) ; vérifiez les guillemets",
            ligne=int(ligne.group(1)) if ligne else None,
        )]) from None
    df.columns = [str(c).strip() for c in df.columns]
    for col in df.columns:
        df[col] = df[col].str.strip().replace("", pd.NA)
    return df


def verifier_nombre_de_champs(brut: str) -> list[Probleme]:
    """Chaque ligne doit avoir autant de champs que l'en-tête (guillemets compris)."""
    lecteur = csv.reader(brut.splitlines(keepends=True))
    try:
        entete = next(lecteur)
    except (StopIteration, csv.Error) as e:
        return [Probleme(f"en-tête illisible ({e})", ligne=1)]
    problemes = []
    try:
        for ligne in lecteur:
            if not ligne:
                continue
            if len(ligne) != len(entete):
                problemes.append(
                    Probleme(
                        f"{len(ligne)} champs trouvés, {len(entete)} attendus (comme l'en-tête) ; "
                        "vérifiez les virgules et les guillemets",
                        ligne=lecteur.line_num,
                    )
                )
    except csv.Error as e:
        problemes.append(Probleme(f"ligne mal formée ({e})", ligne=lecteur.line_num))
    return problemes


def valider(df: pd.DataFrame, schema: pa.DataFrameSchema, nom_fichier: str) -> pd.DataFrame:
    """Valide (et convertit les types) ; lève ErreurDonnees avec tous les problèmes trouvés."""
    try:
        return schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as e:
        raise ErreurDonnees(nom_fichier, traduire(e.failure_cases, schema)) from None


def traduire(cas: pd.DataFrame, schema: pa.DataFrameSchema) -> list[Probleme]:
    problemes: list[Probleme] = []
    deja: set[tuple] = set()
    mal_typees = set(cas.loc[cas["check"].astype(str).str.startswith("coerce_dtype"), "column"])
    for _, cas_ in cas.iterrows():
        controle = str(cas_["check"])
        colonne = cas_["column"] if isinstance(cas_["column"], str) else None
        valeur = cas_["failure_case"]
        ligne = ligne_fichier(cas_["index"])
        if ligne is None and colonne in mal_typees:
            # Contrôle de valeurs impossible sur une colonne mal typée : déjà signalé cellule par cellule.
            continue
        if controle == "column_in_dataframe":
            cle, p = ("absente", valeur), Probleme("colonne obligatoire absente", colonne=str(valeur))
        elif controle == "column_in_schema":
            cle, p = ("inattendue", valeur), Probleme("colonne inconnue (vérifiez son nom)", colonne=str(valeur))
        elif controle == "multiple_fields_uniqueness":
            cles = ", ".join(schema.unique or [])
            cle, p = ("doublon", ligne), Probleme(f"combinaison ({cles}) en double", ligne=ligne)
        else:
            cle = (colonne, ligne)
            p = Probleme(message_cellule(controle, valeur, schema, colonne), ligne=ligne, colonne=colonne)
        # Un même défaut de type est signalé deux fois par pandera (conversion, puis type) :
        # on ne garde que le premier message pour une cellule donnée.
        if cle in deja:
            continue
        deja.add(cle)
        problemes.append(p)
    problemes.sort(key=lambda p: (p.ligne or 0, p.colonne or ""))
    return problemes


def message_cellule(controle: str, valeur, schema: pa.DataFrameSchema, colonne: str | None) -> str:
    if controle == "not_nullable" or pd.isna(valeur):
        return "valeur manquante (cette colonne est obligatoire)"
    if controle == "field_uniqueness":
        return f"« {valeur} » apparaît plusieurs fois ; cette colonne doit être unique"
    if controle.startswith(("coerce_dtype", "dtype")):
        attendu = TYPES_FR.get(str(schema.columns[colonne].dtype), str(schema.columns[colonne].dtype))
        return f"« {valeur} » n'est pas valide ; attendu : {attendu}"
    if re.match(r"^[a-z_]+\(", controle):  # contrôle pandera sans message français
        return f"« {valeur} » ne respecte pas le contrôle {controle}"
    return f"« {valeur} » : {controle}"
