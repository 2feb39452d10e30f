"""Regroupement des IRIS par quartier : reproductible à la main depuis les fichiers bruts, jamais de
moyenne de médiane, jamais de 0 pour une valeur secrète."""

import csv

import pandas as pd
import pytest

from ctg_data import agregation, config
from ctg_data.catalogue import charger

SOCIO = config.dossier_reference() / "socio"


@pytest.fixture(scope="module")
def social():
    return charger("social")


def valeur(social, indicateur, type_zone, zone, annee):
    ligne = social[(social["indicateur"] == indicateur) & (social["type_zone"] == type_zone)
                   & (social["nom_zone"] == zone) & (social["annee"] == annee)]
    assert len(ligne) == 1
    return ligne.iloc[0]


@pytest.mark.skipif(not SOCIO.exists(), reason=f"données de référence absentes ({SOCIO})")
def test_taux_de_pauvrete_des_gresilles_recalcule_a_la_main(social):
    """Règle affichée : moyenne des taux des IRIS pondérée par leur population 2016. On la refait
    avec le module csv, sans passer par le code du projet, depuis les fichiers bruts."""
    with open(config.dossier_donnees() / "iris_quartiers.csv", encoding="utf-8") as f:
        iris = [l["code_iris"] for l in csv.DictReader(f) if l["quartier"] == "Grésilles"]
    with open(SOCIO / "iris/filosofi_iris_2019_disp_cotedor.csv", encoding="utf-8") as f:
        taux = {l["IRIS"]: float(l["DISP_TP6019"]) for l in csv.DictReader(f, delimiter=";")
                if l["IRIS"] in iris and l["DISP_TP6019"].strip()}
    with open(SOCIO / "iris/rp2016_iris_population_age_csp_habitat_cotedor.csv", encoding="utf-8") as f:
        population = {l["IRIS"]: sum(float(l[c]) for c in l if c.startswith("P16_POP")) for l in csv.DictReader(f)
                      if l["IRIS"] in iris}
    publies = [c for c in iris if c in taux and c in population]
    attendu = sum(taux[c] * population[c] for c in publies) / sum(population[c] for c in publies)
    ligne = valeur(social, "taux_pauvrete", "quartier", "Grésilles", 2019)
    assert ligne["valeur"] == pytest.approx(attendu, rel=1e-9)
    assert f"couvre {len(publies)} IRIS sur {len(iris)}" in ligne["note"]
    assert "pondérée par leur population" in ligne["note"]


def test_aucune_mediane_moyennee(social):
    quartiers = social[social["type_zone"] == "quartier"]
    for code in ("niveau_vie_median", "niveau_vie_d1", "part_prestations_sociales"):
        lignes = quartiers[quartiers["indicateur"] == code]
        assert not lignes.empty and lignes["valeur"].isna().all(), code
        assert lignes["statut"].eq("non agrégeable").all()
        assert lignes["note"].str.contains("on ne fait jamais la moyenne").all()


def test_secret_jamais_zero(social):
    iris = social[social["type_zone"] == "IRIS"]
    secrets = iris[iris["statut"] != "publiée"]
    assert not secrets.empty and secrets["valeur"].isna().all()
    assert (iris.loc[iris["indicateur"] == "taux_pauvrete", "valeur"].dropna() > 0).all()


def test_somme_refusee_si_iris_habites_manquants(social):
    ligne = valeur(social, "allocataires", "quartier", "Fontaine d'Ouche", 2019)
    assert pd.isna(ligne["valeur"]) and ligne["statut"] == "non calculée (IRIS manquants)"
    complet = valeur(social, "allocataires", "quartier", "Bourroches", 2019)
    assert complet["statut"] == "calculée" and complet["valeur"] > 0


def test_ratio_recalcule_depuis_numerateur_et_denominateur(social):
    ligne = valeur(social, "part_personnes_familles_monoparentales", "quartier", "Grésilles", 2016)
    num = social[(social["indicateur"] == "personnes_menages_monoparentaux") & (social["annee"] == 2016)].set_index("code_zone")["valeur"]
    den = social[(social["indicateur"] == "personnes_menages") & (social["annee"] == 2016)].set_index("code_zone")["valeur"]
    rattachement = charger("iris_quartiers")
    codes = [c for c in rattachement.loc[rattachement["quartier"] == "Grésilles", "code_iris"] if c in num.index and pd.notna(num[c]) and pd.notna(den[c])]
    assert ligne["valeur"] == pytest.approx(100 * num[codes].sum() / den[codes].sum())


def test_calcul_sur_donnees_fabriquees():
    """Cas limites sur un petit jeu fabriqué : IRIS secret, IRIS sans habitant, médiane."""
    dictionnaire = pd.DataFrame([
        {"code": "taux", "unite": "%", "agregation": "ponderee_population", "numerateur": None, "denominateur": None, "source": "s"},
        {"code": "effectif", "unite": "personnes", "agregation": "somme", "numerateur": None, "denominateur": None, "source": "s"},
        {"code": "mediane", "unite": "€", "agregation": "non_agregeable", "numerateur": None, "denominateur": None, "source": "s"},
    ])
    def l(ind, code, v, annee=2019):
        return {"indicateur": ind, "type_zone": "IRIS", "code_zone": code, "nom_zone": code, "annee": annee,
                "valeur": v, "unite": "", "statut": "publiée" if v is not None else "secret", "source": "s", "note": ""}
    social = pd.DataFrame([
        l(agregation.POPULATION, "A", 1000, 2016), l(agregation.POPULATION, "B", 3000, 2016), l(agregation.POPULATION, "C", 0, 2016),
        l("taux", "A", 10.0), l("taux", "B", 30.0), l("taux", "C", None),
        l("effectif", "A", 5), l("effectif", "B", 7), l("effectif", "C", None),
        l("mediane", "A", 20000), l("mediane", "B", 15000), l("mediane", "C", None),
    ])
    rattachement = pd.DataFrame({"code_iris": ["A", "B", "C"], "quartier": ["Q"] * 3})
    quartiers = pd.DataFrame({"id": ["q"], "nom": ["Q"]})
    r = agregation.agreger_quartiers(social, dictionnaire, rattachement, quartiers).set_index("indicateur")
    assert r.loc["taux", "valeur"] == pytest.approx(25.0)  # (10×1000 + 30×3000) / 4000, l'IRIS secret exclu
    assert "couvre 2 IRIS sur 3 (100 % de sa population" in r.loc["taux", "note"]
    assert r.loc["effectif", "valeur"] == 12  # l'IRIS manquant n'a pas d'habitant : la somme est complète
    assert pd.isna(r.loc["mediane", "valeur"]) and "de 15" in r.loc["mediane", "note"]
