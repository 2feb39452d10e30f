"""Filtres partagés par toutes les pages : plan suivi et quartier, gardés dans la session et dans
l'adresse de la page (un lien copié reproduit la vue)."""

from __future__ import annotations

import streamlit as st

from ctg_data.plan import Plan

from .chargement import donnees, plans

PLAN_PAR_DEFAUT = "ctg-dijon-2024-2027"
CLE_PLAN = "plan"


def plan() -> Plan:
    """Le plan choisi (sélecteur de la barre latérale, gardé dans l'adresse ?plan=…)."""
    disponibles, _ = plans()
    choisi = st.session_state.get(CLE_PLAN, PLAN_PAR_DEFAUT)
    if choisi not in disponibles:
        choisi = PLAN_PAR_DEFAUT if PLAN_PAR_DEFAUT in disponibles else next(iter(disponibles), None)
    if choisi is None:
        st.error("Aucun plan d'actions valide dans data/plans/.")
        st.stop()
    return disponibles[choisi]


def filtre_plan() -> None:
    """Choix du plan suivi (et donc du territoire), gardé dans la session et dans l'adresse."""
    disponibles, erreurs = plans()
    if CLE_PLAN not in st.session_state:
        demande = st.query_params.get(CLE_PLAN)
        st.session_state[CLE_PLAN] = demande if demande in disponibles else PLAN_PAR_DEFAUT
    st.session_state["_widget_plan"] = st.session_state[CLE_PLAN]
    with st.sidebar:
        st.selectbox(
            "Plan suivi", list(disponibles), key="_widget_plan",
            format_func=lambda p: f"{disponibles[p].titre_court} — {disponibles[p].territoire}",
            on_change=lambda: st.session_state.update({CLE_PLAN: st.session_state["_widget_plan"]}),
            help="Change le plan d'actions et le territoire de toutes les pages.",
        )
        for e in erreurs:
            st.warning(f"Plan refusé : {e.message()}", icon=":material/error:")
    if st.session_state[CLE_PLAN] == PLAN_PAR_DEFAUT:
        st.query_params.pop(CLE_PLAN, None)
    else:
        st.query_params[CLE_PLAN] = st.session_state[CLE_PLAN]


def exiger_donnees_territoriales() -> None:
    """Arrête une page cartographique ou sociale pour un territoire qui n'a pas ces données."""
    p = plan()
    if not p.donnees_territoriales:
        st.info(
            f"Le tableau de bord n'a pas de données cartographiques ni sociales pour le territoire « {p.territoire} » "
            f"({p.titre_court}) : cette page ne concerne que Dijon. Choisissez un plan de Dijon dans la colonne de "
            "gauche, ou consultez le plan d'actions et le tableau récapitulatif.",
            icon=":material/map:",
        )
        st.stop()


TOUT_DIJON = "Tout Dijon"
CLE_QUARTIER = "quartier"  # choix durable (survit aux pages qui n'affichent pas la barre latérale)
CLE_WIDGET_QUARTIER = "_widget_quartier"  # état du menu déroulant, recopié dans CLE_QUARTIER
CLE_AVERTISSEMENT = "_avertissement_quartier"


def choisir_quartier(nom: str | None) -> None:
    """Change le quartier partagé (par ex. après un clic sur la carte)."""
    st.session_state[CLE_QUARTIER] = nom or TOUT_DIJON


def filtres_partages() -> None:
    """Filtre de quartier dans la barre latérale, gardé dans la session et dans l'adresse (?quartier=…)."""
    quartiers = donnees("quartiers").sort_values("nom")
    par_id = dict(zip(quartiers["id"], quartiers["nom"]))
    id_par_nom = {nom: id_ for id_, nom in par_id.items()}
    if CLE_QUARTIER not in st.session_state:
        demande = st.query_params.get(CLE_QUARTIER)
        if demande is None:
            st.session_state[CLE_QUARTIER] = TOUT_DIJON
        elif demande in par_id:
            st.session_state[CLE_QUARTIER] = par_id[demande]
        else:
            st.session_state[CLE_QUARTIER] = TOUT_DIJON
            st.session_state[CLE_AVERTISSEMENT] = (
                f"Le quartier « {demande} » indiqué dans l'adresse n'existe pas : "
                "la page affiche tout Dijon."
            )
    st.session_state[CLE_WIDGET_QUARTIER] = st.session_state[CLE_QUARTIER]
    with st.sidebar:
        st.selectbox(
            "Quartier",
            [TOUT_DIJON, *quartiers["nom"]],
            key=CLE_WIDGET_QUARTIER,
            on_change=lambda: st.session_state.update({CLE_QUARTIER: st.session_state[CLE_WIDGET_QUARTIER]}),
            help="Les 9 quartiers de la coordination territoriale de la CTG (Annexe 4). "
            "Le choix est gardé dans l'adresse de la page : copiez-la pour partager cette vue.",
        )
        st.caption("Données : CTG 2024-2027 et annexes. Détail dans « Données et sources ».")
    choix = st.session_state[CLE_QUARTIER]
    if choix == TOUT_DIJON:
        st.query_params.pop(CLE_QUARTIER, None)
    else:
        st.query_params[CLE_QUARTIER] = id_par_nom[choix]
    if CLE_AVERTISSEMENT in st.session_state:
        st.warning(st.session_state.pop(CLE_AVERTISSEMENT), icon=":material/warning:")


def quartier_selectionne() -> str | None:
    """Nom du quartier choisi, ou None pour tout Dijon."""
    choix = st.session_state.get(CLE_QUARTIER, TOUT_DIJON)
    return None if choix == TOUT_DIJON else choix


