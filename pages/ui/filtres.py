"""Filtres partagés par toutes les pages : plan suivi et quartier, gardés dans la session et dans
l'adresse de la page (un lien copié reproduit la vue)."""

from __future__ import annotations

from types import MappingProxyType

import streamlit as st

import pandas as pd

from ctg_data.erreurs import ErreurDonnees
from ctg_data.plan import Plan, plan_par_defaut
from ctg_data.territoire import Territoire, sous_zones

from ctg_data.vocabulaire import source_lisible

from . import chargement
from .chargement import arreter_sur_erreur, origines_chiffres, plans, territoires
from .widgets import nom_brut, texte_brut

CLE_PLAN = "plan"


def plan() -> Plan:
    """Le plan choisi (sélecteur de la barre latérale, gardé dans l'adresse ?plan=…)."""
    disponibles, _ = plans()
    choisi = st.session_state.get(CLE_PLAN)
    if choisi not in disponibles:
        choisi = plan_par_defaut(disponibles)
    if choisi is None:
        st.error("Aucun plan d'actions valide dans data/plans/.")
        st.stop()
    return disponibles[choisi]


def filtre_plan() -> None:
    """Choix du plan suivi (et donc du territoire), gardé dans la session et dans l'adresse."""
    disponibles, erreurs = plans()
    if CLE_PLAN not in st.session_state:
        demande = st.query_params.get(CLE_PLAN)
        st.session_state[CLE_PLAN] = demande if demande in disponibles else plan_par_defaut(disponibles)
    st.session_state["_widget_plan"] = st.session_state[CLE_PLAN]
    with st.sidebar:
        st.selectbox(
            "Plan suivi", list(disponibles), key="_widget_plan",
            format_func=lambda p: disponibles[p].titre_court,
            on_change=lambda: st.session_state.update({CLE_PLAN: st.session_state["_widget_plan"]}),
            help="Change le plan d'actions et le territoire de toutes les pages.",
        )
        # Le nom complet du plan (le menu n'a la place que pour son nom court), sur autant de lignes qu'il faut.
        st.caption(nom_brut(disponibles[st.session_state[CLE_PLAN]].titre))
        for e in erreurs:
            st.warning("Plan refusé : " + texte_brut(e.message()).replace("\n", "  \n"), icon=":material/error:")
    if st.session_state[CLE_PLAN] == plan_par_defaut(disponibles):
        st.query_params.pop(CLE_PLAN, None)
    else:
        st.query_params[CLE_PLAN] = st.session_state[CLE_PLAN]


def territoire() -> Territoire:
    """Le territoire du plan choisi (ses zones, ses comparaisons, ses pages)."""
    return territoires()[plan().territoire]


def par_communes(t: Territoire | None = None) -> bool:
    """Le territoire a-t-il ses pages par commune (ses données dérivées : carte des communes, contexte
    social par commune, portrait d'une commune) à la place des pages par quartier ?"""
    t = t or territoire()
    return not t.carte_et_contexte and t.donnees is not None


def territoire_demande() -> Territoire | None:
    """Le territoire du plan demandé (session, sinon adresse ?plan=…), sans rien afficher : pour nommer
    les pages avant que la colonne de gauche soit dessinée. None si les plans ne se lisent pas."""
    try:
        disponibles, _ = plans()
        choisi = st.session_state.get(CLE_PLAN) or st.query_params.get(CLE_PLAN)
        if choisi not in disponibles:
            choisi = plan_par_defaut(disponibles)
        return territoires().get(disponibles[choisi].territoire) if choisi else None
    except Exception:  # la page elle-même dira l'erreur de données, en français
        return None


def choisir_commune(code: str | None) -> None:
    """Change la commune partagée (par ex. après un clic sur la carte) ; None : tout le territoire."""
    st.session_state[CLE_COMMUNE] = code or TOUT


def choisir_commune_au_clic(sortie: dict | None, cle: str, communes_geo, code_choisi: str | None) -> None:
    """Un clic sur une carte des communes (sortie de ``st_folium``) choisit la commune cliquée. Le cadre
    renvoie son dernier clic à chaque exécution : un clic n'est suivi qu'une fois (``cle`` : où le garder)."""
    from ctg_data.geographie import commune_contenant

    clic = (sortie or {}).get("last_clicked")
    if not clic or clic == st.session_state.get(cle):
        return
    st.session_state[cle] = clic
    code = commune_contenant(clic["lng"], clic["lat"], communes_geo)
    if code and code != code_choisi:
        choisir_commune(code)
        st.rerun()


def exiger_donnees_territoriales() -> None:
    """Arrête une page cartographique ou sociale pour un territoire qui n'a pas encore ces données."""
    p, t = plan(), territoire()
    if not t.carte_et_contexte:
        st.info(
            f"Le tableau de bord n'a pas encore la carte des équipements ni le contexte social du territoire "
            f"« {nom_brut(t.nom_complet)} » ({nom_brut(p.titre_court)}). Choisissez un autre plan dans la colonne de gauche, ou "
            "consultez le plan d'actions et le tableau récapitulatif de ce plan.",
            icon=":material/map:",
        )
        st.stop()


CLE_QUARTIER = "quartier"  # choix durable (survit aux pages qui n'affichent pas la barre latérale)
CLE_WIDGET_QUARTIER = "_widget_quartier"  # état du menu déroulant, recopié dans CLE_QUARTIER
CLE_AVERTISSEMENT = "_avertissement_quartier"
TOUT = ""  # valeur du filtre pour « tout le territoire »


def choisir_quartier(nom: str | None) -> None:
    """Change la sous-zone partagée (par ex. après un clic sur la carte) ; None : tout le territoire."""
    st.session_state[CLE_QUARTIER] = nom or TOUT


@st.cache_resource(show_spinner=False, max_entries=16)
def _sous_zones(dossier: str, cle: str, id_territoire: str, _t: Territoire) -> pd.DataFrame:
    # Clé : le dossier, le condensé de l'empreinte des fichiers (territoires compris) et le territoire ;
    # ``_t`` (le territoire lui-même) n'est pas haché. Un exemplaire partagé, jamais modifié.
    return sous_zones(_t, {_t.sous_zones.jeu: chargement._charger(_t.sous_zones.jeu, dossier, cle)})


@st.cache_resource(show_spinner=False, max_entries=16)
def _reperes_zones(dossier: str, cle: str, id_territoire: str, _t: Territoire):
    """(noms triés, nom par identifiant, identifiant par nom) des sous-zones, en lecture seule."""
    zones = _sous_zones(dossier, cle, id_territoire, _t)
    par_id = dict(zip(zones["id"], zones["nom"]))
    return tuple(zones["nom"]), MappingProxyType(par_id), MappingProxyType({nom: id_ for id_, nom in par_id.items()})


def _sous_zones_partagees(t: Territoire) -> pd.DataFrame:
    if t.sous_zones is None:
        return pd.DataFrame(columns=["id", "nom"])
    try:
        return _sous_zones(*chargement.cle_donnees(), t.id, t)
    except ErreurDonnees as e:
        arreter_sur_erreur(e)


def sous_zones_du_territoire() -> pd.DataFrame:
    """Les sous-zones du territoire choisi (id, nom), triées par nom ; vide s'il n'en a pas. Calculées une
    fois par territoire et par version des fichiers ; une copie, que la page peut modifier."""
    return _sous_zones_partagees(territoire()).copy()


CLE_COMMUNE = "commune"  # code INSEE de la commune choisie (territoire qui a ses données dérivées)
CLE_WIDGET_COMMUNE = "_widget_commune"


@st.cache_resource(show_spinner=False, max_entries=16)
def _communes_en_lecture_seule(dossier: str, cle: str, id_territoire: str, _communes: pd.DataFrame):
    # Clé : le dossier, le condensé de l'empreinte des fichiers et le territoire (``_communes`` n'est pas
    # haché : la clé le désigne). Codes INSEE dans l'ordre des noms, et nom par code, en lecture seule.
    return tuple(_communes["id"]), MappingProxyType(dict(zip(_communes["id"], _communes["nom"])))


def _reperes_communes(id_territoire: str):
    """(codes INSEE triés par nom, nom par code) des communes du territoire ; vides s'il n'en a pas."""
    communes = chargement._communes_partagees(id_territoire)  # lu seulement, jamais modifié
    if communes.empty:
        return (), MappingProxyType({})
    return _communes_en_lecture_seule(*chargement.cle_donnees(), id_territoire, communes)


def _filtre_commune(t: Territoire) -> None:
    """Choix d'une commune d'une intercommunalité qui a ses données dérivées (?commune=code INSEE),
    « Toute la communauté de communes » d'abord : l'accueil, la carte, le contexte social et le portrait
    la lisent."""
    codes, noms = _reperes_communes(t.id)
    if not codes:
        st.session_state.pop(CLE_COMMUNE, None)
        st.query_params.pop(CLE_COMMUNE, None)
        return
    if st.session_state.get(CLE_COMMUNE) is None:
        demande = st.query_params.get(CLE_COMMUNE)
        st.session_state[CLE_COMMUNE] = demande if demande in noms else TOUT
        if demande is not None and demande not in noms:
            st.session_state[CLE_AVERTISSEMENT] = (
                f"La commune « {demande} » indiquée dans l'adresse n'est pas une commune de ce territoire : "
                f"la page affiche {t.tout_en_phrase}.")
    if st.session_state[CLE_COMMUNE] not in (TOUT, *noms):
        st.session_state[CLE_COMMUNE] = TOUT  # commune d'un autre territoire (changement de plan)
    st.session_state[CLE_WIDGET_COMMUNE] = st.session_state[CLE_COMMUNE]
    with st.sidebar:
        st.selectbox(
            "Commune", [TOUT, *codes],
            format_func=lambda c: t.libelle_tout if c == TOUT else noms[c],
            key=CLE_WIDGET_COMMUNE,
            on_change=lambda: st.session_state.update({CLE_COMMUNE: st.session_state[CLE_WIDGET_COMMUNE]}),
            help=f"Les {len(noms)} communes du territoire (composition communale de l'INSEE) : l'accueil, la carte, "
                 "le contexte social et le portrait montrent la commune choisie. Le choix est gardé dans l'adresse "
                 "de la page : copiez-la pour partager cette vue.",
        )
    if st.session_state[CLE_COMMUNE] == TOUT:
        st.query_params.pop(CLE_COMMUNE, None)
    else:
        st.query_params[CLE_COMMUNE] = st.session_state[CLE_COMMUNE]


def commune_selectionnee() -> tuple[str, str] | None:
    """(code INSEE, nom) de la commune choisie, ou None pour tout le territoire (ou sans communes)."""
    code = st.session_state.get(CLE_COMMUNE) or TOUT
    if code == TOUT:
        return None
    _, noms = _reperes_communes(territoire().id)
    return (code, noms[code]) if code in noms else None


def filtres_partages() -> None:
    """Filtre de sous-zone (quartier) dans la barre latérale, gardé dans la session et dans l'adresse
    (?quartier=…) ; seulement pour un territoire qui a des sous-zones. Une intercommunalité qui a ses
    données dérivées a à la place le choix d'une de ses communes (?commune=…)."""
    t, p = territoire(), plan()
    if t.sous_zones is None:
        noms_zones, par_id, id_par_nom = (), {}, {}
    else:
        try:
            noms_zones, par_id, id_par_nom = _reperes_zones(*chargement.cle_donnees(), t.id, t)
        except ErreurDonnees as e:
            arreter_sur_erreur(e)
    if CLE_QUARTIER not in st.session_state:
        demande = st.query_params.get(CLE_QUARTIER)
        if demande is None:
            st.session_state[CLE_QUARTIER] = TOUT
        elif demande in par_id:
            st.session_state[CLE_QUARTIER] = par_id[demande]
        else:
            st.session_state[CLE_QUARTIER] = TOUT
            st.session_state[CLE_AVERTISSEMENT] = (
                f"Le {t.sous_zones.singulier if t.sous_zones else 'quartier'} « {demande} » indiqué dans "
                f"l'adresse n'existe pas : la page affiche {t.tout_en_phrase}."
            )
    if st.session_state[CLE_QUARTIER] not in (TOUT, *par_id.values()):
        st.session_state[CLE_QUARTIER] = TOUT  # sous-zone d'un autre territoire (changement de plan)
    st.session_state[CLE_WIDGET_QUARTIER] = st.session_state[CLE_QUARTIER]
    with st.sidebar:
        if t.sous_zones is not None:
            st.selectbox(
                t.sous_zones.singulier.capitalize(),
                [TOUT, *noms_zones],
                format_func=lambda z: t.libelle_tout if z == TOUT else z,
                key=CLE_WIDGET_QUARTIER,
                on_change=lambda: st.session_state.update({CLE_QUARTIER: st.session_state[CLE_WIDGET_QUARTIER]}),
                help=f"{texte_brut(t.sous_zones.description)} Le choix est gardé dans l'adresse de la page : copiez-la "
                "pour partager cette vue.",
            )
    if t.sous_zones is None:
        _filtre_commune(t)
    else:
        st.session_state.pop(CLE_COMMUNE, None)
        st.query_params.pop(CLE_COMMUNE, None)
    texte, parties = _textes_colonne(*chargement.cle_donnees(), chargement.cle_plans(), p.id, t.id, p, t)
    with st.sidebar:
        st.caption(texte)
        with st.expander("Parties du document citées", icon=":material/description:"):
            st.markdown(parties)
    choix = st.session_state[CLE_QUARTIER]
    if choix == TOUT:
        st.query_params.pop(CLE_QUARTIER, None)
    else:
        st.query_params[CLE_QUARTIER] = id_par_nom[choix]
    if CLE_AVERTISSEMENT in st.session_state:
        st.warning(texte_brut(st.session_state.pop(CLE_AVERTISSEMENT)), icon=":material/warning:")


@st.cache_resource(show_spinner=False, max_entries=32)
def _textes_colonne(dossier: str, cle: str, cle_plans: str, id_plan: str, id_territoire: str, _p: Plan,
                    _t: Territoire) -> tuple[str, str]:
    """(sources, parties du document citées) de la colonne de gauche, écrites une fois par plan, par
    territoire et par version des fichiers (données, territoires et plans : la clé les couvre, ``_p`` et
    ``_t`` ne sont pas hachés)."""
    parties = "\n".join(f"- {nom_brut(partie)}" for partie in dict.fromkeys(source_lisible(s.section) for s in _p.sources))
    return texte_sources(_p, _t), parties


def texte_sources(p: Plan, t: Territoire) -> str:
    """Les sources du plan et des chiffres de son territoire, en mots, pour la colonne de gauche."""
    origines = origines_chiffres(t.id)
    if origines is None:
        chiffres = ""
    elif origines:
        chiffres = f" ; chiffres de {nom_brut(t.nom)} : {' et '.join(nom_brut(o) for o in origines)}"
    else:
        chiffres = f" ; pas encore de chiffres de {nom_brut(t.nom)} dans le tableau de bord"
    return (f"Sources : le document signé du plan (axes, fiches, indicateurs){chiffres}. "
            "Détail dans « Données et sources ».")


def quartier_selectionne() -> str | None:
    """Nom de la sous-zone (quartier) choisie, ou None pour tout le territoire."""
    choix = st.session_state.get(CLE_QUARTIER, TOUT)
    return None if choix == TOUT else choix
