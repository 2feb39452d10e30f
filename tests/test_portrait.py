"""Le portrait de territoire : contenu transcrit et cartes de chiffres clés."""

import pandas as pd
import pytest

from ctg_data.catalogue import charger
from ctg_data.portrait import CHIFFRES_CLES, chiffres_cles, tableau_lisible

E = "\u00a0"


@pytest.fixture(scope="module")
def portrait():
    return charger("portrait")


def valeur(portrait, code, territoire="Dijon", annee=None):
    lignes = portrait[(portrait["code"] == code) & (portrait["territoire"] == territoire)]
    if annee is not None:
        lignes = lignes[lignes["annee"] == annee]
    (v,) = lignes["valeur"]
    return v


def test_chiffres_du_preambule(portrait):
    assert valeur(portrait, "population", annee=2020) == 159106
    assert valeur(portrait, "taux_pauvrete") == 16
    assert valeur(portrait, "taux_pauvrete", "Côte-d'Or") == 11.5
    assert valeur(portrait, "taux_pauvrete", "France métropolitaine") == 14.4
    assert valeur(portrait, "niveau_vie_median") == 1847
    assert valeur(portrait, "mineurs") == 25915
    assert valeur(portrait, "jeunes_18_24_neet") == 2430


def test_naissances_en_serie_temporelle(portrait):
    naissances = portrait[(portrait["code"] == "naissances") & (portrait["territoire"] == "Dijon")]
    assert dict(zip(naissances["annee"], naissances["valeur"])) == {2008: 1807, 2021: 1464}


def test_qualificatifs_gardes(portrait):
    ligne = portrait[portrait["code"] == "personnes_pauvres"].iloc[0]
    assert (ligne["qualificatif"], ligne["valeur"]) == ("près de", 21000)


def test_chaque_ligne_cite_le_texte(portrait):
    assert portrait["citation"].str.len().gt(5).all()
    assert portrait["source_section"].str.contains(r"\(ligne \d+\)").all()


def test_cartes_dans_l_ordre_annonce(portrait):
    cartes = chiffres_cles(portrait)
    assert [c.code for c in cartes] == [code for code, _ in CHIFFRES_CLES]
    population = cartes[0]
    assert (population.valeur_courte, population.unite, population.annee) == (f"159{E}106", "personnes", "2020")
    assert "002_e8b9c2145bef99c1.txt" in population.source and "ligne 145" in population.source


def test_carte_avec_comparaisons(portrait):
    pauvrete = next(c for c in chiffres_cles(portrait) if c.code == "taux_pauvrete")
    assert pauvrete.valeur == f"16{E}%"
    assert pauvrete.comparaisons == [f"Côte-d'Or : 11,5{E}%", f"France métropolitaine : 14,4{E}%"]


def test_carte_avec_historique_et_annee_absente(portrait):
    cartes = {c.code: c for c in chiffres_cles(portrait)}
    assert cartes["naissances"].valeur_courte == f"1{E}464" and cartes["naissances"].annee == "2021"
    assert cartes["naissances"].historique == [f"1{E}807{E}naissances en 2008"]
    assert cartes["familles_monoparentales"].valeur_courte == f"plus de 5{E}800"
    assert cartes["familles_monoparentales"].annee == "année non précisée"


def test_code_absent_omis(portrait):
    sans_neet = portrait[portrait["code"] != "jeunes_18_24_neet"]
    assert "jeunes_18_24_neet" not in [c.code for c in chiffres_cles(sans_neet)]


def test_tableau_lisible(portrait):
    t = tableau_lisible(portrait)
    assert len(t) == len(portrait)
    ligne = t[t["Indicateur"] == portrait.loc[portrait["code"] == "evolution_population", "indicateur"].iloc[0]].iloc[0]
    assert ligne["Année"] == "2014-2020"
    assert pd.notna(ligne["Source"])
