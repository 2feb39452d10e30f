"""Dans un vrai navigateur : le portrait de Fontaine d'Ouche montre ses équipements et son taux de
pauvreté, avec la source et l'année."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import RESULTATS
from tests.test_navigateur import attendre_page

pytestmark = pytest.mark.navigateur


def test_portrait_fontaine_d_ouche(page, serveur_app):
    page.goto(f"{serveur_app}/portrait?quartier=fontaine-d-ouche")
    attendre_page(page, "Portrait de quartier — Fontaine d'Ouche")
    principal = page.get_by_test_id("stMain")
    expect(principal.get_by_text("Fontaine d'Ouche (QN02102M)")).to_be_visible()
    tableaux = principal.get_by_test_id("stDataFrame")
    expect(tableaux.nth(1)).to_contain_text("Multi-accueil Fontaine d'Ouche Le Lac")
    pauvrete = principal.get_by_test_id("stMetric").filter(has_text="Taux de pauvreté (2021)")
    expect(pauvrete).to_contain_text(re.compile(r"\d+,\d\s%"))
    expect(principal.get_by_text(re.compile(r"^Source : Calcul du tableau de bord à partir de : INSEE, Filosofi 2021"))).to_be_visible()
    expect(tableaux.filter(has_text="Niveau de vie médian").first).to_contain_text("Taux de pauvreté")
    # Les deux sources pour Dijon, chacune avec son année : la convention (2020) et l'INSEE (2019).
    expect(tableaux.filter(has_text="Niveau de vie médian").first).to_contain_text("Convention CTG 2024-2027")
    RESULTATS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTATS / "portrait-fontaine-d-ouche.png"), full_page=True)


def test_contexte_social_s_affiche(page, serveur_app):
    page.goto(f"{serveur_app}/contexte")
    attendre_page(page, "Contexte social")
    expect(page.locator('iframe[title="streamlit_folium.st_folium"]')).to_be_visible()
    expect(page.get_by_role("heading", name="Les quartiers prioritaires : Fontaine d'Ouche et Les Grésilles")).to_be_visible()
    assert page.get_by_test_id("stException").count() == 0
    page.screenshot(path=str(RESULTATS / "contexte.png"), full_page=True)
