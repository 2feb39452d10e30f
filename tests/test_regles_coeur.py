"""Règles du cœur sur de petites données synthétiques : référence des chiffres d'un territoire,
comptage des équipements, corrections des éditeurs, vue « contexte social », territoires."""

from __future__ import annotations

import pandas as pd
import pytest

from ctg_data import chiffres
from ctg_data import equipements as eq
from ctg_data import positions
from ctg_data import vues_contexte as vc
from ctg_data.erreurs import ErreurDonnees
from ctg_data.territoire import Territoire, charger_territoires, zones_de_saisie

E = "\u00a0"

TERRITOIRE = Territoire.model_validate({
    "id": "ville", "nom": "Ville", "nom_complet": "Ville de Ville", "nature": "commune", "code": "99001",
    "libelle_tout": "Toute la ville",
    "sous_zones": {"nature": "quartier", "singulier": "quartier", "pluriel": "quartiers", "jeu": "quartiers",
                   "description": "Deux quartiers d'essai."},
    "comparaisons": [{"type_zone": "département", "code": "99", "nom": "Département"},
                     {"type_zone": "France métropolitaine", "nom": "France métropolitaine", "autres_noms": ["France"]}],
    "portrait": {"jeu": "portrait", "document": "Convention d'essai"},
    "chiffres_cles": [{"code": "mediane", "titre": "Médiane"}, {"code": "pauvrete", "titre": "Pauvreté"}],
})

PORTRAIT = pd.DataFrame([
    {"code": "mediane", "indicateur": "Niveau de vie médian", "territoire": "Ville", "annee": 2020, "periode": None,
     "valeur": 1800.0, "unite": "€", "qualificatif": None, "source_fichier": "doc.txt",
     "source_section": "Préambule (ligne 3)", "citation": "1 800 €", "note": None},
    {"code": "mediane", "indicateur": "Niveau de vie médian", "territoire": "France", "annee": 2020, "periode": None,
     "valeur": 1900.0, "unite": "€", "qualificatif": None, "source_fichier": "doc.txt",
     "source_section": "Préambule (ligne 4)", "citation": "1 900 €", "note": None},
    {"code": "pauvrete", "indicateur": "Taux de pauvreté", "territoire": "Ville", "annee": 2020, "periode": None,
     "valeur": 16.0, "unite": "%", "qualificatif": "près de", "source_fichier": "doc.txt",
     "source_section": "Préambule (ligne 5)", "citation": "près de 16 %", "note": None},
])


def ligne_sociale(indicateur, type_zone, code, nom, annee, valeur, statut="publiée"):
    return {"indicateur": indicateur, "type_zone": type_zone, "code_zone": code, "nom_zone": nom, "annee": annee,
            "valeur": valeur, "unite": "€", "statut": statut, "source": f"INSEE, Filosofi {annee}, {type_zone}",
            "note": None, "source_detail": f"fichier_{annee}.csv, colonne Q2"}


SOCIAL = pd.DataFrame([
    ligne_sociale("mediane", "commune", "99001", "Ville", 2019, 21000.0),
    ligne_sociale("mediane", "commune", "99001", "Ville", 2018, 20500.0),
    ligne_sociale("mediane", "département", "99", "Département", 2019, 22000.0),
    ligne_sociale("mediane", "commune", "99002", "Autre commune", 2019, 30000.0),  # ni le territoire, ni une comparaison
    ligne_sociale("mediane", "France métropolitaine", "FM", "France métropolitaine", 2019, 21500.0),
    ligne_sociale("mediane", "IRIS", "990010101", "Iris A", 2019, 15000.0),
    ligne_sociale("mediane", "IRIS", "990010101", "Iris A", 2018, 14000.0),
    ligne_sociale("pauvrete", "commune", "99001", "Ville", 2019, None, statut="non publiée dans ce fichier"),
])
DICTIONNAIRE = pd.DataFrame([
    {"code": "mediane", "libelle": "Niveau de vie médian", "definition": "En euros par an.", "unite": "€",
     "agregation": "non_agregeable", "numerateur": None, "denominateur": None, "source": "INSEE", "precautions": None},
    {"code": "pauvrete", "libelle": "Taux de pauvreté", "definition": "Part.", "unite": "%",
     "agregation": "ponderee_population", "numerateur": None, "denominateur": None, "source": "INSEE",
     "precautions": None},
])


@pytest.fixture
def ref():
    return chiffres.reference(TERRITOIRE, PORTRAIT, SOCIAL, DICTIONNAIRE)


def test_reference_garde_seulement_le_territoire_et_ses_comparaisons(ref):
    assert "Autre commune" not in set(ref["zone"])
    assert set(ref["origine"]) == {chiffres.CONVENTION, chiffres.DONNEES_OUVERTES}
    # La convention écrit « France » : le nom du territoire de comparaison est repris.
    assert "France métropolitaine" in set(ref[ref["origine"] == chiffres.CONVENTION]["zone"])
    # Unités : la période du montant du document n'est pas devinée ; celle de l'INSEE est dite.
    assert set(ref[(ref["code"] == "mediane")]["unite"]) == {"€ (période non précisée par le document)", "€ par an"}
    # Le numéro de ligne reste dans le détail, pas dans la source montrée au lecteur.
    assert not ref["source"].str.contains("ligne").any()
    assert ref["source_detail"].str.contains("ligne 3").any()


def test_reperes_deux_sources_cote_a_cote(ref):
    groupes = chiffres.reperes(ref, "mediane", TERRITOIRE)
    assert [g.origine for g in groupes] == [chiffres.CONVENTION, chiffres.DONNEES_OUVERTES]
    document, insee = groupes
    assert document.periode == "2020" and document.valeurs == [("Ville", f"1{E}800{E}€"), ("France métropolitaine", f"1{E}900{E}€")]
    assert insee.periode == "2019" and insee.unite == "€ par an"
    assert insee.valeurs == [("Ville", f"21{E}000{E}€"), ("Département", f"22{E}000{E}€"),
                             ("France métropolitaine", f"21{E}500{E}€")]
    assert insee.source == "INSEE, Filosofi 2019 (commune, département, France métropolitaine)"
    assert len(chiffres.reperes(ref, "mediane", TERRITOIRE, annees=2)) == 3  # 2019 et 2018 pour l'INSEE


def test_pas_de_valeur_seulement_quand_aucune_source_n_en_a(ref):
    # Pauvreté : l'INSEE n'en publie pas pour la commune, la convention si.
    assert chiffres.resume_zone(ref, "pauvrete", "Ville") == (
        f"près de 16{E}% en 2020 (Convention d'essai, Préambule)")
    assert chiffres.resume_zone(ref, "inconnu", "Ville") == "pas de valeur dans les sources"


def test_carte_chiffre_valeur_principale_et_comparaisons(ref):
    mediane, pauvrete = chiffres.cartes_chiffres_cles(ref, TERRITOIRE)
    assert (mediane.valeur, mediane.periode, mediane.precision_unite) == (
        f"1{E}800{E}€", "2020", "période non précisée par le document")
    autres = mediane.comparaisons()
    assert autres[0].valeurs == [("France métropolitaine", f"1{E}900{E}€")]  # Ville n'est pas répétée
    assert autres[1].origine == chiffres.DONNEES_OUVERTES and ("Ville", f"21{E}000{E}€") in autres[1].valeurs
    assert pauvrete.valeur == f"près de 16{E}%" and pauvrete.comparaisons() == []


# --- Équipements --------------------------------------------------------------------------------
EQUIPEMENTS = pd.DataFrame([
    {"id": "EQ001", "nom": "Crèche A", "categorie": "EAJE", "sous_type": "multi-accueil", "gestion_ville": "oui",
     "annexe": "2", "adresse": "1 rue A", "quartier": "Nord", "capacite": 20},
    {"id": "EQ002", "nom": "Relais B", "categorie": "RPE", "sous_type": None, "gestion_ville": "oui",
     "annexe": "2", "adresse": None, "quartier": None, "capacite": None},
    {"id": "EQ003", "nom": "Crèche C", "categorie": "EAJE", "sous_type": "multi-accueil", "gestion_ville": "non",
     "annexe": "2", "adresse": None, "quartier": None, "capacite": None},
    {"id": "EQ004", "nom": "Coordinateurs", "categorie": "Autre", "sous_type": eq.SOUS_TYPE_POSTE,
     "gestion_ville": "oui", "annexe": "2", "adresse": None, "quartier": None, "capacite": None},
])
LIVREES = pd.DataFrame([
    {"id": "EQ001", "lat": 47.0, "lon": 5.0, "precision": "adresse", "score": 0.9, "date_position": None,
     "origine_position": "géocodage", "code_iris": "990010101", "quartier": "Nord", "origine_quartier": "position",
     "confiance_quartier": "sûr", "raison_quartier": "position"},
    {"id": "EQ002", "lat": 47.1, "lon": 5.1, "precision": positions.APPROX, "score": None, "date_position": None,
     "origine_position": "approx", "code_iris": None, "quartier": "Sud", "origine_quartier": "équipe",
     "confiance_quartier": "probable", "raison_quartier": "nom"},
    *[{"id": i, "lat": None, "lon": None, "precision": "inconnue", "score": None, "date_position": None,
       "origine_position": None, "code_iris": None, "quartier": None, "origine_quartier": None,
       "confiance_quartier": None, "raison_quartier": None} for i in ("EQ003", "EQ004")],
])


def correction(**champs) -> pd.DataFrame:
    base = {"id": "EQ001", "lat": None, "lon": None, "quartier": None, "capacite": None, "etat": None,
            "auteur": "agent1", "date": "2026-01-02", "motif": "vérifié", "id_correction": 1}
    return pd.DataFrame([base | champs])


def test_comptage_ecarte_les_postes_et_liste_les_quartiers_inconnus():
    vue = positions.avec_corrections(EQUIPEMENTS, LIVREES, None)
    tout = eq.compter(vue)
    assert tout.total == 3 and tout.postes == 1
    nord = eq.compter(vue, "Nord")
    assert list(nord.comptes["id"]) == ["EQ001"] and list(nord.quartier_inconnu["id"]) == ["EQ003"]
    assert nord.phrase() == ("1 équipement et service dans le quartier Nord ; 1 autre dont le quartier n'est pas "
                             "connu (peut-être dans ce quartier).")
    assert vue.set_index("id").loc["EQ001", "quartier_document"] == "Nord"  # ce que dit l'annexe, gardé à part


def test_ferme_compte_a_part_puis_revient():
    ferme = positions.avec_corrections(EQUIPEMENTS, LIVREES, correction(etat="fermé"))
    nord = eq.compter(ferme, "Nord")
    assert nord.total == 0 and list(nord.fermes["id"]) == ["EQ001"]
    assert "1 fermé, non compté" in nord.phrase()
    assert "EQ001" not in set(eq.filtrer(ferme)["id"]) and "EQ001" in set(eq.filtrer(ferme, fermes=True)["id"])
    rouvert = positions.avec_corrections(EQUIPEMENTS, LIVREES, correction(etat="ouvert"))
    assert eq.compter(rouvert, "Nord").total == 1


def test_correction_de_quartier_et_de_capacite():
    vue = positions.avec_corrections(EQUIPEMENTS, LIVREES, correction(id="EQ003", quartier="Nord", capacite=12))
    ligne = vue.set_index("id").loc["EQ003"]
    assert (ligne["quartier"], ligne["origine_quartier"], ligne["capacite"]) == ("Nord", "correction", 12)
    assert ligne["origine_capacite"] == "capacité corrigée par agent1 le 2026-01-02 : vérifié"
    assert eq.compter(vue, "Nord").total == 2


def test_zones_de_saisie_du_territoire_sans_nom_ecrit_dans_le_code():
    assert zones_de_saisie(TERRITOIRE, ["Sud", "Nord"]) == ["Ville", "Nord", "Sud"]
    sans = TERRITOIRE.model_copy(update={"sous_zones": None})
    assert zones_de_saisie(sans, []) == ["Ville"]


def test_territoire_invalide_refuse_les_autres_charges(tmp_path):
    dossier = tmp_path / "territoires"
    dossier.mkdir()
    (dossier / "bon.yaml").write_text("id: bon\nnom: Bon\nnom_complet: Commune de Bon\nnature: commune\n"
                                      "code: '99003'\nlibelle_tout: Tout Bon\n", encoding="utf-8")
    (dossier / "mauvais.yaml").write_text("id: mauvais\nnom: Mauvais\nnature: canton\n", encoding="utf-8")
    territoires, erreurs = charger_territoires(tmp_path)
    assert list(territoires) == ["bon"]
    (erreur,) = erreurs
    assert isinstance(erreur, ErreurDonnees) and "territoires/mauvais.yaml" in erreur.message()
    assert "nature" in erreur.message() and "nom_complet" in erreur.message()


# --- Vue « contexte social » -----------------------------------------------------------------------
def test_vue_contexte_annees_niveaux_et_reperes():
    vue = vc.vue_indicateur(SOCIAL, DICTIONNAIRE, TERRITOIRE, "mediane")
    assert vue.annees == [2019, 2018] and vue.annee == 2019
    assert vue.niveaux == [vc.IRIS] and not vue.par_quartier  # une médiane ne se regroupe pas par quartier
    assert set(vue.references["nom_zone"]) == {"Ville", "Département", "France métropolitaine"}
    assert "Autre commune" not in set(vue.tableau["Zone"])
    assert sorted(vue.serie_reperes["annee"].unique()) == [2018, 2019]
    ancienne = vc.vue_indicateur(SOCIAL, DICTIONNAIRE, TERRITOIRE, "mediane", annee=2018, niveau="Quartiers")
    assert ancienne.annee == 2018 and ancienne.niveau == vc.IRIS  # niveau impossible : le premier possible


def test_aucun_nom_de_territoire_ecrit_dans_le_code():
    """Les noms de territoires et de quartiers viennent des données (data/territoires, data/quartiers.csv…),
    jamais d'une chaîne du code (commentaires et docstrings exceptés). Seule exception, dite : l'étape de
    construction de la géographie des IRIS de Dijon (build.py et le schéma de son rattachement), qui
    deviendra générique avec les packs de territoires."""
    import ast
    from pathlib import Path

    racine = Path(__file__).resolve().parent.parent
    fichiers = [*(racine / "ctg_data").rglob("*.py"), *(racine / "pages").rglob("*.py"), racine / "app.py"]
    trouves = set()
    for f in fichiers:
        arbre = ast.parse(f.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(arbre)
                      if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                      and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for n in ast.walk(arbre):
            if (isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
                    and any(nom in n.value for nom in ("Dijon", "Grésilles", "Gevrey", "Fontaine d'Ouche"))):
                trouves.add(str(f.relative_to(racine)))
    assert trouves <= {"ctg_data/build.py", "ctg_data/schemas.py"}, trouves
