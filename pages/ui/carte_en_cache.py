"""Une carte folium gardée en cache, rendue comme la rend ``streamlit_folium.st_folium``.

``st_folium`` refait tout le rendu de la carte (gabarits jinja de folium, données des couches en JSON)
à chaque exécution de la page. Ici, ses étapes sont faites une fois et leur résultat (des chaînes) est
gardé en cache :

- ``preparer_fond`` : ce qui ne dépend que du fond (script, en-tête, HTML, clé du composant, valeurs
  par défaut, feuilles de style et scripts du fond) ; le même fond sert à toutes les valeurs d'un filtre ;
- ``arguments_carte`` : les couches ajoutées (``feature_group_to_add``) et la liste des couches
  (``layer_control``) écrites pour ce fond, avec tous les arguments du composant ;
- ``afficher_carte`` : le composant de ``st_folium`` appelé avec ces arguments ; le cadre de la carte
  n'est pas rechargé quand seules les couches ajoutées changent.

Version de streamlit-folium figée dans requirements.txt : tests/test_carte.py et tests/test_cache_contexte.py
comparent le résultat avec les arguments que ``st_folium`` passe au composant. Les objets rendus sont
partagés entre sessions : jamais modifiés (copies).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import folium
import streamlit as st
import streamlit_folium as sf


@dataclass(frozen=True)
class FondPrepare:
    """Un fond rendu comme le rend ``st_folium``, partagé, jamais modifié.

    ``carte`` : la carte sur laquelle écrire les couches ajoutées (une copie à chaque fois) ; ``arguments`` :
    les arguments du composant qui ne dépendent que du fond ; ``css``, ``js`` : les liens des éléments du
    fond, dans l'ordre où ``st_folium`` les trouve, avant d'ôter les doublons ; ``liste_des_couches`` :
    ``carte`` est la carte rendue, dont une liste des couches peut nommer les couches."""

    carte: folium.Map
    arguments: dict
    css: tuple[str, ...]
    js: tuple[str, ...]
    liste_des_couches: bool


# Les scripts qu'ajoute ``st_folium`` (en tête de liste) quand la carte contient une échelle de couleurs.
_D3 = ("https://d3js.org/d3.v4.min.js", "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js")


def _liens(element, css: list[str], js: list[str]) -> None:
    """Ajoute à ``css`` et ``js`` les feuilles de style et scripts de ``element`` et de ses enfants, comme
    ``st_folium`` les cherche (même parcours, même ordre)."""
    import branca
    import folium.elements

    def parcourir(e):
        if isinstance(e, branca.colormap.ColorMap):
            yield e
        if isinstance(e, folium.elements.JSCSSMixin):
            yield e
        for enfant in getattr(e, "_children", {}).values():
            yield from parcourir(enfant)

    for e in parcourir(element):
        if isinstance(e, branca.colormap.ColorMap):
            js[:0] = _D3
        css.extend(href for _, href in getattr(e, "default_css", []))
        js.extend(src for _, src in getattr(e, "default_js", []))


def preparer_fond(fond: folium.Map, *, cle: str, hauteur: int, largeur: int | None = None,
                  objets_rendus: tuple[str, ...] = (), liste_des_couches: bool = False) -> FondPrepare:
    """Les étapes de ``st_folium(fond, key=cle, height=hauteur, width=largeur, returned_objects=objets_rendus,
    use_container_width=largeur is None)`` qui ne dépendent que du fond. ``fond`` est rendu sur place : il
    ne doit plus servir ailleurs (le construire pour cet appel).

    ``liste_des_couches`` : une liste des couches sera ajoutée (``arguments_carte(…, controle)``) ; elle
    nomme aussi les couches du fond, la carte rendue est donc gardée, sans le rendu de sa figure (déjà dans
    les arguments ; une copie de la carte recompilerait chacun de ses morceaux en gabarit jinja). Sinon,
    une carte vide du même nom suffit à écrire les couches ajoutées : la carte rendue (lourde, avec toutes
    ses zones) n'est ni gardée ni recopiée."""
    carte = fond
    carte.get_root().render()
    carte.render()
    html = sf._get_html(carte)
    entete = sf._get_header(carte)
    script = sf._get_map_string(carte)
    try:
        bornes = carte.get_bounds()
    except AttributeError:
        bornes = [[None, None], [None, None]]
    defauts = {
        "last_clicked": None, "last_object_clicked": None, "last_object_clicked_count": None,
        "last_object_clicked_tooltip": None, "last_object_clicked_popup": None, "all_drawings": None,
        "last_active_drawing": None,
        "bounds": {"_southWest": {"lat": bornes[0][0], "lng": bornes[0][1]},
                   "_northEast": {"lat": bornes[1][0], "lng": bornes[1][1]}},
        "zoom": carte.options.get("zoom"), "last_circle_radius": None, "last_circle_polygon": None,
        "selected_layers": None, "selected_tags": None, "last_geocoder_result": None,
    }
    css, js = [], []
    _liens(carte, css, js)
    arguments = dict(
        script=script, header=entete, html=html, id=sf.get_full_id(carte),
        key=sf.generate_js_hash(script, cle, False), height=hauteur, width=largeur,
        returned_objects=list(objets_rendus), default={k: v for k, v in defauts.items() if k in objets_rendus},
        zoom=None, center=None, return_on_hover=False, pixelated=False, wrap_longitude=False,
    )
    if liste_des_couches:
        figure = carte.get_root()
        for partie in (figure.header, figure.html, figure.script):
            partie._children.clear()
        gardee = carte
    else:
        gardee = folium.Map(tiles=None)
        gardee._id = carte._id
    return FondPrepare(gardee, arguments, tuple(css), tuple(js), liste_des_couches)


def arguments_carte(fond: FondPrepare, groupes: list[folium.FeatureGroup],
                    controle: folium.LayerControl | None = None) -> dict:
    """Tous les arguments du composant pour ``fond`` avec ces couches ajoutées et cette liste des couches :
    ce que ``st_folium(…, feature_group_to_add=groupes, layer_control=controle)`` passerait au composant,
    sans rien rendre de nouveau à l'exécution suivante. ``fond`` n'est pas modifié (copie de sa carte)."""
    if controle is not None and not fond.liste_des_couches:
        raise ValueError("Liste des couches demandée pour un fond préparé sans elle (liste_des_couches=False).")
    carte = copy.deepcopy(fond.carte)
    ajout = "".join(sf._get_feature_group_string(g, map=carte, idx=i) for i, g in enumerate(groupes))
    liste = sf._get_layer_control_string(controle, carte) if controle is not None else None
    # ``st_folium`` cherche les liens dans la carte après y avoir ajouté les couches puis la liste : ceux du
    # fond d'abord, puis ceux des éléments ajoutés, dans cet ordre.
    css, js = list(fond.css), list(fond.js)
    for element in [*groupes, *([controle] if controle is not None else [])]:
        _liens(element, css, js)
    return {**fond.arguments, "feature_group": ajout, "layer_control": liste,
            "css_links": list(dict.fromkeys(css)), "js_links": list(dict.fromkeys(js))}


def afficher_carte(arguments: dict, cle_session: str):
    """Le composant de ``st_folium`` avec des arguments préparés (``arguments_carte``) ; renvoie ce que
    renverrait ``st_folium`` (le dernier clic, si demandé), gardé aussi dans ``st.session_state[cle_session]``
    comme le fait ``st_folium(key=cle_session)``. ``arguments`` est partagé : seules des copies en partent."""
    cle_composant = arguments["key"]

    def _changement():
        st.session_state[cle_session] = st.session_state.get(cle_composant, {})

    return sf._component_func(**{**arguments, "default": copy.deepcopy(arguments["default"]),
                                 "returned_objects": list(arguments["returned_objects"]),
                                 "css_links": list(arguments["css_links"]), "js_links": list(arguments["js_links"])},
                              on_change=_changement)
