"""Caches des pages du plan (« Accueil », « Plan d'actions », « Tableau récapitulatif annuel »).

La synthèse d'un plan (``ctg_data.vues_plan.resume_plan``), le graphique des statuts par axe, les séries de
contexte et le tableau récapitulatif d'une année sont calculés une fois par valeur de filtre et partagés par
toutes les sessions ; une réexécution qui ne change rien, ou un quartier déjà vu par quelqu'un, ne refait
aucun calcul. Chaque clé est courte et contient tout ce dont dépend le résultat :

- le plan et son territoire (identifiants), le dossier des données et l'empreinte de ses fichiers (données,
  territoires, plans), l'adresse du magasin ;
- l'empreinte du magasin (``ui.empreinte_stockage``), lue AVANT les valeurs saisies : une valeur enregistrée
  par un éditeur change l'empreinte, donc la clé, et apparaît dès l'exécution suivante ;
- les filtres (quartier ou sous-zone, axe, statuts choisis, année) ;
- la date du jour quand elle compte (un statut « non atteint » dépend de l'année en cours).

Les objets lourds (plan, territoire) passent en arguments ignorés (nom commençant par ``_``) : la clé les
couvre déjà, Streamlit ne les hache pas. Les résultats sont gardés en un exemplaire (``st.cache_resource`` :
pas de copie sérialisée à relire à chaque appel) que rien ne modifie : la synthèse y est en lecture seule
(classes figées, tuples), et chaque appel rend des copies de ses tableaux et de ses graphiques, qu'une page
peut modifier sans toucher celles des autres sessions. Quand la base ne répond
pas, la page affiche l'avertissement de ``ui.valeurs_saisies`` et des tableaux vides (empreinte du magasin
None : une clé à part) ; un calcul pendant lequel la base tombe n'est pas gardé.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from types import MappingProxyType

import pandas as pd
import streamlit as st

from ctg_data import graphiques
from ctg_data import recapitulatif as recap
from ctg_data import vues_plan as vp
from ctg_data.acces import StockageIndisponible, url_par_defaut
from ctg_data.plan import Plan
from ctg_data.territoire import Territoire
from pages import ui


# Les tableaux que rend ``ui.valeurs_saisies`` quand la base ne répond pas.
_COLONNES_VALEURS = ["indicateur", "zone", "periode", "valeur", "valeur_texte", "commentaire", "source", "auteur",
                     "horodatage", "version"]


def _sans_valeurs() -> tuple[pd.DataFrame, pd.DataFrame]:
    return pd.DataFrame(columns=_COLONNES_VALEURS), pd.DataFrame()


def _fichiers() -> int:
    """Le dossier des données et les condensés de l'empreinte de ses fichiers (``ui.cle_donnees()``) et des
    fichiers des plans (``ui.cle_plans()``), lus une fois par exécution, avec l'adresse du magasin, réduits à
    un entier (hachage de Python, stable dans le processus qui tient les caches) : une clé courte, qui change
    avec un fichier ou avec la base désignée."""
    return hash((*ui.cle_donnees(), ui.cle_plans(), url_par_defaut()))


class _BaseIndisponible(Exception):
    """La base n'a pas répondu pendant un calcul : le résultat n'est pas mis en cache."""


@st.cache_resource(show_spinner=False, max_entries=16)  # partagé, jamais modifié : ``_valeurs`` en donne des copies
def _valeurs_lues(id_plan: str, fichiers: int, magasin) -> tuple[pd.DataFrame, pd.DataFrame]:
    # Lues une fois par état du magasin (clé ``magasin``, lue avant elles) : un quartier, un axe ou une année
    # encore jamais demandés ne relisent pas la base.
    courantes, manuels, base_ok = ui.valeurs_saisies(id_plan)
    if not base_ok:
        raise _BaseIndisponible
    return courantes, manuels


def _valeurs(id_plan: str, fichiers: int, magasin) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Les valeurs saisies et les statuts manuels (``ui.valeurs_saisies``), pour un calcul mis en cache ;
    base indisponible : exception, pour que rien ne soit gardé ; ``magasin`` None : tableaux vides."""
    if magasin is None:
        return _sans_valeurs()
    courantes, manuels = _valeurs_lues(id_plan, fichiers, magasin)
    return _copie_tableau(courantes), _copie_tableau(manuels)


@dataclass(frozen=True)
class VuePlan:
    """La synthèse du plan et, quand elle a des indicateurs, son graphique des statuts par axe ; le tableau
    de chaque indicateur (``vues_plan.tableau_indicateurs``, pour le détail d'une fiche) ; l'état des
    sources pour lequel elle a été calculée (``detail_indicateur`` lit le même)."""

    resume: vp.ResumePlan  # en lecture seule (listes en tuples) ; ses tableaux sont des copies
    graphique: dict | None  # spécification Vega-Lite (``ui.spec_graphique``), copie (``ui.copie_spec``)
    hauteur_graphique: int
    fichiers: int  # clé des fichiers et de la base désignée (``_fichiers``)
    magasin: object  # empreinte du magasin (None : base indisponible)
    tableau_indicateurs: pd.DataFrame | None = None  # lu par ``tableau_fiche`` ; None sans ``avec_tableau``
    affichage: AffichagePlan | None = None  # ce que la page « Plan d'actions » envoie tel quel (``avec_tableau``)

    def tableau_fiche(self, fiche: str) -> pd.DataFrame:
        """Le tableau des indicateurs d'une fiche (``vues_plan.tableau_fiche``), tableau neuf propre à l'appelant
        (vide si la page n'a pas demandé les tableaux, ``avec_tableau``)."""
        if self.tableau_indicateurs is None:
            return pd.DataFrame(columns=vp.COLONNES_TABLEAU_FICHE)
        return _lignes_de_fiche(self.tableau_indicateurs, fiche)

    def tableau_fiche_affiche(self, fiche: str):
        """Le tableau de ``tableau_fiche``, déjà converti pour ``st.dataframe`` (``ui.tableau_arrow``) quand la
        vue a été préparée pour la page, sinon converti à l'envoi."""
        if self.affichage is not None and fiche in self.affichage.fiches:
            return self.affichage.fiches[fiche]
        return self.tableau_fiche(fiche)


@dataclass(frozen=True)
class AffichagePlan:
    """Ce que la page « Plan d'actions » montre de la synthèse, préparé une fois avec elle et partagé (textes
    déjà échappés, tableaux déjà convertis en tables Arrow, non modifiables) : une réexécution de la page ne
    refait ni filtre, ni mise en forme, ni conversion."""

    synthese: object  # synthèse par axe avec sa colonne « Répartition », en table Arrow
    axes: tuple  # par axe : (titre du volet, ((« texte » | « legende », texte), …)), les textes déjà échappés
    fiches: MappingProxyType  # fiche → table Arrow de ses indicateurs
    indicateurs: MappingProxyType  # fiche → ((id, libellé), …)
    details: MappingProxyType  # (fiche, id) → champs de la ligne (``CHAMPS_DETAIL``)


def _lignes_de_fiche(tableau_indicateurs: pd.DataFrame, fiche: str) -> pd.DataFrame:
    """Les lignes d'une fiche dans ``vues_plan.tableau_indicateurs`` : le tableau de ``vues_plan.tableau_fiche``."""
    t = tableau_indicateurs
    return t[t["fiche"].to_numpy() == fiche].drop(columns="fiche").reset_index(drop=True)


# Les champs d'une ligne du tableau des statuts dont la page a besoin sous le tableau d'une fiche.
CHAMPS_DETAIL = ("libelle", "unite", "cible", "reference", "statut_manuel_par", "statut_manuel_motif")


def _blocs_axe(axe, nom_territoire: str) -> tuple:
    """Les textes d'un axe, dans l'ordre de la page : les paragraphes qui se suivent réunis en un seul texte
    (séparés par une ligne vide : le même rendu qu'un ``st.markdown`` chacun), une légende entre deux. Moins
    d'éléments envoyés au navigateur, rien de retiré."""
    brut = ui.texte_brut
    blocs: list[tuple[str, str]] = []
    paragraphes: list[str] = []

    def legende(texte: str) -> None:
        if paragraphes:
            blocs.append(("texte", "\n\n".join(paragraphes)))
            paragraphes.clear()
        blocs.append(("legende", texte))

    paragraphes.append(f"Statut de l'axe : {ui.badge(axe.statut)} · {axe.avancement} · pilote : {brut(axe.pilote)}")
    if axe.axes_strategiques:
        paragraphes.append("\n".join(f"- **{brut(titre)}**" + "".join(f"\n    - {brut(o)}" for o in objectifs)
                                      for titre, objectifs in axe.axes_strategiques))
    for fiche in axe.fiches:
        if fiche.statut is None:
            paragraphes.append(f"**{brut(fiche.id)} — {brut(fiche.titre)}** :gray-badge[sans indicateur]")
            legende(brut(fiche.raison_sans_indicateur))  # sans numéros de ligne du fichier source
            continue
        paragraphes.append(f"**{brut(fiche.id)} — {brut(fiche.titre)}** {ui.badge(fiche.statut)} · {fiche.avancement}")
        for i in fiche.indicateurs:
            paragraphes.append(f"&nbsp;&nbsp;&nbsp;{ui.badge(i.statut)} {brut(i.libelle)} — *{brut(i.valeur)}*")
    if axe.contexte:
        paragraphes.append(f"**Contexte ({brut(nom_territoire)})** — séries choisies par l'équipe "
                           "pour éclairer l'axe :")
        for serie in axe.contexte:
            paragraphes.append("\n".join(f"- {brut(indicateur)} : **{brut(valeur)}** ({brut(periode)})"
                                          for indicateur, valeur, periode in serie.lignes))
            legende(f"Source : {brut(vp.texte_lisible(serie.source))}")
    if paragraphes:
        blocs.append(("texte", "\n\n".join(paragraphes)))
    return (f"Axe {ui.nom_brut(axe.numero)} — {ui.nom_brut(axe.titre)}", tuple(blocs))


def _affichage(resume: vp.ResumePlan, tableau_indicateurs: pd.DataFrame, nom_territoire: str) -> AffichagePlan:
    """Ce que la page « Plan d'actions » envoie, préparé une fois pour la vue (voir ``AffichagePlan``)."""
    synthese = resume.synthese_axes
    if not synthese.empty:
        synthese = synthese.assign(Répartition=[recap.repartition(l) for l in synthese.to_dict("records")])
    statuts = resume.statuts
    fiches, indicateurs, details = {}, {}, {}
    if not statuts.empty:
        for id_fiche in dict.fromkeys(statuts["fiche"]):
            fiches[id_fiche] = ui.tableau_arrow(_lignes_de_fiche(tableau_indicateurs, id_fiche))
            lignes = statuts[statuts["fiche"] == id_fiche]
            indicateurs[id_fiche] = tuple(zip(lignes["indicateur"], lignes["libelle"]))
            for ligne in lignes[["indicateur", *CHAMPS_DETAIL]].itertuples(index=False):
                details[(id_fiche, ligne[0])] = MappingProxyType(dict(zip(CHAMPS_DETAIL, ligne[1:])))
    return AffichagePlan(synthese=ui.tableau_arrow(synthese), axes=tuple(_blocs_axe(a, nom_territoire) for a in resume.axes),
                         fiches=MappingProxyType(fiches), indicateurs=MappingProxyType(indicateurs),
                         details=MappingProxyType(details))


def _en_lecture_seule(resume: vp.ResumePlan) -> vp.ResumePlan:
    """La synthèse gardée en cache, partagée entre sessions : ses listes deviennent des tuples (les classes
    sont déjà figées) ; ses tableaux sont copiés à chaque appel (``_copie``)."""
    axes = tuple(replace(
        a, axes_strategiques=tuple((titre, tuple(objectifs)) for titre, objectifs in a.axes_strategiques),
        fiches=tuple(replace(f, indicateurs=tuple(f.indicateurs)) for f in a.fiches),
        contexte=tuple(replace(c, lignes=tuple(c.lignes)) for c in a.contexte)) for a in resume.axes)
    return replace(resume, axes=axes, fiches=tuple(resume.fiches), statuts_choisis=tuple(resume.statuts_choisis))


def _copie_tableau(tableau: pd.DataFrame) -> pd.DataFrame:
    """Une copie d'un tableau partagé que la page peut modifier : avec pandas 3 (copie à l'écriture), une
    copie superficielle suffit, la première modification copie les données au lieu de toucher l'exemplaire
    partagé (et ses tableaux numpy sont en lecture seule)."""
    return tableau.copy(deep=False)


def _copie(vue: VuePlan) -> VuePlan:
    """Ce que reçoit une page : les parties modifiables de la vue partagée (tableaux, graphique) copiées."""
    r = vue.resume
    return replace(vue, resume=replace(r, statuts=_copie_tableau(r.statuts),
                                       synthese_axes=_copie_tableau(r.synthese_axes),
                                       comptes_axes=_copie_tableau(r.comptes_axes)),
                   graphique=ui.copie_spec(vue.graphique),
                   tableau_indicateurs=None if vue.tableau_indicateurs is None else _copie_tableau(vue.tableau_indicateurs))


@st.cache_resource(show_spinner=False, max_entries=64)  # partagé, jamais modifié : copié par ``_copie``
def _spec_statuts(comptes: tuple, axes: tuple) -> dict:
    # Le graphique ne dépend que des nombres par axe et par statut : deux quartiers (ou deux états du magasin)
    # qui ont les mêmes nombres partagent la même spécification, construite et validée une seule fois.
    tableau = pd.DataFrame(list(comptes), columns=["Axe", "Statut", "Indicateurs"])
    return ui.spec_graphique(graphiques.statuts_par_axe(tableau, list(axes)))


@st.cache_resource(show_spinner=False, max_entries=32)  # partagé, jamais modifié : copié par ``resume_plan``
def _contextes(id_plan: str, id_territoire: str, fichiers: int, *, _plan: Plan,
               _territoire: Territoire) -> dict:
    # Séries du portrait à côté de chaque axe : ni les valeurs saisies ni les filtres n'y entrent.
    reference = ui.reference_chiffres(_territoire.id)
    return vp.contextes_du_plan(_plan, reference, _territoire)


@st.cache_resource(show_spinner=False, max_entries=128)  # partagé, en lecture seule : ``_copie`` à chaque appel
def _vue_plan(id_plan: str, id_territoire: str, sous_zone: str | None, axe: str | None, statuts: tuple,
              avec_contexte: bool, avec_graphique: bool, avec_tableau: bool, fichiers: int, magasin, aujourdhui: str,
              *, _plan: Plan, _territoire: Territoire) -> VuePlan:
    courantes, manuels = _valeurs(id_plan, fichiers, magasin)
    contextes = (_contextes(id_plan, id_territoire, fichiers, _plan=_plan, _territoire=_territoire)
                 if avec_contexte else None)
    resume = vp.resume_plan(_plan, _territoire, courantes, manuels, axe=axe, statuts_choisis=list(statuts),
                            sous_zone=sous_zone, aujourdhui=dt.date.fromisoformat(aujourdhui), contextes=contextes)
    spec, hauteur = None, 0
    if avec_graphique and not resume.synthese_axes.empty:
        axes = tuple(resume.synthese_axes["Axe"])
        spec = _spec_statuts(tuple(resume.comptes_axes.itertuples(index=False, name=None)), axes)
        hauteur = graphiques.hauteur_affichee(len(axes))
    tableau = vp.tableau_indicateurs(resume.statuts) if avec_tableau else None
    return VuePlan(resume=_en_lecture_seule(resume), graphique=spec, hauteur_graphique=hauteur, fichiers=fichiers,
                   magasin=magasin, tableau_indicateurs=tableau,
                   affichage=_affichage(resume, tableau, _territoire.nom) if avec_tableau else None)


def vue_plan(plan: Plan, territoire: Territoire, *, sous_zone: str | None = None, axe: str | None = None,
             statuts_choisis: list[str] | None = None, avec_contexte: bool = False,
             avec_graphique: bool = True, avec_tableau: bool = False) -> VuePlan:
    """``vues_plan.resume_plan`` pour ces filtres (et son graphique des statuts), calculé une fois par clé
    (voir l'en-tête du module) et partagé entre sessions ; copie propre à l'appelant.

    ``avec_contexte`` : les séries du portrait à côté de chaque axe ; ``avec_tableau`` : le tableau de chaque
    indicateur (page « Plan d'actions »)."""
    magasin = ui.empreinte_stockage()  # d'abord : une écriture qui suit change la clé de l'exécution suivante
    if magasin is None:
        # Base indisponible : ``ui.valeurs_saisies`` affiche l'avertissement ; tableaux vides, comme avant.
        ui.valeurs_saisies(plan.id)
    statuts = tuple(vp.LIBELLES_STATUTS if statuts_choisis is None else statuts_choisis)
    arguments = (plan.id, territoire.id, sous_zone, axe, statuts, avec_contexte, avec_graphique, avec_tableau,
                 _fichiers())
    aujourdhui = dt.date.today().isoformat()
    try:
        return _copie(_vue_plan(*arguments, magasin, aujourdhui, _plan=plan, _territoire=territoire))
    except _BaseIndisponible:  # la base est tombée entre l'empreinte et la lecture : avertissement déjà affiché
        return _copie(_vue_plan(*arguments, None, aujourdhui, _plan=plan, _territoire=territoire))


def afficher_graphique(vue: VuePlan) -> None:
    """Le graphique des statuts par axe de ``vue`` (pleine largeur, hauteur qui laisse place à la légende)."""
    if vue.graphique is not None:  # None : pas d'indicateur, rien à tracer
        st.vega_lite_chart(vue.graphique, width="stretch", height=vue.hauteur_graphique)  # déjà une copie


@st.cache_resource(show_spinner=False, max_entries=64)  # partagé, jamais modifié : copié à chaque appel
def _recapitulatif(id_plan: str, id_territoire: str, annee: int, fichiers: int, magasin, *,
                   _plan: Plan, _territoire: Territoire) -> tuple[pd.DataFrame, pd.DataFrame]:
    # Statuts au 31 décembre de l'année : la date du jour n'y entre pas.
    courantes, manuels = _valeurs(id_plan, fichiers, magasin)
    return (recap.tableau_annuel(_plan, courantes, manuels, annee, _territoire),
            recap.synthese_annuelle(_plan, courantes, manuels, annee, _territoire))


def recapitulatif(plan: Plan, territoire: Territoire, annee: int) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
    """(tableau de l'année, synthèse par axe, base disponible) : ``recapitulatif.tableau_annuel`` et
    ``recapitulatif.synthese_annuelle``, calculés une fois par plan, année, fichiers et état du magasin."""
    magasin = ui.empreinte_stockage()
    if magasin is None:
        ui.valeurs_saisies(plan.id)  # avertissement ; tableaux vides
    arguments = (plan.id, territoire.id, int(annee), _fichiers())
    try:
        tableau, par_axe = _recapitulatif(*arguments, magasin, _plan=plan, _territoire=territoire)
        base_ok = magasin is not None
    except _BaseIndisponible:
        tableau, par_axe = _recapitulatif(*arguments, None, _plan=plan, _territoire=territoire)
        base_ok = False
    return _copie_tableau(tableau), _copie_tableau(par_axe), base_ok


@dataclass(frozen=True)
class DetailIndicateur:
    """Ce que la page « Plan d'actions » montre sous un indicateur : ses valeurs chiffrées (graphique et
    tableau) et l'historique de ses saisies."""

    graphique: dict | None  # spécification Vega-Lite ; None : pas de valeur chiffrée
    valeurs: pd.DataFrame  # ``vues_plan.tableau_valeurs`` ; vide : rien à tracer
    historique: pd.DataFrame  # ``vues_plan.historique_indicateur``


@st.cache_resource(show_spinner=False, max_entries=256)  # partagé, jamais modifié : copié à chaque appel
def _detail_indicateur(id_plan: str, indicateur: str, unite, cible, reference, fichiers: int, magasin) -> DetailIndicateur:
    if magasin is None:
        courantes, historique = _sans_valeurs()[0], pd.DataFrame()
    else:
        courantes, _ = _valeurs(id_plan, fichiers, magasin)
        try:
            historique = ui.stockage().historique(id_plan)
        except StockageIndisponible:
            raise _BaseIndisponible from None
    leurs = vp.valeurs_chiffrees(courantes, indicateur)
    spec = None
    if not leurs.empty:
        ui.altair()  # thème français (nombres à la française), comme les autres graphiques des pages
        spec = ui.spec_graphique(graphiques.valeurs_indicateur(leurs, unite, cible, reference))
    return DetailIndicateur(graphique=spec, valeurs=vp.tableau_valeurs(leurs) if not leurs.empty else leurs,
                            historique=vp.historique_indicateur(historique, indicateur))


def detail_indicateur(vue: VuePlan, plan: Plan, indicateur: str, unite, cible, reference) -> DetailIndicateur:
    """Les valeurs chiffrées et l'historique d'un indicateur, lus une fois par état du magasin (une
    nouvelle saisie change la clé) et partagés entre sessions ; ``vue`` : la synthèse de la même exécution
    (même état des fichiers et du magasin, lu une seule fois) ; ``unite``, ``cible``, ``reference`` : ceux
    de l'indicateur dans le plan (titre de l'axe, traits de la cible et de la référence)."""
    arguments = (plan.id, indicateur, unite if isinstance(unite, str) else None,
                 None if pd.isna(cible) else float(cible), None if pd.isna(reference) else float(reference),
                 vue.fichiers)
    try:
        d = _detail_indicateur(*arguments, vue.magasin)
    except _BaseIndisponible:
        d = _detail_indicateur(*arguments, None)
    return replace(d, graphique=ui.copie_spec(d.graphique), valeurs=_copie_tableau(d.valeurs),
                   historique=_copie_tableau(d.historique))


def afficher_valeurs_indicateur(detail: DetailIndicateur) -> None:
    """Le graphique des valeurs d'un indicateur (spécification gardée en cache)."""
    if detail.graphique is not None:  # None : pas de valeur chiffrée, rien à tracer
        st.vega_lite_chart(detail.graphique, width="stretch")  # déjà une copie


@dataclass(frozen=True)
class EquipementsComptes:
    """Ce que l'accueil montre des équipements d'une vue (``equipements.compter``) : la phrase, le nombre par
    catégorie et ceux dont le quartier n'est pas connu."""

    phrase: str
    par_categorie: pd.DataFrame  # Catégorie, Nombre
    quartier_inconnu: pd.DataFrame  # Nom, Catégorie, Adresse


def _compter_equipements(quartier: str | None) -> EquipementsComptes:
    from ctg_data import equipements as eq

    comptage = eq.compter(ui.equipements_localises(), quartier)
    return EquipementsComptes(
        phrase=comptage.phrase(),
        par_categorie=comptage.par_categorie[["Libellé", "Nombre"]].rename(columns={"Libellé": "Catégorie"}),
        quartier_inconnu=comptage.quartier_inconnu[["nom", "categorie", "adresse"]].fillna("non précisée").rename(
            columns={"nom": "Nom", "categorie": "Catégorie", "adresse": "Adresse"}),
    )


@st.cache_resource(show_spinner=False, max_entries=64)  # partagé, jamais modifié : copié à chaque appel
def _equipements(quartier: str | None, fichiers: int, magasin) -> EquipementsComptes:
    resultat = _compter_equipements(quartier)
    if ui.empreinte_stockage() != magasin:  # base tombée (ou écriture) pendant la lecture : rien n'est gardé
        raise _BaseIndisponible
    return resultat


def equipements(quartier: str | None, vue: VuePlan | None = None) -> EquipementsComptes:
    """Le comptage des équipements de ``quartier`` (tout le territoire si None), corrections des éditeurs
    comprises (``ui.equipements_localises``), calculé une fois par quartier, fichiers et état du magasin ;
    ``vue`` : la synthèse de la même exécution, dont l'état du magasin est repris (lu une seule fois)."""
    magasin = vue.magasin if vue is not None else ui.empreinte_stockage()
    try:
        if magasin is None:
            raise _BaseIndisponible  # base indisponible : ``ui.equipements_localises`` le dit, sans cache
        e = _equipements(quartier, vue.fichiers if vue is not None else _fichiers(), magasin)
    except _BaseIndisponible:
        e = _compter_equipements(quartier)
    return replace(e, par_categorie=_copie_tableau(e.par_categorie), quartier_inconnu=_copie_tableau(e.quartier_inconnu))


@st.cache_resource(show_spinner=False, max_entries=128)  # tuple de textes : rien à modifier
def _chiffres_commune(id_territoire: str, code: str, fichiers: int, *, _territoire: Territoire) -> tuple:
    from ctg_data import chiffres

    from .chargement import reference_commune

    reference = reference_commune(id_territoire, code)
    return tuple((c.titre, chiffres.phrase_zone(reference, c.code)) for c in _territoire.chiffres_cles)


def chiffres_commune(territoire: Territoire, code: str, vue: VuePlan | None = None) -> tuple[tuple[str, str], ...]:
    """(titre, phrase) de chaque chiffre clé du territoire pour la commune ``code`` (``chiffres.phrase_zone``
    sur ``ui.reference_commune``), calculés une fois par commune et fichiers ; ``vue`` : la synthèse de la
    même exécution (clé des fichiers reprise)."""
    return _chiffres_commune(territoire.id, code, vue.fichiers if vue is not None else _fichiers(),
                             _territoire=territoire)
