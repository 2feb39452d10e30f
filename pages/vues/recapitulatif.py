"""Tableau récapitulatif annuel des fiches projet (CTG, Annexe 5), à télécharger en XLSX et en PDF."""

import datetime as dt

import streamlit as st

from ctg_data import recapitulatif as recap
from ctg_data import vues_plan as vp
from ctg_data.plan import A_DEFINIR
from ctg_data.suivi import REGLE_ROLLUP
from ctg_data.vocabulaire import DETAIL_SOURCE, LIBELLES_STATUTS
from pages import ui
from pages.ui import cache_plan


plan = ui.plan()
territoire = ui.territoire()

st.title("Tableau récapitulatif annuel")
st.markdown(
    "Chaque année, la personne chargée de coopération de la CTG présente au **séminaire annuel de "
    "coordination** un tableau complet de l'état d'avancement des fiches projet, avec leurs indicateurs "
    "d'évaluation, puis en soumet les conclusions au comité de pilotage (CTG, Annexe 5). Le voici, "
    "calculé à partir des valeurs saisies."
)
annees = plan.annees_de_suivi()
aujourd_hui = dt.date.today().year
annee = st.selectbox("Année", annees, index=annees.index(aujourd_hui) if aujourd_hui in annees else len(annees) - 1,
                     key="recap_annee")

# Tableau et synthèse de l'année : calculés une fois par année, fichiers et état du magasin (une valeur saisie
# change la clé), partagés entre sessions ; base indisponible : avertissement et tableaux vides.
tableau, par_axe, base_ok = cache_plan.recapitulatif(plan, territoire, annee)
par_axe.insert(0, "Axe", [vp.libelle_axe(plan.axe(a).numero, plan.axe(a).titre) for a in par_axe["axe"]])
st.subheader(f"Synthèse au 31 décembre {annee}")
# Sur un téléphone comme sur un ordinateur portable, les nombres se lisent sans faire défiler le tableau de
# côté : le statut de l'axe et la répartition de ses indicateurs (les mêmes nombres, en une phrase qui passe
# à la ligne) viennent juste après l'axe ; une colonne par statut suit, pour trier.
synthese_affichee = par_axe.drop(columns="axe").rename(columns={"indicateurs": "Indicateurs", "statut": "Statut"})
synthese_affichee["Répartition"] = [recap.repartition(l) for l in synthese_affichee.to_dict("records")]
st.dataframe(
    synthese_affichee, hide_index=True, width="stretch", row_height=66, height="content",
    column_order=["Axe", "Statut", "Répartition", "Indicateurs", *LIBELLES_STATUTS],
    column_config={"Axe": st.column_config.TextColumn(width=100), "Statut": st.column_config.TextColumn(width=90),
                   "Répartition": st.column_config.TextColumn(width=165, help="Nombre d'indicateurs de l'axe par statut."),
                   "Indicateurs": st.column_config.NumberColumn(width=78),
                   **{s: st.column_config.NumberColumn(width=78) for s in LIBELLES_STATUTS}},
)
st.caption(REGLE_ROLLUP)

st.subheader(f"Fiches projet et indicateurs — {annee}")
# Après l'indicateur : sa valeur, sa cible et son statut (lisibles sur un téléphone), puis le reste ; le
# texte passe à la ligne. Les téléchargements gardent l'ordre des colonnes du document.
st.dataframe(
    tableau, hide_index=True, width="stretch", height=520, row_height=66,
    column_order=["Indicateur", "Valeur", "Cible", "Statut", "Période", "Fiche", "Axe", "Commentaire",
                  "Source de la valeur"],
    column_config={"Indicateur": st.column_config.TextColumn(width=100),
                   "Valeur": st.column_config.TextColumn(width=95), "Cible": st.column_config.TextColumn(width=70),
                   "Statut": st.column_config.TextColumn(width=90), "Période": st.column_config.TextColumn(width=110),
                   "Fiche": st.column_config.TextColumn(width=200), "Axe": st.column_config.TextColumn(width=130),
                   "Commentaire": st.column_config.TextColumn(width="large"),
                   "Source de la valeur": st.column_config.TextColumn(width="medium")},
)
st.caption(
    f"« {A_DEFINIR} » : le plan ne fixe pas de cible pour l'indicateur ; « {vp.NON_RENSEIGNEE} » : aucune valeur "
    f"saisie pour une période de {annee} ou d'avant. Dernière valeur : celle de « {ui.texte_brut(territoire.nom)} » "
    "(le territoire entier) quand elle existe. Source du plan : "
    + " ; ".join(dict.fromkeys(ui.texte_brut(vp.texte_lisible(s.section)) for s in plan.sources))
)
with st.expander(DETAIL_SOURCE, icon=":material/description:"):
    st.caption(" ; ".join(f"{ui.texte_brut(s.section)} ({ui.texte_brut(s.fichier)})" for s in plan.sources))

sources = list(dict.fromkeys(vp.texte_lisible(s.section) for s in plan.sources)) + ["valeurs saisies dans le tableau de bord (auteur et source de chaque valeur dans l'historique)"]
if not base_ok:  # les téléchargements le disent aussi (feuille, ligne ou paragraphe d'avertissement)
    st.warning(recap.BASE_INDISPONIBLE, icon=":material/cloud_off:")
c1, c2, c3 = st.columns(3)
c1.download_button(
    "Télécharger en Excel", lambda: recap.en_xlsx(tableau, plan, annee, sources, base_disponible=base_ok),  # produit au clic
    file_name=f"{plan.id}-recapitulatif-{annee}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:", key="recap_xlsx",
)
c2.download_button(
    "Télécharger en CSV", lambda: recap.en_csv(tableau, base_disponible=base_ok),
    file_name=f"{plan.id}-recapitulatif-{annee}.csv", mime="text/csv", icon=":material/download:", key="recap_csv",
    help="Séparateur point-virgule, virgule décimale : s'ouvre directement dans un tableur en français.",
)
if c3.button("Préparer le PDF (A4 paysage)", icon=":material/picture_as_pdf:", key="recap_pdf_preparer"):
    barre = st.progress(0.2, text="Mise en page du PDF…")
    st.session_state["recap_pdf_octets"] = ((plan.id, annee, base_ok),
                                            recap.en_pdf(tableau, plan, annee, sources, base_disponible=base_ok))
    barre.progress(1.0, text="PDF prêt.")
if st.session_state.get("recap_pdf_octets", (None,))[0] == (plan.id, annee, base_ok):  # PDF du plan et de l'année affichés
    c3.download_button(
        "Télécharger le PDF", st.session_state["recap_pdf_octets"][1], file_name=f"{plan.id}-recapitulatif-{annee}.pdf",
        mime="application/pdf", icon=":material/download:", key="recap_pdf",
    )
