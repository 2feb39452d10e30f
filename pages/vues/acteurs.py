"""Cartographie des acteurs : qui pilote ou accompagne quelle fiche (CTG, Annexe 5 : premier outil d'évaluation).

Le classement, le nombre d'acteurs montrés dans le graphique et le graphique lui-même sont calculés par
``ctg_data.acteurs`` ; la page ne fait que les afficher."""

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from ctg_data import acteurs
from ctg_data.format import nombre
from pages import ui


ui.altair()  # thème français des graphiques (le graphique porte aussi sa locale)

disponibles, _ = ui.plans()
plan = ui.plan()
# Tout ce que la page calcule l'est une fois par choix (plans, axes, acteur) et par version des fichiers
# (table de normalisation : ``cle_fichiers`` ; plans : ``cle_plans``), puis partagé entre les sessions :
# jamais modifié (les tableaux sont lus par st.dataframe, copiés pour les téléchargements).
CLE = (str(ui.chemin_donnees("")), ui.cle_fichiers(), ui.cle_plans())


@st.cache_resource(show_spinner=False, max_entries=32)
def _liens(cle: tuple, plans: tuple[str, ...], _disponibles: dict):
    """Les liens (acteur, rôle, fiche) des plans choisis, et leurs axes."""
    table = pd.read_csv(ui.chemin_donnees("acteurs_normalisation.csv"), dtype=str).fillna("")
    liens = acteurs.liens([_disponibles[p] for p in plans], table)
    return liens, tuple(sorted(liens["axe"].unique()))


@dataclass(frozen=True)
class Vue:
    liens: pd.DataFrame
    classement: pd.DataFrame
    nombre_de_fiches: int
    n: int
    phrase: str
    spec: dict | None
    lisibles: pd.DataFrame


@st.cache_resource(show_spinner=False, max_entries=64)
def _vue(cle: tuple, plans: tuple[str, ...], axes: tuple[str, ...], _disponibles: dict) -> Vue:
    liens, _ = _liens(cle, plans, _disponibles)
    liens = liens[liens["axe"].isin(axes)]
    if liens.empty:
        return Vue(liens, pd.DataFrame(), 0, 0, "", None, pd.DataFrame())
    classement = acteurs.par_acteur(liens)
    n = acteurs.nombre_affiche(classement)
    return Vue(liens, classement, acteurs.nombre_de_fiches(liens), n, acteurs.phrase_graphique(n, len(classement)),
               ui.spec_graphique(acteurs.graphique(liens, classement, n)), acteurs.liens_lisibles(liens))


@st.cache_resource(show_spinner=False, max_entries=256)
def _detail(cle: tuple, plans: tuple[str, ...], axes: tuple[str, ...], acteur: str, _disponibles: dict) -> pd.DataFrame:
    liens = _vue(cle, plans, axes, _disponibles).liens
    detail = acteurs.liens_lisibles(liens[liens["acteur"] == acteur])
    return detail[["Plan", "Fiche", "Intitulé", "Rôle", "Axe", "Nom dans le document", "Source"]]


st.title("Cartographie des acteurs")
st.markdown(
    "Les pilotes et partenaires nommés dans les fiches, normalisés (un acteur, un nom). La table de "
    "normalisation est tenue par l'équipe et modifiable (voir « Données et sources »)."
)
c1, c2 = st.columns(2)
choix_plans = c1.multiselect("Plans", list(disponibles), default=[plan.id],
                             format_func=lambda p: disponibles[p].titre_court, key="acteurs_plans",
                             placeholder="Choisissez au moins un plan")
_, axes = _liens(CLE, tuple(choix_plans), disponibles)
# La liste des axes dépend des plans choisis : une clé par combinaison, pour repartir de « tous ».
choix_axes = c2.multiselect("Axes", list(axes), default=list(axes), key="acteurs_axes-" + "-".join(sorted(choix_plans)),
                            placeholder="Choisissez au moins un axe")
vue = _vue(CLE, tuple(choix_plans), tuple(choix_axes), disponibles)

if vue.liens.empty:
    st.info("Aucun pilote ni partenaire n'est nommé dans les fiches choisies.", icon=":material/info:")
    st.stop()

classement = vue.classement
st.markdown(f"**{nombre(len(classement))}** acteurs nommés dans **{nombre(vue.nombre_de_fiches)}** fiches.")

st.subheader("Les acteurs les plus impliqués")
st.markdown(vue.phrase)  # avant le graphique : on sait ce qu'il montre
ui.afficher_spec(vue.spec, width="stretch")
st.caption("Longueur de la barre : nombre de fiches ; couleur : rôle de l'acteur dans la fiche (s'il en a "
           "deux, le plus fort : pilote, puis pilote de l'axe).")

st.subheader("Tous les acteurs, du plus au moins impliqué")
st.caption("Classés par nombre de fiches, puis par fiches pilotées, puis par ordre alphabétique. "
           "Un texte trop long pour sa case se lit en entier en cliquant deux fois dessus.")
st.dataframe(
    classement, hide_index=True, row_height=acteurs.HAUTEUR_LIGNE_TABLEAU, height=acteurs.HAUTEUR_TABLEAU,
    column_config={
        # Nom et nombre de fiches d'abord, épinglés, et assez étroits pour tenir ensemble sur un téléphone.
        "Acteur": st.column_config.TextColumn("Acteur", width=acteurs.LARGEUR_ACTEUR, pinned=True),
        "Fiches": st.column_config.NumberColumn("Fiches", width=acteurs.LARGEUR_FICHES, pinned=True, format="%d",
                                                help="Nombre de fiches où l'acteur est nommé"),
        "Rôles": st.column_config.TextColumn("Rôles", width="medium"),
        "Fiches concernées": st.column_config.TextColumn("Fiches concernées", width="large"),
        "Plans": st.column_config.TextColumn("Plans", width="medium"),
    },
)
ui.telechargements(classement.copy(), "acteurs-classement", cle="acteurs-classement")

st.subheader("Les fiches d'un acteur")
acteur = st.selectbox("Voir les fiches d'un acteur", list(classement["Acteur"]), key="acteurs_choix")
st.dataframe(_detail(CLE, tuple(choix_plans), tuple(choix_axes), acteur, disponibles), hide_index=True)
st.caption("Toutes les fiches choisies, une ligne par acteur, rôle et fiche :")
ui.telechargements(vue.lisibles.copy(), "acteurs-des-plans", cle="acteurs")
