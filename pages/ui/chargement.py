"""Chargement des données pour les pages : jeux validés gardés en cache, contours, calculs du cœur
mis en cache, magasin, plans. Toute la logique de données est dans ``ctg_data`` ; ici, seulement le
cache de Streamlit et l'arrêt propre d'une page sur une erreur de données (message en français)."""

from __future__ import annotations

import hashlib
import importlib
import os
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from ctg_data import catalogue as cat
from ctg_data import config
from ctg_data.acces import StockageIndisponible, url_par_defaut  # sans SQLAlchemy
from ctg_data.erreurs import ErreurDonnees
from ctg_data.plan import Plan, charger_plans

# geopandas (contours, positions) et SQLAlchemy (magasin) ne sont importés qu'à leur premier usage :
# l'accueil n'en a pas besoin, son premier affichage est plus rapide.

# Les clés des caches : le dossier des données (texte) et un condensé court de l'empreinte de ses
# fichiers (``cle_fichiers``), pas le long tuple de l'empreinte : Streamlit hache chaque argument à
# chaque appel, et un tuple de quelques dizaines de fichiers coûte 50 fois plus qu'un texte court.


def _memoire_execution() -> dict | None:
    """Un dictionnaire propre à l'exécution en cours de la page (vidé à la suivante), ou None hors d'une
    exécution de Streamlit. Il garde ce qui ne change pas pendant une exécution (empreinte des fichiers,
    plans, territoires) : chaque fonction ci-dessous le demande une seule fois par exécution au lieu
    de relire les dates des fichiers à chaque appel. Streamlit recrée ``parallel_coordinator`` au
    début de chaque exécution (``ScriptRunContext.reset``) : la mémoire lui est attachée."""
    ctx = get_script_run_ctx(suppress_warning=True)
    jeton = getattr(ctx, "parallel_coordinator", None)
    if jeton is None:  # hors d'une exécution (ou autre version de Streamlit) : rien n'est gardé
        return None
    memoire = getattr(ctx, "_ctg_memoire_execution", None)
    if memoire is None or memoire[0] is not jeton:
        memoire = (jeton, {})  # le jeton est gardé : son identité ne peut pas resservir à une autre exécution
        ctx._ctg_memoire_execution = memoire
    return memoire[1]


def _une_fois_par_execution(cle: tuple, calcul):
    """``calcul()``, fait une seule fois par exécution de la page pour ``cle``."""
    memoire = _memoire_execution()
    if memoire is None:
        return calcul()
    if cle not in memoire:
        memoire[cle] = calcul()
    return memoire[cle]


def _condense(empreinte) -> str:
    """Un condensé court d'une empreinte (tuple de noms et de dates), pour servir de clé de cache."""
    return hashlib.blake2b(repr(empreinte).encode(), digest_size=12).hexdigest()


def _empreinte_et_cle(dossier: Path) -> tuple[tuple, str]:
    # Relue au plus une fois par exécution de page : un fichier modifié est pris en compte dès
    # l'exécution suivante (changement de filtre, rechargement), sans délai.
    def calcul():
        e = cat.empreinte(dossier)
        return e, _condense(e)

    return _une_fois_par_execution(("empreinte", str(dossier)), calcul)


def cle_fichiers() -> str:
    """Un condensé court de l'empreinte des fichiers de data/ (``empreinte_fichiers``) : change quand un
    fichier est modifié ; à préférer comme argument d'une fonction en cache (bien moins cher à hacher)."""
    return _empreinte_et_cle(config.dossier_donnees())[1]


def cle_donnees() -> tuple[str, str]:
    """(dossier des données, ``cle_fichiers()``) : la clé courte d'un calcul en cache qui dépend des fichiers
    de data/ (empreinte lue une fois par exécution) ; avec ``cle_plans()`` s'il dépend aussi d'un plan."""
    dossier = config.dossier_donnees()
    return str(dossier), _empreinte_et_cle(dossier)[1]


@st.cache_resource(show_spinner=False, max_entries=64)
def _charger(id_jeu: str, dossier: str, cle: str) -> pd.DataFrame:
    # « cle » (condensé des dates de modification des fichiers) sert de clé : un fichier modifié est relu.
    # Un seul exemplaire partagé par toutes les sessions, jamais modifié : ``donnees()`` en donne une
    # copie (10 fois plus rapide que de relire une copie sérialisée comme le ferait st.cache_data).
    return cat.charger(id_jeu, Path(dossier))


@st.cache_resource(show_spinner=False, max_entries=32)
def _charger_geo(id_jeu: str, dossier: str, cle: str):
    # Un exemplaire partagé, jamais modifié : ``contours()`` en donne une copie.
    from ctg_data import geographie

    return geographie.charger_geo(id_jeu, Path(dossier))


@st.cache_resource(show_spinner=False, max_entries=16)
def _catalogue(dossier: str, cle: str) -> dict[str, cat.JeuDeDonnees]:
    # Partagé, jamais modifié (les jeux sont figés ; ``catalogue()`` construit un nouveau dictionnaire).
    return cat.lire_catalogue(Path(dossier))


def arreter_sur_erreur(erreur: ErreurDonnees) -> None:
    st.error(
        "**Les données n'ont pas pu être chargées.**\n\n"
        + erreur.message().replace("\n", "  \n")
        + "\n\nCorrigez le fichier puis rechargez la page. Rien n'a été modifié."
    )
    st.stop()


def _partage(id_jeu: str) -> pd.DataFrame:
    """L'exemplaire partagé d'un jeu (jamais modifié), demandé au cache une fois par exécution."""
    return _une_fois_par_execution(("jeu", id_jeu), lambda: _charger(id_jeu, *cle_donnees()))


def donnees(id_jeu: str) -> pd.DataFrame:
    """Un jeu de données validé ; en cas d'erreur, affiche le message en français et arrête la page.
    Chaque appel rend une copie : la page peut la modifier sans toucher l'exemplaire partagé."""
    try:
        return _partage(id_jeu).copy()
    except ErreurDonnees as e:
        arreter_sur_erreur(e)


def contours(id_jeu: str):
    """Un fichier de contours validé (GeoDataFrame) ; en cas d'erreur, message en français et arrêt.
    Chaque appel rend une copie (l'exemplaire en cache est partagé par les sessions)."""
    try:
        return _une_fois_par_execution(("contours", id_jeu), lambda: _charger_geo(id_jeu, *cle_donnees())).copy()
    except ErreurDonnees as e:
        arreter_sur_erreur(e)


def verifier_jeu(id_jeu: str, geo: bool = False) -> None:
    """Vérifie qu'un jeu (``geo`` : un fichier de contours) se lit et se valide, sans en faire de copie
    (il est en cache après la première lecture) ; sinon, message en français et arrêt de la page."""
    try:
        if geo:
            _une_fois_par_execution(("contours", id_jeu), lambda: _charger_geo(id_jeu, *cle_donnees()))
        else:
            _partage(id_jeu)
    except ErreurDonnees as e:
        arreter_sur_erreur(e)


@st.cache_data(show_spinner=False, max_entries=256)
def _calcul(module: str, fonction: str, jeux: tuple[str, ...], dossier: str, cle: str, options: tuple):
    appel = getattr(importlib.import_module(module), fonction)
    return appel(*[_charger(j, dossier, cle).copy() for j in jeux], **dict(options))


def calcul(fonction, *jeux: str, **options):
    """``fonction(donnees(jeu1), donnees(jeu2)…, **options)``, calculé une fois par jeu de fichiers et
    par options (un quartier, par ex.) puis gardé en cache : une réexécution de la page (changement
    de filtre) ne refait pas le calcul. ``fonction`` : une fonction de ``ctg_data`` (données seules)."""
    try:
        return _calcul(fonction.__module__, fonction.__name__, jeux, *cle_donnees(),
                       tuple(sorted(options.items())))
    except ErreurDonnees as e:
        arreter_sur_erreur(e)


@st.cache_resource(show_spinner=False, max_entries=16)
def _positions(dossier: str, cle: str, url_base: str | None, empreinte_stockage) -> pd.DataFrame:
    # Les corrections et les géocodages ne sont lus dans la base qu'ici, quand son empreinte a changé
    # (pas à chaque exécution de la page). url_base None : base indisponible, données livrées seules.
    # Un exemplaire partagé, jamais modifié : ``equipements_localises()`` en donne une copie.
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
    livrées seules (avec un avertissement). Toutes les pages comptent et affichent à partir de lui.
    Chaque appel rend une copie, que la page peut modifier ; l'empreinte de la base est relue à chaque
    appel (une correction enregistrée apparaît tout de suite)."""
    try:
        try:
            empreinte = stockage().empreinte()
            return _positions(*cle_donnees(), url_par_defaut(), empreinte).copy()
        except StockageIndisponible as e:
            st.warning(f"{e} Les corrections saisies ne sont pas affichées pour l'instant.", icon=":material/cloud_off:")
            return _positions(*cle_donnees(), None, None).copy()
    except ErreurDonnees as e:
        arreter_sur_erreur(e)


@st.cache_resource(show_spinner=False)
def _stockage(url: str):
    from ctg_data.stockage import Stockage

    return Stockage(url)


def stockage():
    """Le magasin (SQLite par défaut, PostgreSQL si CTG_DATABASE_URL), partagé par les sessions."""
    return _stockage(url_par_defaut())


def _empreinte_plans(dossier: Path) -> tuple:
    """Dates de modification des fichiers des plans (data/plans/*/plan.yaml), lues avec ``os.scandir``."""
    try:
        with os.scandir(dossier) as entrees:
            sous_dossiers = sorted((e.name, e.path) for e in entrees if e.is_dir())
    except (FileNotFoundError, NotADirectoryError):
        return ()
    dates = []
    for nom, chemin in sous_dossiers:
        try:
            dates.append((nom, os.stat(os.path.join(chemin, "plan.yaml")).st_mtime_ns))
        except (FileNotFoundError, NotADirectoryError):
            continue
    return tuple(dates)


@st.cache_resource(show_spinner=False, max_entries=16)  # un exemplaire partagé : les pages ne modifient pas un plan
def _plans(dossier: str, cle: str) -> tuple[dict[str, Plan], list[ErreurDonnees]]:
    return charger_plans(Path(dossier))


def plans() -> tuple[dict[str, Plan], list[ErreurDonnees]]:
    """Les plans valides, et les erreurs des plans refusés (les autres restent utilisables). Les dates des
    fichiers des plans sont relues une fois par exécution de la page (un plan modifié est relu à la
    suivante)."""
    return _une_fois_par_execution(("plans",), lambda: _plans(str(config.dossier_donnees()), cle_plans()))


def cle_plans() -> str:
    """Condensé des dates de modification des fichiers des plans (data/plans/*/plan.yaml), relu une fois
    par exécution : avec ``cle_fichiers()``, la clé d'un calcul en cache qui dépend d'un plan."""
    return _une_fois_par_execution(("cle_plans",), lambda: _condense(_empreinte_plans(config.dossier_donnees() / "plans")))


@st.cache_resource(show_spinner=False, max_entries=16)  # un exemplaire partagé, jamais modifié
def _territoires(dossier: str, cle: str) -> dict:
    from ctg_data.territoire import charger_territoires

    return charger_territoires(Path(dossier))[0]


def territoires() -> dict:
    """Les territoires valides (data/territoires/), par identifiant : relus quand un fichier de données
    change (l'empreinte des fichiers de données comprend data/territoires/*.yaml)."""
    return _une_fois_par_execution(("territoires",), lambda: _territoires(*cle_donnees()))


@st.cache_resource(show_spinner=False, max_entries=16)
def _reference(dossier: str, cle: str, id_territoire: str) -> pd.DataFrame:
    # Un exemplaire partagé, jamais modifié : ``reference_chiffres()`` en donne une copie.
    from ctg_data import chiffres
    from ctg_data.territoire import charger_territoires, jeux_sociaux

    t = charger_territoires(Path(dossier))[0][id_territoire]
    portrait = _charger(t.portrait.jeu, dossier, cle).copy() if t.portrait else None
    # Le tableau social du territoire : ses données dérivées s'il en a, sinon data/social.csv.
    id_social, id_dico = jeux_sociaux(t, cat.lire_catalogue(Path(dossier)))
    return chiffres.reference(t, portrait, _charger(id_social, dossier, cle).copy(),
                              _charger(id_dico, dossier, cle).copy())


def _du_dossier(fonction, *arguments):
    """``fonction(dossier, cle, *arguments)`` sur le dossier des données (fonction en cache, recalculée
    quand un fichier change ; ``cle`` : condensé de l'empreinte des fichiers) ; une erreur de données
    arrête la page avec un message en français."""
    try:
        return fonction(*cle_donnees(), *arguments)
    except ErreurDonnees as e:
        arreter_sur_erreur(e)


def reference_chiffres(id_territoire: str) -> pd.DataFrame:
    """La référence des chiffres du territoire (``ctg_data.chiffres.reference``), en cache : chaque
    page qui montre un chiffre du territoire le lit ici (une copie, que la page peut modifier)."""
    return _du_dossier(_reference, id_territoire).copy()


@st.cache_resource(show_spinner=False, max_entries=16)
def _social_du_territoire(dossier: str, cle: str, id_territoire: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    # Les exemplaires partagés (jamais modifiés) du tableau social et de son dictionnaire.
    from ctg_data.territoire import charger_territoires, jeux_sociaux

    t = charger_territoires(Path(dossier))[0][id_territoire]
    id_social, id_dico = jeux_sociaux(t, cat.lire_catalogue(Path(dossier)))
    return _charger(id_social, dossier, cle), _charger(id_dico, dossier, cle)


@st.cache_resource(show_spinner=False, max_entries=16)
def _communes(dossier: str, cle: str, id_territoire: str) -> pd.DataFrame:
    from ctg_data.territoire import communes_du_pack

    return communes_du_pack(_social_du_territoire(dossier, cle, id_territoire)[0])


def _communes_partagees(id_territoire: str) -> pd.DataFrame:
    """Les communes du territoire (exemplaire partagé, jamais modifié), ou un tableau vide."""
    if territoires()[id_territoire].donnees is None:
        return pd.DataFrame(columns=["id", "nom"])
    try:
        return _une_fois_par_execution(("communes", id_territoire),
                                       lambda: _communes(*cle_donnees(), id_territoire))
    except ErreurDonnees:
        return pd.DataFrame(columns=["id", "nom"])


def communes_du_territoire(id_territoire: str) -> pd.DataFrame:
    """Les communes d'un territoire qui a ses données dérivées (colonnes id = code INSEE, nom), lues
    dans son tableau social ; vide sinon, ou si ces données n'ont pas pu être lues (l'accueil le dit).
    Une copie, que la page peut modifier."""
    return _communes_partagees(id_territoire).copy()


@st.cache_data(show_spinner=False, max_entries=16)
def _contours_du_territoire(dossier: str, cle: str, id_territoire: str):
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

    social, dico = _du_dossier(_social_du_territoire, id_territoire)
    return chiffres.reference_commune(social.copy(), dico.copy(), code)


@st.cache_data(show_spinner=False, max_entries=16)
def _cartes(dossier: str, cle: str, id_territoire: str) -> list:
    from ctg_data import chiffres
    from ctg_data.territoire import charger_territoires

    t = charger_territoires(Path(dossier))[0][id_territoire]
    return chiffres.cartes_chiffres_cles(_reference(dossier, cle, id_territoire).copy(), t)


def cartes_chiffres(id_territoire: str) -> list:
    """Les chiffres clés du territoire (``ctg_data.chiffres.cartes_chiffres_cles``), calculés une fois
    par jeu de fichiers (accueil, séminaire)."""
    return _du_dossier(_cartes, id_territoire)


@st.cache_resource(show_spinner=False, max_entries=16)
def _origines(dossier: str, cle: str, id_territoire: str) -> tuple[str, ...]:
    from ctg_data import chiffres
    from ctg_data.territoire import charger_territoires

    t = charger_territoires(Path(dossier))[0][id_territoire]
    return tuple(chiffres.origines_du_territoire(_reference(dossier, cle, id_territoire).copy(), t))


def origines_chiffres(id_territoire: str) -> list[str] | None:
    """D'où viennent les chiffres du territoire (``ctg_data.chiffres.origines_du_territoire``), pour la
    colonne de gauche de chaque page ; None si les données n'ont pas pu être lues (la page le dit
    elle-même, la colonne de gauche ne s'arrête pas pour autant)."""
    try:
        return list(_origines(*cle_donnees(), id_territoire))
    except ErreurDonnees:
        return None


@st.cache_resource(show_spinner=False, max_entries=4)
def _comparaison_epci(dossier: str, cle: str) -> tuple[pd.DataFrame, dict]:
    # Un exemplaire partagé, jamais modifié : ``comparaison_epci()`` en donne une copie.
    from ctg_data import comparaison_epci as ce

    return ce.charger(Path(dossier)), ce.charger_manifeste(Path(dossier))


def comparaison_epci() -> tuple[pd.DataFrame, dict] | None:
    """Le tableau de la comparaison des EPCI et son manifeste (``ctg_data.comparaison_epci``), en cache
    (relus quand un de leurs fichiers change) ; None s'ils n'ont pas encore été construits. Des copies,
    que la page peut modifier."""
    import copy

    partage = comparaison_epci_partagee()
    return None if partage is None else (partage[1].copy(), copy.deepcopy(partage[2]))


def comparaison_epci_partagee() -> tuple[str, pd.DataFrame, dict] | None:
    """(clé, tableau, manifeste) : comme ``comparaison_epci``, mais l'exemplaire partagé entre les sessions, à
    lire seulement, jamais à modifier, et une clé courte qui change quand un de ses fichiers change (pour
    mettre en cache ce que la page « Comparer » en tire)."""
    from ctg_data import comparaison_epci as ce

    dossier = config.dossier_donnees() / ce.DOSSIER_SORTIE
    fichiers = [dossier / ce.FICHIER_TABLE, dossier / ce.FICHIER_MANIFESTE]
    try:
        empreinte = tuple(f.stat().st_mtime_ns for f in fichiers)
    except FileNotFoundError:
        return None
    cle = _condense(empreinte)
    return (f"{dossier}:{cle}", *_comparaison_epci(str(dossier), cle))


def empreinte_fichiers() -> tuple:
    """Dates de modification des fichiers de data/ : change quand un fichier est modifié. Relue au plus
    une fois par exécution de la page ; ``cle_fichiers()`` en donne un condensé court (clé de cache)."""
    return _empreinte_et_cle(config.dossier_donnees())[0]


def empreinte_stockage():
    """Empreinte de la base (change à chaque écriture), avec son adresse (deux bases différentes, par ex. dans les
    tests, ne partagent jamais une clé de cache), ou None si la base ne répond pas."""
    try:
        return url_par_defaut(), stockage().empreinte()
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

    try:
        return cat.jeux_du_territoire(_catalogue(*cle_donnees()), territoire().donnees)
    except ErreurDonnees as e:
        arreter_sur_erreur(e)


