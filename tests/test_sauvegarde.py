"""Sauvegarde et restauration du magasin, sur SQLite et sur PostgreSQL : aller-retour identique,
base non vide refusée, fichier invalide refusé, séquences recalées, ligne de commande."""

import json

import pytest

from ctg_data import sauvegarde
from ctg_data.sauvegarde import BaseNonVide, FichierInvalide, SchemaIncompatible
from ctg_data.stockage import ConflitSaisie, Stockage, revisions
from tests.conftest import base_postgres_vide

PLAN = "ctg-dijon-2024-2027"
MOT_DE_PASSE = "un mot de passe assez long"


@pytest.fixture
def url_vide(url_base, request, tmp_path):
    """Une seconde base vide, du même type que ``url_base``."""
    if url_base.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restauree.sqlite3'}"
        return
    with base_postgres_vide(request.getfixturevalue("url_postgres"), "ctg_restau") as url:
        yield url


@pytest.fixture
def source(url_base):
    """Un magasin rempli : comptes, valeurs en plusieurs versions, statut, conflit, corrections."""
    s = Stockage(url_base)
    s.migrer()
    s.creer_compte("agent1", "Agent Un", MOT_DE_PASSE)
    s.creer_compte("agent2", "Agent Deux", MOT_DE_PASSE)
    s.creer_compte("prenom.nom@dijon.fr", "Prénom Nom", source="oidc")
    s.desactiver_compte("agent2")
    agent = s.authentifier("agent1", MOT_DE_PASSE)
    s.enregistrer_valeur(agent, PLAN, "PE1-I1", "Dijon", "2025", valeur=12.5, source="Comptage", version_vue=0)
    s.enregistrer_valeur(agent, PLAN, "PE1-I1", "Dijon", "2025", valeur=13, commentaire="corrigé « à la main »",
                         source="Comptage", version_vue=1)
    s.enregistrer_valeur(agent, PLAN, "PE1-I2", "Grésilles", "2025-S1", valeur_texte="en hausse", source="Rapport",
                         version_vue=0)
    with pytest.raises(ConflitSaisie):
        s.enregistrer_valeur(agent, PLAN, "PE1-I1", "Dijon", "2025", valeur=99, source="Autre", version_vue=1)
    s.fixer_statut(agent, PLAN, "PE1-I1", "en cours", "Réunion du comité")
    premiere = s.corriger_equipement(agent, "EAJE-01", motif="Adresse vérifiée", lat=47.32, lon=5.04)
    s.corriger_equipement(agent, "EAJE-02", motif="Capacité", capacite=40, etat="ouvert")
    s.annuler_correction(agent, premiere, "erreur de saisie")
    yield s
    s.moteur.dispose()


def sans_date(donnees):
    return {k: v for k, v in donnees.items() if k != "cree_le"}


def test_aller_retour_identique(source, url_vide):
    export = sauvegarde.exporter(source)
    assert export["format"] == "ctg-sauvegarde" and export["version_schema"] == revisions()[-1]
    comptes_lignes = {n: len(l) for n, l in export["tables"].items()}
    assert set(comptes_lignes) == {"valeurs", "statuts_manuels", "conflits", "corrections_equipements", "comptes",
                                   "journal_connexions", "geocodages"}
    assert {n: comptes_lignes[n] for n in ("valeurs", "statuts_manuels", "conflits", "corrections_equipements",
                                            "comptes", "geocodages")} == {
        "valeurs": 3, "statuts_manuels": 1, "conflits": 1, "corrections_equipements": 3, "comptes": 3, "geocodages": 0}
    assert all("sel" not in c and "empreinte" not in c for c in export["tables"]["comptes"])
    assert [c["identifiant"] for c in export["tables"]["comptes"]] == sorted(
        c["identifiant"] for c in export["tables"]["comptes"])
    ids = [v["id"] for v in export["tables"]["valeurs"]]
    assert ids == sorted(ids)
    assert export["tables"]["valeurs"][0]["horodatage"].endswith("+00:00")
    annulee, _, annulation = export["tables"]["corrections_equipements"]
    assert annulee["annule_par"] == annulation["id"] and annulation["annulation_de"] == annulee["id"]
    assert annulation["annule_par"] is None and annulee["annulation_de"] is None

    cible = Stockage(url_vide)
    try:
        comptes = sauvegarde.restaurer(cible, json.loads(json.dumps(export)))
        assert comptes == {n: len(l) for n, l in export["tables"].items()}
        assert sans_date(sauvegarde.exporter(cible)) == sans_date(export)

        # Les comptes locaux restaurés n'ont plus de mot de passe ; les comptes OIDC fonctionnent.
        assert cible.authentifier("agent1", MOT_DE_PASSE) is None
        assert cible.identite_oidc("prenom.nom@dijon.fr") is not None
        # Séquences recalées : de nouvelles lignes s'ajoutent après les anciennes.
        cible.creer_compte("agent3", "Agent Trois", MOT_DE_PASSE)
        agent3 = cible.authentifier("agent3", MOT_DE_PASSE)
        assert cible.enregistrer_valeur(agent3, PLAN, "PE1-I1", "Dijon", "2025", valeur=14, source="Comptage",
                                        version_vue=2) == 3
        assert cible.historique(PLAN, "PE1-I1")["id"].max() == max(ids) + 1
        nouvelle = cible.corriger_equipement(agent3, "EAJE-03", motif="Quartier", quartier="Grésilles")
        assert nouvelle == max(c["id"] for c in export["tables"]["corrections_equipements"]) + 1
        cible.fixer_statut(agent3, PLAN, "PE1-I2", "atteint", "Bilan")
    finally:
        cible.moteur.dispose()


def test_base_non_vide_refusee(source, url_vide):
    export = sauvegarde.exporter(source)
    with pytest.raises(BaseNonVide, match="pas vide"):
        sauvegarde.restaurer(source, export)
    assert sans_date(sauvegarde.exporter(source)) == sans_date(export)

    # Une seule table occupée suffit ; rien n'est écrit dans les autres.
    cible = Stockage(url_vide)
    try:
        cible.creer_compte("seul", "Seul", MOT_DE_PASSE)
        avant = sauvegarde.exporter(cible)
        with pytest.raises(BaseNonVide):
            sauvegarde.restaurer(cible, export)
        assert sans_date(sauvegarde.exporter(cible)) == sans_date(avant)
    finally:
        cible.moteur.dispose()


def test_fichier_invalide_refuse(source, url_vide):
    export = sauvegarde.exporter(source)
    cible = Stockage(url_vide)
    try:
        with pytest.raises(FichierInvalide, match="format"):
            sauvegarde.restaurer(cible, export | {"format": "autre-chose"})
        with pytest.raises(SchemaIncompatible):
            sauvegarde.restaurer(cible, export | {"version_schema": "9999"})
        avec_secret = json.loads(json.dumps(export))
        avec_secret["tables"]["comptes"][0]["empreinte"] = "abc"
        with pytest.raises(FichierInvalide, match="empreinte"):
            sauvegarde.restaurer(cible, avec_secret)
        # Une ligne en double échoue à l'insertion : la transaction entière est annulée.
        double = json.loads(json.dumps(export))
        double["tables"]["comptes"].append(double["tables"]["comptes"][0])
        with pytest.raises(FichierInvalide, match="Rien n'a été restauré"):
            sauvegarde.restaurer(cible, double)
        assert all(not l for l in sauvegarde.exporter(cible)["tables"].values())
    finally:
        cible.moteur.dispose()


def test_ligne_de_commande(source, url_base, url_vide, tmp_path, capsys):
    fichier = tmp_path / "sauvegarde.json"
    assert sauvegarde.main(["exporter", str(fichier), "--base", url_base]) == 0
    contenu = json.loads(fichier.read_text(encoding="utf-8"))
    assert "empreinte" not in fichier.read_text(encoding="utf-8")
    assert sauvegarde.main(["restaurer", str(fichier), "--base", url_vide]) == 0
    sortie = capsys.readouterr().out
    assert "[sauvegarde] valeurs : 3 lignes" in sortie and "sans mot de passe" in sortie
    fichier2 = tmp_path / "sauvegarde2.json"
    assert sauvegarde.main(["exporter", str(fichier2), "--base", url_vide]) == 0
    assert sans_date(json.loads(fichier2.read_text(encoding="utf-8"))) == sans_date(contenu)

    # Seconde restauration dans la même base : refusée, code 1, message en français.
    assert sauvegarde.main(["restaurer", str(fichier), "--base", url_vide]) == 1
    assert "n'est pas vide" in capsys.readouterr().err
    mauvais = tmp_path / "mauvais.json"
    mauvais.write_text("pas du json", encoding="utf-8")
    assert sauvegarde.main(["restaurer", str(mauvais), "--base", url_vide]) == 1
    assert "JSON" in capsys.readouterr().err


def sauvegarde_0001() -> dict:
    """Une sauvegarde écrite avant la révision 0002 : l'annulation n'y est marquée que par le préfixe
    de son motif (et par ``annule_par``, à contre-sens), sans colonne ``annulation_de``."""
    heure = "2025-03-01T09:00:00+00:00"
    correction = {"lat": None, "lon": None, "quartier": None, "capacite": None, "etat": None, "auteur": "agent1",
                  "horodatage": heure, "annule_par": None}
    return {
        "format": "ctg-sauvegarde", "version_schema": "0001", "cree_le": heure,
        "tables": {
            "valeurs": [{"id": 1, "plan": PLAN, "indicateur": "PE1-I1", "zone": "Dijon", "periode": "2025",
                         "version": 1, "valeur": 12.5, "valeur_texte": None, "commentaire": None,
                         "source": "Comptage", "auteur": "agent1", "horodatage": heure}],
            "statuts_manuels": [], "conflits": [],
            "corrections_equipements": [
                correction | {"id": 1, "equipement": "EAJE-01", "lat": 47.32, "lon": 5.04, "motif": "Adresse",
                              "annule_par": 3},
                correction | {"id": 2, "equipement": "EAJE-02", "capacite": 40, "etat": "fermé", "motif": "Capacité"},
                correction | {"id": 3, "equipement": "EAJE-01", "annule_par": 1,
                              "motif": "Annulation de la correction n° 1 : erreur de saisie"},
            ],
            "comptes": [{"identifiant": "agent1", "nom": "Agent Un", "role": "editeur", "source": "local",
                         "actif": True, "cree_le": heure}],
        },
    }


def test_restauration_d_une_sauvegarde_0001(url_vide):
    """Une sauvegarde d'avant la révision 0002 se restaure : ses annulations deviennent des champs,
    comme la migration 0002 le fait dans une base."""
    cible = Stockage(url_vide)
    try:
        comptes = sauvegarde.restaurer(cible, sauvegarde_0001())
        assert comptes["corrections_equipements"] == 3 and comptes["valeurs"] == 1
        corrections = {c["id"]: c for c in sauvegarde.exporter(cible)["tables"]["corrections_equipements"]}
        assert (corrections[3]["annulation_de"], corrections[3]["annule_par"]) == (1, None)
        assert (corrections[1]["annule_par"], corrections[1]["annulation_de"]) == (3, None)
        assert corrections[3]["motif"] == "Annulation de la correction n° 1 : erreur de saisie"
        actives = cible.corrections_actives().set_index("id")
        assert list(actives.index) == ["EAJE-02"] and actives.loc["EAJE-02", "etat"] == "fermé"
    finally:
        cible.moteur.dispose()


def test_chaque_revision_sait_mettre_a_niveau_une_sauvegarde():
    """Une nouvelle révision du schéma doit dire ce qu'elle change aux sauvegardes plus anciennes."""
    assert set(sauvegarde.MISES_A_NIVEAU) == set(revisions()[1:])

