"""Les résultats de géocodage dans le magasin (SQLite et PostgreSQL) : un acte d'éditeur vérifié par
le magasin, avec auteur et date, en une transaction ; le dernier résultat de chaque équipement compte ;
l'empreinte du magasin change (les pages recalculent positions et comptes)."""

import math

import pytest

from ctg_data.stockage import EcritureRefusee, ErreurStockage, Identite, Stockage

MOT_DE_PASSE = "un mot de passe assez long"


def resultat(equipement="EQ001", statut="trouvé", **champs):
    ligne = {"equipement": equipement, "cle": "25 rue balzac|21000|dijon", "statut": statut,
             "lat": 47.33118 if statut == "trouvé" else None, "lon": 5.06239 if statut == "trouvé" else None,
             "precision": "adresse" if statut == "trouvé" else None, "score": 0.97,
             "libelle": "25 Rue Balzac 21000 Dijon", "source": "API BAN"}
    return ligne | champs


@pytest.mark.parametrize("identite", [
    None, "agent1", Identite("intrus", "Intrus", "editeur", "local"), Identite("agent1", "Agent Un", "lecteur", "local"),
])
def test_ecriture_refusee_sans_editeur(stockage, identite):
    with pytest.raises(EcritureRefusee):
        stockage.enregistrer_geocodages(identite, [resultat()])
    with pytest.raises(EcritureRefusee):
        stockage.verifier_editeur(identite)
    assert stockage.historique_geocodages().empty


def test_compte_desactive(stockage, agent1):
    stockage.desactiver_compte("agent1")
    with pytest.raises(EcritureRefusee, match="n'est pas \\(ou plus\\)"):
        stockage.enregistrer_geocodages(agent1, [resultat()])
    with pytest.raises(EcritureRefusee):
        stockage.verifier_editeur(agent1)


def test_auteur_date_et_dernier_resultat(stockage, agent1):
    assert stockage.verifier_editeur(agent1) == "agent1"
    avant = stockage.empreinte()
    assert stockage.enregistrer_geocodages(agent1, [
        resultat(statut="non trouvé", score=None, libelle=None),
        resultat("EQ002", cle="17 boulevard mansart|21000|dijon", precision="rue", score=0.6),
    ]) == 2
    assert stockage.empreinte() != avant
    agent2 = stockage.authentifier("agent2", MOT_DE_PASSE)
    stockage.enregistrer_geocodages(agent2, [resultat(source="fichier BAN adresses-21.csv.gz")])
    historique = stockage.historique_geocodages()
    assert list(historique["auteur"]) == ["agent1", "agent1", "agent2"]
    assert historique["horodatage"].notna().all()
    actifs = stockage.geocodages_actifs().set_index("id")
    assert list(actifs.index) == ["EQ001", "EQ002"]
    assert actifs.loc["EQ001", ["statut", "auteur", "source"]].tolist() == [
        "trouvé", "agent2", "fichier BAN adresses-21.csv.gz"]
    assert actifs.loc["EQ002", "precision"] == "rue"
    assert len(actifs.loc["EQ001", "date"]) == 10  # AAAA-MM-JJ
    assert stockage.enregistrer_geocodages(agent1, []) == 0


@pytest.mark.parametrize("champs,attendu", [
    ({"statut": "peut-être"}, "statut « peut-être » inconnu"),
    ({"lat": None}, "demande lat, lon et précision"),
    ({"precision": None}, "demande lat, lon et précision"),
    ({"precision": "commune"}, "précision « commune » inconnue"),
    ({"lat": math.inf}, "n'est pas un nombre fini"),
    ({"lon": math.nan, "lat": 47.3}, "demande lat, lon et précision"),
    ({"lat": 147.3}, "hors des bornes"),
    ({"lat": "abc"}, "n'est pas un nombre"),
    ({"score": 1.5}, "score hors de l'intervalle"),
    ({"cle": ""}, "obligatoires"),
    ({"source": " "}, "obligatoires"),
    ({"equipement": "EQ" + "0" * 30}, "obligatoires"),
])
def test_resultat_invalide_rien_d_ecrit(stockage, agent1, champs, attendu):
    """Une seule ligne invalide : aucune n'est écrite (tout ou rien)."""
    with pytest.raises(ErreurStockage, match=attendu):
        stockage.enregistrer_geocodages(agent1, [resultat("EQ003"), resultat(**champs)])
    assert stockage.historique_geocodages().empty


def test_source_longue_tronquee(stockage, agent1):
    stockage.enregistrer_geocodages(agent1, [resultat(source="fichier BAN " + "x" * 300)])
    assert len(stockage.geocodages_actifs()["source"].iloc[0]) == 100


def test_deux_serveurs_voient_les_memes_resultats(stockage, agent1, url_base):
    """Plusieurs serveurs sur une même base : un géocodage enregistré par l'un est lu par l'autre
    (aucun fichier propre à un serveur)."""
    autre = Stockage(url_base)
    avant = autre.empreinte()
    stockage.enregistrer_geocodages(agent1, [resultat()])
    assert autre.empreinte() != avant
    assert autre.geocodages_actifs().to_dict("records") == stockage.geocodages_actifs().to_dict("records")
    autre.moteur.dispose()
