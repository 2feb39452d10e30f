"""Corrections des données relues dans les documents sources (issue 11, point 6) : une vérification
par correction. La relecture complète, ligne à ligne, est dans ``test_audit_sources.py``."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import yaml

from ctg_data import acteurs
from ctg_data.catalogue import charger
from ctg_data.erreurs import ErreurDonnees
from ctg_data.plan import Plan, charger_plan, charger_plans
from ctg_data.portrait import tableau_lisible
from tests.conftest import DONNEES

E = "\u00a0"


# --- Portrait ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def portrait() -> pd.DataFrame:
    return charger("portrait")


def test_perte_de_mineurs_stockee_en_negatif_et_affichee_comme_une_baisse(portrait):
    ligne = portrait.set_index("id").loc["P038"]
    assert (ligne["valeur"], ligne["qualificatif"]) == (-4000, "plus de")
    affiche = tableau_lisible(portrait).set_index(portrait["id"]).loc["P038", "Valeur"]
    assert affiche == f"baisse de plus de 4{E}000{E}personnes"
    assert "−" not in affiche
    # une baisse sans qualificatif garde son signe
    assert tableau_lisible(portrait).set_index(portrait["id"]).loc["P041", "Valeur"] == f"−400{E}élèves"


def test_deux_chiffres_ajoutes_lignes_156_et_289(portrait):
    p = portrait.set_index("id")
    renouvellement, bac = p.loc["P060"], p.loc["P061"]
    assert renouvellement["source_section"].endswith("(ligne 156)")
    assert (renouvellement["valeur"], renouvellement["unite"], renouvellement["qualificatif"]) == (33.3, "%", "au moins")
    assert "un tiers" in renouvellement["citation"] and "un tiers" in renouvellement["note"]
    assert bac["source_section"].endswith("(ligne 289)")
    assert (bac["valeur"], bac["unite"]) == (66.7, "%") and pd.isna(bac["qualificatif"])
    assert "deux tiers" in bac["citation"] and "niveau bac" in bac["citation"]
    assert pd.isna(renouvellement["annee"]) and pd.isna(bac["annee"])  # le texte ne donne pas d'année


def test_le_catalogue_ne_dit_tous_les_chiffres_que_verifie():
    catalogue = yaml.safe_load((DONNEES / "catalogue.yaml").read_text(encoding="utf-8"))
    (portrait,) = [j for j in catalogue["jeux"] if j["id"] == "portrait"]
    assert not portrait["description"].startswith("Tous les chiffres")
    assert "aucun chiffre de ce portrait ne manque (vérifié" in " ".join(portrait["description"].split())


# --- Équipements ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def equipements() -> pd.DataFrame:
    return charger("equipements").set_index("id")


def test_lignes_635_636_citees_comme_annexe_3(equipements):
    decisions = charger("equipements_quartiers").set_index("id")
    for ident in ("EQ042", "EQ046", "EQ050", "EQ043"):
        assert "Annexe 1" not in equipements.at[ident, "note"] and "Annexe 3, l. 63" in equipements.at[ident, "note"]
    assert "Annexe 1" not in decisions.at["EQ006", "raison"] and "Annexe 3, l. 636" in decisions.at["EQ006", "raison"]


def test_espace_york_sans_quartier_dans_les_deux_fichiers(equipements):
    decisions = charger("equipements_quartiers")
    assert pd.isna(equipements.at["EQ043", "quartier"])
    assert "EQ043" not in set(decisions["id"])
    assert "Quartier laissé vide, ici et dans equipements_quartiers.csv" in equipements.at["EQ043", "note"]


def test_les_trois_alsh_de_la_ville_ont_l_adresse_imprimee_pour_le_groupe(equipements):
    trois = equipements.loc[["EQ020", "EQ021", "EQ022"]]
    assert set(trois["adresse"]) == {"Boulevard Chanoine Kir"}
    assert set(trois["code_postal"]) == {"21000"} and set(trois["commune"]) == {"Dijon"}
    assert trois["note"].str.contains("lue comme celle du groupe des trois lignes").all()


def test_bloc_commune_de_dijon_de_l_annexe_2_bis_une_seule_regle(equipements):
    bloc = equipements[equipements["source_section"].str.startswith("Annexe 2 bis")
                       & equipements["note"].str.contains("« COMMUNE DE DIJON » (l. 397)", regex=False)]
    assert list(bloc.index) == [f"EQ0{n}" for n in range(45, 58)]
    assert bloc["note"].str.contains("Règle appliquée à tout le bloc").all()
    assert not bloc["note"].str.contains("déduit de l'en-tête").any()
    # un gestionnaire seulement quand le document le nomme, avec la ligne où il le nomme
    nommes = bloc[bloc["gestionnaire"].notna()]
    assert dict(nommes["gestionnaire"]) == {
        "EQ045": "CCAS de Dijon", "EQ054": "Ville de Dijon", "EQ055": "Ville de Dijon",
        "EQ056": "Ville de Dijon", "EQ057": "Ville de Dijon",
    }
    assert nommes["note"].str.contains(r"Gestionnaire : .*l\. \d+", regex=True).all()
    centres_sociaux = bloc[bloc["gestionnaire"].isna()]
    assert set(centres_sociaux["categorie"]) == {"Centre social / MEP"}
    assert set(centres_sociaux["gestion_ville"]) == {"non précisé"}


# --- Plans ------------------------------------------------------------------------------------

def plan_minimal(**champs) -> dict:
    source = {"fichier": "doc.txt", "section": "Titre (ligne 1)"}
    return {"id": "essai", "titre": "Plan d'essai", "titre_court": "Essai", "territoire": "essai",
            "axes": [{"id": "A1", "numero": "1", "titre": "Axe", "source": source}],
            "sources": [source], **champs}


@pytest.mark.parametrize("champs,annees,lisible", [
    ({"debut": dt.date(2024, 7, 1), "fin": dt.date(2027, 12, 31)}, [2024, 2025, 2026, 2027],
     "du 1er juillet 2024 au 31 décembre 2027"),
    ({"annee_debut": 2023, "annee_fin": 2026, "periode_texte": "« 2023/2026 »"}, [2023, 2024, 2025, 2026], "2023-2026"),
    ({"annee_debut": 2025, "periode_texte": "depuis 2025"}, [2025, 2026], "depuis 2025"),
    ({"periode_texte": "Le document ne donne aucune date."}, [2026], "Le document ne donne aucune date."),
])
def test_periode_du_plan_sans_date_inventee(champs, annees, lisible):
    plan = Plan.model_validate(plan_minimal(**champs))
    assert plan.annees_de_suivi(annee_courante=2026) == annees
    assert plan.periode_lisible() == lisible


def test_plan_sans_date_doit_dire_ce_que_dit_le_document(tmp_path):
    dossier = tmp_path / "plans" / "essai"
    dossier.mkdir(parents=True)
    (dossier / "plan.yaml").write_text(yaml.safe_dump(plan_minimal(annee_debut=2023), allow_unicode=True), encoding="utf-8")
    with pytest.raises(ErreurDonnees) as erreur:
        charger_plan("essai", tmp_path)
    assert "periode_texte" in str(erreur.value)
    (dossier / "plan.yaml").write_text(yaml.safe_dump(
        plan_minimal(debut="2024-01-01", annee_debut=2023, fin="2024-12-31"), allow_unicode=True), encoding="utf-8")
    with pytest.raises(ErreurDonnees) as erreur:
        charger_plan("essai", tmp_path)
    assert "différentes" in str(erreur.value)


@pytest.fixture(scope="module")
def plans():
    plans, erreurs = charger_plans()
    assert erreurs == []
    return plans


def test_dates_des_plans_seulement_celles_du_document(plans):
    cite = plans["cite-educative-dijon"]
    assert cite.debut is None and cite.fin is None and cite.annees() == (None, None)
    assert "29 janvier 2022" in cite.periode_texte and "ligne 23" in cite.periode_texte
    assert "2025-01-28" not in (DONNEES / "plans" / "cite-educative-dijon" / "plan.yaml").read_text(encoding="utf-8")
    for id_plan, annees in (("contrat-de-ville-dijon-metropole-2019-2022", (2019, 2022)),
                            ("ctg-gevrey-nuits-2023-2026", (2023, 2026))):
        plan = plans[id_plan]
        assert plan.debut is None and plan.fin is None and plan.annees() == annees and plan.periode_texte
    dijon = plans["ctg-dijon-2024-2027"]  # « du 1er juillet 2024 jusqu'au 31 décembre 2027 » (002, ligne 1175)
    assert (dijon.debut, dijon.fin) == (dt.date(2024, 7, 1), dt.date(2027, 12, 31))


def test_gevrey_l_en_tete_de_la_fiche_l_emporte(plans):
    gevrey = plans["ctg-gevrey-nuits-2023-2026"]
    for ident in ("F9", "F10"):
        fiche = gevrey.fiche(ident)
        assert fiche.objectifs_strategiques == ["Objectif 6 : Accroître et stabiliser les équipes d'animateurs sur le territoire"]
        assert "Améliorer l'accessibilité et la qualité des accueils collectifs de mineurs" in fiche.note
    for ident, entete, tableau in (("F15", "8", "9"), ("F16", "9", "10"), ("F17", "9", "10"), ("F18", "8", "10")):
        fiche = gevrey.fiche(ident)
        assert fiche.objectifs_strategiques[0].startswith(f"Objectif {entete} :")
        assert "l'en-tête de la fiche l'emporte" in fiche.note and f"sous l'objectif {tableau}" in " ".join(fiche.note.split())


# --- Acteurs ----------------------------------------------------------------------------------

def test_cle_insensible_a_la_casse_et_a_l_ordre_d_une_enumeration():
    assert acteurs.cle("Caf et MSA") == acteurs.cle("CAF et MSA") == acteurs.cle("Caf, MSA")
    assert acteurs.cle("RPE et EAJE") == acteurs.cle("EAJE et RPE")
    assert acteurs.cle("RPE et EAJE, référent parentalité") != acteurs.cle("RPE et EAJE")
    # les virgules entre parenthèses ne découpent pas
    assert acteurs.membres("Caf (conseil, développement) et MSA") == ["Caf (conseil, développement)", "MSA"]


def test_unifier_garde_le_nom_de_la_table_puis_le_plus_frequent():
    choix = acteurs.unifier(["CAF et MSA", "Caf et MSA", "Caf et MSA", "EAJE et RPE", "RPE et EAJE"], {"RPE et EAJE"})
    assert choix == {"CAF et MSA": "Caf et MSA", "Caf et MSA": "Caf et MSA",
                     "EAJE et RPE": "RPE et EAJE", "RPE et EAJE": "RPE et EAJE"}


def test_variantes_d_acteurs_regroupees(plans):
    table = pd.read_csv(DONNEES / "acteurs_normalisation.csv", dtype=str).fillna("")
    liens = acteurs.liens(list(plans.values()), table)
    noms = set(liens["acteur"])
    assert not noms & {"CAF et MSA", "Caf, MSA", "Les CCAS", "Missions Locales", "Mission Locale", "EAJE et RPE"}
    assert {"Caf et MSA", "CCAS", "Mission locale", "RPE et EAJE"} <= noms
    gevrey = liens[liens["plan"] == "CTG Gevrey-Nuits 2023-2026"]
    assert set(gevrey.loc[gevrey["acteur"] == "Caf et MSA", "nom_dans_le_document"]) == {"Caf et MSA", "CAF et MSA", "Caf, MSA"}
    assert set(gevrey.loc[gevrey["acteur"] == "CCAS", "nom_dans_le_document"]) == {"CCAS", "Les CCAS"}
    # sans la table, la casse et l'ordre suffisent à regrouper
    sans_table = acteurs.liens(list(plans.values()), table.iloc[0:0])
    assert "CAF et MSA" not in set(sans_table["acteur"])
    assert len({n for n in sans_table["acteur"] if acteurs.cle(n) == acteurs.cle("RPE et EAJE")}) == 1
