"""Tableau de bord de la Convention Territoriale Globale (CTG) Ville de Dijon – Caf de la Côte-d'Or.

Point d'entrée Streamlit : déclare les pages (dans l'ordre) et les filtres partagés.
Lancement : ``python3 -m ctg_data.lanceur app`` (voir le README).
"""

import streamlit as st
from streamlit.errors import FragmentHandledException
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from ctg_data import statique
from pages import ui

statique.preparer()  # Leaflet et jQuery servis localement (dossier static/), sans CDN

st.set_page_config(
    page_title="Tableau de bord des CTG — Caf de la Côte-d'Or",
    page_icon="🏛️",
    layout="wide",
    # « auto » : menu ouvert sur un écran large, fermé sur un téléphone (largeur de 768 px ou moins), où il
    # couvrirait la page ; sur un téléphone, Streamlit le referme aussi après le choix d'une page.
    initial_sidebar_state="auto",
)

# Le portrait porte sur une sous-zone du territoire du plan demandé : « Portrait de quartier » pour Dijon,
# « Portrait de commune » pour une intercommunalité décrite par ses communes.
_t = ui.territoire_demande()
_portrait = ("Portrait de commune" if _t is not None and ui.par_communes(_t)
             else f"Portrait de {_t.sous_zones.singulier}" if _t is not None and _t.sous_zones else "Portrait de quartier")



def pages_du_menu(portrait: str, saisie_visible: bool) -> list:
    """Les pages, dans l'ordre du menu (``portrait`` : le titre de la page de portrait)."""
    pages = [
        # Page par défaut, servie à la racine (/). Son nom interne n'apparaît dans aucune adresse.
        st.Page("pages/vues/accueil.py", title="Accueil", icon=":material/home:", url_path="racine", default=True),
        st.Page("pages/vues/carte.py", title="Carte des équipements", icon=":material/map:", url_path="carte"),
        st.Page("pages/vues/contexte.py", title="Contexte social", icon=":material/groups:", url_path="contexte"),
        st.Page("pages/vues/portrait.py", title=portrait, icon=":material/location_city:", url_path="portrait"),
        st.Page("pages/vues/plan.py", title="Plan d'actions", icon=":material/account_tree:", url_path="plan"),
        st.Page("pages/vues/recapitulatif.py", title="Tableau récapitulatif annuel", icon=":material/summarize:",
                url_path="recapitulatif"),
        st.Page("pages/vues/acteurs.py", title="Cartographie des acteurs", icon=":material/hub:", url_path="acteurs"),
        st.Page("pages/vues/comparer.py", title="Comparer les territoires", icon=":material/leaderboard:",
                url_path="comparer"),
        st.Page("pages/vues/seminaire.py", title="Mode séminaire", icon=":material/co_present:", url_path="seminaire"),
        st.Page("pages/vues/donnees.py", title="Données et sources", icon=":material/table_view:", url_path="donnees"),
        # L'adresse /accueil (un lien partagé vers l'accueil) ouvre aussi l'accueil.
        st.Page("pages/vues/accueil.py", title="Accueil", url_path="accueil", visibility="hidden"),
    ]
    # La page de saisie est toujours déclarée (une page rechargée, qui commence une nouvelle session, ou
    # un lien vers /saisie ne tombe pas sur la boîte « Page not found » de Streamlit, en anglais), mais
    # n'apparaît au menu que pour un éditeur connecté. Sans connexion, elle dit en français qu'il faut se
    # (re)connecter et n'offre que le formulaire de connexion ; le magasin refuse de toute façon toute
    # écriture sans identité d'éditeur.
    pages.append(st.Page("pages/vues/saisie.py", title="Saisie", icon=":material/edit_note:", url_path="saisie",
                         visibility="visible" if saisie_visible else "hidden"))
    return pages


# Les pages sont déclarées une fois par session (et de nouveau si le titre du portrait ou la visibilité de
# la saisie change) : les déclarer coûte à chaque exécution (chemins résolus, fichiers vérifiés). Gardées
# dans la session, jamais partagées entre sessions : st.navigation marque la page qu'il rend.
_cle_pages = (_portrait, ui.identite() is not None)
_memoire_pages = st.session_state.get("_pages_du_menu")
if _memoire_pages is None or _memoire_pages[0] != _cle_pages:
    _memoire_pages = (_cle_pages, pages_du_menu(*_cle_pages))
    st.session_state["_pages_du_menu"] = _memoire_pages
PAGES = _memoire_pages[1]

# À l'impression, seule la page compte : ni colonne de gauche ni barre d'outils.
st.html("<style>@media print { [data-testid='stSidebar'], [data-testid='stHeader'], "
        "[data-testid='stToolbar'] { display: none !important; } }</style>")

navigation = st.navigation(PAGES)
# Une erreur inattendue (dans une page ou dans les filtres partagés) : un message en français, la pile
# d'appels dans le journal du serveur, rien de technique à l'écran (voir aussi client.showErrorDetails
# dans .streamlit/config.toml). st.rerun, st.stop et st.switch_page lèvent des exceptions de Streamlit
# (ScriptControlException, qui n'hérite pas d'Exception) : elles repassent telles quelles, comme
# FragmentHandledException (erreur d'un fragment, déjà affichée par Streamlit).
try:
    ui.filtre_plan()
    ui.filtres_partages()
    ui.bloc_connexion()
    navigation.run()
except (ScriptControlException, FragmentHandledException):
    raise
except Exception:
    ui.erreur_inattendue(navigation.url_path or navigation.title)
