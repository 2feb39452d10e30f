"""Pages Contexte social et Portrait de quartier (AppTest), et le PDF du portrait."""

import pandas as pd
from streamlit.testing.v1 import AppTest

from ctg_data import portrait_quartier as pq
from ctg_data.catalogue import charger
from tests.conftest import RACINE, ouvrir_page, textes_affiches

ouvrir = ouvrir_page  # raccourcis locaux
tout = textes_affiches

E = "\u00a0"





def test_contexte_social_taux_de_pauvrete():
    at = ouvrir("contexte")
    at.selectbox(key="contexte_indicateur").select("taux_pauvrete").run()
    at.selectbox(key="contexte_annee").select(2019).run()
    tableau = next(d.value for d in at.dataframe if "Type" in d.value.columns)  # la rubrique « Tableau »
    quartiers = tableau[tableau["Type"] == "quartier"]
    assert len(quartiers) == 9
    assert quartiers["Calcul et couverture"].str.contains("pondérée par leur population").all()
    assert "moyenne des taux des IRIS pondérée par leur population" in tout(at)
    assert "Source : INSEE" in tout(at)


def test_contexte_social_mediane_jamais_par_quartier():
    at = ouvrir("contexte")
    at.selectbox(key="contexte_indicateur").select("niveau_vie_median").run()
    assert at.radio(key="contexte_niveau").options == ["IRIS"]
    assert "une médiane ou un décile ne se moyenne pas" in tout(at)


def test_contexte_panneaux_qpv_et_cite_educative():
    at = ouvrir("contexte")
    assert "Les quartiers prioritaires : Fontaine d'Ouche et Les Grésilles" in [h.value for h in at.header]
    assert "**Budget annuel dédié** : plus de 800 000 €" in tout(at)


def test_portrait_fontaine_d_ouche():
    at = ouvrir("portrait", quartier="fontaine-d-ouche")
    assert at.title[0].value == "Portrait de quartier — Fontaine d'Ouche"
    assert "quartier prioritaire **Fontaine d'Ouche** (QN02102M)" in tout(at)
    assert "Cité éducative" in tout(at)
    equipements = next(d.value for d in at.dataframe if "Gestionnaire" in d.value.columns)
    assert "Multi-accueil Fontaine d'Ouche Le Lac" in set(equipements["Nom"])
    social = next(d.value for d in at.dataframe if "Calcul" in d.value.columns).set_index("Indicateur")
    pauvrete = social.loc["Taux de pauvreté"]
    assert pauvrete["Année"] == 2021 and pauvrete["Quartier"].endswith(f"{E}%")
    assert "INSEE, Filosofi 2021" in pauvrete["Source"]
    assert social.loc["Niveau de vie médian", "Quartier"].startswith("non disponible")
    # Les deux sources pour Dijon, chacune avec son année et sa source.
    assert f"21{E}830{E}€ par an en 2019 (INSEE, Filosofi 2019" in social.loc["Niveau de vie médian", "Dijon"]
    assert f"1{E}847{E}€ en 2020 (Convention CTG 2024-2027" in social.loc["Niveau de vie médian", "Dijon"]
    assert social.loc["Taux de pauvreté", "Dijon"].startswith(f"16{E}% en 2020 (Convention CTG 2024-2027")
    at.button(key="portrait_pdf_preparer").click().run()
    assert [b.label for b in at.get("download_button") if "PDF" in b.label] == ["Télécharger le PDF"]


def test_portrait_sans_quartier_invite_a_choisir():
    at = ouvrir("portrait")
    assert "Choisissez un quartier" in at.info[0].value


def test_pdf_du_portrait():
    from ctg_data import chiffres
    from ctg_data.territoire import charger_territoires

    dijon = charger_territoires()[0]["dijon"]
    ref = chiffres.reference(dijon, charger("portrait"), charger("social"), charger("social_indicateurs"))
    cles = pq.indicateurs_cles(charger("social"), charger("social_indicateurs"), "gresilles", ref, "Dijon")
    pdf = pq.en_pdf("Portrait de quartier — Grésilles", [("Contexte social", cles), ("Texte", "Un paragraphe.")], ["INSEE"])
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000

