"""Le géocodage dans la page Carte (AppTest) : un acte d'éditeur. Un visiteur n'en voit aucune commande ;
un éditeur choisit la source (service en ligne, fichier du dossier configuré ou téléversé, jamais un
chemin saisi) ; les résultats vont dans la base, à son nom, et toutes les pages les utilisent ; aucun
fichier de data/ n'est réécrit."""

import re

import pytest

from ctg_data.vocabulaire import precision_lisible
from ctg_data.stockage import Stockage
from tests.conftest import RACINE, ouvrir_page, textes_affiches

MOT_DE_PASSE = "mot de passe assez long"
FICHIER_BAN = RACINE / "tests" / "fixtures" / "ban" / "adresses-21-extrait.csv"
CLES_GEOCODAGE = {"geocodage_source", "geocodage_fichier", "geocodage_televersement", "geocodage_lancer",
                  "geocodage_reessayer"}


def commandes_de_geocodage(at) -> list:
    """Tout élément de la page qui parle de géocodage ou en porte la clé."""
    elements = [*at.button, *at.radio, *at.selectbox, *at.text_input, *at.get("file_uploader"), *at.expander]
    return [e for e in elements
            if getattr(e, "key", None) in CLES_GEOCODAGE or "géocod" in str(getattr(e, "label", "")).lower()]


def sur_la_carte(at) -> tuple[int, int]:
    """(équipements placés, dont à une position approximative), d'après la légende de la carte."""
    n, approx = re.search(r"(\d+) sur la carte, dont (\d+) à une position approximative", at.caption[0].value).groups()
    return int(n), int(approx)


def test_visiteur_sans_commande_de_geocodage():
    at = ouvrir_page("carte")
    assert commandes_de_geocodage(at) == []
    assert not at.get("file_uploader")
    assert "géocodage" not in textes_affiches(at).lower()


@pytest.fixture
def editeur():
    magasin = Stockage()
    magasin.creer_compte("geo1", "Géo Un", MOT_DE_PASSE)
    return magasin, magasin.authentifier("geo1", MOT_DE_PASSE)


def test_editeur_geocode_avec_un_fichier_du_dossier(dossier_donnees, editeur, monkeypatch):
    magasin, qui = editeur
    monkeypatch.setenv("CTG_BAN_DIR", str(FICHIER_BAN.parent))
    avant = {f.name: f.read_bytes() for f in dossier_donnees.iterdir() if f.is_file()}
    at = ouvrir_page("carte", identite=qui)
    assert sur_la_carte(at) == (19, 19)
    assert not [t for t in at.text_input if "hemin" in t.label]  # aucun chemin à saisir
    assert at.button(key="geocodage_reessayer").disabled  # rien n'a encore été cherché
    at.radio(key="geocodage_source").set_value("fichier").run()
    assert at.selectbox(key="geocodage_fichier").options == ["adresses-21-extrait.csv"]
    assert at.button(key="geocodage_lancer").disabled  # pas encore de fichier choisi
    at.selectbox(key="geocodage_fichier").set_value("adresses-21-extrait.csv").run()
    at.button(key="geocodage_lancer").click().run()
    assert not at.exception, [e.value for e in at.exception]
    (succes,) = at.success
    assert succes.value.startswith(
        "54 adresses : 11 trouvées au numéro près, 2 à la rue seulement, 1 ambiguë, 40 non trouvées.")
    assert "Résultats enregistrés dans la base, à votre nom" in succes.value

    # Dans la base, au nom de l'éditeur ; aucun fichier de data/ réécrit.
    historique = magasin.historique_geocodages()
    assert len(historique) == 54 and set(historique["auteur"]) == {"geo1"}
    assert {f.name: f.read_bytes() for f in dossier_donnees.iterdir() if f.is_file()} == avant

    # La carte (et toutes les pages) prend les positions trouvées.
    # 8 équipements placés approximativement le sont à leur adresse, 5 autres sont placés.
    places, approx = sur_la_carte(at)
    assert (places, approx) == (24, 11)
    tableau = next(e for e in at.expander if e.label.startswith("La carte en tableau")).dataframe[0].value
    lisibles = {precision_lisible("adresse"), precision_lisible("rue")}  # « à l'adresse », « à la rue »
    assert tableau["Position"].isin(lisibles).sum() == places - approx

    # Une seconde fois : plus rien de jamais cherché ; réessayer les non trouvées reste possible.
    assert at.button(key="geocodage_lancer").disabled
    assert not at.button(key="geocodage_reessayer").disabled
    at.button(key="geocodage_reessayer").click().run()
    assert not at.exception
    assert len(magasin.historique_geocodages()) == 54 + 41  # 40 non trouvées et 1 ambiguë, cherchées de nouveau


def test_editeur_sans_dossier_configure(editeur, monkeypatch):
    monkeypatch.delenv("CTG_BAN_DIR", raising=False)
    at = ouvrir_page("carte", identite=editeur[1])
    at.radio(key="geocodage_source").set_value("fichier").run()
    assert not [s for s in at.selectbox if s.key == "geocodage_fichier"]
    assert "Aucun fichier BAN n'est proposé par le serveur" in textes_affiches(at)
    assert len(at.get("file_uploader")) == 1
