"""Tableau de bord de la Convention Territoriale Globale (CTG) Ville de Dijon – Caf de la Côte-d'Or.

Point d'entrée Streamlit : déclare les pages (dans l'ordre) et les filtres partagés.
Lancement : ``python3 -m ctg_data.lanceur app`` (voir le README).
"""

import streamlit as st

from ctg_data import statique
from pages import ui

statique.preparer()  # Leaflet et jQuery servis localement (dossier static/), sans CDN
ui.marquer_passage_par_app()  # voir ui.passer_par_app()

st.set_page_config(
    page_title="CTG Dijon — tableau de bord",
    page_icon="🏛️",
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGES = [
    st.Page("pages/accueil.py", title="Accueil", icon=":material/home:", url_path="accueil", default=True),
    st.Page("pages/carte.py", title="Carte des équipements", icon=":material/map:", url_path="carte"),
    st.Page("pages/contexte.py", title="Contexte social", icon=":material/groups:", url_path="contexte"),
    st.Page("pages/portrait.py", title="Portrait de quartier", icon=":material/location_city:", url_path="portrait"),
    st.Page("pages/plan.py", title="Plan d'actions", icon=":material/account_tree:", url_path="plan"),
    st.Page("pages/recapitulatif.py", title="Tableau récapitulatif annuel", icon=":material/summarize:",
            url_path="recapitulatif"),
    st.Page("pages/acteurs.py", title="Cartographie des acteurs", icon=":material/hub:", url_path="acteurs"),
    st.Page("pages/seminaire.py", title="Mode séminaire", icon=":material/co_present:", url_path="seminaire"),
    st.Page("pages/donnees.py", title="Données et sources", icon=":material/table_view:", url_path="donnees"),
]
# La page de saisie n'existe que pour un éditeur connecté : une personne en lecture seule ne la voit
# pas et son adresse la renvoie à l'accueil. Le magasin refuse de toute façon toute écriture sans
# identité d'éditeur.
if ui.identite() is not None:
    PAGES.append(st.Page("pages/saisie.py", title="Saisie", icon=":material/edit_note:", url_path="saisie"))

# À l'impression, seule la page compte : ni colonne de gauche ni barre d'outils.
st.html("<style>@media print { [data-testid='stSidebar'], [data-testid='stHeader'], "
        "[data-testid='stToolbar'] { display: none !important; } }</style>")

navigation = st.navigation(PAGES)
ui.filtre_plan()
ui.filtres_partages()
ui.bloc_connexion()
navigation.run()
