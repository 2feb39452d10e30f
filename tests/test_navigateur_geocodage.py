"""Dans un vrai navigateur : un visiteur anonyme ne voit aucune commande de géocodage sur la page Carte
(ni bouton, ni choix de fichier, ni téléversement) ; un éditeur connecté, lui, la voit — sans aucun
champ où saisir un chemin sur le serveur."""

import re

import pytest
from playwright.sync_api import expect

from ctg_data.stockage import Stockage
from tests.conftest import RACINE, RESULTATS, serveur
from tests.test_navigateur import attendre_page

pytestmark = pytest.mark.navigateur
MOT_DE_PASSE = "un mot de passe assez long"
TITRE_CARTE = re.compile(r"^Équipements et services — tout Dijon")


@pytest.fixture(scope="module")
def serveur_geocodage(tmp_path_factory):
    dossier = tmp_path_factory.mktemp("geocodage")
    url = f"sqlite:///{dossier / 'ctg.sqlite3'}"
    Stockage(url).creer_compte("geo1", "Géo Un", MOT_DE_PASSE)
    with serveur(dossier / "streamlit.log", CTG_DATABASE_URL=url,
                 CTG_BAN_DIR=str(RACINE / "tests" / "fixtures" / "ban")) as adresse:
        yield adresse


def commandes_de_geocodage(page) -> dict[str, int]:
    principal = page.get_by_test_id("stMain")
    return {
        "volet": principal.get_by_text(re.compile("géocodage", re.IGNORECASE)).count(),
        "lancer": page.get_by_role("button", name=re.compile("Lancer le géocodage")).count(),
        "réessayer": page.get_by_role("button", name=re.compile("Réessayer les adresses")).count(),
        "source": page.get_by_role("radiogroup", name=re.compile("Où chercher")).count(),
        "téléversement": page.locator("input[type=file]").count(),
        "texte": principal.locator("input[type=text]:not([role=combobox]), textarea").count(),
    }


def test_visiteur_ne_voit_aucune_commande_de_geocodage(page, serveur_geocodage):
    page.goto(f"{serveur_geocodage}/carte")
    attendre_page(page, TITRE_CARTE)
    page.get_by_text("Télécharger en Excel").first.scroll_into_view_if_needed()  # bas de la page affiché
    assert commandes_de_geocodage(page) == {
        "volet": 0, "lancer": 0, "réessayer": 0, "source": 0, "téléversement": 0, "texte": 0}
    assert page.get_by_test_id("stException").count() == 0


def test_editeur_voit_le_geocodage_sans_chemin_a_saisir(page, serveur_geocodage):
    page.goto(f"{serveur_geocodage}/carte")
    attendre_page(page, TITRE_CARTE)
    barre = page.get_by_test_id("stSidebar")
    barre.get_by_text("Espace éditeur").click()
    barre.get_by_label("Identifiant").fill("geo1")
    barre.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    barre.get_by_role("button", name="Se connecter").click()
    expect(barre.get_by_text("Géo Un")).to_be_visible()
    volet = page.get_by_text("Localiser les équipements à leur adresse (géocodage)")
    volet.click()
    expect(page.get_by_role("button", name=re.compile("Lancer le géocodage"))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Réessayer les adresses non trouvées"))).to_be_visible()
    page.get_by_text("Fichier BAN départemental (sans internet)").click()
    expect(page.locator("input[type=file]")).to_have_count(1)
    expect(page.get_by_role("combobox", name="Fichier du dossier BAN du serveur")).to_be_visible()
    assert commandes_de_geocodage(page)["texte"] == 0  # aucun champ où saisir un chemin
    RESULTATS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTATS / "carte-geocodage-editeur.png"), full_page=True)
