"""Contexte social d'un territoire décrit par ses communes (une intercommunalité qui a ses données
dérivées) : un indicateur et une année, la carte des communes, toutes les communes en barres avec le
territoire et la Côte-d'Or en traits, l'évolution du territoire, de ses comparaisons et de la commune
choisie, le tableau des communes à télécharger. Les calculs sont dans ``ctg_data.communes`` et
``ctg_data.contexte_communes`` ; la page ne fait qu'afficher."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ctg_data import communes as cm
from ctg_data import contexte_communes as cc
from ctg_data import couleurs
from ctg_data import format as fmt
from ctg_data import vues_contexte as vc
from ctg_data.territoire import jeux_sociaux
from pages import ui
from pages.ui import carte_en_cache

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


# --- Calculs en cache ------------------------------------------------------------------------------
# Une fois par (données, territoire, indicateur, année, commune choisie), partagés entre les sessions ;
# clés courtes (``ui.cle_donnees()`` : dossier et condensé de l'empreinte des fichiers), données en arguments ignorés. Les
# objets rendus ne sont jamais modifiés par la page.

@st.cache_resource(show_spinner=False, max_entries=8)
def _menu(cle: tuple, id_territoire: str, _territoire) -> dict:
    social, dico = ui.social_du_territoire(id_territoire)
    liste = cm.indicateurs(social, dico)
    return {"par_code": cm.par_code(liste) if liste else {}, "communes": len(ui.communes_du_territoire(id_territoire)),
            "compte": {i.code: cc.est_un_compte(i, dico) for i in liste}}


@st.cache_resource(show_spinner=False, max_entries=64)
def _vue(cle: tuple, id_territoire: str, code: str, annee, _territoire) -> dict:
    """Ce qui ne dépend pas de la commune choisie : valeurs, repères, textes, tableaux, fond de la carte."""
    territoire = _territoire
    social, dico = ui.social_du_territoire(id_territoire)
    indicateur = _menu(cle, id_territoire, territoire)["par_code"][code]
    valeurs = cm.valeurs_communes(social, indicateur, annee)
    reperes = cm.reperes(social, territoire, indicateur, annee)
    r = {"valeurs": valeurs, "reperes": reperes, "avec_valeur": valeurs["valeur"].notna().any(),
         "sources": cc.sources_communes(valeurs), "couverture": cc.phrase_couverture(valeurs, indicateur),
         "territoire_seul": cc.phrase_territoire_seul(indicateur, annee, valeurs, reperes),
         "reperes_lisibles": cc.reperes_lisibles(reperes, cm.zones_de_reference(territoire), annee)}
    if _menu(cle, id_territoire, territoire)["compte"][code]:
        r["somme"] = cc.somme_des_communes(valeurs, indicateur)
    if r["avec_valeur"]:
        communes_geo, contour = ui.contours_du_territoire(id_territoire)
        fond, legende = cc.carte_des_communes(communes_geo, contour, valeurs, indicateur, annee, None)
        r["communes_geo"], r["legende"] = communes_geo, legende
        r["fond_carte"] = carte_en_cache.preparer_fond(
            fond, cle=f"contexte-communes-{code}-{annee}", hauteur=520, objets_rendus=("last_clicked",))
        r["phrase_classes"] = cc.phrase_classes(legende, valeurs)
        r["phrase_traits"] = cc.phrase_traits(reperes, (territoire.nature, "département"), annee)
        r["sans"] = cc.phrase_sans_valeur(valeurs, annee)
    r["tableau"] = cc.tableau_affiche(valeurs)
    r["telechargement"] = cc.tableau_a_telecharger(valeurs, indicateur)
    r["details"] = list(dict.fromkeys(
        list(dict.fromkeys(d for d in valeurs["source_detail"] if isinstance(d, str) and d))[:4]
        + [d for d in reperes["source_detail"] if isinstance(d, str) and d]))
    ligne_dico = dico[dico["code"] == code]
    texte = ligne_dico.iloc[0].get("detail") if not ligne_dico.empty else None
    r["fichiers_lus"] = texte if isinstance(texte, str) and texte else None
    return r


@st.cache_resource(show_spinner=False, max_entries=512)
def _vue_commune(cle: tuple, id_territoire: str, code: str, annee, choix_commune: tuple[str, str] | None,
                 _territoire) -> dict:
    """Ce qui dépend aussi de la commune choisie : sa ligne, graphiques, légende et contour sur la carte."""
    territoire = _territoire
    alt = ui.altair()
    social, _ = ui.social_du_territoire(id_territoire)
    menu = _menu(cle, id_territoire, territoire)
    indicateur, compte = menu["par_code"][code], menu["compte"][code]
    base = _vue(cle, id_territoire, code, annee, territoire)
    valeurs, reperes = base["valeurs"], base["reperes"]
    code_choisi = choix_commune[0] if choix_commune else None
    r = {"ligne_commune": None}
    if choix_commune:
        ligne = valeurs[valeurs["code_commune"] == code_choisi]
        if not ligne.empty:
            l = ligne.iloc[0]
            r["ligne_commune"] = (l["commune"], l["texte"], l["source"])
    if base["avec_valeur"]:
        r["legende_html"] = cc.legende_html(f"{indicateur.libelle} ({annee})", [
            *base["legende"], *cc.lignes_commune_choisie(base["communes_geo"], code_choisi)])
        r["arguments_carte"] = carte_en_cache.arguments_carte(
            base["fond_carte"], [cc.couche_commune_choisie(base["communes_geo"], code_choisi)])
        graphique, _traits = _graphique_barres(alt, valeurs, reperes, indicateur, territoire, code_choisi, compte)
        r["barres"] = ui.spec_graphique(graphique)
    serie = cc.serie_complete(cm.serie(social, territoire, indicateur, choix_commune), indicateur.annees)
    complete = serie
    if compte:  # un compte : le territoire (et la commune choisie) ; les comparaisons sont d'une autre échelle
        serie = serie[serie["type_zone"].isin([territoire.nature, "commune"])]
    r["serie"] = None
    if serie["valeur"].notna().any():
        annees_serie = sorted(serie.loc[serie["valeur"].notna(), "annee"].astype(int))
        if compte and choix_commune:
            graphiques = [_graphique_serie(alt, serie[serie["type_zone"] == type_zone], indicateur, "Zone")
                          for type_zone in (territoire.nature, "commune")]
        else:
            graphiques = [_graphique_serie(alt, serie, indicateur)]
        r["serie"] = {
            "annees": (annees_serie[0], annees_serie[-1]),
            "graphiques": [ui.spec_graphique(g) for g in graphiques],
            "trous": cc.phrase_trous(serie),
            "tableau": complete.pivot_table(index="zone", columns="annee", values="texte", aggfunc="first", sort=False)
            .rename_axis(index="Territoire", columns=None).rename(columns=str).reset_index().fillna("–"),
        }
    return r


def afficher() -> None:
    territoire = ui.territoire()
    choix_commune = ui.commune_selectionnee()
    cle = ui.cle_donnees()
    menu = _menu(cle=cle, id_territoire=territoire.id, _territoire=territoire)

    st.title(f"Contexte social — {brut(territoire.nom)}")
    st.markdown(
        f"Les données ouvertes pour chacune des {fmt.nombre(menu['communes'])} "
        f"communes du territoire ({brut(territoire.nom)}), avec la valeur du territoire et celles de ses territoires "
        f"de comparaison ({brut(', '.join(c.nom for c in territoire.comparaisons))}) publiées par la même source. "
        "Une commune sans valeur publiée (secret statistique) est montrée sans valeur, jamais comme 0 ; une médiane "
        "ou une part ne se moyenne pas entre communes : la page donne l'étendue et la carte.")

    par_code = menu["par_code"]
    if not par_code:
        st.info(f"Aucun indicateur social dans les données chargées pour {brut(territoire.nom)}.", icon=":material/info:")
        return
    c1, c2 = st.columns([3, 1])
    code = c1.selectbox("Indicateur", list(par_code), format_func=lambda c: par_code[c].libelle,
                        key="contexte_communes_indicateur")
    indicateur = par_code[code]
    annees = list(indicateur.annees_communes) or list(indicateur.annees)
    annee = c2.selectbox("Année", annees, index=len(annees) - 1, key=f"contexte_communes_annee_{code}",
                         help="Années où le fichier par commune existe (la plus récente d'abord proposée).")
    compte = menu["compte"][code]
    comparaisons = [c.nom for c in territoire.comparaisons]
    departement = next((c.nom for c in territoire.comparaisons if c.type_zone == "département"), "le département")
    # Arguments nommés : Streamlit ne cherche pas la signature de la fonction pour chacun, à chaque appel.
    base = _vue(cle=cle, id_territoire=territoire.id, code=code, annee=annee, _territoire=territoire)
    selon_commune = _vue_commune(cle=cle, id_territoire=territoire.id, code=code, annee=annee,
                                 choix_commune=choix_commune, _territoire=territoire)
    avec_valeur = base["avec_valeur"]

    # --- Ce que dit le chiffre : définition, source, année, couverture, étendue ---------------------
    st.markdown(
        f"**{brut(indicateur.libelle)} ({annee})** : {brut(indicateur.definition)} "
        f"Source : {brut(base['sources'])}. "
        f"Communes : {brut(base['couverture'])}.")
    if not avec_valeur:
        st.info(brut(base["territoire_seul"]), icon=":material/info:")

    # --- Le territoire et ses comparaisons, la même année ------------------------------------------
    lignes = []
    for r in base["reperes_lisibles"]:
        if isinstance(r, str):
            lignes.append(f"- {brut(r)}")
        else:
            role = " (le territoire)" if r.type_zone == territoire.nature else ""
            lignes.append(f"- **{brut(r.zone)}**{role} : {brut(r.texte)} en {r.annee} — {brut(r.source)}")
    if selon_commune["ligne_commune"] is not None:
        nom_commune, texte_commune, source_commune = selon_commune["ligne_commune"]
        lignes.append(f"- **{brut(nom_commune)}** (commune choisie) : {brut(texte_commune)} en {annee}"
                      + (f" — {brut(source_commune)}" if source_commune else ""))
    st.markdown(f"**Valeurs de référence en {annee}**, publiées par leur source (jamais calculées à partir des "
                "communes) :\n" + "\n".join(lignes))
    if compte and base.get("somme"):
        st.caption(brut(base["somme"]) + f", en {annee}. Un compte se somme ; la valeur du territoire ci-dessus est "
                   "celle que publie la source.")

    if avec_valeur:
        # --- Carte des communes ------------------------------------------------------------------
        # Le fond ne dépend pas de la commune choisie : son contour arrive en couche ajoutée, la carte est
        # mise à jour sur place (le cadre n'est pas recréé quand la commune change).
        st.subheader(f"Carte des communes — {brut(indicateur.libelle)}, {annee}")
        code_choisi = choix_commune[0] if choix_commune else None
        sortie = carte_en_cache.afficher_carte(selon_commune["arguments_carte"],
                                      cle_session=f"contexte-communes-{code}-{annee}")
        # Un clic sur une commune la choisit (comme le choix « Commune » de la colonne de gauche).
        ui.choisir_commune_au_clic(sortie, "_contexte_communes_clic", base["communes_geo"], code_choisi)
        st.markdown(selon_commune["legende_html"], unsafe_allow_html=True)
        st.caption(brut(base["phrase_classes"]) + " Survolez une commune pour lire sa valeur, cliquez pour "
                   "la choisir ; toutes les valeurs sont dans le tableau plus bas.")

        # --- Toutes les communes en barres ---------------------------------------------------------
        st.subheader(f"Les communes, de la plus haute à la plus basse valeur — {annee}")
        ui.afficher_spec(selon_commune["barres"], width="stretch")
        if compte:
            st.caption(f"Pas de trait du territoire ni de {brut(departement)} : leurs comptes ne sont pas à l'échelle "
                       "d'une commune (voir les valeurs de référence plus haut).")
        else:
            st.caption(brut(base["phrase_traits"]))
        if base["sans"]:
            st.caption(brut(base["sans"]))

    # --- Évolution --------------------------------------------------------------------------------
    serie = selon_commune["serie"]
    if serie is not None:
        st.subheader(f"Évolution, de {serie['annees'][0]} à {serie['annees'][1]}")
        zones = [f"le territoire ({brut(territoire.nom)})"]
        if not compte:
            zones.append(f"ses territoires de comparaison ({brut(', '.join(comparaisons))})")
        if choix_commune:
            zones.append(f"la commune choisie ({brut(choix_commune[1])})")
        courants = " Montants en euros courants de chaque année (pas corrigés de l'inflation)." if (
            "euros courants" in indicateur.precautions.lower()) else ""
        st.markdown("Une courbe par zone : " + cc.et(zones) + "." + courants)
        for spec in serie["graphiques"]:
            ui.afficher_spec(spec, width="stretch")
        st.caption(brut(serie["trous"]) if serie["trous"] else "Chaque zone a une valeur chaque année de la série.")
        if compte:
            st.caption(f"Pas de courbe pour {brut(cc.et(comparaisons))} : un compte d'une autre échelle ; leurs "
                       "valeurs sont dans le tableau de la série.")
        ui.en_tableau(serie["tableau"], "La série en tableau (valeur par territoire et par année)")
    else:
        st.caption(f"Pas de série dans les données chargées pour {brut(indicateur.libelle)}.")

    # --- Tableau des communes ----------------------------------------------------------------------
    st.subheader(f"Tableau des communes — {annee}")
    st.dataframe(base["tableau"], hide_index=True,
                 column_config={"Commune": st.column_config.TextColumn("Commune", width=150),
                                "Valeur": st.column_config.TextColumn("Valeur", width=90),
                                "Raison si pas de valeur": st.column_config.TextColumn("Raison si pas de valeur", width=220),
                                "Source": st.column_config.TextColumn("Source", width=300)})
    catalogue = ui.catalogue()
    id_social, _ = jeux_sociaux(territoire, catalogue)
    ui.telechargements(base["telechargement"], f"contexte-social-{territoire.id}-{code}-{annee}",
                       jeu=catalogue.get(id_social), cle="contexte_communes")
    with st.expander("Détail des sources", icon=":material/description:"):
        st.markdown("\n".join(f"- {brut(d)}" for d in base["details"]) or "Aucun détail de fichier.")
        if base["fichiers_lus"]:
            st.caption(f"Fichiers lus : {brut(base['fichiers_lus'])}")
        st.caption(f"Valeurs des communes : {fmt.nombre(len(base['valeurs']))} lignes, une par commune (la raison d'une "
                   "valeur absente vient du fichier source).")
