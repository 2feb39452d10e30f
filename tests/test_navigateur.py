"""Dans un vrai navigateur (Chromium piloté par Playwright) : ce qu'une personne voit.

L'application est lancée avec la commande du README (fixture ``serveur_app``).
"""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import RESULTATS

pytestmark = pytest.mark.navigateur

NBSP = "\u00a0"


def texte_visible(page) -> str:
    return page.get_by_test_id("stMain").inner_text().replace(NBSP, " ")


def attendre_page(page, titre) -> None:
    """Attend le titre (texte exact ou motif) et la fin de l'exécution du script."""
    expect(page.get_by_role("heading", name=titre, level=1)).to_be_visible()
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=30_000)


def test_accueil_visible(page, serveur_app):
    page.goto(serveur_app)
    attendre_page(page, "Convention Territoriale Globale — Ville de Dijon")
    expect(page.get_by_text("159" + NBSP + "106", exact=True)).to_be_visible()
    # La fin de la page (sous le graphique de l'avancement) peut arriver juste après l'indicateur
    # d'exécution : l'attendre avant de relever le texte.
    expect(page.get_by_text("57 équipements et services.", exact=True)).to_be_visible()
    texte = texte_visible(page)
    assert "Chiffres clés du territoire" in texte
    assert "personnes — Dijon, 2020" in texte
    assert "Même source, 2020 : Côte-d'Or 11,5 % ; France métropolitaine 14,4 %" in texte
    assert "57 équipements et services." in texte
    assert "INSEE, Filosofi 2019" in texte
    assert page.get_by_test_id("stException").count() == 0
    RESULTATS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTATS / "accueil.png"), full_page=True)


def test_filtre_quartier_dans_l_adresse_et_entre_les_pages(page, serveur_app):
    page.goto(serveur_app)
    attendre_page(page, "Convention Territoriale Globale — Ville de Dijon")
    barre = page.get_by_test_id("stSidebar")
    barre.get_by_role("combobox", name="Quartier").click()
    page.get_by_role("option", name="Grésilles").click()
    expect(page).to_have_url(re.compile(r"\?quartier=gresilles$"))
    expect(page.get_by_text(re.compile("équipements et services dans le quartier Grésilles"))).to_be_visible()

    barre.get_by_role("link", name="Données et sources").click()
    attendre_page(page, "Données et sources")
    expect(page).to_have_url(re.compile(r"/donnees\?quartier=gresilles$"))
    expect(barre.get_by_role("combobox", name="Quartier")).to_have_value("Grésilles")

    # Le lien copié reproduit la vue dans un nouvel onglet.
    autre = page.context.new_page()
    autre.goto(page.url)
    attendre_page(autre, "Données et sources")
    expect(autre.get_by_test_id("stSidebar").get_by_role("combobox", name="Quartier")).to_have_value("Grésilles")


def test_quartier_inconnu_signale(page, serveur_app):
    page.goto(f"{serveur_app}/?quartier=atlantide")
    attendre_page(page, "Convention Territoriale Globale — Ville de Dijon")
    expect(page.get_by_text("Le quartier « atlantide » indiqué dans l'adresse n'existe pas")).to_be_visible()
    expect(page.get_by_test_id("stSidebar").get_by_role("combobox", name="Quartier")).to_have_value("Tout Dijon")


def test_telechargement_csv_et_excel(page, serveur_app):
    page.goto(f"{serveur_app}/donnees")
    attendre_page(page, "Données et sources")
    with page.expect_download() as telechargement:
        # Le premier onglet (portrait), pas un autre bouton de la page qui s'afficherait avant lui.
        page.get_by_role("tabpanel").first.get_by_role("button", name="Télécharger en CSV").click()
    chemin = telechargement.value.path()
    contenu = open(chemin, "rb").read().decode("utf-8-sig")
    assert telechargement.value.suggested_filename == "tableau-de-bord-ctg-portrait.csv"
    # Fichier pour tableur : en-têtes en français, références techniques dans la dernière colonne.
    entete = contenu.splitlines()[0].split(";")
    assert entete[:4] == ["Thème", "Indicateur", "Territoire", "Année"]
    assert entete[-1] == "Détail de la source (fichier, ligne)"
    assert not {"id", "theme", "code", "source_fichier", "source_section"} & set(entete)
    assert "159106" in contenu
    with page.expect_download() as telechargement:
        page.get_by_role("tabpanel").first.get_by_role("button", name="Télécharger en Excel").click()
    assert open(telechargement.value.path(), "rb").read()[:2] == b"PK"  # classeur XLSX (zip)
