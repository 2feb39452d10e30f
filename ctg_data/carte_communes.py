"""Carte d'un territoire décrit par ses communes (une intercommunalité qui a ses données dérivées) :
contours et noms des communes, contour du territoire, commune choisie soulignée et cadrée, et couche
des équipements du territoire.

Même fabrication que la carte des équipements de Dijon (``ctg_data.carte``), dont elle reprend les
briques : Leaflet servi par l'application (utilisable sans internet), fond de carte facultatif
(``CTG_TILES``), textes venus des données échappés dans le navigateur, légende et liste des couches
repliées sur un écran étroit. La page met la carte à jour sur place : un fond construit une fois par
version des données (``carte_de_base``) et des couches qui changent avec la commune choisie
(``couches_dynamiques``).

Les équipements : un territoire peut déclarer un fichier (``equipements: equipements.csv`` dans
``data/territoires/<id>.yaml``, fichier rangé dans le dossier de ses données dérivées), au format
``schemas.EQUIPEMENTS_TERRITOIRE`` ; chaque ligne dit sa source en mots. Sans fichier, la couche des
équipements est vide et porte ce nom ; la page donne le modèle à remplir (``modele_csv``,
``modele_xlsx``) et dit en une ligne comment le déclarer (``phrase_declaration``). Un équipement sans
position est compté et listé, jamais placé à un point deviné.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import pandera.pandas as pa
from branca.element import Element, MacroElement
from jinja2 import Template
from shapely.ops import polylabel

from . import config
from . import exports
from . import format as fmt
from .carte import (
    COULEUR_QPV, COULEUR_SELECTION, STYLES, CadrageInitial, Cadrage, Legende, Surbrillance, carte_vide, couche_qpv,
    json_pour_script, textes,
)
from .erreurs import ErreurDonnees, Probleme
from .geographie import emprise
from .schemas import EQUIPEMENTS_TERRITOIRE
from .territoire import DOSSIER, DOSSIER_DONNEES, Territoire, fichier_pack
from .validation import traduire
from .vocabulaire import CATEGORIES_EQUIPEMENTS

COLONNES = list(EQUIPEMENTS_TERRITOIRE.columns)
"""Colonnes du fichier des équipements d'un territoire, dans l'ordre du modèle."""
FICHIER_PAR_DEFAUT = "equipements.csv"
HAUTEUR_PX = 560
COULEUR_COMMUNE = "#5A5A5A"
COULEUR_CONTOUR = "#161616"
MARGE_DEGRES = 0.02  # une position à plus de ~2 km du territoire est refusée (latitude et longitude inversées ?)


# --- Le fichier des équipements ------------------------------------------------------------------

def chemin_equipements(territoire: Territoire, dossier: Path | None = None) -> Path | None:
    """Le fichier des équipements déclaré par le territoire, ou None s'il n'en déclare pas."""
    if territoire.equipements is None or territoire.donnees is None:
        return None
    return (dossier or config.dossier_donnees()) / fichier_pack(territoire, territoire.equipements)


def phrase_declaration(territoire: Territoire) -> str:
    """Comment ajouter le fichier des équipements d'un territoire, en une ligne (texte seul : aucun
    chemin n'est saisi dans la page)."""
    dossier = f"data/{DOSSIER}/{DOSSIER_DONNEES}/{territoire.donnees or territoire.id}"
    return (f"Pour ajouter les équipements : remplissez le modèle, placez-le dans le dossier du territoire "
            f"({dossier}/{FICHIER_PAR_DEFAUT}) et déclarez-le dans son fichier (data/{DOSSIER}/{territoire.id}.yaml : "
            f"equipements: {FICHIER_PAR_DEFAUT}).")


def _nombre_a_virgule(valeur):
    """« 47,2276 » (tableur français) -> « 47.2276 » ; toute autre valeur reste telle quelle."""
    if isinstance(valeur, str) and re.fullmatch(r"\s*-?\d+,\d+\s*", valeur):
        return valeur.replace(",", ".")
    return valeur


def _cle(texte: str) -> str:
    """Un nom de commune comparé sans tenir compte des majuscules, des accents ni des espaces en trop."""
    sans_accents = unicodedata.normalize("NFKD", str(texte)).encode("ascii", "ignore").decode()
    return re.sub(r"[\s'’-]+", " ", sans_accents).strip().casefold()


def codes_des_communes(communes: pd.DataFrame) -> dict[str, str]:
    """Ce qu'on peut écrire dans la colonne « commune » (code INSEE, ou nom sans tenir compte des majuscules
    ni des accents) -> code INSEE de la commune du territoire."""
    codes = {}
    for code, nom in zip(communes["code"].astype(str), communes["nom"].astype(str)):
        codes[_cle(nom)] = code
    codes.update({_cle(c): c for c in communes["code"].astype(str)})
    return codes


def lire_equipements(contenu: bytes, nom: str, communes: pd.DataFrame,
                     contour: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Le fichier des équipements (CSV séparé par « ; », « , » ou une tabulation, ou classeur XLSX :
    première feuille), validé : schéma ``EQUIPEMENTS_TERRITOIRE`` (catégorie connue, source dite…),
    commune du territoire (``communes`` : colonnes code, nom ; la cellule donne son nom ou son code INSEE),
    latitude et longitude données ensemble et dans le territoire (``contour``). Toute erreur :
    ``ErreurDonnees`` en français, avec le numéro de ligne du fichier ouvert dans un tableur et la colonne.

    Renvoie une ligne par équipement : nom, categorie, adresse, code_commune (code INSEE), commune (nom
    officiel), lat, lon, capacite, source, note, ligne (numéro dans le fichier)."""
    from .saisie import lire_fichier  # même lecture que l'import de la saisie (encodages, séparateurs, XLSX)

    brut = lire_fichier(contenu, nom)
    numeros = [int(i) for i in brut.index]
    df = brut.reset_index(drop=True)
    df = df.map(lambda v: pd.NA if v is None or (isinstance(v, str) and not v.strip()) else v)
    garder = [i for i in range(len(df)) if not df.iloc[i].isna().all()]  # lignes entièrement vides : ignorées
    df, numeros = df.iloc[garder].reset_index(drop=True), [numeros[i] for i in garder]
    for colonne in ("latitude", "longitude", "capacite"):
        if colonne in df.columns:
            df[colonne] = df[colonne].map(_nombre_a_virgule)
    df = df.astype(object)
    for colonne in df.columns:  # texte : le type « str » de pandas (cellule vide manquante), comme lire_csv
        if colonne not in ("latitude", "longitude", "capacite"):
            df[colonne] = df[colonne].astype(str)
    codes = codes_des_communes(communes)
    problemes = _controles_du_territoire(df, numeros, codes, contour)
    try:
        valide = EQUIPEMENTS_TERRITOIRE.validate(df, lazy=True)
    except pa.errors.SchemaErrors as e:  # traduit en français, cellule par cellule ; ligne : celle du fichier
        problemes += [Probleme(p.message, ligne=numeros[p.ligne - 2] if p.ligne is not None and 0 <= p.ligne - 2 < len(numeros)
                               else p.ligne, colonne=p.colonne) for p in traduire(e.failure_cases, EQUIPEMENTS_TERRITOIRE)]
        valide = None
    if problemes or valide is None:
        raise ErreurDonnees(nom, sorted(problemes, key=lambda p: (p.ligne or 0, p.colonne or "")))
    for colonne in COLONNES:
        if colonne not in valide.columns:
            valide[colonne] = pd.NA
    noms = dict(zip(communes["code"].astype(str), communes["nom"]))
    code_commune = [codes[_cle(v)] for v in valide["commune"]]
    sortie = pd.DataFrame({
        "nom": valide["nom"].values, "categorie": valide["categorie"].values, "adresse": valide["adresse"].values,
        "code_commune": code_commune, "commune": [noms[c] for c in code_commune],
        "lat": pd.to_numeric(valide["latitude"], errors="coerce").values,
        "lon": pd.to_numeric(valide["longitude"], errors="coerce").values,
        "capacite": valide["capacite"].astype("Int64").values, "source": valide["source"].values,
        "note": valide["note"].values, "ligne": numeros,
    })
    return sortie


def _controles_du_territoire(df: pd.DataFrame, numeros: list[int], codes: dict[str, str],
                             contour: gpd.GeoDataFrame | None) -> list[Probleme]:
    """Ce que le schéma ne sait pas vérifier seul : la commune est une commune du territoire, latitude et
    longitude vont ensemble et tombent dans le territoire. Une cellule vide ou au mauvais format est
    laissée au schéma (un seul message par cellule)."""
    bornes = None
    if contour is not None and not contour.empty:
        ouest, sud, est, nord = contour.total_bounds
        bornes = (sud - MARGE_DEGRES, nord + MARGE_DEGRES, ouest - MARGE_DEGRES, est + MARGE_DEGRES)
    vide = pd.Series(pd.NA, index=df.index, dtype=object)
    communes = df["commune"] if "commune" in df.columns else vide
    lats_brutes = df["latitude"] if "latitude" in df.columns else vide
    lons_brutes = df["longitude"] if "longitude" in df.columns else vide
    lats, lons = pd.to_numeric(lats_brutes, errors="coerce"), pd.to_numeric(lons_brutes, errors="coerce")
    problemes = []
    for i, numero in enumerate(numeros):
        commune = communes.iloc[i]
        if isinstance(commune, str) and _cle(commune) not in codes:
            problemes.append(Probleme(f"« {commune} » n'est ni le nom ni le code INSEE d'une commune du territoire "
                                      "(liste des communes sous la carte)", ligne=numero, colonne="commune"))
        lat_vide, lon_vide = pd.isna(lats_brutes.iloc[i]), pd.isna(lons_brutes.iloc[i])
        if lat_vide != lon_vide:
            problemes.append(Probleme("latitude et longitude vont ensemble : remplissez les deux, ou aucune "
                                      "(l'équipement est alors listé sans être placé)", ligne=numero,
                                      colonne="latitude" if lat_vide else "longitude"))
        elif bornes is not None and not pd.isna(lats.iloc[i]) and not pd.isna(lons.iloc[i]):
            lat, lon = float(lats.iloc[i]), float(lons.iloc[i])
            if not (bornes[0] <= lat <= bornes[1] and bornes[2] <= lon <= bornes[3]):
                problemes.append(Probleme(
                    f"position {fmt.nombre(lat, 5)} ; {fmt.nombre(lon, 5)} hors du territoire (latitude et longitude "
                    "inversées ?)", ligne=numero, colonne="latitude"))
    return problemes


def charger_equipements(territoire: Territoire, communes: pd.DataFrame, contour: gpd.GeoDataFrame | None = None,
                        dossier: Path | None = None) -> pd.DataFrame | None:
    """Les équipements du territoire (``lire_equipements``), ou None s'il ne déclare pas de fichier."""
    chemin = chemin_equipements(territoire, dossier)
    if chemin is None:
        return None
    nom = fichier_pack(territoire, territoire.equipements)
    if not chemin.is_file():
        raise ErreurDonnees(nom, [Probleme("fichier introuvable : placez-le dans le dossier du territoire, ou retirez "
                                           f"« equipements » de {DOSSIER}/{territoire.id}.yaml")])
    return lire_equipements(chemin.read_bytes(), nom, communes, contour)


def mode_d_emploi() -> pd.DataFrame:
    """Chaque colonne du fichier des équipements : son nom dans le fichier, son sens et si elle est
    obligatoire (lus dans le schéma : une seule définition)."""
    lignes = []
    for nom, colonne in EQUIPEMENTS_TERRITOIRE.columns.items():
        obligatoire = not colonne.nullable and colonne.required
        lignes.append({"Colonne du fichier": nom, "Sens": colonne.title, "Obligatoire": "oui" if obligatoire else "non",
                       "Ce qu'il faut y écrire": colonne.description})
    return pd.DataFrame(lignes)


def categories_admises() -> pd.DataFrame:
    return pd.DataFrame({"Catégorie (à écrire telle quelle)": list(CATEGORIES_EQUIPEMENTS),
                         "Ce qu'elle recouvre": list(CATEGORIES_EQUIPEMENTS.values())})


def modele_vide() -> pd.DataFrame:
    return pd.DataFrame(columns=COLONNES)


def modele_csv() -> bytes:
    """Le modèle à remplir pour un tableur : la ligne d'en-tête (noms des colonnes tels que le fichier
    doit les garder), point-virgule, UTF-8 ; relu tel quel par ``lire_equipements``."""
    return exports.en_csv(modele_vide())


def modele_xlsx() -> bytes:
    """Le modèle en classeur : la feuille à remplir (en-tête seule, première feuille : la seule lue),
    puis le mode d'emploi de chaque colonne et la liste des catégories admises."""
    return exports.classeur([("Équipements", modele_vide()), ("Mode d'emploi", mode_d_emploi()),
                             ("Catégories", categories_admises())])


# --- Tableaux pour la page ---------------------------------------------------------------------------

def tableau_communes(communes: pd.DataFrame, equipements: pd.DataFrame | None = None) -> pd.DataFrame:
    """Une ligne par commune (nom, code INSEE), triée par nom ; avec un fichier d'équipements, leur
    nombre dans la commune et combien sont placés sur la carte (« Sur la carte »)."""
    tableau = pd.DataFrame({"Commune": communes["nom"].astype(str).values,
                            "Code INSEE": communes["code"].astype(str).values})
    if equipements is not None:
        codes = equipements["code_commune"].astype(str)
        places = equipements["lat"].notna()
        tableau["Équipements"] = [int((codes == c).sum()) for c in tableau["Code INSEE"]]
        tableau["Sur la carte"] = [int(((codes == c) & places).sum()) for c in tableau["Code INSEE"]]
    return tableau.sort_values("Commune", key=lambda s: s.str.normalize("NFKD")).reset_index(drop=True)


def sources_equipements(equipements: pd.DataFrame) -> list[str]:
    """Les sources (en mots) dites par les lignes du fichier, chacune une fois, dans l'ordre du fichier."""
    return list(dict.fromkeys(textes(equipements["source"])))


# --- La carte ----------------------------------------------------------------------------------------

CSS_COMMUNES = """
<style>
.ctg-nom-commune { pointer-events: none; }
.ctg-nom-commune span { position: absolute; transform: translate(-50%, -50%); white-space: nowrap;
  font: 600 11px "Source Sans", Arial, sans-serif; color: #161616; background: rgba(255,255,255,0.8);
  padding: 0 3px; border-radius: 2px; }
</style>
"""


class CoucheCommunes(folium.map.Layer):
    """Les communes : contours (nom en infobulle au survol, clic relayé à la page) et noms posés au cœur
    de chaque commune (pôle d'inaccessibilité), montrés seulement là où ils tiennent : dans le cadre de
    leur commune à ce zoom, sans chevaucher un nom déjà posé (les plus grandes communes d'abord)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function (d, carte) {
  var groupe = L.featureGroup(), noms = [];
  // Les noms sous les équipements (volet des marqueurs : 600), au-dessus des contours (400).
  if (!carte.getPane("ctgNoms")) { carte.createPane("ctgNoms").style.zIndex = 450; }
  var contours = L.geoJSON(d, {
    style: function (f) { return f.properties._style; },
    onEachFeature: function (f, layer) {
      layer.bindTooltip(window.ctgEsc(f.properties.nom), {sticky: true});
      // Hors du parcours au clavier : le tableau des communes, sous la carte, en donne le contenu.
      layer.on("add", function () { var e = layer.getElement && layer.getElement(); if (e) { e.setAttribute("tabindex", "-1"); } });
      var nom = L.marker(f.properties._etiquette, {interactive: false, keyboard: false, pane: "ctgNoms", icon: L.divIcon({
        className: "ctg-nom-commune", iconSize: null, html: "<span>" + window.ctgEsc(f.properties.nom) + "</span>"})});
      nom._ctgContour = layer;
      noms.push(nom);
    }
  }).addTo(groupe);
  noms.forEach(function (n) { n.addTo(groupe); });
  var ajuster = function () {
    if (!carte._loaded || !carte.hasLayer(groupe)) { return; }
    // Feuille de style de Leaflet pas encore appliquée (elle arrive parfois après la carte) : les noms
    // seraient mal mesurés ; on reprend un peu plus tard.
    var premier = noms.length && noms[0]._icon;
    if (premier && getComputedStyle(premier).position !== "absolute") { setTimeout(ajuster, 200); return; }
    var places = [], items = [], cadre = carte.getContainer().getBoundingClientRect();
    noms.forEach(function (n) {
      var e = n._icon && n._icon.firstChild;
      if (!e) { return; }
      e.style.visibility = "";
      var b = n._ctgContour.getBounds();
      var a = carte.latLngToContainerPoint(b.getNorthWest()), z = carte.latLngToContainerPoint(b.getSouthEast());
      items.push({e: e, l: z.x - a.x, h: z.y - a.y});
    });
    items.sort(function (p, q) { return q.l * q.h - p.l * p.h; });
    items.forEach(function (it) {
      var r = it.e.getBoundingClientRect();
      // Dans sa commune à ce zoom, et entier dans le cadre de la carte (jamais coupé par un bord).
      var tient = r.width <= 0.9 * it.l && r.height <= 0.6 * it.h && r.left >= cadre.left + 2
        && r.right <= cadre.right - 2 && r.top >= cadre.top + 2 && r.bottom <= cadre.bottom - 2;
      for (var i = 0; tient && i < places.length; i++) {
        var p = places[i];
        if (!(r.right + 3 < p.left || r.left > p.right + 3 || r.bottom + 1 < p.top || r.top > p.bottom + 1)) { tient = false; }
      }
      if (tient) { places.push(r); }
      it.e.style.visibility = tient ? "" : "hidden";
    });
    // Nombre de placements faits (lu par les tests : les noms ne sont lus qu'une fois placés).
    var c = carte.getContainer();
    c.setAttribute("data-ctg-placements", String((+c.getAttribute("data-ctg-placements") || 0) + 1));
  };
  carte.on("zoomend moveend resize", function () { setTimeout(ajuster, 0); });
  groupe.on("add", function () { setTimeout(ajuster, 0); });
  carte.whenReady(function () { setTimeout(ajuster, 0); });
  // La feuille de style de Leaflet et les polices peuvent arriver après le premier placement : les noms
  // sont alors mesurés de nouveau (sinon un nom mal mesuré resterait masqué).
  window.addEventListener("load", function () { setTimeout(ajuster, 0); });
  if (document.fonts && document.fonts.ready) { document.fonts.ready.then(function () { setTimeout(ajuster, 0); }); }
  return groupe;
})({{ this.donnees }}, {{ this._parent.get_name() }}).addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, communes: gpd.GeoDataFrame, nom: str):
        super().__init__(name=nom, overlay=True, control=True, show=True)
        self._name = "CoucheCommunes"
        entites = []
        for code, nom_commune, geometrie in zip(communes["code"], communes["nom"], communes.geometry):
            point = polylabel(max(getattr(geometrie, "geoms", [geometrie]), key=lambda g: g.area), tolerance=1e-4)
            entites.append({"type": "Feature", "geometry": geometrie.__geo_interface__, "properties": {
                "code": str(code), "nom": str(nom_commune), "_etiquette": [round(point.y, 5), round(point.x, 5)],
                "_style": {"color": COULEUR_COMMUNE, "weight": 1.2, "fillColor": COULEUR_SELECTION, "fillOpacity": 0.03},
            }})
        self.donnees = json_pour_script({"type": "FeatureCollection", "features": entites})


class CoucheContour(folium.map.Layer):
    """Le contour du territoire : un trait épais, qui ne capte pas la souris."""

    _template = Surbrillance._template

    def __init__(self, contour: gpd.GeoDataFrame, nom: str):
        super().__init__(name=nom, overlay=True, control=True, show=True)
        self._name = "CoucheContour"
        self.donnees = json_pour_script({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {}, "geometry": g.__geo_interface__} for g in contour.geometry]})
        self.style = json_pour_script({"color": COULEUR_CONTOUR, "weight": 3, "fill": False})


class CoucheEquipementsTerritoire(folium.map.Layer):
    """Une catégorie d'équipements du fichier du territoire : une icône par équipement placé (couleur,
    forme et lettre de ``carte.STYLES``), infobulle et fiche échappées dans le navigateur."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJSON({{ this.donnees }}, {
  pointToLayer: function (f, latlng) {
    return L.marker(latlng, {icon: window.ctgIcone({{ this.style }}, false), title: f.properties.n,
                             alt: f.properties.n, keyboard: true});
  },
  onEachFeature: function (f, layer) {
    var p = f.properties, e = window.ctgEsc;
    layer.bindTooltip("<b>" + e(p.n) + "</b><br>" + e(p.c));
    layer.bindPopup("<b>" + e(p.n) + "</b><br>" + e(p.c) + "<br>Adresse : " + e(p.a) + "<br>Commune : " + e(p.m)
      + (p.k ? "<br>Capacité : " + e(p.k) : "") + "<br><small>Source : " + e(p.s) + "</small>");
  }
}).addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, categorie: str, equipements: pd.DataFrame):
        super().__init__(name=categorie, overlay=True, control=False, show=True)
        self._name = "CoucheEquipementsTerritoire"
        self.style = json_pour_script(STYLES[categorie].__dict__)
        capacites = [f"{fmt.nombre(int(c))} places" if not pd.isna(c) else "" for c in equipements["capacite"]]
        entites = [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(float(x), 5), round(float(y), 5)]},
             "properties": {"n": n, "c": CATEGORIES_EQUIPEMENTS[categorie], "a": a, "m": m, "k": k, "s": s}}
            for x, y, n, a, m, k, s in zip(equipements["lon"], equipements["lat"], textes(equipements["nom"]),
                                           textes(equipements["adresse"], "non précisée"), textes(equipements["commune"]),
                                           capacites, textes(equipements["source"]))
        ]
        self.donnees = json_pour_script({"type": "FeatureCollection", "features": entites})


PAS_DE_FICHIER = "Pas encore de fichier des équipements pour ce territoire"
NOM_COUCHE_VIDE = "Équipements : pas encore de fichier (couche vide)"
NOM_COUCHE_REFUSEE = "Équipements : fichier refusé (couche vide)"
NOM_COUCHE_SANS_POSITION = "Équipements : aucun n'a de position (couche vide)"


def groupes_equipements(equipements: pd.DataFrame | None, refuse: bool = False) -> list[folium.FeatureGroup]:
    """Une couche par catégorie d'équipement placé (« EAJE (3) » dans la liste des couches), dans l'ordre
    des catégories ; sans fichier (``equipements`` None), fichier refusé ou aucun équipement placé : une
    seule couche vide, dont le nom le dit."""
    if equipements is None:
        return [folium.FeatureGroup(name=NOM_COUCHE_REFUSEE if refuse else NOM_COUCHE_VIDE, overlay=True, control=True)]
    places = equipements[equipements["lat"].notna() & equipements["lon"].notna()]
    if places.empty:
        return [folium.FeatureGroup(name=NOM_COUCHE_SANS_POSITION, overlay=True, control=True)]
    groupes = []
    for categorie in [c for c in CATEGORIES_EQUIPEMENTS if c in set(places["categorie"])]:
        dans = places[places["categorie"] == categorie]
        groupe = folium.FeatureGroup(name=f"{categorie} ({len(dans)})", overlay=True, control=True)
        CoucheEquipementsTerritoire(categorie, dans).add_to(groupe)
        groupes.append(groupe)
    return groupes


def qpv_du_territoire(qpv: gpd.GeoDataFrame | None, contour: gpd.GeoDataFrame) -> gpd.GeoDataFrame | None:
    """Les quartiers prioritaires (QPV 2024) situés dans le territoire (un point intérieur de chacun dans
    son contour) ; None sans fichier des QPV."""
    if qpv is None or qpv.empty or contour.empty:
        return None
    dedans = qpv.representative_point().within(contour.geometry.union_all())
    return qpv[dedans.values]


def legende_html(categories: list[str], etat_equipements: str, qpv: bool = False) -> str:
    """La légende : traits des communes, du territoire et de la commune choisie, des QPV s'il y en a, puis
    les catégories d'équipements placés, ou une ligne qui dit pourquoi il n'y en a pas
    (``etat_equipements``)."""
    lignes = [
        f'<div><span class="trait" style="border-top:1.5px solid {COULEUR_COMMUNE}"></span>Commune</div>',
        f'<div><span class="trait" style="border-top:3px solid {COULEUR_CONTOUR}"></span>Limite du territoire</div>',
        f'<div><span class="trait" style="border-top:4px solid {COULEUR_SELECTION}"></span>Commune choisie</div>',
    ]
    if qpv:
        lignes.append(f'<div><span class="trait" style="border-top:3px dashed {COULEUR_QPV}"></span>'
                      'Quartier prioritaire (QPV 2024)</div>')
    lignes += [
        f'<div><span class="ctg-m ctg-{STYLES[c].forme}"><span style="background-color:{STYLES[c].couleur};'
        f'color:{STYLES[c].texte}"><b>{STYLES[c].lettre}</b></span></span>{c}</div>'
        for c in categories
    ]
    if not categories:
        lignes.append(f"<div><i>{etat_equipements}</i></div>")
    return ('<details class="ctg-legende" open aria-label="Légende"><summary>Légende</summary>'
            + "".join(lignes) + "</details>")


class LegendeCommunes(Legende):
    """La légende de ``carte.Legende`` (repliée sur une carte étroite), avec les lignes de cette carte."""

    def __init__(self, categories: list[str], etat_equipements: str, qpv: bool = False):
        MacroElement.__init__(self)
        self._name = "Legende"
        self.html = json_pour_script(legende_html(categories, etat_equipements, qpv))


def etat_equipements(equipements: pd.DataFrame | None, refuse: bool = False) -> str:
    """Pourquoi la carte ne montre aucun équipement (légende), ou "" s'il y en a de placés."""
    if equipements is None:
        return "Équipements : fichier refusé" if refuse else "Équipements : pas encore de fichier"
    if equipements["lat"].notna().sum() == 0:
        return "Équipements : aucun n'a de position"
    return ""


def carte_de_base(communes: gpd.GeoDataFrame, contour: gpd.GeoDataFrame, *, categories: list[str] = (),
                  etat: str = "", hauteur_px: int = HAUTEUR_PX, qpv: gpd.GeoDataFrame | None = None) -> folium.Map:
    """Le fond de la carte : communes (contours et noms), contour du territoire, quartiers prioritaires du
    territoire s'il en a (``qpv`` : ceux de ``qpv_du_territoire``) et légende, cadré sur le territoire ; ni
    commune choisie, ni équipements, ni liste des couches. Il ne dépend que des données : la page le
    construit une fois et l'envoie identique à chaque exécution (le cadre n'est pas rechargé)."""
    carte = carte_vide(hauteur_px)  # échelle en mètres seulement
    centre = contour.geometry.union_all().centroid if not contour.empty else communes.geometry.union_all().centroid
    carte.location = [round(centre.y, 5), round(centre.x, 5)]
    carte.options["zoom"] = 10
    carte.get_root().header.add_child(Element(CSS_COMMUNES))
    CoucheCommunes(communes, f"Communes ({len(communes)})").add_to(carte)
    CoucheContour(contour, "Limite du territoire").add_to(carte)
    avec_qpv = qpv is not None and not qpv.empty
    if avec_qpv:
        couche_qpv(qpv, f"Quartiers prioritaires, QPV 2024 ({len(qpv)})").add_to(carte)
    LegendeCommunes([c for c in CATEGORIES_EQUIPEMENTS if c in set(categories)], etat, avec_qpv).add_to(carte)
    CadrageInitial(emprise(contour if not contour.empty else communes)).add_to(carte)
    return carte


def couches_dynamiques(communes: gpd.GeoDataFrame, code_choisi: str | None, equipements: pd.DataFrame | None,
                       refuse: bool = False) -> list[folium.FeatureGroup]:
    """Ce qui change avec la commune choisie, pour ``st_folium(feature_group_to_add=…)`` sur le fond de
    ``carte_de_base`` : la commune choisie (contour souligné et cadrage ; tout le territoire sans commune),
    puis les couches d'équipements (``groupes_equipements``)."""
    zone = communes[communes["code"].astype(str) == str(code_choisi)] if code_choisi else communes.iloc[0:0]
    choix = folium.FeatureGroup(name="Commune choisie", overlay=True, control=False)
    if not zone.empty:
        surbrillance = Surbrillance(zone)
        surbrillance.layer_name = "Commune choisie"
        surbrillance.add_to(choix)
    Cadrage(emprise(zone if not zone.empty else communes)).add_to(choix)
    return [choix, *groupes_equipements(equipements, refuse)]


def construire_carte(communes: gpd.GeoDataFrame, contour: gpd.GeoDataFrame, code_choisi: str | None = None,
                     equipements: pd.DataFrame | None = None, refuse: bool = False,
                     hauteur_px: int = HAUTEUR_PX, qpv: gpd.GeoDataFrame | None = None) -> folium.Map:
    """La carte complète, d'un seul tenant (tests, exports) : fond, commune choisie, équipements et liste
    des couches (repliée sur une carte étroite)."""
    from .carte import ControleCouches

    places = equipements[equipements["lat"].notna()] if equipements is not None else None
    carte = carte_de_base(communes, contour, categories=list(places["categorie"]) if places is not None else [],
                          etat=etat_equipements(equipements, refuse), hauteur_px=hauteur_px, qpv=qpv)
    for groupe in couches_dynamiques(communes, code_choisi, equipements, refuse):
        groupe.add_to(carte)
    ControleCouches(hauteur_px).add_to(carte)
    return carte
