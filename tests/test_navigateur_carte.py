"""La carte dans un vrai navigateur, sans internet : marqueurs, quartiers, QPV, choix d'un quartier,
textes échappés."""

import re
import shutil

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

import geopandas as gpd
import shapely

from ctg_data.geographie import charger_geo

from tests.conftest import DONNEES, RESULTATS, modifier_cellule, serveur
from tests.test_navigateur import attendre_page

pytestmark = pytest.mark.navigateur

CHARGE_XSS = "<img src=x onerror=alert(1)>"


def cadre_carte(page, essais: int = 3):
    """Le cadre (iframe) de la carte, une fois Leaflet chargé et les marqueurs dessinés.

    Après un changement de filtre, Streamlit remplace le cadre : l'ancien et le nouveau coexistent un
    instant (l'ancien marqué « stale »). On attend la fin du calcul, puis on reprend au besoin.
    """
    iframes = page.locator('iframe[title="streamlit_folium.st_folium"]')
    for essai in range(essais):
        try:
            expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
            expect(page.locator("[data-stale='true']")).to_have_count(0)
            expect(iframes).to_have_count(1)
            expect(iframes).to_be_visible()
            cadre = iframes.element_handle().content_frame()
            cadre.wait_for_function(
                "() => window.map && document.querySelectorAll('.leaflet-marker-icon.ctg-m').length > 0"
            )
            return cadre
        except (PlaywrightError, AssertionError):
            if essai == essais - 1:
                raise


def centre(cadre):
    return cadre.evaluate("() => { const c = window.map.getCenter(); return [c.lat, c.lng]; }")


def test_carte_hors_ligne(page, serveur_app):
    page.goto(f"{serveur_app}/carte")
    attendre_page(page, re.compile("^Équipements et services — tout Dijon"))
    cadre = cadre_carte(page)
    nb = cadre.evaluate("""() => ({
        marqueurs: document.querySelectorAll('.leaflet-marker-icon.ctg-m').length,
        approx: document.querySelectorAll('.leaflet-marker-icon.ctg-approx').length,
        etiquettes: [...document.querySelectorAll('.ctg-etiquette')].map(e => e.textContent),
        traits: document.querySelectorAll('path.leaflet-interactive').length,
        tuiles: document.querySelectorAll('img.leaflet-tile').length,
    })""")
    assert nb["marqueurs"] == 19 and nb["approx"] == 19
    assert sorted(nb["etiquettes"]) == sorted(
        ["Bourroches", "Centre-ville", "Chevreul-Parc", "Fontaine d'Ouche", "Grésilles", "Maladière",
         "Montchapet", "Toison d'Or", "Université"]
    )
    assert nb["traits"] > 66 + 9  # IRIS, quartiers, QPV, Cité éducative
    assert nb["tuiles"] == 0  # pas de fond de carte par défaut : rien à charger depuis internet
    legende = cadre.locator(".ctg-legende")
    expect(legende).to_contain_text("Position approximative")
    expect(legende).to_contain_text("QPV 2024")
    RESULTATS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTATS / "carte.png"))


def test_choisir_gresilles_zoome_et_change_les_comptes(page, serveur_app):
    page.goto(f"{serveur_app}/carte")
    attendre_page(page, re.compile("^Équipements et services — tout Dijon"))
    zoom_dijon = cadre_carte(page).evaluate("() => window.map.getZoom()")
    page.get_by_test_id("stSidebar").get_by_role("combobox", name="Quartier").click()
    page.get_by_role("option", name="Grésilles").click()
    attendre_page(page, "Équipements et services — quartier Grésilles (2 équipements)")
    expect(page).to_have_url(re.compile(r"/carte\?quartier=gresilles$"))
    cadre = cadre_carte(page)
    assert cadre.evaluate("() => window.map.getZoom()") > zoom_dijon
    lat, lon = centre(cadre)
    assert 47.325 < lat < 47.340 and 5.050 < lon < 5.070  # le secteur des Grésilles, au nord-est
    tableau = page.get_by_test_id("stDataFrame").last
    expect(tableau).to_contain_text("Grésilles")
    expect(tableau).not_to_contain_text("Montchapet")


def test_clic_sur_un_quartier_le_choisit(page, serveur_app):
    page.goto(f"{serveur_app}/carte")
    attendre_page(page, re.compile("^Équipements et services — tout Dijon"))
    cadre = cadre_carte(page)
    # Carte entièrement visible : sinon le navigateur fait défiler la page entre l'appui et le
    # relâchement du bouton, et le clic arrive quelques pixels plus loin.
    page.locator('iframe[title="streamlit_folium.st_folium"]').scroll_into_view_if_needed()
    # Un point de Montchapet près de son bord (loin des marqueurs, placés près du centre),
    # converti en pixels par Leaflet.
    contour = charger_geo("quartiers_geo").to_crs(2154).set_index("nom").geometry["Montchapet"]
    interieur = gpd.GeoSeries([shapely.Point(contour.buffer(-250).exterior.coords[0])], crs=2154).to_crs(4326)[0]
    # On attend que ce pixel tombe bien sur le contour de Montchapet (carte installée, sans animation).
    x, y = cadre.wait_for_function(
        """([lat, lon]) => {
            const p = window.map.latLngToContainerPoint([lat, lon]);
            const cadre = window.map.getContainer().getBoundingClientRect();
            const sous = document.elementFromPoint(cadre.left + p.x, cadre.top + p.y);
            const cible = Object.values(window.map._layers).find(
                l => l.feature && l.feature.properties._type === "quartier" && l.feature.properties.nom === "Montchapet");
            return cible && sous === cible._path ? [p.x, p.y] : null;
        }""",
        arg=[interieur.y, interieur.x],
    ).json_value()
    cadre.locator(".leaflet-container").click(position={"x": x, "y": y})
    attendre_page(page, re.compile("^Équipements et services — quartier Montchapet"))
    expect(page).to_have_url(re.compile(r"quartier=montchapet"))


@pytest.fixture(scope="module")
def serveur_piege(tmp_path_factory):
    """L'application sur des données où un équipement porte un nom piégé (injection de script)."""
    dossier = tmp_path_factory.mktemp("piege") / "data"
    shutil.copytree(DONNEES, dossier)
    modifier_cellule(dossier / "equipements.csv", "EQ050", "nom", CHARGE_XSS)  # L'Essentiel-le, Grésilles
    with serveur(dossier.parent / "streamlit.log", CTG_DATA_DIR=str(dossier)) as url:
        yield url


def test_nom_piege_affiche_comme_texte(page, serveur_piege):
    page.goto(f"{serveur_piege}/carte?quartier=gresilles")
    attendre_page(page, re.compile("^Équipements et services — quartier Grésilles"))
    cadre = cadre_carte(page)
    marqueur = cadre.locator(f'.leaflet-marker-icon[title="{CHARGE_XSS}"]')
    marqueur.click()
    popup = cadre.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(CHARGE_XSS)
    assert cadre.locator(".leaflet-popup-content img").count() == 0
    marqueur.hover()
    expect(cadre.locator(".leaflet-tooltip", has_text=CHARGE_XSS)).to_be_visible()
    page.wait_for_timeout(500)
    assert page.dialogues == []
