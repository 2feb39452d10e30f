"""Construction de la carte : hors ligne, une couche par catégorie, textes échappés, zoom."""

import re

import pytest

from ctg_data import carte as cartes
from ctg_data.catalogue import charger
from ctg_data.geocodage import Cache
from ctg_data.geographie import charger_geo
from ctg_data.positions import positions
from ctg_data.statique import URL


@pytest.fixture(scope="module")
def donnees():
    pos = positions(charger("equipements"), charger("equipements_quartiers"), Cache().tableau(),
                    charger_geo("iris"), charger("iris_quartiers"), charger_geo("quartiers_geo"))
    return {"pos": pos, "quartiers": charger_geo("quartiers_geo"), "qpv": charger_geo("qpv"), "iris": charger_geo("iris")}


def construire(donnees, pos=None, **kw):
    carte = cartes.construire_carte(
        donnees["pos"] if pos is None else pos, donnees["quartiers"], donnees["qpv"], donnees["iris"],
        quartiers_cite_educative=["Fontaine d'Ouche", "Grésilles"], **kw,
    )
    return carte, carte.get_root().render()


def test_aucune_ressource_externe_par_defaut(donnees, monkeypatch):
    monkeypatch.delenv("CTG_TILES", raising=False)
    carte, html = construire(donnees)
    assert cartes.liens_externes(carte) == []
    assert f'src="{URL}/leaflet/leaflet.js"' in html and f'src="{URL}/jquery/jquery.min.js"' in html
    assert "cdn" not in html.lower() and "tile.openstreetmap" not in html


def test_fond_de_carte_configurable(donnees, monkeypatch):
    monkeypatch.setenv("CTG_TILES", "osm")
    carte, html = construire(donnees)
    assert "tile.openstreetmap.org" in html
    assert cartes.liens_externes(carte) == []  # les tuiles ne sont ni des scripts ni des feuilles de style


def test_une_couche_geojson_par_categorie(donnees):
    _, html = construire(donnees)
    localises = donnees["pos"][donnees["pos"]["lat"].notna()]
    assert html.count("L.marker(") == localises["categorie"].nunique()
    for categorie, n in localises["categorie"].value_counts().items():
        assert f"{categorie} ({n})" in html
    assert "Quartiers (9)" in html and "QPV 2024" in html and "Cité éducative" in html


def test_taille_de_la_carte_de_dijon(donnees):
    _, html = construire(donnees)
    assert len(html.encode()) < 150 * 1024


def test_textes_echappes(donnees):
    pos = donnees["pos"].copy()
    pos.loc[pos["id"] == "EQ006", "nom"] = "<img src=x onerror=alert(1)></script><script>alert(2)</script>"
    _, html = construire(donnees, pos)
    assert "<img src=x" not in html
    assert "<script>alert(2)" not in html
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html
    assert "window.ctgEsc(" in html or "e(p.n)" in html


def test_zoom_sur_le_quartier_choisi(donnees):
    _, html = construire(donnees, quartier_selectionne="Grésilles")
    ouest, sud, est, nord = donnees["quartiers"].set_index("nom").loc[["Grésilles"]].total_bounds
    bornes = re.search(r"fitBounds\(\s*\[\[([\d.]+),\s*([\d.]+)\],\s*\[([\d.]+),\s*([\d.]+)\]\]", html)
    assert bornes, "fitBounds absent"
    assert [float(x) for x in bornes.groups()] == pytest.approx([sud, ouest, nord, est])


def test_legende_et_positions_approximatives(donnees):
    _, html = construire(donnees)
    assert "Position approximative" in html
    assert '"quartier (approx.)"' in html  # au moins un équipement placé approximativement


def test_styles_distincts_et_contrastes():
    formes_lettres = {(s.forme, s.lettre) for s in cartes.STYLES.values()}
    assert len(formes_lettres) == len(cartes.STYLES)
    assert len({s.couleur for s in cartes.STYLES.values()}) == len(cartes.STYLES)

    def luminance(hexa):
        r, g, b = (int(hexa[i : i + 2], 16) / 255 for i in (1, 3, 5))
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for style in cartes.STYLES.values():
        l1, l2 = sorted([luminance(style.couleur), luminance(style.texte)], reverse=True)
        assert (l1 + 0.05) / (l2 + 0.05) >= 4.5, style


def test_pas_d_execution_de_modele_jinja(donnees):
    """folium repasse le script dans Jinja : « {{ … }} » venu des données doit rester du texte."""
    pos = donnees["pos"].copy()
    pos.loc[pos["id"] == "EQ006", "nom"] = "Crèche {{ 7*7 }} {% if %} {# x"
    _, html = construire(donnees, pos)
    assert "Crèche 49" not in html
    assert "Crèche \\u007b{ 7*7 }} \\u007b% if %} \\u007b# x" in html


def test_donnees_en_colonnes():
    import pandas as pd

    df = pd.DataFrame({
        "nom": ["A", "B"], "lon": [5.0412345, 5.05], "lat": [47.3, 47.31], "adresse": ["1 rue X", None],
        "code_postal": ["21000", None], "commune": ["Dijon", None], "sous_type": [None, "multi-accueil"],
        "gestionnaire": ["Ville de Dijon", "Ville de Dijon"], "quartier": ["Grésilles", None],
        "precision": ["adresse", "quartier (approx.)"], "source_section": ["Annexe 2", "Annexe 2"],
        "source_fichier": ["f.txt", "f.txt"],
    })
    c = cartes.colonnes_equipements(df)
    assert c["xy"] == [5.04123, 47.3, 5.05, 47.31]
    assert c["a"] == ["1 rue X 21000 Dijon", "non précisée"]
    assert c["g"] == {"v": ["Ville de Dijon"], "i": [0, 0]}
    assert c["q"] == {"v": ["Grésilles", "non connu"], "i": [0, 1]}


def test_contours_hors_du_parcours_au_clavier_sauf_les_quartiers(donnees):
    """Au clavier, Tab ne doit pas parcourir les 66 contours d'IRIS avant de sortir de la carte."""
    _, html = construire(donnees)
    assert html.count('e.setAttribute("tabindex", "-1")') == 3  # IRIS, QPV, Cité éducative ; pas les quartiers
