"""Carte des équipements : EAJE, RPE, ALSH, centres sociaux… par quartier, avec QPV et Cité éducative."""

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from ctg_data import carte as cartes
from ctg_data import couleurs
from ctg_data import equipements as eq
from ctg_data import format as fmt
from ctg_data.equipements import LIBELLES_CATEGORIES
from ctg_data.geographie import quartier_contenant
from ctg_data.schemas import CATEGORIES_EQUIPEMENTS
from pages import ui


alt = ui.altair()

ui.exiger_donnees_territoriales()

quartier = ui.quartier_selectionne()
tous = ui.equipements_localises()
quartiers = ui.donnees("quartiers")
quartiers_geo = ui.contours("quartiers_geo")

presentes = set(tous["categorie"])

# --- Filtres ---------------------------------------------------------------------------------
with st.container(border=True):
    c1, c2, c3 = st.columns([3, 2, 2])
    categories = c1.multiselect(
        "Catégories",
        [c for c in CATEGORIES_EQUIPEMENTS if c in presentes],
        default=[c for c in CATEGORIES_EQUIPEMENTS if c in presentes and c != "Autre"],
        format_func=lambda c: LIBELLES_CATEGORIES[c],
        key="carte_categories",
        placeholder="Choisissez au moins une catégorie",
    )
    gestion = c2.selectbox("Gestionnaire", list(eq.GESTIONS), key="carte_gestion")
    annexe = c3.selectbox("Annexe de la CTG", list(eq.ANNEXES), key="carte_annexe")

selection = eq.filtrer(tous, categories, eq.GESTIONS[gestion], eq.ANNEXES[annexe], quartier)
localises = selection[selection["lat"].notna()]
approximatifs = localises[localises["precision"] == "quartier (approx.)"]

st.title(eq.titre_selection(categories, quartier, len(selection)))
st.caption(
    f"{fmt.nombre(len(localises))} sur la carte, dont {fmt.nombre(len(approximatifs))} à une position "
    "approximative (contour en pointillé) ; "
    f"{fmt.nombre(len(selection) - len(localises))} non localisé(s), listé(s) sous la carte."
)

# --- Carte -----------------------------------------------------------------------------------
carte = cartes.construire_carte(
    selection,
    quartiers_geo,
    ui.contours("qpv"),
    ui.contours("iris"),
    quartier_selectionne=quartier,
    quartiers_cite_educative=list(quartiers.loc[quartiers["cite_educative"], "nom"]),
)
sortie = st_folium(
    carte,
    height=620,
    use_container_width=True,
    returned_objects=["last_clicked"],  # rien d'autre : déplacer ou zoomer la carte ne relance pas la page
    key=f"carte-{quartier}",
)
ui.en_tableau(
    pd.DataFrame({
        "Nom": localises["nom"], "Catégorie": localises["categorie"], "Quartier": localises["quartier"].fillna("non connu"),
        "Adresse": localises["adresse"].fillna("non précisée"), "Position": localises["precision"],
        "Latitude": localises["lat"].round(5), "Longitude": localises["lon"].round(5),
    }),
    f"La carte en tableau : les {fmt.nombre(len(localises))} équipements placés",
)
clic = (sortie or {}).get("last_clicked")
if clic:
    quartier_clique = quartier_contenant(clic["lng"], clic["lat"], quartiers_geo)
    if quartier_clique and quartier_clique != quartier:
        ui.choisir_quartier(quartier_clique)
        st.rerun()

st.caption(
    "Cliquez sur un quartier pour le choisir, sur un équipement pour le détail. Les contours des 9 "
    "quartiers sont une **reconstruction de l'équipe** à partir des IRIS de l'INSEE, à valider par la "
    "Ville (détail et degré de confiance dans « Données et sources »). Sans adresse géocodée, un "
    "équipement dont on connaît le quartier est placé **approximativement** dans ce quartier : sa position "
    "n'est pas son adresse. Contours : IGN – INSEE (IRIS 2020), ANCT (QPV 2024) ; équipements : CTG "
    "2024-2027, annexes 2 et 2 bis."
)

non_localises = selection[selection["lat"].isna()]
if not non_localises.empty:
    with st.expander(f"Équipements non localisés ({len(non_localises)})", expanded=quartier is None):
        st.markdown(
            "Ni adresse géocodée ni quartier connu : ils ne sont pas placés sur la carte plutôt que placés au hasard."
        )
        st.dataframe(
            non_localises[["nom", "categorie", "gestionnaire", "adresse", "code_postal", "commune"]].rename(
                columns={"nom": "Nom", "categorie": "Catégorie", "gestionnaire": "Gestionnaire",
                         "adresse": "Adresse", "code_postal": "Code postal", "commune": "Commune"}
            ),
            hide_index=True,
        )

# --- Comptages -------------------------------------------------------------------------------
st.header("Nombre d'équipements par quartier")
noms_quartiers = [quartier] if quartier else list(quartiers.sort_values("nom")["nom"])
tableau = eq.tableau_quartiers(selection, noms_quartiers)
gauche, droite = st.columns([3, 2])
with gauche:
    st.dataframe(tableau, hide_index=True)
    st.caption(
        "Quartier d'un équipement : celui de sa position géocodée, sinon celui indiqué par le document ou "
        "décidé par l'équipe (raison et confiance dans les données téléchargées). Pas de taux pour 1 000 "
        "enfants : aucune source disponible ne donne le nombre d'enfants de moins de 3 ans ou de moins de "
        "18 ans par quartier."
    )
with droite:
    donnees_graphique = selection.assign(quartier=selection["quartier"].fillna("Quartier non connu"))
    if donnees_graphique.empty:
        st.caption("Aucun équipement pour ces filtres.")
    else:
        presentes = [c for c in cartes.STYLES if c in set(donnees_graphique["categorie"])]
        graphique = (
            alt.Chart(donnees_graphique)
            .mark_bar(stroke=couleurs.CONTOUR, strokeWidth=0.7)  # contour : contraste ≥ 3:1 même en jaune
            .encode(
                y=alt.Y("quartier:N", title=None, sort=[*noms_quartiers, "Quartier non connu"]),
                x=alt.X("count():Q", title="Nombre d'équipements", axis=alt.Axis(tickMinStep=1, format="d")),
                color=alt.Color(
                    "categorie:N", title="Catégorie",
                    scale=alt.Scale(domain=presentes, range=[cartes.STYLES[c].couleur for c in presentes]),
                ),
                tooltip=[alt.Tooltip("quartier:N", title="Quartier"), alt.Tooltip("categorie:N", title="Catégorie"),
                         alt.Tooltip("count():Q", title="Nombre")],
            )
            .properties(height=320)
        )
        st.altair_chart(graphique, width="stretch")
        st.caption("Le même décompte, en chiffres : le tableau à gauche.")

export = selection[
    ["id", "nom", "categorie", "sous_type", "gestionnaire", "gestion_ville", "annexe", "adresse", "code_postal",
     "commune", "quartier", "origine_quartier", "confiance_quartier", "raison_quartier", "lat", "lon", "precision",
     "origine_position", "source_fichier", "source_section"]
]
ui.telechargements(export, "ctg-dijon-equipements-carte", jeu=ui.catalogue()["equipements"], cle="carte")

# --- Géocodage -------------------------------------------------------------------------------
with st.expander("Localiser les équipements à leur adresse (géocodage)"):
    st.markdown(
        "Le géocodage cherche chaque adresse dans la **Base Adresse Nationale** (BAN). Une position "
        "trouvée est gardée (fichier `data/geocodage_cache.csv`) et n'est plus jamais redemandée ; "
        "le quartier de l'équipement est alors celui de sa position. Sans internet, utilisez le fichier "
        "BAN du département (`adresses-21.csv`, téléchargeable sur adresse.data.gouv.fr)."
    )
    source = st.radio(
        "Source des adresses",
        ["Service en ligne de la BAN (internet nécessaire)", "Fichier BAN départemental (sur ce serveur)"],
        key="geocodage_source",
    )
    chemin_ban = None
    if source.startswith("Fichier"):
        chemin_ban = st.text_input("Chemin du fichier sur le serveur", placeholder="/chemin/vers/adresses-21.csv")
    if st.button("Lancer le géocodage", icon=":material/travel_explore:", key="geocodage_lancer"):
        ui.geocoder_equipements("api" if chemin_ban is None else "fichier", chemin_ban)
