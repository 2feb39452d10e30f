"""Caches de la carte des équipements (Dijon) et de la carte des communes d'un territoire.

Une exécution de ces pages (nouvelle session, autre quartier ou commune, simple réexécution) ne refait
aucun calcul déjà fait pour la même valeur des filtres : comptes, tableaux, graphique (son dict
Vega-Lite) et surtout le rendu de la carte (gabarits jinja de folium, données des couches en JSON)
sont calculés une fois par valeur de filtre et partagés entre les sessions.

- Clés courtes : dossier des données et condensé de l'empreinte des fichiers (``ui.cle_donnees()``), empreinte
  du magasin (les corrections des éditeurs déplacent des équipements), territoire, puis les filtres ;
  jamais un tableau haché. Les tableaux et le fond sont passés en arguments ignorés (``_base``).
- Un objet rendu par ces caches est partagé : une page ne le modifie jamais (elle reçoit des chaînes,
  des tableaux qu'elle ne fait qu'afficher, et une copie des petits dictionnaires).
- La carte : rendue une fois comme la rend ``streamlit_folium.st_folium`` (``pages/ui/carte_en_cache.py``),
  le résultat (des chaînes) gardé en cache. Le fond est le même pour toutes les valeurs des filtres : le
  cadre de la carte n'est pas rechargé, les couches du quartier ou de la commune y sont remplacées sur
  place (``feature_group_to_add``).
- Les fonctions en cache s'appellent avec des arguments nommés (``cle_donnees=…``) : Streamlit cherche le
  nom de chaque argument positionnel (``inspect.signature``) à chaque appel.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from pages.ui.carte_en_cache import FondPrepare, arguments_carte, preparer_fond
from pages.ui.widgets import spec_graphique, tableau_arrow

# --- Carte des équipements (territoire par quartiers) --------------------------------------------

@dataclass(frozen=True)
class DonneesCarte:
    """Ce qui ne dépend que des données (fichiers et magasin) : partagé, jamais modifié."""

    tous: object  # pd.DataFrame : le tableau des équipements (positions.avec_corrections)
    quartiers_geo: object  # gpd.GeoDataFrame : contours des quartiers (clic sur la carte)
    noms_quartiers: tuple[str, ...]  # triés
    presentes: frozenset  # catégories d'équipements présentes (choix du filtre)
    fond: FondPrepare
    jeu: object  # catalogue : le jeu « equipements » (feuille « Source » du téléchargement Excel)


@dataclass(frozen=True)
class VueCarte:
    """Ce que montre la page pour une valeur des filtres : partagé, jamais modifié."""

    n_ouverts: int
    n_localises: int
    n_approximatifs: int
    n_non_localises: int
    n_fermes_quartier: int
    carte: dict  # arguments du composant de la carte (carte_en_cache.afficher_carte)
    tableau_carte: object  # la carte en tableau
    non_localises: object  # tableau à afficher (tableau_arrow), ou None
    inconnus: object  # « peut-être dans ce quartier » : tableau à afficher (tableau_arrow), ou None
    tableau: object  # nombre d'équipements par quartier (tableau_arrow)
    colonnes_tableau: tuple[str, ...]
    categories_tableau: tuple[str, ...]
    liste: str  # le même décompte en liste (écran étroit), en Markdown
    graphique: dict | None  # dict Vega-Lite (ui.spec_graphique), None sans équipement
    export: object  # le tableau téléchargé


@st.cache_resource(show_spinner=False, max_entries=8)
def donnees_carte(cle_donnees: tuple[str, str], empreinte_stockage, id_territoire: str) -> DonneesCarte:
    """Calculé une fois par version des fichiers et du magasin (``empreinte_stockage`` None : magasin
    indisponible, données livrées seules ; l'avertissement de ``ui.equipements_localises`` est rejoué par
    Streamlit à chaque appel, une fois par exécution : ne pas appeler cette fonction depuis une autre
    fonction en cache)."""
    from pages import ui

    from ctg_data import carte as cartes
    from ctg_data import equipements as eq

    tous = ui.equipements_localises()
    quartiers = ui.donnees("quartiers")
    vrais = tous[eq.est_equipement(tous)]
    fond = cartes.carte_de_base(
        ui.contours("quartiers_geo"), ui.contours("qpv"), ui.contours("iris"),
        # La légende : les catégories placées sur la carte quand aucun filtre n'est mis.
        categories=[c for c in cartes.STYLES if c in set(vrais.loc[vrais["lat"].notna(), "categorie"])],
        quartiers_cite_educative=list(quartiers.loc[quartiers["cite_educative"], "nom"]),
    )
    return DonneesCarte(
        tous=tous, quartiers_geo=ui.contours("quartiers_geo"),
        noms_quartiers=tuple(quartiers.sort_values("nom")["nom"]), presentes=frozenset(vrais["categorie"]),
        fond=preparer_fond(fond, cle="carte-equipements", hauteur=620, objets_rendus=("last_clicked",),
                           liste_des_couches=True),
        jeu=ui.catalogue().get("equipements"),
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def fermes_sur_le_territoire(cle_donnees: tuple[str, str], empreinte_stockage, id_territoire: str,
                             categories: tuple[str, ...], _base: DonneesCarte) -> int:
    """Nombre d'équipements fermés de ces catégories, sur tout le territoire (l'interrupteur des fermés).
    ``_base`` : ``donnees_carte`` pour la même clé (hors de la clé ; passé plutôt que redemandé, sinon
    l'avertissement d'une base indisponible serait rejoué une fois de plus)."""
    from ctg_data import equipements as eq

    tous = _base.tous
    return len(eq.compter(tous, None, list(categories)).fermes)


@st.cache_resource(show_spinner=False, max_entries=256)
def vue_carte(cle_donnees: tuple[str, str], empreinte_stockage, id_territoire: str, quartier: str | None,
              categories: tuple[str, ...], gestion: str | None, annexe: str | None, fermes: bool,
              _base: DonneesCarte) -> VueCarte:
    """La page pour une valeur des filtres (``gestion``, ``annexe`` : valeurs de ``eq.gestions`` et
    ``eq.ANNEXES`` ; ``_base`` : ``donnees_carte`` pour la même clé, hors de la clé)."""
    import pandas as pd

    from ctg_data import carte as cartes
    from ctg_data import couleurs
    from ctg_data import equipements as eq
    from ctg_data.vocabulaire import precision_lisible
    from ctg_data.vues_contexte import TAILLE_AUTO
    from pages import ui

    import ctg_data.format as fmt

    base = _base
    tous, categories = base.tous, list(categories)
    comptage = eq.compter(tous, quartier, categories)
    selection = eq.filtrer(tous, categories, gestion, annexe, quartier, fermes=fermes)
    selection = selection.assign(nom=[f"{n} (fermé)" if f else n for n, f in zip(selection["nom"], eq.est_ferme(selection))])
    ouverts = selection[~eq.est_ferme(selection)]
    localises = selection[selection["lat"].notna()]
    approximatifs = localises[localises["precision"] == "quartier (approx.)"]

    carte = arguments_carte(base.fond, cartes.couches_dynamiques(localises, base.quartiers_geo, quartier),
                            cartes.ControleCouches())
    tableau_carte = pd.DataFrame({
        "Nom": localises["nom"], "Catégorie": localises["categorie"], "Quartier": localises["quartier"].fillna("non connu"),
        "Adresse": localises["adresse"].fillna("non précisée"), "Position": localises["precision"].map(precision_lisible),
        "Latitude": localises["lat"].round(5), "Longitude": localises["lon"].round(5),
    })
    non_localises = selection[selection["lat"].isna()]
    tableau_non_localises = None if non_localises.empty else non_localises[
        ["nom", "categorie", "gestionnaire", "adresse", "code_postal", "commune"]].rename(
            columns={"nom": "Nom", "categorie": "Catégorie", "gestionnaire": "Gestionnaire",
                     "adresse": "Adresse", "code_postal": "Code postal", "commune": "Commune"}).fillna("non précisé")
    inconnus = eq.filtrer(comptage.quartier_inconnu, None, gestion, annexe) if quartier else None
    tableau_inconnus = None if inconnus is None or not len(inconnus) else inconnus[
        ["nom", "categorie", "gestionnaire", "adresse"]].fillna("non précisé").rename(
            columns={"nom": "Nom", "categorie": "Catégorie", "gestionnaire": "Gestionnaire", "adresse": "Adresse"})

    noms_quartiers = [quartier] if quartier else list(base.noms_quartiers)
    tableau = eq.tableau_quartiers(ouverts, noms_quartiers)
    categories_tableau = [c for c in tableau.columns if c not in ("Quartier", "Total")]
    # Le total juste après le quartier : c'est le chiffre que l'on cherche d'abord.
    tableau = tableau[["Quartier", "Total", *categories_tableau]]

    def _detail(ligne) -> str:
        """« EAJE 1 · ALSH 3 · Centre social / MEP 1 » : les catégories présentes dans le quartier."""
        return " · ".join(f"{c} {fmt.nombre(ligne[c])}" for c in categories_tableau if ligne[c])

    # Une liste plutôt qu'une grille : chaque ligne prend la hauteur de son texte.
    liste = "\n".join(
        f"- **{ui.nom_brut(l['Quartier'])}** : "
        + (f"{fmt.nombre(l['Total'])} équipement{'s' if l['Total'] > 1 else ''} ({_detail(l)})"
           if l["Total"] else "aucun équipement")
        for _, l in tableau.iterrows()
    )

    donnees_graphique = ouverts.assign(quartier=ouverts["quartier"].fillna(eq.QUARTIER_NON_CONNU))
    graphique = None
    if not donnees_graphique.empty:
        alt = ui.altair()
        presentes = [c for c in cartes.STYLES if c in set(donnees_graphique["categorie"])]
        graphique = spec_graphique(
            alt.Chart(donnees_graphique)
            .mark_bar(stroke=couleurs.CONTOUR, strokeWidth=0.7)  # contour : contraste ≥ 3:1 même en jaune
            .encode(
                y=alt.Y("quartier:N", title=None, sort=[*noms_quartiers, eq.QUARTIER_NON_CONNU]),
                x=alt.X("count():Q", title="Nombre d'équipements", axis=alt.Axis(tickMinStep=1, format="d")),
                color=alt.Color(
                    "categorie:N", title="Catégorie",
                    scale=alt.Scale(domain=presentes, range=[cartes.STYLES[c].couleur for c in presentes]),
                    # Sous le graphique, sur deux colonnes : le tracé garde toute la largeur d'un téléphone.
                    legend=alt.Legend(orient="bottom", direction="vertical", columns=2, labelLimit=0, titleLimit=0),
                ),
                tooltip=[alt.Tooltip("quartier:N", title="Quartier"), alt.Tooltip("categorie:N", title="Catégorie"),
                         alt.Tooltip("count():Q", title="Nombre")],
            )
            # Une barre par quartier, de hauteur fixe : le graphique d'un seul quartier reste bas ; la légende
            # s'ajoute dessous (TAILLE_AUTO), sans écraser le tracé.
            .properties(height=30 * donnees_graphique["quartier"].nunique() + 40, autosize=TAILLE_AUTO)
        )
    export = selection[
        ["id", "nom", "categorie", "sous_type", "gestionnaire", "gestion_ville", "annexe", "adresse", "code_postal",
         "commune", "quartier", "origine_quartier", "confiance_quartier", "raison_quartier", "lat", "lon", "precision",
         "origine_position", "capacite", "origine_capacite", "etat", "origine_etat", "source_fichier", "source_section"]
    ]
    return VueCarte(
        n_ouverts=len(ouverts), n_localises=len(localises), n_approximatifs=len(approximatifs),
        n_non_localises=len(selection) - len(localises), n_fermes_quartier=len(comptage.fermes),
        carte=carte, tableau_carte=tableau_carte,
        non_localises=None if tableau_non_localises is None else tableau_arrow(tableau_non_localises),
        inconnus=None if tableau_inconnus is None else tableau_arrow(tableau_inconnus),
        tableau=tableau_arrow(tableau), colonnes_tableau=tuple(tableau.columns), categories_tableau=tuple(categories_tableau), liste=liste, graphique=graphique, export=export,
    )



# --- Carte des communes (territoire décrit par ses communes) -------------------------------------

@dataclass(frozen=True)
class DonneesCommunes:
    """Ce qui ne dépend que des fichiers du territoire : partagé, jamais modifié."""

    communes: object  # gpd.GeoDataFrame : contours des communes (clic sur la carte)
    n_communes: int
    equipements: object  # pd.DataFrame, ou None (pas de fichier, ou fichier refusé)
    erreur: object  # ErreurDonnees, ou None
    fond: FondPrepare
    jeu_communes: object  # catalogue : le jeu des contours des communes, ou None
    source_qpv: str
    noms_qpv: str | None  # « Le Mail (Chenôve) ; … », None sans QPV dans le territoire
    sans_position: object  # équipements sans position, pour un lecteur (tableau_arrow, ou None)
    lisibles: object  # tous les équipements, pour un lecteur (tableau_arrow, ou None)
    lisibles_positions: object  # les mêmes, avec latitude et longitude (téléchargement)
    tableau_communes: object  # une ligne par commune (téléchargement)
    tableau_communes_ecran: object  # le même, à l'écran (tableau_arrow)


@st.cache_resource(show_spinner=False, max_entries=8)
def donnees_communes(cle_donnees: tuple[str, str], id_territoire: str) -> DonneesCommunes:
    """Calculé une fois par version des fichiers du dossier des données."""
    from pathlib import Path

    import pandas as pd

    from ctg_data import carte_communes as cc
    from ctg_data import format as fmt
    from ctg_data.erreurs import ErreurDonnees
    from ctg_data.territoire import jeux_geo
    from ctg_data.vocabulaire import CATEGORIES_EQUIPEMENTS
    from pages import ui

    t = ui.territoires()[id_territoire]
    communes, contour = ui.contours_du_territoire(id_territoire)
    equipements = erreur = None
    if t.equipements:  # relu quand un fichier du dossier des données change (la clé)
        try:
            equipements = cc.charger_equipements(t, pd.DataFrame(communes.drop(columns="geometry")), contour,
                                                 Path(cle_donnees[0]))
        except ErreurDonnees as e:
            erreur = e
    categories = [c for c in CATEGORIES_EQUIPEMENTS
                  if equipements is not None and c in set(equipements.loc[equipements["lat"].notna(), "categorie"])]
    qpv = cc.qpv_du_territoire(ui.contours("qpv"), contour)
    fond = cc.carte_de_base(communes, contour, categories=categories,
                            etat=cc.etat_equipements(equipements, erreur is not None), qpv=qpv)
    jeux = ui.catalogue()
    jeu_qpv = jeux.get("qpv")

    def lisibles(e, positions: bool = False):
        """Les équipements pour un lecteur : en-têtes et catégories en mots, cellule vide nommée."""
        tableau = pd.DataFrame({
            "Nom": e["nom"], "Catégorie": e["categorie"].map(CATEGORIES_EQUIPEMENTS),
            "Commune": e["commune"], "Code INSEE": e["code_commune"],
            "Adresse": e["adresse"].fillna("non précisée"),
            "Capacité (places)": [fmt.nombre(int(c)) if not pd.isna(c) else "non précisée" for c in e["capacite"]],
            "Source": e["source"], "Note": e["note"].fillna(""),
        })
        if positions:
            tableau["Latitude"] = e["lat"].round(5)
            tableau["Longitude"] = e["lon"].round(5)
        return tableau.reset_index(drop=True)

    avec = equipements is not None and len(equipements)
    sans = equipements[equipements["lat"].isna()] if avec else None
    tableau = cc.tableau_communes(pd.DataFrame(communes.drop(columns="geometry")), equipements)
    return DonneesCommunes(
        communes=communes, n_communes=len(communes), equipements=equipements, erreur=erreur,
        fond=preparer_fond(fond, cle="carte-communes", hauteur=cc.HAUTEUR_PX, objets_rendus=("last_clicked",),
                           liste_des_couches=True),
        jeu_communes=jeux.get(jeux_geo(t, jeux)[0]),
        source_qpv=ui.nom_brut(f"{jeu_qpv.producteur}, {jeu_qpv.document}") if jeu_qpv else "ANCT",
        noms_qpv=(" ; ".join(f"{ui.nom_brut(n)} ({ui.nom_brut(c)})" for n, c in zip(qpv["nom_qpv"], qpv["commune"]))
                  if qpv is not None and not qpv.empty else None),
        sans_position=tableau_arrow(lisibles(sans)) if sans is not None and not sans.empty else None,
        lisibles=tableau_arrow(lisibles(equipements)) if avec else None,
        lisibles_positions=lisibles(equipements, positions=True) if avec else None,
        tableau_communes=tableau,
        tableau_communes_ecran=tableau_arrow(tableau.drop(columns="Code INSEE") if equipements is not None else tableau),
    )


@st.cache_resource(show_spinner=False, max_entries=128)
def carte_communes(cle_donnees: tuple[str, str], id_territoire: str, code_choisi: str | None,
                   _base: DonneesCommunes) -> dict:
    """Les arguments du composant de la carte des communes pour la commune choisie (ou tout le territoire) ;
    ``_base`` : ``donnees_communes`` pour la même clé (hors de la clé)."""
    from ctg_data import carte as cartes
    from ctg_data import carte_communes as cc

    base = _base
    return arguments_carte(base.fond, cc.couches_dynamiques(base.communes, code_choisi, base.equipements,
                                                            refuse=base.erreur is not None),
                           cartes.ControleCouches())


def vider() -> None:
    """Vide les caches de ce module (tests qui remplacent une source de données sans changer sa clé)."""
    for cache in (donnees_carte, fermes_sur_le_territoire, vue_carte, donnees_communes, carte_communes):
        cache.clear()
