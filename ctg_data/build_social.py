"""Indicateurs sociaux bruts (IRIS, QPV, comparaisons) lus dans les données ouvertes de ``socio/``.

    .venv/bin/python -m ctg_data.build_social                 # lit ../shared/reference, écrit le dictionnaire
    .venv/bin/python -m ctg_data.build_social --reference /chemin/vers/reference

Lit les extraits décrits dans ``socio/SOURCES.md`` (dossier de référence, ``CTG_REFERENCE_DIR``) et
renvoie UN tableau « long » de valeurs brutes (:func:`lire_sources`) : une ligne par indicateur,
zone et année, avec le statut de la valeur, sa source exacte (fichier et colonne) et ses précautions.

Règles :

- aucune valeur n'est calculée, estimée, arrondie ni complétée ; une cellule vide reste vide
  (``NaN``) avec la raison dans ``statut`` (secret statistique, « ns », « nd », « so », NOTE…) —
  jamais 0 ;
- trois exceptions, dites dans la note de chaque valeur : ``population_totale_2016`` (somme des six
  tranches d'âge du recensement 2016, le total manque dans l'extrait) et ``personnes_menages`` (somme
  des six types de ménages), calculées par nous ; et l'année des exports ANCT, qui n'est pas
  l'année du nom de fichier (édition) mais celle des données (édition − 4, vérifiée sur les données
  quand c'est possible) ;
- un IRIS de Dijon absent d'un fichier a quand même sa ligne (valeur vide, statut et raison), pour
  que la couverture se lise directement.

Le dictionnaire des indicateurs (``data/social_indicateurs.csv``) est écrit par
:func:`ecrire_dictionnaire` à partir de :data:`DICTIONNAIRE`.
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

from . import config
from .erreurs import ErreurDonnees, Probleme

COLONNES_SOCIAL = ["indicateur", "type_zone", "code_zone", "nom_zone", "annee", "valeur", "unite", "statut", "source", "note"]
COLONNES_DICTIONNAIRE = ["code", "libelle", "definition", "unite", "agregation", "numerateur", "denominateur", "source", "precautions"]
CLE = ["indicateur", "type_zone", "code_zone", "annee"]

CODE_DIJON = "21231"
CODE_EPCI = "242100410"
CODE_DEPARTEMENT = "21"
CODE_FRANCE = "FRMETRO"
QPV_DIJON = ["QP021003", "QP021004"]
# Ligne « Ensemble » des fichiers Filosofi QPV. Son périmètre n'est PAS l'ensemble des 6 QPV de
# Côte-d'Or : chaque année, son 1er décile est plus bas et son 9e décile plus haut que ceux de
# chacun des 6 QPV, ce qui est impossible pour leur réunion (voir NOTE_ENSEMBLE_QPV).
CODE_ENSEMBLE_QPV = "ENSEMBLE_QPV"

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
}
CODES_INSEE = {"ns": NS, "nd": ND, "so": SO}

# --- Textes de notes ----------------------------------------------------------------------------
NOTE_FILOSOFI_1 = "évolution du nombre de ménages > 10 % : comparer les années avec prudence"
NOTE_INCERT = {
    "1": "taux arrondi à l'unité (DISP_INCERT21 = 1 : IRIS de 1 000 à moins de 10 000 ménages)",
    "2": "taux arrondi à l'impair le plus proche (DISP_INCERT21 = 2 : IRIS de 500 à moins de 1 000 ménages)",
}
NOTE_FILOSOFI_ABSENT = (
    "IRIS absent du fichier diffusé par l'INSEE : aucune valeur publiée pour cet IRIS "
    "(SOURCES.md : IRIS d'activité, divers ou de petite taille)"
)
NOTE_CAF_ANNEE = "année du nom de fichier (libellé du dépôt, non confirmé par un dictionnaire)"
NOTE_RP_ABSENT = "IRIS hors habitat : le dépôt source n'a gardé que les IRIS d'habitat (type H)"
NOTE_POPULATION_TOTALE = "somme des tranches d'âge, calculée par nous (le total P16_POP manque dans l'extrait)"
NOTE_ENSEMBLE_QPV = (
    "ligne « Ensemble » du fichier Filosofi QPV, décrite comme « all QPV » dans SOURCES.md ; ce n'est pas "
    "l'ensemble des 6 QPV de Côte-d'Or (son 1er décile est inférieur et son 9e décile supérieur à ceux de "
    "chacun des 6 QPV, impossible pour leur réunion) : périmètre probablement national, non documenté"
)
NOTE_NEET = (
    "part des jeunes de 16 à 25 ans ni en emploi, ni en études ou formation (« NEET 16–25 ans » selon la "
    "légende du dépôt) ; indicateur calculé à partir du recensement de l'INSEE, producteur non documenté"
)
NOTE_ANCT = "export ANCT : le nom de fichier donne l'édition ({edition}), pas l'année des données ; année = édition − 4"
NOTE_FRANCE = "code « 1 » dans le fichier INSEE"


@dataclass(frozen=True)
class Indicateur:
    code: str
    colonne: str  # modèle de colonne, « {aa} » = année sur deux chiffres
    unite: str


FILOSOFI_IRIS = {  # année -> (fichier, séparateur décimal)
    2017: ("iris/filosofi_iris_2017_disp_cotedor.csv", ","),
    2018: ("iris/filosofi_iris_2018_disp_cotedor.csv", "."),
    2019: ("iris/filosofi_iris_2019_disp_cotedor.csv", "."),
    2021: ("iris/filosofi_iris_2021_disp_cotedor.csv", ","),
}
INDICATEURS_FILOSOFI_IRIS = [
    Indicateur("taux_pauvrete", "DISP_TP60{aa}", "%"),
    Indicateur("niveau_vie_median", "DISP_MED{aa}", "€"),
    Indicateur("niveau_vie_d1", "DISP_D1{aa}", "€"),
    Indicateur("part_prestations_sociales", "DISP_PPSOC{aa}", "%"),
]

CAF_IRIS = {annee: f"iris/caf_iris_{annee}_cotedor.csv" for annee in range(2016, 2021)}
INDICATEURS_CAF = [
    Indicateur("allocataires", "A", "allocataires"),
    Indicateur("allocataires_isoles_sans_enfant", "AI", "allocataires"),
    Indicateur("allocataires_monoparents", "AM", "allocataires"),
    Indicateur("allocataires_couples_sans_enfant", "ACSSENF", "allocataires"),
    Indicateur("allocataires_couples_avec_enfants", "ACAVENF", "allocataires"),
    Indicateur("allocataires_rsa_socle", "ARSAS", "allocataires"),
]

RP_POPULATION = "iris/rp2016_iris_population_age_csp_habitat_cotedor.csv"
RP_MENAGES = "iris/rp2016_iris_menages_habitat_cotedor.csv"
INDICATEURS_RP_AGE = [
    Indicateur("population_0_14", "P16_POP0014", "personnes"),
    Indicateur("population_15_29", "P16_POP1529", "personnes"),
    Indicateur("population_30_44", "P16_POP3044", "personnes"),
    Indicateur("population_45_59", "P16_POP4559", "personnes"),
    Indicateur("population_60_74", "P16_POP6074", "personnes"),
    Indicateur("population_75_plus", "P16_POP75P", "personnes"),
]
TYPES_MENAGES = [
    "C16_PMEN_MENHSEUL", "C16_PMEN_MENFSEUL", "C16_PMEN_MENSFAM",
    "C16_PMEN_MENCOUPSENF", "C16_PMEN_MENCOUPAENF", "C16_PMEN_MENFAMMONO",
]
CS_MENAGES = [f"C16_PMEN_CS{i}" for i in range(1, 9)]

QPV_FILOSOFI = {  # année -> (fichier, colonne du code, {indicateur: colonne}, colonne de note)
    2016: ("qpv/qpv_filosofi_2016_disp_cotedor.csv", "codgeo",
           {"taux_pauvrete": "tp60_a16", "niveau_vie_median": "disp_q2_a16", "niveau_vie_d1": "disp_d1_a16",
            "part_prestations_sociales": "disp_ppsoc_a16"}, "note"),
    2017: ("qpv/qpv_filosofi_2017_disp_cotedor.csv", "codgeo",
           {"taux_pauvrete": "tp60_a17", "niveau_vie_median": "disp_q2_a17", "niveau_vie_d1": "disp_d1_a17",
            "part_prestations_sociales": "disp_ppsoc_a17"}, "note"),
    2018: ("qpv/qpv_filosofi_2018_disp_cotedor.csv", "CODGEO",
           {"taux_pauvrete": "DISP_TP60_A18", "niveau_vie_median": "DISP_MED_A18", "niveau_vie_d1": "DISP_D1_A18",
            "part_prestations_sociales": "DISP_PPSOC_A18"}, "DISP_NOTE_A18"),
    2019: ("qpv/qpv_filosofi_2019_disp_cotedor.csv", "CODGEO",
           {"taux_pauvrete": "DISP_TP60_A19", "niveau_vie_median": "DISP_MED_A19", "niveau_vie_d1": "DISP_D1_A19",
            "part_prestations_sociales": "DISP_PPSOC_A19"}, "DISP_NOTE_A19"),
}
UNITES = {
    "taux_pauvrete": "%", "niveau_vie_median": "€", "niveau_vie_d1": "€", "part_prestations_sociales": "%",
    "part_moins_25_ans": "%", "part_jeunes_non_inseres": "%",
}

ECART_ANCT = 4  # année des données = édition − 4 (SOURCES.md, vérifié sur REVN 2021 et 2022)
REVN = {edition: f"qpv/qpv_revn_{edition}_cotedor.csv" for edition in (2017, 2018, 2019, 2021, 2022)}
INDICATEURS_REVN = [Indicateur("taux_pauvrete", "TP60", "%"), Indicateur("niveau_vie_median", "DISP_Q2", "€")]
# DEMO : pour chaque édition retenue, les fichiers qui la contiennent (le premier fait foi, les
# autres sont comparés). Éditions 2017 et 2018 écartées : leurs colonnes du recensement sont
# identiques (mêmes données), donc « édition − 4 » ne peut pas valoir pour les deux, et rien ne dit
# laquelle des années 2013 ou 2014 elles portent.
DEMO = {
    2019: ["qpv/qpv_demo_2019_cotedor.csv", "qpv/qpv_data_demo_2019_v1_cotedor.csv"],
    2020: ["qpv/qpv_data_demo_2020_v1_cotedor.csv"],
    2021: ["qpv/qpv_demo_2021_cotedor.csv", "qpv/qpv_data_demo_2021_v1_cotedor.csv"],
    2022: ["qpv/qpv_demo_2022_cotedor.csv"],
}
DEMO_ECARTEES = {2017: "qpv/qpv_demo_2017_cotedor.csv", 2018: "qpv/qpv_demo_2018_cotedor.csv"}

COMPARAISONS = [  # (type de zone, fichier, code dans le fichier, code retenu)
    ("commune", "commune/filosofi_commune_2019_disp_cotedor.csv", CODE_DIJON, CODE_DIJON),
    ("EPCI", "commune/filosofi_epci_2019_disp_dijon_metropole.csv", CODE_EPCI, CODE_EPCI),
    ("département", "commune/filosofi_dep_2019_disp_cotedor.csv", CODE_DEPARTEMENT, CODE_DEPARTEMENT),
    ("France métropolitaine", "commune/filosofi_metropole_2019_disp.csv", "1", CODE_FRANCE),
]
INDICATEURS_COMPARAISON = [
    Indicateur("niveau_vie_median", "Q219", "€"),
    Indicateur("niveau_vie_d1", "D119", "€"),
    Indicateur("part_prestations_sociales", "PPSOC19", "%"),
]
NEET = "commune/jeunes_non_inseres_communes_cotedor.csv"
ANNEES_NEET = (2008, 2013, 2018)
REFERENCE_IRIS = "iris/insee_reference_iris_geo2023_cotedor.csv"


# --- Lecture des fichiers -----------------------------------------------------------------------

NOMBRE = re.compile(r"^-?\d+(\.\d+)?$")


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

    def exiger(self, colonnes: list[str]) -> None:
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

    def source(self, editeur_jeu: str, colonne: str) -> str:
        return f"{editeur_jeu} — {self.nom} (colonne {colonne})"


def convertir(texte: str, decimale: str) -> float | str | None:
    """Texte d'une cellule -> nombre, code INSEE (« ns », « nd », « so ») ou None (cellule vide).

    Les séparateurs de milliers U+202F et U+00A0 sont retirés ; le séparateur décimal est celui
    déclaré pour le fichier. Lève ValueError sur tout autre texte."""
    t = texte.strip()
    if t == "":
        return None
    if t in CODES_INSEE:
        return t
    t = t.replace("\u202f", "").replace("\u00a0", "")
    autre = "." if decimale == "," else ","
    if autre in t:
        raise ValueError(f"séparateur « {autre} » inattendu (décimales avec « {decimale} » dans ce fichier)")
    t = t.replace(",", ".")
    if not NOMBRE.match(t):
        raise ValueError("n'est pas un nombre")
    return float(t)


class Collecte:
    """Accumule les lignes du tableau."""

    def __init__(self):
        self.lignes: list[dict] = []

    def ajouter(self, indicateur, type_zone, code_zone, nom_zone, annee, valeur, unite, statut, source, notes=()):
        self.lignes.append({
            "indicateur": indicateur, "type_zone": type_zone, "code_zone": code_zone, "nom_zone": nom_zone,
            "annee": int(annee), "valeur": valeur, "unite": unite, "statut": statut, "source": source,
            "note": " ; ".join(n for n in notes if n),
        })


def lire_cellule(fichier: Fichier, ligne: pd.Series, numero: int, colonne: str, problemes: list[Probleme]):
    """(valeur, statut) d'une cellule : statut PUBLIEE, SECRET ou code INSEE ; None si illisible."""
    try:
        brut = convertir(ligne[colonne], fichier.decimale)
    except ValueError as e:
        problemes.append(Probleme(f"« {ligne[colonne]} » : {e}", ligne=numero, colonne=colonne))
        return None, None
    if brut is None:
        return None, SECRET
    if isinstance(brut, str):
        return None, CODES_INSEE[brut]
    return brut, PUBLIEE


def _lever(fichier: Fichier, problemes: list[Probleme]) -> None:
    if problemes:
        raise ErreurDonnees(fichier.nom, problemes)


# --- Référentiel des IRIS et des QPV ------------------------------------------------------------


def iris_dijon(reference: Path) -> pd.DataFrame:
    """Les 66 IRIS de Dijon (référentiel INSEE au 1er janvier 2023) : CODE_IRIS, LIB_IRIS, TYP_IRIS."""
    f = Fichier(reference, REFERENCE_IRIS)
    f.exiger(["CODE_IRIS", "LIB_IRIS", "TYP_IRIS", "DEPCOM"])
    dijon = f.table[f.table["DEPCOM"] == CODE_DIJON][["CODE_IRIS", "LIB_IRIS", "TYP_IRIS"]]
    return dijon.sort_values("CODE_IRIS").reset_index(drop=True)


def noms_qpv(reference: Path) -> dict[str, str]:
    """Nom de chaque QPV de Dijon, tel qu'écrit dans les exports ANCT (les fichiers Filosofi QPV n'en ont pas)."""
    noms: dict[str, str] = {}
    for relatif in REVN.values():
        f = Fichier(reference, relatif)
        f.exiger(["CODGEO", "LIBGEO"])
        for code, (_, ligne) in f.lignes("CODGEO", QPV_DIJON).items():
            noms.setdefault(code, ligne["LIBGEO"])
    manquants = [c for c in QPV_DIJON if c not in noms]
    if manquants:
        raise ErreurDonnees("socio/qpv/qpv_revn_*", [Probleme(f"QPV {', '.join(manquants)} introuvable(s)", colonne="CODGEO")])
    return noms


# --- Groupes de fichiers ------------------------------------------------------------------------


def _filosofi_iris(reference: Path, iris: pd.DataFrame, c: Collecte) -> None:
    for annee, (relatif, decimale) in FILOSOFI_IRIS.items():
        aa = f"{annee % 100:02d}"
        f = Fichier(reference, relatif, decimale=decimale)
        col_note = f"DISP_NOTE{aa}"
        col_incert = f"DISP_INCERT{aa}" if annee == 2021 else None
        colonnes = [i.colonne.format(aa=aa) for i in INDICATEURS_FILOSOFI_IRIS]
        f.exiger(["IRIS", col_note, *colonnes, *([col_incert] if col_incert else [])])
        trouvees = f.lignes("IRIS", set(iris["CODE_IRIS"]))
        jeu = f"INSEE, Filosofi {annee}, revenus disponibles par IRIS"
        problemes: list[Probleme] = []
        for code, nom_ref in zip(iris["CODE_IRIS"], iris["LIB_IRIS"]):
            for ind, colonne in zip(INDICATEURS_FILOSOFI_IRIS, colonnes):
                source = f.source(jeu, colonne)
                if code not in trouvees:
                    c.ajouter(ind.code, "IRIS", code, nom_ref, annee, None, ind.unite, SECRET, source, [NOTE_FILOSOFI_ABSENT])
                    continue
                numero, ligne = trouvees[code]
                nom = ligne["LIBIRIS"] if "LIBIRIS" in f.table.columns and ligne["LIBIRIS"] else nom_ref
                valeur, statut = lire_cellule(f, ligne, numero, colonne, problemes)
                notes = []
                note_prec = ligne[col_note]
                if note_prec == "5":
                    if valeur is None:
                        statut = ANOMALIE
                    else:
                        notes.append(f"{col_note} = 5 (données non diffusées en raison d'anomalies) alors qu'une valeur est donnée")
                elif note_prec == "1":
                    notes.append(NOTE_FILOSOFI_1)
                elif note_prec not in ("0", "", "so"):
                    problemes.append(Probleme(f"note de précaution inconnue « {note_prec} »", ligne=numero, colonne=col_note))
                if col_incert and ind.code == "taux_pauvrete" and valeur is not None:
                    incert = ligne[col_incert]
                    if incert in NOTE_INCERT:
                        notes.insert(0, NOTE_INCERT[incert])
                    elif incert not in ("", "so"):
                        problemes.append(Probleme(f"code d'arrondi inconnu « {incert} »", ligne=numero, colonne=col_incert))
                c.ajouter(ind.code, "IRIS", code, nom, annee, valeur, ind.unite, statut, source, notes)
        _lever(f, problemes)


def _caf_iris(reference: Path, iris: pd.DataFrame, c: Collecte) -> None:
    for annee, relatif in CAF_IRIS.items():
        f = Fichier(reference, relatif, decimale=",")
        f.exiger(["CODGEO", "NOTE", *[i.colonne for i in INDICATEURS_CAF]])
        trouvees = f.lignes("CODGEO", set(iris["CODE_IRIS"]))
        jeu = f"CNAF, allocataires Caf au 31 décembre par IRIS, {annee} selon le nom de fichier"
        problemes: list[Probleme] = []
        for code, nom_ref in zip(iris["CODE_IRIS"], iris["LIB_IRIS"]):
            for ind in INDICATEURS_CAF:
                source = f.source(jeu, ind.colonne)
                if code not in trouvees:
                    c.ajouter(ind.code, "IRIS", code, nom_ref, annee, None, ind.unite, SECRET, source,
                              ["IRIS absent du fichier", NOTE_CAF_ANNEE])
                    continue
                numero, ligne = trouvees[code]
                nom = ligne["LIBGEO"] if "LIBGEO" in f.table.columns and ligne["LIBGEO"] else nom_ref
                valeur, statut = lire_cellule(f, ligne, numero, ind.colonne, problemes)
                notes = [NOTE_CAF_ANNEE]
                note = ligne["NOTE"]
                if note in ("3", "5"):
                    if valeur is None:
                        statut = CAF_NOTE_3 if note == "3" else CAF_NOTE_5
                    else:
                        notes.append(f"NOTE = {note} alors qu'une valeur est donnée (signification non documentée)")
                elif note != "0":
                    notes.append(f"NOTE = {note} (signification non documentée)")
                if isinstance(valeur, float) and not valeur.is_integer():
                    problemes.append(Probleme(f"« {ligne[ind.colonne]} » : effectif non entier", ligne=numero, colonne=ind.colonne))
                c.ajouter(ind.code, "IRIS", code, nom, annee, valeur, ind.unite, statut, source, notes)
        _lever(f, problemes)


def _recensement_iris(reference: Path, iris: pd.DataFrame, c: Collecte, progression: Callable[[str], None]) -> None:
    annee = 2016
    jeu = "INSEE, recensement de la population 2016, bases infracommunales (IRIS d'habitat)"
    pop = Fichier(reference, RP_POPULATION, sep=",", decimale=".")
    men = Fichier(reference, RP_MENAGES, sep=",", decimale=".")
    pop.exiger(["IRIS", *[i.colonne for i in INDICATEURS_RP_AGE]])
    men.exiger(["IRIS", *TYPES_MENAGES, *CS_MENAGES])
    codes = set(iris["CODE_IRIS"])
    lignes_pop, lignes_men = pop.lignes("IRIS", codes), men.lignes("IRIS", codes)
    types = dict(zip(iris["CODE_IRIS"], iris["TYP_IRIS"]))

    def absent(code: str) -> tuple[str, list[str]]:
        if types[code] != "H":
            return ABSENT_EXTRAIT, [NOTE_RP_ABSENT]
        return ABSENT_EXTRAIT, ["IRIS d'habitat absent de l'extrait (raison inconnue)"]

    problemes_pop: list[Probleme] = []
    problemes_men: list[Probleme] = []
    totaux_pop: dict[str, float | None] = {}
    valeurs_men: dict[str, dict[str, float | None]] = {}
    for code in iris["CODE_IRIS"]:
        if code in lignes_pop:
            numero, ligne = lignes_pop[code]
            bandes = [lire_cellule(pop, ligne, numero, i.colonne, problemes_pop)[0] for i in INDICATEURS_RP_AGE]
            totaux_pop[code] = None if any(v is None for v in bandes) else sum(bandes)
        if code in lignes_men:
            numero, ligne = lignes_men[code]
            valeurs_men[code] = {col: lire_cellule(men, ligne, numero, col, problemes_men)[0] for col in TYPES_MENAGES + CS_MENAGES}
    _lever(pop, problemes_pop)
    _lever(men, problemes_men)

    # La somme des six types de ménages n'a de sens que s'ils partagent toutes les personnes des
    # ménages : on le vérifie IRIS par IRIS contre une autre partition, la catégorie
    # socioprofessionnelle de la personne de référence (C16_PMEN_CS1 à CS8).
    ecarts = []
    for code, v in valeurs_men.items():
        types_, cs = [v[col] for col in TYPES_MENAGES], [v[col] for col in CS_MENAGES]
        if None in types_ or None in cs:
            continue
        if abs(sum(types_) - sum(cs)) > 1e-6 * max(1.0, sum(cs)):
            ecarts.append(code)
    somme_menages_ok = not ecarts and bool(valeurs_men)
    if not somme_menages_ok:
        progression(
            "  personnes_menages non produit : la somme des six types de ménages diffère de la somme par "
            f"catégorie socioprofessionnelle pour {len(ecarts)} IRIS ({', '.join(ecarts[:5])}…)"
        )
    note_menages = (
        "somme des six types de ménages, calculée par nous (égale, IRIS par IRIS, à la somme des personnes "
        "des ménages par catégorie socioprofessionnelle de la personne de référence, C16_PMEN_CS1 à CS8)"
    )

    for code, nom in zip(iris["CODE_IRIS"], iris["LIB_IRIS"]):
        for ind in INDICATEURS_RP_AGE:
            source = pop.source(jeu, ind.colonne)
            if code in lignes_pop:
                numero, ligne = lignes_pop[code]
                valeur, statut = lire_cellule(pop, ligne, numero, ind.colonne, [])
                c.ajouter(ind.code, "IRIS", code, nom, annee, valeur, ind.unite, statut, source)
            else:
                statut, notes = absent(code)
                c.ajouter(ind.code, "IRIS", code, nom, annee, None, ind.unite, statut, source, notes)
        source_total = pop.source(jeu, " + ".join(i.colonne for i in INDICATEURS_RP_AGE)).replace("(colonne ", "(colonnes ")
        if code in lignes_pop:
            total = totaux_pop[code]
            statut = PUBLIEE if total is not None else SECRET
            c.ajouter("population_totale_2016", "IRIS", code, nom, annee, total, "personnes", statut, source_total,
                      [NOTE_POPULATION_TOTALE])
        else:
            statut, notes = absent(code)
            c.ajouter("population_totale_2016", "IRIS", code, nom, annee, None, "personnes", statut, source_total,
                      [*notes, NOTE_POPULATION_TOTALE])

        source_mono = men.source(jeu, "C16_PMEN_MENFAMMONO")
        source_somme = men.source(jeu, " + ".join(TYPES_MENAGES)).replace("(colonne ", "(colonnes ")
        if code in valeurs_men:
            v = valeurs_men[code]
            mono = v["C16_PMEN_MENFAMMONO"]
            c.ajouter("personnes_menages_monoparentaux", "IRIS", code, nom, annee, mono, "personnes",
                      PUBLIEE if mono is not None else SECRET, source_mono)
            if somme_menages_ok:
                types_ = [v[col] for col in TYPES_MENAGES]
                total = None if None in types_ else sum(types_)
                c.ajouter("personnes_menages", "IRIS", code, nom, annee, total, "personnes",
                          PUBLIEE if total is not None else SECRET, source_somme, [note_menages])
        else:
            statut, notes = absent(code)
            c.ajouter("personnes_menages_monoparentaux", "IRIS", code, nom, annee, None, "personnes", statut, source_mono, notes)
            if somme_menages_ok:
                c.ajouter("personnes_menages", "IRIS", code, nom, annee, None, "personnes", statut, source_somme,
                          [*notes, note_menages])


def _qpv_filosofi(reference: Path, noms: dict[str, str], c: Collecte) -> dict[tuple[str, str, int], tuple[float | None, str]]:
    """Ajoute les lignes Filosofi QPV ; renvoie (indicateur, QPV, année) -> (valeur, fichier) pour la
    comparaison avec les exports ANCT."""
    valeurs: dict[tuple[str, str, int], tuple[float | None, str]] = {}
    for annee, (relatif, col_code, colonnes, col_note) in QPV_FILOSOFI.items():
        f = Fichier(reference, relatif, decimale=",")
        f.exiger([col_code, col_note, *colonnes.values()])
        trouvees = f.lignes(col_code, {*QPV_DIJON, "Ensemble"})
        manquants = [q for q in [*QPV_DIJON, "Ensemble"] if q not in trouvees]
        if manquants:
            raise ErreurDonnees(f.nom, [Probleme(f"ligne(s) {', '.join(manquants)} absente(s)", colonne=col_code)])
        jeu = f"INSEE, Filosofi {annee}, revenus disponibles par QPV"
        problemes: list[Probleme] = []
        for code_fichier in [*QPV_DIJON, "Ensemble"]:
            numero, ligne = trouvees[code_fichier]
            ensemble = code_fichier == "Ensemble"
            code = CODE_ENSEMBLE_QPV if ensemble else code_fichier
            nom = "Ensemble des QPV (ligne « Ensemble » du fichier)" if ensemble else noms[code_fichier]
            for indicateur, colonne in colonnes.items():
                valeur, statut = lire_cellule(f, ligne, numero, colonne, problemes)
                notes = [NOTE_ENSEMBLE_QPV] if ensemble else []
                if ligne[col_note] not in ("0", ""):
                    notes.append(f"{col_note} = {ligne[col_note]} (signification non documentée pour ce fichier)")
                c.ajouter(indicateur, "QPV", code, nom, annee, valeur, UNITES[indicateur], statut,
                          f.source(jeu, colonne), notes)
                valeurs[(indicateur, code, annee)] = (valeur, f.nom)
        _lever(f, problemes)
    return valeurs


def verifier_revn(reference: Path) -> dict[int, tuple[int, int]]:
    """Pour chaque édition REVN dont l'année « édition − 4 » a un fichier Filosofi QPV : nombre de
    valeurs égales / comparées (TP60 et DISP_Q2, les 6 QPV de Côte-d'Or)."""
    resultat = {}
    for edition, relatif in REVN.items():
        annee = edition - ECART_ANCT
        if annee not in QPV_FILOSOFI:
            continue
        revn = Fichier(reference, relatif, decimale=",")
        fichier, col_code, colonnes, _ = QPV_FILOSOFI[annee]
        filo = Fichier(reference, fichier, decimale=",")
        codes = {q for q in filo.table[col_code] if q.startswith("QP")}
        l_revn, l_filo = revn.lignes("CODGEO", codes), filo.lignes(col_code, codes)
        egales = comparees = 0
        for ind in INDICATEURS_REVN:
            for code in sorted(set(l_revn) & set(l_filo)):
                a = convertir(l_revn[code][1][ind.colonne], ",")
                b = convertir(l_filo[code][1][colonnes[ind.code]], ",")
                if isinstance(a, float) and isinstance(b, float):
                    comparees += 1
                    egales += a == b
        resultat[edition] = (egales, comparees)
    return resultat


def _anct(reference: Path, noms: dict[str, str], filosofi: dict, c: Collecte, progression: Callable[[str], None]) -> None:
    verification = verifier_revn(reference)
    texte_verif = ", ".join(f"édition {e} → {e - ECART_ANCT} : {eg}/{n} valeurs égales" for e, (eg, n) in sorted(verification.items()))
    progression(f"  vérification REVN = Filosofi QPV (édition − {ECART_ANCT}) : {texte_verif}")
    verifiees = sorted(e for e, (eg, n) in verification.items() if n and eg == n)
    note_verif = (
        f"correspondance vérifiée sur les éditions {', '.join(map(str, verifiees))} (TP60 et DISP_Q2 égaux à Filosofi QPV)"
        if verifiees else "correspondance non vérifiée sur les données"
    )
    for edition, relatif in REVN.items():
        annee = edition - ECART_ANCT
        f = Fichier(reference, relatif, decimale=",")
        f.exiger(["CODGEO", *[i.colonne for i in INDICATEURS_REVN]])
        trouvees = f.lignes("CODGEO", set(QPV_DIJON))
        jeu = f"ANCT / SIG Ville, indicateurs REVN édition {edition} (Filosofi {annee}, année = édition − {ECART_ANCT})"
        problemes: list[Probleme] = []
        for code in QPV_DIJON:
            if code not in trouvees:
                problemes.append(Probleme(f"QPV {code} absent", colonne="CODGEO"))
                continue
            numero, ligne = trouvees[code]
            for ind in INDICATEURS_REVN:
                valeur, statut = lire_cellule(f, ligne, numero, ind.colonne, problemes)
                cle = (ind.code, code, annee)
                if cle in filosofi:
                    # Même (indicateur, QPV, année) dans Filosofi QPV : on garde Filosofi, meilleure source.
                    _annoter_filosofi(c, cle, valeur, edition, f.nom, ind.colonne)
                    continue
                notes = [NOTE_ANCT.format(edition=edition), note_verif]
                if edition not in verification:
                    notes.append(f"non vérifiable pour cette édition (pas de fichier Filosofi QPV {annee})")
                elif edition not in verifiees:
                    eg, n = verification[edition]
                    notes.append(f"pour cette édition, {eg} valeurs sur {n} seulement égales à Filosofi QPV {annee}")
                if "NOTE_FILO" in f.table.columns and ligne["NOTE_FILO"] not in ("0", ""):
                    notes.append(f"NOTE_FILO = {ligne['NOTE_FILO']} (signification non documentée)")
                c.ajouter(ind.code, "QPV", code, noms[code], annee, valeur, ind.unite, statut, f.source(jeu, ind.colonne), notes)
        _lever(f, problemes)

    for edition, fichiers in DEMO.items():
        annee = edition - ECART_ANCT
        lus = [Fichier(reference, r, decimale=",") for r in fichiers]
        for f in lus:
            f.exiger(["CODGEO", "TX_TOT_0A24"])
        principal = lus[0]
        trouvees = [f.lignes("CODGEO", set(QPV_DIJON)) for f in lus]
        jeu = f"ANCT / SIG Ville, indicateurs DEMO édition {edition} (recensement {annee}, année = édition − {ECART_ANCT})"
        problemes: list[Probleme] = []
        for code in QPV_DIJON:
            if code not in trouvees[0]:
                problemes.append(Probleme(f"QPV {code} absent", colonne="CODGEO"))
                continue
            numero, ligne = trouvees[0][code]
            valeur, statut = lire_cellule(principal, ligne, numero, "TX_TOT_0A24", problemes)
            notes = [
                NOTE_ANCT.format(edition=edition),
                "SOURCES.md : légendes du dépôt, édition 2019 → recensement 2015 et 2023 → 2019",
            ]
            for autre, lignes_autre in zip(lus[1:], trouvees[1:]):
                if code not in lignes_autre:
                    continue
                n2, l2 = lignes_autre[code]
                v2, _ = lire_cellule(autre, l2, n2, "TX_TOT_0A24", problemes)
                if v2 == valeur:
                    notes.append(f"même valeur dans {autre.nom}")
                else:
                    notes.append(f"{autre.nom} donne une autre valeur : {l2['TX_TOT_0A24'] or 'vide'}")
            c.ajouter("part_moins_25_ans", "QPV", code, noms[code], annee, valeur, "%", statut,
                      principal.source(jeu, "TX_TOT_0A24"), notes)
        _lever(principal, problemes)


def _annoter_filosofi(c: Collecte, cle: tuple[str, str, int], valeur_anct, edition: int, fichier: str, colonne: str) -> None:
    indicateur, code, annee = cle
    for ligne in c.lignes:
        if (ligne["indicateur"], ligne["type_zone"], ligne["code_zone"], ligne["annee"]) == (indicateur, "QPV", code, annee):
            if valeur_anct == ligne["valeur"]:
                texte = f"même valeur dans l'export ANCT REVN édition {edition} ({fichier}, colonne {colonne})"
            else:
                affichee = "vide" if valeur_anct is None else repr(valeur_anct)
                texte = f"l'export ANCT REVN édition {edition} donne {affichee} ({fichier}, colonne {colonne}) ; valeur INSEE gardée"
            ligne["note"] = " ; ".join(n for n in (ligne["note"], texte) if n)
            return
    raise AssertionError(f"ligne Filosofi QPV introuvable pour {cle}")


def _comparaisons(reference: Path, c: Collecte) -> None:
    for type_zone, relatif, code_fichier, code in COMPARAISONS:
        f = Fichier(reference, relatif, decimale=",")
        f.exiger(["CODGEO", "LIBGEO", *[i.colonne for i in INDICATEURS_COMPARAISON]])
        trouvees = f.lignes("CODGEO", {code_fichier})
        if code_fichier not in trouvees:
            raise ErreurDonnees(f.nom, [Probleme(f"territoire {code_fichier} absent", colonne="CODGEO")])
        numero, ligne = trouvees[code_fichier]
        jeu = f"INSEE, Filosofi 2019, revenus disponibles par {type_zone}"
        problemes: list[Probleme] = []
        for ind in INDICATEURS_COMPARAISON:
            valeur, statut = lire_cellule(f, ligne, numero, ind.colonne, problemes)
            notes = [NOTE_FRANCE] if code == CODE_FRANCE else []
            c.ajouter(ind.code, type_zone, code, ligne["LIBGEO"], 2019, valeur, ind.unite, statut, f.source(jeu, ind.colonne), notes)
        _lever(f, problemes)


def _neet(reference: Path, c: Collecte) -> None:
    f = Fichier(reference, NEET, decimale=",")
    f.exiger(["codgeo", "libgeo", "an", "part_non_inseres"])
    problemes: list[Probleme] = []
    vues = set()
    for i, ligne in f.table.iterrows():
        if ligne["codgeo"] != CODE_DIJON:
            continue
        numero = int(i) + 2
        if not ligne["an"].isdigit() or int(ligne["an"]) not in ANNEES_NEET:
            problemes.append(Probleme(f"année inattendue « {ligne['an']} »", ligne=numero, colonne="an"))
            continue
        annee = int(ligne["an"])
        if annee in vues:
            problemes.append(Probleme(f"année {annee} en double pour {CODE_DIJON}", ligne=numero, colonne="an"))
            continue
        vues.add(annee)
        valeur, statut = lire_cellule(f, ligne, numero, "part_non_inseres", problemes)
        jeu = f"producteur non documenté (d'après le recensement INSEE), jeunes non insérés (NEET 16–25 ans), {annee}"
        c.ajouter("part_jeunes_non_inseres", "commune", CODE_DIJON, ligne["libgeo"], annee, valeur, "%", statut,
                  f.source(jeu, "part_non_inseres"), [NOTE_NEET])
    manquantes = [a for a in ANNEES_NEET if a not in vues]
    if manquantes:
        problemes.append(Probleme(f"années {', '.join(map(str, manquantes))} absentes pour {CODE_DIJON}", colonne="an"))
    _lever(f, problemes)


# --- Point d'entrée -----------------------------------------------------------------------------


def lire_sources(reference: Path, progression: Callable[[str], None] = print) -> pd.DataFrame:
    """Toutes les valeurs brutes, en un tableau aux colonnes :data:`COLONNES_SOCIAL`, trié par
    (indicateur, type_zone, code_zone, annee).

    ``reference`` est le dossier qui contient ``socio/`` (dans le projet :
    ``config.dossier_reference()``). ``progression`` reçoit une ligne en français par groupe de
    fichiers. Lève :class:`ErreurDonnees` (fichier, ligne, colonne) sur tout fichier absent ou
    cellule illisible : rien n'est renvoyé à moitié."""
    reference = Path(reference)
    c = Collecte()
    progression(f"Référentiel des IRIS de Dijon ({REFERENCE_IRIS}) …")
    iris = iris_dijon(reference)
    if len(iris) != 66:
        raise ErreurDonnees(f"socio/{REFERENCE_IRIS}", [Probleme(f"{len(iris)} IRIS pour Dijon, 66 attendus", colonne="DEPCOM")])
    noms = noms_qpv(reference)

    progression(f"Filosofi par IRIS ({len(FILOSOFI_IRIS)} fichiers : {', '.join(map(str, FILOSOFI_IRIS))}) …")
    _filosofi_iris(reference, iris, c)
    progression(f"Allocataires Caf par IRIS ({len(CAF_IRIS)} fichiers : {min(CAF_IRIS)}–{max(CAF_IRIS)}) …")
    _caf_iris(reference, iris, c)
    progression("Recensement 2016 par IRIS d'habitat (population par âge, personnes des ménages) …")
    _recensement_iris(reference, iris, c, progression)
    progression(f"Filosofi par QPV ({len(QPV_FILOSOFI)} fichiers : {min(QPV_FILOSOFI)}–{max(QPV_FILOSOFI)}) …")
    filosofi_qpv = _qpv_filosofi(reference, noms, c)
    progression(
        f"Exports ANCT des QPV (REVN éditions {', '.join(map(str, REVN))} ; DEMO éditions {', '.join(map(str, DEMO))}, "
        f"éditions {' et '.join(map(str, DEMO_ECARTEES))} écartées) …"
    )
    _anct(reference, noms, filosofi_qpv, c, progression)
    progression("Filosofi 2019 des territoires de comparaison (Dijon, Dijon Métropole, Côte-d'Or, France métropolitaine) …")
    _comparaisons(reference, c)
    progression(f"Jeunes non insérés à Dijon ({', '.join(map(str, ANNEES_NEET))}) …")
    _neet(reference, c)

    df = pd.DataFrame(c.lignes, columns=COLONNES_SOCIAL)
    doublons = df[df.duplicated(CLE, keep=False)]
    if not doublons.empty:
        premier = doublons.iloc[0]
        raise ErreurDonnees("socio/", [Probleme(f"valeur en double : {tuple(premier[CLE])}")])
    df["annee"] = df["annee"].astype("int64")
    df["valeur"] = pd.to_numeric(df["valeur"], errors="raise").astype("float64")
    for col in COLONNES_SOCIAL:
        if col not in ("annee", "valeur"):
            df[col] = df[col].astype(str)
    df = df.sort_values(CLE, kind="mergesort").reset_index(drop=True)
    progression(f"Terminé : {len(df)} lignes, {df['indicateur'].nunique()} indicateurs, {int(df['valeur'].notna().sum())} valeurs.")
    return df


def couverture_iris(df: pd.DataFrame) -> pd.DataFrame:
    """Nombre d'IRIS de Dijon avec une valeur, par indicateur et année."""
    iris = df[df["type_zone"] == "IRIS"]
    return (iris.assign(avec_valeur=iris["valeur"].notna())
            .groupby(["indicateur", "annee"])["avec_valeur"].agg(["sum", "size"])
            .rename(columns={"sum": "iris_avec_valeur", "size": "iris"}).reset_index())


# --- Dictionnaire des indicateurs ---------------------------------------------------------------

_FILO_IRIS = "INSEE, Filosofi (revenus disponibles) par IRIS 2017, 2018, 2019, 2021"
_FILO_QPV = "INSEE, Filosofi par QPV 2016–2019"
_FILO_COMP = "INSEE, Filosofi 2019 (commune, EPCI, département, France métropolitaine)"
_REVN = "ANCT / SIG Ville, indicateurs REVN (éditions 2017–2019 : années 2013–2015)"
_CAF = "CNAF, allocataires Caf par IRIS 2016–2020 (extraits d'un dépôt public, origine du téléchargement non documentée)"
_RP = "INSEE, recensement de la population 2016, bases infracommunales (IRIS d'habitat)"
_PRECAUTIONS_FILOSOFI = (
    "Ménages fiscaux. Note de précaution DISP_NOTE = 1 : nombre de ménages en hausse ou baisse de plus de 10 % "
    "sur un an, évolutions à lire avec prudence ; 5 : non diffusé (anomalies). IRIS d'activité, divers et petits "
    "IRIS sans valeur. Ne jamais faire la moyenne de valeurs d'IRIS."
)
_PRECAUTIONS_CAF = (
    "Effectifs d'allocataires au 31 décembre. L'année est celle du nom de fichier (libellé du dépôt, aucun "
    "dictionnaire) ; producteur et téléchargement non documentés. Cellule vide = non publiée (petits effectifs) ; "
    "NOTE = 3 ou 5 : IRIS entièrement non publié, sens des codes non documenté."
)
_PRECAUTIONS_RP = (
    "Recensement 2016, données anciennes ; estimations pondérées de l'INSEE (non entières, gardées telles quelles). "
    "Seulement les 61 IRIS d'habitat de Dijon (le dépôt source a retiré les IRIS d'activité et divers)."
)

DICTIONNAIRE: list[dict[str, str]] = [
    {
        "code": "taux_pauvrete", "libelle": "Taux de pauvreté", "unite": "%", "agregation": "ponderee_population",
        "numerateur": "", "denominateur": "population_totale_2016",
        "definition": "Part des personnes dont le niveau de vie (revenu disponible par unité de consommation) est "
                      "inférieur à 60 % du niveau de vie médian de France métropolitaine.",
        "source": f"{_FILO_IRIS} (DISP_TP60) ; {_FILO_QPV} (TP60) ; {_REVN} (TP60)",
        "precautions": "Publié seulement si au moins 200 personnes et 11 ménages se trouvent de chaque côté du seuil ; "
                       "SOURCES.md indique un bornage à 5 et 95 %, mais le fichier 2021 contient des taux de 3 et 4 %. "
                       "En 2021, taux arrondis (DISP_INCERT21 = 1 : à l'unité ; 2 : à l'entier impair le plus proche, "
                       "IRIS de 500 à 999 ménages). Agrégation par moyenne pondérée par la population 2016 faute de "
                       "numérateur : approximation. Absent des fichiers Filosofi communaux 2019 (non inventé). "
                       "ANCT : année = édition − 4. " + _PRECAUTIONS_FILOSOFI,
    },
    {
        "code": "niveau_vie_median", "libelle": "Niveau de vie médian", "unite": "€", "agregation": "non_agregeable",
        "numerateur": "", "denominateur": "",
        "definition": "Revenu disponible par unité de consommation qui partage les personnes en deux moitiés égales, "
                      "en euros par an.",
        "source": f"{_FILO_IRIS} (DISP_MED) ; {_FILO_QPV} (DISP_MED, disp_q2) ; {_FILO_COMP} (Q2) ; {_REVN} (DISP_Q2)",
        "precautions": "Une médiane ne s'additionne ni ne se moyenne : pas de valeur par quartier. " + _PRECAUTIONS_FILOSOFI,
    },
    {
        "code": "niveau_vie_d1", "libelle": "1er décile de niveau de vie", "unite": "€", "agregation": "non_agregeable",
        "numerateur": "", "denominateur": "",
        "definition": "Niveau de vie (revenu disponible par unité de consommation) sous lequel se situent les 10 % "
                      "de personnes les plus modestes, en euros par an.",
        "source": f"{_FILO_IRIS} (DISP_D1) ; {_FILO_QPV} (DISP_D1) ; {_FILO_COMP} (D1)",
        "precautions": "Un décile ne se moyenne pas : pas de valeur par quartier. " + _PRECAUTIONS_FILOSOFI,
    },
    {
        "code": "part_prestations_sociales", "libelle": "Part des prestations sociales dans le revenu disponible",
        "unite": "%", "agregation": "non_agregeable", "numerateur": "", "denominateur": "",
        "definition": "Poids de l'ensemble des prestations sociales (familiales, minima sociaux, logement) dans le "
                      "revenu disponible des ménages.",
        "source": f"{_FILO_IRIS} (DISP_PPSOC) ; {_FILO_QPV} (DISP_PPSOC) ; {_FILO_COMP} (PPSOC)",
        "precautions": "Part de masses de revenus dont on n'a pas les montants : pas de moyenne entre IRIS. "
                       + _PRECAUTIONS_FILOSOFI,
    },
    *[
        {
            "code": code, "libelle": libelle, "unite": "allocataires", "agregation": "somme",
            "numerateur": "", "denominateur": "", "definition": definition,
            "source": f"{_CAF} (colonne {colonne})", "precautions": _PRECAUTIONS_CAF,
        }
        for code, libelle, colonne, definition in [
            ("allocataires", "Allocataires Caf", "A",
             "Nombre de foyers allocataires de la Caf (une personne par foyer bénéficiaire d'au moins une prestation)."),
            ("allocataires_isoles_sans_enfant", "Allocataires isolés sans enfant", "AI",
             "Nombre d'allocataires vivant seuls, sans enfant."),
            ("allocataires_monoparents", "Allocataires monoparents", "AM",
             "Nombre d'allocataires élevant seuls leur(s) enfant(s)."),
            ("allocataires_couples_sans_enfant", "Allocataires en couple sans enfant", "ACSSENF",
             "Nombre d'allocataires en couple, sans enfant."),
            ("allocataires_couples_avec_enfants", "Allocataires en couple avec enfant(s)", "ACAVENF",
             "Nombre d'allocataires en couple avec au moins un enfant."),
            ("allocataires_rsa_socle", "Allocataires du RSA socle", "ARSAS",
             "Nombre d'allocataires percevant le revenu de solidarité active socle."),
        ]
    ],
    *[
        {
            "code": code, "libelle": libelle, "unite": "personnes", "agregation": "somme",
            "numerateur": "", "denominateur": "", "definition": f"Nombre d'habitants {tranche} en 2016.",
            "source": f"{_RP} (colonne {colonne})", "precautions": _PRECAUTIONS_RP,
        }
        for code, libelle, colonne, tranche in [
            ("population_0_14", "Population de 0 à 14 ans", "P16_POP0014", "âgés de 0 à 14 ans"),
            ("population_15_29", "Population de 15 à 29 ans", "P16_POP1529", "âgés de 15 à 29 ans"),
            ("population_30_44", "Population de 30 à 44 ans", "P16_POP3044", "âgés de 30 à 44 ans"),
            ("population_45_59", "Population de 45 à 59 ans", "P16_POP4559", "âgés de 45 à 59 ans"),
            ("population_60_74", "Population de 60 à 74 ans", "P16_POP6074", "âgés de 60 à 74 ans"),
            ("population_75_plus", "Population de 75 ans ou plus", "P16_POP75P", "âgés de 75 ans ou plus"),
        ]
    ],
    {
        "code": "population_totale_2016", "libelle": "Population totale (2016)", "unite": "personnes",
        "agregation": "somme", "numerateur": "", "denominateur": "",
        "definition": "Nombre d'habitants en 2016 : somme des six tranches d'âge, calculée par le tableau de bord.",
        "source": f"{_RP} (colonnes P16_POP0014 à P16_POP75P)",
        "precautions": "Calculée par nous : le total P16_POP manque dans l'extrait. Sert de poids aux taux "
                       "(moyenne pondérée) quelle que soit l'année du taux. " + _PRECAUTIONS_RP,
    },
    {
        "code": "personnes_menages_monoparentaux", "libelle": "Personnes vivant dans une famille monoparentale",
        "unite": "personnes", "agregation": "somme", "numerateur": "", "denominateur": "",
        "definition": "Nombre de personnes (parent et enfants) vivant dans un ménage dont la famille principale est "
                      "monoparentale, en 2016.",
        "source": f"{_RP} (colonne C16_PMEN_MENFAMMONO)",
        "precautions": "Personnes, pas familles : le nombre de familles monoparentales (C16_FAMMONO) manque dans "
                       "l'extrait. " + _PRECAUTIONS_RP,
    },
    {
        "code": "personnes_menages", "libelle": "Personnes vivant en ménage", "unite": "personnes",
        "agregation": "somme", "numerateur": "", "denominateur": "",
        "definition": "Nombre de personnes vivant dans un ménage ordinaire en 2016 : somme des personnes des six types "
                      "de ménages (hommes seuls, femmes seules, autres ménages sans famille, couples sans enfant, "
                      "couples avec enfant(s), familles monoparentales), calculée par le tableau de bord.",
        "source": f"{_RP} (colonnes C16_PMEN_MENHSEUL, MENFSEUL, MENSFAM, MENCOUPSENF, MENCOUPAENF, MENFAMMONO)",
        "precautions": "Calculée par nous ; la somme est égale, IRIS par IRIS, à celle des personnes des ménages par "
                       "catégorie socioprofessionnelle de la personne de référence (C16_PMEN_CS1 à CS8). Exclut les "
                       "personnes hors ménage (foyers, internats…). " + _PRECAUTIONS_RP,
    },
    {
        "code": "part_personnes_familles_monoparentales", "libelle": "Part des personnes vivant dans une famille monoparentale",
        "unite": "%", "agregation": "ratio", "numerateur": "personnes_menages_monoparentaux",
        "denominateur": "personnes_menages",
        "definition": "Part des personnes vivant en ménage qui vivent dans une famille monoparentale (parent et "
                      "enfants), en 2016.",
        "source": f"Calcul du tableau de bord à partir de : {_RP}",
        "precautions": "Indicateur calculé (pas de valeur brute) : personnes_menages_monoparentaux / personnes_menages "
                       "× 100, sommés sur les IRIS. Ce n'est pas la part des familles monoparentales parmi les familles. "
                       + _PRECAUTIONS_RP,
    },
    {
        "code": "part_moins_25_ans", "libelle": "Part des moins de 25 ans", "unite": "%",
        "agregation": "ponderee_population", "numerateur": "", "denominateur": "population_totale_2016",
        "definition": "Part des habitants âgés de moins de 25 ans dans la population du quartier prioritaire.",
        "source": "ANCT / SIG Ville, indicateurs DEMO par QPV, éditions 2019–2022 (recensements 2015–2018), colonne TX_TOT_0A24",
        "precautions": "L'année du nom de fichier est l'édition ; année des données = édition − 4 (SOURCES.md : "
                       "édition 2019 → recensement 2015, 2023 → 2019). Éditions 2017 et 2018 écartées : mêmes "
                       "données du recensement dans les deux, on ne peut pas dire de quelle année. QPV de la "
                       "géographie 2015. Aucun dictionnaire dans le dépôt (libellé confirmé par son code).",
    },
    {
        "code": "part_jeunes_non_inseres", "libelle": "Part des jeunes non insérés (NEET 16–25 ans)", "unite": "%",
        "agregation": "non_agregeable", "numerateur": "", "denominateur": "",
        "definition": "Part des jeunes de 16 à 25 ans qui ne sont ni en emploi, ni en études ou en formation.",
        "source": "Producteur non documenté (calcul d'après le recensement de l'INSEE), jeunes non insérés par commune, "
                  "2008, 2013, 2018, colonne part_non_inseres",
        "precautions": "Valeur communale seulement. Définition d'après la légende du dépôt (« NEET 16–25 ans ») ; "
                       "producteur et méthode non documentés. Une moyenne demanderait la population des 16–25 ans.",
    },
]


def ecrire_dictionnaire(chemin: Path) -> None:
    """Écrit ``data/social_indicateurs.csv`` (UTF-8, virgules), une ligne par indicateur, dans l'ordre de
    :data:`DICTIONNAIRE`."""
    with open(chemin, "w", encoding="utf-8", newline="") as sortie:
        ecrivain = csv.DictWriter(sortie, fieldnames=COLONNES_DICTIONNAIRE, lineterminator="\n")
        ecrivain.writeheader()
        for ligne in DICTIONNAIRE:
            ecrivain.writerow({col: ligne[col] for col in COLONNES_DICTIONNAIRE})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Lit les indicateurs sociaux bruts et écrit leur dictionnaire.")
    parser.add_argument("--reference", type=Path, help="dossier des données ouvertes brutes (contient socio/)")
    args = parser.parse_args(argv)
    try:
        df = lire_sources(args.reference or config.dossier_reference(), lambda m: print(f"[social] {m}", flush=True))
    except ErreurDonnees as e:
        print(e.message(), file=sys.stderr)
        return 1
    chemin = config.dossier_donnees() / "social_indicateurs.csv"
    ecrire_dictionnaire(chemin)
    print(f"[social] Dictionnaire écrit : {chemin} ({len(DICTIONNAIRE)} indicateurs).")
    print(couverture_iris(df).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
