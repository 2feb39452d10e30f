import io

import openpyxl
import pandas as pd

from ctg_data.catalogue import charger, lire_catalogue
from ctg_data.exports import en_csv, en_xlsx


def test_csv_pour_tableur_francais():
    df = pd.DataFrame({"Quartier": ["Grésilles"], "Taux": [11.5]})
    octets = en_csv(df)
    assert octets.startswith(b"\xef\xbb\xbf")
    assert octets.decode("utf-8-sig").splitlines() == ["Quartier;Taux", "Grésilles;11,5"]


def test_xlsx_avec_feuille_source():
    jeu = lire_catalogue()["portrait"]
    classeur = openpyxl.load_workbook(io.BytesIO(en_xlsx(charger("portrait"), jeu=jeu)))
    assert classeur.sheetnames == ["Données", "Source"]
    donnees = classeur["Données"]
    assert donnees["A1"].value == "id" and donnees.max_row == len(charger("portrait")) + 1
    source = {r[0]: r[1] for r in classeur["Source"].iter_rows(min_row=2, values_only=True)}
    assert source["Fichier source"] == "002_e8b9c2145bef99c1.txt"
    assert "licence" in source["Licence"].lower()


# --- Fichiers pour tableur : en-têtes en français, sources en mots, référence technique à part -------
import re  # noqa: E402

import pytest  # noqa: E402

from ctg_data import exports  # noqa: E402
from ctg_data.exports import DETAIL_SOURCE_EXPORT, csv_pour_tableur, tableau_pour_tableur, xlsx_pour_tableur  # noqa: E402

JEUX_TABLEAUX = list(lire_catalogue())


def _en_tete_technique(colonne: str) -> bool:
    return bool(re.fullmatch(r"[a-z0-9]+(?:_[a-z0-9]+)+|[a-z]+", colonne))


def test_tableau_pour_tableur_des_equipements():
    df = charger("equipements")
    t = tableau_pour_tableur(df)
    assert list(t.columns)[-1] == DETAIL_SOURCE_EXPORT
    assert not [c for c in t.columns if _en_tete_technique(c)], list(t.columns)
    premier = t.iloc[0]
    assert premier["Nom"] == df.iloc[0]["nom"]
    assert premier["Source"] == lire_catalogue()["equipements"].document + ", Annexe 2"
    assert premier[DETAIL_SOURCE_EXPORT].startswith(
        "identifiant : EQ001 ; 000_6464dfed2d3d1a29.txt, Annexe 2 (ligne 139) ; note : Gestionnaire : en-tête")
    assert premier["Note"] == ""  # note de transcription (lignes, OCR) : dans le détail
    assert premier["Catégorie"] == "Établissements d'accueil du jeune enfant (EAJE)"
    assert premier["Géré par la Ville"] == "oui"
    # aucune cellule vide écrite « nan » ou « None » ; la référence technique seulement dans la dernière colonne
    for colonne in t.columns[:-1]:
        for v in t[colonne]:
            if v is pd.NA:  # nombre manquant d'une colonne d'entiers : cellule vide dans le fichier
                continue
            assert not re.search(r"\d{3}_[0-9a-f]{16}\.txt|\bnan\b|\bNone\b|<NA>", str(v)), (colonne, v)


def test_tableau_pour_tableur_du_contexte_social():
    t = tableau_pour_tableur(charger("social"))
    assert "Taux de pauvreté" in set(t["Indicateur"]) and "taux_pauvrete" not in set(t["Indicateur"])
    assert not t["Code officiel de la zone"].isin(["ENSEMBLE_QPV", "FRMETRO", "gresilles"]).any()
    assert t[DETAIL_SOURCE_EXPORT].str.contains("DISP_TP6021").any()  # la colonne INSEE reste lisible à part
    texte = csv_pour_tableur(charger("social")).decode("utf-8-sig")
    entete, premiere = texte.splitlines()[:2]
    assert entete.startswith("Indicateur;Type de zone;Code officiel de la zone;Zone;Année;Valeur;Unité")
    assert premiere.split(";")[5] == "1344"  # entier sans « ,0 »
    assert re.search(r";11224,4;€;", texte)  # virgule décimale


def test_nombres_et_cases_vides():
    df = pd.DataFrame({"nom": ["a", "b", "c"], "valeur": [1.0, None, 12.5], "capacite": [10.0, None, 3.0],
                       "qpv": [True, False, True], "note": [None, float("nan"), "=SOMME(A1)"]})
    t = tableau_pour_tableur(df)
    assert list(t.columns) == ["Nom", "Valeur", "Capacité (places)", "Quartier prioritaire (QPV)", "Note"]
    lignes = csv_pour_tableur(df).decode("utf-8-sig").splitlines()
    assert lignes == ["Nom;Valeur;Capacité (places);Quartier prioritaire (QPV);Note", "a;1;10;oui;", "b;;;non;",
                      "c;12,5;3;oui;'=SOMME(A1)"]


def test_tableau_deja_lisible_rendu_tel_quel():
    df = pd.DataFrame({"Quartier": ["Grésilles", "Bourroches"], "Taux": [11.5, None], "Nombre": [3, 4]})
    assert csv_pour_tableur(df) == exports.en_csv(df)


@pytest.mark.parametrize("jeu_id", JEUX_TABLEAUX)
def test_chaque_jeu_en_classeur_pour_tableur(jeu_id):
    """Chaque jeu de données, tel que le donne la page « Données et sources », en XLSX relu avec
    openpyxl : en-têtes en français, rien de technique hors de la colonne (ou ligne) de détail, pas de
    « nan », pas de formule ; le CSV a le BOM UTF-8 et les mêmes en-têtes."""
    jeu = lire_catalogue()[jeu_id]
    if jeu.format == "geojson":  # contours : la page exporte leurs attributs, sans la géométrie
        from ctg_data.geographie import charger_geo

        df = pd.DataFrame(charger_geo(jeu_id).drop(columns="geometry"))
    else:
        df = charger(jeu_id)
    classeur = openpyxl.load_workbook(io.BytesIO(xlsx_pour_tableur(df, jeu=jeu)))
    assert classeur.sheetnames == ["Données", "Source"]
    donnees = classeur["Données"]
    entetes = [c.value for c in donnees[1]]
    assert donnees.max_row == len(df) + 1
    assert not [c for c in entetes if _en_tete_technique(str(c))], entetes
    assert DETAIL_SOURCE_EXPORT not in entetes[:-1]
    limite = entetes.index(DETAIL_SOURCE_EXPORT) if DETAIL_SOURCE_EXPORT in entetes else len(entetes)
    for ligne in donnees.iter_rows(min_row=2, values_only=True):
        for v in ligne[:limite]:
            assert not (isinstance(v, str) and re.search(
                r"\d{3}_[0-9a-f]{16}\.txt|\.csv\b|\bnan\b|\bNone\b|\bTrue\b|\bFalse\b|\(lignes? \d", v)), v
    for ligne in donnees.iter_rows():
        assert not [c for c in ligne if c.data_type == "f"]
    source = {r[0]: r[1] for r in classeur["Source"].iter_rows(min_row=2, values_only=True)}
    assert source["Jeu de données"] == jeu.titre and source["Licence"] == jeu.licence
    for champ, valeur in source.items():
        if champ != DETAIL_SOURCE_EXPORT:
            assert not exports.REFERENCE_TECHNIQUE.search(valeur), (champ, valeur)
    assert "Fichier source" not in source and jeu.source_fichier in source[DETAIL_SOURCE_EXPORT]
    octets = csv_pour_tableur(df)
    assert octets.startswith(b"\xef\xbb\xbf")
    assert octets.decode("utf-8-sig").splitlines()[0].split(";") == entetes


def test_l_import_garde_ses_colonnes():
    """``en_csv`` et ``en_xlsx`` restent de simples écritures : le modèle d'import garde ses colonnes
    (indicateur, zone, periode…), que relit l'import ; seule la mise en mots (``*_pour_tableur``) les traduit."""
    df = pd.DataFrame({"indicateur": ["PE1-I1"], "zone": ["Dijon"], "source": [""]})
    assert exports.en_csv(df).decode("utf-8-sig").splitlines()[0] == "indicateur;zone;source"


def test_numero_de_ligne_dans_le_detail():
    """Une raison « indiqué par le document (Annexe 2 bis (ligne 425)) » se lit sans sa ligne ; le texte
    complet reste dans le détail."""
    df = pd.DataFrame({"nom": ["a"], "raison_quartier": ["indiqué par le document (Annexe 2 bis (ligne 425))"]})
    ligne = tableau_pour_tableur(df).iloc[0]
    assert ligne["Quartier : raison"] == "indiqué par le document (Annexe 2 bis)"
    assert "(ligne 425)" in ligne[DETAIL_SOURCE_EXPORT]
