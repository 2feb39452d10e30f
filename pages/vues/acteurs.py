"""Cartographie des acteurs : qui pilote ou accompagne quelle fiche (CTG, Annexe 5 : premier outil d'évaluation).

Le classement, le nombre d'acteurs montrés dans le graphique et le graphique lui-même sont calculés par
``ctg_data.acteurs`` ; la page ne fait que les afficher."""

import pandas as pd
import streamlit as st

from ctg_data import acteurs
from ctg_data.format import nombre
from pages import ui


ui.altair()  # thème français des graphiques (le graphique porte aussi sa locale)

disponibles, _ = ui.plans()
plan = ui.plan()
table = pd.read_csv(ui.chemin_donnees("acteurs_normalisation.csv"), dtype=str).fillna("")

st.title("Cartographie des acteurs")
st.markdown(
    "Les pilotes et partenaires nommés dans les fiches, normalisés (un acteur, un nom). La table de "
    "normalisation est tenue par l'équipe et modifiable (voir « Données et sources »)."
)
c1, c2 = st.columns(2)
choix_plans = c1.multiselect("Plans", list(disponibles), default=[plan.id],
                             format_func=lambda p: disponibles[p].titre_court, key="acteurs_plans",
                             placeholder="Choisissez au moins un plan")
liens = acteurs.liens([disponibles[p] for p in choix_plans], table)
axes = sorted(liens["axe"].unique())
# La liste des axes dépend des plans choisis : une clé par combinaison, pour repartir de « tous ».
choix_axes = c2.multiselect("Axes", axes, default=axes, key="acteurs_axes-" + "-".join(sorted(choix_plans)),
                            placeholder="Choisissez au moins un axe")
liens = liens[liens["axe"].isin(choix_axes)]

if liens.empty:
    st.info("Aucun pilote ni partenaire n'est nommé dans les fiches choisies.", icon=":material/info:")
    st.stop()

classement = acteurs.par_acteur(liens)
st.markdown(f"**{nombre(len(classement))}** acteurs nommés dans **{nombre(acteurs.nombre_de_fiches(liens))}** fiches.")

st.subheader("Les acteurs les plus impliqués")
n = acteurs.nombre_affiche(classement)
st.markdown(acteurs.phrase_graphique(n, len(classement)))  # avant le graphique : on sait ce qu'il montre
st.altair_chart(acteurs.graphique(liens, classement, n), width="stretch")
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
ui.telechargements(classement, "acteurs-classement", cle="acteurs-classement")

st.subheader("Les fiches d'un acteur")
acteur = st.selectbox("Voir les fiches d'un acteur", list(classement["Acteur"]), key="acteurs_choix")
detail = acteurs.liens_lisibles(liens[liens["acteur"] == acteur])
st.dataframe(detail[["Plan", "Fiche", "Intitulé", "Rôle", "Axe", "Nom dans le document", "Source"]], hide_index=True)
st.caption("Toutes les fiches choisies, une ligne par acteur, rôle et fiche :")
ui.telechargements(acteurs.liens_lisibles(liens), "acteurs-des-plans", cle="acteurs")
