"""Mode séminaire dans un vrai navigateur, en 1920×1080 comme un vidéoprojecteur : toutes les
diapositives au clavier, sans débordement ni erreur."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import RESULTATS

pytestmark = pytest.mark.navigateur


@pytest.fixture
def projecteur(navigateur):
    contexte = navigateur.new_context(viewport={"width": 1920, "height": 1080}, locale="fr-FR")
    onglet = contexte.new_page()
    onglet.set_default_timeout(30_000)
    yield onglet
    contexte.close()


def compteur(page) -> tuple[int, int]:
    texte = page.get_by_test_id("stMain").get_by_text(re.compile(r"^\d+ / \d+$")).inner_text()
    i, n = texte.split(" / ")
    return int(i), int(n)


def test_toutes_les_diapositives_au_clavier(projecteur, serveur_app):
    page = projecteur
    page.goto(f"{serveur_app}/seminaire")
    expect(page.get_by_role("heading", name="Séminaire annuel de coordination", level=1)).to_be_visible()
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    # Les flèches du clavier sont prises en charge dès que le petit script de la page est chargé.
    page.wait_for_function("() => document.ctgClavier === true")
    i, n = compteur(page)
    assert (i, n) == (1, n) and n >= 10
    RESULTATS.mkdir(exist_ok=True)
    for k in range(1, n + 1):
        expect(page.get_by_test_id("stMain").get_by_text(f"{k} / {n}", exact=True)).to_be_visible()
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
        # Plus aucun élément de la diapositive précédente (Streamlit les marque « stale » pendant le calcul).
        expect(page.locator("[data-stale='true']")).to_have_count(0)
        if page.get_by_role("heading", name="Les équipements dans les 9 quartiers").count():
            expect(page.locator('iframe[title="streamlit_folium.st_folium"]')).to_be_visible()
            page.frame_locator('iframe[title="streamlit_folium.st_folium"]').locator(".leaflet-marker-icon").first.wait_for()
        assert page.get_by_test_id("stException").count() == 0
        deborde = page.evaluate("""() => {
            const m = document.querySelector('[data-testid="stMain"]');
            const trop = [...document.querySelectorAll('[data-testid="stMain"] h1, [data-testid="stMain"] li')]
                .filter(e => e.scrollWidth > e.clientWidth + 1);
            return {hauteur: m.scrollHeight > window.innerHeight + 2, elements: trop.length};
        }""")
        assert deborde == {"hauteur": False, "elements": 0}, f"diapositive {k} : {deborde}"
        page.screenshot(path=str(RESULTATS / f"seminaire-{k:02d}.png"))
        if k < n:
            page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_test_id("stMain").get_by_text(f"{n - 1} / {n}", exact=True)).to_be_visible()
