"""Page d'accueil : le plan suivi, les chiffres clés du territoire (toutes sources, avec période, unité
et source), les équipements et services comptés une seule fois pour toutes les pages."""

import streamlit as st

from ctg_data import equipements as eq
from ctg_data.vocabulaire import TYPES_PLAN
from pages import ui

plan = ui.plan()
territoire = ui.territoire()
quartier = ui.quartier_selectionne()

brut = ui.nom_brut  # noms et textes des données : affichés tels quels, jamais lus comme du Markdown
st.title(f"{TYPES_PLAN[plan.type]} — {brut(territoire.nom_complet)}")
st.markdown(f"**{brut(plan.titre_court)}** · {brut(plan.periode_lisible())}")
if plan.presentation:
    st.markdown(ui.texte_brut(plan.presentation))

with st.expander("Que trouver dans ce tableau de bord ?", expanded=False):
    st.markdown(
        "- **Accueil** (cette page) : les chiffres clés du territoire, de la convention et des données ouvertes, "
        "chacun avec son année et sa source ; le nombre d'équipements et de services.\n"
        "- **Plan d'actions** et **Tableau récapitulatif annuel** : l'avancement des fiches et des indicateurs.\n"
        "- **Données et sources** : chaque jeu de données, d'où il vient, sous quelle licence, "
        "son contenu complet et son téléchargement en CSV ou en Excel.\n"
        "- Le plan suivi et le quartier, dans la colonne de gauche, s'appliquent à toutes les pages. "
        "Le lien de la page garde ce choix : copiez-le pour partager la même vue."
    )

# --- Chiffres clés -------------------------------------------------------------------------
if territoire.chiffres_cles:
    st.header("Chiffres clés du territoire")
    if quartier:
        st.info(f"Ces chiffres portent sur tout le territoire ({brut(territoire.nom)}) : les sources ne les donnent pas "
                f"pour le quartier {brut(quartier)}. Le portrait de quartier donne les siens.", icon=":material/info:")
    cartes = ui.cartes_chiffres(territoire.id)
    for debut in range(0, len(cartes), 4):
        for colonne, carte in zip(st.columns(4), cartes[debut : debut + 4]):
            with colonne.container(border=True):
                st.markdown(f"**{brut(carte.titre)}**", help=ui.texte_brut(carte.note) if carte.note else None)
                st.metric(brut(carte.titre), brut(carte.valeur), label_visibility="collapsed")
                ligne = f"{brut(carte.unite)} — " if carte.unite else ""
                st.markdown(f"{ligne}**{brut(carte.zone)}, {brut(carte.periode)}**")
                if carte.precision_unite:
                    st.caption(f"Montant : {brut(carte.precision_unite)}.")
                st.caption(f"Source : {brut(carte.source)}")
                for g in carte.comparaisons():
                    st.caption(ui.texte_brut(g.phrase(meme_source=g.source == carte.source)))
                if carte.historique:
                    st.caption("Auparavant : " + " ; ".join(brut(h) for h in carte.historique))
    st.caption(
        "Quand la convention et les données ouvertes (INSEE) donnent chacune une valeur, les deux sont montrées, "
        "avec leur année, leur unité et leur source : elles ne portent pas sur la même année et ne se comparent "
        "pas directement."
    )

# --- Équipements -------------------------------------------------------------------------
if territoire.carte_et_contexte:
    st.header("Équipements et services")
    comptage = eq.compter(ui.equipements_localises(), quartier)
    st.markdown(comptage.phrase())
    if comptage.par_categorie.empty:
        st.caption("Aucun équipement à afficher pour ce choix.")
    else:
        st.dataframe(
            comptage.par_categorie[["Libellé", "Nombre"]].rename(columns={"Libellé": "Catégorie"}),
            hide_index=True,
            width="content",
        )
    if quartier and len(comptage.quartier_inconnu):
        with st.expander(f"Peut-être dans ce quartier : {len(comptage.quartier_inconnu)} équipements dont le "
                         "quartier n'est pas connu"):
            st.dataframe(comptage.quartier_inconnu[["nom", "categorie", "adresse"]].fillna("non précisée").rename(
                columns={"nom": "Nom", "categorie": "Catégorie", "adresse": "Adresse"}), hide_index=True)
    st.caption(f"Ce qui est compté : {eq.CE_QUI_EST_COMPTE} Source : convention, annexes 2 et 2 bis "
               "(« bonus territoire » de la Caf : annexe 2 ; non éligibles : annexe 2 bis).")
elif not territoire.chiffres_cles:
    st.info(
        f"Le tableau de bord n'a pas encore la carte des équipements ni les chiffres du territoire "
        f"« {brut(territoire.nom_complet)} ». Son plan d'actions ({len(plan.axes)} axes, {len(plan.fiches)} fiches) "
        "se consulte dans « Plan d'actions » et « Tableau récapitulatif annuel ».",
        icon=":material/info:",
    )
    st.page_link("pages/vues/plan.py", label="Voir le plan d'actions", icon=":material/account_tree:")
