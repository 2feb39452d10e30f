"""Contexte social : pauvreté, revenus, familles, jeunesse par quartier, IRIS et QPV, avec leurs sources."""

import streamlit as st

from ctg_data import agregation
from ctg_data import format as fmt
from pages import ui
from pages.ui import cache_contexte as cache
from pages.ui import carte_en_cache

brut = ui.nom_brut  # noms et textes des données : affichés tels quels, jamais lus comme du Markdown

if ui.par_communes():  # territoire décrit par ses communes : la page de ses communes (même adresse)
    from pages.communes import contexte as par_communes

    par_communes.afficher()
    st.stop()
ui.exiger_donnees_territoriales()

territoire = ui.territoire()
quartier = ui.quartier_selectionne()
# Arguments nommés : Streamlit ne cherche pas la signature de la fonction à chaque appel.
# Tout ce qui se calcule est en cache, par (données, territoire, indicateur, année, niveau, quartier) et
# partagé entre les sessions : la page ne fait qu'afficher (voir pages/ui/cache_contexte.py).
cle = ui.cle_donnees()
sources = cache.Sources(territoire)
menu = cache.menu_contexte(cle_donnees=cle, id_territoire=territoire.id, _sources=sources)

st.title("Contexte social")
st.markdown(
    "Les données ouvertes de l'INSEE, de la Caf et de l'ANCT, par IRIS (petits secteurs de 2 000 habitants "
    "environ), regroupées par quartier selon des règles qui évitent les erreurs de calcul (détail sous le "
    "graphique). Un IRIS sans valeur publiée (secret statistique) n'est jamais compté comme 0."
)

c1, c2, c3 = st.columns([3, 1, 1])
code = c1.selectbox("Indicateur", menu["codes"], format_func=lambda c: menu["libelles"][c], key="contexte_indicateur")
annees, niveaux = cache.choix_contexte(cle_donnees=cle, id_territoire=territoire.id, code=code, _sources=sources)
annee = c2.selectbox("Année", annees, key="contexte_annee")
niveau = c3.radio("Niveau", niveaux, key="contexte_niveau", horizontal=True) if niveaux else None
base = cache.vue_contexte(cle_donnees=cle, id_territoire=territoire.id, code=code, annee=annee, niveau=niveau,
                          _sources=sources)
selon_quartier = cache.vue_contexte_quartier(cle_donnees=cle, id_territoire=territoire.id, code=code, annee=annee,
                                             niveau=niveau, quartier=quartier, _sources=sources)
vue = base["vue"]
unite = vue.unite
annee = vue.annee

if vue.raison:  # rien à cartographier : la raison en une ligne, sur toute la largeur
    st.info(brut(vue.raison), icon=":material/info:")
    gauche, droite = None, st.container()
else:
    gauche, droite = st.columns([3, 2])
with droite:
    st.subheader(brut(vue.libelle))
    st.markdown(ui.texte_brut(vue.definition))
    if vue.niveaux:
        st.markdown(f"**Unité** : {brut(unite)} · **Règle de regroupement par quartier** : {agregation.REGLES[vue.agregation]}.")
    else:
        st.markdown(f"**Unité** : {brut(unite)}")
    if vue.precautions:
        st.warning(ui.texte_brut(vue.precautions), icon=":material/warning:")
    if vue.detail:
        with st.expander("Détail technique", icon=":material/description:"):
            st.caption(ui.texte_brut(vue.detail))
    st.caption(f"Source : {brut(vue.source)}")
    if vue.note_quartiers:
        st.info(vue.note_quartiers, icon=":material/info:")
if gauche is not None:
    with gauche:
        # Le fond ne dépend pas du quartier : la carte est mise à jour sur place (contour du quartier choisi
        # en couche ajoutée), le cadre n'est pas recréé quand le quartier change.
        carte_en_cache.afficher_carte(selon_quartier["arguments_carte"],
                                      cle_session=f"choro-{code}-{annee}-{vue.type_zone}")
        st.markdown(selon_quartier["legende_html"], unsafe_allow_html=True)
        st.caption("La carte et le graphique en chiffres : le tableau plus bas sur la page (rubrique « Tableau »).")

# --- Tous les quartiers, avec le territoire et ses comparaisons ----------------------------------
references = base["references_lisibles"]


def legende_des_references(references, quand: str) -> None:
    """Sous le graphique : la valeur de chaque trait, ou pourquoi il n'y en a pas."""
    if references.empty:
        st.caption(f"Pas de valeur de comparaison ({brut(territoire.nom)} et territoires de comparaison) {quand} "
                   "dans les données ouvertes : voir les repères ci-dessous (autres années, autres sources).")
    else:
        st.caption("Traits pointillés rouges : " + " ; ".join(
            f"{brut(n)} {brut(fmt.valeur(v, unite))}" for n, v in zip(references["nom_zone"], references["valeur"])))


if vue.etendue is not None:
    etendue = vue.etendue
    st.subheader(f"{brut(vue.libelle)} — {annee} : les IRIS de chaque quartier")
    st.markdown("Pour chaque quartier, la barre va de la valeur de l'IRIS le plus bas à celle de l'IRIS le plus "
                "haut ; chaque trait vertical est un IRIS. Aucune valeur n'est calculée pour le quartier.")
    ui.afficher_spec(selon_quartier["barres"], width="stretch")
    legende_des_references(references, f"en {annee}")
    st.dataframe(selon_quartier["tableau_etendue"], hide_index=True)
    st.caption(brut(etendue.rattachement) + " Un IRIS sans valeur (secret statistique, valeur non significative ou "
               "non disponible) n'est jamais compté.")
elif selon_quartier["barres"] is not None:
    st.subheader(f"{brut(vue.libelle)} — {annee}")
    ui.afficher_spec(selon_quartier["barres"], width="stretch")
    if vue.quartiers_sans_valeur:
        st.caption(brut(vue.quartiers_sans_valeur))
    legende_des_references(references, "pour cette année")
elif not references.empty:
    st.markdown(f"Valeurs de comparaison en {annee} : " + " ; ".join(
        f"{brut(n)} : {brut(fmt.valeur(v, unite))}" for n, v in zip(references["nom_zone"], references["valeur"])))

# --- Repères : le territoire et ses comparaisons, toutes sources, en séries ---------------------------
st.markdown(f"**Repères : {brut(territoire.nom)} et territoires de comparaison, toutes sources**")
if base["reperes"] is not None:
    # La zone, la valeur et sa période d'abord (lisibles sur un téléphone sans défilement de côté) ; la
    # source, longue, en dernier, sur plusieurs lignes.
    reperes_tableau, hauteur_ligne = base["reperes"]
    st.dataframe(
        reperes_tableau, hide_index=True, row_height=hauteur_ligne,
        column_config={"Zone": st.column_config.TextColumn("Zone", width=130),
                       "Valeur": st.column_config.TextColumn("Valeur", width=72),
                       "Période": st.column_config.TextColumn("Période", width=68),
                       "Unité": st.column_config.TextColumn("Unité", width=60),
                       "Source": st.column_config.TextColumn("Source", width=300)},
    )
    st.caption("Chaque source avec sa période et son unité : la convention (chiffres de 2020) et l'INSEE (séries "
               "annuelles) ne portent pas sur la même année et ne se comparent pas directement.")
else:
    st.caption(f"Aucune source ne donne cet indicateur pour {brut(territoire.nom)} ni ses territoires de comparaison.")
if base["serie_reperes"] is not None:
    st.markdown(f"**{brut(vue.libelle)} : {brut(territoire.nom)} et territoires de comparaison**")
    ui.afficher_spec(base["serie_reperes"][0], width="stretch")
    ui.en_tableau(base["serie_reperes"][1], "La série en tableau (valeur par territoire et par année, données ouvertes)")

# --- Évolution par quartier --------------------------------------------------------------------
if selon_quartier["evolution"] is not None:
    st.subheader("Évolution par quartier")
    ui.afficher_spec(selon_quartier["evolution"][0], width="stretch")
    ui.en_tableau(selon_quartier["evolution"][1], "L'évolution en tableau (valeur par quartier et par année)")

# --- Tableau -----------------------------------------------------------------------------------
st.subheader("Tableau")
st.dataframe(base["tableau"], hide_index=True)  # vue.tableau, déjà converti en Arrow
ui.telechargements(base["telechargement"], f"contexte-social-{territoire.id}-{code}-{annee}",
                   jeu=ui.catalogue()["social"], cle="contexte")

# --- QPV ---------------------------------------------------------------------------------------
st.header("Les quartiers prioritaires : " + " et ".join(brut(n) for n in menu["noms_qpv"]))
if not menu["codes_qpv"]:
    st.caption("Pas de données QPV.")
else:
    code_qpv = st.radio("Indicateur", menu["codes_qpv"], format_func=lambda c: brut(menu["libelles"][c]),
                        key="qpv_indicateur", horizontal=True)
    qpv = cache.serie_qpv(cle_donnees=cle, id_territoire=territoire.id, code_qpv=code_qpv, _sources=sources)
    ui.afficher_spec(qpv["graphique"], width="stretch")
    ui.en_tableau(qpv["tableau"], "Le graphique en tableau")
    st.caption("Années : celles des données (millésime), pas celles des éditions de l'ANCT. Sources : "
               + " ; ".join(brut(s) for s in qpv["sources"]))
    if not qpv["avec_territoire"]:
        st.caption(f"Pas de valeur pour {brut(territoire.nom)} dans les données ouvertes pour cet indicateur.")

# --- Cité éducative ----------------------------------------------------------------------------
st.header("La Cité éducative")
for libelle, texte in menu["cite"]:
    st.markdown(f"**{brut(libelle)}** : {brut(texte)}")
st.caption("Source : dossier de la Cité éducative, " + " ; ".join(brut(s) for s in menu["sources_cite"]) + "…")
