"""Contexte social : pauvreté, revenus, familles, jeunesse par quartier, IRIS et QPV, avec leurs sources."""

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from ctg_data import agregation, chiffres
from ctg_data import vues_contexte as vc
from ctg_data import carte as cartes
from ctg_data import couleurs
from ctg_data import format as fmt
from ctg_data.vocabulaire import source_lisible
from pages import ui


alt = ui.altair()
brut = ui.nom_brut  # noms et textes des données : affichés tels quels, jamais lus comme du Markdown

ui.exiger_donnees_territoriales()

territoire = ui.territoire()
quartier = ui.quartier_selectionne()
social = ui.donnees("social")
dictionnaire = ui.donnees("social_indicateurs").set_index("code")

st.title("Contexte social")
st.markdown(
    "Les données ouvertes de l'INSEE, de la Caf et de l'ANCT, par IRIS (petits secteurs de 2 000 habitants "
    "environ), regroupées par quartier selon des règles qui évitent les erreurs de calcul (détail sous le "
    "graphique). Un IRIS sans valeur publiée (secret statistique) n'est jamais compté comme 0."
)

dico = ui.donnees("social_indicateurs")
c1, c2, c3 = st.columns([3, 1, 1])
code = c1.selectbox("Indicateur", vc.indicateurs_disponibles(social, dico),
                    format_func=lambda c: dictionnaire.loc[c, "libelle"], key="contexte_indicateur")
choix = vc.vue_indicateur(social, dico, territoire, code)
annee = c2.selectbox("Année", choix.annees, key="contexte_annee")
niveau = c3.radio("Niveau", choix.niveaux, key="contexte_niveau", horizontal=True)
vue = vc.vue_indicateur(social, dico, territoire, code, annee, niveau)
unite = vue.unite

gauche, droite = st.columns([3, 2])
with droite:
    st.subheader(brut(vue.libelle))
    st.markdown(ui.texte_brut(vue.definition))
    st.markdown(f"**Unité** : {brut(unite)} · **Règle de regroupement par quartier** : {agregation.REGLES[vue.agregation]}.")
    if vue.precautions:
        st.warning(ui.texte_brut(vue.precautions), icon=":material/warning:")
    if vue.detail:
        with st.expander("Détail technique", icon=":material/description:"):
            st.caption(ui.texte_brut(vue.detail))
    st.caption(f"Source : {brut(vue.source)}")
    if not vue.par_quartier:
        st.info("Pas de valeur par quartier pour cet indicateur : une médiane ou un décile ne se moyenne pas. "
                "La carte montre les IRIS ; le tableau plus bas donne la valeur de chaque IRIS.",
                icon=":material/info:")
with gauche:
    if vue.zones.empty:
        st.caption("Aucune donnée pour ce niveau et cette année.")
    else:
        contours = ui.contours("quartiers_geo") if vue.type_zone == "quartier" else ui.contours("iris")
        cle = "id" if vue.type_zone == "quartier" else "code_iris"
        st_folium(
            cartes.carte_choroplethe(contours, cle, vue.zones, f"{vue.libelle} ({annee})", unite,
                                     qpv=ui.contours("qpv"), quartier_selectionne=quartier),
            height=520, use_container_width=True, returned_objects=[],
            key=f"choro-{code}-{annee}-{vue.type_zone}-{quartier}",
        )
        st.caption("La carte et le graphique en chiffres : le tableau plus bas sur la page (rubrique « Tableau »).")

# --- Tous les quartiers, avec le territoire et ses comparaisons ----------------------------------
st.subheader(f"{brut(vue.libelle)} — {annee}")
references = vue.references
if not vue.quartiers_annee.empty and vue.quartiers_annee["valeur"].notna().any():
    donnees_barres = vue.quartiers_annee.assign(choisi=vue.quartiers_annee["nom_zone"] == quartier)
    barres = alt.Chart(donnees_barres.dropna(subset=["valeur"])).mark_bar(stroke=couleurs.CONTOUR, strokeWidth=0.5).encode(
        y=alt.Y("nom_zone:N", title=None, sort="-x"),
        x=alt.X("valeur:Q", title=unite),
        color=alt.condition("datum.choisi", alt.value(couleurs.BARRE_CHOISIE), alt.value(couleurs.BARRE)),
        tooltip=[alt.Tooltip("nom_zone:N", title="Quartier"), alt.Tooltip("valeur:Q", title=vue.libelle, format=".1f"),
                 alt.Tooltip("note:N", title="Calcul")],
    )
    couches = [barres]
    if not references.empty:
        couches.append(alt.Chart(references).mark_rule(strokeDash=[5, 3], color=couleurs.REPERE, strokeWidth=2).encode(
            x="valeur:Q", tooltip=[alt.Tooltip("nom_zone:N", title="Référence"), alt.Tooltip("valeur:Q", format=".1f")]))
    st.altair_chart(alt.layer(*couches).properties(height=300), width="stretch")
    if references.empty:
        st.caption(f"Pas de valeur de comparaison ({brut(territoire.nom)} et territoires de comparaison) pour cette année "
                   "dans les données ouvertes : voir les repères ci-dessous (autres années, autres sources).")
    else:
        st.caption("Traits pointillés rouges : " + " ; ".join(
            f"{brut(r['nom_zone'])} {brut(fmt.valeur(r['valeur'], unite))}" for _, r in references.iterrows()))
elif not references.empty:
    st.markdown("Valeurs de comparaison : " + " ; ".join(
        f"{brut(r['nom_zone'])} : {brut(fmt.valeur(r['valeur'], unite))}" for _, r in references.iterrows()))

# --- Repères : le territoire et ses comparaisons, toutes sources, en séries ---------------------------
groupes = chiffres.reperes(ui.reference_chiffres(territoire.id), code, territoire, annees=3)
st.markdown(f"**Repères : {brut(territoire.nom)} et territoires de comparaison, toutes sources**")
if groupes:
    st.dataframe(chiffres.tableau_reperes(groupes), hide_index=True)
    st.caption("Chaque source avec sa période et son unité : la convention (chiffres de 2020) et l'INSEE (séries "
               "annuelles) ne portent pas sur la même année et ne se comparent pas directement.")
else:
    st.caption(f"Aucune source ne donne cet indicateur pour {brut(territoire.nom)} ni ses territoires de comparaison.")
if vue.serie_reperes["annee"].nunique() > 1:
    st.altair_chart(alt.Chart(vue.serie_reperes).mark_line(point=True).encode(
        x=alt.X("annee:O", title="Année des données"), y=alt.Y("valeur:Q", title=unite),
        color=alt.Color("nom_zone:N", title="Territoire", scale=alt.Scale(range=couleurs.PALETTE_SERIES)),
        tooltip=[alt.Tooltip("nom_zone:N", title="Territoire"), alt.Tooltip("annee:O", title="Année"),
                 alt.Tooltip("valeur:Q", format=".1f"), alt.Tooltip("source:N", title="Source")],
    ).properties(height=260, title=f"{vue.libelle} : {territoire.nom} et territoires de comparaison"), width="stretch")
    ui.en_tableau(
        vue.serie_reperes.pivot_table(index="nom_zone", columns="annee", values="valeur", aggfunc="first")
        .map(lambda v: fmt.valeur(v, unite) if pd.notna(v) else "–").rename_axis(index="Territoire", columns=None)
        .rename(columns=str).reset_index(),
        "La série en tableau (valeur par territoire et par année, données ouvertes)",
    )

# --- Évolution par quartier --------------------------------------------------------------------
serie = vue.serie_quartiers
if serie["annee"].nunique() > 1:
    st.subheader("Évolution par quartier")
    if quartier:
        serie = serie.assign(choisi=serie["nom_zone"] == quartier)
    courbes = alt.Chart(serie).mark_line(point=True).encode(
        x=alt.X("annee:O", title="Année"), y=alt.Y("valeur:Q", title=unite),
        color=alt.Color("nom_zone:N", title="Quartier", scale=alt.Scale(range=couleurs.PALETTE_SERIES)),
        strokeWidth=alt.condition("datum.choisi", alt.value(4), alt.value(1.5)) if quartier else alt.value(2),
        tooltip=[alt.Tooltip("nom_zone:N", title="Quartier"), alt.Tooltip("annee:O", title="Année"),
                 alt.Tooltip("valeur:Q", title=vue.libelle, format=".1f")],
    )
    st.altair_chart(courbes.properties(height=300), width="stretch")
    ui.en_tableau(
        serie.pivot_table(index="nom_zone", columns="annee", values="valeur", aggfunc="first")
        .map(lambda v: fmt.valeur(v, unite) if pd.notna(v) else "–").rename_axis(index="Quartier", columns=None)
        .rename(columns=str).reset_index(),
        "L'évolution en tableau (valeur par quartier et par année)",
    )

# --- Tableau -----------------------------------------------------------------------------------
st.subheader("Tableau")
st.dataframe(vue.tableau, hide_index=True)
ui.telechargements(social[(social["indicateur"] == code) & (social["annee"] == annee)],
                   f"contexte-social-{territoire.id}-{code}-{annee}", jeu=ui.catalogue()["social"], cle="contexte")

# --- QPV ---------------------------------------------------------------------------------------
noms_qpv = sorted(ui.donnees("quartiers").dropna(subset=["nom_qpv"])["nom_qpv"].unique())
st.header("Les quartiers prioritaires : " + " et ".join(brut(n) for n in noms_qpv))
codes_qpv = [c for c in ["niveau_vie_median", "part_moins_25_ans", "taux_pauvrete"]
             if not social[(social["type_zone"] == "QPV") & (social["indicateur"] == c)].empty]
if not codes_qpv:
    st.caption("Pas de données QPV.")
else:
    code_qpv = st.radio("Indicateur", codes_qpv, format_func=lambda c: brut(dictionnaire.loc[c, "libelle"]),
                        key="qpv_indicateur", horizontal=True)
    ensemble, avec_territoire = vc.serie_qpv(social, territoire, code_qpv)
    st.altair_chart(alt.Chart(ensemble).mark_line(point=True).encode(
        x=alt.X("annee:O", title="Année des données"), y=alt.Y("valeur:Q", title=dictionnaire.loc[code_qpv, "unite"]),
        color=alt.Color("nom_zone:N", title="Zone", scale=alt.Scale(range=couleurs.PALETTE_SERIES)),
        tooltip=[alt.Tooltip("nom_zone:N", title="Zone"), alt.Tooltip("annee:O", title="Année"),
                 alt.Tooltip("valeur:Q", format=".1f"), alt.Tooltip("source:N", title="Source")],
    ).properties(height=280), width="stretch")
    ui.en_tableau(
        pd.DataFrame({"Zone": ensemble["nom_zone"], "Année": ensemble["annee"],
                      "Valeur": [fmt.valeur(v, dictionnaire.loc[code_qpv, "unite"]) for v in ensemble["valeur"]],
                      "Source": ensemble["source"]}),
        "Le graphique en tableau",
    )
    st.caption("Années : celles des données (millésime), pas celles des éditions de l'ANCT. Sources : "
               + " ; ".join(brut(s) for s in sorted(set(ensemble["source"]))))
    if not avec_territoire:
        st.caption(f"Pas de valeur pour {brut(territoire.nom)} dans les données ouvertes pour cet indicateur.")

# --- Cité éducative ----------------------------------------------------------------------------
st.header("La Cité éducative")
cite = ui.donnees("cite_educative")
for _, ligne in cite.iterrows():
    st.markdown(f"**{brut(ligne['libelle'])}** : {brut(ligne['texte'])}")
st.caption("Source : dossier de la Cité éducative, "
           + " ; ".join(dict.fromkeys(brut(source_lisible(s)) for s in cite["source_section"].head(3))) + "…")
