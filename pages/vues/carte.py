"""Carte des équipements : EAJE, RPE, ALSH, centres sociaux… par quartier, avec QPV et Cité éducative."""

import streamlit as st

from ctg_data import equipements as eq
from ctg_data import format as fmt
from ctg_data.equipements import LIBELLES_CATEGORIES
from ctg_data.geographie import quartier_contenant
from pages import ui
from pages.ui import cache_carte, carte_en_cache

if ui.par_communes():  # territoire décrit par ses communes : la page de ses communes (même adresse)
    from pages.communes import carte as par_communes

    par_communes.afficher()
    st.stop()
ui.exiger_donnees_territoriales()

territoire = ui.territoire()
quartier = ui.quartier_selectionne()
# Tout ce qui suit est calculé une fois par version des données (fichiers et magasin : les corrections
# des éditeurs déplacent des équipements) et par valeur des filtres, puis partagé entre les sessions
# (pages/ui/cache_carte.py) : une réexécution ne refait ni les comptes, ni le graphique, ni la carte.
cle = {"cle_donnees": ui.cle_donnees(), "empreinte_stockage": ui.empreinte_stockage(), "id_territoire": territoire.id}
donnees = cache_carte.donnees_carte(**cle)
gestions = eq.gestions(territoire.nom_complet)

# --- Filtres ---------------------------------------------------------------------------------
titre = st.empty()  # le titre d'abord, écrit une fois les filtres lus (il dit la sélection)
with st.container(border=True):
    c1, c2, c3 = st.columns([3, 2, 2])
    categories = c1.multiselect(
        "Catégories",
        [c for c in LIBELLES_CATEGORIES if c in donnees.presentes],
        default=[c for c in LIBELLES_CATEGORIES if c in donnees.presentes],
        format_func=lambda c: LIBELLES_CATEGORIES[c],
        key="carte_categories",
        placeholder="Choisissez au moins une catégorie",
    )
    gestion = c2.selectbox("Gestionnaire", list(gestions), key="carte_gestion")
    annexe = c3.selectbox("Annexe de la convention", list(eq.ANNEXES), key="carte_annexe")
    montrer_fermes = False
    if cache_carte.fermes_sur_le_territoire(**cle, categories=tuple(categories), _base=donnees):
        montrer_fermes = st.toggle("Montrer aussi les équipements fermés (ils ne sont pas comptés)",
                                   key="carte_fermes")

vue = cache_carte.vue_carte(**cle, quartier=quartier, categories=tuple(categories), gestion=gestions[gestion],
                            annexe=eq.ANNEXES[annexe], fermes=montrer_fermes, _base=donnees)
titre.title(eq.titre_selection(categories, quartier, vue.n_ouverts, territoire.tout_en_phrase))
st.caption(
    f"{fmt.nombre(vue.n_localises)} sur la carte, dont {fmt.nombre(vue.n_approximatifs)} à une position "
    "approximative (contour en pointillé) ; "
    f"{fmt.nombre(vue.n_non_localises)} non localisé(s), listé(s) sous la carte. "
    + (f"{fmt.nombre(vue.n_fermes_quartier)} fermé(s), non compté(s). " if vue.n_fermes_quartier else "")
)

# --- Carte -----------------------------------------------------------------------------------
# La carte est mise à jour sur place : le fond (contours, légende) est construit une fois par version
# des données et envoyé identique à chaque exécution, si bien que le composant de st_folium garde le
# même cadre (iframe) ; le quartier choisi (contour, cadrage) et les équipements filtrés arrivent en
# couches ajoutées dans ce cadre (feature_group_to_add), sans le recharger. Le rendu (ce qu'enverrait
# st_folium) est gardé en cache par valeur des filtres : la même clé pour tous les quartiers, le cadre
# n'est pas recréé ; déplacer ou zoomer la carte ne relance pas la page (seul le dernier clic revient).
sortie = carte_en_cache.afficher_carte(vue.carte, "carte-equipements")
ui.en_tableau(vue.tableau_carte, f"La carte en tableau : les {fmt.nombre(vue.n_localises)} équipements placés")
# Le cadre n'étant plus recréé, il renvoie son dernier clic à chaque exécution : un clic n'est suivi
# qu'une fois (sinon choisir un autre quartier dans la barre latérale ramènerait au quartier cliqué).
clic = (sortie or {}).get("last_clicked")
if clic and clic != st.session_state.get("_carte_clic_suivi"):
    st.session_state["_carte_clic_suivi"] = clic
    quartier_clique = quartier_contenant(clic["lng"], clic["lat"], donnees.quartiers_geo)
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

if vue.non_localises is not None:
    with st.expander(f"Équipements non localisés ({len(vue.non_localises)})", expanded=quartier is None):
        st.markdown(
            "Ni adresse géocodée ni quartier connu : ils ne sont pas placés sur la carte plutôt que placés au hasard."
        )
        st.dataframe(vue.non_localises, hide_index=True)
if vue.inconnus is not None:
    with st.expander(f"Peut-être dans ce quartier : {len(vue.inconnus)} équipement(s) dont le quartier n'est pas connu"):
        st.markdown("Leur adresse n'est pas encore localisée : ils peuvent se trouver dans le quartier "
                    f"{quartier} comme ailleurs. Ils ne sont comptés dans aucun quartier.")
        st.dataframe(vue.inconnus, hide_index=True)

# --- Comptages -------------------------------------------------------------------------------
st.header("Nombre d'équipements par quartier")
tableau = vue.tableau
categories_tableau = list(vue.categories_tableau)
# Deux présentations du même décompte, selon la place disponible (requête sur la largeur du bloc, pas de
# l'écran : le menu ouvert en prend une partie) : en grand, un tableau, une colonne par catégorie,
# toutes visibles sans défilement de côté ; à l'étroit (téléphone), une liste, une ligne par quartier
# avec son total et le détail par catégorie, qui passe à la ligne. L'autre présentation est masquée.
LARGEURS = {"Quartier": 135, "Total": 56, "EAJE": 56, "RPE": 50, "ALSH": 56, "LAEP": 56, "Ludothèque": 96,
            "Centre social / MEP": 148, "Médiathèque": 106, "Autre": 64}
largeur_min = sum(LARGEURS.get(c, 100) for c in vue.colonnes_tableau) + 4
st.html(
    "<style>"
    ".st-key-carte_comptes {container-type: inline-size;}"
    f"@container (max-width: {largeur_min}px) {{.st-key-carte_comptes_large {{display: none;}}}}"
    f"@container (min-width: {largeur_min + 1}px) {{.st-key-carte_comptes_etroit {{display: none;}}}}"
    "</style>"
)
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
        st.markdown(vue.liste)
st.caption(
    "Quartier d'un équipement : celui de sa position géocodée, sinon celui indiqué par le document ou "
    "décidé par l'équipe (raison et confiance dans les données téléchargées). Pas de taux pour 1 000 "
    "enfants : aucune source disponible ne donne le nombre d'enfants de moins de 3 ans ou de moins de "
    "18 ans par quartier."
)
if vue.graphique is None:
    st.caption("Aucun équipement pour ces filtres.")
else:
    ui.afficher_spec(vue.graphique, width="stretch")
    st.caption("Le même décompte, en chiffres : le tableau ci-dessus.")

ui.telechargements(vue.export, f"equipements-{territoire.id}-carte", jeu=donnees.jeu, cle="carte")

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
