"""Caches des pages Contexte social et Portrait (pages/ui/cache_contexte.py) : la carte préparée
(pages/ui/carte_en_cache.py) est celle qu'enverrait ``st_folium`` ; la carte garde son cadre quand le quartier ou la commune change (seule la
couche du choix change) ; une réexécution renvoie les mêmes graphiques, données comprises (les objets
partagés entre sessions ne sont pas vidés par Streamlit)."""

import copy
import json

import streamlit_folium as sf

from ctg_data import carte as cartes
from ctg_data import vues_contexte as vc
from ctg_data.catalogue import charger
from ctg_data.geographie import charger_geo
from tests.conftest import ouvrir_page

GEVREY = "ctg-gevrey-nuits-2023-2026"


def _arguments_st_folium(monkeypatch, carte, **options) -> dict:
    """Les arguments que ``st_folium`` passe au composant (composant remplacé par un espion)."""
    vus = {}
    monkeypatch.setattr(sf, "_component_func", lambda **kw: vus.update(kw))
    sf.st_folium(carte, **options)
    vus.pop("on_change")
    return vus


def test_carte_preparee_comme_st_folium(monkeypatch):
    from pages.ui import carte_en_cache

    quartiers_geo, qpv = charger_geo("quartiers_geo"), charger_geo("qpv")
    quartier = sorted(charger("quartiers")["nom"])[1]
    fond = cartes.carte_de_base(quartiers_geo, qpv, None, categories=["EAJE"], hauteur_px=360)
    groupes = cartes.couches_dynamiques(charger("equipements").iloc[0:0].assign(lat=[], lon=[]), quartiers_geo, quartier)
    controle = cartes.ControleCouches(360)
    attendu = _arguments_st_folium(
        monkeypatch, copy.deepcopy(fond), key="portrait-carte", height=360, use_container_width=True,
        returned_objects=[], feature_group_to_add=copy.deepcopy(groupes), layer_control=copy.deepcopy(controle))
    prepare = carte_en_cache.preparer_fond(copy.deepcopy(fond), cle="portrait-carte", hauteur=360,
                                           liste_des_couches=True)
    obtenu = carte_en_cache.arguments_carte(prepare, copy.deepcopy(groupes), copy.deepcopy(controle))
    assert obtenu == attendu
    assert "fitBounds" in obtenu["feature_group"]  # le cadrage sur le quartier choisi est dans la couche ajoutée
    # Sans liste des couches (contexte social) : une carte vide du même nom donne les mêmes couches ajoutées.
    attendu = _arguments_st_folium(
        monkeypatch, copy.deepcopy(fond), key="choro", height=520, use_container_width=True,
        returned_objects=[], feature_group_to_add=copy.deepcopy(groupes))
    prepare = carte_en_cache.preparer_fond(copy.deepcopy(fond), cle="choro", hauteur=520)
    assert carte_en_cache.arguments_carte(prepare, copy.deepcopy(groupes)) == attendu


def _composants(at):
    def parcourir(noeud):
        for enfant in getattr(noeud, "children", {}).values():
            yield enfant
            yield from parcourir(enfant)
    return [e for e in parcourir(at._tree) if getattr(e, "type", None) == "component_instance"]


def _graphiques(at):
    def parcourir(noeud):
        for enfant in getattr(noeud, "children", {}).values():
            yield enfant
            yield from parcourir(enfant)
    return [e for e in parcourir(at._tree) if getattr(e, "type", None) == "arrow_vega_lite_chart"]


def _choisir(at, rang: int):
    choix = [s for s in at.sidebar.selectbox if s.label in ("Quartier", "Commune")][0]
    choix.select_index(rang).run()
    assert not at.exception, [e.value for e in at.exception]
    return choix.options[rang]


def _carte_et_graphiques(at):
    (carte,) = _composants(at)
    args = json.loads(carte.proto.json_args)
    graphiques = [(g.proto.spec, [len(d.data.data) for d in g.proto.datasets]) for g in _graphiques(at)]
    return carte.proto.id, args, graphiques


def test_contexte_dijon_carte_mise_a_jour_sur_place():
    at = ouvrir_page("contexte")
    _choisir(at, 1)
    id1, args1, graphiques1 = _carte_et_graphiques(at)
    quartier = _choisir(at, 2)
    id2, args2, graphiques2 = _carte_et_graphiques(at)
    assert id1 == id2 and args1["script"] == args2["script"]  # même cadre, même fond
    assert args1["feature_group"] != args2["feature_group"]  # le contour du quartier choisi change
    assert cartes.COULEUR_SELECTION in args2["feature_group"]
    assert f"quartier choisi : {quartier}" in "\n".join(m.value for m in at.markdown)
    # Sans quartier : aucun contour ajouté, pas de ligne « quartier choisi » dans la légende.
    _choisir(at, 0)
    _, args0, _ = _carte_et_graphiques(at)
    assert cartes.COULEUR_SELECTION not in (args0["feature_group"] or "")
    assert "quartier choisi" not in "\n".join(m.value for m in at.markdown)
    # Une réexécution simple : les mêmes graphiques, chacun avec ses données (le dict en cache reste entier).
    _choisir(at, 2)
    at.run()
    _, _, graphiques3 = _carte_et_graphiques(at)
    assert graphiques3 == graphiques2 and all(tailles and all(tailles) for _, tailles in graphiques3)


def test_contexte_dijon_contour_du_quartier_aussi_au_niveau_iris():
    at = ouvrir_page("contexte")
    quartier = _choisir(at, 1)
    at.selectbox(key="contexte_indicateur").set_value("niveau_vie_median").run()
    assert not at.exception
    _, args, _ = _carte_et_graphiques(at)
    assert cartes.COULEUR_SELECTION in args["feature_group"]
    assert f"quartier choisi : {quartier}" in "\n".join(m.value for m in at.markdown)


def test_portrait_dijon_carte_mise_a_jour_sur_place():
    at = ouvrir_page("portrait")
    premier = _choisir(at, 1)
    id1, args1, _ = _carte_et_graphiques(at)
    at.run()
    assert _carte_et_graphiques(at)[1] == args1  # réexécution : exactement la même carte
    second = _choisir(at, 2)
    id2, args2, _ = _carte_et_graphiques(at)
    assert premier != second and args1["feature_group"] != args2["feature_group"]
    assert "fitBounds" in args2["feature_group"] and cartes.COULEUR_SELECTION in args2["feature_group"]
    if args1["script"] == args2["script"]:  # mêmes catégories placées : même fond, même cadre
        assert id1 == id2


def test_contexte_communes_carte_mise_a_jour_sur_place():
    at = ouvrir_page("contexte", plan=GEVREY)
    _choisir(at, 1)
    id1, args1, _ = _carte_et_graphiques(at)
    commune = _choisir(at, 2)
    id2, args2, _ = _carte_et_graphiques(at)
    assert id1 == id2 and args1["script"] == args2["script"]
    assert args1["feature_group"] != args2["feature_group"]
    assert f"commune choisie : {commune}" in "\n".join(m.value for m in at.markdown)


def test_legende_hors_carte_quartier_choisi_en_dernier():
    lignes = vc.lignes_quartier_choisi("Grésilles")
    assert [l.libelle for l in lignes] == ["quartier choisi : Grésilles"] and vc.lignes_quartier_choisi(None) == []
