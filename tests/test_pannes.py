"""Pannes de la base : fichier SQLite verrouillé, serveur PostgreSQL arrêté puis relancé.

Les pages de lecture restent utilisables (données livrées), les écritures échouent avec un message
clair et rien n'est écrit à moitié ; au retour du serveur, l'application se reconnecte seule."""

import sqlite3
import subprocess

import pytest

from ctg_data.stockage import Stockage, StockageIndisponible
from tests.conftest import ServeurPostgres, ouvrir_page

PLAN = "ctg-dijon-2024-2027"
MOT_DE_PASSE = "un mot de passe assez long"


def saisir(stockage, qui, valeur, version_vue=0):
    return stockage.enregistrer_valeur(qui, PLAN, "JE1-I1", "Dijon", "2025", valeur=valeur, source="s",
                                       version_vue=version_vue)


def test_fichier_sqlite_verrouille(tmp_path):
    fichier = tmp_path / "ctg.sqlite3"
    stockage = Stockage(f"sqlite:///{fichier}")
    stockage.creer_compte("agent1", "Agent Un", MOT_DE_PASSE)
    agent = stockage.authentifier("agent1", MOT_DE_PASSE)
    saisir(stockage, agent, 1)
    verrou = sqlite3.connect(fichier, timeout=0)
    verrou.execute("BEGIN EXCLUSIVE")  # une autre application garde la base
    try:
        with pytest.raises(StockageIndisponible, match="occupée \\(verrouillée\\).*Rien n'a été enregistré"):
            saisir(stockage, agent, 2, version_vue=1)
    finally:
        verrou.rollback()
        verrou.close()
    assert list(stockage.historique(PLAN)["valeur"]) == [1]  # rien d'écrit à moitié
    assert saisir(stockage, agent, 2, version_vue=1) == 2  # le verrou levé, l'écriture passe


@pytest.mark.postgres
def test_serveur_postgres_arrete_puis_relance(monkeypatch):
    serveur_pg = ServeurPostgres()
    serveur_pg.demarrer()
    try:
        stockage = Stockage(serveur_pg.url)
        stockage.creer_compte("agent1", "Agent Un", MOT_DE_PASSE)
        agent = stockage.authentifier("agent1", MOT_DE_PASSE)
        saisir(stockage, agent, 1)
        monkeypatch.setenv("CTG_DATABASE_URL", serveur_pg.url)

        serveur_pg.arreter()
        with pytest.raises(StockageIndisponible, match="ne répond pas.*Rien n'a été enregistré"):
            saisir(stockage, agent, 2, version_vue=1)
        # Les pages de lecture restent utilisables, avec un avertissement.
        at = ouvrir_page("plan")
        assert at.title[0].value == "Plan d'actions — CTG Dijon 2024-2027"
        assert any("ne répond pas" in w.value for w in at.warning)
        carte = ouvrir_page("carte")
        assert carte.title[0].value.startswith("Équipements et services")

        serveur_pg.demarrer()  # le serveur revient : même objet Stockage, pas de redémarrage
        assert saisir(stockage, agent, 2, version_vue=1) == 2
        assert list(stockage.historique(PLAN)["valeur"]) == [1, 2]
        at = ouvrir_page("plan")
        assert not any("ne répond pas" in w.value for w in at.warning)
    finally:
        try:
            serveur_pg.arreter()
        except subprocess.CalledProcessError:
            pass  # déjà arrêté (le test a échoué serveur arrêté)
        serveur_pg.supprimer()
