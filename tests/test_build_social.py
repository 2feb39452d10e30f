"""Lecture des indicateurs sociaux bruts (socio/) : valeurs connues, formats, secret, années ANCT,
dictionnaire, déterminisme et erreurs qui nomment fichier, ligne et colonne."""

from __future__ import annotations

import math
import shutil

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
TYPES_ZONE = {"IRIS", "QPV", "commune", "EPCI", "département", "France métropolitaine"}


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
    for col in ("indicateur", "type_zone", "code_zone", "nom_zone", "unite", "statut", "source", "note"):
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
    assert any("vérification REVN" in m for m in messages)
    assert messages[-1].startswith("Terminé")


def test_sources_nomment_fichier_et_colonne(social):
    assert social["source"].str.contains(r" — socio/[a-z_/0-9]+\.csv \(colonnes? ", regex=True).all()
    ligne = valeur(social, "taux_pauvrete", "IRIS", "212311202", 2019)
    assert ligne["source"] == (
        "INSEE, Filosofi 2019, revenus disponibles par IRIS — socio/iris/filosofi_iris_2019_disp_cotedor.csv "
        "(colonne DISP_TP6019)"
    )


# --- Zones --------------------------------------------------------------------------------------


def test_66_iris_de_dijon_pour_filosofi_2019(social):
    f19 = social[(social["type_zone"] == "IRIS") & (social["annee"] == 2019)
                 & social["source"].str.contains("filosofi_iris_2019")]
    for indicateur, lignes in f19.groupby("indicateur"):
        assert lignes["code_zone"].nunique() == 66, indicateur
        assert lignes["code_zone"].str.fullmatch(r"21231\d{4}").all()
    assert set(f19["indicateur"]) == {"taux_pauvrete", "niveau_vie_median", "niveau_vie_d1", "part_prestations_sociales"}


def test_iris_seulement_dijon_et_noms(social):
    iris = social[social["type_zone"] == "IRIS"]
    assert iris["code_zone"].str.startswith(bs.CODE_DIJON).all()
    assert iris["code_zone"].nunique() == 66
    assert (iris["nom_zone"] != "").all()
    # 2021 : pas de nom dans le fichier, il vient du référentiel INSEE.
    assert valeur(social, "niveau_vie_median", "IRIS", "212311203", 2021)["nom_zone"] == "Édouard Belin"


def test_qpv_et_territoires_de_comparaison(social):
    qpv = social[social["type_zone"] == "QPV"]
    assert set(qpv["code_zone"]) == {"QP021003", "QP021004", bs.CODE_ENSEMBLE_QPV}
    assert valeur(social, "taux_pauvrete", "QPV", "QP021004", 2019)["nom_zone"] == "Les Grésilles"
    autres = social[~social["type_zone"].isin(["IRIS", "QPV"])]
    assert set(zip(autres["type_zone"], autres["code_zone"])) == {
        ("commune", "21231"), ("EPCI", "242100410"), ("département", "21"), ("France métropolitaine", "FRMETRO"),
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
    assert social[(social["indicateur"] == "taux_pauvrete")
                  & ~social["type_zone"].isin(["IRIS", "QPV"])].empty


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
    caf = social[social["source"].str.contains("caf_iris_")]
    assert caf["note"].str.contains("année du nom de fichier").all()
    assert (caf["unite"] == "allocataires").all()


def test_recensement_iris_hors_habitat(social):
    ligne = valeur(social, "population_0_14", "IRIS", "212319802", 2016)
    assert ligne["statut"] == bs.ABSENT_EXTRAIT and "habitat" in ligne["note"]


# --- Exports ANCT : année des données = édition − 4 ---------------------------------------------


def test_anct_annees_decalees(social):
    revn = social[social["source"].str.contains("qpv_revn_")]
    assert set(revn["annee"]) == {2013, 2014, 2015}  # éditions 2017, 2018, 2019
    ligne = valeur(social, "taux_pauvrete", "QPV", "QP021003", 2015)
    assert ligne["valeur"] == 42.0 and "qpv_revn_2019" in ligne["source"] and "édition" in ligne["note"]
    demo = social[social["indicateur"] == "part_moins_25_ans"]
    assert sorted(demo["annee"].unique()) == [2015, 2016, 2017, 2018]  # éditions 2019 à 2022
    assert valeur(social, "part_moins_25_ans", "QPV", "QP021003", 2015)["valeur"] == 38.8
    assert "qpv_demo_2019" in valeur(social, "part_moins_25_ans", "QPV", "QP021003", 2015)["source"]


def test_anct_doublon_de_filosofi_qpv_ecarte(social):
    # REVN 2021 et 2022 = Filosofi QPV 2017 et 2018 : on garde Filosofi, la note cite l'ANCT.
    for annee, edition in [(2017, 2021), (2018, 2022)]:
        for ind in ("taux_pauvrete", "niveau_vie_median"):
            ligne = valeur(social, ind, "QPV", "QP021004", annee)
            assert "qpv_filosofi" in ligne["source"]
            assert f"même valeur dans l'export ANCT REVN édition {edition}" in ligne["note"]


def test_verification_revn_filosofi():
    assert bs.verifier_revn(REFERENCE) == {2021: (12, 12), 2022: (12, 12)}


def test_demo_editions_2017_2018_identiques():
    """Justifie leur mise à l'écart : mêmes données du recensement, donc pas « édition − 4 » pour les deux."""
    colonnes = ["CODGEO", "POP_MUN", "TX_F", "TX_TOT_0A24", "TX_TOT_60ETPLUS", "TX_TOT_MEN1", "TX_TOT_ET"]
    a, b = (bs.Fichier(REFERENCE, f).table[colonnes].set_index("CODGEO").map(lambda t: bs.convertir(t, ","))
            for f in bs.DEMO_ECARTEES.values())
    pd.testing.assert_frame_equal(a, b)
    assert a.loc["QP021003", "TX_TOT_0A24"] == 39.2


def test_ensemble_qpv_pas_les_qpv_de_cote_d_or():
    """La ligne « Ensemble » a un D1 plus bas et un D9 plus haut que chacun des 6 QPV de Côte-d'Or."""
    for annee, (fichier, col_code, _, _) in bs.QPV_FILOSOFI.items():
        t = bs.Fichier(REFERENCE, fichier).table
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
