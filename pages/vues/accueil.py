"""Page d'accueil de chaque plan : son territoire (nom, nature), ses dates, les chiffres clés du
territoire qui existent (toutes sources, avec période, unité et source ; une ligne dit ceux qui manquent),
l'avancement du plan par axe (nombres et graphique des statuts, calculés comme la page « Plan d'actions »)
et, quand le tableau de bord les a, les équipements et services comptés une seule fois pour toutes les pages."""

import re

import streamlit as st

from ctg_data import chiffres
from ctg_data import equipements as eq
from ctg_data import format as fmt
from ctg_data.vocabulaire import TYPES_PLAN, source_lisible
from pages import ui
from pages.ui import cache_plan
from pages.ui.filtres import commune_selectionnee

plan = ui.plan()
territoire = ui.territoire()
quartier = ui.quartier_selectionne()
commune = commune_selectionnee()  # (code INSEE, nom) d'une commune d'un EPCI qui a ses données dérivées

brut = ui.nom_brut  # noms et textes des données : affichés tels quels, jamais lus comme du Markdown

# Une valeur de carte ne se coupe jamais (« plus de 5… ») : elle passe à la ligne entre ses mots quand la
# colonne est étroite (quatre cartes par ligne sur un ordinateur portable, une seule sur un téléphone). Le
# nombre lui-même reste d'un seul tenant (espaces insécables de ctg_data.format). Sur un téléphone, les
# quatre nombres du plan tiennent sur deux lignes de deux, et le titre (nom complet du territoire) est
# moins haut.
st.html(
    "<style>"
    ".st-key-accueil_chiffres [data-testid='stMetricValue'] [data-testid='stMarkdownContainer'],"
    ".st-key-accueil_chiffres [data-testid='stMetricValue'] p,"
    ".st-key-accueil_plan [data-testid='stMetricValue'] [data-testid='stMarkdownContainer'],"
    ".st-key-accueil_plan [data-testid='stMetricValue'] p"
    "{white-space: normal; overflow: visible; text-overflow: clip; overflow-wrap: break-word;}"
    "@media (max-width: 640px) {"
    ".st-key-accueil_plan [data-testid='stColumn'] {min-width: calc(50% - 8px); flex: 1 1 calc(50% - 8px);}"
    "[data-testid='stMain'] h1 {font-size: 2rem;}"
    "}"
    "</style>"
)

# --- Le plan et son territoire -------------------------------------------------------------
st.title(f"{TYPES_PLAN[plan.type]} — {brut(territoire.nom_complet)}")
premiere, derniere = plan.annees()
date_connue = premiere is not None and derniere is not None
periode = plan.periode_lisible() if date_connue else "période non datée par le document"
st.markdown(f"**{brut(plan.titre_court)}** · {brut(periode)}")
nombre_sous_zones = len(ui.sous_zones_du_territoire()) if territoire.sous_zones else None
st.markdown(f"Territoire : {brut(territoire.description(nombre_sous_zones))}")
st.caption(f"Document : {brut(plan.titre)}")
if plan.periode_texte and not (plan.debut and plan.fin):
    # Le texte du plan sans ses renvois aux lignes du fichier, et l'espace française avant « ; ».
    dates = re.sub(r"(?<=\S);", " ;", source_lisible(plan.periode_texte))
    st.caption(f"Dates : {brut(dates)}")
if plan.presentation:
    st.markdown(ui.texte_brut(plan.presentation))

with st.expander("Que trouver dans ce tableau de bord ?", expanded=False):
    filtres = (f"Le plan suivi et le {territoire.sous_zones.singulier}, dans la colonne de gauche, s'appliquent à "
               "toutes les pages." if territoire.sous_zones else
               "Le plan suivi, dans la colonne de gauche, s'applique à toutes les pages.")
    if not territoire.sous_zones and territoire.donnees:
        filtres += (" Le choix d'une commune, dans la même colonne, ajoute sur cette page les chiffres de la commune ; la "
                    "carte, le contexte social et le portrait la montrent aussi.")
    equipements = " ; le nombre d'équipements et de services" if territoire.carte_et_contexte else ""
    communes = ("- **Carte**, **Contexte social** et **Portrait de commune** : les communes du territoire, leurs "
                "chiffres (INSEE) face au territoire, à la Côte-d'Or et à la France.\n" if ui.par_communes(territoire) else "")
    st.markdown(
        f"- **Accueil** (cette page) : le territoire et ses chiffres clés, chacun avec son année et sa source ; "
        f"l'avancement du plan d'actions, axe par axe{equipements}.\n{communes}"
        "- **Plan d'actions** et **Tableau récapitulatif annuel** : l'avancement des fiches et des indicateurs.\n"
        "- **Données et sources** : chaque jeu de données, d'où il vient, sous quelle licence, "
        "son contenu complet et son téléchargement en CSV ou en Excel.\n"
        f"- {filtres} Le lien de la page garde ce choix : copiez-le pour partager la même vue."
    )

# Synthèse du plan et graphique des statuts, calculés une fois par quartier, fichiers et état du magasin pour
# toutes les sessions ; la vue porte aussi l'état des sources lu pour cette exécution (repris plus bas).
vue = cache_plan.vue_plan(plan, territoire, sous_zone=quartier)

# --- Chiffres clés -------------------------------------------------------------------------
cartes = ui.cartes_chiffres(territoire.id) if territoire.chiffres_cles else []
presentes = [c for c in cartes if c.disponible]


def chiffres_cles() -> None:
    if territoire.chiffres_cles:
        st.header("Chiffres clés du territoire")
        if quartier and presentes:
            st.info(f"Ces chiffres portent sur tout le territoire ({brut(territoire.nom)}) : les sources ne les "
                    f"donnent pas pour le quartier {brut(quartier)}. Le portrait de quartier donne les siens.",
                    icon=":material/info:")
        if commune is not None:
            code_commune, nom_commune = commune
            st.info(f"Les chiffres en grand portent sur tout le territoire ({brut(territoire.nom)}) ; ceux de la "
                    f"commune {brut(nom_commune)} sont juste dessous, chacun avec son année et sa source.",
                    icon=":material/info:")
            with st.container(border=True, key="accueil_commune"):
                st.markdown(f"**Commune {brut(nom_commune)}** (code INSEE {brut(code_commune)})")
                st.markdown("\n".join(f"- {brut(titre)} : {ui.texte_brut(phrase)}"
                                       for titre, phrase in cache_plan.chiffres_commune(territoire, code_commune, vue)))
                st.caption("Une petite commune n'a souvent pas de valeur publiée : l'INSEE ne diffuse pas un chiffre "
                           "qui porte sur trop peu de ménages (secret statistique). Aucune valeur n'est estimée, et "
                           "une médiane de commune ne se moyenne pas pour obtenir celle du territoire.")
        with st.container(key="accueil_chiffres"):
            for debut in range(0, len(presentes), 4):
                for colonne, carte in zip(st.columns(4), presentes[debut : debut + 4]):
                    with colonne.container(border=True):
                        st.markdown(f"**{brut(carte.titre)}**", help=ui.texte_brut(carte.note) if carte.note else None)
                        st.metric(brut(carte.titre), brut(carte.valeur), label_visibility="collapsed")
                        ligne = f"{brut(carte.unite)} — " if carte.unite else ""
                        st.markdown(f"{ligne}**{brut(carte.zone)}, {brut(carte.periode)}**")
                        # Les notes de la carte : une légende, un paragraphe chacune (moins d'éléments envoyés).
                        notes = []
                        if carte.precision_unite:
                            precision = brut(carte.precision_unite)
                            notes.append(f"Montant {precision}." if precision.startswith("par ") else
                                         f"Montant : {precision}.")
                        notes.append(f"Source : {brut(carte.source)}")
                        notes += [ui.texte_brut(g.phrase(meme_source=g.source == carte.source))
                                  for g in carte.comparaisons()]
                        if carte.historique:
                            notes.append("Auparavant : " + " ; ".join(brut(h) for h in carte.historique))
                        st.caption("\n\n".join(notes))
        absents = chiffres.phrase_chiffres_absents(cartes, territoire)
        if absents:
            st.info(ui.texte_brut(absents), icon=":material/hourglass_empty:")
            sans_valeur = [c for c in cartes if not c.disponible and c.reperes]
            if sans_valeur:
                zones = list(dict.fromkeys(z for c in sans_valeur for g in c.reperes for z, _ in g.valeurs))
                with st.expander(f"En attendant, les mêmes chiffres pour {', '.join(brut(z) for z in zones)}"):
                    for carte in sans_valeur:
                        st.markdown(f"**{brut(carte.titre)}**")
                        st.caption("\n\n".join(ui.texte_brut(g.phrase()) for g in carte.reperes))
        if presentes and territoire.portrait is not None:  # deux familles de sources : le document et l'INSEE
            st.caption(
                "Quand la convention et les données ouvertes (INSEE) donnent chacune une valeur, les deux sont "
                "montrées, avec leur année, leur unité et leur source : elles ne portent pas sur la même année et ne "
                "se comparent pas directement."
            )


# --- Avancement du plan ----------------------------------------------------------------------
def avancement_du_plan() -> None:
    st.header("Avancement du plan d'actions")
    resume = vue.resume
    indicateurs = len(resume.statuts)
    renseignes = int(resume.synthese_axes["Renseignés"].sum()) if not resume.synthese_axes.empty else 0
    with st.container(key="accueil_plan"):
        for colonne, (libelle, nombre) in zip(st.columns(4), [
            ("Axes", len(plan.axes)), ("Fiches projet", len(plan.fiches)), ("Indicateurs", indicateurs),
            ("Indicateurs renseignés", renseignes),
        ]):
            colonne.metric(libelle, fmt.nombre(nombre), border=True)
    if quartier and territoire.sous_zones:
        st.caption(f"Seules les valeurs saisies pour le {territoire.sous_zones.singulier} {brut(quartier)} "
                   "comptent, comme dans « Plan d'actions ».")
    if resume.synthese_axes.empty:
        st.caption("Ce plan n'a pas d'indicateur : aucun statut à calculer. Ses fiches se lisent dans "
                   "« Plan d'actions ».")
    else:
        cache_plan.afficher_graphique(vue)
    lignes = []
    for axe in resume.axes:
        fiches = len([f for f in plan.fiches if f.axe == axe.id])
        debut = f"- **{brut(axe.libelle)}** : {fiches} fiche{'s' if fiches > 1 else ''}"
        lignes.append(f"{debut}, {axe.avancement}" + (f" — {ui.badge(axe.statut)}" if axe.total else ""))
    st.markdown("\n".join(lignes))
    if not resume.synthese_axes.empty:
        st.caption("Le graphique en chiffres : la liste ci-dessus. Statut d'un axe : celui de ses indicateurs, "
                   "selon la règle affichée dans « Plan d'actions ».")
    st.page_link("pages/vues/plan.py", label="Voir le plan d'actions", icon=":material/account_tree:")


# Les chiffres du territoire d'abord quand il en a ; sinon l'avancement du plan, puis la ligne qui dit
# quels chiffres manquent encore.
for section in ((chiffres_cles, avancement_du_plan) if presentes else (avancement_du_plan, chiffres_cles)):
    section()

# --- Équipements -------------------------------------------------------------------------
if territoire.carte_et_contexte:
    st.header("Équipements et services")
    comptage = cache_plan.equipements(quartier, vue)  # une fois par quartier, fichiers et état du magasin
    st.markdown(comptage.phrase)
    if comptage.par_categorie.empty:
        st.caption("Aucun équipement à afficher pour ce choix.")
    else:
        st.dataframe(comptage.par_categorie, hide_index=True, width="content")
    if quartier and len(comptage.quartier_inconnu):
        with st.expander(f"Peut-être dans ce quartier : {len(comptage.quartier_inconnu)} équipements dont le "
                         "quartier n'est pas connu"):
            st.dataframe(comptage.quartier_inconnu, hide_index=True)
    st.caption(f"Ce qui est compté : {eq.CE_QUI_EST_COMPTE} Source : convention, annexes 2 et 2 bis "
               "(« bonus territoire » de la Caf : annexe 2 ; non éligibles : annexe 2 bis).")
elif not ui.par_communes(territoire):
    st.caption(f"La carte des équipements et le contexte social de {brut(territoire.nom)} ne sont pas encore dans le "
               "tableau de bord.")
