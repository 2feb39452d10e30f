"""Lecture des indicateurs sociaux bruts (socio/) : valeurs connues, formats, secret, années ANCT,
séries Filosofi des territoires de comparaison, sources en mots, déclaration YAML (une nouvelle
source sans code), dictionnaire, déterminisme et erreurs qui nomment fichier, ligne et colonne."""

from __future__ import annotations

import math
import re
import shutil
import textwrap

import pandas as pd
import pytest

from ctg_data import build_social as bs
from ctg_data import config
from ctg_data.erreurs import ErreurDonnees
from ctg_data.schemas import AGREGATIONS, SCHEMAS
from ctg_data.validation import lire_csv, valider

REFERENCE = config.dossier_reference()
pytestmark = pytest.mark.skipif(
    not (REFERENCE / "socio").is_dir(), reason=f"données de référence absentes ({REFERENCE / 'socio'})"
)
DICTIONNAIRE = config.RACINE / "data" / "social_indicateurs.csv"
TYPES_ZONE = {"IRIS", "QPV", "commune", "EPCI", "département", "région", "France métropolitaine"}
DECLARATION = bs.charger_declaration()


@pytest.fixture(scope="module")
def messages() -> list[str]:
    return []


@pytest.fixture(scope="module")
def social(messages) -> pd.DataFrame:
    return bs.lire_sources(REFERENCE, messages.append)


def valeur(df, indicateur, type_zone, code, annee) -> pd.Series:
    lignes = df[(df["indicateur"] == indicateur) & (df["type_zone"] == type_zone)
                & (df["code_zone"] == code) & (df["annee"] == annee)]
    assert len(lignes) == 1, (indicateur, type_zone, code, annee, len(lignes))
    return lignes.iloc[0]


# --- Forme du tableau ---------------------------------------------------------------------------


def test_colonnes_types_et_tri(social):
    assert list(social.columns) == bs.COLONNES_SOCIAL
    assert social["annee"].dtype == "int64"
    assert social["valeur"].dtype == "float64"
    for col in ("indicateur", "type_zone", "code_zone", "nom_zone", "unite", "statut", "source", "note", "source_detail"):
        assert pd.api.types.is_string_dtype(social[col]), col
        assert social[col].map(type).eq(str).all(), col
    assert not social.duplicated(bs.CLE).any()
    trie = social.sort_values(bs.CLE, kind="mergesort").reset_index(drop=True)
    pd.testing.assert_frame_equal(social, trie)
    assert set(social["type_zone"]) == TYPES_ZONE
    assert set(social["statut"]) <= set(bs.STATUTS)
    valider(social, SCHEMAS["social"], "social")  # le schéma du projet accepte le tableau


def test_deux_lectures_identiques(social):
    pd.testing.assert_frame_equal(social, bs.lire_sources(REFERENCE, lambda _m: None))


def test_progression_en_francais(messages):
    assert messages and any("Filosofi par IRIS" in m for m in messages)
    assert any("vérification" in m and "12/12 valeurs égales" in m for m in messages)
    assert messages[-1].startswith("Terminé")


def test_source_en_mots_et_detail_fichier_et_colonne(social):
    assert social["source_detail"].str.match(r"(aucun fichier )?socio/[a-z_/0-9]+\.csv\b").all()
    ligne = valeur(social, "taux_pauvrete", "IRIS", "212311202", 2019)
    assert ligne["source"] == "INSEE, Filosofi 2019, revenus disponibles par IRIS"
    assert ligne["source_detail"] == "socio/iris/filosofi_iris_2019_disp_cotedor.csv, colonne DISP_TP6019"
    france = valeur(social, "niveau_vie_median", "France métropolitaine", "FRMETRO", 2019)
    assert france["source"] == "INSEE, Filosofi 2019, revenus disponibles, France métropolitaine"
    assert france["source_detail"] == "socio/commune/filosofi_metropole_2019_disp.csv, ligne CODGEO = 1, colonne Q219"
    caf = valeur(social, "allocataires", "IRIS", "212310601", 2018)
    assert caf["source"] == "CNAF, allocataires Caf au 31 décembre par IRIS, 2018 selon le nom de fichier"


def _codes_de_colonnes(detail: pd.Series) -> set[str]:
    """Codes de colonnes cités dans source_detail (« colonne X », « colonnes X + Y », « contrôle : X + Y »)."""
    codes = set()
    for texte in detail:
        for groupe in re.findall(r"(?:colonnes?|contrôle :) ([A-Za-z0-9_]+(?: \+ [A-Za-z0-9_]+)*)", texte):
            codes |= set(groupe.split(" + "))
    return codes


def test_aucune_source_ne_cite_un_fichier_ou_une_colonne():
    """Dans data/ (lignes brutes ET regroupées par quartier) : la colonne source est en mots ; les
    fichiers et les codes de colonnes sont dans source_detail (et dans detail pour le dictionnaire)."""
    livre = lire_csv(config.RACINE / "data" / "social.csv")
    codes = _codes_de_colonnes(livre["source_detail"])
    assert {"DISP_TP6019", "Q219", "TX_TOT_0A24", "A", "P16_POP0014", "C16_PMEN_MENHSEUL"} <= codes
    motif_code = re.compile(r"\b(" + "|".join(map(re.escape, sorted(codes, key=len, reverse=True))) + r")\b")
    technique = re.compile(r"\.csv|socio/|\b[A-Z]+[0-9_][A-Za-z0-9_]*\b")  # DISP_TP60, Q219, C16_…
    for texte in livre["source"].drop_duplicates():
        assert not technique.search(texte) and not motif_code.search(texte), texte
    dico = lire_csv(DICTIONNAIRE)
    for col in ("source", "precautions"):
        for texte in dico[col].dropna():
            assert not technique.search(texte), (col, texte)
    assert dico["detail"].str.contains("DISP_INCERT21").any()


# --- Zones --------------------------------------------------------------------------------------


def test_66_iris_de_dijon_pour_filosofi_2019(social):
    f19 = social[(social["type_zone"] == "IRIS") & (social["annee"] == 2019)
                 & social["source_detail"].str.contains("filosofi_iris_2019")]
    for indicateur, lignes in f19.groupby("indicateur"):
        assert lignes["code_zone"].nunique() == 66, indicateur
        assert lignes["code_zone"].str.fullmatch(r"21231\d{4}").all()
    assert set(f19["indicateur"]) == {"taux_pauvrete", "niveau_vie_median", "niveau_vie_d1", "part_prestations_sociales"}


def test_iris_seulement_dijon_et_noms(social):
    iris = social[social["type_zone"] == "IRIS"]
    assert iris["code_zone"].str.startswith(DECLARATION.commune).all()
    assert iris["code_zone"].nunique() == 66
    assert (iris["nom_zone"] != "").all()
    # 2021 : pas de nom dans le fichier, il vient du référentiel INSEE.
    assert valeur(social, "niveau_vie_median", "IRIS", "212311203", 2021)["nom_zone"] == "Édouard Belin"


def test_qpv_et_territoires_de_comparaison(social):
    qpv = social[social["type_zone"] == "QPV"]
    assert set(qpv["code_zone"]) == {"QP021003", "QP021004", "ENSEMBLE_QPV"}
    assert valeur(social, "taux_pauvrete", "QPV", "QP021004", 2019)["nom_zone"] == "Les Grésilles"
    autres = social[~social["type_zone"].isin(["IRIS", "QPV"])]
    assert set(zip(autres["type_zone"], autres["code_zone"])) == {
        ("commune", "21231"), ("EPCI", "242100410"), ("département", "21"), ("région", "27"),
        ("France métropolitaine", "FRMETRO"),
    }


# --- Valeurs connues (SOURCES.md) ----------------------------------------------------------------


def test_valeurs_connues(social):
    assert valeur(social, "taux_pauvrete", "QPV", "QP021003", 2019)["valeur"] == 43.8
    assert valeur(social, "taux_pauvrete", "QPV", "QP021004", 2019)["valeur"] == 45.5
    assert valeur(social, "niveau_vie_median", "commune", "21231", 2019)["valeur"] == 21830
    for annee, attendu in [(2008, 8.5), (2013, 11.2), (2018, 11.7)]:
        ligne = valeur(social, "part_jeunes_non_inseres", "commune", "21231", annee)
        assert ligne["valeur"] == attendu and "producteur non documenté" in ligne["note"]
    assert valeur(social, "niveau_vie_median", "France métropolitaine", "FRMETRO", 2019)["valeur"] == 21930
    assert valeur(social, "niveau_vie_d1", "EPCI", "242100410", 2019)["valeur"] == 11830
    assert valeur(social, "part_prestations_sociales", "département", "21", 2019)["valeur"] == 5.2


def test_pas_de_taux_de_pauvrete_communal_invente(social):
    """Les fichiers Filosofi des territoires n'ont pas de taux de pauvreté : dit manquant, jamais estimé."""
    lignes = social[(social["indicateur"] == "taux_pauvrete") & ~social["type_zone"].isin(["IRIS", "QPV"])]
    assert len(lignes) == 5 * 6  # 5 territoires × 2014–2019
    assert lignes["valeur"].isna().all()
    assert set(lignes["statut"]) == {bs.NON_PUBLIEE_FICHIER, bs.ANNEE_ABSENTE}
    assert lignes.loc[lignes["statut"] == bs.NON_PUBLIEE_FICHIER, "note"].str.contains("fichier séparé").all()


# --- Séries Filosofi 2014–2019 des territoires de comparaison -------------------------------------

# Valeurs relevées à la main dans les fichiers bruts (socio/commune/filosofi_dep_2014_disp_cotedor.csv,
# …_dep_2018_…, filosofi_metropole_2014_disp.csv, …_2018_… : colonnes Q2aa, D1aa, PPSOCaa).
RELEVE_A_LA_MAIN = {
    ("département", "21", 2014): {"niveau_vie_median": 21034.7, "niveau_vie_d1": 11738.6, "part_prestations_sociales": 4.5},
    ("département", "21", 2018): {"niveau_vie_median": 22400, "niveau_vie_d1": 12590, "part_prestations_sociales": 4.8},
    ("France métropolitaine", "FRMETRO", 2014): {"niveau_vie_median": 20369.3, "niveau_vie_d1": 10682,
                                                 "part_prestations_sociales": 5.3},
    ("France métropolitaine", "FRMETRO", 2018): {"niveau_vie_median": 21730, "niveau_vie_d1": 11500,
                                                 "part_prestations_sociales": 5.5},
}


def test_series_filosofi_cote_d_or_et_france(social):
    for type_zone, code, nom in [("département", "21", "Côte-d'Or"), ("France métropolitaine", "FRMETRO", "France métropolitaine"),
                                 ("région", "27", "Bourgogne-Franche-Comté"), ("EPCI", "242100410", "Dijon Métropole")]:
        for indicateur in ("niveau_vie_median", "niveau_vie_d1", "part_prestations_sociales"):
            serie = social[(social["indicateur"] == indicateur) & (social["type_zone"] == type_zone) & (social["code_zone"] == code)]
            assert list(serie["annee"]) == list(range(2014, 2020)), (type_zone, indicateur)
            assert (serie["statut"] == bs.PUBLIEE).all() and (serie["nom_zone"] == nom).all()
    for (type_zone, code, annee), attendus in RELEVE_A_LA_MAIN.items():
        for indicateur, attendu in attendus.items():
            ligne = valeur(social, indicateur, type_zone, code, annee)
            assert ligne["valeur"] == attendu, (type_zone, annee, indicateur)
            assert ligne["source"] == f"INSEE, Filosofi {annee}, revenus disponibles, {type_zone}"
    # Dijon : pas de fichier communal 2017 (manquant en amont) ; dit, pas comblé.
    dijon = social[(social["indicateur"] == "niveau_vie_median") & (social["type_zone"] == "commune")]
    assert list(dijon["annee"]) == list(range(2014, 2020))
    manque = valeur(social, "niveau_vie_median", "commune", "21231", 2017)
    assert math.isnan(manque["valeur"]) and manque["statut"] == bs.ANNEE_ABSENTE and "2017" in manque["note"]
    assert valeur(social, "niveau_vie_median", "commune", "21231", 2014)["valeur"] == 20688.1
    # EPCI 2014–2015 : géographie d'avant 2017, dite dans la note ; le nom du fichier aussi.
    epci = valeur(social, "niveau_vie_median", "EPCI", "242100410", 2014)
    assert "1er janvier 2017" in epci["note"] and "« CU Grand Dijon »" in epci["note"]
    assert "1er janvier 2017" not in valeur(social, "niveau_vie_median", "EPCI", "242100410", 2016)["note"]


def test_iris_2014_2016_et_jeunes_non_inseres_des_territoires(social):
    # Fichier IRIS 2014 : note de précaution dans une colonne « note », noms sans accents gardés.
    assert valeur(social, "taux_pauvrete", "IRIS", "212311202", 2014)["valeur"] == 43.5
    assert valeur(social, "taux_pauvrete", "IRIS", "212311202", 2016)["valeur"] == 47.5
    iris_14 = social[(social["type_zone"] == "IRIS") & (social["annee"] == 2014) & (social["indicateur"] == "niveau_vie_median")]
    assert len(iris_14) == 66 and iris_14["valeur"].notna().sum() == 60
    assert valeur(social, "part_jeunes_non_inseres", "EPCI", "242100410", 2018)["valeur"] == 12.4
    assert valeur(social, "part_jeunes_non_inseres", "département", "21", 2007)["valeur"] == 10.3
    assert valeur(social, "part_jeunes_non_inseres", "région", "27", 2018)["valeur"] == 15.5


# --- Formats des nombres ------------------------------------------------------------------------


@pytest.mark.parametrize("texte, decimale, attendu", [
    ("28,0", ",", 28.0),
    ("-16,2", ",", -16.2),
    ("13\u00a0820", ",", 13820.0),
    ("1\u202f344", ",", 1344.0),
    ("1\u202f477,5", ",", 1477.5),
    ("0.245", ".", 0.245),
    ("", ",", None),
    ("ns", ",", "ns"),
    ("nd", ".", "nd"),
    ("so", ",", "so"),
])
def test_convertir(texte, decimale, attendu):
    assert bs.convertir(texte, decimale) == attendu


@pytest.mark.parametrize("texte, decimale", [("12.5", ","), ("12,5", "."), ("1 000", ","), ("abc", ","), ("s", ",")])
def test_convertir_refuse(texte, decimale):
    with pytest.raises(ValueError):
        bs.convertir(texte, decimale)


def test_virgule_decimale_et_espaces_insecables_dans_les_donnees(social):
    # qpv_filosofi 2018 : « 13 820 » avec U+00A0 ; caf 2016 : « 1 860 » avec U+202F ;
    # filosofi IRIS 2021 : « 28,0 » avec virgule décimale.
    assert valeur(social, "niveau_vie_median", "QPV", "QP021003", 2018)["valeur"] == 13820
    assert valeur(social, "allocataires", "IRIS", "212310601", 2016)["valeur"] == 1860
    assert valeur(social, "taux_pauvrete", "IRIS", "212310101", 2021)["valeur"] == 28.0
    assert valeur(social, "part_prestations_sociales", "QPV", "QP021004", 2016)["valeur"] == 25.3


def test_estimations_ponderees_du_recensement_non_arrondies(social):
    ligne = valeur(social, "population_0_14", "IRIS", "212310101", 2016)
    assert not float(ligne["valeur"]).is_integer()
    pop = social[(social["indicateur"] == "population_totale_2016")]
    assert pop["valeur"].notna().sum() == 61
    assert 152_000 < pop["valeur"].sum() < 153_500  # SOURCES.md : environ 152,7 milliers
    assert (pop.loc[pop["valeur"].notna(), "note"].str.contains("calculée par nous")).all()
    assert "calculée par nous" in valeur(social, "personnes_menages", "IRIS", "212310101", 2016)["note"]


# --- Valeurs manquantes et statuts --------------------------------------------------------------


def test_valeur_presente_si_et_seulement_si_publiee(social):
    publiee = social["statut"] == bs.PUBLIEE
    assert social.loc[publiee, "valeur"].notna().all()
    assert social.loc[~publiee, "valeur"].isna().all()


def test_secret_est_vide_jamais_zero(social):
    # Cellules vides de DISP_TP6019 dans le fichier INSEE 2019.
    secrets = social[(social["indicateur"] == "taux_pauvrete") & (social["annee"] == 2019)
                     & (social["type_zone"] == "IRIS") & (social["statut"] == bs.SECRET)]
    assert len(secrets) >= 10
    assert secrets["valeur"].isna().all()
    # Le niveau de vie médian du même IRIS est, lui, publié : c'est bien une cellule vide, pas un IRIS absent.
    code = next(c for c in secrets["code_zone"] if
                valeur(social, "niveau_vie_median", "IRIS", c, 2019)["statut"] == bs.PUBLIEE)
    assert math.isnan(valeur(social, "taux_pauvrete", "IRIS", code, 2019)["valeur"])


def test_codes_insee_et_notes(social):
    assert valeur(social, "taux_pauvrete", "IRIS", "212310601", 2021)["statut"] == bs.NS
    assert valeur(social, "niveau_vie_median", "IRIS", "212319901", 2021)["statut"] == bs.ND
    absent = valeur(social, "taux_pauvrete", "IRIS", "212310601", 2019)
    assert absent["statut"] == bs.SECRET and "absent du fichier" in absent["note"]
    assert "arrondi à l'unité" in valeur(social, "taux_pauvrete", "IRIS", "212310101", 2021)["note"]
    assert "arrondi à l'impair le plus proche" in valeur(social, "taux_pauvrete", "IRIS", "212319801", 2021)["note"]
    assert bs.NOTE_FILOSOFI_1 in valeur(social, "taux_pauvrete", "IRIS", "212310704", 2019)["note"]
    assert bs.NOTE_FILOSOFI_1 not in valeur(social, "taux_pauvrete", "IRIS", "212310704", 2018)["note"]


def test_caf_note_3_et_5(social):
    assert valeur(social, "allocataires", "IRIS", "212319901", 2016)["statut"] == bs.CAF_NOTE_3
    assert valeur(social, "allocataires_rsa_socle", "IRIS", "212311203", 2019)["statut"] == bs.CAF_NOTE_5
    caf = social[social["source_detail"].str.contains("caf_iris_")]
    assert caf["note"].str.contains("année indiquée par le fichier publié").all()
    assert (caf["unite"] == "allocataires").all()


def test_recensement_iris_hors_habitat(social):
    ligne = valeur(social, "population_0_14", "IRIS", "212319802", 2016)
    assert ligne["statut"] == bs.ABSENT_EXTRAIT and "habitat" in ligne["note"]


# --- Exports ANCT : année des données = édition − 4 ---------------------------------------------


def test_anct_annees_decalees(social):
    revn = social[social["source_detail"].str.startswith("socio/qpv/qpv_revn_")]
    assert set(revn["annee"]) == {2013, 2014, 2015}  # éditions 2017, 2018, 2019
    ligne = valeur(social, "taux_pauvrete", "QPV", "QP021003", 2015)
    assert ligne["valeur"] == 42.0 and "qpv_revn_2019" in ligne["source_detail"] and "édition" in ligne["note"]
    assert ligne["source"] == "ANCT / SIG Ville, indicateurs de revenus des QPV, édition 2019 (Filosofi 2015)"
    demo = social[social["indicateur"] == "part_moins_25_ans"]
    assert sorted(demo["annee"].unique()) == [2015, 2016, 2017, 2018]  # éditions 2019 à 2022
    assert valeur(social, "part_moins_25_ans", "QPV", "QP021003", 2015)["valeur"] == 38.8
    assert "qpv_demo_2019" in valeur(social, "part_moins_25_ans", "QPV", "QP021003", 2015)["source_detail"]


def test_anct_doublon_de_filosofi_qpv_ecarte(social):
    # REVN 2021 et 2022 = Filosofi QPV 2017 et 2018 : on garde Filosofi, la note cite l'ANCT.
    for annee, edition in [(2017, 2021), (2018, 2022)]:
        for ind in ("taux_pauvrete", "niveau_vie_median"):
            ligne = valeur(social, ind, "QPV", "QP021004", annee)
            assert ligne["source_detail"].startswith("socio/qpv/qpv_filosofi")
            assert f"qpv_revn_{edition}_cotedor.csv" in ligne["source_detail"]
            assert f"même valeur dans : ANCT / SIG Ville, indicateurs de revenus des QPV, édition {edition}" in ligne["note"]


def test_verification_revn_filosofi():
    assert bs.verifier_revn(REFERENCE) == {2021: (12, 12), 2022: (12, 12)}


def test_demo_editions_2017_2018_identiques():
    """Justifie leur mise à l'écart : mêmes données du recensement, donc pas « édition − 4 » pour les deux."""
    colonnes = ["CODGEO", "POP_MUN", "TX_F", "TX_TOT_0A24", "TX_TOT_60ETPLUS", "TX_TOT_MEN1", "TX_TOT_ET"]
    demo = DECLARATION.source("anct_demo")
    assert sorted(demo["ecartees"]) == [2017, 2018]
    a, b = (bs.Fichier(REFERENCE, bs.gabarit(demo["fichier"], edition=e)).table[colonnes].set_index("CODGEO")
            .map(lambda t: bs.convertir(t, ",")) for e in sorted(demo["ecartees"]))
    pd.testing.assert_frame_equal(a, b)
    assert a.loc["QP021003", "TX_TOT_0A24"] == 39.2


def test_ensemble_qpv_pas_les_qpv_de_cote_d_or():
    """La ligne « Ensemble » a un D1 plus bas et un D9 plus haut que chacun des 6 QPV de Côte-d'Or."""
    for annee, reglages in bs.annees(DECLARATION.source("filosofi_qpv")):
        t = bs.Fichier(REFERENCE, bs.gabarit(reglages["fichier"], annee)).table
        t.columns = [c.lower() for c in t.columns]
        d1 = next(c for c in t.columns if c.startswith("disp_d1_"))
        d9 = next(c for c in t.columns if c.startswith("disp_d9_"))
        ens, qpv = t[t["codgeo"] == "Ensemble"].iloc[0], t[t["codgeo"].str.startswith("QP")]
        assert len(qpv) == 6
        assert bs.convertir(ens[d1], ",") < min(bs.convertir(v, ",") for v in qpv[d1]), annee
        assert bs.convertir(ens[d9], ",") > max(bs.convertir(v, ",") for v in qpv[d9]), annee


# --- Dictionnaire -------------------------------------------------------------------------------


def test_dictionnaire_complet_et_valide(social):
    dico = valider(lire_csv(DICTIONNAIRE), SCHEMAS["social_indicateurs"], "social_indicateurs.csv")
    assert list(dico.columns) == bs.COLONNES_DICTIONNAIRE
    assert set(social["indicateur"]) <= set(dico["code"])
    assert set(dico["agregation"]) <= set(AGREGATIONS)
    assert set(dico["agregation"]) <= {"somme", "ratio", "ponderee_population", "non_agregeable"}
    regles = dico.set_index("code")
    for code, r in regles.iterrows():
        if r["agregation"] == "ratio":
            assert r["numerateur"] in regles.index and r["denominateur"] in regles.index, code
        if r["agregation"] == "ponderee_population":
            assert r["denominateur"] == "population_totale_2016", code
    assert regles.loc["taux_pauvrete", "agregation"] == "ponderee_population"
    assert regles.loc["niveau_vie_median", "agregation"] == "non_agregeable"
    assert regles.loc["part_prestations_sociales", "agregation"] == "non_agregeable"
    assert regles.loc["allocataires", "agregation"] == "somme"
    derive = regles.loc["part_personnes_familles_monoparentales"]
    assert (derive["agregation"], derive["numerateur"], derive["denominateur"], derive["unite"]) == (
        "ratio", "personnes_menages_monoparentaux", "personnes_menages", "%")
    # Les unités du dictionnaire sont celles des données.
    unites = social.groupby("indicateur")["unite"].unique()
    for code, u in unites.items():
        assert list(u) == [regles.loc[code, "unite"]], code


def test_dictionnaire_a_jour(tmp_path):
    """Le fichier de data/ est exactement celui qu'écrit ecrire_dictionnaire."""
    bs.ecrire_dictionnaire(tmp_path / "d.csv")
    assert (tmp_path / "d.csv").read_bytes() == DICTIONNAIRE.read_bytes()


# --- Erreurs ------------------------------------------------------------------------------------


@pytest.fixture
def copie_reference(tmp_path):
    shutil.copytree(REFERENCE / "socio", tmp_path / "socio")
    for f in (tmp_path / "socio").rglob("*"):
        f.chmod(0o644 if f.is_file() else 0o755)
    return tmp_path


def test_cellule_illisible_nommee(copie_reference):
    chemin = copie_reference / "socio/commune/filosofi_dep_2019_disp_cotedor.csv"
    lignes = chemin.read_text(encoding="utf-8").splitlines(keepends=True)
    entete = lignes[0].rstrip("\n").split(";")
    champs = lignes[1].rstrip("\n").split(";")
    champs[entete.index("Q219")] = "22 590"  # espace ordinaire : pas un séparateur de milliers connu
    lignes[1] = ";".join(champs) + "\n"
    chemin.write_text("".join(lignes), encoding="utf-8")
    with pytest.raises(ErreurDonnees) as e:
        bs.lire_sources(copie_reference, lambda _m: None)
    assert e.value.fichier == "socio/commune/filosofi_dep_2019_disp_cotedor.csv"
    assert (e.value.problemes[0].ligne, e.value.problemes[0].colonne) == (2, "Q219")
    assert "22 590" in str(e.value)


def test_fichier_ou_colonne_absents(copie_reference):
    (copie_reference / "socio/iris/caf_iris_2019_cotedor.csv").unlink()
    with pytest.raises(ErreurDonnees, match="introuvable") as e:
        bs.lire_sources(copie_reference, lambda _m: None)
    assert e.value.fichier == "socio/iris/caf_iris_2019_cotedor.csv"

    chemin = copie_reference / "socio/commune/jeunes_non_inseres_communes_cotedor.csv"
    shutil.copy(REFERENCE / "socio/iris/caf_iris_2019_cotedor.csv", copie_reference / "socio/iris/caf_iris_2019_cotedor.csv")
    chemin.write_text(chemin.read_text(encoding="utf-8").replace("part_non_inseres", "part", 1), encoding="utf-8")
    with pytest.raises(ErreurDonnees) as e:
        bs.lire_sources(copie_reference, lambda _m: None)
    assert e.value.problemes[0].colonne == "part_non_inseres"


# --- Déclaration : une nouvelle source s'ajoute sans code -----------------------------------------


def _ecrire(chemin, texte: str) -> None:
    chemin.parent.mkdir(parents=True, exist_ok=True)
    chemin.write_text(textwrap.dedent(texte).lstrip(), encoding="utf-8")


DECLARATION_ESSAI = """
    territoire: {commune: "99999"}
    sources:
      - id: filosofi_essai
        lecteur: territoire
        nom: INSEE, Filosofi par département (essai)
        source: INSEE, Filosofi {annee}, revenus disponibles, département
        fichier: commune/filosofi_dep_{annee}_essai.csv
        type_zone: département
        zone: {code: "99", nom: Département d'essai}
        colonne_code: CODGEO
        colonne_nom: LIBGEO
        colonnes: {niveau_vie_median: "Q2{aa}", niveau_vie_d1: "D1{aa}"}
        non_publies: {taux_pauvrete: pas de taux de pauvreté dans ce fichier}
        annees: [2022, 2023]
"""


def test_nouvelle_source_declaree_sans_code(tmp_path):
    """Deux fichiers d'une série inconnue du code (petits fichiers fabriqués) : une entrée YAML suffit."""
    socio = tmp_path / "socio" / "commune"
    _ecrire(socio / "filosofi_dep_2022_essai.csv", """
        CODGEO;LIBGEO;Q222;D122
        98;Autre;1,0;2,0
        99;Département d'essai;23\u00a0100,5;12000
    """)
    _ecrire(socio / "filosofi_dep_2023_essai.csv", """
        CODGEO;LIBGEO;Q223;D123
        99;Ancien nom;23900;
    """)
    _ecrire(tmp_path / "sources.yaml", DECLARATION_ESSAI)
    messages: list[str] = []
    df = bs.lire_sources(tmp_path, messages.append, declaration=tmp_path / "sources.yaml")
    assert list(df.columns) == bs.COLONNES_SOCIAL
    assert len(df) == 6 and set(df["type_zone"]) == {"département"} and set(df["code_zone"]) == {"99"}
    assert valeur(df, "niveau_vie_median", "département", "99", 2022)["valeur"] == 23100.5
    assert valeur(df, "niveau_vie_median", "département", "99", 2023)["valeur"] == 23900
    secret = valeur(df, "niveau_vie_d1", "département", "99", 2023)
    assert math.isnan(secret["valeur"]) and secret["statut"] == bs.SECRET  # cellule vide : jamais 0
    assert "« Ancien nom »" in secret["note"] and secret["nom_zone"] == "Département d'essai"
    pauvrete = valeur(df, "taux_pauvrete", "département", "99", 2022)
    assert math.isnan(pauvrete["valeur"]) and pauvrete["statut"] == bs.NON_PUBLIEE_FICHIER
    ligne = valeur(df, "niveau_vie_median", "département", "99", 2022)
    assert ligne["source"] == "INSEE, Filosofi 2022, revenus disponibles, département"
    assert ligne["source_detail"] == "socio/commune/filosofi_dep_2022_essai.csv, colonne Q222"
    assert ligne["unite"] == "€"  # l'unité vient du dictionnaire
    assert any("INSEE, Filosofi par département (essai) (années 2022, 2023)" in m for m in messages)
    valider(df, SCHEMAS["social"], "social")

    # L'année suivante : une année de plus dans la liste, et rien d'autre.
    _ecrire(socio / "filosofi_dep_2024_essai.csv", """
        CODGEO;LIBGEO;Q224;D124
        99;Département d'essai;24500;12800
    """)
    _ecrire(tmp_path / "sources.yaml", DECLARATION_ESSAI.replace("[2022, 2023]", "[2022, 2023, 2024]"))
    df = bs.lire_sources(tmp_path, lambda _m: None, declaration=tmp_path / "sources.yaml")
    assert valeur(df, "niveau_vie_d1", "département", "99", 2024)["valeur"] == 12800


def test_declaration_mal_ecrite_refusee_en_francais(tmp_path):
    for annee in (2022, 2023):
        _ecrire(tmp_path / "socio" / "commune" / f"filosofi_dep_{annee}_essai.csv", f"CODGEO;LIBGEO;Q2{annee % 100};D1{annee % 100}\n99;X;1;2\n")
    cas = [
        (DECLARATION_ESSAI.replace("lecteur: territoire", "lecteur: inconnu"), "lecteur inconnu « inconnu »"),
        (DECLARATION_ESSAI.replace("niveau_vie_median:", "niveau_de_vie:"), "indicateur « niveau_de_vie » absent"),
        (DECLARATION_ESSAI.replace("type_zone: département", "type_zone: canton"), "type de zone inconnu « canton »"),
        (DECLARATION_ESSAI.replace("annees: [2022, 2023]", "annees: [2022]\n        annee_suivante: 2023"),
         "clé inconnue « annee_suivante »"),
        (DECLARATION_ESSAI.replace("annees: [2022, 2023]", "annees: [2023]\n        annees_absentes: {2022: manque}"),
         "déclarée absente, mais socio/commune/filosofi_dep_2022_essai.csv existe"),
    ]
    for texte, attendu in cas:
        _ecrire(tmp_path / "sources.yaml", texte)
        with pytest.raises(ErreurDonnees, match=re.escape(attendu)) as e:
            bs.lire_sources(tmp_path, lambda _m: None, declaration=tmp_path / "sources.yaml")
        assert e.value.fichier == "sources.yaml"
