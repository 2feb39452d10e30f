"""Cartographie des acteurs : qui pilote ou accompagne quelle fiche (CTG, Annexe 5 : premier outil d'évaluation)."""

import pandas as pd
import streamlit as st

from ctg_data import acteurs, couleurs
from ctg_data.vocabulaire import source_lisible
from pages import ui


alt = ui.altair()

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
                             format_func=lambda p: disponibles[p].titre_court, key="acteurs_plans")
liens = acteurs.liens([disponibles[p] for p in choix_plans], table)
axes = sorted(liens["axe"].unique())
# La liste des axes dépend des plans choisis : une clé par combinaison, pour repartir de « tous ».
choix_axes = c2.multiselect("Axes", axes, default=axes, key="acteurs_axes-" + "-".join(sorted(choix_plans)))
liens = liens[liens["axe"].isin(choix_axes)]

if liens.empty:
    st.info("Aucun pilote ni partenaire n'est nommé dans les fiches choisies.", icon=":material/info:")
    st.stop()

st.subheader("Qui est impliqué dans quoi")
hauteur = min(900, 22 * liens["acteur"].nunique() + 60)
st.altair_chart(
    alt.Chart(liens).mark_square(size=180, stroke=couleurs.CONTOUR, strokeWidth=0.8).encode(
        x=alt.X("fiche:N", title="Fiche", sort=None),
        y=alt.Y("acteur:N", title=None, sort="-x"),
        color=alt.Color("role:N", title="Rôle", scale=alt.Scale(range=couleurs.COULEURS_ROLES)),
        tooltip=[alt.Tooltip("acteur:N", title="Acteur"), alt.Tooltip("role:N", title="Rôle"),
                 alt.Tooltip("plan:N", title="Plan"), alt.Tooltip("fiche:N", title="Fiche"),
                 alt.Tooltip("fiche_titre:N", title="Intitulé"), alt.Tooltip("nom_dans_le_document:N", title="Nom dans le document")],
    ).properties(height=hauteur),
    width="stretch",
)
st.caption("Chaque carré : un acteur (ligne) impliqué dans une fiche (colonne). Le même tableau, lisible sans graphique, est ci-dessous.")

synthese = acteurs.par_acteur(liens)
st.subheader("Fiches par acteur")
st.dataframe(synthese, hide_index=True)
acteur = st.selectbox("Voir les fiches d'un acteur", list(synthese["Acteur"]), key="acteurs_choix")
detail = liens[liens["acteur"] == acteur][["plan", "fiche", "fiche_titre", "role", "axe", "nom_dans_le_document", "source"]]
detail = detail.assign(source=detail["source"].map(source_lisible))
st.dataframe(detail.rename(columns={"plan": "Plan", "fiche": "Fiche", "fiche_titre": "Intitulé", "role": "Rôle", "axe": "Axe",
                                    "nom_dans_le_document": "Nom dans le document", "source": "Source"}), hide_index=True)
ui.telechargements(liens, "acteurs-des-plans", cle="acteurs")
