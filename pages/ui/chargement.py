"""Chargement des données pour les pages : jeux validés gardés en cache, contours, calculs du cœur
mis en cache, magasin, plans. Toute la logique de données est dans ``ctg_data`` ; ici, seulement le
cache de Streamlit et l'arrêt propre d'une page sur une erreur de données (message en français)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pandas as pd
import streamlit as st

from ctg_data import catalogue as cat
from ctg_data import config
from ctg_data.acces import StockageIndisponible, url_par_defaut  # sans SQLAlchemy
from ctg_data.erreurs import ErreurDonnees
from ctg_data.plan import Plan, charger_plans

# geopandas (contours, positions) et SQLAlchemy (magasin) ne sont importés qu'à leur premier usage :
# l'accueil n'en a pas besoin, son premier affichage est plus rapide.


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
    # Les corrections et les géocodages ne sont lus dans la base qu'ici, quand son empreinte a changé
    # (pas à chaque exécution de la page). url_base None : base indisponible, données livrées seules.
    d = Path(dossier)
    from ctg_data import positions

    corrections = geocodages = None
    if url_base is not None:
        corrections, geocodages = _stockage(url_base).corrections_actives(), _stockage(url_base).geocodages_actifs()
    geo = (None, None, None)
    if any(t is not None and not t.empty for t in (corrections, geocodages)):  # contours : seulement s'il le faut
        from ctg_data import geographie

        geo = (geographie.charger_geo("iris", d), cat.charger("iris_quartiers", d), geographie.charger_geo("quartiers_geo", d))
    return positions.avec_corrections(cat.charger("equipements", d), cat.charger("equipements_positions", d),
                                      corrections, *geo, geocodages=geocodages)


def equipements_localises() -> pd.DataFrame:
    """Le tableau unique des équipements (``ctg_data.positions.avec_corrections``) : position, précision,
    quartier, capacité et état, corrections des éditeurs comprises ; si la base ne répond pas, les données
    livrées seules (avec un avertissement). Toutes les pages comptent et affichent à partir de lui."""
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


@st.cache_resource(show_spinner=False)
def _stockage(url: str):
    from ctg_data.stockage import Stockage

    return Stockage(url)


def stockage():
    """Le magasin (SQLite par défaut, PostgreSQL si CTG_DATABASE_URL), partagé par les sessions."""
    return _stockage(url_par_defaut())


@st.cache_resource(show_spinner=False, max_entries=16)  # un exemplaire partagé : les pages ne modifient pas un plan
def _plans(dossier: str, empreinte: tuple) -> tuple[dict[str, Plan], list[ErreurDonnees]]:
    return charger_plans(Path(dossier))


def plans() -> tuple[dict[str, Plan], list[ErreurDonnees]]:
    """Les plans valides, et les erreurs des plans refusés (les autres restent utilisables)."""
    dossier = config.dossier_donnees()
    empreinte = tuple((f.as_posix(), f.stat().st_mtime_ns) for f in sorted((dossier / "plans").glob("*/plan.yaml")))
    return _plans(str(dossier), empreinte)


@st.cache_resource(show_spinner=False, max_entries=16)  # un exemplaire partagé, jamais modifié
def _territoires(dossier: str, empreinte: tuple) -> dict:
    from ctg_data.territoire import charger_territoires

    return charger_territoires(Path(dossier))[0]


def territoires() -> dict:
    """Les territoires valides (data/territoires/), par identifiant."""
    dossier = config.dossier_donnees()
    empreinte = tuple((f.as_posix(), f.stat().st_mtime_ns) for f in sorted((dossier / "territoires").glob("*.yaml")))
    return _territoires(str(dossier), empreinte)


@st.cache_data(show_spinner=False, max_entries=16)
def _reference(dossier: str, empreinte: tuple, id_territoire: str) -> pd.DataFrame:
    from ctg_data import chiffres
    from ctg_data.territoire import charger_territoires, jeux_sociaux

    t = charger_territoires(Path(dossier))[0][id_territoire]
    portrait = _charger(t.portrait.jeu, dossier, empreinte) if t.portrait else None
    # Le tableau social du territoire : ses données dérivées s'il en a, sinon data/social.csv.
    id_social, id_dico = jeux_sociaux(t, cat.lire_catalogue(Path(dossier)))
    return chiffres.reference(t, portrait, _charger(id_social, dossier, empreinte),
                              _charger(id_dico, dossier, empreinte))


def _du_dossier(fonction, *arguments):
    """``fonction(dossier, empreinte, *arguments)`` sur le dossier des données (fonction en cache,
    recalculée quand un fichier change) ; une erreur de données arrête la page avec un message en
    français."""
    dossier = config.dossier_donnees()
    try:
        return fonction(str(dossier), cat.empreinte(dossier), *arguments)
    except ErreurDonnees as e:
        arreter_sur_erreur(e)


def reference_chiffres(id_territoire: str) -> pd.DataFrame:
    """La référence des chiffres du territoire (``ctg_data.chiffres.reference``), en cache : chaque
    page qui montre un chiffre du territoire le lit ici."""
    return _du_dossier(_reference, id_territoire)


@st.cache_data(show_spinner=False, max_entries=16)
def _social_du_territoire(dossier: str, empreinte: tuple, id_territoire: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    from ctg_data.territoire import charger_territoires, jeux_sociaux

    t = charger_territoires(Path(dossier))[0][id_territoire]
    id_social, id_dico = jeux_sociaux(t, cat.lire_catalogue(Path(dossier)))
    return _charger(id_social, dossier, empreinte), _charger(id_dico, dossier, empreinte)


def communes_du_territoire(id_territoire: str) -> pd.DataFrame:
    """Les communes d'un territoire qui a ses données dérivées (colonnes id = code INSEE, nom), lues
    dans son tableau social ; vide sinon, ou si ces données n'ont pas pu être lues (l'accueil le dit)."""
    from ctg_data.territoire import communes_du_pack

    if territoires()[id_territoire].donnees is None:
        return pd.DataFrame(columns=["id", "nom"])
    dossier = config.dossier_donnees()
    try:
        social, _ = _social_du_territoire(str(dossier), cat.empreinte(dossier), id_territoire)
    except ErreurDonnees:
        return pd.DataFrame(columns=["id", "nom"])
    return communes_du_pack(social)


@st.cache_data(show_spinner=False, max_entries=16)
def _contours_du_territoire(dossier: str, empreinte: tuple, id_territoire: str):
    from ctg_data import geographie
    from ctg_data.territoire import charger_territoires, jeux_geo

    t = charger_territoires(Path(dossier))[0][id_territoire]
    ids = jeux_geo(t, cat.lire_catalogue(Path(dossier)))
    if ids is None:
        return None
    return tuple(geographie.charger_geo(i, Path(dossier)) for i in ids)


def contours_du_territoire(id_territoire: str):
    """(communes, contour) : les contours des communes du territoire et son contour (GeoDataFrames, données
    dérivées) ; None pour un territoire sans données dérivées. Erreur de données : message et arrêt."""
    return _du_dossier(_contours_du_territoire, id_territoire)


def social_du_territoire(id_territoire: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Le tableau social du territoire et son dictionnaire (``territoire.jeux_sociaux``), validés, en
    cache ; copies que la page peut modifier."""
    social, dico = _du_dossier(_social_du_territoire, id_territoire)
    return social.copy(), dico.copy()


def reference_commune(id_territoire: str, code: str) -> pd.DataFrame:
    """Les chiffres d'une commune du territoire (``ctg_data.chiffres.reference_commune``)."""
    from ctg_data import chiffres

    return chiffres.reference_commune(*_du_dossier(_social_du_territoire, id_territoire), code)


@st.cache_data(show_spinner=False, max_entries=16)
def _cartes(dossier: str, empreinte: tuple, id_territoire: str) -> list:
    from ctg_data import chiffres
    from ctg_data.territoire import charger_territoires

    t = charger_territoires(Path(dossier))[0][id_territoire]
    return chiffres.cartes_chiffres_cles(_reference(dossier, empreinte, id_territoire), t)


def cartes_chiffres(id_territoire: str) -> list:
    """Les chiffres clés du territoire (``ctg_data.chiffres.cartes_chiffres_cles``), calculés une fois
    par jeu de fichiers (accueil, séminaire)."""
    return _du_dossier(_cartes, id_territoire)


@st.cache_data(show_spinner=False, max_entries=16)
def _origines(dossier: str, empreinte: tuple, id_territoire: str) -> list[str]:
    from ctg_data import chiffres
    from ctg_data.territoire import charger_territoires

    t = charger_territoires(Path(dossier))[0][id_territoire]
    return chiffres.origines_du_territoire(_reference(dossier, empreinte, id_territoire), t)


def origines_chiffres(id_territoire: str) -> list[str] | None:
    """D'où viennent les chiffres du territoire (``ctg_data.chiffres.origines_du_territoire``), pour la
    colonne de gauche de chaque page ; None si les données n'ont pas pu être lues (la page le dit
    elle-même, la colonne de gauche ne s'arrête pas pour autant)."""
    dossier = config.dossier_donnees()
    try:
        return _origines(str(dossier), cat.empreinte(dossier), id_territoire)
    except ErreurDonnees:
        return None


@st.cache_data(show_spinner=False, max_entries=4)
def _comparaison_epci(dossier: str, empreinte: tuple) -> tuple[pd.DataFrame, dict]:
    from ctg_data import comparaison_epci as ce

    return ce.charger(Path(dossier)), ce.charger_manifeste(Path(dossier))


def comparaison_epci() -> tuple[pd.DataFrame, dict] | None:
    """Le tableau de la comparaison des EPCI et son manifeste (``ctg_data.comparaison_epci``), en cache
    (relus quand un de leurs fichiers change) ; None s'ils n'ont pas encore été construits."""
    from ctg_data import comparaison_epci as ce

    dossier = config.dossier_donnees() / ce.DOSSIER_SORTIE
    fichiers = [dossier / ce.FICHIER_TABLE, dossier / ce.FICHIER_MANIFESTE]
    if not all(f.exists() for f in fichiers):
        return None
    return _comparaison_epci(str(dossier), tuple(f.stat().st_mtime_ns for f in fichiers))


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


def chemin_donnees(nom: str) -> Path:
    return config.dossier_donnees() / nom


def fichier_donnees(nom: str) -> bytes:
    return (config.dossier_donnees() / nom).read_bytes()


def catalogue() -> dict[str, cat.JeuDeDonnees]:
    """Les jeux de données du catalogue qui concernent le territoire du plan suivi : ceux de data/ et,
    s'il en a, ses données dérivées (pas celles des autres territoires)."""
    from .filtres import territoire  # filtres importe ce module

    dossier = config.dossier_donnees()
    try:
        return cat.jeux_du_territoire(_catalogue(str(dossier), cat.empreinte(dossier)), territoire().donnees)
    except ErreurDonnees as e:
        arreter_sur_erreur(e)


