"""Indicateurs sociaux bruts (IRIS, QPV, territoires de comparaison) lus dans les données ouvertes de ``socio/``.

    .venv/bin/python -m ctg_data.build_social                 # lit ../shared/reference, écrit le dictionnaire
    .venv/bin/python -m ctg_data.build_social --reference /chemin/vers/reference

Ce qui est lu est **déclaré**, pas programmé :

- ``ctg_data/social_sources.yaml`` : une entrée par série de fichiers de ``socio/`` (chemin, années,
  colonnes → codes d'indicateurs, type de zone, codes des cellules sans valeur, nom de la source pour
  un lecteur). Ajouter l'année suivante d'un fichier INSEE, c'est ajouter une année à son entrée ;
- ``ctg_data/social_indicateurs.yaml`` : le dictionnaire des indicateurs (libellé, définition, unité,
  règle de regroupement par quartier, précautions), dont :func:`ecrire_dictionnaire` écrit
  ``data/social_indicateurs.csv``.

Chaque entrée est lue par le **lecteur** de sa forme de fichier (:data:`LECTEURS` : Filosofi par IRIS,
Caf par IRIS, recensement par IRIS, Filosofi par QPV, exports ANCT par QPV, fichier d'un territoire,
série longue). Le lecteur porte les règles propres à cette forme (notes de précaution de l'INSEE, codes
de la Caf, sommes du recensement, année des exports ANCT) ; l'entrée dit quoi lire.

:func:`lire_sources` renvoie UN tableau « long » de valeurs brutes : une ligne par indicateur, zone et
année, avec le statut de la valeur, la source en mots (``source``), le fichier et la colonne lus
(``source_detail``) et ses précautions (``note``).

Règles :

- aucune valeur n'est calculée, estimée, arrondie ni complétée ; une cellule vide reste vide
  (``NaN``) avec la raison dans ``statut`` (secret statistique, « ns », « nd », « so », note de
  précaution…) — jamais 0 ; un indicateur qu'un fichier ne publie pas (taux de pauvreté des
  communes) ou une année sans fichier est dit manquant, avec sa raison ;
- trois exceptions, dites dans la note de chaque valeur : ``population_totale_2016`` (somme des six
  tranches d'âge du recensement 2016, le total manque dans l'extrait) et ``personnes_menages`` (somme
  des six types de ménages), calculées par nous ; et l'année des exports ANCT, qui n'est pas l'année
  du nom de fichier (édition) mais celle des données (édition − 4, vérifiée sur les données quand
  c'est possible) ;
- un IRIS de Dijon absent d'un fichier a quand même sa ligne (valeur vide, statut et raison), pour
  que la couverture se lise directement.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from . import config
from .erreurs import ErreurDonnees, Probleme
from .schemas import AGREGATIONS, TYPES_ZONE

FICHIER_SOURCES = Path(__file__).resolve().parent / "social_sources.yaml"
FICHIER_INDICATEURS = Path(__file__).resolve().parent / "social_indicateurs.yaml"

COLONNES_SOCIAL = ["indicateur", "type_zone", "code_zone", "nom_zone", "annee", "valeur", "unite", "statut", "source",
                   "note", "source_detail"]
COLONNES_DICTIONNAIRE = ["code", "libelle", "definition", "unite", "agregation", "numerateur", "denominateur", "source",
                         "precautions", "detail"]
CLE = ["indicateur", "type_zone", "code_zone", "annee"]

# --- Statuts d'une valeur -----------------------------------------------------------------------
PUBLIEE = "publiée"
SECRET = "secret statistique ou seuil de diffusion"
NS = "non significatif (ns)"
ND = "non disponible (nd)"
SO = "sans objet (so)"
ANOMALIE = "non publiée (anomalie, NOTE = 5)"
CAF_NOTE_3 = "non publiée (NOTE = 3)"
CAF_NOTE_5 = "non publiée (NOTE = 5)"
ABSENT_EXTRAIT = "absent de l'extrait"
NON_PUBLIEE_FICHIER = "non publiée dans ce fichier"
ANNEE_ABSENTE = "année absente des sources"
STATUTS = {
    PUBLIEE: "valeur présente dans le fichier (ou somme de valeurs présentes, dite dans la note)",
    SECRET: "cellule vide ou IRIS absent du fichier diffusé : valeur non publiée (secret statistique ou seuil de diffusion)",
    NS: "code INSEE « ns » dans le fichier : non significatif",
    ND: "code INSEE « nd » dans le fichier : non disponible",
    SO: "code INSEE « so » dans le fichier : sans objet",
    ANOMALIE: "Filosofi : note de précaution 5, données non diffusées en raison d'anomalies",
    CAF_NOTE_3: "Caf : NOTE = 3 et toutes les valeurs de l'IRIS vides ; SOURCES.md ne dit pas ce que signifie 3",
    CAF_NOTE_5: "Caf : NOTE = 5 et toutes les valeurs de l'IRIS vides ; SOURCES.md ne dit pas ce que signifie 5",
    ABSENT_EXTRAIT: "IRIS absent de l'extrait parce que le dépôt source l'a retiré (pas une décision de l'éditeur)",
    NON_PUBLIEE_FICHIER: "le fichier de ce territoire ne contient pas cet indicateur (par ex. pas de taux de pauvreté "
                         "dans les fichiers Filosofi des communes) : aucune valeur, rien n'est estimé",
    ANNEE_ABSENTE: "aucun fichier de cette année dans les sources (SOURCES.md) : aucune valeur",
}
# Statuts qu'une entrée de social_sources.yaml peut donner à une cellule sans valeur (« codes_manquants »).
STATUTS_DECLARABLES = {"secret": SECRET, "ns": NS, "nd": ND, "so": SO}

# --- Textes de notes ----------------------------------------------------------------------------
NOTE_FILOSOFI_1 = "évolution du nombre de ménages > 10 % : comparer les années avec prudence"
NOTE_INCERT = {
    "1": "taux arrondi à l'unité par l'INSEE (IRIS de 1 000 à moins de 10 000 ménages)",
    "2": "taux arrondi à l'impair le plus proche par l'INSEE (IRIS de 500 à moins de 1 000 ménages)",
}
NOTE_POPULATION_TOTALE = "somme des six tranches d'âge, calculée par nous (le total manque dans l'extrait)"
NOTE_MENAGES = (
    "somme des six types de ménages, calculée par nous (égale, IRIS par IRIS, à la somme des personnes "
    "des ménages par catégorie socioprofessionnelle de la personne de référence)"
)


# --- Lecture des fichiers -----------------------------------------------------------------------

NOMBRE = re.compile(r"^-?\d+(\.\d+)?$")
CODES_TEXTE = ("ns", "nd", "so")


@dataclass
class Fichier:
    """Un fichier de ``socio/`` lu en texte brut ; les problèmes trouvés sont levés ensemble."""

    reference: Path
    relatif: str
    sep: str = ";"
    decimale: str = ","
    table: pd.DataFrame = field(init=False)

    def __post_init__(self):
        chemin = self.reference / "socio" / self.relatif
        if not chemin.exists():
            raise ErreurDonnees(self.nom, [Probleme(f"fichier introuvable dans le dossier de référence ({chemin})")])
        try:
            table = pd.read_csv(chemin, sep=self.sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except (UnicodeDecodeError, pd.errors.ParserError) as e:
            raise ErreurDonnees(self.nom, [Probleme(f"fichier illisible ({e})")]) from None
        table.columns = [str(c).strip() for c in table.columns]
        self.table = table.map(str.strip)

    @property
    def nom(self) -> str:
        return f"socio/{self.relatif}"

    def exiger(self, colonnes) -> None:
        absentes = [c for c in colonnes if c not in self.table.columns]
        if absentes:
            raise ErreurDonnees(self.nom, [Probleme("colonne attendue absente", colonne=c) for c in absentes])

    def lignes(self, colonne_code: str, codes) -> dict[str, tuple[int, pd.Series]]:
        """Lignes dont le code est dans ``codes`` : code -> (numéro de ligne du fichier, ligne)."""
        self.exiger([colonne_code])
        trouvees: dict[str, tuple[int, pd.Series]] = {}
        problemes = []
        for i, ligne in self.table.iterrows():
            code = ligne[colonne_code]
            if code in codes:
                if code in trouvees:
                    problemes.append(Probleme(f"code « {code} » en double", ligne=int(i) + 2, colonne=colonne_code))
                trouvees[code] = (int(i) + 2, ligne)
        if problemes:
            raise ErreurDonnees(self.nom, problemes)
        return trouvees

    def detail(self, colonne: str, ligne: str = "") -> str:
        """Pour la colonne ``source_detail`` : fichier, ligne éventuelle (« CODGEO = 1 ») et colonne."""
        return f"{self.nom}{f', ligne {ligne}' if ligne else ''}, colonne {colonne}"


def convertir(texte: str, decimale: str, codes=CODES_TEXTE) -> float | str | None:
    """Texte d'une cellule -> nombre, code déclaré (« ns », « nd », « so ») ou None (cellule vide).

    Les séparateurs de milliers U+202F et U+00A0 sont retirés ; le séparateur décimal est celui
    déclaré pour le fichier. Lève ValueError sur tout autre texte."""
    t = texte.strip()
    if t == "":
        return None
    if t in codes:
        return t
    t = t.replace("\u202f", "").replace("\u00a0", "")
    autre = "." if decimale == "," else ","
    if autre in t:
        raise ValueError(f"séparateur « {autre} » inattendu (décimales avec « {decimale} » dans ce fichier)")
    t = t.replace(",", ".")
    if not NOMBRE.match(t):
        raise ValueError("n'est pas un nombre")
    return float(t)


def lire_cellule(fichier: Fichier, ligne: pd.Series, numero: int, colonne: str, problemes: list[Probleme],
                 codes: dict[str, str]):
    """(valeur, statut) d'une cellule : PUBLIEE, ou le statut que ``codes`` donne à son texte
    (cellule vide, « ns »…) ; (None, None) et un problème si la cellule est illisible."""
    texte = ligne[colonne]
    try:
        brut = convertir(texte, fichier.decimale, tuple(c for c in codes if c))
    except ValueError as e:
        problemes.append(Probleme(f"« {texte} » : {e}", ligne=numero, colonne=colonne))
        return None, None
    if brut is None:
        if "" not in codes:
            problemes.append(Probleme("cellule vide, non prévue pour cette source", ligne=numero, colonne=colonne))
            return None, None
        return None, codes[""]
    if isinstance(brut, str):
        return None, codes[brut]
    return brut, PUBLIEE


def _lever(fichier: Fichier, problemes: list[Probleme]) -> None:
    if problemes:
        raise ErreurDonnees(fichier.nom, problemes)


def gabarit(texte: str, annee: int | None = None, edition: int | None = None) -> str:
    """Remplit un gabarit de social_sources.yaml : {annee}, {aa} (deux chiffres), {edition}."""
    valeurs: dict[str, object] = {}
    if annee is not None:
        valeurs |= {"annee": annee, "aa": f"{annee % 100:02d}"}
    if edition is not None:
        valeurs["edition"] = edition
    return texte.format(**valeurs)


def periode(annees: list[int]) -> str:
    """« 2014–2016, 2018, 2019 » : suites d'au moins trois années consécutives abrégées."""
    annees = sorted(set(annees))
    morceaux, debut = [], 0
    for i in range(1, len(annees) + 1):
        if i == len(annees) or annees[i] != annees[i - 1] + 1:
            suite = annees[debut:i]
            morceaux += [f"{suite[0]}–{suite[-1]}"] if len(suite) >= 3 else [str(a) for a in suite]
            debut = i
    return ", ".join(morceaux)


# --- Déclarations (YAML) ------------------------------------------------------------------------


@dataclass(frozen=True)
class Lecteur:
    """Un lecteur de forme de fichier : sa fonction et les clés qu'accepte une entrée qui l'utilise."""

    lire: Callable[[Contexte, dict], None]
    obligatoires: frozenset[str]
    facultatives: frozenset[str] = frozenset()
    cle_annees: str = "annees"
    description: str = ""


CLES_COMMUNES_OBLIGATOIRES = frozenset({"id", "lecteur", "nom", "source"})
CLES_COMMUNES_FACULTATIVES = frozenset({"note", "codes_manquants", "decimale", "separateur"})
LECTEURS: dict[str, Lecteur] = {}  # rempli plus bas, après les fonctions de lecture


@dataclass(frozen=True)
class Dictionnaire:
    """``social_indicateurs.yaml`` : indicateurs (dans l'ordre du fichier) et textes partagés."""

    chemin: Path
    indicateurs: list[dict]
    precautions_communes: dict[str, str]
    details_communs: dict[str, str]

    @property
    def par_code(self) -> dict[str, dict]:
        return {i["code"]: i for i in self.indicateurs}

    def unite(self, code: str) -> str:
        return self.par_code[code]["unite"]


@dataclass(frozen=True)
class Declaration:
    """``social_sources.yaml`` : territoire suivi, codes des cellules sans valeur et sources."""

    chemin: Path
    commune: str
    referentiel_iris: dict
    qpv: dict
    codes_manquants: dict[str, str]  # texte d'une cellule -> statut
    sources: list[dict]

    def source(self, id_source: str) -> dict:
        for e in self.sources:
            if e["id"] == id_source:
                return e
        raise KeyError(id_source)


def _lire_yaml(chemin: Path) -> dict:
    nom = chemin.name
    if not chemin.exists():
        raise ErreurDonnees(nom, [Probleme(f"fichier de déclaration introuvable ({chemin})")])
    try:
        contenu = yaml.safe_load(chemin.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise ErreurDonnees(nom, [Probleme(f"YAML illisible ({e})")]) from None
    if not isinstance(contenu, dict):
        raise ErreurDonnees(nom, [Probleme("le fichier doit contenir une table (clé: valeur)")])
    return contenu


def charger_indicateurs(chemin: Path | None = None) -> Dictionnaire:
    """Lit et vérifie ``social_indicateurs.yaml`` (clés, règle de regroupement, renvois)."""
    chemin = Path(chemin or FICHIER_INDICATEURS)
    contenu = _lire_yaml(chemin)
    problemes: list[Probleme] = []
    inconnues = set(contenu) - {"indicateurs", "precautions_communes", "details_communs"}
    problemes += [Probleme(f"clé inconnue « {c} »") for c in sorted(inconnues)]
    indicateurs = contenu.get("indicateurs") or []
    precautions = contenu.get("precautions_communes") or {}
    details = contenu.get("details_communs") or {}
    obligatoires = {"code", "libelle", "definition", "unite", "agregation"}
    admises = obligatoires | {"numerateur", "denominateur", "precautions", "communes", "detail", "source",
                              "territoires_seulement"}
    codes = [i.get("code") for i in indicateurs if isinstance(i, dict)]
    for i in indicateurs:
        if not isinstance(i, dict):
            problemes.append(Probleme(f"indicateur mal écrit : {i!r}"))
            continue
        quoi = f"indicateur « {i.get('code')} »"
        problemes += [Probleme(f"{quoi} : clé obligatoire « {c} » absente") for c in sorted(obligatoires - set(i))]
        problemes += [Probleme(f"{quoi} : clé inconnue « {c} »") for c in sorted(set(i) - admises)]
        if not re.fullmatch(r"[a-z0-9_]+", str(i.get("code", ""))):
            problemes.append(Probleme(f"{quoi} : code en minuscules, chiffres et _ attendu"))
        if i.get("agregation") not in AGREGATIONS:
            problemes.append(Probleme(f"{quoi} : règle de regroupement inconnue « {i.get('agregation')} » "
                                      f"(admises : {', '.join(AGREGATIONS)})"))
        if i.get("agregation") == "ratio" and not (i.get("numerateur") and i.get("denominateur")):
            problemes.append(Probleme(f"{quoi} : un ratio demande un numérateur et un dénominateur"))
        if i.get("agregation") == "ponderee_population" and not i.get("denominateur"):
            problemes.append(Probleme(f"{quoi} : une moyenne pondérée demande son poids (« denominateur »)"))
        for cle in ("numerateur", "denominateur"):
            if i.get(cle) and i[cle] not in codes:
                problemes.append(Probleme(f"{quoi} : {cle} « {i[cle]} » n'est pas un indicateur du dictionnaire"))
        for commun in i.get("communes") or []:
            if commun not in precautions and commun not in details:
                problemes.append(Probleme(f"{quoi} : texte commun « {commun} » inconnu"))
    doublons = sorted({c for c in codes if codes.count(c) > 1})
    problemes += [Probleme(f"indicateur « {c} » déclaré deux fois") for c in doublons]
    if problemes:
        raise ErreurDonnees(chemin.name, problemes)
    return Dictionnaire(chemin, indicateurs, precautions, details)


def annees(entree: dict, cle: str | None = None) -> list[tuple[int, dict]]:
    """(année, réglages) de chaque année d'une entrée, dans l'ordre : les réglages propres à une
    année remplacent ceux de l'entrée."""
    cle = cle or LECTEURS[entree["lecteur"]].cle_annees
    declarees = entree[cle]
    paires = [(a, {}) for a in declarees] if isinstance(declarees, list) else list(declarees.items())
    return [(int(a), {**entree, **(reglages or {})}) for a, reglages in sorted(paires)]


def _sorties(entree: dict) -> list[tuple[str, int, str, str]]:
    """(indicateur, année, gabarit du fichier, gabarit de colonne) de chaque valeur qu'une entrée produit."""
    resultat = []
    for annee, p in annees(entree):
        if entree["lecteur"] == "recensement_iris":
            for partie in ("population", "menages"):
                d = p[partie]
                resultat += [(ind, annee, d["fichier"], col) for ind, col in d["colonnes"].items()]
                somme = d["colonnes"].values() if partie == "population" else d["types"]
                resultat.append((d["total"], annee, d["fichier"], " + ".join(somme) + " (somme)"))
        else:
            resultat += [(ind, annee, p["fichier"], col) for ind, col in p["colonnes"].items()]
    return resultat


def _verifier_entree(e: dict, ids: set[str], codes_indicateurs: set[str]) -> list[Probleme]:
    quoi = f"source « {e.get('id')} »"
    lecteur = LECTEURS.get(e.get("lecteur"))
    if lecteur is None:
        return [Probleme(f"{quoi} : lecteur inconnu « {e.get('lecteur')} » (connus : {', '.join(sorted(LECTEURS))})")]
    problemes = []
    obligatoires = CLES_COMMUNES_OBLIGATOIRES | lecteur.obligatoires
    admises = obligatoires | CLES_COMMUNES_FACULTATIVES | lecteur.facultatives
    problemes += [Probleme(f"{quoi} : clé obligatoire « {c} » absente") for c in sorted(obligatoires - set(e))]
    problemes += [Probleme(f"{quoi} : clé inconnue « {c} » pour le lecteur {e['lecteur']}") for c in sorted(set(e) - admises)]
    if problemes:
        return problemes
    declarees = e[lecteur.cle_annees]
    if not isinstance(declarees, (list, dict)) or not declarees:
        return [Probleme(f"{quoi} : « {lecteur.cle_annees} » doit être une liste d'années ou une table année -> réglages")]
    if isinstance(declarees, dict):
        for a, reglages in declarees.items():
            inconnues = set(reglages or {}) - (admises - {"id", "lecteur", "nom", lecteur.cle_annees})
            problemes += [Probleme(f"{quoi} : année {a} : clé inconnue « {c} »") for c in sorted(inconnues)]
    if not all(isinstance(a, int) for a in declarees):
        problemes.append(Probleme(f"{quoi} : les années s'écrivent en chiffres (par ex. 2019)"))
    if problemes:
        return problemes
    doubles = set(e.get("annees_absentes") or {}) & set(declarees)
    if doubles:
        problemes.append(Probleme(f"{quoi} : année(s) {', '.join(map(str, sorted(doubles)))} à la fois lue(s) et déclarée(s) absente(s)"))
    if "type_zone" in e and e["type_zone"] not in TYPES_ZONE:
        problemes.append(Probleme(f"{quoi} : type de zone inconnu « {e['type_zone']} » (admis : {', '.join(TYPES_ZONE)})"))
    if e.get("doublon_de") and e["doublon_de"] not in ids:
        problemes.append(Probleme(f"{quoi} : « doublon_de » renvoie à une source inconnue « {e['doublon_de']} »"))
    for texte, statut in (e.get("codes_manquants") or {}).items():
        if statut not in STATUTS_DECLARABLES:
            problemes.append(Probleme(f"{quoi} : statut inconnu « {statut} » pour « {texte} »"))
    try:
        sorties = _sorties(e)
        for annee, p in annees(e):
            gabarit(p["source"], annee, annee)
            for _ind, _a, fichier, col in sorties:
                gabarit(fichier, annee, annee), gabarit(col, annee, annee)
    except (KeyError, IndexError, ValueError, TypeError, AttributeError) as err:
        return [*problemes, Probleme(f"{quoi} : gabarit ou réglage mal écrit ({err!r})")]
    for ind in sorted({s[0] for s in sorties} | set(e.get("non_publies") or {})):
        if ind not in codes_indicateurs:
            problemes.append(Probleme(f"{quoi} : indicateur « {ind} » absent de social_indicateurs.yaml"))
    return problemes


def charger_declaration(chemin: Path | None = None, dictionnaire: Dictionnaire | None = None) -> Declaration:
    """Lit et vérifie ``social_sources.yaml`` : clés de chaque entrée selon son lecteur, gabarits,
    indicateurs connus du dictionnaire. Lève :class:`ErreurDonnees` avec tous les problèmes."""
    chemin = Path(chemin or FICHIER_SOURCES)
    dictionnaire = dictionnaire or charger_indicateurs()
    contenu = _lire_yaml(chemin)
    problemes: list[Probleme] = []
    problemes += [Probleme(f"clé inconnue « {c} »") for c in sorted(set(contenu) - {"territoire", "codes_manquants", "sources"})]
    territoire = contenu.get("territoire") or {}
    sources = contenu.get("sources") or []
    if not sources:
        problemes.append(Probleme("aucune source déclarée (« sources »)"))
    codes = contenu.get("codes_manquants") or {"": "secret"}
    for texte, statut in codes.items():
        if statut not in STATUTS_DECLARABLES:
            problemes.append(Probleme(f"codes_manquants : statut inconnu « {statut} » pour « {texte} »"))
    ids = [e.get("id") for e in sources if isinstance(e, dict)]
    problemes += [Probleme(f"source « {i} » déclarée deux fois") for i in sorted({i for i in ids if ids.count(i) > 1})]
    for e in sources:
        if not isinstance(e, dict):
            problemes.append(Probleme(f"source mal écrite : {e!r}"))
            continue
        problemes += _verifier_entree(e, set(ids), set(dictionnaire.par_code))
    qpv = territoire.get("qpv") or {}
    if qpv.get("noms") and qpv["noms"] not in ids:
        problemes.append(Probleme(f"territoire.qpv.noms renvoie à une source inconnue « {qpv['noms']} »"))
    if problemes:
        raise ErreurDonnees(chemin.name, problemes)
    return Declaration(
        chemin=chemin, commune=str(territoire.get("commune", "")), referentiel_iris=territoire.get("referentiel_iris") or {},
        qpv=qpv, codes_manquants={str(t): STATUTS_DECLARABLES[s] for t, s in codes.items()}, sources=sources,
    )


# --- Contexte d'une lecture ---------------------------------------------------------------------


class Contexte:
    """Ce que partagent les lecteurs : dossier, déclarations, fichiers lus, référentiels, lignes produites."""

    def __init__(self, reference: Path, declaration: Declaration, dictionnaire: Dictionnaire,
                 progression: Callable[[str], None]):
        self.reference = Path(reference)
        self.declaration = declaration
        self.dictionnaire = dictionnaire
        self.progression = progression
        self.lignes: list[dict] = []
        self._index: dict[tuple, int] = {}
        self._fichiers: dict[tuple, Fichier] = {}
        self._iris: pd.DataFrame | None = None
        self._noms_qpv: dict[str, str] | None = None

    def fichier(self, relatif: str, reglages: dict) -> Fichier:
        cle = (relatif, reglages.get("separateur", ";"), reglages.get("decimale", ","))
        if cle not in self._fichiers:
            self._fichiers[cle] = Fichier(self.reference, relatif, sep=cle[1], decimale=cle[2])
        return self._fichiers[cle]

    def codes(self, reglages: dict) -> dict[str, str]:
        """Texte d'une cellule sans valeur -> statut, pour cette entrée (ou par défaut)."""
        propres = reglages.get("codes_manquants")
        if propres is None:
            return self.declaration.codes_manquants
        return {str(t): STATUTS_DECLARABLES[s] for t, s in propres.items()}

    def iris(self) -> pd.DataFrame:
        """IRIS de la commune suivie (référentiel INSEE) : CODE_IRIS, LIB_IRIS, TYP_IRIS."""
        if self._iris is None:
            ref = self.declaration.referentiel_iris
            self.progression(f"Référentiel des IRIS de la commune {self.declaration.commune} ({ref['fichier']}) …")
            f = self.fichier(ref["fichier"], ref)
            f.exiger(["CODE_IRIS", "LIB_IRIS", "TYP_IRIS", "DEPCOM"])
            iris = f.table[f.table["DEPCOM"] == self.declaration.commune][["CODE_IRIS", "LIB_IRIS", "TYP_IRIS"]]
            if "nombre" in ref and len(iris) != ref["nombre"]:
                raise ErreurDonnees(f.nom, [Probleme(f"{len(iris)} IRIS pour la commune {self.declaration.commune}, "
                                                     f"{ref['nombre']} attendus", colonne="DEPCOM")])
            self._iris = iris.sort_values("CODE_IRIS").reset_index(drop=True)
        return self._iris

    def noms_qpv(self) -> dict[str, str]:
        """Nom de chaque QPV suivi, tel qu'écrit (LIBGEO) dans les fichiers de la source ``territoire.qpv.noms``."""
        if self._noms_qpv is None:
            codes = self.declaration.qpv.get("codes", [])
            noms: dict[str, str] = {}
            if self.declaration.qpv.get("noms"):
                e = self.declaration.source(self.declaration.qpv["noms"])
                for edition, p in annees(e):
                    f = self.fichier(gabarit(p["fichier"], edition + p.get("decalage_annee", 0), edition), p)
                    f.exiger([p["colonne_code"], "LIBGEO"])
                    for code, (_, ligne) in f.lignes(p["colonne_code"], set(codes)).items():
                        noms.setdefault(code, ligne["LIBGEO"])
            manquants = [c for c in codes if c not in noms]
            if manquants:
                raise ErreurDonnees(self.declaration.chemin.name,
                                    [Probleme(f"nom du QPV {', '.join(manquants)} introuvable (territoire.qpv.noms)")])
            self._noms_qpv = noms
        return self._noms_qpv

    def ajouter(self, entree: dict, indicateur: str, type_zone: str, code_zone: str, nom_zone: str, annee: int,
                valeur, statut: str, source: str, detail: str, notes=()) -> None:
        cle = (indicateur, type_zone, code_zone, int(annee))
        if cle in self._index:
            autre = self.lignes[self._index[cle]]["_source"]
            raise ErreurDonnees(self.declaration.chemin.name, [Probleme(
                f"valeur en double : {cle}, donnée par les sources « {autre} » et « {entree['id']} »")])
        self._index[cle] = len(self.lignes)
        self.lignes.append({
            "indicateur": indicateur, "type_zone": type_zone, "code_zone": code_zone, "nom_zone": nom_zone,
            "annee": int(annee), "valeur": valeur, "unite": self.dictionnaire.unite(indicateur), "statut": statut,
            "source": source, "note": " ; ".join(n for n in notes if n), "source_detail": detail,
            "_source": entree["id"],
        })

    def ligne(self, cle: tuple) -> dict | None:
        i = self._index.get(cle)
        return None if i is None else self.lignes[i]


# --- Lecteurs -----------------------------------------------------------------------------------


def _colonnes(p: dict, annee: int, edition: int | None = None) -> dict[str, str]:
    return {ind: gabarit(col, annee, edition) for ind, col in p["colonnes"].items()}


def _par_iris(ctx: Contexte, e: dict, p: dict, annee: int, f: Fichier, colonnes: dict[str, str],
              regle_note: Callable, notes_fixes=()) -> None:
    """Une ligne par IRIS de la commune et par indicateur ; un IRIS absent du fichier a sa ligne vide."""
    iris = ctx.iris()
    commune = ctx.declaration.commune
    inconnus = sorted(set(f.table[p["colonne_code"]]) - set(iris["CODE_IRIS"]))
    inconnus = [c for c in inconnus if c.startswith(commune) and len(c) == 9]
    if inconnus:  # autre géographie des IRIS : on le signale au lieu de deviner une correspondance
        raise ErreurDonnees(f.nom, [Probleme(f"IRIS {', '.join(inconnus)} de la commune {commune} absents du référentiel "
                                             f"des IRIS ({ctx.declaration.referentiel_iris['fichier']}) : géographie "
                                             "différente, correspondance à établir", colonne=p["colonne_code"])])
    trouvees = f.lignes(p["colonne_code"], set(iris["CODE_IRIS"]))
    source = gabarit(p["source"], annee)
    codes = ctx.codes(p)
    col_nom = p.get("colonne_nom") if p.get("colonne_nom") in f.table.columns else None
    problemes: list[Probleme] = []
    for code, nom_ref in zip(iris["CODE_IRIS"], iris["LIB_IRIS"]):
        for ind, colonne in colonnes.items():
            detail = f.detail(colonne)
            if code not in trouvees:
                ctx.ajouter(e, ind, "IRIS", code, nom_ref, annee, None, SECRET, source, detail,
                            [p.get("note_absent"), *notes_fixes])
                continue
            numero, ligne = trouvees[code]
            nom = ligne[col_nom] if col_nom and ligne[col_nom] else nom_ref
            valeur, statut = lire_cellule(f, ligne, numero, colonne, problemes, codes)
            statut, notes = regle_note(ligne, numero, ind, valeur, statut, problemes)
            ctx.ajouter(e, ind, "IRIS", code, nom, annee, valeur, statut, source, detail, [*notes_fixes, *notes])
    _lever(f, problemes)


def lire_filosofi_iris(ctx: Contexte, e: dict) -> None:
    """Filosofi par IRIS : note de précaution (1 : évolution > 10 % ; 5 : anomalie) et arrondi des taux."""
    for annee, p in annees(e):
        f = ctx.fichier(gabarit(p["fichier"], annee), p)
        colonnes = _colonnes(p, annee)
        col_note = gabarit(p["colonne_note"], annee)
        arrondis = {ind: gabarit(col, annee) for ind, col in (p.get("colonne_arrondi") or {}).items()}
        f.exiger([p["colonne_code"], col_note, *colonnes.values(), *arrondis.values()])

        def regle(ligne, numero, ind, valeur, statut, problemes):
            notes = []
            note = ligne[col_note]
            if note == "5":
                if valeur is None:
                    statut = ANOMALIE
                else:
                    notes.append("note de précaution 5 de l'INSEE (données non diffusées en raison d'anomalies) "
                                 "alors qu'une valeur est donnée")
            elif note == "1":
                notes.append(NOTE_FILOSOFI_1)
            elif note not in ("0", "", "so"):
                problemes.append(Probleme(f"note de précaution inconnue « {note} »", ligne=numero, colonne=col_note))
            if ind in arrondis and valeur is not None:
                code_arrondi = ligne[arrondis[ind]]
                if code_arrondi in NOTE_INCERT:
                    notes.insert(0, NOTE_INCERT[code_arrondi])
                elif code_arrondi not in ("", "so"):
                    problemes.append(Probleme(f"code d'arrondi inconnu « {code_arrondi} »", ligne=numero,
                                              colonne=arrondis[ind]))
            return statut, notes

        _par_iris(ctx, e, p, annee, f, colonnes, regle)


def lire_caf_iris(ctx: Contexte, e: dict) -> None:
    """Allocataires Caf par IRIS : NOTE 3 ou 5 = IRIS non publié ; effectifs entiers."""
    for annee, p in annees(e):
        f = ctx.fichier(gabarit(p["fichier"], annee), p)
        colonnes = _colonnes(p, annee)
        col_note = p["colonne_note"]
        f.exiger([p["colonne_code"], col_note, *colonnes.values()])

        def regle(ligne, numero, ind, valeur, statut, problemes):
            notes = []
            note = ligne[col_note]
            if note in ("3", "5"):
                if valeur is None:
                    statut = CAF_NOTE_3 if note == "3" else CAF_NOTE_5
                else:
                    notes.append(f"code de note {note} du fichier alors qu'une valeur est donnée (signification non documentée)")
            elif note != "0":
                notes.append(f"code de note {note} du fichier (signification non documentée)")
            if isinstance(valeur, float) and not valeur.is_integer():
                problemes.append(Probleme(f"« {ligne[colonnes[ind]]} » : effectif non entier", ligne=numero, colonne=colonnes[ind]))
            return statut, notes

        _par_iris(ctx, e, p, annee, f, colonnes, regle, notes_fixes=[p.get("note")])


def lire_recensement_iris(ctx: Contexte, e: dict) -> None:
    """Recensement par IRIS d'habitat : tranches d'âge et personnes des ménages, plus deux sommes
    calculées par nous (population totale ; personnes des ménages, contrôlée contre une autre partition)."""
    iris = ctx.iris()
    types_iris = dict(zip(iris["CODE_IRIS"], iris["TYP_IRIS"]))
    for annee, p in annees(e):
        source = gabarit(p["source"], annee)
        codes = ctx.codes(p)
        col_code = p["colonne_code"]
        dp, dm = p["population"], p["menages"]
        pop = ctx.fichier(gabarit(dp["fichier"], annee), p)
        men = ctx.fichier(gabarit(dm["fichier"], annee), p)
        bandes = dp["colonnes"]
        cols_men = list(dict.fromkeys([*dm["colonnes"].values(), *dm["types"], *dm["controle"]]))
        pop.exiger([col_code, *bandes.values()])
        men.exiger([col_code, *cols_men])
        lignes_pop, lignes_men = pop.lignes(col_code, set(types_iris)), men.lignes(col_code, set(types_iris))
        problemes_pop: list[Probleme] = []
        problemes_men: list[Probleme] = []
        v_pop = {c: {col: lire_cellule(pop, l, n, col, problemes_pop, codes) for col in bandes.values()}
                 for c, (n, l) in lignes_pop.items()}
        v_men = {c: {col: lire_cellule(men, l, n, col, problemes_men, codes) for col in cols_men}
                 for c, (n, l) in lignes_men.items()}
        _lever(pop, problemes_pop)
        _lever(men, problemes_men)

        # La somme des types de ménages n'a de sens que s'ils partagent toutes les personnes des
        # ménages : on le vérifie IRIS par IRIS contre une autre partition (« controle »).
        ecarts = []
        for code, v in v_men.items():
            types_, controle = [v[c][0] for c in dm["types"]], [v[c][0] for c in dm["controle"]]
            if None in types_ or None in controle:
                continue
            if abs(sum(types_) - sum(controle)) > 1e-6 * max(1.0, sum(controle)):
                ecarts.append(code)
        somme_menages_ok = not ecarts and bool(v_men)
        if not somme_menages_ok:
            ctx.progression(
                f"  {dm['total']} non produit : la somme des types de ménages diffère de la somme de contrôle "
                f"pour {len(ecarts)} IRIS ({', '.join(ecarts[:5])}…)"
            )
        detail_total = pop.detail(" + ".join(bandes.values())).replace(", colonne ", ", colonnes ") + " (somme calculée par nous)"
        detail_menages = (men.detail(" + ".join(dm["types"])).replace(", colonne ", ", colonnes ")
                          + f" (somme calculée par nous ; contrôle : {' + '.join(dm['controle'])})")

        for code, nom in zip(iris["CODE_IRIS"], iris["LIB_IRIS"]):
            absent = [p["note_hors_habitat"] if types_iris[code] != "H" else p["note_absent"]]
            for ind, col in bandes.items():
                valeur, statut = v_pop[code][col] if code in v_pop else (None, ABSENT_EXTRAIT)
                ctx.ajouter(e, ind, "IRIS", code, nom, annee, valeur, statut, source, pop.detail(col),
                            [] if code in v_pop else absent)
            if code in v_pop:
                valeurs = [v for v, _ in v_pop[code].values()]
                total = None if None in valeurs else sum(valeurs)
                ctx.ajouter(e, dp["total"], "IRIS", code, nom, annee, total, PUBLIEE if total is not None else SECRET,
                            source, detail_total, [NOTE_POPULATION_TOTALE])
            else:
                ctx.ajouter(e, dp["total"], "IRIS", code, nom, annee, None, ABSENT_EXTRAIT, source, detail_total,
                            [*absent, NOTE_POPULATION_TOTALE])
            for ind, col in dm["colonnes"].items():
                valeur, statut = v_men[code][col] if code in v_men else (None, ABSENT_EXTRAIT)
                ctx.ajouter(e, ind, "IRIS", code, nom, annee, valeur, statut, source, men.detail(col),
                            [] if code in v_men else absent)
            if somme_menages_ok:
                if code in v_men:
                    types_ = [v_men[code][c][0] for c in dm["types"]]
                    total = None if None in types_ else sum(types_)
                    ctx.ajouter(e, dm["total"], "IRIS", code, nom, annee, total, PUBLIEE if total is not None else SECRET,
                                source, detail_menages, [NOTE_MENAGES])
                else:
                    ctx.ajouter(e, dm["total"], "IRIS", code, nom, annee, None, ABSENT_EXTRAIT, source, detail_menages,
                                [*absent, NOTE_MENAGES])


def lire_filosofi_qpv(ctx: Contexte, e: dict) -> None:
    """Filosofi par QPV : une ligne par zone déclarée (QPV, ou ligne « Ensemble » avec sa note)."""
    noms = ctx.noms_qpv()
    for annee, p in annees(e):
        f = ctx.fichier(gabarit(p["fichier"], annee), p)
        colonnes = _colonnes(p, annee)
        col_code, col_note = p["colonne_code"], gabarit(p["colonne_note"], annee)
        f.exiger([col_code, col_note, *colonnes.values()])
        zones = [(z.get("code_fichier", z["code"]), z) for z in p["zones"]]
        trouvees = f.lignes(col_code, {cf for cf, _ in zones})
        manquants = [cf for cf, _ in zones if cf not in trouvees]
        if manquants:
            raise ErreurDonnees(f.nom, [Probleme(f"ligne(s) {', '.join(manquants)} absente(s)", colonne=col_code)])
        source, codes = gabarit(p["source"], annee), ctx.codes(p)
        problemes: list[Probleme] = []
        for code_fichier, zone in zones:
            numero, ligne = trouvees[code_fichier]
            code = zone["code"]
            nom = zone.get("nom") or noms.get(code)
            if not nom:
                raise ErreurDonnees(ctx.declaration.chemin.name, [Probleme(f"source « {e['id']} » : nom de la zone {code} inconnu")])
            for ind, colonne in colonnes.items():
                valeur, statut = lire_cellule(f, ligne, numero, colonne, problemes, codes)
                notes = [zone.get("note")]
                if ligne[col_note] not in ("0", ""):
                    notes.append(f"note de précaution {ligne[col_note]} dans le fichier (signification non documentée pour ce fichier)")
                ctx.ajouter(e, ind, "QPV", code, nom, annee, valeur, statut, source, f.detail(colonne), notes)
        _lever(f, problemes)


def verifier_doublons(ctx: Contexte, e: dict) -> dict[int, tuple[int, int]]:
    """Pour chaque édition d'un export ANCT dont l'année (édition + décalage) a un fichier dans la
    source ``doublon_de`` : nombre de valeurs égales / comparées (indicateurs communs, zones communes)."""
    autre = ctx.declaration.source(e["doublon_de"])
    annees_autre = dict(annees(autre))
    resultat = {}
    for edition, p in annees(e):
        annee = edition + p["decalage_annee"]
        if annee not in annees_autre:
            continue
        q = annees_autre[annee]
        a, b = ctx.fichier(gabarit(p["fichier"], annee, edition), p), ctx.fichier(gabarit(q["fichier"], annee), q)
        b.exiger([q["colonne_code"]])
        codes = set(b.table[q["colonne_code"]])
        la, lb = a.lignes(p["colonne_code"], codes), b.lignes(q["colonne_code"], codes)
        egales = comparees = 0
        colonnes_b = _colonnes(q, annee)
        for ind, col_a in _colonnes(p, annee, edition).items():
            if ind not in colonnes_b:
                continue
            a.exiger([col_a])
            b.exiger([colonnes_b[ind]])
            for code in sorted(set(la) & set(lb)):
                va = convertir(la[code][1][col_a], a.decimale)
                vb = convertir(lb[code][1][colonnes_b[ind]], b.decimale)
                if isinstance(va, float) and isinstance(vb, float):
                    comparees += 1
                    egales += va == vb
        resultat[edition] = (egales, comparees)
    return resultat


def lire_anct_qpv(ctx: Contexte, e: dict) -> None:
    """Exports ANCT / SIG Ville par QPV : année des données = édition + décalage ; une valeur déjà
    donnée par la source ``doublon_de`` (l'INSEE) est gardée et comparée ; les copies d'une édition
    sont comparées au premier fichier, qui fait foi."""
    noms = ctx.noms_qpv()
    qpv = ctx.declaration.qpv.get("codes", [])
    decalage = e["decalage_annee"]
    verification, verifiees, autre = {}, [], None
    if e.get("doublon_de"):
        autre = ctx.declaration.source(e["doublon_de"])
        verification = verifier_doublons(ctx, e)
        texte = ", ".join(f"édition {ed} → {ed + decalage} : {eg}/{n} valeurs égales" for ed, (eg, n) in sorted(verification.items()))
        ctx.progression(f"  vérification « {e['nom']} » = « {autre['nom']} » (année = édition {'−' if decalage < 0 else '+'} {abs(decalage)}) : {texte or 'rien à comparer'}")
        verifiees = sorted(ed for ed, (eg, n) in verification.items() if n and eg == n)
    for edition, p in annees(e):
        annee = edition + decalage
        f = ctx.fichier(gabarit(p["fichier"], annee, edition), p)
        colonnes = _colonnes(p, annee, edition)
        f.exiger([p["colonne_code"], *colonnes.values()])
        copies = [ctx.fichier(gabarit(c, annee, edition), p) for c in p.get("copies") or []]
        for c in copies:
            c.exiger([p["colonne_code"], *colonnes.values()])
        trouvees = f.lignes(p["colonne_code"], set(qpv))
        trouvees_copies = [c.lignes(p["colonne_code"], set(qpv)) for c in copies]
        source, codes = gabarit(p["source"], annee, edition), ctx.codes(p)
        col_note = p.get("colonne_note")
        problemes: list[Probleme] = []
        for code in qpv:
            if code not in trouvees:
                problemes.append(Probleme(f"QPV {code} absent", colonne=p["colonne_code"]))
                continue
            numero, ligne = trouvees[code]
            for ind, colonne in colonnes.items():
                valeur, statut = lire_cellule(f, ligne, numero, colonne, problemes, codes)
                detail = f.detail(colonne)
                existante = ctx.ligne((ind, "QPV", code, annee))
                if autre is not None and existante is not None and existante["_source"] == autre["id"]:
                    # Même (indicateur, QPV, année) dans la source de l'INSEE : elle est gardée, celle-ci la vérifie.
                    if valeur == existante["valeur"]:
                        texte, comparaison = f"même valeur dans : {source}", "même valeur"
                    else:
                        affichee = "vide" if valeur is None else repr(valeur)
                        texte, comparaison = f"{source} donne {affichee} ; valeur INSEE gardée", f"autre valeur : {affichee}"
                    existante["note"] = " ; ".join(n for n in (existante["note"], texte) if n)
                    existante["source_detail"] += f" ; comparée à {detail} ({comparaison})"
                    continue
                notes = [f"export ANCT : le nom de fichier donne l'édition ({edition}), pas l'année des données ; "
                         f"année = édition {'−' if decalage < 0 else '+'} {abs(decalage)}", p.get("note")]
                if autre is not None:
                    notes.append(f"correspondance vérifiée sur les éditions {', '.join(map(str, verifiees))} "
                                 f"(valeurs égales à : {autre['nom']})" if verifiees else "correspondance non vérifiée sur les données")
                    if edition not in verification:
                        notes.append(f"non vérifiable pour cette édition (aucun fichier « {autre['nom']} » pour {annee})")
                    elif edition not in verifiees:
                        eg, n = verification[edition]
                        notes.append(f"pour cette édition, {eg} valeurs sur {n} seulement égales à : {autre['nom']} {annee}")
                if col_note and col_note in f.table.columns and ligne[col_note] not in ("0", ""):
                    notes.append(f"note de précaution Filosofi {ligne[col_note]} dans le fichier (signification non documentée)")
                for copie, lignes_copie in zip(copies, trouvees_copies):
                    if code not in lignes_copie:
                        continue
                    n2, l2 = lignes_copie[code]
                    v2, _ = lire_cellule(copie, l2, n2, colonne, problemes, codes)
                    if v2 == valeur:
                        notes.append(f"même valeur dans l'autre copie de l'édition {edition}")
                        detail += f" ; même valeur dans {copie.detail(colonne)}"
                    else:
                        notes.append(f"l'autre copie de l'édition {edition} donne une autre valeur : {l2[colonne] or 'vide'}")
                        detail += f" ; autre valeur dans {copie.detail(colonne)}"
                ctx.ajouter(e, ind, "QPV", code, noms[code], annee, valeur, statut, source, detail, notes)
        _lever(f, problemes)


def lire_territoire(ctx: Contexte, e: dict) -> None:
    """Fichier d'un niveau géographique (Filosofi commune, EPCI, département, région, France) : la
    ligne du territoire déclaré. Un indicateur que le fichier ne publie pas (« non_publies ») et une
    année sans fichier (« annees_absentes ») sont dits manquants, avec leur raison."""
    zone, type_zone = e["zone"], e["type_zone"]
    code, nom = str(zone["code"]), zone["nom"]
    code_fichier = str(zone.get("code_fichier", code))
    for annee, p in annees(e):
        f = ctx.fichier(gabarit(p["fichier"], annee), p)
        colonnes = _colonnes(p, annee)
        col_code, col_nom = p["colonne_code"], p.get("colonne_nom")
        f.exiger([col_code, *([col_nom] if col_nom else []), *colonnes.values()])
        trouvees = f.lignes(col_code, {code_fichier})
        if code_fichier not in trouvees:
            raise ErreurDonnees(f.nom, [Probleme(f"territoire {code_fichier} absent", colonne=col_code)])
        numero, ligne = trouvees[code_fichier]
        source, codes = gabarit(p["source"], annee), ctx.codes(p)
        notes = [p.get("note")]
        if col_nom and ligne[col_nom] and ligne[col_nom] != nom:
            notes.append(f"nom dans le fichier : « {ligne[col_nom]} »")
        repere = "" if code_fichier == code else f"{col_code} = {code_fichier}"
        problemes: list[Probleme] = []
        for ind, colonne in colonnes.items():
            valeur, statut = lire_cellule(f, ligne, numero, colonne, problemes, codes)
            ctx.ajouter(e, ind, type_zone, code, nom, annee, valeur, statut, source, f.detail(colonne, repere), notes)
        for ind, raison in (p.get("non_publies") or {}).items():
            ctx.ajouter(e, ind, type_zone, code, nom, annee, None, NON_PUBLIEE_FICHIER, source,
                        f"{f.nom} : aucune colonne pour cet indicateur", [raison, *notes])
        _lever(f, problemes)
    for annee, raison in sorted((e.get("annees_absentes") or {}).items()):
        relatif = gabarit(e["fichier"], annee)
        if (ctx.reference / "socio" / relatif).exists():
            raise ErreurDonnees(ctx.declaration.chemin.name, [Probleme(
                f"source « {e['id']} » : l'année {annee} est déclarée absente, mais socio/{relatif} existe : "
                "ajouter l'année à « annees »")])
        for ind in [*e["colonnes"], *(e.get("non_publies") or {})]:
            ctx.ajouter(e, ind, type_zone, code, nom, annee, None, ANNEE_ABSENTE, gabarit(e["source"], annee),
                        f"aucun fichier socio/{relatif} dans les sources", [raison])


def lire_serie_longue(ctx: Contexte, e: dict) -> None:
    """Un fichier, une ligne par territoire et année (colonne d'année) : les années déclarées du
    territoire déclaré, ni plus ni moins."""
    zone, type_zone = e["zone"], e["type_zone"]
    code, nom = str(zone["code"]), zone["nom"]
    code_fichier = str(zone.get("code_fichier", code))
    f = ctx.fichier(gabarit(e["fichier"]), e)
    col_code, col_annee, col_nom = e["colonne_code"], e["colonne_annee"], e.get("colonne_nom")
    reglages = dict(annees(e))
    f.exiger([col_code, col_annee, *([col_nom] if col_nom else []),
              *{gabarit(c, a) for a, p in reglages.items() for c in p["colonnes"].values()}])
    vues: dict[int, tuple[int, pd.Series]] = {}
    problemes: list[Probleme] = []
    for i, ligne in f.table.iterrows():
        if ligne[col_code] != code_fichier:
            continue
        numero, texte = int(i) + 2, ligne[col_annee]
        if not texte.isdigit() or int(texte) not in reglages:
            problemes.append(Probleme(f"année inattendue « {texte} » pour {code_fichier} (à déclarer dans « annees » "
                                      f"de la source « {e['id']} »)", ligne=numero, colonne=col_annee))
        elif int(texte) in vues:
            problemes.append(Probleme(f"année {texte} en double pour {code_fichier}", ligne=numero, colonne=col_annee))
        else:
            vues[int(texte)] = (numero, ligne)
    manquantes = [a for a in reglages if a not in vues]
    if manquantes:
        problemes.append(Probleme(f"années {', '.join(map(str, manquantes))} absentes pour {code_fichier}", colonne=col_annee))
    _lever(f, problemes)
    for annee, p in reglages.items():
        numero, ligne = vues[annee]
        notes = [p.get("note")]
        if col_nom and ligne[col_nom] and ligne[col_nom] != nom:
            notes.append(f"nom dans le fichier : « {ligne[col_nom]} »")
        for ind, colonne in _colonnes(p, annee).items():
            valeur, statut = lire_cellule(f, ligne, numero, colonne, problemes, ctx.codes(p))
            ctx.ajouter(e, ind, type_zone, code, nom, annee, valeur, statut, gabarit(p["source"], annee),
                        f.detail(colonne, f"{col_code} = {code_fichier} et {col_annee} = {annee}"), notes)
    _lever(f, problemes)


_CLES_FICHIER = {"fichier", "colonnes", "colonne_code"}
LECTEURS.update({
    "filosofi_iris": Lecteur(lire_filosofi_iris, frozenset(_CLES_FICHIER | {"colonne_note", "annees"}),
                             frozenset({"colonne_nom", "colonne_arrondi", "note_absent"}),
                             description="INSEE Filosofi par IRIS"),
    "caf_iris": Lecteur(lire_caf_iris, frozenset(_CLES_FICHIER | {"colonne_note", "annees"}),
                        frozenset({"colonne_nom", "note_absent"}), description="allocataires Caf par IRIS"),
    "recensement_iris": Lecteur(lire_recensement_iris,
                                frozenset({"population", "menages", "colonne_code", "annees", "note_absent", "note_hors_habitat"}),
                                description="recensement par IRIS d'habitat"),
    "filosofi_qpv": Lecteur(lire_filosofi_qpv, frozenset(_CLES_FICHIER | {"colonne_note", "zones", "annees"}),
                            description="INSEE Filosofi par QPV"),
    "anct_qpv": Lecteur(lire_anct_qpv, frozenset(_CLES_FICHIER | {"decalage_annee", "editions"}),
                        frozenset({"colonne_note", "doublon_de", "copies", "ecartees"}), cle_annees="editions",
                        description="exports ANCT / SIG Ville par QPV"),
    "territoire": Lecteur(lire_territoire, frozenset(_CLES_FICHIER | {"type_zone", "zone", "annees"}),
                          frozenset({"colonne_nom", "non_publies", "annees_absentes"}),
                          description="fichier d'un niveau géographique (commune, EPCI, département, région, France)"),
    "serie_longue": Lecteur(lire_serie_longue, frozenset(_CLES_FICHIER | {"colonne_annee", "type_zone", "zone", "annees"}),
                            frozenset({"colonne_nom"}), description="une ligne par territoire et année"),
})


# --- Point d'entrée -----------------------------------------------------------------------------


def _annonce(e: dict) -> str:
    lecteur = LECTEURS[e["lecteur"]]
    liste = [a for a, _ in annees(e)]
    quoi = ("édition" if lecteur.cle_annees == "editions" else "année") + ("s" if len(liste) > 1 else "")
    texte = f"{e['nom']} ({quoi} {periode(liste)}"
    if e.get("annees_absentes"):
        texte += f" ; sans fichier : {periode(list(e['annees_absentes']))}"
    if e.get("ecartees"):
        texte += f" ; éditions {' et '.join(map(str, sorted(e['ecartees'])))} écartées"
    return texte + ") …"


def _charger(declaration, dictionnaire) -> tuple[Declaration, Dictionnaire]:
    if not isinstance(dictionnaire, Dictionnaire):
        dictionnaire = charger_indicateurs(dictionnaire)
    if not isinstance(declaration, Declaration):
        declaration = charger_declaration(declaration, dictionnaire)
    return declaration, dictionnaire


def lire_sources(reference: Path, progression: Callable[[str], None] = print,
                 declaration: Declaration | Path | None = None,
                 dictionnaire: Dictionnaire | Path | None = None) -> pd.DataFrame:
    """Toutes les valeurs brutes déclarées, en un tableau aux colonnes :data:`COLONNES_SOCIAL`, trié
    par (indicateur, type_zone, code_zone, annee).

    ``reference`` est le dossier qui contient ``socio/`` (dans le projet :
    ``config.dossier_reference()``). ``declaration`` et ``dictionnaire`` : les fichiers YAML (par
    défaut ceux de ``ctg_data/``). ``progression`` reçoit une ligne en français par source. Lève
    :class:`ErreurDonnees` (fichier, ligne, colonne) sur tout fichier absent, cellule illisible ou
    déclaration mal écrite : rien n'est renvoyé à moitié."""
    declaration, dictionnaire = _charger(declaration, dictionnaire)
    ctx = Contexte(reference, declaration, dictionnaire, progression)
    for e in declaration.sources:
        progression(_annonce(e))
        LECTEURS[e["lecteur"]].lire(ctx, e)

    df = pd.DataFrame(ctx.lignes, columns=COLONNES_SOCIAL)
    df["annee"] = df["annee"].astype("int64")
    df["valeur"] = pd.to_numeric(df["valeur"], errors="raise").astype("float64")
    for col in COLONNES_SOCIAL:
        if col not in ("annee", "valeur"):
            df[col] = df[col].astype(str)
    df = df.sort_values(CLE, kind="mergesort").reset_index(drop=True)
    progression(f"Terminé : {len(df)} lignes, {df['indicateur'].nunique()} indicateurs, {int(df['valeur'].notna().sum())} valeurs.")
    return df


def verifier_revn(reference: Path, id_source: str = "anct_revn", declaration: Declaration | Path | None = None) -> dict[int, tuple[int, int]]:
    """Valeurs égales / comparées entre un export ANCT et sa source ``doublon_de``, par édition."""
    declaration, dictionnaire = _charger(declaration, None)
    return verifier_doublons(Contexte(reference, declaration, dictionnaire, lambda _m: None), declaration.source(id_source))


def couverture_iris(df: pd.DataFrame) -> pd.DataFrame:
    """Nombre d'IRIS avec une valeur, par indicateur et année."""
    iris = df[df["type_zone"] == "IRIS"]
    return (iris.assign(avec_valeur=iris["valeur"].notna())
            .groupby(["indicateur", "annee"])["avec_valeur"].agg(["sum", "size"])
            .rename(columns={"sum": "iris_avec_valeur", "size": "iris"}).reset_index())


# --- Dictionnaire des indicateurs ---------------------------------------------------------------


def _periode_entree(e: dict, annees_ind: list[int]) -> str:
    if LECTEURS[e["lecteur"]].cle_annees == "editions":
        d = e["decalage_annee"]
        return f"éditions {periode(annees_ind)} ; année des données = édition {'−' if d < 0 else '+'} {abs(d)}"
    return periode(annees_ind)


def lignes_dictionnaire(dictionnaire: Dictionnaire | Path | None = None,
                        declaration: Declaration | Path | None = None) -> list[dict[str, str]]:
    """Une ligne par indicateur (ordre du YAML). ``source`` : le nom de chaque série qui le donne
    et ses années (d'après social_sources.yaml), sauf pour un indicateur calculé qui a la sienne ;
    ``detail`` : le détail technique du YAML et les fichiers et colonnes lus."""
    declaration, dictionnaire = _charger(declaration, dictionnaire)
    series: dict[str, list[str]] = {}
    fichiers: dict[str, list[str]] = {}
    for e in declaration.sources:
        par_ind: dict[str, dict[tuple[str, str], list[int]]] = {}
        for ind, annee, fichier, colonne in _sorties(e):
            par_ind.setdefault(ind, {}).setdefault((fichier, colonne), []).append(annee)
        for ind, groupes in par_ind.items():
            toutes = sorted({a for liste in groupes.values() for a in liste})
            series.setdefault(ind, []).append(f"{e['nom']} ({_periode_entree(e, toutes)})")
            editions = LECTEURS[e["lecteur"]].cle_annees == "editions"
            for (fichier, colonne), liste in groupes.items():
                quand = ("éditions " if len(liste) > 1 else "édition ") if editions else ""
                mot = "colonnes" if " + " in colonne else "colonne"
                fichiers.setdefault(ind, []).append(f"socio/{fichier}, {mot} {colonne} ({quand}{periode(liste)})")
    lignes = []
    for i in dictionnaire.indicateurs:
        if i.get("territoires_seulement"):  # lu par les constructions des territoires, pas pour Dijon
            if series.get(i["code"]):
                raise ErreurDonnees(dictionnaire.chemin.name, [Probleme(
                    f"indicateur « {i['code']} » : dit « territoires_seulement » mais une source de "
                    "social_sources.yaml le donne")])
            continue
        communes = i.get("communes") or []
        precautions = [i.get("precautions"), *(dictionnaire.precautions_communes.get(c) for c in communes)]
        detail = [i.get("detail"), *(dictionnaire.details_communs.get(c) for c in communes)]
        if fichiers.get(i["code"]):
            detail.append("Fichiers lus : " + " ; ".join(fichiers[i["code"]]) + ".")
        source = i.get("source") or " ; ".join(series.get(i["code"], []))
        if not source:
            raise ErreurDonnees(dictionnaire.chemin.name, [Probleme(
                f"indicateur « {i['code']} » : aucune source ne le donne et il n'a pas de « source » propre")])
        lignes.append({
            "code": i["code"], "libelle": i["libelle"], "definition": i["definition"].strip(), "unite": i["unite"],
            "agregation": i["agregation"], "numerateur": i.get("numerateur") or "",
            "denominateur": i.get("denominateur") or "", "source": source.strip(),
            "precautions": " ".join(t.strip() for t in precautions if t), "detail": " ".join(t.strip() for t in detail if t),
        })
    return lignes


def ecrire_dictionnaire(chemin: Path, dictionnaire: Dictionnaire | Path | None = None,
                        declaration: Declaration | Path | None = None) -> int:
    """Écrit ``data/social_indicateurs.csv`` (UTF-8, virgules) depuis les deux YAML ; renvoie le
    nombre d'indicateurs."""
    lignes = lignes_dictionnaire(dictionnaire, declaration)
    with open(chemin, "w", encoding="utf-8", newline="") as sortie:
        ecrivain = csv.DictWriter(sortie, fieldnames=COLONNES_DICTIONNAIRE, lineterminator="\n")
        ecrivain.writeheader()
        ecrivain.writerows(lignes)
    return len(lignes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Lit les indicateurs sociaux bruts et écrit leur dictionnaire.")
    parser.add_argument("--reference", type=Path, help="dossier des données ouvertes brutes (contient socio/)")
    args = parser.parse_args(argv)
    try:
        df = lire_sources(args.reference or config.dossier_reference(), lambda m: print(f"[social] {m}", flush=True))
        chemin = config.dossier_donnees() / "social_indicateurs.csv"
        n = ecrire_dictionnaire(chemin)
    except ErreurDonnees as e:
        print(e.message(), file=sys.stderr)
        return 1
    print(f"[social] Dictionnaire écrit : {chemin} ({n} indicateurs).")
    print(couverture_iris(df).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
