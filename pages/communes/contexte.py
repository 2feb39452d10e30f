"""Contexte social d'un territoire décrit par ses communes (une intercommunalité qui a ses données
dérivées) : un indicateur et une année, la carte des communes, toutes les communes en barres avec le
territoire et la Côte-d'Or en traits, l'évolution du territoire, de ses comparaisons et de la commune
choisie, le tableau des communes à télécharger. Les calculs sont dans ``ctg_data.communes`` et
``ctg_data.contexte_communes`` ; la page ne fait qu'afficher."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from ctg_data import communes as cm
from ctg_data import contexte_communes as cc
from ctg_data import couleurs
from ctg_data import format as fmt
from ctg_data import vues_contexte as vc
from ctg_data.territoire import jeux_sociaux
from pages import ui

brut = ui.nom_brut  # noms et textes des données : affichés tels quels, jamais lus comme du Markdown
COULEURS_TRAITS = [couleurs.REPERE, "#6A1B9A"]  # le territoire, puis le département
# Mêmes couleurs pour une zone dans les traits des barres et dans les courbes de l'évolution.
COULEURS_ZONES = {"commune": couleurs.BARRE_CHOISIE, "EPCI": couleurs.REPERE, "département": "#6A1B9A",
                  "région": "#009E73", "France métropolitaine": "#3A3A3A"}
TIRETS_TRAITS = [[1, 0], [6, 3]]


def _graphique_barres(alt, valeurs, reperes, indicateur, territoire, choisie, compte: bool):
    donnees = cc.barres(valeurs, choisie)
    traits = pd.DataFrame(columns=["zone", "valeur", "texte", "etiquette"])
    if not compte:  # un compte du territoire n'est pas à l'échelle de ses communes
        traits = cc.traits_de_reference(reperes, (territoire.nature, "département"))
    traits = vc.avec_etiquette(traits, "etiquette") if not traits.empty else traits.assign(etiquette=[])
    plus_haute = max([*donnees["valeur"], *traits["valeur"]])
    unite = indicateur.unite
    y = alt.Y("commune:N", title=None, sort=list(donnees["commune"]), axis=alt.Axis(labelLimit=0, labelFontSize=12))
    # Les valeurs écrites en colonne au bord droit, après la plus longue barre et les traits : aucun trait
    # ne les barre.
    bord = plus_haute * 1.32
    x = alt.X("valeur:Q", title=unite, scale=alt.Scale(domain=[0, bord], nice=False),
              axis=alt.Axis(**vc.axe(unite, labelFlush=True, tickCount=4)))
    base = alt.Chart(donnees).encode(
        y=y, x=x,
        tooltip=[alt.Tooltip("commune:N", title="Commune"), alt.Tooltip("texte:N", title=indicateur.libelle)])
    couches = [
        base.mark_bar(stroke=couleurs.CONTOUR, strokeWidth=0.5).encode(
            color=alt.condition("datum.choisie", alt.value(couleurs.BARRE_CHOISIE), alt.value(couleurs.BARRE))),
    ]
    etiquettes = base.mark_text(align="right", dx=-2, fontSize=11, color=couleurs.CONTOUR).encode(
        x=alt.datum(bord), text="texte:N")
    if not traits.empty:
        domaine = list(traits["etiquette"])
        legende = alt.Legend(title="Traits verticaux", symbolStrokeWidth=3, **vc.legende_dessous(colonnes=1))
        couches.append(alt.Chart(traits).mark_rule(strokeWidth=2.5).encode(
            x="valeur:Q",
            color=alt.Color("etiquette:N", scale=alt.Scale(domain=domaine, range=COULEURS_TRAITS[:len(domaine)]),
                            legend=legende),
            strokeDash=alt.StrokeDash("etiquette:N", scale=alt.Scale(domain=domaine, range=TIRETS_TRAITS[:len(domaine)]),
                                      legend=legende),
            tooltip=[alt.Tooltip("zone:N", title="Repère"), alt.Tooltip("texte:N", title="Valeur")]))
    couches.append(etiquettes)
    hauteur = 22 * len(donnees) + 20
    return alt.layer(*couches).properties(height=hauteur, autosize=vc.TAILLE_AUTO, padding=vc.MARGES), traits


def _graphique_serie(alt, serie, indicateur, titre_zone: str = "Territoire"):
    donnees = vc.avec_etiquette(serie, "zone").assign(annee=serie["annee"].astype(int).astype(str))
    donnees = donnees.assign(texte=[t if pd.notna(v) else "pas de valeur" for v, t in zip(donnees["valeur"], donnees["texte"])])
    ordre = list(dict.fromkeys(donnees["etiquette"]))
    types = dict(zip(donnees["etiquette"], donnees["type_zone"]))
    reste = iter(couleurs.PALETTE_SERIES)
    gamme = [COULEURS_ZONES.get(types[e]) or next(reste) for e in ordre]
    return alt.Chart(donnees).mark_line(point=alt.OverlayMarkDef(size=45), strokeWidth=2.5).encode(
        x=alt.X("annee:O", title="Année des données", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("valeur:Q", title=indicateur.unite, scale=alt.Scale(zero=False),
                axis=alt.Axis(**vc.axe(indicateur.unite))),
        color=alt.Color("etiquette:N", title=titre_zone, sort=ordre,
                        scale=alt.Scale(domain=ordre, range=gamme),
                        legend=alt.Legend(**vc.legende_dessous(colonnes=1))),
        tooltip=[alt.Tooltip("zone:N", title="Territoire"), alt.Tooltip("annee:N", title="Année"),
                 alt.Tooltip("texte:N", title="Valeur"), alt.Tooltip("source:N", title="Source")],
    ).properties(height=260, autosize=vc.TAILLE_AUTO, padding=vc.MARGES)


def afficher() -> None:
    alt = ui.altair()
    territoire = ui.territoire()
    social, dico = ui.social_du_territoire(territoire.id)
    choix_commune = ui.commune_selectionnee()
    code_choisi = choix_commune[0] if choix_commune else None

    st.title(f"Contexte social — {brut(territoire.nom)}")
    st.markdown(
        f"Les données ouvertes pour chacune des {fmt.nombre(len(ui.communes_du_territoire(territoire.id)))} "
        f"communes du territoire ({brut(territoire.nom)}), avec la valeur du territoire et celles de ses territoires "
        f"de comparaison ({brut(', '.join(c.nom for c in territoire.comparaisons))}) publiées par la même source. "
        "Une commune sans valeur publiée (secret statistique) est montrée sans valeur, jamais comme 0 ; une médiane "
        "ou une part ne se moyenne pas entre communes : la page donne l'étendue et la carte.")

    liste = cm.indicateurs(social, dico)
    if not liste:
        st.info(f"Aucun indicateur social dans les données chargées pour {brut(territoire.nom)}.", icon=":material/info:")
        return
    par_code = cm.par_code(liste)
    c1, c2 = st.columns([3, 1])
    code = c1.selectbox("Indicateur", list(par_code), format_func=lambda c: par_code[c].libelle,
                        key="contexte_communes_indicateur")
    indicateur = par_code[code]
    annees = list(indicateur.annees_communes) or list(indicateur.annees)
    annee = c2.selectbox("Année", annees, index=len(annees) - 1, key=f"contexte_communes_annee_{code}",
                         help="Années où le fichier par commune existe (la plus récente d'abord proposée).")
    compte = cc.est_un_compte(indicateur, dico)
    comparaisons = [c.nom for c in territoire.comparaisons]
    departement = next((c.nom for c in territoire.comparaisons if c.type_zone == "département"), "le département")

    valeurs = cm.valeurs_communes(social, indicateur, annee)
    reperes = cm.reperes(social, territoire, indicateur, annee)
    avec_valeur = valeurs["valeur"].notna().any()

    # --- Ce que dit le chiffre : définition, source, année, couverture, étendue ---------------------
    st.markdown(
        f"**{brut(indicateur.libelle)} ({annee})** : {brut(indicateur.definition)} "
        f"Source : {brut(cc.sources_communes(valeurs))}. "
        f"Communes : {brut(cc.phrase_couverture(valeurs, indicateur))}.")
    if not avec_valeur:
        st.info(brut(cc.phrase_territoire_seul(indicateur, annee, valeurs, reperes)), icon=":material/info:")

    # --- Le territoire et ses comparaisons, la même année ------------------------------------------
    lignes = []
    for r in cc.reperes_lisibles(reperes, cm.zones_de_reference(territoire), annee):
        if isinstance(r, str):
            lignes.append(f"- {brut(r)}")
        else:
            role = " (le territoire)" if r.type_zone == territoire.nature else ""
            lignes.append(f"- **{brut(r.zone)}**{role} : {brut(r.texte)} en {r.annee} — {brut(r.source)}")
    if choix_commune:
        ligne = valeurs[valeurs["code_commune"] == code_choisi]
        if not ligne.empty:
            l = ligne.iloc[0]
            lignes.append(f"- **{brut(l['commune'])}** (commune choisie) : {brut(l['texte'])} en {annee}"
                          + (f" — {brut(l['source'])}" if l["source"] else ""))
    st.markdown(f"**Valeurs de référence en {annee}**, publiées par leur source (jamais calculées à partir des "
                "communes) :\n" + "\n".join(lignes))
    if compte:
        somme = cc.somme_des_communes(valeurs, indicateur)
        if somme:
            st.caption(brut(somme) + f", en {annee}. Un compte se somme ; la valeur du territoire ci-dessus est "
                       "celle que publie la source.")

    if avec_valeur:
        # --- Carte des communes ------------------------------------------------------------------
        st.subheader(f"Carte des communes — {brut(indicateur.libelle)}, {annee}")
        communes_geo, contour = ui.contours_du_territoire(territoire.id)
        carte, legende = cc.carte_des_communes(communes_geo, contour, valeurs, indicateur, annee, code_choisi)
        sortie = st_folium(carte, height=520, use_container_width=True, returned_objects=["last_clicked"],
                           key=f"contexte-communes-{code}-{annee}-{code_choisi}")
        # Un clic sur une commune la choisit (comme le choix « Commune » de la colonne de gauche).
        ui.choisir_commune_au_clic(sortie, "_contexte_communes_clic", communes_geo, code_choisi)
        st.markdown(cc.legende_html(f"{indicateur.libelle} ({annee})", legende), unsafe_allow_html=True)
        st.caption(brut(cc.phrase_classes(legende, valeurs)) + " Survolez une commune pour lire sa valeur, cliquez pour "
                   "la choisir ; toutes les valeurs sont dans le tableau plus bas.")

        # --- Toutes les communes en barres ---------------------------------------------------------
        st.subheader(f"Les communes, de la plus haute à la plus basse valeur — {annee}")
        graphique, traits = _graphique_barres(alt, valeurs, reperes, indicateur, territoire, code_choisi, compte)
        st.altair_chart(graphique, width="stretch")
        if compte:
            st.caption(f"Pas de trait du territoire ni de {brut(departement)} : leurs comptes ne sont pas à l'échelle "
                       "d'une commune (voir les valeurs de référence plus haut).")
        else:
            st.caption(brut(cc.phrase_traits(reperes, (territoire.nature, "département"), annee)))
        sans = cc.phrase_sans_valeur(valeurs, annee)
        if sans:
            st.caption(brut(sans))

    # --- Évolution --------------------------------------------------------------------------------
    serie = cc.serie_complete(cm.serie(social, territoire, indicateur, choix_commune), indicateur.annees)
    if compte:  # un compte : le territoire (et la commune choisie) ; les comparaisons sont d'une autre échelle
        serie = serie[serie["type_zone"].isin([territoire.nature, "commune"])]
    if serie["valeur"].notna().any():
        annees_serie = sorted(serie.loc[serie["valeur"].notna(), "annee"].astype(int))
        st.subheader(f"Évolution, de {annees_serie[0]} à {annees_serie[-1]}")
        zones = [f"le territoire ({brut(territoire.nom)})"]
        if not compte:
            zones.append(f"ses territoires de comparaison ({brut(', '.join(comparaisons))})")
        if choix_commune:
            zones.append(f"la commune choisie ({brut(choix_commune[1])})")
        courants = " Montants en euros courants de chaque année (pas corrigés de l'inflation)." if (
            "euros courants" in indicateur.precautions.lower()) else ""
        st.markdown("Une courbe par zone : " + cc.et(zones) + "." + courants)
        if compte and choix_commune:
            for type_zone in (territoire.nature, "commune"):
                morceau = serie[serie["type_zone"] == type_zone]
                st.altair_chart(_graphique_serie(alt, morceau, indicateur, "Zone"), width="stretch")
        else:
            st.altair_chart(_graphique_serie(alt, serie, indicateur), width="stretch")
        trous = cc.phrase_trous(serie)
        st.caption(brut(trous) if trous else "Chaque zone a une valeur chaque année de la série.")
        if compte:
            st.caption(f"Pas de courbe pour {brut(cc.et(comparaisons))} : un compte d'une autre échelle ; leurs "
                       "valeurs sont dans le tableau de la série.")
        complete = cc.serie_complete(cm.serie(social, territoire, indicateur, choix_commune), indicateur.annees)
        ui.en_tableau(
            complete.pivot_table(index="zone", columns="annee", values="texte", aggfunc="first", sort=False)
            .rename_axis(index="Territoire", columns=None).rename(columns=str).reset_index().fillna("–"),
            "La série en tableau (valeur par territoire et par année)")
    else:
        st.caption(f"Pas de série dans les données chargées pour {brut(indicateur.libelle)}.")

    # --- Tableau des communes ----------------------------------------------------------------------
    st.subheader(f"Tableau des communes — {annee}")
    st.dataframe(cc.tableau_affiche(valeurs), hide_index=True,
                 column_config={"Commune": st.column_config.TextColumn("Commune", width=150),
                                "Valeur": st.column_config.TextColumn("Valeur", width=90),
                                "Raison si pas de valeur": st.column_config.TextColumn("Raison si pas de valeur", width=220),
                                "Source": st.column_config.TextColumn("Source", width=300)})
    id_social, _ = jeux_sociaux(territoire, ui.catalogue())
    ui.telechargements(cc.tableau_a_telecharger(valeurs, indicateur),
                       f"contexte-social-{territoire.id}-{code}-{annee}", jeu=ui.catalogue().get(id_social),
                       cle="contexte_communes")
    with st.expander("Détail des sources", icon=":material/description:"):
        details = list(dict.fromkeys(
            list(dict.fromkeys(d for d in valeurs["source_detail"] if isinstance(d, str) and d))[:4]
            + [d for d in reperes["source_detail"] if isinstance(d, str) and d]))
        st.markdown("\n".join(f"- {brut(d)}" for d in details) or "Aucun détail de fichier.")
        ligne_dico = dico[dico["code"] == code]
        if not ligne_dico.empty:
            texte = ligne_dico.iloc[0].get("detail")
            if isinstance(texte, str) and texte:
                st.caption(f"Fichiers lus : {brut(texte)}")
        st.caption(f"Valeurs des communes : {fmt.nombre(len(valeurs))} lignes, une par commune (la raison d'une "
                   "valeur absente vient du fichier source).")
