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


def test_echelle_en_metres_seulement(donnees):
    """Une seule échelle, en mètres et kilomètres : pas de miles ni de pieds (celle de folium les ajoute)."""
    _, html = construire(donnees)
    appels = re.findall(r"L\.control\.scale\(([^)]*)\)", html)
    assert appels == ["{imperial: false, metric: true}"]


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


# --- Carte mise à jour sur place (page de la carte) ------------------------------------------------
def chaines_st_folium(carte, couches=(), controle=None):
    """Ce que ``st_folium`` envoie au navigateur (mêmes fonctions de streamlit-folium, dans le même
    ordre) : le script du fond, puis le script des couches ajoutées et de la liste des couches."""
    import streamlit_folium as sf

    carte.get_root().render()
    carte.render()
    script = sf._get_map_string(carte)
    ajout = "".join(sf._get_feature_group_string(g, map=carte, idx=i) for i, g in enumerate(couches))
    if controle is not None:
        ajout += sf._get_layer_control_string(controle, carte)
    return script, ajout


def fond(donnees):
    return cartes.carte_de_base(donnees["quartiers"], donnees["qpv"], donnees["iris"],
                                categories=list(cartes.STYLES), quartiers_cite_educative=["Grésilles"])


def test_le_fond_est_identique_quel_que_soit_le_quartier(donnees):
    """Le script du fond ne change ni avec le quartier ni avec les filtres : streamlit-folium garde alors
    le même cadre et n'y remplace que les couches ajoutées. L'original gardé en cache n'est pas modifié."""
    import streamlit_folium as sf

    original = fond(donnees)
    avant = cartes.copie(original).get_root().render()  # l'original n'est jamais rendu (un rendu le modifie)
    scripts, ajouts = [], []
    for quartier, pos in [(None, donnees["pos"]), ("Grésilles", donnees["pos"][donnees["pos"]["quartier"] == "Grésilles"]),
                          (None, donnees["pos"][donnees["pos"]["categorie"] == "EAJE"])]:
        script, ajout = chaines_st_folium(cartes.copie(original), cartes.couches_dynamiques(pos, donnees["quartiers"], quartier),
                                          cartes.ControleCouches())
        scripts.append(script)
        ajouts.append(ajout)
    assert scripts[0] == scripts[1] == scripts[2]
    assert len({sf.generate_js_hash(s, "carte-equipements") for s in scripts}) == 1
    assert len(set(ajouts)) == 3
    assert "L.marker(" not in scripts[0] and "ctgCadrage" not in scripts[0]  # ni équipements ni cadrage dans le fond
    assert cartes.copie(original).get_root().render() == avant


def test_couches_ajoutees_quartier_et_equipements(donnees):
    gresilles = donnees["pos"][donnees["pos"]["quartier"] == "Grésilles"]
    _, ajout = chaines_st_folium(cartes.copie(fond(donnees)),
                                 cartes.couches_dynamiques(gresilles, donnees["quartiers"], "Grésilles"),
                                 cartes.ControleCouches())
    ouest, sud, est, nord = donnees["quartiers"].set_index("nom").loc[["Grésilles"]].total_bounds
    bornes = re.search(r"\}\)\(map_div, \[\[([\d.]+),([\d.]+)\],\[([\d.]+),([\d.]+)\]\]\);", ajout)
    assert bornes, "cadrage absent"
    assert [float(x) for x in bornes.groups()] == pytest.approx([sud, ouest, nord, est], abs=1e-5)
    assert "interactive: false" in ajout  # le contour souligné ne capte pas le clic (choix d'un quartier)
    localises = gresilles[gresilles["lat"].notna()]
    assert ajout.count("L.marker(") == localises["categorie"].nunique()
    for categorie, n in localises["categorie"].value_counts().items():
        assert f'"{categorie} ({n})" : feature_group_feature_group_' in ajout  # dans la liste des couches
    assert '"Quartiers (9)" : couche_polygones_div_' in ajout  # les contours du fond aussi
    assert '"Quartier choisi"' not in ajout


def test_tout_le_territoire_sans_quartier(donnees):
    _, ajout = chaines_st_folium(cartes.copie(fond(donnees)), cartes.couches_dynamiques(donnees["pos"], donnees["quartiers"]))
    ouest, sud, est, nord = donnees["quartiers"].total_bounds
    bornes = re.search(r"\}\)\(map_div, \[\[([\d.]+),([\d.]+)\],\[([\d.]+),([\d.]+)\]\]\);", ajout)
    assert [float(x) for x in bornes.groups()] == pytest.approx([sud, ouest, nord, est], abs=1e-5)
    assert "Surbrillance" not in ajout and "interactive: false" not in ajout


def test_commandes_repliees_sur_une_carte_etroite(donnees):
    _, html = construire(donnees)
    assert 'details class=\\"ctg-legende\\" open' in html  # légende repliable, ouverte au départ…
    assert f"carte.getSize().x < {cartes.LARGEUR_ETROITE_PX}) {{ repliable.open = false; }}" in html  # … sauf carte étroite
    assert "L.DomEvent.disableClickPropagation(div)" in html  # un clic dans la légende ne choisit pas un quartier
    assert re.search(rf"getSize\(\)\.x < {cartes.LARGEUR_ETROITE_PX}\) \{{\s*layer_control_\w+_options\.collapsed = true;", html)
    assert '"collapsed": false' in html  # grande carte : liste des couches dépliée
    _, petite = construire(donnees, hauteur_px=360)
    assert '"collapsed": true' in petite


def test_etiquettes_au_coeur_des_quartiers(donnees):
    import shapely

    _, html = construire(donnees)
    for nom, geometrie in zip(donnees["quartiers"]["nom"], donnees["quartiers"].geometry):
        trouve = re.search(re.escape(json_nom(nom)) + r'.{0,400}?"_etiquette":\[([\d.]+),([\d.]+)\]', html)
        assert trouve, nom
        lat, lon = (float(x) for x in trouve.groups())
        assert geometrie.contains(shapely.Point(lon, lat)), nom


def json_nom(nom):
    return cartes.json_pour_script({"nom": nom})[1:-1]


def test_legende_de_la_carte_thematique_sans_erreur_de_script(donnees):
    """La carte thématique (Contexte social) reprend le modèle de la légende : même seuil de largeur."""
    import pandas as pd

    zones = pd.DataFrame({"code_zone": list(donnees["quartiers"]["id"]), "valeur": range(9), "statut": "publié"})
    html = cartes.carte_choroplethe(donnees["quartiers"], "id", zones, "Essai", "%").get_root().render()
    assert f"carte.getSize().x < {cartes.LARGEUR_ETROITE_PX})" in html and "< )" not in html


# --- Rendu gardé en cache (pages/ui/carte_en_cache.py, pages/ui/cache_carte.py) -------------------
def _arguments_de_st_folium(monkeypatch, carte, couches, cle="carte-equipements", hauteur=620):
    """Les arguments que ``st_folium`` passe au composant (appel intercepté, rien n'est affiché)."""
    import streamlit_folium as sf

    recus = {}
    monkeypatch.setattr(sf, "_component_func", lambda **kw: recus.update(kw))
    sf.st_folium(carte, height=hauteur, use_container_width=True, returned_objects=["last_clicked"],
                 feature_group_to_add=couches, layer_control=cartes.ControleCouches(), key=cle)
    recus.pop("on_change")
    return recus


def test_le_rendu_en_cache_est_celui_de_st_folium(donnees, monkeypatch):
    """``carte_en_cache.arguments_carte`` refait les étapes de ``st_folium`` : mêmes arguments pour le composant,
    pour tout le territoire et pour un quartier (une autre version de streamlit-folium ferait échouer ce test)."""
    from pages.ui import carte_en_cache

    original = fond(donnees)
    avant = cartes.copie(original).get_root().render()
    # ``preparer_fond`` rend sur place le fond qu'on lui donne (construit pour lui, dans la page) : une copie ici.
    prepare = carte_en_cache.preparer_fond(cartes.copie(original), cle="carte-equipements", hauteur=620,
                                           objets_rendus=("last_clicked",), liste_des_couches=True)
    gresilles = donnees["pos"][donnees["pos"]["quartier"] == "Grésilles"]
    vus = []
    for quartier, pos in [(None, donnees["pos"]), ("Grésilles", gresilles)]:
        attendu = _arguments_de_st_folium(monkeypatch, cartes.copie(original),
                                          cartes.couches_dynamiques(pos, donnees["quartiers"], quartier))
        obtenu = carte_en_cache.arguments_carte(prepare, cartes.couches_dynamiques(pos, donnees["quartiers"], quartier),
                                                cartes.ControleCouches())
        assert obtenu == attendu
        vus.append(obtenu)
    # Le fond préparé sert à tous les quartiers sans être modifié : le même cadre, d'autres couches.
    assert vus[0]["key"] == vus[1]["key"] and vus[0]["script"] == vus[1]["script"]
    assert vus[0]["feature_group"] != vus[1]["feature_group"]
    again = carte_en_cache.arguments_carte(prepare, cartes.couches_dynamiques(gresilles, donnees["quartiers"], "Grésilles"),
                                           cartes.ControleCouches())
    assert again == vus[1]
    assert cartes.copie(original).get_root().render() == avant  # les copies prises ne touchent pas l'original


def _composant(at) -> dict:
    import json

    (carte,) = [n.proto for n in at.get("component_instance")] or [None]
    return json.loads(carte.json_args)


def test_page_carte_un_autre_quartier_garde_le_cadre(monkeypatch):
    """Dans la page : changer de quartier ne change que les couches ajoutées (même clé du composant, même
    fond : le cadre n'est pas rechargé) ; revenir à un quartier déjà vu redonne les mêmes couches (cache)."""
    from tests.conftest import ouvrir_page

    at = ouvrir_page("carte")
    depart = _composant(at)
    (choix,) = [s for s in at.sidebar.selectbox if s.label == "Quartier"]
    choix.set_value("Grésilles").run()
    assert not at.exception
    gresilles = _composant(at)
    assert gresilles["key"] == depart["key"] and gresilles["script"] == depart["script"]
    assert gresilles["feature_group"] != depart["feature_group"] and "ctgCadrage" in gresilles["feature_group"]
    assert at.title[0].value.endswith(")") and "quartier Grésilles" in at.title[0].value
    (choix,) = [s for s in at.sidebar.selectbox if s.label == "Quartier"]
    choix.set_value(choix.options[0]).run()
    assert _composant(at) == depart


def test_page_carte_base_indisponible_avertit_a_chaque_ouverture(monkeypatch):
    """Base qui ne répond pas : la carte montre les données livrées et le dit, à chaque session (l'avertissement
    est redonné par le cache de la page), une seule fois par exécution."""
    from ctg_data.stockage import Stockage, StockageIndisponible
    from pages.ui import cache_carte
    from tests.conftest import ouvrir_page

    def panne(self):
        raise StockageIndisponible("La base de données ne répond pas.")

    monkeypatch.setattr(Stockage, "empreinte", panne)
    cache_carte.vider()
    try:
        for _ in range(2):  # deux sessions : la seconde lit le cache
            at = ouvrir_page("carte")
            avertissements = [w.value for w in at.warning if "corrections saisies ne sont pas affichées" in w.value]
            assert len(avertissements) == 1, avertissements
            assert at.title[0].value.startswith("Équipements et services")
            at.run()
            assert len([w for w in at.warning if "corrections saisies" in w.value]) == 1
    finally:
        cache_carte.vider()


def test_tableau_et_graphique_en_cache_envoient_le_meme_message():
    """Un tableau gardé en table Arrow (``ui.tableau_arrow``) et un graphique gardé en dict Vega-Lite
    (``ui.spec_graphique``, affiché par ``ui.afficher_spec``) envoient au navigateur exactement ce qu'enverraient st.dataframe et st.altair_chart
    (une autre version de Streamlit ferait échouer ce test)."""
    from streamlit.testing.v1 import AppTest

    def page():
        import pandas as pd
        import streamlit as st

        from pages import ui

        df = pd.DataFrame({"Nom": ["a", None, "c"], "N": [1, 2, 3], "x": [1.5, None, 2.25]}, index=[3, 7, 9])
        df["Nom"] = df["Nom"].astype("string")
        config = {"N": st.column_config.NumberColumn("N", width=50)}
        st.dataframe(df, hide_index=True, column_config=config)
        st.dataframe(ui.tableau_arrow(df), hide_index=True, column_config=config)
        alt = ui.altair()
        graphique = alt.Chart(df.fillna({"Nom": "?"})).mark_bar().encode(
            y="Nom:N", x="count():Q", color=alt.Color("Nom:N", title=None)).properties(height=80)
        st.altair_chart(graphique, width="stretch")
        spec = ui.spec_graphique(graphique)
        avant = ui.copie_spec(spec)
        ui.afficher_spec(spec, width="stretch")
        ui.afficher_spec(spec, width="stretch")  # le dict partagé resservira, entier
        st.session_state["spec_intacte"] = spec == avant and "datasets" in spec

    at = AppTest.from_function(page).run()
    assert not at.exception
    tableaux = [d.proto.SerializeToString() for d in at.dataframe]
    assert len(tableaux) == 2 and tableaux[0] == tableaux[1]
    graphiques = [n.proto for n in at.get("arrow_vega_lite_chart")] or [n.proto for n in at.get("vega_lite_chart")]
    assert len(graphiques) == 3 and len({g.SerializeToString() for g in graphiques}) == 1
    assert at.session_state["spec_intacte"]  # Streamlit a modifié des copies, pas le dict partagé
