"""Caches des pages « Contexte social » et « Portrait » (de quartier, de commune).

Une exécution de ces pages (nouvelle session, autre quartier, commune ou indicateur, simple
réexécution) ne refait aucun calcul déjà fait pour la même valeur des filtres : vue de l'indicateur,
repères, tableaux, graphiques (leur dict Vega-Lite, schéma déjà validé) et rendu des petites cartes
(gabarits de folium) sont calculés une fois et partagés entre les sessions.

- Clés courtes : dossier des données et condensé de l'empreinte de ses fichiers (``ui.cle_donnees()``),
  empreinte du magasin quand des valeurs saisies entrent dans le calcul (équipements corrigés du
  portrait), territoire, puis les filtres ; jamais un tableau haché (les données arrivent par des
  arguments ignorés, nom commençant par ``_``, que la clé couvre déjà).
- Un objet rendu par ces caches est partagé : une page ne le modifie jamais. Elle ne fait qu'afficher
  des chaînes et des tableaux (``ui.tableau_arrow``) ; les dicts des graphiques (``ui.spec_graphique``) et
  de la carte partent en copie (``ui.afficher_spec``, ``carte_en_cache.afficher_carte``), Streamlit
  modifiant ce qu'il reçoit.
- Les cartes : rendues une fois comme les rend ``streamlit_folium.st_folium`` (``pages/ui/carte_en_cache.py`` :
  le fond, puis les couches ajoutées pour chaque choix). Le fond
  ne dépend pas du quartier ni de la commune choisis (le portrait : seulement de l'ensemble des
  catégories d'équipements placées, qui fait sa légende) : le cadre de la carte n'est pas recréé quand
  le choix change, le contour du choix (et, au portrait, le cadrage et les équipements) y est remplacé
  sur place.
"""

from __future__ import annotations

import streamlit as st

from pages.ui.carte_en_cache import arguments_carte, preparer_fond
from pages.ui.widgets import spec_graphique, tableau_arrow


# --- Contexte social d'un territoire par quartiers (Dijon) ----------------------------------------

class Sources:
    """Les données d'une page, lues seulement quand un cache doit calculer (arguments ignorés des
    caches : leur clé couvre déjà le dossier, l'empreinte et le territoire)."""

    def __init__(self, territoire):
        self.territoire = territoire

    def donnees(self, jeu: str):
        from pages import ui

        return ui.donnees(jeu)

    def contours(self, jeu: str):
        from pages import ui

        return ui.contours(jeu)

    def reference(self):
        from pages import ui

        return ui.reference_chiffres(self.territoire.id)


@st.cache_resource(show_spinner=False, max_entries=16)
def menu_contexte(cle_donnees: tuple, id_territoire: str, _sources: Sources) -> dict:
    """Ce qui ne dépend que des données du territoire : indicateurs proposés et leurs libellés, QPV,
    Cité éducative."""
    from ctg_data import vues_contexte as vc
    from ctg_data.vocabulaire import source_lisible

    social, dico = _sources.donnees("social"), _sources.donnees("social_indicateurs")
    codes_qpv = [c for c in ["niveau_vie_median", "part_moins_25_ans", "taux_pauvrete"]
                 if not social[(social["type_zone"] == "QPV") & (social["indicateur"] == c)].empty]
    cite = _sources.donnees("cite_educative")
    return {
        "codes": vc.indicateurs_disponibles(social, dico),
        "libelles": dict(zip(dico["code"], dico["libelle"])),
        "unites": dict(zip(dico["code"], dico["unite"])),
        "noms_qpv": sorted(_sources.donnees("quartiers").dropna(subset=["nom_qpv"])["nom_qpv"].unique()),
        "codes_qpv": codes_qpv,
        "cite": list(zip(cite["libelle"], cite["texte"])),
        "sources_cite": list(dict.fromkeys(source_lisible(s) for s in cite["source_section"].head(3))),
    }


@st.cache_resource(show_spinner=False, max_entries=64)
def choix_contexte(cle_donnees: tuple, id_territoire: str, code: str, _sources: Sources) -> tuple[tuple, tuple]:
    """(années, niveaux) proposés pour un indicateur."""
    from ctg_data import vues_contexte as vc

    choix = vc.vue_indicateur(_sources.donnees("social"), _sources.donnees("social_indicateurs"),
                              _sources.territoire, code)
    return tuple(choix.annees), tuple(choix.niveaux)


@st.cache_resource(show_spinner=False, max_entries=128)
def vue_contexte(cle_donnees: tuple, id_territoire: str, code: str, annee, niveau, _sources: Sources) -> dict:
    """La vue d'un indicateur, une année, un niveau, sans le quartier choisi : vue, repères, tableaux,
    graphique des repères, fond de la carte."""
    import pandas as pd

    from ctg_data import carte as cartes
    from ctg_data import chiffres, couleurs
    from ctg_data import format as fmt
    from ctg_data import vues_contexte as vc
    from pages import ui

    alt = ui.altair()
    territoire = _sources.territoire
    social = _sources.donnees("social")
    vue = vc.vue_indicateur(social, _sources.donnees("social_indicateurs"), territoire, code, annee, niveau,
                            rattachement=_sources.donnees("iris_quartiers"))
    unite = vue.unite
    r = {"vue": vue}
    # Le fond de la carte : sans le quartier choisi (il arrive en couche ajoutée).
    if not vue.raison:
        contours = _sources.contours("quartiers_geo") if vue.type_zone == "quartier" else _sources.contours("iris")
        titre_carte = f"{vue.libelle} ({vue.annee})"
        fond = cartes.carte_choroplethe(contours, "id" if vue.type_zone == "quartier" else "code_iris", vue.zones,
                                        titre_carte, unite, qpv=_sources.contours("qpv"))
        r["legende"] = vc.legende_hors_carte(fond, vue.zones, unite)  # retire la légende de la carte
        r["titre_carte"] = titre_carte
        r["fond_carte"] = preparer_fond(fond, cle=f"choro-{code}-{vue.annee}-{vue.type_zone}", hauteur=520)
    # Repères : le territoire et ses comparaisons, toutes sources.
    groupes = chiffres.reperes(_sources.reference(), code, territoire, annees=3)
    r["reperes"] = None
    if groupes:
        tableau = chiffres.tableau_reperes(groupes)[["Zone", "Valeur", "Période", "Unité", "Source"]]
        lignes_source = min(4, max(1, -(-int(tableau["Source"].str.len().max()) // 40)))
        r["reperes"] = (tableau, max(66, 10 + 19 * lignes_source) if lignes_source > 1 else None)
    r["references_lisibles"] = vc.avec_valeurs_lisibles(vue.references, unite)
    r["serie_reperes"] = None
    if vue.serie_reperes["annee"].nunique() > 1:
        graphique = alt.Chart(vc.avec_valeurs_lisibles(vc.avec_etiquette(vue.serie_reperes), unite)).mark_line(point=True).encode(
            x=alt.X("annee:O", title="Année des données"), y=alt.Y("valeur:Q", title=unite, axis=alt.Axis(**vc.axe(unite))),
            color=alt.Color("etiquette:N", title="Territoire", scale=alt.Scale(range=couleurs.PALETTE_SERIES),
                            legend=alt.Legend(**vc.legende_dessous(colonnes=1))),
            tooltip=[alt.Tooltip("nom_zone:N", title="Territoire"), alt.Tooltip("annee:O", title="Année"),
                     alt.Tooltip("valeur_lisible:N", title="Valeur"), alt.Tooltip("source:N", title="Source")],
        ).properties(height=260, autosize=vc.TAILLE_AUTO)
        r["serie_reperes"] = (spec_graphique(graphique), (
            vue.serie_reperes.pivot_table(index="nom_zone", columns="annee", values="valeur", aggfunc="first")
            .map(lambda v: fmt.valeur(v, unite) if pd.notna(v) else "–").rename_axis(index="Territoire", columns=None)
            .rename(columns=str).reset_index()))
    r["telechargement"] = social[(social["indicateur"] == code) & (social["annee"] == vue.annee)]
    r["tableau"] = tableau_arrow(vue.tableau)
    if r["reperes"] is not None:
        r["reperes"] = (tableau_arrow(r["reperes"][0]), r["reperes"][1])
    return r


def _trait_des_references(alt, references):
    """Les territoires de comparaison en traits pointillés sur un graphique en barres."""
    from ctg_data import couleurs

    return alt.Chart(references).mark_rule(strokeDash=[5, 3], color=couleurs.REPERE, strokeWidth=2).encode(
        x="valeur:Q", tooltip=[alt.Tooltip("nom_zone:N", title="Référence"),
                               alt.Tooltip("valeur_lisible:N", title="Valeur")])


@st.cache_resource(show_spinner=False, max_entries=512)
def vue_contexte_quartier(cle_donnees: tuple, id_territoire: str, code: str, annee, niveau, quartier: str | None,
                          _sources: Sources) -> dict:
    """Ce qui dépend aussi du quartier choisi : graphiques (quartier mis en évidence), légende de la
    carte, contour du quartier sur la carte."""
    import pandas as pd

    from ctg_data import couleurs
    from ctg_data import format as fmt
    from ctg_data import vues_contexte as vc
    from pages import ui

    alt = ui.altair()
    base = vue_contexte(cle_donnees, id_territoire, code, annee, niveau, _sources)
    vue, unite, references = base["vue"], base["vue"].unite, base["references_lisibles"]
    r = {}
    if "fond_carte" in base:
        r["legende_html"] = vc.legende_html(base["titre_carte"],
                                            [*base["legende"], *vc.lignes_quartier_choisi(quartier)])
        r["arguments_carte"] = arguments_carte(
            base["fond_carte"], [vc.couche_quartier_choisi(_sources.contours("quartiers_geo"), quartier)])
    r["barres"] = None
    if vue.etendue is not None:
        etendue = vue.etendue
        ordre = list(etendue.par_quartier["quartier"])
        bornes = vc.avec_valeurs_lisibles(etendue.par_quartier.dropna(subset=["minimum"]), unite, ("minimum", "maximum"))
        bornes = bornes.assign(choisi=bornes["quartier"] == quartier)
        points = vc.avec_valeurs_lisibles(etendue.points, unite).assign(choisi=etendue.points["quartier"] == quartier)
        y = alt.Y("quartier:N", title=None, sort=ordre, axis=alt.Axis(labelLimit=0))
        couches_graphique = [
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
            couches_graphique.append(_trait_des_references(alt, references))
        # Marge à droite : le dernier libellé de l'axe (« 32 000 ») reste entier sur un téléphone.
        r["barres"] = spec_graphique(alt.layer(*couches_graphique).properties(height=36 * len(ordre) + 40,
                                                                              padding=vc.MARGES))
        r["tableau_etendue"] = tableau_arrow(etendue.tableau)
    elif not vue.quartiers_annee.empty and vue.quartiers_annee["valeur"].notna().any():
        donnees_barres = vc.avec_valeurs_lisibles(vue.quartiers_annee, unite).assign(
            choisi=vue.quartiers_annee["nom_zone"] == quartier)
        barres = alt.Chart(donnees_barres.dropna(subset=["valeur"])).mark_bar(stroke=couleurs.CONTOUR, strokeWidth=0.5).encode(
            y=alt.Y("nom_zone:N", title=None, sort="-x", axis=alt.Axis(labelLimit=0)),
            x=alt.X("valeur:Q", title=unite, axis=alt.Axis(**vc.axe(unite, labelFlush=True))),
            color=alt.condition("datum.choisi", alt.value(couleurs.BARRE_CHOISIE), alt.value(couleurs.BARRE)),
            tooltip=[alt.Tooltip("nom_zone:N", title="Quartier"), alt.Tooltip("valeur_lisible:N", title=vue.libelle),
                     alt.Tooltip("note:N", title="Calcul")],
        )
        couches_graphique = [barres]
        if not references.empty:
            couches_graphique.append(_trait_des_references(alt, references))
        r["barres"] = spec_graphique(alt.layer(*couches_graphique).properties(height=300, padding=vc.MARGES))
    r["evolution"] = None
    serie = vue.serie_quartiers
    if serie["annee"].nunique() > 1:
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
        r["evolution"] = (spec_graphique(courbes.properties(height=300, autosize=vc.TAILLE_AUTO)), (
            serie.pivot_table(index="nom_zone", columns="annee", values="valeur", aggfunc="first")
            .map(lambda v: fmt.valeur(v, unite) if pd.notna(v) else "–").rename_axis(index="Quartier", columns=None)
            .rename(columns=str).reset_index()))
    return r


@st.cache_resource(show_spinner=False, max_entries=16)
def serie_qpv(cle_donnees: tuple, id_territoire: str, code_qpv: str, _sources: Sources) -> dict:
    """Le graphique des QPV pour un indicateur, son tableau et ses sources."""
    import pandas as pd

    from ctg_data import couleurs
    from ctg_data import format as fmt
    from ctg_data import vues_contexte as vc
    from pages import ui

    alt = ui.altair()
    menu = menu_contexte(cle_donnees, id_territoire, _sources)
    unite, libelle = menu["unites"][code_qpv], menu["libelles"][code_qpv]
    ensemble, avec_territoire = vc.serie_qpv(_sources.donnees("social"), _sources.territoire, code_qpv)
    graphique = alt.Chart(vc.avec_valeurs_lisibles(vc.avec_etiquette(ensemble), unite)).mark_line(point=True).encode(
        x=alt.X("annee:O", title="Année des données"),
        y=alt.Y("valeur:Q", title=unite, axis=alt.Axis(**vc.axe(unite))),
        color=alt.Color("etiquette:N", title="Zone", scale=alt.Scale(range=couleurs.PALETTE_SERIES),
                        legend=alt.Legend(**vc.legende_dessous(colonnes=1))),
        tooltip=[alt.Tooltip("nom_zone:N", title="Zone"), alt.Tooltip("annee:O", title="Année"),
                 alt.Tooltip("valeur_lisible:N", title=libelle),
                 alt.Tooltip("source:N", title="Source")],
    ).properties(height=280, autosize=vc.TAILLE_AUTO)
    return {
        "graphique": spec_graphique(graphique),
        "tableau": pd.DataFrame({"Zone": ensemble["nom_zone"], "Année": ensemble["annee"],
                                 "Valeur": [fmt.valeur(v, unite) for v in ensemble["valeur"]],
                                 "Source": ensemble["source"]}),
        "sources": sorted(set(ensemble["source"])),
        "avec_territoire": avec_territoire,
    }


# --- Portrait de quartier (territoire par quartiers) ----------------------------------------------

HAUTEUR_CARTE_PORTRAIT = 360


@st.cache_resource(show_spinner=False, max_entries=16)
def fond_portrait(cle_donnees: tuple, id_territoire: str, categories: tuple[str, ...], _sources: Sources):
    """Le fond de la petite carte du portrait (contours, QPV, légende des ``categories``), sans le quartier
    choisi : le même pour tous les quartiers qui ont les mêmes catégories d'équipements placés, si bien
    que le cadre de la carte n'est pas recréé quand on passe de l'un à l'autre."""
    from ctg_data import carte as cartes

    fond = cartes.carte_de_base(_sources.contours("quartiers_geo"), _sources.contours("qpv"), None,
                                categories=list(categories), hauteur_px=HAUTEUR_CARTE_PORTRAIT)
    return preparer_fond(fond, cle="portrait-carte", hauteur=HAUTEUR_CARTE_PORTRAIT, liste_des_couches=True)


@st.cache_resource(show_spinner=False, max_entries=64)
def portrait_quartier(cle_donnees: tuple, empreinte_stockage, id_territoire: str, quartier: str,
                      _sources: Sources, _equipements) -> dict:
    """Ce que montre le portrait d'un quartier (sauf les fiches du plan, lues dans le plan à chaque
    exécution), calculé une fois par (données, magasin, territoire, quartier). ``_equipements`` : une fonction qui rend ``ui.equipements_localises()`` (les
    corrections du magasin y entrent : ``empreinte_stockage`` est dans la clé)."""
    from ctg_data import carte as cartes
    from ctg_data import equipements as eq
    from ctg_data import portrait_quartier as pq
    from ctg_data.vocabulaire import precision_lisible

    territoire = _sources.territoire
    quartiers = _sources.donnees("quartiers")
    fiche_q = quartiers.set_index("nom").loc[quartier]
    social, dictionnaire = _sources.donnees("social"), _sources.donnees("social_indicateurs")
    comptage = eq.compter(_equipements(), quartier)
    equipements = comptage.comptes
    rattachement = _sources.donnees("iris_quartiers")
    iris_du_quartier = rattachement[rattachement["quartier"] == quartier]
    r = {"fiche": fiche_q, "comptage": comptage, "phrase_comptage": comptage.phrase(),
         "iris": (len(iris_du_quartier), int((iris_du_quartier["confiance"] == "à vérifier").sum()))}
    r["par_categorie"] = tableau_arrow(comptage.par_categorie[["Catégorie", "Nombre", "Libellé"]])
    # La carte : le fond (par catégories placées), le quartier et ses équipements en couches ajoutées.
    localises = equipements[equipements["lat"].notna()]
    placees = set(localises["categorie"])  # la légende ne dépend que de l'ensemble (ordre de cartes.STYLES)
    fond = fond_portrait(cle_donnees, territoire.id, tuple(c for c in cartes.STYLES if c in placees), _sources)
    r["arguments_carte"] = arguments_carte(
        fond, cartes.couches_dynamiques(localises, _sources.contours("quartiers_geo"), quartier),
        cartes.ControleCouches(HAUTEUR_CARTE_PORTRAIT))
    r["liste"] = equipements[["nom", "categorie", "gestionnaire", "adresse", "precision"]].assign(
        precision=equipements["precision"].map(precision_lisible)).fillna("non précisé").rename(columns={
        "nom": "Nom", "categorie": "Catégorie", "gestionnaire": "Gestionnaire", "adresse": "Adresse", "precision": "Position"})
    r["inconnus"] = comptage.quartier_inconnu[["nom", "categorie", "adresse"]].fillna("non précisée").rename(
        columns={"nom": "Nom", "categorie": "Catégorie", "adresse": "Adresse"})
    r["liste_arrow"], r["inconnus_arrow"] = tableau_arrow(r["liste"]), tableau_arrow(r["inconnus"])
    # Contexte social face au territoire.
    cles = pq.indicateurs_cles_ecran(social, dictionnaire, fiche_q["id"], _sources.reference(), territoire.nom)
    r["cles"] = cles
    r["pauvrete"] = None
    if "Taux de pauvreté" in set(cles["Indicateur"]):
        pauvrete = cles.set_index("Indicateur").loc["Taux de pauvreté"]
        r["pauvrete"] = (pauvrete["Année"], pauvrete["Quartier"], pauvrete["Source"], pauvrete["Calcul"],
                         pq.pauvrete_quartier_et_qpv(social, fiche_q["id"], fiche_q["nom_qpv"]) if fiche_q["qpv"] else [])
    r["qpv"] = pq.indicateurs_qpv(social, dictionnaire, fiche_q["nom_qpv"]) if fiche_q["qpv"] else None
    r["qpv_arrow"] = tableau_arrow(r["qpv"]) if r["qpv"] is not None else None
    r["cles_arrow"] = tableau_arrow(cles)
    r["cite"] = None
    if fiche_q["cite_educative"]:
        cite = _sources.donnees("cite_educative").set_index("id")
        r["cite"] = (f"{cite.loc['public', 'texte']} ; {cite.loc['budget_annuel', 'libelle'].lower()} : "
                     f"{cite.loc['budget_annuel', 'texte']} ; {cite.loc['actions', 'texte']}.")
    return r
