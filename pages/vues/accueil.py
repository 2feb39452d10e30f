"""Page d'accueil : ce qu'est la CTG, les chiffres clés du portrait, les équipements par catégorie."""

import streamlit as st

from ctg_data import equipements as eq
from ctg_data import format as fmt
from ctg_data.portrait import chiffres_cles
from pages import ui


ui.exiger_donnees_territoriales()

quartier = ui.quartier_selectionne()

st.title("Convention Territoriale Globale de Dijon")
st.markdown(
    "La **Convention Territoriale Globale (CTG)** est le contrat signé par la **Ville de Dijon** et la "
    "**Caf de la Côte-d'Or** pour la période du 1er juillet 2024 au 31 décembre 2027. Elle fixe des "
    "objectifs communs pour la petite enfance, l'enfance, la jeunesse et l'animation de la vie sociale, "
    "et organise leur suivi dans les 9 quartiers de la ville. Ce tableau de bord rassemble les chiffres "
    "et les équipements cités par la convention, chacun avec sa source."
)

with st.expander("Que trouver dans ce tableau de bord ?", expanded=False):
    st.markdown(
        "- **Accueil** (cette page) : les chiffres clés du territoire tels que la convention les présente, "
        "et le nombre d'équipements et de services soutenus par la Ville.\n"
        "- **Données et sources** : chaque jeu de données, d'où il vient, sous quelle licence, "
        "son contenu complet et son téléchargement en CSV ou en Excel.\n"
        "- Le filtre **Quartier**, dans la colonne de gauche, s'applique à toutes les pages. "
        "Le lien de la page garde ce choix : copiez-le pour partager la même vue."
    )

# --- Chiffres clés -------------------------------------------------------------------------
st.header("Chiffres clés du territoire")
if quartier:
    st.info(
        f"Ces chiffres portent sur toute la ville : la convention ne les donne pas pour le quartier "
        f"{quartier}.",
        icon=":material/info:",
    )
cartes = ui.calcul(chiffres_cles, "portrait")
for debut in range(0, len(cartes), 4):
    for colonne, carte in zip(st.columns(4), cartes[debut : debut + 4]):
        with colonne.container(border=True):
            st.markdown(f"**{carte.titre}**", help=carte.note or None)
            st.metric(carte.titre, carte.valeur_courte, label_visibility="collapsed")
            st.markdown(f"{carte.unite} — **Dijon, {carte.annee}**" if carte.unite else f"**Dijon, {carte.annee}**")
            if carte.comparaisons:
                st.markdown("  \n".join(carte.comparaisons))
            else:
                st.caption("Comparaison Côte-d'Or / France : non donnée par la convention.")
            if carte.historique:
                st.markdown("Auparavant : " + " ; ".join(carte.historique))
            st.caption(f"Source : {carte.source}")

# --- Équipements -------------------------------------------------------------------------
st.header("Équipements et services soutenus par la Ville")
equipements = ui.donnees("equipements")
selection = eq.filtrer_quartier(equipements, quartier)
comptage = eq.comptage_par_categorie(selection)
if quartier:
    st.markdown(f"**{fmt.nombre(len(selection))}** équipement(s) ou service(s) rattaché(s) au quartier **{quartier}**.")
    st.warning(
        f"Le quartier n'est connu que pour {fmt.nombre(len(equipements) - eq.sans_quartier(equipements))} "
        f"des {fmt.nombre(len(equipements))} équipements : les annexes de la convention donnent l'adresse, "
        "pas le quartier. Les autres seront rattachés à leur quartier après localisation de leur adresse.",
        icon=":material/warning:",
    )
else:
    st.markdown(
        f"**{fmt.nombre(len(selection))}** équipements et services listés aux annexes 2 et 2 bis de la convention."
    )
if comptage.empty:
    st.caption("Aucun équipement à afficher pour ce choix.")
else:
    st.dataframe(
        comptage[["Libellé", "Nombre"]].rename(columns={"Libellé": "Catégorie"}),
        hide_index=True,
        width="content",
    )
st.caption(
    "Source : CTG Dijon 2024-2027, Annexe 2 (éligibles au « bonus territoire » de la Caf) et "
    "Annexe 2 bis (non éligibles) — 000_6464dfed2d3d1a29.txt. Le réseau des médiathèques compte "
    "pour une ligne (7 équipements non détaillés dans le document)."
)
