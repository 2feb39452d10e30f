"""Nombres à la française partout où on les lit : graphiques (``config.locale`` de Vega-Lite, lu dans la
spécification que chaque page envoie), classes entières des cartes de comptes, virgule décimale dans les
CSV pour tableur français, aperçu de l'import."""

import json
import re

import pytest

from tests.conftest import ouvrir_page


def specs_vega(at) -> list[dict]:
    """Les spécifications Vega-Lite de tous les graphiques altair de la page."""
    def parcourir(noeud):
        for enfant in getattr(noeud, "children", {}).values():
            yield enfant
            yield from parcourir(enfant)
    return [json.loads(e.proto.spec) for e in parcourir(at._tree)
            if getattr(e, "type", None) in ("vega_lite_chart", "arrow_vega_lite_chart")]


def test_locale_vega_francaise():
    from ctg_data.format import ESPACE, locale_vega

    nombre = locale_vega()["number"]
    assert nombre["decimal"] == "," and nombre["thousands"] == ESPACE and nombre["grouping"] == [3]
    assert nombre["currency"] == ["", ESPACE + "€"]


@pytest.mark.parametrize("page", ["carte", "contexte", "plan", "acteurs"])
def test_graphiques_des_pages_en_francais(page):
    at = ouvrir_page(page)
    specs = specs_vega(at)
    assert specs, f"aucun graphique lu sur la page {page}"
    for spec in specs:
        nombre = spec["config"]["locale"]["number"]
        assert (nombre["decimal"], nombre["thousands"]) == (",", "\u00a0")


GEVREY = "ctg-gevrey-nuits-2023-2026"
PAGES = [None, "carte", "contexte", "portrait", "plan", "recapitulatif", "acteurs", "seminaire", "donnees"]
VARIANTES = {"dijon": {}, "gevrey": {"plan": GEVREY}, "gresilles": {"quartier": "gresilles"},
             "gevrey-commune": {"plan": GEVREY, "commune": "21295"},
             "contrat-de-ville": {"plan": "contrat-de-ville-dijon-metropole-2019-2022"}}
SEPARATEURS_DE_MILLIERS = ("\u00a0", "\u202f", " ")
FORMATS_ENTIERS = ("d", ",d", "~d", ".0f", ",.0f")
# Titre d'un axe qui compte (équipements, indicateurs, fiches, allocataires, personnes…).
_TITRE_DE_COMPTE = re.compile(r"^(?:nombre\b|allocataires\b|personnes\b|habitants\b|familles\b|ménages\b)", re.I)


def canaux(spec):
    """Chaque définition de canal (x, y, tooltip…) du graphique, couches et facettes comprises."""
    if isinstance(spec, dict):
        for cle, valeur in spec.items():
            if cle == "encoding" and isinstance(valeur, dict):
                for canal, definitions in valeur.items():
                    for d in definitions if isinstance(definitions, list) else [definitions]:
                        if isinstance(d, dict):
                            yield canal, d
            elif cle not in ("datasets", "data", "config"):
                yield from canaux(valeur)
    elif isinstance(spec, list):
        for v in spec:
            yield from canaux(v)


def axes_de_compte(spec):
    """Les axes x et y quantitatifs qui comptent : un compte ou une somme (count(), sum(Indicateurs)), ou un
    titre qui dit un nombre de choses (« Nombre d'équipements », « allocataires »)."""
    for canal, d in canaux(spec):
        if canal not in ("x", "y") or d.get("type") != "quantitative":
            continue
        titre = d.get("title") if isinstance(d.get("title"), str) else ""
        if d.get("aggregate") in ("count", "sum", "distinct", "valid") or _TITRE_DE_COMPTE.match(titre):
            yield canal, d


def fautes_de_format(spec) -> list[str]:
    """Locale française (virgule décimale, espace des milliers) et axes de compte en nombres entiers."""
    fautes = []
    nombre = spec.get("config", {}).get("locale", {}).get("number", {})
    if nombre.get("decimal") != "," or nombre.get("thousands") not in SEPARATEURS_DE_MILLIERS:
        fautes.append(f"locale des nombres absente ou anglaise : {nombre}")
    for canal, d in axes_de_compte(spec):
        format_ = (d.get("axis") or {}).get("format") if isinstance(d.get("axis"), dict) else None
        if format_ not in FORMATS_ENTIERS:
            fautes.append(f"axe {canal} « {d.get('title')} » : compte sans format entier (format {format_!r})")
    return fautes


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p or "accueil")
@pytest.mark.parametrize("variante", list(VARIANTES))
def test_tout_graphique_de_toute_page_en_francais(page, variante):
    """Toute page, pour les deux plans et avec un quartier choisi : chaque graphique qu'elle envoie porte la
    locale française (12,5 ; 20 000) et ses axes de compte s'écrivent en nombres entiers (pas de 2,5
    équipements)."""
    fautes = []
    for spec in specs_vega(ouvrir_page(page, **VARIANTES[variante])):
        fautes += fautes_de_format(spec)
    assert not fautes, fautes


@pytest.mark.parametrize("query", [{}, {"plan": GEVREY}], ids=["dijon", "gevrey"])
def test_graphiques_de_chaque_diapositive_en_francais(query):
    at = ouvrir_page("seminaire", **query)
    fautes, vus = [], 0
    for numero in range(1, 61):
        for spec in specs_vega(at):
            vus += 1
            fautes += [f"diapositive {numero} : {f}" for f in fautes_de_format(spec)]
        suivante = at.button(key="diapo_suivante")
        if suivante.disabled:
            break
        suivante.click().run()
    assert vus, "aucun graphique dans les diapositives"
    assert not fautes, fautes


def test_graphiques_de_chaque_indicateur_du_contexte_social():
    """Contexte social, chaque indicateur : un compte (allocataires, personnes) a des axes en nombres
    entiers, un taux garde ses décimales."""
    at = ouvrir_page("contexte")
    fautes = []
    for rang, code in enumerate(at.selectbox(key="contexte_indicateur").options):
        at.selectbox(key="contexte_indicateur").select_index(rang).run()
        for spec in specs_vega(at):
            fautes += [f"{code} : {f}" for f in fautes_de_format(spec)]
    assert not fautes, "\n".join(dict.fromkeys(fautes))


def test_le_controle_des_formats_voit_les_fautes():
    from ctg_data.format import locale_vega

    bon = {"config": {"locale": locale_vega()},
           "encoding": {"x": {"aggregate": "count", "type": "quantitative", "title": "Nombre d'équipements",
                              "axis": {"format": "d"}}, "y": {"field": "quartier", "type": "nominal"}}}
    assert not fautes_de_format(bon)
    anglais = {**bon, "config": {"locale": {"number": {"decimal": ".", "thousands": ","}}}}
    assert fautes_de_format(anglais)
    sans_entier = {**bon, "layer": [{"encoding": {"y": {"field": "valeur", "type": "quantitative",
                                                        "title": "allocataires"}}}]}
    assert fautes_de_format(sans_entier)


# --- Cartes thématiques : classes entières pour un compte ------------------------------------------
def test_classes_entieres_pour_un_compte():
    from ctg_data import carte as cartes

    valeurs = [12, 57, 391, 392, 400, 800, 1200, 3, 44, 1000]
    assert cartes.est_un_compte("allocataires", [391.4]) and not cartes.est_un_compte("%", [12.0])
    bornes = cartes.classes(valeurs, entiers=True)
    assert all(b == int(b) for b in bornes)
    etiquettes = cartes.etiquettes_classes(bornes, "allocataires", entiers=True)
    assert not any("," in e for e in etiquettes), etiquettes
    assert etiquettes[0] == f"≤ {int(bornes[0])}\u00a0allocataires"
    assert etiquettes[1].startswith(f"{int(bornes[0]) + 1}\u00a0allocataires – ")
    # chaque valeur tombe dans la classe que dit sa couleur
    for v in valeurs:
        rang = cartes.PALETTE_SEQUENTIELLE.index(cartes.couleur(v, bornes))
        assert (rang == 0 and v <= bornes[0]) or (rang == len(bornes) and v > bornes[-1]) or (
            bornes[rang - 1] < v <= bornes[rang])


def test_legende_de_la_carte_d_un_compte_sans_decimale():
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import box

    from ctg_data import carte as cartes

    zones = gpd.GeoDataFrame({"code": [f"Z{i}" for i in range(8)], "nom": [f"Zone {i}" for i in range(8)]},
                             geometry=[box(5.0 + i * 0.01, 47.3, 5.01 + i * 0.01, 47.31) for i in range(8)], crs=4326)
    valeurs = pd.DataFrame({"code_zone": list(zones["code"]), "valeur": [120, 391, 392, 415, 980, 1500, 37, 2100],
                            "statut": "publié"})
    carte = cartes.carte_choroplethe(zones, "code", valeurs, "Allocataires", "allocataires")
    (legende,) = [e for e in carte._children.values() if isinstance(e, cartes.LegendeChoroplethe)]
    assert not any("," in e for e in legende.etiquettes), legende.etiquettes


def test_legende_de_la_carte_des_allocataires_dans_la_page():
    """Contexte social, « Allocataires » par quartier : la légende de la carte (sous la carte, ou dans le
    composant folium) a des bornes entières : « ≤ 4 497 allocataires », jamais « ≤ 391,4 allocataires »."""
    import re

    at = ouvrir_page("contexte")
    at.selectbox(key="contexte_indicateur").select("allocataires").run()

    def parcourir(noeud):
        for enfant in getattr(noeud, "children", {}).values():
            yield enfant
            yield from parcourir(enfant)

    # La légende : dans le HTML du composant folium, ou (depuis qu'elle est posée sous la carte) dans un
    # bloc markdown de la page.
    textes = [e.proto.json_args if getattr(e, "type", None) == "component_instance" else e.value
              for e in parcourir(at._tree) if getattr(e, "type", None) in ("component_instance", "markdown")]
    legende = [a for a in textes if "\\u2264" in a or "\u2264" in a]
    assert legende, "aucune légende de classes"
    texte = re.sub(r"\\+u00a0", "\u00a0", legende[0])  # le HTML de la légende y est échappé deux fois
    bornes = re.findall(r"([0-9][0-9\u00a0,]*)\u00a0allocataires", texte)
    assert bornes, texte[:500]
    assert not [b for b in bornes if "," in b], bornes


def test_taux_gardent_leurs_decimales():
    from ctg_data import carte as cartes

    bornes = cartes.classes([1.5, 12.25, 30.1, 8, 9, 10, 44.4], entiers=False)
    assert any("," in e for e in cartes.etiquettes_classes(bornes, "%"))


# --- CSV pour tableur français ----------------------------------------------------------------------
def test_csv_virgule_decimale_meme_dans_une_colonne_melangee():
    import pandas as pd

    from ctg_data.exports import en_csv

    # une colonne qui mêle nombres, cellules vides et texte reste « objet » : pandas y écrirait 47.335…
    df = pd.DataFrame({"lat": pd.Series([47.335124222589066, None, "à localiser"], dtype=object),
                       "x": [1.5, 2.0, 1234.25], "n": [1, 2, 3]})
    texte = en_csv(df).decode("utf-8-sig")
    assert "47,335124222589066" in texte and "47.33" not in texte and "1,5" in texte and "1234,25" in texte


def test_csv_de_la_carte_virgule_decimale(monkeypatch):
    import csv
    import io

    from streamlit.delta_generator import DeltaGenerator

    boutons = {}
    original = DeltaGenerator.download_button

    def download_button(dg, label, data, *args, **kwargs):
        boutons[kwargs.get("file_name") or label] = data
        return original(dg, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", download_button)
    # Comme après une position corrigée par un éditeur (ctg_data.positions) : colonnes lat et lon de type
    # « objet », une position à 15 décimales (pandas n'y applique pas decimal=",").
    import pages.ui as ui

    original_localises = ui.equipements_localises

    def localises():
        df = original_localises().copy()
        df["lat"], df["lon"] = df["lat"].astype(object), df["lon"].astype(object)
        premier = df.index[df["lat"].notna()][0]
        df.loc[premier, ["lat", "lon"]] = [47.335124222589066, 5.0412345678901234]
        return df

    monkeypatch.setattr(ui, "equipements_localises", localises)
    from pages.ui import cache_carte

    cache_carte.vider()  # la page garde ses calculs en cache, par version des fichiers et du magasin
    try:
        ouvrir_page("carte")
    finally:
        cache_carte.vider()  # rien des données modifiées ne reste pour les tests suivants
    (nom,) = [n for n in boutons if n.startswith("equipements-") and n.endswith(".csv")]
    data = boutons[nom]
    lignes = list(csv.DictReader(io.StringIO((data() if callable(data) else data).decode("utf-8-sig")), delimiter=";"))
    lat = "Latitude" if "Latitude" in lignes[0] else "lat"  # fichier pour tableur ou tableau brut
    lon = "Longitude" if lat == "Latitude" else "lon"
    latitudes = [l[lat] for l in lignes if l[lat]]
    assert "47,335124222589066" in latitudes
    assert latitudes and all("," in v and "." not in v for v in latitudes), latitudes[:3]
    assert all("." not in l[lon] for l in lignes)


# --- Aperçu de l'import -----------------------------------------------------------------------------
def test_apercu_de_l_import_a_la_francaise():
    import numpy as np
    import pandas as pd

    from ctg_data import saisie

    assert [saisie.valeur_lisible(v) for v in (12.5, np.int64(1234), np.float64(0.1), None, float("nan"), "en cours")] == [
        "12,5", "1\u00a0234", "0,1", "", "", "en cours"]
    tableau = pd.DataFrame([{"ligne": 2, "action": "modification", "indicateur": "JE1-I1", "zone": "Dijon",
                             "periode": "2025", "ancienne_valeur": 30, "valeur": 12.5, "valeur_texte": None,
                             "commentaire": None, "source": "Bilan", "version_vue": 1}])
    rendu = saisie.apercu_lisible(tableau).to_html()
    assert "12,5" in rendu and "12.5" not in rendu and "version_vue" not in rendu


from tests.test_import_robuste import magasin_des_pages  # noqa: E402,F401  (fixture)


def test_apercu_de_l_import_dans_la_page(magasin_des_pages):
    """Dans la page : le tableau de l'aperçu s'affiche « 12,5 » (valeurs d'affichage du Styler envoyées
    au navigateur), les données restent des nombres."""
    from tests.test_import_robuste import csv_octets, identites, importer_dans_la_page

    a, _ = identites(magasin_des_pages)
    at = ouvrir_page("saisie", identite=a)
    apercu = importer_dans_la_page(at, "import.csv", csv_octets(["JE1-I1;Dijon;2025;12,5;;Bilan"]))
    assert apercu.iloc[0]["valeur"] == 12.5
    (element,) = [d for d in at.dataframe if "action" in d.value.columns]
    import pyarrow as pa

    affiche = pa.ipc.open_stream(element.proto.arrow_data.styler.display_values).read_pandas()
    assert list(affiche["valeur"]) == ["12,5"], affiche


# --- Dans le navigateur : la locale est bien appliquée par le graphique dessiné ----------------------
@pytest.mark.navigateur
def test_axes_des_graphiques_a_la_francaise_dans_le_navigateur(page, serveur_app):
    """Contexte social, dans Chromium : l'axe du niveau de vie (QPV) se lit « 10 000 », jamais « 10,000 »
    (le thème de Streamlit garde ``config.locale``)."""
    import re

    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(serveur_app + "/contexte")
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)
    for _ in range(8):  # les graphiques sont dessinés quand ils arrivent à l'écran
        page.mouse.wheel(0, 600)
        page.wait_for_timeout(300)
    graphiques = page.locator("[data-testid='stVegaLiteChart']")
    graphiques.first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    textes = [graphiques.nth(i).inner_text() for i in range(graphiques.count())]
    assert any(re.search(r"\d\u00a0000", t) for t in textes), textes
    assert not any(re.search(r"\d,\d{3}\b", t) for t in textes), textes
