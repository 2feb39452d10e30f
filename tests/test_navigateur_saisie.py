"""Dans un vrai navigateur : un éditeur se connecte, saisit une valeur, et voit le statut de la fiche
changer dans le plan d'actions."""

import re

import pytest
from playwright.sync_api import expect

from ctg_data.stockage import Stockage
from tests.conftest import RESULTATS, serveur
from tests.test_navigateur import attendre_page

pytestmark = pytest.mark.navigateur
MOT_DE_PASSE = "un mot de passe assez long"


@pytest.fixture(scope="module")
def serveur_editeur(tmp_path_factory):
    dossier = tmp_path_factory.mktemp("editeur")
    url = f"sqlite:///{dossier / 'ctg.sqlite3'}"
    Stockage(url).creer_compte("agent1", "Agent Un", MOT_DE_PASSE)
    with serveur(dossier / "streamlit.log", CTG_DATABASE_URL=url) as adresse:
        yield adresse


def choisir(page, libelle, recherche, option):
    """Menu déroulant : on tape pour filtrer (la liste n'affiche que les options visibles), puis on choisit."""
    boite = page.get_by_role("combobox", name=libelle).first
    boite.click()
    boite.fill(recherche)
    page.get_by_role("option", name=option).first.click()


def ouvrir_saisie(page, adresse: str, identifiant: str = "agent1", mot_de_passe: str = MOT_DE_PASSE) -> None:
    """Ouvre le plan, se connecte dans la colonne de gauche, puis va sur la page Saisie."""
    page.goto(f"{adresse}/plan")
    attendre_page(page, "Plan d'actions — CTG Dijon 2024-2027")
    barre = page.get_by_test_id("stSidebar")
    barre.get_by_text("Espace éditeur").click()
    barre.get_by_label("Identifiant").fill(identifiant)
    barre.get_by_label("Mot de passe").fill(mot_de_passe)
    barre.get_by_role("button", name="Se connecter").click()
    barre.get_by_role("link", name="Saisie").click()
    attendre_page(page, "Saisie")


def statut_je1(page) -> str:
    ligne = page.get_by_test_id("stMarkdown").locator("p").filter(has_text=re.compile(r"^JE1 — "))
    return ligne.first.inner_text()


def test_editeur_saisit_une_valeur_et_le_statut_change(page, serveur_editeur):
    page.goto(f"{serveur_editeur}/plan")
    attendre_page(page, "Plan d'actions — CTG Dijon 2024-2027")
    page.get_by_text("Axe 3 — Jeunesse").click()
    expect(page.get_by_test_id("stMarkdown").locator("p").filter(has_text=re.compile(r"^JE1 — "))).to_contain_text("à renseigner")
    assert page.get_by_role("link", name="Saisie").count() == 0  # pas d'éditeur connecté : pas de page Saisie

    barre = page.get_by_test_id("stSidebar")
    barre.get_by_text("Espace éditeur").click()
    barre.get_by_label("Identifiant").fill("agent1")
    barre.get_by_label("Mot de passe").fill("mauvais mot de passe")
    barre.get_by_role("button", name="Se connecter").click()
    expect(barre.get_by_text("Identifiant ou mot de passe incorrect.")).to_be_visible()
    barre.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    barre.get_by_role("button", name="Se connecter").click()
    expect(barre.get_by_text("Agent Un")).to_be_visible()

    barre.get_by_role("link", name="Saisie").click()
    attendre_page(page, "Saisie")
    choisir(page, "Indicateur", "JE1-I1", re.compile(r"^JE1-I1 — "))
    page.get_by_role("textbox", name="Période").first.fill("2025")
    page.get_by_role("textbox", name="Période").first.press("Enter")
    formulaire = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Enregistrer la valeur"))
    formulaire.get_by_role("textbox", name="Valeur").fill("42")
    formulaire.get_by_role("textbox", name="Source (obligatoire)").fill("Bilan annuel du PIJ")
    formulaire.get_by_role("button", name="Enregistrer la valeur").click()
    expect(page.get_by_text("Valeur enregistrée (version 1).")).to_be_visible()

    barre.get_by_role("link", name="Plan d'actions").click()
    attendre_page(page, "Plan d'actions — CTG Dijon 2024-2027")
    page.get_by_text("Axe 3 — Jeunesse").click()
    je1 = page.get_by_test_id("stMarkdown").locator("p").filter(has_text=re.compile(r"^JE1 — "))
    expect(je1).to_contain_text("en cours")
    expect(page.get_by_text(re.compile(r"— 42$"))).to_be_visible()
    RESULTATS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTATS / "plan-apres-saisie.png"), full_page=True)


def test_page_saisie_accessible(page, serveur_editeur):
    """axe-core sur la page Saisie (éditeur connecté), onglet par onglet : aucune violation grave."""
    import json

    from tests.test_accessibilite import violations_graves

    ouvrir_saisie(page, serveur_editeur)
    onglets = page.get_by_role("tab").all()
    assert len(onglets) >= 3, "onglets de la page Saisie introuvables"
    for onglet in onglets:
        onglet.click()
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=30_000)
        violations = violations_graves(page)
        assert violations == [], f"onglet « {onglet.inner_text()} » : " + json.dumps(violations, ensure_ascii=False, indent=1)
