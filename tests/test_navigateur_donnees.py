"""Dans un vrai navigateur : la page « Données et sources » n'envoie que l'onglet ouvert ; un clic sur un
autre onglet l'affiche, et l'onglet ouvert est gardé dans l'adresse (?jeu=…) : un lien copié le rouvre."""

import re
from urllib.parse import unquote_plus

import pytest
from playwright.sync_api import expect

from tests.test_navigateur import attendre_page

pytestmark = pytest.mark.navigateur


def test_onglet_ouvert_au_clic_et_garde_dans_l_adresse(page, serveur_app):
    page.goto(f"{serveur_app}/donnees")
    attendre_page(page, "Données et sources")
    expect(page.get_by_text("61 lignes — fichier data/portrait.csv", exact=True)).to_be_visible()
    # Un seul panneau d'onglet rempli : le tableau des quartiers n'est pas envoyé tant qu'on ne l'ouvre pas.
    assert page.get_by_text("9 lignes — fichier data/quartiers.csv", exact=True).count() == 0
    page.get_by_role("tab", name="Les 9 quartiers de Dijon").click()
    expect(page.get_by_text("9 lignes — fichier data/quartiers.csv", exact=True)).to_be_visible()
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=30_000)
    # L'onglet quitté est vidé par l'exécution qui suit le clic (attendue, pas supposée finie).
    expect(page.get_by_text("61 lignes — fichier data/portrait.csv", exact=True)).to_have_count(0)
    expect(page).to_have_url(re.compile(r"[?&]jeu="))
    assert "jeu=Les 9 quartiers de Dijon" in unquote_plus(page.url)
    # Le lien copié rouvre le même onglet, dans une autre session.
    page.goto(page.url)
    attendre_page(page, "Données et sources")
    expect(page.get_by_text("9 lignes — fichier data/quartiers.csv", exact=True)).to_be_visible()
    expect(page.get_by_role("tab", name="Les 9 quartiers de Dijon")).to_have_attribute("aria-selected", "true")
