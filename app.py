"""Tableau de bord de la Convention Territoriale Globale (CTG) Ville de Dijon – Caf de la Côte-d'Or.

Point d'entrée Streamlit : déclare les pages (dans l'ordre) et les filtres partagés.
Lancement : ``python3 -m ctg_data.lanceur app`` (voir le README).
"""

import streamlit as st

from ctg_data import statique
from pages import ui

statique.preparer()  # Leaflet et jQuery servis localement (dossier static/), sans CDN

st.set_page_config(
    page_title="CTG Dijon — tableau de bord",
    page_icon="🏛️",
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGES = [
    st.Page("pages/accueil.py", title="Accueil", icon=":material/home:", url_path="accueil", default=True),
    st.Page("pages/carte.py", title="Carte des équipements", icon=":material/map:", url_path="carte"),
    st.Page("pages/donnees.py", title="Données et sources", icon=":material/table_view:", url_path="donnees"),
]

navigation = st.navigation(PAGES)
ui.filtres_partages()
navigation.run()
