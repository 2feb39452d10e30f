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

if ui.par_communes():  # territoire décrit par ses communes : la page de ses communes (même adresse)
    from pages.communes import contexte as par_communes

    par_communes.afficher()
    st.stop()
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
rattachement = ui.donnees("iris_quartiers")
c1, c2, c3 = st.columns([3, 1, 1])
code = c1.selectbox("Indicateur", vc.indicateurs_disponibles(social, dico),
                    format_func=lambda c: dictionnaire.loc[c, "libelle"], key="contexte_indicateur")
choix = vc.vue_indicateur(social, dico, territoire, code)
annee = c2.selectbox("Année", choix.annees, key="contexte_annee")
niveau = c3.radio("Niveau", choix.niveaux, key="contexte_niveau", horizontal=True) if choix.niveaux else None
vue = vc.vue_indicateur(social, dico, territoire, code, annee, niveau, rattachement=rattachement)
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
        contours = ui.contours("quartiers_geo") if vue.type_zone == "quartier" else ui.contours("iris")
        cle = "id" if vue.type_zone == "quartier" else "code_iris"
        titre_carte = f"{vue.libelle} ({annee})"
        carte = cartes.carte_choroplethe(contours, cle, vue.zones, titre_carte, unite,
                                         qpv=ui.contours("qpv"), quartier_selectionne=quartier)
        legende = vc.legende_hors_carte(carte, vue.zones, unite, quartier_selectionne=quartier)
        st_folium(carte, height=520, use_container_width=True, returned_objects=[],
                  key=f"choro-{code}-{annee}-{vue.type_zone}-{quartier}")
        st.markdown(vc.legende_html(titre_carte, legende), unsafe_allow_html=True)
        st.caption("La carte et le graphique en chiffres : le tableau plus bas sur la page (rubrique « Tableau »).")

# --- Tous les quartiers, avec le territoire et ses comparaisons ----------------------------------
references = vue.references


def trait_des_references(references):
    """Les territoires de comparaison en traits pointillés sur un graphique en barres."""
    return alt.Chart(references).mark_rule(strokeDash=[5, 3], color=couleurs.REPERE, strokeWidth=2).encode(
        x="valeur:Q", tooltip=[alt.Tooltip("nom_zone:N", title="Référence"),
                               alt.Tooltip("valeur_lisible:N", title="Valeur")])


def legende_des_references(references, quand: str) -> None:
    """Sous le graphique : la valeur de chaque trait, ou pourquoi il n'y en a pas."""
    if references.empty:
        st.caption(f"Pas de valeur de comparaison ({brut(territoire.nom)} et territoires de comparaison) {quand} "
                   "dans les données ouvertes : voir les repères ci-dessous (autres années, autres sources).")
    else:
        st.caption("Traits pointillés rouges : " + " ; ".join(
            f"{brut(r['nom_zone'])} {brut(fmt.valeur(r['valeur'], unite))}" for _, r in references.iterrows()))


if vue.etendue is not None:
    etendue = vue.etendue
    st.subheader(f"{brut(vue.libelle)} — {annee} : les IRIS de chaque quartier")
    st.markdown("Pour chaque quartier, la barre va de la valeur de l'IRIS le plus bas à celle de l'IRIS le plus "
                "haut ; chaque trait vertical est un IRIS. Aucune valeur n'est calculée pour le quartier.")
    ordre = list(etendue.par_quartier["quartier"])
    bornes = vc.avec_valeurs_lisibles(etendue.par_quartier.dropna(subset=["minimum"]), unite, ("minimum", "maximum"))
    bornes = bornes.assign(choisi=bornes["quartier"] == quartier)
    points = vc.avec_valeurs_lisibles(etendue.points, unite).assign(choisi=etendue.points["quartier"] == quartier)
    references = vc.avec_valeurs_lisibles(references, unite)
    y = alt.Y("quartier:N", title=None, sort=ordre, axis=alt.Axis(labelLimit=0))
    couches = [
        alt.Chart(bornes).mark_bar(height=14, opacity=0.35).encode(
            y=y, x=alt.X("minimum:Q", title=unite, scale=alt.Scale(zero=False),
                         axis=alt.Axis(**vc.axe(unite, labelFlush=True))),
            x2="maximum:Q",
            color=alt.condition("datum.choisi", alt.value(couleurs.BARRE_CHOISIE), alt.value(couleurs.BARRE)),
            tooltip=[alt.Tooltip("quartier:N", title="Quartier"),
                     alt.Tooltip("minimum_lisible:N", title="Valeur la plus basse"),
                     alt.Tooltip("iris_minimum:N", title="IRIS le plus bas"),
                     alt.Tooltip("maximum_lisible:N", title="Valeur la plus haute"),
                     alt.Tooltip("iris_maximum:N", title="IRIS le plus haut"),
                     alt.Tooltip("avec_valeur:Q", title="IRIS avec une valeur"),
                     alt.Tooltip("sans_valeur:Q", title="IRIS sans valeur")]),
        alt.Chart(points).mark_tick(thickness=2, size=22).encode(
            y=y, x="valeur:Q",
            color=alt.condition("datum.choisi", alt.value(couleurs.BARRE_CHOISIE), alt.value(couleurs.CONTOUR)),
            tooltip=[alt.Tooltip("nom_iris:N", title="IRIS"), alt.Tooltip("quartier:N", title="Quartier"),
                     alt.Tooltip("valeur_lisible:N", title=vue.libelle)]),
    ]
    if not references.empty:
        couches.append(trait_des_references(references))
    # Marge à droite : le dernier libellé de l'axe (« 32 000 ») reste entier sur un téléphone.
    st.altair_chart(alt.layer(*couches).properties(height=36 * len(ordre) + 40, padding=vc.MARGES),
                    width="stretch")
    legende_des_references(references, f"en {annee}")
    st.dataframe(etendue.tableau, hide_index=True)
    st.caption(brut(etendue.rattachement) + " Un IRIS sans valeur (secret statistique, valeur non significative ou "
               "non disponible) n'est jamais compté.")
elif not vue.quartiers_annee.empty and vue.quartiers_annee["valeur"].notna().any():
    st.subheader(f"{brut(vue.libelle)} — {annee}")
    donnees_barres = vc.avec_valeurs_lisibles(vue.quartiers_annee, unite).assign(
        choisi=vue.quartiers_annee["nom_zone"] == quartier)
    references = vc.avec_valeurs_lisibles(references, unite)
    barres = alt.Chart(donnees_barres.dropna(subset=["valeur"])).mark_bar(stroke=couleurs.CONTOUR, strokeWidth=0.5).encode(
        y=alt.Y("nom_zone:N", title=None, sort="-x", axis=alt.Axis(labelLimit=0)),
        x=alt.X("valeur:Q", title=unite, axis=alt.Axis(**vc.axe(unite, labelFlush=True))),
        color=alt.condition("datum.choisi", alt.value(couleurs.BARRE_CHOISIE), alt.value(couleurs.BARRE)),
        tooltip=[alt.Tooltip("nom_zone:N", title="Quartier"), alt.Tooltip("valeur_lisible:N", title=vue.libelle),
                 alt.Tooltip("note:N", title="Calcul")],
    )
    couches = [barres]
    if not references.empty:
        couches.append(trait_des_references(references))
    st.altair_chart(alt.layer(*couches).properties(height=300, padding=vc.MARGES), width="stretch")
    if vue.quartiers_sans_valeur:
        st.caption(brut(vue.quartiers_sans_valeur))
    legende_des_references(references, "pour cette année")
elif not references.empty:
    st.markdown(f"Valeurs de comparaison en {annee} : " + " ; ".join(
        f"{brut(r['nom_zone'])} : {brut(fmt.valeur(r['valeur'], unite))}" for _, r in references.iterrows()))

# --- Repères : le territoire et ses comparaisons, toutes sources, en séries ---------------------------
groupes = chiffres.reperes(ui.reference_chiffres(territoire.id), code, territoire, annees=3)
st.markdown(f"**Repères : {brut(territoire.nom)} et territoires de comparaison, toutes sources**")
if groupes:
    # La zone, la valeur et sa période d'abord (lisibles sur un téléphone sans défilement de côté) ; la
    # source, longue, en dernier, sur plusieurs lignes.
    reperes_tableau = chiffres.tableau_reperes(groupes)[["Zone", "Valeur", "Période", "Unité", "Source"]]
    lignes_source = min(4, max(1, -(-int(reperes_tableau["Source"].str.len().max()) // 40)))
    st.dataframe(
        reperes_tableau, hide_index=True,
        row_height=max(66, 10 + 19 * lignes_source) if lignes_source > 1 else None,
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
if vue.serie_reperes["annee"].nunique() > 1:
    st.markdown(f"**{brut(vue.libelle)} : {brut(territoire.nom)} et territoires de comparaison**")
    st.altair_chart(alt.Chart(vc.avec_valeurs_lisibles(vc.avec_etiquette(vue.serie_reperes), unite)).mark_line(point=True).encode(
        x=alt.X("annee:O", title="Année des données"), y=alt.Y("valeur:Q", title=unite, axis=alt.Axis(**vc.axe(unite))),
        color=alt.Color("etiquette:N", title="Territoire", scale=alt.Scale(range=couleurs.PALETTE_SERIES),
                        legend=alt.Legend(**vc.legende_dessous(colonnes=1))),
        tooltip=[alt.Tooltip("nom_zone:N", title="Territoire"), alt.Tooltip("annee:O", title="Année"),
                 alt.Tooltip("valeur_lisible:N", title="Valeur"), alt.Tooltip("source:N", title="Source")],
    ).properties(height=260, autosize=vc.TAILLE_AUTO), width="stretch")
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
    courbes = alt.Chart(vc.avec_valeurs_lisibles(vc.avec_etiquette(serie), unite)).mark_line(point=True).encode(
        x=alt.X("annee:O", title="Année"), y=alt.Y("valeur:Q", title=unite, axis=alt.Axis(**vc.axe(unite))),
        color=alt.Color("etiquette:N", title="Quartier", scale=alt.Scale(range=couleurs.PALETTE_SERIES),
                        legend=alt.Legend(**vc.legende_dessous(colonnes=2))),
        strokeWidth=alt.condition("datum.choisi", alt.value(4), alt.value(1.5)) if quartier else alt.value(2),
        tooltip=[alt.Tooltip("nom_zone:N", title="Quartier"), alt.Tooltip("annee:O", title="Année"),
                 alt.Tooltip("valeur_lisible:N", title=vue.libelle)],
    )
    st.altair_chart(courbes.properties(height=300, autosize=vc.TAILLE_AUTO), width="stretch")
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
    unite_qpv = dictionnaire.loc[code_qpv, "unite"]
    st.altair_chart(alt.Chart(vc.avec_valeurs_lisibles(vc.avec_etiquette(ensemble), unite_qpv)).mark_line(point=True).encode(
        x=alt.X("annee:O", title="Année des données"),
        y=alt.Y("valeur:Q", title=unite_qpv, axis=alt.Axis(**vc.axe(unite_qpv))),
        color=alt.Color("etiquette:N", title="Zone", scale=alt.Scale(range=couleurs.PALETTE_SERIES),
                        legend=alt.Legend(**vc.legende_dessous(colonnes=1))),
        tooltip=[alt.Tooltip("nom_zone:N", title="Zone"), alt.Tooltip("annee:O", title="Année"),
                 alt.Tooltip("valeur_lisible:N", title=dictionnaire.loc[code_qpv, "libelle"]),
                 alt.Tooltip("source:N", title="Source")],
    ).properties(height=280, autosize=vc.TAILLE_AUTO), width="stretch")
    ui.en_tableau(
        pd.DataFrame({"Zone": ensemble["nom_zone"], "Année": ensemble["annee"],
                      "Valeur": [fmt.valeur(v, unite_qpv) for v in ensemble["valeur"]],
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
