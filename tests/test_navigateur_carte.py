"""La carte dans un vrai navigateur, sans internet : marqueurs, quartiers, QPV, choix d'un quartier
(la carte est mise à jour sur place, sans recharger son cadre), textes échappés, commandes repliées sur
un téléphone."""

import re
import shutil

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

import geopandas as gpd
import shapely

from ctg_data.geographie import charger_geo

from tests.conftest import DONNEES, RESULTATS, hors_ligne, modifier_cellule, serveur
from tests.test_navigateur import attendre_page

pytestmark = pytest.mark.navigateur

CHARGE_XSS = "<img src=x onerror=alert(1)>"


MARQUEURS_DESSINES = "() => window.map && document.querySelectorAll('.leaflet-marker-icon.ctg-m').length > 0"


def cadre_carte(page, essais: int = 3, condition: str = MARQUEURS_DESSINES, delai: float | None = None):
    """Le cadre (iframe) de la carte, une fois Leaflet chargé et ``condition`` (fonction JavaScript
    évaluée dans le cadre) vraie : par défaut, les marqueurs dessinés.

    Après un changement de filtre, le cadre reste le même (la carte est mise à jour sur place) ; on
    attend tout de même la fin du calcul et un seul cadre à jour, et l'on reprend au besoin.
    """
    iframes = page.locator('iframe[title="streamlit_folium.st_folium"]')
    for essai in range(essais):
        try:
            expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
            expect(page.locator("[data-stale='true']")).to_have_count(0)
            expect(iframes).to_have_count(1)
            expect(iframes).to_be_visible()
            cadre = iframes.element_handle().content_frame()
            cadre.wait_for_function(condition, **({"timeout": delai} if delai is not None else {}))
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


def choisir_dans_la_barre_laterale(page, quartier: str) -> None:
    page.get_by_test_id("stSidebar").get_by_role("combobox", name="Quartier").click()
    page.get_by_role("option", name=quartier).click()


def test_choisir_gresilles_met_la_carte_a_jour_sur_place(page, serveur_app):
    """Choisir un quartier ne recharge pas la carte : le même cadre (la marque posée dans sa fenêtre
    est toujours là) se recadre sur le quartier, le souligne et n'en montre que les équipements."""
    page.goto(f"{serveur_app}/carte")
    attendre_page(page, re.compile("^Équipements et services — tout Dijon"))
    cadre = cadre_carte(page)
    zoom_dijon = cadre.evaluate("() => window.map.getZoom()")
    centre_dijon = centre(cadre)
    cadre.evaluate("() => { window.__marque = 1; }")

    choisir_dans_la_barre_laterale(page, "Grésilles")
    attendre_page(page, "Équipements et services — quartier Grésilles (2 équipements)")
    expect(page).to_have_url(re.compile(r"/carte\?quartier=gresilles$"))
    cadre = cadre_carte(page)
    assert cadre.evaluate("() => window.__marque") == 1, "le cadre de la carte a été rechargé"
    cadre.wait_for_function(
        "z => window.map.getZoom() > z && document.querySelectorAll('.leaflet-marker-icon.ctg-m').length === 2",
        arg=zoom_dijon,
    )
    lat, lon = centre(cadre)
    assert 47.325 < lat < 47.340 and 5.050 < lon < 5.070  # le secteur des Grésilles, au nord-est
    assert cadre.evaluate("() => document.querySelectorAll('path[stroke=\"#000091\"]').length") >= 1  # souligné
    tableau = page.get_by_test_id("stDataFrame").last
    expect(tableau).to_contain_text("Grésilles")
    expect(tableau).not_to_contain_text("Montchapet")

    # Retour à tout Dijon : toujours le même cadre, la vue d'ensemble et les 19 équipements placés.
    choisir_dans_la_barre_laterale(page, "Tout Dijon")
    attendre_page(page, re.compile("^Équipements et services — tout Dijon"))
    cadre = cadre_carte(page)
    assert cadre.evaluate("() => window.__marque") == 1, "le cadre de la carte a été rechargé"
    cadre.wait_for_function(
        "z => window.map.getZoom() === z && document.querySelectorAll('.leaflet-marker-icon.ctg-m').length === 19",
        arg=zoom_dijon,
    )
    assert centre(cadre) == pytest.approx(centre_dijon, abs=1e-3)
    assert cadre.evaluate("() => document.querySelectorAll('path[stroke=\"#000091\"]').length") == 0


def test_filtre_de_categorie_sans_recharger(page, serveur_app):
    """Retirer une catégorie enlève ses marqueurs dans le même cadre, sans toucher à la vue."""
    page.goto(f"{serveur_app}/carte")
    attendre_page(page, re.compile("^Équipements et services — tout Dijon"))
    cadre = cadre_carte(page)
    cadre.evaluate("() => { window.__marque = 1; }")
    vue = cadre.evaluate("() => [window.map.getZoom(), window.map.getCenter().lat, window.map.getCenter().lng]")
    page.get_by_role("button", name=re.compile("^Remove Relais petite enfance")).click()
    attendre_page(page, re.compile("tout Dijon"))
    cadre = cadre_carte(page)
    assert cadre.evaluate("() => window.__marque") == 1, "le cadre de la carte a été rechargé"
    cadre.wait_for_function("() => document.querySelectorAll('.leaflet-marker-icon.ctg-m').length === 17")
    assert cadre.evaluate("() => [window.map.getZoom(), window.map.getCenter().lat, window.map.getCenter().lng]") == vue


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
    # Le cadre garde son dernier clic : un autre quartier choisi ensuite dans la barre latérale ne doit
    # pas être remplacé par le quartier cliqué avant.
    choisir_dans_la_barre_laterale(page, "Grésilles")
    attendre_page(page, re.compile("^Équipements et services — quartier Grésilles"))
    page.wait_for_timeout(1000)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("quartier Grésilles"))
    expect(page).to_have_url(re.compile(r"quartier=gresilles$"))


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


@pytest.mark.parametrize("quartier", ["", "?quartier=gresilles"])
def test_telephone_commandes_repliees(navigateur, serveur_app, quartier):
    """Sur un téléphone (390 × 844), la liste des couches et la légende sont repliées : toutes les
    commandes posées sur la carte en couvrent moins du quart. La légende s'ouvre d'un toucher, sans
    choisir le quartier situé dessous."""
    contexte = navigateur.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    contexte.route("**/*", hors_ligne)
    page = contexte.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{serveur_app}/carte{quartier}")
        attendre_page(page, re.compile("^Équipements et services"))
        cadre = cadre_carte(page)
        mesure = cadre.evaluate("""() => {
            const carte = window.map.getContainer().getBoundingClientRect();
            const commandes = [...document.querySelectorAll('.leaflet-control')].map(e => e.getBoundingClientRect());
            return {
                carte: carte.width * carte.height,
                commandes: commandes.reduce((s, r) => s + r.width * r.height, 0),
                couches: document.querySelector('.leaflet-control-layers-expanded') === null,
                legende: document.querySelector('details.ctg-legende').open,
            };
        }""")
        assert mesure["couches"], "la liste des couches est dépliée"
        assert mesure["legende"] is False, "la légende est dépliée"
        assert mesure["commandes"] < 0.25 * mesure["carte"], mesure
        RESULTATS.mkdir(exist_ok=True)
        page.locator('iframe[title="streamlit_folium.st_folium"]').scroll_into_view_if_needed()
        page.screenshot(path=str(RESULTATS / f"carte-telephone{'-gresilles' if quartier else ''}.png"))

        url = page.url
        cadre.locator("details.ctg-legende > summary").click()
        assert cadre.evaluate("() => document.querySelector('details.ctg-legende').open")
        expect(cadre.locator(".ctg-legende")).to_contain_text("Position approximative")
        # Au toucher comme à la souris, Leaflet déplie la liste ; dépliée, elle recouvre son bouton.
        bouton = cadre.locator(".leaflet-control-layers-toggle").bounding_box()
        page.mouse.move(bouton["x"] + bouton["width"] / 2, bouton["y"] + bouton["height"] / 2)
        expect(cadre.locator(".leaflet-control-layers-expanded")).to_have_count(1)
        page.wait_for_timeout(800)  # un clic transmis à la carte relancerait la page (choix d'un quartier)
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
        assert page.url == url
    finally:
        contexte.close()
