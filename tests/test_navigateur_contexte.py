"""Contexte social dans un vrai navigateur, sur un écran d'ordinateur portable (1366×768) et de
téléphone (390×844) : rien ne déborde en largeur, la légende de la carte est sous la carte (elle ne
cache aucune zone), les légendes des graphiques ne sont pas coupées, un indicateur sans valeur locale
le dit en une ligne."""

import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.conftest import RESULTATS, hors_ligne
from tests.test_navigateur import attendre_page

pytestmark = pytest.mark.navigateur

ECRANS = [(1366, 768), (390, 844)]
CADRE_CARTE = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.fixture(params=ECRANS, ids=[f"{l}x{h}" for l, h in ECRANS])
def onglet(navigateur, request):
    largeur, hauteur = request.param
    contexte = navigateur.new_context(viewport={"width": largeur, "height": hauteur}, locale="fr-FR")
    contexte.route("**/*", hors_ligne)
    page = contexte.new_page()
    page.set_default_timeout(30_000)
    page.largeur = largeur
    yield page
    contexte.close()


def calcul_fini(page) -> None:
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)
    expect(page.locator("[data-stale='true']")).to_have_count(0)


def ouvrir(page, url: str, libelle: str | None) -> None:
    page.goto(url)
    attendre_page(page, "Contexte social")
    if libelle:
        page.get_by_role("combobox", name="Indicateur").click()
        page.get_by_role("option", name=libelle, exact=True).click()
        calcul_fini(page)
        expect(page.get_by_role("combobox", name="Indicateur")).to_have_value(libelle)


def pas_de_debordement(page) -> None:
    """Ni la page ni la zone principale ne défilent en largeur."""
    mesures = page.evaluate("""() => {
        const m = document.querySelector('[data-testid=stMain]') || document.documentElement;
        return {page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
                principal: [m.scrollWidth, m.clientWidth]};
    }""")
    for nom, (defile, visible) in mesures.items():
        assert defile <= visible + 1, f"{nom} : {defile} px de contenu pour {visible} px visibles"


def boite(locator) -> dict:
    b = locator.bounding_box()
    assert b, "élément non affiché"
    return b


def se_chevauchent(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def verifier_carte(page) -> None:
    """La légende est sous la carte, entière et dans l'écran ; rien n'est posé en légende sur la carte."""
    cadre_html = page.locator(CADRE_CARTE)
    for essai in range(3):  # Streamlit peut remplacer le cadre juste après un changement : on le reprend
        try:
            calcul_fini(page)
            expect(cadre_html).to_have_count(1)
            cadre_html.scroll_into_view_if_needed()
            cadre = cadre_html.element_handle().content_frame()
            cadre.wait_for_function(
                "() => window.map && document.querySelectorAll('path.leaflet-interactive').length > 0")
            break
        except PlaywrightError:
            if essai == 2:
                raise
            page.wait_for_timeout(1000)
    legende = page.locator(".ctg-legende-contexte")
    expect(legende).to_have_count(1)
    expect(legende).to_contain_text("pas de valeur publiée")
    legende.scroll_into_view_if_needed()
    carte, zone_legende = boite(cadre_html), boite(legende)
    assert not se_chevauchent(carte, zone_legende), (carte, zone_legende)
    assert zone_legende["y"] >= carte["y"] + carte["height"] - 1, "la légende n'est pas sous la carte"
    assert zone_legende["x"] >= 0 and zone_legende["x"] + zone_legende["width"] <= page.largeur + 1
    # chaque ligne de la légende est entière (ni coupée ni cachée par un débordement)
    lignes = legende.locator("li")
    assert lignes.count() >= 3
    for i in range(lignes.count()):
        ligne = boite(lignes.nth(i))
        assert ligne["x"] >= zone_legende["x"] - 1 and ligne["x"] + ligne["width"] <= zone_legende["x"] + zone_legende["width"] + 1
    # dans la carte : aucun cadre de légende posé sur les zones
    posees = cadre.evaluate("""() => [...document.querySelectorAll('.leaflet-control .ctg-legende, .leaflet-control.legend')]
        .map(e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; })
        .filter(([l, h]) => l > 0 && h > 0)""")
    assert not posees, f"légende posée sur la carte : {posees}"


def verifier_graphiques(page) -> int:
    """Chaque graphique dessiné : ses libellés de légende tiennent dans le graphique, sans « … ».
    Rend le nombre de libellés de légende vérifiés."""
    graphiques = page.get_by_test_id("stVegaLiteChart")
    verifies = 0
    for i in range(graphiques.count()):
        graphique = graphiques.nth(i)
        graphique.scroll_into_view_if_needed()
        graphique.locator("svg.marks").wait_for()
        page.wait_for_timeout(300)
        mesures = graphique.evaluate("""e => {
            const s = e.querySelector('svg.marks').getBoundingClientRect();
            return {svg: [s.left, s.right],
                    libelles: [...e.querySelectorAll('.role-legend-label text, .role-axis-label text')].map(t => {
                        const r = t.getBoundingClientRect();
                        return {texte: t.textContent, gauche: r.left, droite: r.right,
                                legende: !!t.closest('.role-legend-label')};
                    })};
        }""")
        gauche, droite = mesures["svg"]
        assert droite <= page.largeur + 1, f"graphique {i} plus large que l'écran"
        for libelle in mesures["libelles"]:
            assert not libelle["texte"].endswith("…"), f"libellé coupé : {libelle['texte']!r}"
            assert gauche - 1 <= libelle["gauche"] and libelle["droite"] <= droite + 1, (
                f"libellé hors du graphique {i} : {libelle} (graphique de {gauche} à {droite})")
            verifies += libelle["legende"]
    return verifies


@pytest.mark.parametrize("libelle", [None, "Niveau de vie médian"], ids=["pauvrete-quartiers", "mediane-iris"])
def test_carte_legende_dessous_et_rien_ne_deborde(onglet, serveur_app, libelle):
    ouvrir(onglet, f"{serveur_app}/contexte", libelle)
    verifier_carte(onglet)
    if libelle == "Niveau de vie médian":
        expect(onglet.get_by_role("heading", name=re.compile("les IRIS de chaque quartier"))).to_be_visible()
    assert verifier_graphiques(onglet) > 0, "aucune légende de graphique vérifiée"
    pas_de_debordement(onglet)
    assert onglet.get_by_test_id("stException").count() == 0
    RESULTATS.mkdir(exist_ok=True)
    nom = "mediane" if libelle else "pauvrete"
    onglet.screenshot(path=str(RESULTATS / f"contexte-{nom}-{onglet.largeur}.png"))


def test_indicateur_sans_valeur_locale_une_ligne(onglet, serveur_app):
    ouvrir(onglet, f"{serveur_app}/contexte", "Part des jeunes non insérés (NEET 16–25 ans)")
    raison = onglet.get_by_test_id("stAlert").filter(has_text="Pas de valeur par quartier ni par IRIS")
    expect(raison).to_have_count(1)
    texte = raison.get_by_test_id("stMarkdownContainer").inner_text()
    assert "\n" not in texte.strip() and "médiane" not in texte
    expect(onglet.locator(CADRE_CARTE)).to_have_count(0)
    expect(onglet.get_by_text("Aucune donnée pour ce niveau")).to_have_count(0)
    verifier_graphiques(onglet)
    pas_de_debordement(onglet)


def test_quartier_choisi_dans_l_adresse(onglet, serveur_app):
    ouvrir(onglet, f"{serveur_app}/contexte?quartier=fontaine-d-ouche", "Niveau de vie médian")
    verifier_carte(onglet)
    expect(onglet.locator(".ctg-legende-contexte")).to_contain_text("quartier choisi : Fontaine d'Ouche")
    pas_de_debordement(onglet)
