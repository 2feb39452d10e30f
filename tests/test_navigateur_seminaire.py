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


def numero_dans_l_adresse(page) -> int:
    from urllib.parse import parse_qs, urlparse

    return int(parse_qs(urlparse(page.url).query)["diapo"][0])


TAILLES = """() => {
    const px = (sel) => [...document.querySelectorAll(sel)]
        .filter(e => e.offsetParent !== null && e.innerText.trim())
        .map(e => parseFloat(getComputedStyle(e).fontSize));
    const m = document.querySelector('[data-testid="stMain"]');
    const coupes = [...document.querySelectorAll('[data-testid="stMain"] h1, [data-testid="stMain"] li, '
        + '[data-testid="stMain"] .diapo-source, [data-testid="stMain"] button, [data-testid="stMain"] .diapo-tableau')]
        .filter(e => e.offsetParent !== null)
        .filter(e => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > window.innerWidth + 1)
        .map(e => e.innerText.slice(0, 40));
    return {points: px('[data-testid="stMain"] .diapo-points li'), sources: px('[data-testid="stMain"] .diapo-source'),
            sous_titres: px('[data-testid="stMain"] .diapo-sous-titre'), titres: px('[data-testid="stMain"] h1'),
            cases: px('[data-testid="stMain"] .diapo-tableau th, [data-testid="stMain"] .diapo-tableau td'),
            coupes, trop_haut: m.scrollHeight > window.innerHeight + 2};
}"""


def test_clavier_apres_clic_sur_la_carte_adresse_et_tailles(projecteur, serveur_app):
    """Le diaporama se projette : texte d'au moins 32 px (sources 20 px) mesuré dans le navigateur, rien de
    coupé ni de trop haut ; après un clic sur la carte, flèches et Page précédente/suivante changent toujours
    de diapositive ; la diapositive est dans l'adresse : un rechargement et un lien partagé la gardent."""
    page = projecteur
    page.goto(f"{serveur_app}/seminaire")
    page.wait_for_function("() => document.ctgClavier === true")
    _, n = compteur(page)
    assert numero_dans_l_adresse(page) == 1
    carte = None
    for k in range(1, n + 1):
        expect(page.get_by_test_id("stMain").get_by_text(f"{k} / {n}", exact=True)).to_be_visible()
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
        expect(page.locator("[data-stale='true']")).to_have_count(0)
        assert numero_dans_l_adresse(page) == k
        if page.get_by_role("heading", name=re.compile("^Les équipements dans les"), level=1).count():
            carte = k
            expect(page.locator('iframe[title="streamlit_folium.st_folium"]')).to_be_visible()
            page.frame_locator('iframe[title="streamlit_folium.st_folium"]').locator(".leaflet-marker-icon").first.wait_for()
        mesures = page.evaluate(TAILLES)
        assert mesures["titres"] and min(mesures["titres"]) >= 32, (k, mesures)
        assert all(t >= 32 for t in mesures["points"] + mesures["sous_titres"] + mesures["cases"]), (k, mesures)
        assert all(t >= 20 for t in mesures["sources"]), (k, mesures)
        assert mesures["coupes"] == [] and not mesures["trop_haut"], (k, mesures)
        if k < n:
            page.keyboard.press("ArrowRight" if k % 2 else "PageDown")
    assert carte, "la diapositive de la carte n'a pas été vue"

    # Lien partagé vers la carte, puis clic dans la carte : le focus est dans le cadre de la carte.
    page.goto(f"{serveur_app}/seminaire?diapo={carte}")
    expect(page.get_by_test_id("stMain").get_by_text(f"{carte} / {n}", exact=True)).to_be_visible()
    cadre = page.locator('iframe[title="streamlit_folium.st_folium"]')
    page.frame_locator('iframe[title="streamlit_folium.st_folium"]').locator(".leaflet-marker-icon").first.wait_for()
    page.wait_for_timeout(1000)  # le script écoute les cadres toutes les 0,4 s
    boite = cadre.bounding_box()
    page.mouse.click(boite["x"] + boite["width"] * 0.3, boite["y"] + boite["height"] * 0.8)
    assert page.evaluate("() => document.activeElement && document.activeElement.tagName") == "IFRAME"
    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("stMain").get_by_text(f"{carte + 1} / {n}", exact=True)).to_be_visible()
    assert numero_dans_l_adresse(page) == carte + 1
    # Retour à la carte, clic dedans, Page précédente : la diapositive d'avant.
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_test_id("stMain").get_by_text(f"{carte} / {n}", exact=True)).to_be_visible()
    page.frame_locator('iframe[title="streamlit_folium.st_folium"]').locator(".leaflet-marker-icon").first.wait_for()
    page.wait_for_timeout(1000)
    boite = cadre.bounding_box()
    page.mouse.click(boite["x"] + boite["width"] * 0.3, boite["y"] + boite["height"] * 0.8)
    page.keyboard.press("PageUp")
    expect(page.get_by_test_id("stMain").get_by_text(f"{carte - 1} / {n}", exact=True)).to_be_visible()

    # Rechargement : la même diapositive.
    page.reload()
    expect(page.get_by_test_id("stMain").get_by_text(f"{carte - 1} / {n}", exact=True)).to_be_visible()
    assert numero_dans_l_adresse(page) == carte - 1
    # Numéro hors du diaporama : la dernière, et l'adresse le dit.
    page.goto(f"{serveur_app}/seminaire?diapo=999")
    expect(page.get_by_test_id("stMain").get_by_text(f"{n} / {n}", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(rf"diapo={n}\b"))


@pytest.mark.parametrize("largeur,hauteur", [(1366, 768), (1920, 1080)])
def test_commandes_entieres(navigateur, serveur_app, largeur, hauteur):
    """« ◀ Précédente » et les autres commandes ne sont pas coupées, à 1366 comme à 1920 px."""
    contexte = navigateur.new_context(viewport={"width": largeur, "height": hauteur}, locale="fr-FR")
    page = contexte.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{serveur_app}/seminaire?diapo=2")
        expect(page.get_by_test_id("stMain").get_by_text(re.compile(r"^2 / \d+$"))).to_be_visible()
        for nom in ("◀ Précédente", "Suivante ▶", "Exporter en PDF"):
            bouton = page.get_by_role("button", name=nom)
            expect(bouton).to_be_visible()
            assert bouton.evaluate("b => [...b.querySelectorAll('p')].every(p => p.scrollWidth <= p.clientWidth + 1)"
                                   " && b.scrollWidth <= b.clientWidth + 1"), nom
        RESULTATS.mkdir(exist_ok=True)
        page.screenshot(path=str(RESULTATS / f"seminaire-commandes-{largeur}.png"))
        # La diapositive comparative des quartiers, entière à l'écran à cette taille aussi.
        _, n = compteur(page)
        page.goto(f"{serveur_app}/seminaire?diapo={n - 1}")
        expect(page.get_by_role("heading", name=re.compile("quartiers comparés$"), level=1)).to_be_visible()
        page.locator('[data-testid="stMain"] .diapo-tableau').wait_for()  # le titre arrive avant le tableau
        dehors = page.evaluate("""() => {
            const t = document.querySelector('[data-testid="stMain"] .diapo-tableau').getBoundingClientRect();
            return t.right > window.innerWidth || t.bottom > window.innerHeight;
        }""")
        page.screenshot(path=str(RESULTATS / f"seminaire-quartiers-{largeur}.png"))
        assert not dehors
        # La carte à la hauteur de l'écran : la diapositive entière tient, légende comprise.
        page.goto(f"{serveur_app}/seminaire?diapo={n - 3}")
        expect(page.get_by_role("heading", name=re.compile("^Les équipements dans les"), level=1)).to_be_visible()
        page.frame_locator('iframe[title="streamlit_folium.st_folium"]').locator(".leaflet-marker-icon").first.wait_for()
        page.wait_for_function("""() => {
            const c = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
            const m = document.querySelector('[data-testid="stMain"]');
            return c && c.dataset.ctgHauteur && m.scrollHeight <= window.innerHeight + 2;
        }""")
        carte = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
        legende = carte.locator(".leaflet-control-container").first.bounding_box()
        assert legende and legende["height"] <= hauteur
        page.wait_for_timeout(800)  # fin de l'animation de Leaflet après le changement de taille, pour l'image
        page.screenshot(path=str(RESULTATS / f"seminaire-carte-{largeur}.png"))
    finally:
        contexte.close()
