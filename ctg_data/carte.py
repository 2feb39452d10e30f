"""Construction de la carte des équipements (folium / Leaflet), utilisable sans internet.

- Leaflet et jQuery sont servis par l'application (``ctg_data.statique``), jamais par un CDN.
- Le fond de carte est facultatif (``CTG_TILES``) : sans lui, les contours des quartiers et des
  IRIS suffisent à lire la carte.
- Une couche GeoJSON par catégorie d'équipement (pas un objet ``Marker`` par équipement) : couleur
  (palette sûre pour les daltoniens), forme et lettre distinctes ; style pointillé pour une
  position approximative.
- Tout texte venu des données est échappé dans le navigateur avant d'être affiché.
- La page de la carte met à jour la carte **sur place** : un fond (contours, légende) construit une
  fois par version des données (``carte_de_base``), identique d'une exécution à l'autre, et des
  couches qui changent avec les filtres (``couches_dynamiques`` : équipements, quartier choisi et
  cadrage), remplacées dans le cadre déjà chargé sans le recharger.
- Sur un écran étroit (téléphone), la liste des couches et la légende sont repliées.
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
from html import escape as echapper
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element, MacroElement
from folium.template import Template as ModeleFolium  # avec le filtre « tojavascript »
from jinja2 import Template
from shapely.ops import polylabel

from . import statique
from .geographie import emprise
from .positions import APPROX
from .vocabulaire import precision_lisible, source_lisible


@dataclass(frozen=True)
class Style:
    couleur: str
    texte: str  # couleur de la lettre, contraste ≥ 4,5:1 sur la couleur de fond
    lettre: str
    forme: str  # rond, carre, losange


# Palette d'Okabe et Ito (lisible par les personnes daltoniennes) + formes et lettres distinctes.
STYLES = {
    "EAJE": Style("#0072B2", "#FFFFFF", "E", "rond"),
    "RPE": Style("#E69F00", "#000000", "R", "carre"),
    "ALSH": Style("#009E73", "#000000", "A", "losange"),
    "LAEP": Style("#CC79A7", "#000000", "L", "rond"),
    "Ludothèque": Style("#D55E00", "#000000", "J", "carre"),
    "Centre social / MEP": Style("#56B4E9", "#000000", "C", "losange"),
    "Médiathèque": Style("#F0E442", "#000000", "M", "rond"),
    "Autre": Style("#555555", "#FFFFFF", "?", "carre"),
}

COULEUR_QPV = "#CE0500"
COULEUR_CITE = "#6A1B9A"
COULEUR_SELECTION = "#000091"
CENTRE_DIJON = [47.3220, 5.0415]

TUILES = {
    "osm": (
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "© les contributeurs d'OpenStreetMap",
    ),
}


def tuiles_configurees() -> tuple[str, str] | None:
    """Fond de carte choisi par ``CTG_TILES`` : « aucun » (défaut), « osm », ou une adresse de tuiles
    ``https://…/{z}/{x}/{y}.png`` (attribution dans ``CTG_TILES_ATTRIBUTION``)."""
    valeur = (os.environ.get("CTG_TILES") or "aucun").strip()
    if valeur.lower() in {"", "aucun", "none", "non"}:
        return None
    if valeur.lower() in TUILES:
        return TUILES[valeur.lower()]
    return valeur, os.environ.get("CTG_TILES_ATTRIBUTION", "Fond de carte")


def json_pour_script(obj) -> str:
    """JSON sûr à placer dans le script de la carte.

    - pas de « </script> » possible : <, > et & sont écrits \\u003c, \\u003e, \\u0026 ;
    - pas de modèle Jinja : folium repasse le script rendu dans Jinja, donc « {{ », « {% » et « {# »
      venus des données seraient exécutés. Ces suites ne peuvent apparaître que dans une chaîne
      JSON (un objet commence toujours par « {" » ou « {} ») : on y écrit « { » \\u007b.
    """
    texte = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    texte = texte.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return re.sub(r"\{(?=[{%#])", r"\\u007b", texte)


CSS = """
<style>
.leaflet-container { background: #F6F6F2; font-family: "Source Sans", Arial, sans-serif; }
.ctg-m span { display: flex; align-items: center; justify-content: center; width: 18px; height: 18px;
  font: bold 12px Arial, sans-serif; border: 2px solid #FFFFFF; box-shadow: 0 0 0 1px #161616; }
.ctg-rond span { border-radius: 50%; }
.ctg-carre span { border-radius: 2px; }
.ctg-losange span { transform: rotate(45deg) scale(0.9); border-radius: 2px; }
.ctg-losange span b { transform: rotate(-45deg); }
.ctg-approx span { border: 2px dashed #161616; box-shadow: 0 0 0 2px #FFFFFF;
  background-image: repeating-linear-gradient(45deg, rgba(255,255,255,0.6) 0 3px, transparent 3px 6px); }
.ctg-etiquette { background: rgba(255,255,255,0.85); border: 1px solid #161616; color: #161616;
  font-weight: bold; font-size: 12px; box-shadow: none; padding: 1px 4px;
  /* Comme la feuille de Leaflet, chargée après le premier placement des étiquettes : sans cela, une
     étiquette est mesurée de la largeur de la carte et posée une demi-carte trop à gauche. */
  position: absolute; white-space: nowrap; }
.ctg-legende { background: #FFFFFF; color: #161616; padding: 6px 8px; border: 1px solid #161616;
  font-size: 12px; line-height: 18px; max-width: 230px; }
details.ctg-legende > summary { cursor: pointer; font-weight: bold; list-style-position: inside; }
details.ctg-legende:not([open]) { padding: 4px 8px; }
details.ctg-legende[open] > summary { margin-bottom: 2px; }
@media (max-width: 639px) {
  details.ctg-legende[open] { max-height: 45vh; overflow-y: auto; }
}
.ctg-legende .ctg-m { display: inline-block; vertical-align: middle; margin-right: 6px; }
.ctg-legende .trait { display: inline-block; width: 22px; height: 0; vertical-align: middle; margin-right: 6px; }
</style>
"""

OUTILS_JS = """
window.ctgEsc = function (s) {
  return String(s === null || s === undefined ? "" : s).replace(/[&<>"']/g, function (c) {
    return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
  });
};
window.ctgIcone = function (st, approx) {
  return L.divIcon({
    className: "ctg-m ctg-" + st.forme + (approx ? " ctg-approx" : ""),
    html: '<span style="background-color:' + st.couleur + ';color:' + st.texte + '"><b>' + st.lettre + "</b></span>",
    iconSize: [22, 22], iconAnchor: [11, 11], tooltipAnchor: [10, 0], popupAnchor: [0, -10]
  });
};
"""


class Outils(MacroElement):
    """Fonctions JavaScript communes (échappement, icônes), déclarées avant les couches."""

    _template = Template("{% macro script(this, kwargs) %}" + OUTILS_JS + "{% endmacro %}")


class CoucheEquipements(folium.map.Layer):
    """Une catégorie d'équipements : une seule couche GeoJSON, une icône par point.

    Les données voyagent en colonnes (valeurs répétées remplacées par un numéro dans une petite
    table) et sont remises en GeoJSON dans le navigateur : 20 000 équipements restent légers.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function (d) {
  var entites = [], val = function (c, k) { return c.v[c.i[k]]; };
  for (var k = 0; k < d.n.length; k++) {
    entites.push({type: "Feature", geometry: {type: "Point", coordinates: [d.xy[2 * k], d.xy[2 * k + 1]]},
      properties: {n: d.n[k], a: d.a[k], t: val(d.t, k), g: val(d.g, k), q: val(d.q, k), p: val(d.p, k), pl: val(d.pl, k), s: val(d.s, k)}});
  }
  return L.geoJSON({type: "FeatureCollection", features: entites}, {
    pointToLayer: function (f, latlng) {
      return L.marker(latlng, {icon: window.ctgIcone({{ this.style }}, f.properties.p === {{ this.approx }}),
                               title: f.properties.n, alt: f.properties.n, keyboard: true});
    },
    onEachFeature: function (f, layer) {
      var p = f.properties, e = window.ctgEsc;
      var precision = p.p === {{ this.approx }} ? "<i>Position " + e(p.pl) + "</i>" : "Position : " + e(p.pl);
      layer.bindTooltip("<b>" + e(p.n) + "</b><br>" + e({{ this.libelle }}) + "<br>" + precision);
      layer.bindPopup("<b>" + e(p.n) + "</b><br>" + e({{ this.libelle }}) + (p.t ? " — " + e(p.t) : "")
        + "<br>Gestionnaire : " + e(p.g) + "<br>Adresse : " + e(p.a) + "<br>Quartier : " + e(p.q)
        + "<br>" + precision + "<br><small>Source : " + e(p.s) + "</small>");
    }
  });
})({{ this.donnees }}).addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, categorie: str, libelle: str, equipements: pd.DataFrame, control: bool = True):
        super().__init__(name=f"{libelle} ({len(equipements)})", overlay=True, control=control, show=True)
        self._name = "CoucheEquipements"
        self.style = json_pour_script(STYLES[categorie].__dict__)
        self.libelle = json_pour_script(categorie)
        self.approx = json_pour_script(APPROX)
        self.donnees = json_pour_script(colonnes_equipements(equipements))


def textes(serie: pd.Series, defaut: str = "") -> list[str]:
    """Valeurs d'une colonne en chaînes Python (vide ou ``defaut`` pour une valeur manquante)."""
    return [defaut if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)) or v == "" else str(v)
            for v in serie.astype(object).tolist()]


def dictionnaire(valeurs: list[str]) -> dict:
    """{"v": valeurs distinctes, "i": numéro de chaque valeur} : compact pour les valeurs répétées."""
    distinctes = sorted(set(valeurs))
    numero = {v: i for i, v in enumerate(distinctes)}
    return {"v": distinctes, "i": [numero[v] for v in valeurs]}


def colonnes_equipements(equipements: pd.DataFrame) -> dict:
    """Les équipements d'une couche en colonnes : coordonnées à 5 décimales (~1 m), textes bruts
    (échappés à l'affichage dans le navigateur)."""
    lon = [round(float(x), 5) for x in equipements["lon"].tolist()]
    lat = [round(float(y), 5) for y in equipements["lat"].tolist()]
    adresses = [
        " ".join(x for x in morceaux if x) or "non précisée"
        for morceaux in zip(textes(equipements["adresse"]), textes(equipements["code_postal"]), textes(equipements["commune"]))
    ]
    sources = [f"convention, {source_lisible(s)}" for s in textes(equipements["source_section"])]
    return {
        "xy": [v for paire in zip(lon, lat) for v in paire],
        "n": textes(equipements["nom"]),
        "a": adresses,
        "t": dictionnaire(textes(equipements["sous_type"])),
        "g": dictionnaire(textes(equipements["gestionnaire"], "non précisé")),
        "q": dictionnaire(textes(equipements["quartier"], "non connu")),
        "p": dictionnaire(textes(equipements["precision"])),
        "pl": dictionnaire([precision_lisible(p) for p in textes(equipements["precision"])]),
        "s": dictionnaire(sources),
    }


def couche_qpv(qpv: gpd.GeoDataFrame, nom: str = "QPV 2024") -> "CouchePolygones":
    """Les quartiers prioritaires (QPV 2024, ANCT) : tirets rouges, nom et commune en infobulle ; la même
    couche sur la carte de Dijon et sur celle des communes d'un territoire."""
    return CouchePolygones(
        nom, "qpv", qpv,
        infobulle=lambda l: f"Quartier prioritaire (QPV 2024) : {l['nom_qpv']} ({l['commune']})",
        style=lambda l: {"color": COULEUR_QPV, "weight": 2.5, "dashArray": "6 4", "fillColor": COULEUR_QPV,
                         "fillOpacity": 0.06},
    )


class CouchePolygones(folium.map.Layer):
    """Contours (quartiers, QPV, IRIS…) avec infobulle échappée et, au besoin, étiquette permanente."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJSON({{ this.donnees }}, {
  style: function (f) { return f.properties._style; },
  onEachFeature: function (f, layer) {
    if (f.properties._etiquette) {
      // Étiquette au cœur du contour (pôle d'inaccessibilité, calculé côté serveur) : le centre de
      // gravité pris par Leaflet peut tomber hors d'un contour concave.
      layer.getCenter = function () { return L.latLng(f.properties._etiquette); };
    }
    layer.bindTooltip(window.ctgEsc(f.properties._infobulle),
      {{ this.options_infobulle }});
    {%- if not this.focalisable %}
    // Hors du parcours au clavier (Tab) : des dizaines de contours (IRIS…) retiendraient la
    // personne dans la carte ; leur contenu est dans le tableau qui accompagne la carte.
    layer.on("add", function () { var e = layer.getElement && layer.getElement(); if (e) { e.setAttribute("tabindex", "-1"); } });
    {%- endif %}
  }
}).addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, nom: str, type_: str, gdf: gpd.GeoDataFrame, infobulle, style, etiquettes: bool = False, show=True,
                 focalisable: bool = False):
        super().__init__(name=nom, overlay=True, control=True, show=show)
        self._name = "CouchePolygones"
        # Au clavier, un contour atteint par Tab montre son infobulle : utile pour 9 quartiers, pas
        # pour 60 IRIS. Par défaut, les contours sont hors du parcours au clavier.
        self.focalisable = focalisable
        entites = []
        attributs = gdf.drop(columns=gdf.geometry.name).to_dict("records")  # bien plus rapide que iterrows
        for ligne, geometrie in zip(attributs, gdf.geometry):
            proprietes = {k: v for k, v in ligne.items() if isinstance(v, (str, int, float))}
            proprietes["_type"] = type_  # « quartier » : un clic sur la carte choisit ce quartier
            proprietes["_infobulle"] = infobulle(ligne)
            proprietes["_style"] = style(ligne)
            if etiquettes:
                point = polylabel(max(getattr(geometrie, "geoms", [geometrie]), key=lambda g: g.area), tolerance=1e-4)
                proprietes["_etiquette"] = [round(point.y, 5), round(point.x, 5)]
            entites.append({"type": "Feature", "properties": proprietes, "geometry": geometrie.__geo_interface__})
        self.donnees = json_pour_script({"type": "FeatureCollection", "features": entites})
        options = {"permanent": True, "direction": "center", "className": "ctg-etiquette"} if etiquettes else {"sticky": True}
        self.options_infobulle = json_pour_script(options)


def legende_html(categories: list[str]) -> str:
    lignes = [
        f'<div><span class="ctg-m ctg-{STYLES[c].forme}"><span style="background-color:{STYLES[c].couleur};'
        f'color:{STYLES[c].texte}"><b>{STYLES[c].lettre}</b></span></span>{c}</div>'
        for c in categories
    ]
    lignes += [
        '<div><span class="ctg-m ctg-rond ctg-approx"><span style="background-color:#BBBBBB;color:#161616">'
        "<b>·</b></span></span>Position approximative</div>",
        f'<div><span class="trait" style="border-top:3px dashed {COULEUR_QPV}"></span>QPV 2024</div>',
        f'<div><span class="trait" style="border-top:3px dotted {COULEUR_CITE}"></span>Cité éducative</div>',
        '<div><span class="trait" style="border-top:2px solid #161616"></span>Quartier</div>',
    ]
    # Repliable (<details>) : ouverte sur un grand écran, repliée sur une carte étroite (``Legende``).
    return ('<details class="ctg-legende" open aria-label="Légende"><summary>Légende</summary>'
            + "".join(lignes) + "</details>")


LARGEUR_ETROITE_PX = 640
"""En dessous de cette largeur de carte (téléphone), la liste des couches et la légende sont repliées."""


class Legende(MacroElement):
    """Légende posée sur la carte, en bas à gauche. Un clic dedans ne choisit pas le quartier situé
    dessous ; repliée au départ sur une carte étroite (si elle est repliable)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.control({position: "bottomleft"});
{{ this.get_name() }}.onAdd = function (carte) {
  var div = L.DomUtil.create("div");
  div.innerHTML = {{ this.html }};
  L.DomEvent.disableClickPropagation(div);
  L.DomEvent.disableScrollPropagation(div);
  var repliable = div.querySelector("details");
  if (repliable && carte.getSize().x < {{ this.largeur_etroite }}) { repliable.open = false; }
  return div;
};
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    largeur_etroite = LARGEUR_ETROITE_PX

    def __init__(self, categories: list[str]):
        super().__init__()
        self._name = "Legende"
        self.html = json_pour_script(legende_html(categories))


class ControleCouches(folium.LayerControl):
    """La liste des couches (folium ``LayerControl``), repliée sur une petite carte : hauteur de moins
    de 450 px, ou largeur de moins de ``LARGEUR_ETROITE_PX`` mesurée dans le navigateur."""

    _template = ModeleFolium(
        """
{% macro script(this,kwargs) %}
var {{ this.get_name() }}_layers = {
    base_layers : {
        {%- for key, val in this.base_layers.items() %}
        {{ key|tojson }} : {{val}},
        {%- endfor %}
    },
    overlays :  {
        {%- for key, val in this.overlays.items() %}
        {{ key|tojson }} : {{val}},
        {%- endfor %}
    },
};
var {{ this.get_name() }}_options = {{ this.options|tojavascript }};
if ({{ this._parent.get_name() }}.getSize().x < {{ this.largeur_etroite }}) {
    {{ this.get_name() }}_options.collapsed = true;
}
let {{ this.get_name() }} = L.control.layers(
    {{ this.get_name() }}_layers.base_layers,
    {{ this.get_name() }}_layers.overlays,
    {{ this.get_name() }}_options
).addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    largeur_etroite = LARGEUR_ETROITE_PX

    def __init__(self, hauteur_px: int = 600):
        super().__init__(position="topright", collapsed=hauteur_px < 450)


class EchelleMetrique(MacroElement):
    """L'échelle de la carte en mètres et kilomètres seulement (celle de folium, ``control_scale``, écrit
    aussi miles et pieds)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "L.control.scale({imperial: false, metric: true}).addTo({{ this._parent.get_name() }});"
        "{% endmacro %}")

    def __init__(self):
        super().__init__()
        self._name = "EchelleMetrique"


def carte_vide(hauteur_px: int = 600) -> folium.Map:
    """Carte sans fond ni dépendance externe : Leaflet et jQuery locaux, styles du projet, échelle en
    mètres et kilomètres."""
    tuiles = tuiles_configurees()
    carte = folium.Map(location=CENTRE_DIJON, zoom_start=13, tiles=None, control_scale=False,
                       height=hauteur_px, min_zoom=11, max_zoom=18, zoom_snap=0.25)
    EchelleMetrique().add_to(carte)
    carte.default_js = statique.JS
    carte.default_css = statique.CSS
    if tuiles:
        folium.TileLayer(tiles=tuiles[0], attr=tuiles[1], name="Fond de carte", max_zoom=19).add_to(carte)
    carte.get_root().header.add_child(Element(CSS))
    carte.add_child(Outils())
    return carte


def carte_de_base(
    quartiers_geo: gpd.GeoDataFrame,
    qpv: gpd.GeoDataFrame,
    iris: gpd.GeoDataFrame | None = None,
    *,
    categories: list[str] = (),
    quartier_selectionne: str | None = None,
    quartiers_cite_educative: list[str] = (),
    hauteur_px: int = 600,
) -> folium.Map:
    """Le fond de la carte : contours (IRIS, quartiers, QPV, Cité éducative) et légende des
    ``categories``, cadré sur les quartiers (ou le quartier choisi) ; ni équipements ni liste des
    couches.

    Sans ``quartier_selectionne``, il ne dépend que des données : la page le construit une fois par
    version des données et l'envoie identique à chaque exécution (le cadre de la carte n'est alors
    pas rechargé) ; le quartier choisi et les équipements arrivent par ``couches_dynamiques``."""
    carte = carte_vide(hauteur_px)
    if iris is not None:
        CouchePolygones(
            "IRIS (contours 2020)", "iris", iris,
            infobulle=lambda l: f"IRIS {l['nom_iris']} ({l['code_iris']})",
            style=lambda l: {"color": "#7A7A7A", "weight": 0.8, "fill": False},
        ).add_to(carte)
    CouchePolygones(
        "Quartiers (9)", "quartier", quartiers_geo,
        infobulle=lambda l: l["nom"], etiquettes=True, focalisable=True,
        style=lambda l: {
            "color": COULEUR_SELECTION if l["nom"] == quartier_selectionne else "#161616",
            "weight": 4 if l["nom"] == quartier_selectionne else 2,
            "fillColor": COULEUR_SELECTION, "fillOpacity": 0.08 if l["nom"] == quartier_selectionne else 0.02,
        },
    ).add_to(carte)
    couche_qpv(qpv).add_to(carte)
    cite = quartiers_geo[quartiers_geo["nom"].isin(list(quartiers_cite_educative))]
    if not cite.empty:
        perimetre = gpd.GeoDataFrame(
            {"nom": ["Cité éducative"]}, geometry=[cite.geometry.union_all()], crs=cite.crs
        )
        CouchePolygones(
            "Cité éducative", "cite_educative", perimetre,
            infobulle=lambda l: "Cité éducative : quartiers " + " et ".join(sorted(cite["nom"])),
            style=lambda l: {"color": COULEUR_CITE, "weight": 3, "dashArray": "2 6", "fill": False},
        ).add_to(carte)
    Legende([c for c in STYLES if c in set(categories)]).add_to(carte)
    zone = quartiers_geo[quartiers_geo["nom"] == quartier_selectionne] if quartier_selectionne else quartiers_geo
    CadrageInitial(emprise(zone if not zone.empty else quartiers_geo)).add_to(carte)
    return carte


def groupes_equipements(equipements: pd.DataFrame) -> list[folium.FeatureGroup]:
    """Une couche par catégorie d'équipement localisé (« EAJE (8) » dans la liste des couches), dans
    l'ordre de ``STYLES``."""
    localises = equipements[equipements["lat"].notna()]
    groupes = []
    for categorie in [c for c in STYLES if c in set(localises["categorie"])]:
        dans = localises[localises["categorie"] == categorie]
        groupe = folium.FeatureGroup(name=f"{categorie} ({len(dans)})", overlay=True, control=True)
        CoucheEquipements(categorie, categorie, dans, control=False).add_to(groupe)
        groupes.append(groupe)
    return groupes


class Surbrillance(folium.map.Layer):
    """Le contour du quartier choisi, par-dessus le fond ; ne capte pas la souris (l'infobulle et le
    clic restent ceux du contour du fond)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJSON({{ this.donnees }}, {interactive: false, style: {{ this.style }}})
  .addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, zone: gpd.GeoDataFrame):
        super().__init__(name="Quartier choisi", overlay=True, control=False, show=True)
        self._name = "Surbrillance"
        self.donnees = json_pour_script({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {}, "geometry": g.__geo_interface__} for g in zone.geometry]})
        self.style = json_pour_script({"color": COULEUR_SELECTION, "weight": 4, "fillColor": COULEUR_SELECTION,
                                       "fillOpacity": 0.08})


class Cadrage(MacroElement):
    """Cadre la carte sur une emprise quand celle-ci change (autre quartier), sans animation ; ne
    bouge pas la carte quand seuls les filtres changent (la personne garde sa vue). Leaflet calcule
    le zoom pour la taille réelle du cadre (téléphone ou grand écran)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (carte, bornes) {
  var cle = JSON.stringify(bornes);
  if (window.ctgCadrage === cle) { return; }
  window.ctgCadrage = cle;
  var cadrer = function () { carte.fitBounds(bornes, {animate: false}); };
  // Un zoom animé en cours ramènerait la carte à sa vue d'avant à la fin de son animation.
  if (carte._animatingZoom) { carte.once("zoomend", cadrer); } else { cadrer(); }
})({{ this._parent._parent.get_name() }}, {{ this.bornes }});
{% endmacro %}
"""
    )

    def __init__(self, bornes: list[list[float]]):
        super().__init__()
        self._name = "Cadrage"
        self.bornes = json_pour_script(bornes)


class CadrageInitial(MacroElement):
    """Le cadrage de départ, sans animation (``fit_bounds`` de folium anime le zoom : un cadrage
    demandé pendant cette animation serait annulé à sa fin)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.fitBounds({{ this.bornes }}, {animate: false});
{% endmacro %}
"""
    )

    def __init__(self, bornes: list[list[float]]):
        super().__init__()
        self._name = "CadrageInitial"
        self.bornes = json_pour_script(bornes)


def couches_dynamiques(
    equipements: pd.DataFrame, quartiers_geo: gpd.GeoDataFrame, quartier_selectionne: str | None = None,
) -> list[folium.FeatureGroup]:
    """Ce qui change avec les filtres, pour ``st_folium(feature_group_to_add=…)`` sur le fond de
    ``carte_de_base`` : le quartier choisi (contour et cadrage ; tout le territoire sans quartier),
    puis une couche par catégorie d'équipement."""
    zone = quartiers_geo[quartiers_geo["nom"] == quartier_selectionne] if quartier_selectionne else quartiers_geo.iloc[0:0]
    choix = folium.FeatureGroup(name="Quartier choisi", overlay=True, control=False)
    if not zone.empty:
        Surbrillance(zone).add_to(choix)
    Cadrage(emprise(zone if not zone.empty else quartiers_geo)).add_to(choix)
    return [choix, *groupes_equipements(equipements)]


def construire_carte(
    equipements: pd.DataFrame,
    quartiers_geo: gpd.GeoDataFrame,
    qpv: gpd.GeoDataFrame,
    iris: gpd.GeoDataFrame | None = None,
    *,
    quartier_selectionne: str | None = None,
    quartiers_cite_educative: list[str] = (),
    hauteur_px: int = 600,
) -> folium.Map:
    """La carte complète, d'un seul tenant (portrait de quartier, séminaire, banc d'essai).
    ``equipements`` : sortie de ``positions.positions`` (filtrée au besoin) ; seuls les équipements
    localisés (lat/lon connus) y figurent."""
    localises = equipements[equipements["lat"].notna()]
    carte = carte_de_base(quartiers_geo, qpv, iris, categories=list(localises["categorie"]),
                          quartier_selectionne=quartier_selectionne,
                          quartiers_cite_educative=quartiers_cite_educative, hauteur_px=hauteur_px)
    for groupe in groupes_equipements(localises):
        groupe.add_to(carte)
    # Sur une petite carte, la liste des couches se replie pour laisser voir le quartier.
    ControleCouches(hauteur_px).add_to(carte)
    return carte


def copie(carte: folium.Map) -> folium.Map:
    """Une copie indépendante d'une carte gardée en cache : ``st_folium`` modifie la carte qu'il reçoit
    (noms des variables, couches ajoutées) ; l'original reste intact et identique pour tous."""
    return copy.deepcopy(carte)


def liens_externes(carte: folium.Map) -> list[str]:
    """Adresses http(s) que la page de la carte chargerait (scripts, feuilles de style) : doit être vide."""
    html = carte.get_root().render()
    liens = [lien for _, lien in carte.default_js + carte.default_css]
    for element in carte._children.values():
        liens += [lien for _, lien in getattr(element, "default_js", []) + getattr(element, "default_css", [])]
    return sorted({lien for lien in liens if lien.startswith("http")} | {
        morceau.split('"')[0] for morceau in html.split('src="')[1:] if morceau.startswith("http")
    })


class Repere(MacroElement):
    """Un repère simple (nouvelle position proposée), sans texte venu des données."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
L.circleMarker([{{ this.lat }}, {{ this.lon }}], {radius: 9, color: "#CE0500", weight: 3, fillOpacity: 0.2})
  .bindTooltip("Nouvelle position proposée").addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, lat: float, lon: float):
        super().__init__()
        self._name = "Repere"
        self.lat, self.lon = float(lat), float(lon)


def carte_correction(
    equipement: pd.DataFrame, quartiers_geo: gpd.GeoDataFrame, point_propose: tuple[float, float] | None = None,
    hauteur_px: int = 420,
) -> folium.Map:
    """Petite carte pour corriger la position d'un équipement : quartiers, position actuelle (si
    connue), nouvelle position proposée (clic de l'éditeur)."""
    carte = carte_vide(hauteur_px)
    CouchePolygones(
        "Quartiers (9)", "quartier", quartiers_geo, infobulle=lambda l: l["nom"], etiquettes=True,
        style=lambda l: {"color": "#161616", "weight": 2, "fillOpacity": 0.02},
    ).add_to(carte)
    localise = equipement[equipement["lat"].notna()]
    for categorie in set(localise["categorie"]):
        CoucheEquipements(categorie, categorie, localise[localise["categorie"] == categorie]).add_to(carte)
    if point_propose is not None:
        Repere(*point_propose).add_to(carte)
    if point_propose is not None:
        carte.location, carte.options["zoom"] = list(point_propose), 16
        carte.fit_bounds([[point_propose[0] - 0.003, point_propose[1] - 0.004], [point_propose[0] + 0.003, point_propose[1] + 0.004]])
    elif not localise.empty:
        lat, lon = float(localise["lat"].iloc[0]), float(localise["lon"].iloc[0])
        carte.fit_bounds([[lat - 0.004, lon - 0.006], [lat + 0.004, lon + 0.006]])
    else:
        carte.fit_bounds(emprise(quartiers_geo))
    return carte


# --- Carte thématique (choroplèthe) -----------------------------------------------------------
# Bleus séquentiels (lisibles par les personnes daltoniennes), du plus clair au plus foncé.
PALETTE_SEQUENTIELLE = ["#DEEBF7", "#9ECAE1", "#6BAED6", "#3182BD", "#08519C"]


UNITES_DE_COMPTE = {"allocataires", "personnes", "équipements", "habitants", "ménages", "foyers", "familles",
                    "enfants", "jeunes", "logements", "élèves", "bénéficiaires", "actions", "places"}
"""Unités d'un nombre de… : leurs classes ont des bornes entières (jamais « ≤ 391,4 allocataires »)."""


def est_un_compte(unite: str | None, valeurs: list[float] = ()) -> bool:
    """Vrai pour un compte : unité de ``UNITES_DE_COMPTE`` (« allocataires », « personnes »…), ou
    valeurs toutes entières sans unité de taux ni de montant."""
    u = (unite or "").strip().lower()
    if u in UNITES_DE_COMPTE:
        return True
    return u not in {"%", "€", "points", "point"} and not u.startswith("€") and bool(valeurs) and all(
        float(v) == round(float(v)) for v in valeurs)


def classes(valeurs: list[float], n: int = 5, entiers: bool = False) -> list[float]:
    """Bornes de classes par quantiles (au plus n classes, moins s'il y a peu de valeurs distinctes).
    ``entiers`` (un compte) : bornes entières (quantile arrondi à l'entier inférieur), une classe
    « ≤ b » contient donc exactement les comptes jusqu'à b."""
    distinctes = sorted(set(round(v, 6) for v in valeurs))
    if len(distinctes) <= n:
        return sorted(set(float(math.floor(v)) for v in distinctes)) if entiers else distinctes
    serie = pd.Series(valeurs)
    bornes = [float(serie.quantile(i / n)) for i in range(1, n)]
    if entiers:
        bornes = [float(math.floor(b)) for b in bornes]
    return sorted(set(bornes))


def couleur(valeur, bornes: list[float]) -> str:
    if valeur is None or pd.isna(valeur):
        return "#FFFFFF"
    rang = sum(valeur > b for b in bornes) if len(bornes) > 1 else 0
    return PALETTE_SEQUENTIELLE[min(rang, len(PALETTE_SEQUENTIELLE) - 1)]


def carte_choroplethe(zones: gpd.GeoDataFrame, cle: str, valeurs: pd.DataFrame, titre: str, unite: str,
                      qpv: gpd.GeoDataFrame | None = None, quartier_selectionne: str | None = None,
                      hauteur_px: int = 520) -> folium.Map:
    """Zones (quartiers ou IRIS) colorées selon ``valeurs`` (colonnes code_zone, valeur, statut) ;
    une zone sans valeur reste blanche, avec son statut dans l'infobulle (jamais 0)."""
    from .format import valeur as texte_valeur

    carte = carte_vide(hauteur_px)
    par_zone = valeurs.set_index("code_zone")
    publies = [float(v) for v in valeurs["valeur"].dropna()]
    entiers = est_un_compte(unite, publies)
    bornes = classes(publies, entiers=entiers)
    donnees = zones.copy()
    donnees["_valeur"] = [par_zone["valeur"].get(c) if c in par_zone.index else None for c in donnees[cle]]
    donnees["_statut"] = [par_zone["statut"].get(c) if c in par_zone.index else "pas de donnée" for c in donnees[cle]]
    nom = "nom" if "nom" in donnees.columns else "nom_iris"
    CouchePolygones(
        titre, "choroplethe", donnees, focalisable=len(donnees) <= 12,
        infobulle=lambda l: f"{l[nom]} : " + (texte_valeur(l['_valeur'], unite) if l["_valeur"] is not None and not pd.isna(l["_valeur"]) else f"pas de valeur ({l['_statut']})"),
        style=lambda l: {
            "color": COULEUR_SELECTION if l[nom] == quartier_selectionne else "#161616",
            "weight": 3 if l[nom] == quartier_selectionne else 1,
            "fillColor": couleur(l["_valeur"], bornes), "fillOpacity": 0.85,
            **({"dashArray": "4 3"} if l["_valeur"] is None or pd.isna(l["_valeur"]) else {}),
        },
    ).add_to(carte)
    if qpv is not None:
        CouchePolygones(
            "QPV 2024", "qpv", qpv, infobulle=lambda l: f"QPV : {l['nom_qpv']}",
            style=lambda l: {"color": COULEUR_QPV, "weight": 2.5, "dashArray": "6 4", "fill": False},
        ).add_to(carte)
    LegendeChoroplethe(bornes, unite, titre, entiers=entiers).add_to(carte)
    folium.LayerControl(collapsed=True, position="topright").add_to(carte)
    carte.fit_bounds(emprise(zones))
    return carte


def etiquettes_classes(bornes: list[float], unite: str, entiers: bool = False) -> list[str]:
    """Les libellés des classes de la légende, à la française : « ≤ 391 allocataires »,
    « 392 – 560 allocataires » (compte : bornes entières, la classe suivante commence à l'entier
    d'après), « 12,5 % – 18 % », « > 900 allocataires »."""
    from .format import valeur as texte_valeur

    if len(bornes) <= 1:
        return [texte_valeur(b, unite) for b in bornes]
    milieu = []
    for a, b in zip(bornes, bornes[1:]):
        debut = a + 1 if entiers else a
        milieu.append(texte_valeur(b, unite) if entiers and debut >= b
                      else f"{texte_valeur(debut, unite)} – {texte_valeur(b, unite)}")
    return [f"≤ {texte_valeur(bornes[0], unite)}", *milieu, f"> {texte_valeur(bornes[-1], unite)}"]


class LegendeChoroplethe(MacroElement):
    _template = Legende._template
    largeur_etroite = LARGEUR_ETROITE_PX

    def __init__(self, bornes: list[float], unite: str, titre: str, entiers: bool = False):
        super().__init__()
        self._name = "LegendeChoroplethe"
        lignes = []
        self.etiquettes = etiquettes = etiquettes_classes(bornes, unite, entiers)
        for i, etiquette in enumerate(etiquettes):
            coul = PALETTE_SEQUENTIELLE[min(i, len(PALETTE_SEQUENTIELLE) - 1)]
            lignes.append(f'<div><span class="trait" style="border-top:12px solid {coul};width:18px"></span>{echapper(etiquette)}</div>')
        lignes.append('<div><span class="trait" style="border-top:2px dashed #161616;width:18px"></span>pas de valeur publiée</div>')
        html = (f'<div class="ctg-legende" role="region" aria-label="Légende"><b>{echapper(titre)}</b>'
                + "".join(lignes) + "</div>")
        self.html = json_pour_script(html)
