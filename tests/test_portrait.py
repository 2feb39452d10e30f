"""Le portrait de territoire : contenu transcrit et cartes de chiffres clés."""

import pandas as pd
import pytest

from ctg_data.catalogue import charger
from ctg_data import chiffres
from ctg_data.portrait import tableau_lisible
from ctg_data.territoire import charger_territoires

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


@pytest.fixture(scope="module")
def cartes(portrait):
    dijon = charger_territoires()[0]["dijon"]
    ref = chiffres.reference(dijon, portrait, charger("social"), charger("social_indicateurs"))
    return dijon, chiffres.cartes_chiffres_cles(ref, dijon)


def test_cartes_dans_l_ordre_annonce(cartes):
    dijon, liste = cartes
    assert [c.code for c in liste] == [c.code for c in dijon.chiffres_cles]
    population = liste[0]
    assert (population.valeur, population.unite, population.periode) == (f"159{E}106", "personnes", "2020")
    # La source, en mots ; le fichier et la ligne restent dans le détail (page « Données et sources »).
    assert population.source == "Convention CTG 2024-2027, Préambule — Les caractéristiques territoriales suivantes"


def test_carte_avec_comparaisons(cartes):
    pauvrete = next(c for c in cartes[1] if c.code == "taux_pauvrete")
    assert pauvrete.valeur == f"16{E}%"
    (meme_source,) = pauvrete.comparaisons()
    assert meme_source.valeurs == [("Côte-d'Or", f"11,5{E}%"), ("France métropolitaine", f"14,4{E}%")]


def test_carte_avec_historique_et_annee_absente(cartes):
    par_code = {c.code: c for c in cartes[1]}
    assert par_code["naissances"].valeur == f"1{E}464" and par_code["naissances"].periode == "2021"
    assert par_code["naissances"].historique == [f"1{E}807{E}naissances en 2008"]
    assert par_code["familles_monoparentales"].valeur == f"plus de 5{E}800"
    assert par_code["familles_monoparentales"].periode == "année non précisée"


def test_code_absent_dit_sans_valeur(portrait):
    dijon = charger_territoires()[0]["dijon"]
    sans_neet = portrait[portrait["code"] != "jeunes_18_24_neet"]
    ref = chiffres.reference(dijon, sans_neet, charger("social"), charger("social_indicateurs"))
    neet = next(c for c in chiffres.cartes_chiffres_cles(ref, dijon) if c.code == "jeunes_18_24_neet")
    assert neet.valeur == "pas de valeur" and neet.source == "aucune source disponible"


def test_tableau_lisible(portrait):
    t = tableau_lisible(portrait)
    assert len(t) == len(portrait)
    ligne = t[t["Indicateur"] == portrait.loc[portrait["code"] == "evolution_population", "indicateur"].iloc[0]].iloc[0]
    assert ligne["Année"] == "2014-2020"
    assert pd.notna(ligne["Source"])
