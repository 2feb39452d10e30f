"""Carte des équipements : EAJE, RPE, ALSH, centres sociaux… par quartier, avec QPV et Cité éducative."""

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from ctg_data import carte as cartes
from ctg_data import catalogue, config
from ctg_data import couleurs
from ctg_data import equipements as eq
from ctg_data import format as fmt
from ctg_data.equipements import LIBELLES_CATEGORIES
from ctg_data.geographie import quartier_contenant
from ctg_data.vocabulaire import precision_lisible
from ctg_data.vues_contexte import TAILLE_AUTO
from pages import ui


alt = ui.altair()

if ui.par_communes():  # territoire décrit par ses communes : la page de ses communes (même adresse)
    from pages.communes import carte as par_communes

    par_communes.afficher()
    st.stop()
ui.exiger_donnees_territoriales()

territoire = ui.territoire()
quartier = ui.quartier_selectionne()
tous = ui.equipements_localises()
quartiers = ui.donnees("quartiers")
quartiers_geo = ui.contours("quartiers_geo")

presentes = set(tous.loc[eq.est_equipement(tous), "categorie"])
gestions = eq.gestions(territoire.nom_complet)

# --- Filtres ---------------------------------------------------------------------------------
titre = st.empty()  # le titre d'abord, écrit une fois les filtres lus (il dit la sélection)
with st.container(border=True):
    c1, c2, c3 = st.columns([3, 2, 2])
    categories = c1.multiselect(
        "Catégories",
        [c for c in LIBELLES_CATEGORIES if c in presentes],
        default=[c for c in LIBELLES_CATEGORIES if c in presentes],
        format_func=lambda c: LIBELLES_CATEGORIES[c],
        key="carte_categories",
        placeholder="Choisissez au moins une catégorie",
    )
    gestion = c2.selectbox("Gestionnaire", list(gestions), key="carte_gestion")
    annexe = c3.selectbox("Annexe de la convention", list(eq.ANNEXES), key="carte_annexe")
    comptage = eq.compter(tous, quartier, categories)
    montrer_fermes = False
    if len(eq.compter(tous, None, categories).fermes):
        montrer_fermes = st.toggle("Montrer aussi les équipements fermés (ils ne sont pas comptés)",
                                   key="carte_fermes")

selection = eq.filtrer(tous, categories, gestions[gestion], eq.ANNEXES[annexe], quartier, fermes=montrer_fermes)
selection = selection.assign(nom=[f"{n} (fermé)" if f else n for n, f in zip(selection["nom"], eq.est_ferme(selection))])
ouverts = selection[~eq.est_ferme(selection)]
localises = selection[selection["lat"].notna()]
approximatifs = localises[localises["precision"] == "quartier (approx.)"]

titre.title(eq.titre_selection(categories, quartier, len(ouverts), territoire.tout_en_phrase))
st.caption(
    f"{fmt.nombre(len(localises))} sur la carte, dont {fmt.nombre(len(approximatifs))} à une position "
    "approximative (contour en pointillé) ; "
    f"{fmt.nombre(len(selection) - len(localises))} non localisé(s), listé(s) sous la carte. "
    + (f"{fmt.nombre(len(comptage.fermes))} fermé(s), non compté(s). " if len(comptage.fermes) else "")
)

# --- Carte -----------------------------------------------------------------------------------
# La carte est mise à jour sur place : le fond (contours, légende) est construit une fois par version
# des données et envoyé identique à chaque exécution, si bien que st_folium garde le même cadre
# (iframe) ; le quartier choisi (contour, cadrage) et les équipements filtrés arrivent en couches
# ajoutées dans ce cadre (feature_group_to_add), sans le recharger.
@st.cache_resource(show_spinner=False, max_entries=4)
def _fond_de_carte(dossier: str, version: tuple, cite: tuple[str, ...], categories: tuple[str, ...]):
    # Clé : le dossier et l'empreinte des fichiers de données (un fichier modifié donne un autre fond),
    # la Cité éducative et les catégories de la légende. Un seul exemplaire partagé, jamais modifié :
    # chaque exécution en envoie une copie (cartes.copie).
    return cartes.carte_de_base(ui.contours("quartiers_geo"), ui.contours("qpv"), ui.contours("iris"),
                                categories=list(categories), quartiers_cite_educative=list(cite))


fond = _fond_de_carte(
    str(config.dossier_donnees()), catalogue.empreinte(config.dossier_donnees()),
    cite=tuple(quartiers.loc[quartiers["cite_educative"], "nom"]),
    # La légende : les catégories placées sur la carte quand aucun filtre n'est mis.
    categories=tuple(c for c in cartes.STYLES if c in set(tous.loc[eq.est_equipement(tous) & tous["lat"].notna(), "categorie"])),
)
sortie = st_folium(
    cartes.copie(fond),
    height=620,
    use_container_width=True,
    returned_objects=["last_clicked"],  # rien d'autre : déplacer ou zoomer la carte ne relance pas la page
    feature_group_to_add=cartes.couches_dynamiques(localises, quartiers_geo, quartier),
    layer_control=cartes.ControleCouches(),
    key="carte-equipements",  # la même clé pour tous les quartiers : le cadre n'est pas recréé
)
ui.en_tableau(
    pd.DataFrame({
        "Nom": localises["nom"], "Catégorie": localises["categorie"], "Quartier": localises["quartier"].fillna("non connu"),
        "Adresse": localises["adresse"].fillna("non précisée"), "Position": localises["precision"].map(precision_lisible),
        "Latitude": localises["lat"].round(5), "Longitude": localises["lon"].round(5),
    }),
    f"La carte en tableau : les {fmt.nombre(len(localises))} équipements placés",
)
# Le cadre n'étant plus recréé, il renvoie son dernier clic à chaque exécution : un clic n'est suivi
# qu'une fois (sinon choisir un autre quartier dans la barre latérale ramènerait au quartier cliqué).
clic = (sortie or {}).get("last_clicked")
if clic and clic != st.session_state.get("_carte_clic_suivi"):
    st.session_state["_carte_clic_suivi"] = clic
    quartier_clique = quartier_contenant(clic["lng"], clic["lat"], quartiers_geo)
    if quartier_clique and quartier_clique != quartier:
        ui.choisir_quartier(quartier_clique)
        st.rerun()

st.caption(
    "Cliquez sur un quartier pour le choisir, sur un équipement pour le détail. Les contours des 9 "
    "quartiers sont une **reconstruction de l'équipe** à partir des IRIS de l'INSEE, à valider par la "
    "Ville (détail et degré de confiance dans « Données et sources »). Sans adresse géocodée, un "
    "équipement dont on connaît le quartier est placé **approximativement** dans ce quartier : sa position "
    "n'est pas son adresse. Contours : IGN – INSEE (IRIS 2020), ANCT (QPV 2024) ; équipements : CTG "
    "2024-2027, annexes 2 et 2 bis."
)

non_localises = selection[selection["lat"].isna()]
if not non_localises.empty:
    with st.expander(f"Équipements non localisés ({len(non_localises)})", expanded=quartier is None):
        st.markdown(
            "Ni adresse géocodée ni quartier connu : ils ne sont pas placés sur la carte plutôt que placés au hasard."
        )
        st.dataframe(
            non_localises[["nom", "categorie", "gestionnaire", "adresse", "code_postal", "commune"]].rename(
                columns={"nom": "Nom", "categorie": "Catégorie", "gestionnaire": "Gestionnaire",
                         "adresse": "Adresse", "code_postal": "Code postal", "commune": "Commune"}
            ).fillna("non précisé"),
            hide_index=True,
        )
inconnus = eq.filtrer(comptage.quartier_inconnu, None, gestions[gestion], eq.ANNEXES[annexe]) if quartier else None
if inconnus is not None and len(inconnus):
    with st.expander(f"Peut-être dans ce quartier : {len(inconnus)} équipement(s) dont le quartier n'est pas connu"):
        st.markdown("Leur adresse n'est pas encore localisée : ils peuvent se trouver dans le quartier "
                    f"{quartier} comme ailleurs. Ils ne sont comptés dans aucun quartier.")
        st.dataframe(inconnus[["nom", "categorie", "gestionnaire", "adresse"]].fillna("non précisé").rename(
            columns={"nom": "Nom", "categorie": "Catégorie", "gestionnaire": "Gestionnaire", "adresse": "Adresse"}),
            hide_index=True)

# --- Comptages -------------------------------------------------------------------------------
st.header("Nombre d'équipements par quartier")
noms_quartiers = [quartier] if quartier else list(quartiers.sort_values("nom")["nom"])
tableau = eq.tableau_quartiers(ouverts, noms_quartiers)
categories_tableau = [c for c in tableau.columns if c not in ("Quartier", "Total")]
# Le total juste après le quartier : c'est le chiffre que l'on cherche d'abord.
tableau = tableau[["Quartier", "Total", *categories_tableau]]
# Deux présentations du même décompte, selon la place disponible (requête sur la largeur du bloc, pas de
# l'écran : le menu ouvert en prend une partie) : en grand, un tableau, une colonne par catégorie,
# toutes visibles sans défilement de côté ; à l'étroit (téléphone), une liste, une ligne par quartier
# avec son total et le détail par catégorie, qui passe à la ligne. L'autre présentation est masquée.
LARGEURS = {"Quartier": 135, "Total": 56, "EAJE": 56, "RPE": 50, "ALSH": 56, "LAEP": 56, "Ludothèque": 96,
            "Centre social / MEP": 148, "Médiathèque": 106, "Autre": 64}
largeur_min = sum(LARGEURS.get(c, 100) for c in tableau.columns) + 4
st.html(
    "<style>"
    ".st-key-carte_comptes {container-type: inline-size;}"
    f"@container (max-width: {largeur_min}px) {{.st-key-carte_comptes_large {{display: none;}}}}"
    f"@container (min-width: {largeur_min + 1}px) {{.st-key-carte_comptes_etroit {{display: none;}}}}"
    "</style>"
)


def _detail(ligne: pd.Series) -> str:
    """« EAJE 1 · ALSH 3 · Centre social / MEP 1 » : les catégories présentes dans le quartier."""
    return " · ".join(f"{c} {fmt.nombre(ligne[c])}" for c in categories_tableau if ligne[c])


with st.container(key="carte_comptes"):
    with st.container(key="carte_comptes_large"):
        st.dataframe(
            tableau, hide_index=True,
            column_config={
                "Quartier": st.column_config.TextColumn("Quartier", width=LARGEURS["Quartier"]),
                "Total": st.column_config.NumberColumn("Total", width=LARGEURS["Total"],
                                                       help="Toutes catégories confondues"),
                **{c: st.column_config.NumberColumn(c, width=LARGEURS.get(c, 100), help=LIBELLES_CATEGORIES.get(c))
                   for c in categories_tableau},
            },
        )
    with st.container(key="carte_comptes_etroit"):
        # Une liste plutôt qu'une grille : chaque ligne prend la hauteur de son texte.
        st.markdown("\n".join(
            f"- **{ui.nom_brut(l['Quartier'])}** : "
            + (f"{fmt.nombre(l['Total'])} équipement{'s' if l['Total'] > 1 else ''} ({_detail(l)})"
               if l["Total"] else "aucun équipement")
            for _, l in tableau.iterrows()
        ))
st.caption(
    "Quartier d'un équipement : celui de sa position géocodée, sinon celui indiqué par le document ou "
    "décidé par l'équipe (raison et confiance dans les données téléchargées). Pas de taux pour 1 000 "
    "enfants : aucune source disponible ne donne le nombre d'enfants de moins de 3 ans ou de moins de "
    "18 ans par quartier."
)
donnees_graphique = ouverts.assign(quartier=ouverts["quartier"].fillna(eq.QUARTIER_NON_CONNU))
if donnees_graphique.empty:
    st.caption("Aucun équipement pour ces filtres.")
else:
    presentes = [c for c in cartes.STYLES if c in set(donnees_graphique["categorie"])]
    graphique = (
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
    st.altair_chart(graphique, width="stretch")
    st.caption("Le même décompte, en chiffres : le tableau ci-dessus.")

export = selection[
    ["id", "nom", "categorie", "sous_type", "gestionnaire", "gestion_ville", "annexe", "adresse", "code_postal",
     "commune", "quartier", "origine_quartier", "confiance_quartier", "raison_quartier", "lat", "lon", "precision",
     "origine_position", "capacite", "origine_capacite", "etat", "origine_etat", "source_fichier", "source_section"]
]
ui.telechargements(export, f"equipements-{territoire.id}-carte", jeu=ui.catalogue()["equipements"], cle="carte")

# --- Géocodage : un acte d'éditeur (requêtes au service de la BAN, résultats dans la base) ----------
# Rien de cette section n'est montré à un visiteur ; le magasin revérifie l'identité de toute façon
# (ctg_data.geocodage.geocoder_par_editeur). Aucun champ ne laisse saisir un chemin sur le serveur.
qui = ui.identite()
if qui is not None:
    from ctg_data import geocodage
    from ctg_data.acces import StockageIndisponible
    from ctg_data.erreurs import ErreurDonnees

    bilan = st.session_state.pop("_geocodage_bilan", None)
    with st.expander("Localiser les équipements à leur adresse (géocodage)", expanded=bilan is not None):
        if bilan:
            st.success(bilan, icon=":material/check_circle:")
        st.markdown(
            "Le géocodage cherche chaque adresse dans la **Base Adresse Nationale** (BAN). Les résultats sont "
            "enregistrés dans la base, à votre nom et à la date du jour, comme une correction : un équipement "
            "trouvé est placé à son adresse et son quartier est celui de cette position, sur toutes les pages. "
            "Une position corrigée par un éditeur reste prioritaire."
        )
        try:
            nouvelles, non_trouvees = geocodage.etat_des_adresses(ui.stockage(), equipements=ui.donnees("equipements"))
        except StockageIndisponible as e:
            st.warning(f"{e} Le géocodage est indisponible pour l'instant.", icon=":material/cloud_off:")
        except ErreurDonnees as e:
            st.error(ui.texte_brut(e.message()).replace("\n", "  \n"), icon=":material/error:")
        else:
            st.caption(
                f"{fmt.nombre(len(nouvelles))} adresse(s) jamais cherchée(s) ; {fmt.nombre(len(non_trouvees))} "
                "non trouvée(s) ou ambiguë(s), que l'on peut chercher de nouveau (autre source, adresse corrigée "
                "dans la BAN)."
            )
            source = st.radio(
                "Où chercher les adresses", ["api", "fichier"], horizontal=True, key="geocodage_source",
                format_func={"api": "Service en ligne de la BAN (internet)",
                             "fichier": "Fichier BAN départemental (sans internet)"}.get,
            )
            choix = televerse = None
            if source == "fichier":
                noms = geocodage.fichiers_dossier_ban()
                if noms:
                    choix = st.selectbox("Fichier du dossier BAN du serveur", noms, index=None, key="geocodage_fichier",
                                         placeholder="Choisissez un fichier")
                else:
                    st.caption("Aucun fichier BAN n'est proposé par le serveur (dossier CTG_BAN_DIR) : "
                               "téléversez le fichier départemental.")
                televerse = st.file_uploader(
                    f"{'Ou téléversez' if noms else 'Téléversez'} le fichier BAN départemental (adresses-21.csv ou "
                    f"adresses-21.csv.gz d'adresse.data.gouv.fr, {geocodage.TAILLE_MAX_TELEVERSEMENT_MO} Mo au plus)",
                    type=["csv", "gz"], max_upload_size=geocodage.TAILLE_MAX_TELEVERSEMENT_MO,
                    key="geocodage_televersement",
                )
                if televerse is not None and choix:
                    st.caption("Le fichier téléversé est utilisé plutôt que celui de la liste.")
            pret = source == "api" or televerse is not None or bool(choix)
            c1, c2 = st.columns(2)
            lancer = c1.button("Lancer le géocodage", icon=":material/travel_explore:", key="geocodage_lancer",
                               disabled=not pret or not nouvelles,
                               help="Cherche les adresses qui n'ont jamais été cherchées.")
            reessayer = c2.button("Réessayer les adresses non trouvées", icon=":material/refresh:",
                                  key="geocodage_reessayer", disabled=not pret or not non_trouvees,
                                  help="Cherche de nouveau les adresses non trouvées ou ambiguës.")
            if lancer or reessayer:
                fichier = (geocodage.Televersement(televerse.name, televerse.getvalue())
                           if televerse is not None else choix)
                bilan = ui.geocoder_equipements(qui, source, fichier, reessayer=reessayer)
                if bilan is not None:
                    st.session_state["_geocodage_bilan"] = bilan
                    st.rerun()  # la carte et les comptes reprennent les positions enregistrées
