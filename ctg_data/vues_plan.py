"""Ce que les pages du plan d'actions montrent, calculé ici une seule fois (sans Streamlit).

Les pages « Plan d'actions », « Tableau récapitulatif annuel » et « Saisie » lisent l'état (plan choisi,
territoire, valeurs saisies, filtres), appellent ces fonctions et affichent le résultat :

- les zones d'un plan viennent de son territoire (``zones_du_plan``), jamais d'un nom écrit dans le code ;
- la valeur d'un indicateur s'écrit d'une seule façon, « non renseignée » quand il n'y en a pas
  (``texte_valeur``) ; ce qu'une personne a tapé est rendu tel quel, sans arrondi ;
- une seule règle dit quand un nombre est exigé (``nombre_exige``, ``lire_valeur``) : pour le
  formulaire d'une valeur, la grille et l'import d'un fichier ;
- la synthèse du plan (statuts, nombres par statut, « x indicateurs sur y renseignés », séries du
  portrait à côté de chaque axe) est un petit modèle de vue (``resume_plan``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from . import format as fmt
from .plan import A_DEFINIR, Fiche, Plan
from .suivi import statuts_indicateurs, synthese
from .territoire import Territoire, charger_territoires, zones_de_saisie
from .vocabulaire import LIBELLES_STATUTS, STATUTS_ORDONNES, Statut, source_lisible

NON_RENSEIGNEE = "non renseignée"
UNITES_SANS_SUFFIXE = {"nombre"}  # unité qui ne s'écrit pas après la valeur (« 12 », pas « 12 nombre »)
COLONNES_INDICATEURS = [
    "indicateur", "libelle", "type", "fiche", "fiche_titre", "fiche_numero", "axe", "axe_titre", "unite", "sens",
    "reference", "reference_annee", "cible", "cible_annee", "cible_texte", "pilote", "frequence",
    "prochaine_echeance", "source",
]


# --- Zones et territoire -------------------------------------------------------------------------

def territoire_du_plan(plan: Plan, dossier: Path | None = None) -> Territoire:
    """Le territoire d'un plan (fichier ``data/territoires/<plan.territoire>.yaml``) ; KeyError
    (message en français) s'il n'existe pas."""
    territoires, _ = charger_territoires(dossier)
    if plan.territoire not in territoires:
        raise KeyError(f"territoire « {plan.territoire} » du plan {plan.id} introuvable dans data/territoires/")
    return territoires[plan.territoire]


def zones_du_plan(territoire: Territoire, sous_zones: pd.DataFrame | list[str] | None = None) -> list[str]:
    """Les zones de saisie d'un plan : son territoire entier d'abord (``Territoire.nom``), puis ses
    sous-zones (quartiers…), par nom. ``sous_zones`` : tableau (colonne ``nom``) ou liste de noms."""
    if sous_zones is None:
        noms: list[str] = []
    elif isinstance(sous_zones, pd.DataFrame):
        noms = [str(n) for n in sous_zones["nom"]] if "nom" in sous_zones.columns else []
    else:
        noms = [str(n) for n in sous_zones]
    return zones_de_saisie(territoire, noms)


# --- Textes du plan pour le lecteur --------------------------------------------------------------
# Une note du plan (« pourquoi la fiche n'a pas d'indicateur »…) cite les lignes du fichier texte du
# document, pour l'équipe qui vérifie : « (Annexe 3, ligne 1254) », « (lignes 1278-1289) ». Le lecteur
# lit la note sans ces renvois ; le texte entier reste dans les données, sur la page « Données et
# sources » et derrière le dépliant « Détail de la source ».


def texte_lisible(texte) -> str:
    """Une note du plan telle qu'un lecteur la lit : sans nom de fichier ni numéro de ligne
    (``vocabulaire.source_lisible``, renvois à l'intérieur d'une parenthèse compris). « Aucun
    indicateur n'est donné dans la fiche (Annexe 3, ligne 1278) : le texte extrait de la fiche ne
    contient que son titre (lignes 1278-1289). » devient « Aucun indicateur n'est donné dans la fiche
    (Annexe 3) : le texte extrait de la fiche ne contient que son titre. » ; « » si rien."""
    return "" if _vide(texte) else source_lisible(texte)


# --- Valeurs : lecture et écriture ---------------------------------------------------------------

def _vide(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or (not isinstance(x, str) and pd.isna(x))


def nombre_exact(x) -> str:
    """Un nombre saisi, à la française et sans arrondi : 12,5 ; 1 234 567 ; −3 ; 0,125.

    Quinze chiffres significatifs au plus (ce qu'un nombre à virgule flottante garde d'une saisie),
    jamais d'écriture scientifique."""
    if _vide(x):
        return "–"
    try:
        texte = format(Decimal(f"{float(x):.15g}").normalize(), "f")
    except (InvalidOperation, ValueError, OverflowError):
        return str(x)
    negatif = texte.startswith("-")
    entier, _, decimales = texte.lstrip("-").partition(".")
    groupes = []
    while len(entier) > 3:
        groupes.insert(0, entier[-3:])
        entier = entier[:-3]
    groupes.insert(0, entier)
    texte = fmt.ESPACE.join(groupes) + ("," + decimales if decimales else "")
    return ("−" + texte) if negatif and texte.strip("0,") else texte


def avec_unite(texte: str, unite: str | None) -> str:
    if isinstance(unite, str) and unite.strip() and unite.strip() not in UNITES_SANS_SUFFIXE:
        return f"{texte}{fmt.ESPACE}{unite.strip()}"
    return texte


def texte_valeur(valeur, texte: str | None = None, unite: str | None = None, vide: str = NON_RENSEIGNEE) -> str:
    """La valeur d'un indicateur telle qu'on l'affiche partout : le nombre (sans arrondi, avec son
    unité si on la donne), sinon le texte saisi tel quel, sinon ``vide`` (« non renseignée »).

    Le texte est rendu brut : à la page de l'échapper (``ui.texte_brut``) avant un st.markdown."""
    if not _vide(valeur):
        return avec_unite(nombre_exact(valeur), unite)
    if isinstance(texte, str) and texte.strip():
        return texte
    return vide


def texte_valeur_datee(valeur, annee, texte: str | None = None, unite: str | None = None) -> str:
    """Une cible ou une référence du plan : « 100 % en 2027 », « 12 », le texte du document, ou
    « à définir » quand le document n'en fixe pas."""
    if not _vide(valeur):
        return avec_unite(nombre_exact(valeur), unite) + ("" if _vide(annee) else f" en {int(annee)}")
    if isinstance(texte, str) and texte.strip():
        return texte
    return A_DEFINIR


def nombre(texte) -> float | None:
    """« 12,5 », « 1 234 » ou « −3 » -> float ; None si ce n'est pas un nombre fini."""
    if texte is None:
        return None
    propre = (str(texte).replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
              .replace("\u2212", "-"))
    try:
        x = float(propre)
    except ValueError:
        return None
    return x if math.isfinite(x) else None  # « nan », « inf », « 1e400 » ne sont pas des valeurs


def nombre_exige(unite) -> bool:
    """La règle, une seule fois : un indicateur qui a une unité (%, nombre, ETP…) se saisit en
    nombre ; sans unité (indicateur qualitatif), un texte court est accepté."""
    return isinstance(unite, str) and bool(unite.strip())


@dataclass(frozen=True)
class ValeurLue:
    """Une saisie lue : ``valeur`` (nombre) ou ``texte`` ; ``erreur`` (en français) si elle est refusée."""

    valeur: float | None = None
    texte: str | None = None
    erreur: str | None = None

    @property
    def vide(self) -> bool:
        return self.valeur is None and self.texte is None and self.erreur is None


def lire_valeur(saisie, unite) -> ValeurLue:
    """Lit ce qu'une personne a tapé pour un indicateur d'unité ``unite`` : un nombre, un texte (si
    l'indicateur n'exige pas de nombre), rien (saisie vide), ou une erreur qui dit pourquoi."""
    brut = "" if saisie is None or (isinstance(saisie, float) and math.isnan(saisie)) else str(saisie).strip()
    if not brut:
        return ValeurLue()
    x = nombre(brut)
    if x is not None:
        return ValeurLue(valeur=x)
    if nombre_exige(unite):
        return ValeurLue(erreur=f"« {brut} » n'est pas un nombre ; cet indicateur se mesure en nombre "
                                f"(unité : {str(unite).strip()}) : écrivez par exemple 12,5 ou 1 234")
    return ValeurLue(texte=brut)


def valeur_actuelle(courantes: pd.DataFrame, indicateur: str, zone: str, periode: str) -> dict:
    """La valeur enregistrée pour (indicateur, zone, période), telle que la saisie la montre :
    {"valeur_actuelle": texte (vide s'il n'y en a pas), "version": version enregistrée (0 si aucune)}."""
    if courantes is None or courantes.empty:
        return {"valeur_actuelle": "", "version": 0}
    ligne = courantes[(courantes["indicateur"] == indicateur) & (courantes["zone"] == zone)
                      & (courantes["periode"] == periode)]
    if ligne.empty:
        return {"valeur_actuelle": "", "version": 0}
    l = ligne.iloc[0]
    return {"valeur_actuelle": texte_valeur(l["valeur"], l["valeur_texte"], vide=""), "version": int(l["version"])}


# --- Statuts du plan -----------------------------------------------------------------------------

def indicateurs_du_plan(plan: Plan) -> pd.DataFrame:
    """``Plan.indicateurs()``, avec ses colonnes même pour un plan sans indicateur."""
    tableau = plan.indicateurs()
    return tableau if not tableau.empty else pd.DataFrame(columns=COLONNES_INDICATEURS)


def valeurs_de_la_zone(courantes: pd.DataFrame, sous_zone: str | None) -> pd.DataFrame:
    """Les valeurs saisies pour ``sous_zone`` seulement ; toutes si ``sous_zone`` est None."""
    if sous_zone is None or courantes is None or courantes.empty:
        return courantes
    return courantes[courantes["zone"] == sous_zone]


def statuts_du_plan(plan: Plan, territoire: Territoire, courantes: pd.DataFrame, manuels: pd.DataFrame,
                    aujourdhui: dt.date | None = None, sous_zone: str | None = None) -> pd.DataFrame:
    """Le statut de chaque indicateur du plan (``suivi.statuts_indicateurs``) : la dernière valeur
    est prise pour le territoire entier (``territoire.nom``), ou dans ``sous_zone`` seulement."""
    return statuts_indicateurs(indicateurs_du_plan(plan), valeurs_de_la_zone(courantes, sous_zone),
                               manuels if manuels is not None else pd.DataFrame(), aujourdhui,
                               zone_entiere=territoire.nom)


def fiches_visibles(plan: Plan, axe: str | None = None, sous_zone: str | None = None) -> list[Fiche]:
    """Les fiches d'un axe (toutes si None) qui concernent ``sous_zone`` (une fiche sans quartier
    désigné concerne tout le territoire)."""
    return [f for f in plan.fiches if (axe is None or f.axe == axe)
            and (sous_zone is None or not f.quartiers or sous_zone in f.quartiers)]


def texte_avancement(renseignes: int, total: int) -> str:
    """« 2 indicateurs sur 9 renseignés », « 1 indicateur sur 3 renseigné », « sans indicateur »."""
    if total == 0:
        return "sans indicateur"
    pluriel = "s" if renseignes > 1 else ""
    return f"{renseignes} indicateur{pluriel} sur {total} renseigné{pluriel}"


def legende_statuts() -> list[tuple[str, str]]:
    """(libellé, ce qu'il veut dire) de chaque statut, dans l'ordre du vocabulaire."""
    return [(s.libelle, s.sens) for s in STATUTS_ORDONNES]


@dataclass(frozen=True)
class IndicateurResume:
    id: str
    libelle: str
    statut: str
    valeur: str  # texte_valeur : nombre, texte saisi (brut) ou « non renseignée »


@dataclass(frozen=True)
class FicheResume:
    id: str
    titre: str
    statut: str | None  # None : fiche sans indicateur
    sans_indicateur: str | None
    renseignes: int
    total: int
    indicateurs: list[IndicateurResume]  # ceux des statuts choisis

    @property
    def avancement(self) -> str:
        return texte_avancement(self.renseignes, self.total)

    @property
    def raison_sans_indicateur(self) -> str:
        """Pourquoi la fiche n'a pas d'indicateur, telle que le lecteur la lit : sans les numéros de ligne
        du fichier source (``texte_lisible`` ; le texte entier reste dans ``sans_indicateur``)."""
        return texte_lisible(self.sans_indicateur)


@dataclass(frozen=True)
class SerieContexte:
    """Une série du portrait de territoire affichée à côté d'un axe : ses valeurs et sa source."""

    code: str
    lignes: list[tuple[str, str, str]]  # (indicateur, valeur, période)
    source: str


@dataclass(frozen=True)
class AxeResume:
    id: str
    numero: str
    titre: str
    statut: str
    pilote: str
    renseignes: int
    total: int
    axes_strategiques: list[tuple[str, list[str]]]  # (titre, objectifs opérationnels)
    fiches: list[FicheResume]
    contexte: list[SerieContexte]

    @property
    def libelle(self) -> str:  # « 1. Petite enfance »
        return libelle_axe(self.numero, self.titre)

    @property
    def avancement(self) -> str:
        return texte_avancement(self.renseignes, self.total)


@dataclass(frozen=True)
class ResumePlan:
    statuts: pd.DataFrame  # une ligne par indicateur (statuts_indicateurs), pour la zone choisie
    synthese_axes: pd.DataFrame  # Axe, un nombre par statut, Indicateurs, Renseignés, Statut de l'axe
    comptes_axes: pd.DataFrame  # Axe, Statut, Indicateurs (pour le graphique ; nombres non nuls)
    axes: list[AxeResume]  # ceux du filtre d'axe
    fiches: list[Fiche]  # fiches visibles (filtre d'axe et de sous-zone), pour le détail
    aucune_valeur: bool  # aucune valeur saisie pour la zone choisie
    sous_zone: str | None = None
    statuts_choisis: list[str] = field(default_factory=lambda: list(LIBELLES_STATUTS))


def libelle_axe(numero: str, titre: str) -> str:
    return f"{numero}. {titre}"


def _renseigne(statuts: pd.DataFrame) -> pd.Series:
    return statuts["derniere_periode"].notna() if not statuts.empty else pd.Series(dtype=bool)


def series_de_contexte(codes: list[str], reference: pd.DataFrame | None, territoire: Territoire) -> list[SerieContexte]:
    """Les séries (par code) du territoire du plan, lues dans la référence des chiffres
    (``chiffres.reference``) : une série par source (le document signé, puis les données ouvertes),
    chaque valeur avec sa période ; une série absente pour ce territoire n'est pas listée (rien n'est
    inventé)."""
    if reference is None or reference.empty or not codes:
        return []
    from .chiffres import texte, valeurs_zone

    series = []
    for code in codes:
        lignes = valeurs_zone(reference, code, territoire.nom).dropna(subset=["valeur"])
        for _, groupe in lignes.groupby("origine", sort=False):
            groupe = groupe.sort_values("annee", na_position="first")
            series.append(SerieContexte(
                code=code,
                lignes=[(l["libelle"], texte(l) + (" par an" if l["unite"] == "€ par an" else ""), l["periode"])
                        for l in groupe.to_dict("records")],
                source=" ; ".join(dict.fromkeys(groupe["source"])),
            ))
    return series


def contextes_du_plan(plan: Plan, reference: pd.DataFrame | None, territoire: Territoire) -> dict[str, list[SerieContexte]]:
    """Les séries de contexte de chaque axe du plan (``series_de_contexte``), par identifiant d'axe. Elles ne
    dépendent que du plan, de son territoire et des fichiers de données (ni des valeurs saisies, ni des
    filtres) : une page les calcule une fois et les passe à ``resume_plan`` (paramètre ``contextes``)."""
    return {a.id: series_de_contexte(a.contexte, reference, territoire) for a in plan.axes}


def resume_plan(plan: Plan, territoire: Territoire, courantes: pd.DataFrame, manuels: pd.DataFrame, *,
                axe: str | None = None, statuts_choisis: list[str] | None = None, sous_zone: str | None = None,
                reference: pd.DataFrame | None = None, aujourdhui: dt.date | None = None,
                contextes: dict[str, list[SerieContexte]] | None = None) -> ResumePlan:
    """La synthèse du plan que montre la page « Plan d'actions ».

    ``axe`` : identifiant de l'axe choisi (None : tous) ; ``statuts_choisis`` : statuts des indicateurs
    listés sous chaque fiche (tous par défaut ; les statuts et les nombres restent calculés sur tous) ;
    ``sous_zone`` : seules les valeurs de ce quartier comptent, et seules les fiches qui le concernent
    sont listées ; ``reference`` : la référence des chiffres du territoire (``chiffres.reference``), pour
    les séries à côté de chaque axe ; ``contextes`` : ces séries déjà calculées (``contextes_du_plan``), qui
    remplacent alors ``reference``."""
    choisis = list(LIBELLES_STATUTS) if statuts_choisis is None else list(statuts_choisis)
    statuts = statuts_du_plan(plan, territoire, courantes, manuels, aujourdhui, sous_zone)
    renseigne = _renseigne(statuts)

    # Par axe et par fiche : dictionnaires (une ligne de synthèse par clé), lus ci-dessous sans index pandas.
    par_axe = {l["axe"]: l for l in synthese(statuts, "axe").to_dict("records")}
    par_fiche = {l["fiche"]: l for l in synthese(statuts, "fiche").to_dict("records")}
    renseignes_axe: dict = {}
    renseignes_fiche: dict = {}
    if not statuts.empty:
        for a, f, r in zip(statuts["axe"], statuts["fiche"], renseigne):
            if r:
                renseignes_axe[a] = renseignes_axe.get(a, 0) + 1
                renseignes_fiche[f] = renseignes_fiche.get(f, 0) + 1

    lignes_synthese = []
    for a in plan.axes:
        if a.id not in par_axe:
            continue  # axe sans indicateur : pas de ligne (comme avant)
        s = par_axe[a.id]
        lignes_synthese.append({
            "Axe": libelle_axe(a.numero, a.titre), **{l: int(s[l]) for l in LIBELLES_STATUTS},
            "Indicateurs": int(s["indicateurs"]), "Renseignés": int(renseignes_axe.get(a.id, 0)),
            "Statut de l'axe": s["statut"],
        })
    synthese_axes = pd.DataFrame(lignes_synthese, columns=["Axe", *LIBELLES_STATUTS, "Indicateurs", "Renseignés",
                                                            "Statut de l'axe"])
    comptes = [{"Axe": l["Axe"], "Statut": s, "Indicateurs": l[s]} for l in lignes_synthese for s in LIBELLES_STATUTS
               if l[s]]
    comptes_axes = pd.DataFrame(comptes, columns=["Axe", "Statut", "Indicateurs"])

    par_ligne_fiche: dict[str, list[IndicateurResume]] = {}
    if not statuts.empty:
        for l in statuts[statuts["statut"].isin(choisis)].to_dict("records"):
            par_ligne_fiche.setdefault(l["fiche"], []).append(IndicateurResume(
                id=l["indicateur"], libelle=l["libelle"], statut=l["statut"],
                valeur=texte_valeur(l["derniere_valeur"], l["derniere_valeur_texte"])))

    fiches = fiches_visibles(plan, axe, sous_zone)
    axes = []
    for a in plan.axes:
        if axe is not None and a.id != axe:
            continue
        fiches_axe = []
        for f in (f for f in fiches if f.axe == a.id):
            fiches_axe.append(FicheResume(
                id=f.id, titre=f.titre,
                statut=par_fiche[f.id]["statut"] if f.id in par_fiche else None,
                sans_indicateur=f.sans_indicateur, renseignes=int(renseignes_fiche.get(f.id, 0)),
                total=len(f.indicateurs), indicateurs=par_ligne_fiche.get(f.id, []),
            ))
        axes.append(AxeResume(
            id=a.id, numero=a.numero, titre=a.titre,
            statut=par_axe[a.id]["statut"] if a.id in par_axe else Statut.A_RENSEIGNER.libelle,
            pilote=a.pilote or A_DEFINIR,
            renseignes=int(renseignes_axe.get(a.id, 0)),
            total=int(par_axe[a.id]["indicateurs"]) if a.id in par_axe else 0,
            axes_strategiques=[(s.titre, list(s.objectifs_operationnels)) for s in a.axes_strategiques],
            fiches=fiches_axe, contexte=(list(contextes.get(a.id, [])) if contextes is not None
                                         else series_de_contexte(a.contexte, reference, territoire)),
        ))
    return ResumePlan(statuts=statuts, synthese_axes=synthese_axes, comptes_axes=comptes_axes, axes=axes,
                      fiches=fiches, aucune_valeur=not bool(renseigne.any()), sous_zone=sous_zone,
                      statuts_choisis=choisis)


COLONNES_TABLEAU_FICHE = ["Indicateur", "Statut", "Dernière valeur", "Période", "Unité", "Référence", "Cible", "Sens",
                          "Pilote", "Fréquence", "Prochaine échéance", "Source"]


def tableau_fiche(statuts: pd.DataFrame, fiche: str) -> pd.DataFrame:
    """Le tableau des indicateurs d'une fiche, tel que la page « Plan d'actions » le montre."""
    t = statuts[statuts["fiche"] == fiche] if not statuts.empty else statuts
    return _tableau_indicateurs(t)


def tableau_indicateurs(statuts: pd.DataFrame) -> pd.DataFrame:
    """Le tableau de ``tableau_fiche`` pour tous les indicateurs du plan d'un coup, avec une colonne
    ``fiche`` (identifiant) de plus : une page le calcule une fois et en garde les lignes d'une fiche."""
    tableau = _tableau_indicateurs(statuts)
    tableau.insert(0, "fiche", list(statuts["fiche"]) if "fiche" in statuts.columns else [])
    return tableau


def _tableau_indicateurs(t: pd.DataFrame) -> pd.DataFrame:
    def ou_a_definir(x):
        return A_DEFINIR if _vide(x) else x

    return pd.DataFrame({
        "Indicateur": list(t["libelle"]),
        "Statut": list(t["statut"]),
        "Dernière valeur": [texte_valeur(v, x) for v, x in zip(t["derniere_valeur"], t["derniere_valeur_texte"])],
        "Période": ["" if _vide(p) else f"{p} ({z})" for p, z in zip(t["derniere_periode"], t["derniere_zone"])],
        "Unité": [ou_a_definir(u) for u in t["unite"]],
        "Référence": [texte_valeur_datee(r, a, None, u) for r, a, u in zip(t["reference"], t["reference_annee"], t["unite"])],
        "Cible": [texte_valeur_datee(c, a, x, u) for c, a, x, u in zip(t["cible"], t["cible_annee"], t["cible_texte"], t["unite"])],
        "Sens": [ou_a_definir(s) for s in t["sens"]],
        "Pilote": [ou_a_definir(p) for p in t["pilote"]],
        "Fréquence": [ou_a_definir(f) for f in t["frequence"]],
        "Prochaine échéance": [A_DEFINIR if _vide(d) else d.strftime("%d/%m/%Y") for d in t["prochaine_echeance"]],
        "Source": [texte_lisible(s) for s in t["source"]],  # fichier et lignes : page « Données et sources »
    }, columns=COLONNES_TABLEAU_FICHE)


def valeurs_chiffrees(courantes: pd.DataFrame, indicateur: str) -> pd.DataFrame:
    """Les valeurs chiffrées d'un indicateur (toutes zones), pour son graphique et son tableau."""
    if courantes is None or courantes.empty:
        return pd.DataFrame(columns=["zone", "periode", "valeur", "source"])
    return courantes[(courantes["indicateur"] == indicateur) & courantes["valeur"].notna()]


def tableau_valeurs(valeurs: pd.DataFrame) -> pd.DataFrame:
    """Le graphique des valeurs d'un indicateur, en tableau."""
    return pd.DataFrame({"Zone": list(valeurs["zone"]), "Période": list(valeurs["periode"]),
                         "Valeur": [texte_valeur(v) for v in valeurs["valeur"]], "Source": list(valeurs["source"])})


COLONNES_HISTORIQUE = {
    "zone": "Zone", "periode": "Période", "version": "Version", "valeur": "Valeur", "commentaire": "Commentaire",
    "source": "Source", "auteur": "Saisie par", "horodatage": "Le",
}


def historique_indicateur(historique: pd.DataFrame, indicateur: str) -> pd.DataFrame:
    """Les versions saisies d'un indicateur, la valeur écrite comme partout (``texte_valeur``)."""
    if historique is None or historique.empty:
        return pd.DataFrame(columns=list(COLONNES_HISTORIQUE.values()))
    h = historique[historique["indicateur"] == indicateur]
    return pd.DataFrame({
        "Zone": list(h["zone"]), "Période": list(h["periode"]), "Version": list(h["version"]),
        "Valeur": [texte_valeur(v, t, vide="") for v, t in zip(h["valeur"], h["valeur_texte"])],
        "Commentaire": list(h["commentaire"]), "Source": list(h["source"]), "Saisie par": list(h["auteur"]),
        "Le": list(h["horodatage"]),
    }, columns=list(COLONNES_HISTORIQUE.values()))
