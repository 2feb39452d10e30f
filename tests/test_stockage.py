"""Le magasin, sur SQLite et sur PostgreSQL : versions, conflits, droits, corrections, transactions."""

import threading
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic import command

from ctg_data import acces, comptes, vocabulaire
from ctg_data.stockage import (
    ETATS_EQUIPEMENT, STATUTS_MANUELS, ConflitSaisie, EcritureRefusee, ErreurStockage, Identite, Stockage,
    StockageIndisponible, revisions,
)
from tests.conftest import BASE_DU_DEVELOPPEUR, RACINE, environnement_serveur, etat_fichier, ouvrir_page

PLAN = "ctg-dijon-2024-2027"
MOT_DE_PASSE = "un mot de passe assez long"


@pytest.fixture
def agent2(stockage):
    return stockage.authentifier("agent2", MOT_DE_PASSE)


def saisir(stockage, qui, valeur, version_vue=0, indicateur="PE1-I1", zone="Dijon", periode="2025", **kw):
    return stockage.enregistrer_valeur(qui, PLAN, indicateur, zone, periode, valeur=valeur,
                                       source="Comptage du service", version_vue=version_vue, **kw)


def inventaire(moteur) -> dict:
    """Le schéma tel que la base le décrit : tables, colonnes, index, contraintes."""
    inspection = sa.inspect(moteur)
    return {
        table: (
            [c["name"] for c in inspection.get_columns(table)],
            sorted((i["name"], tuple(i["column_names"])) for i in inspection.get_indexes(table)),
            sorted(tuple(u["column_names"]) for u in inspection.get_unique_constraints(table)),
            sorted(tuple(f["constrained_columns"]) for f in inspection.get_foreign_keys(table)),
        )
        for table in sorted(inspection.get_table_names())
    }


def test_migration_lancee_deux_fois(url_base, monkeypatch):
    """Deux magasins sur la même base (deux serveurs, ou un redémarrage) : Alembic tourne vraiment deux
    fois ; la seconde ne change rien (une seule révision notée, la tête ; rien en double, rien de perdu)."""
    appels = []
    upgrade = command.upgrade
    monkeypatch.setattr(command, "upgrade", lambda config, cible: (appels.append(cible), upgrade(config, cible)))
    premier, second = Stockage(url_base), Stockage(url_base)
    try:
        premier.migrer()
        premier.creer_compte("agent1", "Agent Un", MOT_DE_PASSE)
        saisir(premier, premier.authentifier("agent1", MOT_DE_PASSE), 10)
        schema = inventaire(premier.moteur)
        second.migrer()
        premier.migrer()  # déjà fait par cet objet : sans nouvel appel à Alembic
        assert appels == ["head", "head"]
        with second.moteur.connect() as c:
            assert c.execute(sa.text("SELECT version_num FROM alembic_version")).all() == [(revisions()[-1],)]
        assert inventaire(second.moteur) == schema
        assert [i for i in schema["valeurs"][1] if i[0] == "ix_valeurs_cle"] == [
            ("ix_valeurs_cle", ("plan", "indicateur", "zone", "periode"))]
        assert schema["valeurs"][2] == [("plan", "indicateur", "zone", "periode", "version")]
        assert set(schema) == {"alembic_version", "comptes", "conflits", "corrections_equipements",
                               "statuts_manuels", "valeurs", "journal_connexions", "geocodages"}
        assert list(second.lister_comptes()["identifiant"]) == ["agent1"]
        assert list(second.historique(PLAN)["valeur"]) == [10]
    finally:
        premier.moteur.dispose()
        second.moteur.dispose()


def test_les_tests_n_utilisent_pas_la_base_du_developpeur(magasin_du_test, capsys):
    """La fixture automatique de conftest : ``Stockage()`` et les pages écrivent dans une base
    temporaire, jamais dans ``var/ctg.sqlite3`` (ni créé, ni modifié) ; les serveurs de test non plus."""
    avant = etat_fichier(BASE_DU_DEVELOPPEUR)
    url = acces.url_par_defaut()
    assert url == magasin_du_test
    chemin = Path(url.removeprefix("sqlite:///"))
    assert not chemin.is_relative_to(RACINE / "var") and not chemin.exists()
    s = Stockage()
    try:
        s.creer_compte("agent1", "Agent Un", MOT_DE_PASSE)
        saisir(s, s.authentifier("agent1", MOT_DE_PASSE), 10)
    finally:
        s.moteur.dispose()
    assert chemin.exists()
    assert comptes.main(["lister"]) == 0  # la commande d'administration, sur le magasin par défaut
    assert "agent1" in capsys.readouterr().out
    # Un serveur lancé par un test (sous-processus) reçoit aussi une base temporaire.
    env = environnement_serveur(chemin.parent / "streamlit.log", 8501)
    assert env["CTG_DATABASE_URL"] == url
    assert etat_fichier(BASE_DU_DEVELOPPEUR) == avant


def test_les_pages_n_utilisent_pas_la_base_du_developpeur(magasin_du_test):
    """Une page qui lit le magasin (AppTest, dans le processus des tests) utilise la base temporaire."""
    avant = etat_fichier(BASE_DU_DEVELOPPEUR)
    chemin = Path(magasin_du_test.removeprefix("sqlite:///"))
    ouvrir_page("plan")
    assert chemin.exists()  # créée par la page (schéma migré à la première lecture)
    assert etat_fichier(BASE_DU_DEVELOPPEUR) == avant


def test_authentification(stockage):
    assert stockage.authentifier("agent1", MOT_DE_PASSE) == Identite("agent1", "Agent Un", "editeur", "local")
    assert stockage.authentifier("agent1", "mauvais mot de passe") is None
    assert stockage.authentifier("inconnu", MOT_DE_PASSE) is None
    comptes = stockage.lister_comptes()
    assert "empreinte" not in comptes.columns and "sel" not in comptes.columns


def test_mot_de_passe_sale_et_hache(stockage):
    with stockage.moteur.connect() as c:
        lignes = c.execute(sa.text("SELECT sel, empreinte FROM comptes ORDER BY identifiant")).all()
    assert lignes[0].sel != lignes[1].sel  # un sel par compte
    assert lignes[0].empreinte != lignes[1].empreinte  # même mot de passe, empreintes différentes
    assert MOT_DE_PASSE not in str(lignes)


def test_mot_de_passe_trop_court(stockage):
    with pytest.raises(ErreurStockage, match="au moins 12 caractères"):
        stockage.creer_compte("agent3", "Agent Trois", "court")


def test_versions_et_historique(stockage, agent1, agent2):
    assert saisir(stockage, agent1, 10) == 1
    assert saisir(stockage, agent2, 12, version_vue=1, commentaire="correction du comptage") == 2
    historique = stockage.historique(PLAN, "PE1-I1")
    assert list(historique["valeur"]) == [10, 12] and list(historique["auteur"]) == ["agent1", "agent2"]
    courantes = stockage.valeurs_courantes(PLAN)
    assert len(courantes) == 1 and courantes.iloc[0]["valeur"] == 12 and courantes.iloc[0]["version"] == 2


def test_conflit_de_saisie(stockage, agent1, agent2):
    """Deux éditeurs partent de la même version : le second reçoit un conflit avec les deux valeurs,
    et sa valeur est gardée."""
    saisir(stockage, agent1, 10)
    saisir(stockage, agent1, 11, version_vue=1)
    with pytest.raises(ConflitSaisie) as e:
        saisir(stockage, agent2, 15, version_vue=1)
    message = str(e.value)
    assert "agent1 a enregistré 11" in message and "Votre valeur, 15, n'a pas été enregistrée" in message
    assert e.value.actuelle["valeur"] == 11 and e.value.proposee["valeur"] == 15
    assert list(stockage.historique(PLAN)["valeur"]) == [10, 11]
    conflit = stockage.conflits(PLAN).iloc[0]
    assert (conflit["valeur_proposee"], conflit["auteur"], conflit["version_vue"], conflit["version_trouvee"]) == (15, "agent2", 1, 2)


def test_conflit_simultane(stockage, agent1, agent2):
    """Deux enregistrements lancés en même temps depuis la même version : un seul passe."""
    resultats = []

    def enregistrer(qui, valeur):
        try:
            resultats.append(saisir(stockage, qui, valeur))
        except (ConflitSaisie, StockageIndisponible) as e:
            resultats.append(e)

    fils = [threading.Thread(target=enregistrer, args=(q, v)) for q, v in ((agent1, 1), (agent2, 2))]
    for f in fils:
        f.start()
    for f in fils:
        f.join()
    assert sorted(type(r).__name__ for r in resultats) in (["ConflitSaisie", "int"], ["StockageIndisponible", "int"])
    assert len(stockage.historique(PLAN)) == 1


def test_ecriture_refusee_sans_editeur(stockage):
    with pytest.raises(EcritureRefusee, match="connectez-vous"):
        saisir(stockage, None, 10)
    with pytest.raises(EcritureRefusee):
        saisir(stockage, Identite("agent1", "Agent Un", "lecteur", "local"), 10)
    with pytest.raises(EcritureRefusee, match="n'est pas \\(ou plus\\) un compte d'éditeur actif"):
        saisir(stockage, Identite("pirate", "Pirate", "editeur", "local"), 10)
    with pytest.raises(EcritureRefusee):
        stockage.corriger_equipement(None, "EQ001", motif="essai", quartier="Grésilles")
    with pytest.raises(EcritureRefusee):
        stockage.fixer_statut("agent1", PLAN, "PE1-I1", "atteint", "essai")
    assert stockage.historique(PLAN).empty and stockage.historique_corrections().empty


def test_compte_desactive(stockage, agent1):
    stockage.desactiver_compte("agent1")
    assert stockage.authentifier("agent1", MOT_DE_PASSE) is None
    with pytest.raises(EcritureRefusee):
        saisir(stockage, agent1, 10)


def test_identite_oidc(stockage):
    assert stockage.identite_oidc("chargee@dijon.fr") is None
    stockage.creer_compte("chargee@dijon.fr", "Chargée de coopération", source="oidc")
    identite = stockage.identite_oidc("Chargee@dijon.fr ", "C. Coopération")
    assert identite.est_editeur and identite.source == "oidc"
    assert saisir(stockage, identite, 3) == 1


@pytest.mark.parametrize("periode,valeur,texte,source,attendu", [
    ("2025-13", 1, None, "x", "Période « 2025-13 » invalide"),
    ("deux mille", 1, None, "x", "Période"),
    ("2025", None, None, "x", "Saisissez une valeur"),
    ("2025", 1, None, " ", "Indiquez la source"),
])
def test_saisie_invalide(stockage, agent1, periode, valeur, texte, source, attendu):
    with pytest.raises(ErreurStockage, match=attendu):
        stockage.enregistrer_valeur(agent1, PLAN, "PE1-I1", "Dijon", periode, valeur=valeur,
                                    valeur_texte=texte, source=source, version_vue=0)
    assert stockage.historique(PLAN).empty


def test_valeur_textuelle(stockage, agent1):
    stockage.enregistrer_valeur(agent1, PLAN, "PE1-I1", "Grésilles", "2025-S1", valeur_texte="Guichet ouvert",
                                source="Compte rendu du comité", version_vue=0)
    ligne = stockage.valeurs_courantes(PLAN).iloc[0]
    assert pd.isna(ligne["valeur"]) and ligne["valeur_texte"] == "Guichet ouvert"


def test_lot_tout_ou_rien(stockage, agent1):
    bon = {"indicateur": "PE1-I1", "zone": "Dijon", "periode": "2025", "valeur": 1, "source": "s", "version_vue": 0}
    mauvais = bon | {"indicateur": "PE1-I2", "periode": "2025-99"}
    with pytest.raises(ErreurStockage):
        stockage.enregistrer_lot(agent1, PLAN, [bon, mauvais])
    assert stockage.historique(PLAN).empty
    saisir(stockage, agent1, 5, indicateur="PE1-I2")
    conflictuel = bon | {"indicateur": "PE1-I2"}  # version vue 0, mais la version 1 existe
    with pytest.raises(ConflitSaisie):
        stockage.enregistrer_lot(agent1, PLAN, [bon, conflictuel])
    assert len(stockage.historique(PLAN)) == 1  # la première ligne du lot n'a pas été gardée
    assert stockage.enregistrer_lot(agent1, PLAN, [bon, conflictuel | {"version_vue": 1}]) == 2


def test_vocabulaire_partage():
    """Statuts et états viennent de ctg_data.vocabulaire (les anciens noms restent importables)."""
    assert STATUTS_MANUELS == vocabulaire.LIBELLES_STATUTS
    assert ETATS_EQUIPEMENT == vocabulaire.ETATS_EQUIPEMENT


@pytest.mark.parametrize("statut", list(vocabulaire.Statut))
def test_chaque_statut_peut_etre_fixe(stockage, agent1, statut):
    stockage.fixer_statut(agent1, PLAN, "PE1-I1", statut.libelle, "Décidé en comité")
    assert stockage.statuts_manuels(PLAN).iloc[0]["statut"] == statut.libelle


def test_statut_manuel(stockage, agent1):
    with pytest.raises(ErreurStockage, match="Indiquez pourquoi"):
        stockage.fixer_statut(agent1, PLAN, "PE1-I1", "abandonné", "")
    with pytest.raises(ErreurStockage, match="inconnu"):
        stockage.fixer_statut(agent1, PLAN, "PE1-I1", "presque", "motif")
    stockage.fixer_statut(agent1, PLAN, "PE1-I1", "abandonné", "Action reportée au prochain contrat")
    stockage.fixer_statut(agent1, PLAN, "PE1-I2", "atteint", "Validé en comité")
    stockage.fixer_statut(agent1, PLAN, "PE1-I2", None, "Retour au calcul")
    manuels = stockage.statuts_manuels(PLAN).set_index("indicateur")
    assert manuels.loc["PE1-I1", "statut"] == "abandonné" and manuels.loc["PE1-I1", "auteur"] == "agent1"
    assert pd.isna(manuels.loc["PE1-I2", "statut"])


def test_corrections_d_equipement_et_annulation(stockage, agent1, agent2):
    premiere = stockage.corriger_equipement(agent1, "EQ006", motif="vu sur place", lat=47.33, lon=5.06)
    stockage.corriger_equipement(agent2, "EQ006", motif="agrément PMI", capacite=40, etat="ouvert")
    actives = stockage.corrections_actives().set_index("id")
    assert (actives.loc["EQ006", "lat"], actives.loc["EQ006", "capacite"], actives.loc["EQ006", "auteur"]) == (47.33, 40, "agent2")
    stockage.annuler_correction(agent1, premiere, "mauvais bâtiment")
    actives = stockage.corrections_actives().set_index("id")
    assert pd.isna(actives.loc["EQ006", "lat"]) and actives.loc["EQ006", "capacite"] == 40
    historique = stockage.historique_corrections("EQ006").set_index("id")
    annulation = historique.index[-1]
    assert len(historique) == 3 and historique.loc[annulation, "annulation_de"] == premiere
    assert historique.loc[premiere, "annule_par"] == annulation
    assert historique.loc[annulation, "motif"] == f"Annulation de la correction n° {premiere} : mauvais bâtiment"
    assert list(stockage.corrections_annulables("EQ006")["motif"]) == ["agrément PMI"]
    with pytest.raises(ErreurStockage, match="déjà été annulée"):
        stockage.annuler_correction(agent1, premiere, "encore")
    with pytest.raises(ErreurStockage, match="ne s'annule pas"):
        stockage.annuler_correction(agent1, int(annulation), "encore")
    with pytest.raises(ErreurStockage, match="n'existe pas"):
        stockage.annuler_correction(agent1, 999, "encore")
    assert len(stockage.historique_corrections()) == 3


def test_corrections_actives_par_champ(stockage, agent1):
    """Par équipement, la dernière valeur non annulée de chaque champ ; une annulation se reconnaît à
    son champ, pas au texte du motif."""
    ferme = stockage.corriger_equipement(agent1, "EQ011", motif="fermé pour travaux", etat="fermé")
    stockage.corriger_equipement(agent1, "EQ011", motif="agrément", capacite=30)
    stockage.corriger_equipement(agent1, "EQ011", motif="quartier vérifié", quartier="Grésilles", capacite=32)
    # Un motif qui ressemble à une annulation n'en est pas une.
    stockage.corriger_equipement(agent1, "EQ012", motif="Annulation de la correction n° 1 : texte libre",
                                 etat="fermé")
    actives = stockage.corrections_actives()
    assert list(actives.columns) == ["id", "lat", "lon", "quartier", "capacite", "etat", "auteur", "date", "motif",
                                     "id_correction"]
    actives = actives.set_index("id")
    assert (actives.loc["EQ011", "etat"], actives.loc["EQ011", "capacite"], actives.loc["EQ011", "quartier"]) == (
        "fermé", 32, "Grésilles")
    assert actives.loc["EQ011", "motif"] == "quartier vérifié" and pd.isna(actives.loc["EQ011", "lat"])
    assert actives.loc["EQ012", "etat"] == "fermé"
    stockage.annuler_correction(agent1, ferme, "travaux terminés")
    actives = stockage.corrections_actives().set_index("id")
    assert pd.isna(actives.loc["EQ011", "etat"]) and actives.loc["EQ011", "capacite"] == 32


def test_annulations_simultanees(stockage, agent1, agent2):
    """Deux éditeurs annulent la même correction au même moment : une seule annulation est écrite."""
    correction = stockage.corriger_equipement(agent1, "EQ006", motif="vu sur place", etat="fermé")
    resultats = []

    def annuler(qui):
        try:
            resultats.append(stockage.annuler_correction(qui, correction, "erreur"))
        except (ErreurStockage, StockageIndisponible) as e:
            resultats.append(e)

    fils = [threading.Thread(target=annuler, args=(q,)) for q in (agent1, agent2)]
    for f in fils:
        f.start()
    for f in fils:
        f.join()
    assert sorted(type(r).__name__ for r in resultats) in (["ErreurStockage", "int"], ["StockageIndisponible", "int"])
    historique = stockage.historique_corrections()
    assert len(historique) == 2 and historique["annulation_de"].notna().sum() == 1


@pytest.mark.parametrize("champs,attendu", [
    ({"lat": 47.3}, "latitude et la longitude"),
    ({"lat": 95.0, "lon": 5.0}, "hors des bornes"),
    ({"etat": "en travaux"}, "État « en travaux » inconnu"),
    ({"capacite": -1}, "négative"),
    ({}, "Rien à corriger"),
])
def test_correction_invalide(stockage, agent1, champs, attendu):
    with pytest.raises(ErreurStockage, match=attendu):
        stockage.corriger_equipement(agent1, "EQ001", motif="essai", **champs)
    assert stockage.historique_corrections().empty


def test_empreinte_change_a_chaque_ecriture(stockage, agent1):
    avant = stockage.empreinte()
    saisir(stockage, agent1, 1)
    assert stockage.empreinte() != avant


def test_injection_sql_sans_effet(stockage, agent1):
    piege = "x'); DROP TABLE valeurs; --"
    stockage.enregistrer_valeur(agent1, PLAN, piege, "Dijon", "2025", valeur=1, source=piege,
                                commentaire=piege, version_vue=0)
    assert stockage.historique(PLAN).iloc[0]["indicateur"] == piege


def test_version_vue_inexistante(stockage, agent1):
    """Une saisie qui part d'une version qui n'existe pas (page périmée) : conflit clair, rien d'écrit,
    la valeur proposée est gardée."""
    with pytest.raises(ConflitSaisie, match="aucune valeur n'y est enregistrée"):
        saisir(stockage, agent1, 10, version_vue=3)
    assert stockage.historique(PLAN).empty
    conflit = stockage.conflits(PLAN).iloc[0]
    assert (conflit["valeur_proposee"], conflit["version_vue"], conflit["version_trouvee"]) == (10, 3, 0)
