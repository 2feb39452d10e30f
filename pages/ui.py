"""Aides d'interface partagées par les pages : chargement en cache, filtres, sources, téléchargements.

Seul module de ``pages/`` qui n'est pas une page. Toute la logique de données est dans ``ctg_data``.
"""

from __future__ import annotations

import importlib
from html import escape as echapper  # noqa: F401  (utilisé par les pages qui écrivent du HTML)
from pathlib import Path

import pandas as pd
import streamlit as st

from ctg_data import catalogue as cat
from ctg_data import config, exports
from ctg_data.acces import ErreurStockage, Identite, StockageIndisponible, url_par_defaut  # sans SQLAlchemy
from ctg_data.erreurs import ErreurDonnees
from ctg_data.plan import Plan, charger_plans

# geopandas (contours, positions) et SQLAlchemy (magasin) ne sont importés qu'à leur premier usage :
# l'accueil n'en a pas besoin, son premier affichage est plus rapide.

CLE_PAR_APP = "_passe_par_app"


def marquer_passage_par_app() -> None:
    """Appelé par app.py à chaque exécution, avant la page : cette session passe par app.py."""
    st.session_state[CLE_PAR_APP] = True


def passer_par_app() -> None:
    """Garantit que chaque page s'exécute à travers app.py (navigation, filtres partagés).

    Streamlit voit un dossier ``pages/`` et, tant qu'app.py n'a pas encore appelé st.navigation
    dans ce processus, sert un lien direct (par ex. /carte) en exécutant la page seule. On bascule
    alors dans le mode st.navigation et on relance : app.py s'exécute et affiche la page demandée.
    À appeler en tête de chaque page. Le critère est la session : app.py marque chaque session
    qu'il a servie (``CLE_PAR_APP``). Une session qui n'est jamais passée par app.py est relancée à
    travers lui, même si une autre session a déjà fait la bascule entre-temps (dix personnes qui
    arrivent ensemble sur un serveur neuf).
    """
    from streamlit.runtime.pages_manager import PagesManager

    if not st.session_state.get(CLE_PAR_APP):
        PagesManager.uses_pages_directory = False
        st.rerun()


# passer_par_app() est appelé par chaque page, jamais ici à l'import : st.rerun() lève une exception,
# qui ferait échouer l'import de ce module pour les sessions qui l'importent au même moment
# (« cannot import name 'ui' from 'pages' » quand dix personnes arrivent sur un serveur neuf).

TOUT_DIJON = "Tout Dijon"
CLE_QUARTIER = "quartier"  # choix durable (survit aux pages qui n'affichent pas la barre latérale)
CLE_WIDGET_QUARTIER = "_widget_quartier"  # état du menu déroulant, recopié dans CLE_QUARTIER
CLE_AVERTISSEMENT = "_avertissement_quartier"


@st.cache_resource(show_spinner=False, max_entries=64)
def _charger(id_jeu: str, dossier: str, empreinte: tuple) -> pd.DataFrame:
    # « empreinte » (dates de modification des fichiers) sert de clé : un fichier modifié est relu.
    # Un seul exemplaire partagé par toutes les sessions, jamais modifié : ``donnees()`` en donne une
    # copie (10 fois plus rapide que de relire une copie sérialisée comme le ferait st.cache_data).
    return cat.charger(id_jeu, Path(dossier))


@st.cache_data(show_spinner=False)
def _charger_geo(id_jeu: str, dossier: str, empreinte: tuple):
    from ctg_data import geographie

    return geographie.charger_geo(id_jeu, Path(dossier))


@st.cache_data(show_spinner=False)
def _catalogue(dossier: str, empreinte: tuple) -> dict[str, cat.JeuDeDonnees]:
    return cat.lire_catalogue(Path(dossier))


def arreter_sur_erreur(erreur: ErreurDonnees) -> None:
    st.error(
        "**Les données n'ont pas pu être chargées.**\n\n"
        + erreur.message().replace("\n", "  \n")
        + "\n\nCorrigez le fichier puis rechargez la page. Rien n'a été modifié."
    )
    st.stop()


def donnees(id_jeu: str) -> pd.DataFrame:
    """Un jeu de données validé ; en cas d'erreur, affiche le message en français et arrête la page."""
    dossier = config.dossier_donnees()
    try:
        return _charger(id_jeu, str(dossier), cat.empreinte(dossier)).copy()  # la page peut modifier sa copie
    except ErreurDonnees as e:
        arreter_sur_erreur(e)


def contours(id_jeu: str):
    """Un fichier de contours validé (GeoDataFrame) ; en cas d'erreur, message en français et arrêt."""
    dossier = config.dossier_donnees()
    try:
        return _charger_geo(id_jeu, str(dossier), cat.empreinte(dossier))
    except ErreurDonnees as e:
        arreter_sur_erreur(e)


@st.cache_data(show_spinner=False, max_entries=256)
def _calcul(module: str, fonction: str, jeux: tuple[str, ...], dossier: str, empreinte: tuple, options: tuple):
    appel = getattr(importlib.import_module(module), fonction)
    return appel(*[_charger(j, dossier, empreinte).copy() for j in jeux], **dict(options))


def calcul(fonction, *jeux: str, **options):
    """``fonction(donnees(jeu1), donnees(jeu2)…, **options)``, calculé une fois par jeu de fichiers et
    par options (un quartier, par ex.) puis gardé en cache : une réexécution de la page (changement
    de filtre) ne refait pas le calcul. ``fonction`` : une fonction de ``ctg_data`` (données seules)."""
    dossier = config.dossier_donnees()
    try:
        return _calcul(fonction.__module__, fonction.__name__, jeux, str(dossier), cat.empreinte(dossier),
                       tuple(sorted(options.items())))
    except ErreurDonnees as e:
        arreter_sur_erreur(e)


@st.cache_data(show_spinner=False)
def _positions(dossier: str, empreinte: tuple, url_base: str | None, empreinte_stockage) -> pd.DataFrame:
    # Les corrections ne sont lues dans la base qu'ici, quand son empreinte a changé (pas à chaque
    # exécution de la page). url_base None : base indisponible, données livrées seules.
    d = Path(dossier)
    from ctg_data import geographie, positions
    from ctg_data.geocodage import Cache

    return positions.positions(
        cat.charger("equipements", d),
        cat.charger("equipements_quartiers", d),
        Cache(d / "geocodage_cache.csv").tableau(),
        geographie.charger_geo("iris", d),
        cat.charger("iris_quartiers", d),
        geographie.charger_geo("quartiers_geo", d),
        None if url_base is None else _stockage(url_base).corrections_actives(),
    )


def equipements_localises() -> pd.DataFrame:
    """Les équipements avec position, précision et quartier (voir ctg_data.positions), corrections des
    éditeurs comprises ; si la base ne répond pas, les données livrées seules (avec un avertissement)."""
    dossier = config.dossier_donnees()
    try:
        try:
            empreinte = stockage().empreinte()
            return _positions(str(dossier), cat.empreinte(dossier), url_par_defaut(), empreinte)
        except StockageIndisponible as e:
            st.warning(f"{e} Les corrections saisies ne sont pas affichées pour l'instant.", icon=":material/cloud_off:")
            return _positions(str(dossier), cat.empreinte(dossier), None, None)
    except ErreurDonnees as e:
        arreter_sur_erreur(e)


# --- Magasin, identité, plan ------------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def _stockage(url: str):
    from ctg_data.stockage import Stockage

    return Stockage(url)


def stockage():
    """Le magasin (SQLite par défaut, PostgreSQL si CTG_DATABASE_URL), partagé par les sessions."""
    return _stockage(url_par_defaut())


CLE_IDENTITE = "_identite"


def oidc_configure() -> bool:
    """Vrai si un fournisseur d'identité est déclaré ([auth] dans .streamlit/secrets.toml)."""
    try:
        return "auth" in st.secrets
    except Exception:  # pas de secrets.toml : connexion par comptes locaux
        return False


def identite() -> Identite | None:
    """L'éditeur connecté, ou None (lecture seule)."""
    if oidc_configure() and getattr(st.user, "is_logged_in", False):
        try:
            return stockage().identite_oidc(st.user.get("email", ""), st.user.get("name"))
        except StockageIndisponible:
            return None
    return st.session_state.get(CLE_IDENTITE)


def bloc_connexion() -> None:
    """Dans la barre latérale : connexion ou déconnexion de l'espace éditeur."""
    qui = identite()
    with st.sidebar:
        if qui is not None:
            st.caption(f"Connecté·e : **{qui.nom}** (éditeur)")
            if st.button("Se déconnecter", icon=":material/logout:", key="deconnexion"):
                st.session_state.pop(CLE_IDENTITE, None)
                if oidc_configure() and getattr(st.user, "is_logged_in", False):
                    st.logout()
                st.rerun()
            return
        if oidc_configure():
            if getattr(st.user, "is_logged_in", False):
                st.caption("Votre compte n'a pas les droits d'éditeur : lecture seule.")
            elif st.button("Espace éditeur : se connecter", icon=":material/login:", key="connexion_oidc"):
                st.login()
            return
        with st.expander("Espace éditeur", icon=":material/lock:"):
            with st.form("connexion", border=False):
                identifiant = st.text_input("Identifiant", autocomplete="username")
                mot_de_passe = st.text_input("Mot de passe", type="password", autocomplete="current-password")
                if st.form_submit_button("Se connecter"):
                    try:
                        trouve = stockage().authentifier(identifiant, mot_de_passe)
                    except StockageIndisponible as e:
                        st.error(str(e))
                        return
                    if trouve is None:
                        st.error("Identifiant ou mot de passe incorrect.")
                    else:
                        st.session_state[CLE_IDENTITE] = trouve
                        st.rerun()


@st.cache_resource(show_spinner=False, max_entries=16)  # un exemplaire partagé : les pages ne modifient pas un plan
def _plans(dossier: str, empreinte: tuple) -> tuple[dict[str, Plan], list[ErreurDonnees]]:
    return charger_plans(Path(dossier))


PLAN_PAR_DEFAUT = "ctg-dijon-2024-2027"
CLE_PLAN = "plan"


def plans() -> tuple[dict[str, Plan], list[ErreurDonnees]]:
    """Les plans valides, et les erreurs des plans refusés (les autres restent utilisables)."""
    dossier = config.dossier_donnees()
    empreinte = tuple((f.as_posix(), f.stat().st_mtime_ns) for f in sorted((dossier / "plans").glob("*/plan.yaml")))
    return _plans(str(dossier), empreinte)


def plan() -> Plan:
    """Le plan choisi (sélecteur de la barre latérale, gardé dans l'adresse ?plan=…)."""
    disponibles, _ = plans()
    choisi = st.session_state.get(CLE_PLAN, PLAN_PAR_DEFAUT)
    if choisi not in disponibles:
        choisi = PLAN_PAR_DEFAUT if PLAN_PAR_DEFAUT in disponibles else next(iter(disponibles), None)
    if choisi is None:
        st.error("Aucun plan d'actions valide dans data/plans/.")
        st.stop()
    return disponibles[choisi]


def filtre_plan() -> None:
    """Choix du plan suivi (et donc du territoire), gardé dans la session et dans l'adresse."""
    disponibles, erreurs = plans()
    if CLE_PLAN not in st.session_state:
        demande = st.query_params.get(CLE_PLAN)
        st.session_state[CLE_PLAN] = demande if demande in disponibles else PLAN_PAR_DEFAUT
    st.session_state["_widget_plan"] = st.session_state[CLE_PLAN]
    with st.sidebar:
        st.selectbox(
            "Plan suivi", list(disponibles), key="_widget_plan",
            format_func=lambda p: f"{disponibles[p].titre_court} — {disponibles[p].territoire}",
            on_change=lambda: st.session_state.update({CLE_PLAN: st.session_state["_widget_plan"]}),
            help="Change le plan d'actions et le territoire de toutes les pages.",
        )
        for e in erreurs:
            st.warning(f"Plan refusé : {e.message()}", icon=":material/error:")
    if st.session_state[CLE_PLAN] == PLAN_PAR_DEFAUT:
        st.query_params.pop(CLE_PLAN, None)
    else:
        st.query_params[CLE_PLAN] = st.session_state[CLE_PLAN]


def exiger_donnees_territoriales() -> None:
    """Arrête une page cartographique ou sociale pour un territoire qui n'a pas ces données."""
    p = plan()
    if not p.donnees_territoriales:
        st.info(
            f"Le tableau de bord n'a pas de données cartographiques ni sociales pour le territoire « {p.territoire} » "
            f"({p.titre_court}) : cette page ne concerne que Dijon. Choisissez un plan de Dijon dans la colonne de "
            "gauche, ou consultez le plan d'actions et le tableau récapitulatif.",
            icon=":material/map:",
        )
        st.stop()


def empreinte_fichiers() -> tuple:
    """Dates de modification des fichiers de data/ : change quand un fichier est modifié."""
    return cat.empreinte(config.dossier_donnees())


def empreinte_stockage():
    """Empreinte de la base (change à chaque écriture), ou None si la base ne répond pas."""
    try:
        return stockage().empreinte()
    except StockageIndisponible:
        return None


def valeurs_saisies(id_plan: str) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
    """(valeurs courantes, statuts manuels, base disponible). Base indisponible : tableaux vides et
    avertissement ; la page reste lisible."""
    try:
        return stockage().valeurs_courantes(id_plan), stockage().statuts_manuels(id_plan), True
    except StockageIndisponible as e:
        st.warning(f"{e} Les valeurs saisies ne peuvent pas être affichées pour l'instant.", icon=":material/cloud_off:")
        return pd.DataFrame(columns=["indicateur", "zone", "periode", "valeur", "valeur_texte", "commentaire",
                                     "source", "auteur", "horodatage", "version"]), pd.DataFrame(), False


def valeur_actuelle(courantes: pd.DataFrame, indicateur: str, zone: str, periode: str) -> dict:
    """{"valeur_actuelle": texte affiché, "version": version enregistrée (0 si aucune)}."""
    if courantes.empty:
        return {"valeur_actuelle": "", "version": 0}
    ligne = courantes[(courantes["indicateur"] == indicateur) & (courantes["zone"] == zone) & (courantes["periode"] == periode)]
    if ligne.empty:
        return {"valeur_actuelle": "", "version": 0}
    l = ligne.iloc[0]
    texte = l["valeur_texte"] if pd.isna(l["valeur"]) else f"{l['valeur']:g}".replace(".", ",")
    return {"valeur_actuelle": texte, "version": int(l["version"])}


def erreur_ecriture(e: ErreurStockage) -> None:
    st.error(str(e), icon=":material/error:")


BADGES = {
    "à renseigner": "gray", "en cours": "orange", "atteint": "green", "non atteint": "red", "abandonné": "violet",
}


def badge(statut: str) -> str:
    return f":{BADGES.get(statut, 'gray')}-badge[{statut}]"


def geocoder_equipements(mode: str, chemin_ban: str | None) -> None:
    """Géocode les adresses des équipements avec une barre de progression ; message clair en cas d'échec."""
    from ctg_data import geocodage

    if mode == "fichier" and not chemin_ban:
        st.error("Indiquez le chemin du fichier BAN départemental.")
        return
    dossier = config.dossier_donnees()
    barre = st.progress(0.0, text="Géocodage : préparation…")
    try:
        resultats = geocodage.geocoder(
            geocodage.adresses_equipements(cat.charger("equipements", dossier)),
            geocodage.Cache(dossier / geocodage.FICHIER_CACHE),
            mode=mode,
            chemin_ban=Path(chemin_ban) if chemin_ban else None,
            progression=lambda fait, total, message: barre.progress(fait / max(total, 1), text=message),
        )
    except geocodage.ErreurGeocodage as e:
        barre.empty()
        st.error(str(e))
    except ErreurDonnees as e:
        barre.empty()
        st.error(e.message().replace("\n", "  \n"))
    else:
        st.success(geocodage.texte_bilan(resultats) + " Les positions sont enregistrées ; la carte les utilise.")


def choisir_quartier(nom: str | None) -> None:
    """Change le quartier partagé (par ex. après un clic sur la carte)."""
    st.session_state[CLE_QUARTIER] = nom or TOUT_DIJON


def chemin_donnees(nom: str) -> Path:
    return config.dossier_donnees() / nom


def fichier_donnees(nom: str) -> bytes:
    return (config.dossier_donnees() / nom).read_bytes()


def catalogue() -> dict[str, cat.JeuDeDonnees]:
    dossier = config.dossier_donnees()
    try:
        return _catalogue(str(dossier), cat.empreinte(dossier))
    except ErreurDonnees as e:
        arreter_sur_erreur(e)


def filtres_partages() -> None:
    """Filtre de quartier dans la barre latérale, gardé dans la session et dans l'adresse (?quartier=…)."""
    quartiers = donnees("quartiers").sort_values("nom")
    par_id = dict(zip(quartiers["id"], quartiers["nom"]))
    id_par_nom = {nom: id_ for id_, nom in par_id.items()}
    if CLE_QUARTIER not in st.session_state:
        demande = st.query_params.get(CLE_QUARTIER)
        if demande is None:
            st.session_state[CLE_QUARTIER] = TOUT_DIJON
        elif demande in par_id:
            st.session_state[CLE_QUARTIER] = par_id[demande]
        else:
            st.session_state[CLE_QUARTIER] = TOUT_DIJON
            st.session_state[CLE_AVERTISSEMENT] = (
                f"Le quartier « {demande} » indiqué dans l'adresse n'existe pas : "
                "la page affiche tout Dijon."
            )
    st.session_state[CLE_WIDGET_QUARTIER] = st.session_state[CLE_QUARTIER]
    with st.sidebar:
        st.selectbox(
            "Quartier",
            [TOUT_DIJON, *quartiers["nom"]],
            key=CLE_WIDGET_QUARTIER,
            on_change=lambda: st.session_state.update({CLE_QUARTIER: st.session_state[CLE_WIDGET_QUARTIER]}),
            help="Les 9 quartiers de la coordination territoriale de la CTG (Annexe 4). "
            "Le choix est gardé dans l'adresse de la page : copiez-la pour partager cette vue.",
        )
        st.caption("Données : CTG 2024-2027 et annexes. Détail dans « Données et sources ».")
    choix = st.session_state[CLE_QUARTIER]
    if choix == TOUT_DIJON:
        st.query_params.pop(CLE_QUARTIER, None)
    else:
        st.query_params[CLE_QUARTIER] = id_par_nom[choix]
    if CLE_AVERTISSEMENT in st.session_state:
        st.warning(st.session_state.pop(CLE_AVERTISSEMENT), icon=":material/warning:")


def quartier_selectionne() -> str | None:
    """Nom du quartier choisi, ou None pour tout Dijon."""
    choix = st.session_state.get(CLE_QUARTIER, TOUT_DIJON)
    return None if choix == TOUT_DIJON else choix


def telechargements(df: pd.DataFrame, nom_fichier: str, jeu: cat.JeuDeDonnees | None = None, cle: str = "") -> None:
    """Deux boutons : CSV (pour tableur français) et Excel (avec une feuille « Source »).
    Les fichiers ne sont produits qu'au clic (pas à chaque affichage de la page)."""
    c1, c2 = st.columns(2)
    c1.download_button(
        "Télécharger en CSV",
        lambda: exports.en_csv(df),
        file_name=f"{nom_fichier}.csv",
        mime="text/csv",
        key=f"csv-{cle or nom_fichier}",
        help="Séparateur point-virgule, virgule décimale : s'ouvre directement dans un tableur en français.",
        icon=":material/download:",
    )
    c2.download_button(
        "Télécharger en Excel",
        lambda: exports.en_xlsx(df, jeu=jeu),
        file_name=f"{nom_fichier}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx-{cle or nom_fichier}",
        help="Classeur XLSX, avec une feuille « Source » qui dit d'où viennent les données.",
        icon=":material/download:",
    )


def en_tableau(df: pd.DataFrame, titre: str = "Les données du graphique, en tableau") -> None:
    """Alternative textuelle d'un graphique ou d'une carte (lecteur d'écran, clavier, impression) :
    les mêmes données dans un tableau, sous un volet à déplier."""
    with st.expander(titre, icon=":material/table_view:"):
        if df.empty:
            st.caption("Aucune donnée.")
        else:
            st.dataframe(df, hide_index=True)


def altair():
    """Le module altair, sans validation de chaque objet à sa création (« mode debug ») : le graphique
    entier reste validé une fois, quand Streamlit le convertit. Plusieurs ms gagnées par graphique."""
    import altair as alt
    from altair.utils import schemapi

    schemapi.disable_debug_mode()
    return alt

