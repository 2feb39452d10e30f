"""Données d'un territoire CTG de la Côte-d'Or (un EPCI ou une liste de communes) : carte et contexte social.

    .venv/bin/python -m ctg_data.build_territoires --epci 200070894 --id gevrey-nuits
    .venv/bin/python -m ctg_data.build_territoires --communes 21464,21295 --id essai --nom "Deux communes"
    options : --reference CHEMIN (dossier des données ouvertes brutes, défaut : CTG_REFERENCE_DIR ou
              ../shared/reference), --sortie CHEMIN (défaut : data/territoires/donnees),
              --fusion 21178=21513 (contour 2018 d'une commune fusionnée depuis, à ajouter à sa commune nouvelle)

Première brique du ticket 14 : la même construction pour n'importe quel EPCI de la Côte-d'Or. Lit le
dossier de référence (jamais copié dans le projet) et écrit dans ``<sortie>/<identifiant>/`` :

- ``communes.geojson``  les communes du territoire (contours IGN Admin Express 2018), simplifiées en
  gardant les limites communes identiques (``shapely.coverage_simplify``), coordonnées à 5 décimales ;
  propriétés ``code``, ``nom`` (noms 2020) et ``note`` ;
- ``contour.geojson``   le contour du territoire (union des communes) ;
- ``social.csv``        valeurs par commune et pour les territoires de comparaison (l'EPCI lui-même, la
  Côte-d'Or, la région, la France métropolitaine), aux colonnes de ``data/social.csv`` : INSEE Filosofi
  (communes 2014–2016, 2018, 2019 ; autres niveaux 2014–2019) et jeunes non insérés (NEET) ;
- ``indicateurs.csv``   dictionnaire des indicateurs du fichier précédent (colonnes de
  ``data/social_indicateurs.csv``) ;
- ``manifeste.json``    sources en mots, fichiers lus (origine, empreinte SHA-256), licences, date de
  construction, couverture (communes avec une valeur, par indicateur et année), tailles des fichiers.

Règles (celles de ``ctg_data/build_social.py``, dont on reprend la lecture des cellules et, dans
``social_sources.yaml``, le nom des sources et leurs années) : aucun nombre n'est estimé, arrondi ni
complété ; une valeur absente a sa ligne, vide, avec sa raison (jamais 0) ; aucune médiane n'est
moyennée : la valeur de l'EPCI est lue dans le fichier des EPCI. Les communes de la composition 2020 qui
ont changé depuis les contours 2018 (communes nouvelles) sont dites, jamais corrigées en silence.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from . import build_social as bs
from . import config
from .erreurs import ErreurDonnees, Probleme

FICHIER_COMPOSITION = "geo/epci_communes_2020_cotedor.csv"
FICHIER_CONTOURS = "geo/communes_21_cote_d_or_adminexpress2018.geojson"
DOSSIER_SORTIE = Path("territoires") / "donnees"  # sous data/
LAMBERT93, WGS84 = 2154, 4326
# Chiffres mis en avant sur l'accueil d'un territoire construit (fichier de départ, modifiable).
CHIFFRES_CLES_DE_DEPART = [
    ("niveau_vie_median", "Niveau de vie médian"),
    ("niveau_vie_d1", "Niveau de vie du 1er décile (les 10 % les plus modestes)"),
    ("part_prestations_sociales", "Part des prestations sociales dans le revenu disponible"),
    ("part_jeunes_non_inseres", "Jeunes de 16-25 ans ni en emploi, ni en études, ni en formation (NEET)"),
]
TOLERANCE_M = 50  # simplification (les contours sources sont déjà simplifiés : mapshaper, 25 %)
DECIMALES = 5  # ~1 m

IDENTIFIANT = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SIREN = re.compile(r"^\d{9}$")
CODE_COMMUNE = re.compile(r"^\d[\dAB]\d{3}$")

# Sources de social_sources.yaml dont on reprend le nom, le fichier, les années et les notes.
SOURCES_FILOSOFI = {
    "commune": "filosofi_commune",
    "EPCI": "filosofi_epci",
    "département": "filosofi_departement",
    "région": "filosofi_region",
    "France métropolitaine": "filosofi_france",
}
SOURCES_NEET = {
    "commune": "neet_commune",
    "EPCI": "neet_epci",
    "département": "neet_departement",
    "région": "neet_region",
}

# Colonne de chaque indicateur dans les fichiers Filosofi des communes, EPCI, départements, régions et de la
# France (suffixe = année sur deux chiffres) : la même pour les deux constructions des territoires (celle-ci
# et ctg_data/comparaison_epci.py). Les noms qui changent entre 2014 et 2016 (PTSAC14, PBEN14 / PACT, PTSA,
# PCHO) ne sont pas lus : ceux-ci existent sous le même nom chaque année. Libellé, définition, unité, règle
# et précautions de chaque indicateur : ctg_data/social_indicateurs.yaml, et nulle part ailleurs.
COLONNES_FILOSOFI = {
    "menages_fiscaux": "NBMEN{aa}",
    "personnes_menages_fiscaux": "NBPERS{aa}",
    "niveau_vie_median": "Q2{aa}",
    "niveau_vie_d1": "D1{aa}",
    "niveau_vie_d9": "D9{aa}",
    "rapport_interdecile": "RD",
    "part_prestations_sociales": "PPSOC{aa}",
    "part_prestations_familiales": "PPFAM{aa}",
    "part_minima_sociaux": "PPMINI{aa}",
    "part_prestations_logement": "PPLOGT{aa}",
}
# Indicateurs Filosofi du dossier d'un territoire (communes et territoires de comparaison).
INDICATEURS_FILOSOFI = ["menages_fiscaux", "personnes_menages_fiscaux", "niveau_vie_median", "niveau_vie_d1",
                        "niveau_vie_d9", "part_prestations_sociales", "part_prestations_familiales",
                        "part_minima_sociaux", "part_prestations_logement"]
INDICATEURS_NEET = ["part_jeunes_non_inseres"]  # colonne : social_sources.yaml (entrées neet_*)


def definitions(dictionnaire: bs.Dictionnaire, codes: list[str]) -> dict[str, dict]:
    """La définition de chaque code dans ``social_indicateurs.yaml`` (seul endroit où un indicateur est
    défini) ; un code absent du dictionnaire arrête la construction."""
    par_code = dictionnaire.par_code
    absents = [c for c in codes if c not in par_code]
    if absents:
        raise ErreurDonnees(dictionnaire.chemin.name, [Probleme(
            f"indicateur « {c} » lu par la construction des territoires mais absent du dictionnaire") for c in absents])
    return {c: par_code[c] for c in codes}


# Origine des fichiers lus, d'après les SOURCES.md du dossier de référence.
_AUBRY = "aubryprieur/streamlit_data_territoire @ 7618e8e946ed4a83af2706d48335db333f06e32b"
_AUBRY_NEET = "aubryprieur/streamlit_data_territoire @ 2d0c90b803a4c83ca864908600e1db563bd16350"
LICENCE_INSEE = ("Données publiques de l'INSEE, habituellement sous Licence Ouverte / Etalab 2.0 : les dépôts "
                 "d'origine ne le précisent pas, à vérifier avant republication (socio/SOURCES.md)")
ORIGINES = [
    (r"geo/epci_communes_2020_cotedor\.csv", f"{_AUBRY}, EPCI_2020.csv",
     "INSEE, composition communale des EPCI à fiscalité propre au 1er janvier 2020", LICENCE_INSEE,
     "geo/SOURCES.md, section 5"),
    (r"geo/communes_21_cote_d_or_adminexpress2018\.geojson",
     "gregoiredavid/france-geojson @ 45daa2d069a8da3ec4efb6672388fc3dc02e36e2, "
     "departements/21-cote-d-or/communes-21-cote-d-or.geojson",
     "IGN Admin Express COG 2018 (contours) et INSEE COG 2018 (codes et noms)",
     "Licence Ouverte / Etalab (selon le README du dépôt d'origine)", "geo/SOURCES.md, section 3"),
    (r"socio/commune/filosofi_commune_(\d{4})_.*", _AUBRY + ", revenu/revenu_commune/FILO{0}_DISP_COM.csv",
     "INSEE, Filosofi {0}, communes", LICENCE_INSEE, "socio/SOURCES.md, sections 6 et 8"),
    (r"socio/commune/filosofi_epci_(\d{4})_.*", _AUBRY + ", revenu/revenu_epci/FILO{0}_DISP_EPCI.csv",
     "INSEE, Filosofi {0}, EPCI", LICENCE_INSEE, "socio/SOURCES.md, sections 6 et 8"),
    (r"socio/commune/filosofi_dep_(\d{4})_.*", _AUBRY + ", revenu/revenu_dpt/FILO{0}_DISP_DEP.csv",
     "INSEE, Filosofi {0}, départements", LICENCE_INSEE, "socio/SOURCES.md, sections 6 et 8"),
    (r"socio/commune/filosofi_region_(\d{4})_.*", _AUBRY + ", revenu/revenu_region/FILO{0}_DISP_REG.csv",
     "INSEE, Filosofi {0}, régions", LICENCE_INSEE, "socio/SOURCES.md, section 8"),
    (r"socio/commune/filosofi_metropole_(\d{4})_.*", _AUBRY + ", revenu/revenu_france/FILO{0}_DISP_METROPOLE.csv",
     "INSEE, Filosofi {0}, France métropolitaine", LICENCE_INSEE, "socio/SOURCES.md, sections 6 et 8"),
    (r"socio/commune/jeunes_non_inseres_communes_.*", _AUBRY_NEET + ", jeunesse/neet/neet_communes_2018.csv",
     "Jeunes non insérés (NEET 16–25 ans), communes ; producteur non documenté", "inconnue (producteur non documenté)",
     "socio/SOURCES.md, section 6"),
    (r"socio/commune/jeunes_non_inseres_epci_.*", _AUBRY_NEET + ", jeunesse/neet/neet_epci_2018.csv",
     "Jeunes non insérés (NEET 16–25 ans), EPCI ; producteur non documenté", "inconnue (producteur non documenté)",
     "socio/SOURCES.md, section 8"),
    (r"socio/commune/jeunes_non_inseres_dep_.*", _AUBRY_NEET + ", jeunesse/neet/neet_dpt_2018.csv",
     "Jeunes non insérés (NEET 16–25 ans), départements ; producteur non documenté",
     "inconnue (producteur non documenté)", "socio/SOURCES.md, section 8"),
    (r"socio/commune/jeunes_non_inseres_region_.*", _AUBRY_NEET + ", jeunesse/neet/neet_region_2018.csv",
     "Jeunes non insérés (NEET 16–25 ans), régions ; producteur non documenté", "inconnue (producteur non documenté)",
     "socio/SOURCES.md, section 8"),
]

# Statuts propres à ce fichier (les autres viennent de build_social).
ABSENTE_FICHIER = "absente du fichier"
EPCI_AVANT_2017 = "EPCI absent du fichier (géographie d'avant 2017)"
NOTE_COMMUNE_ABSENTE = ("commune absente du fichier diffusé par l'INSEE : aucune valeur publiée "
                        "(petite commune, secret statistique)")
NOTE_ZERO_NEET = ("0 écrit tel quel dans le fichier : aucun jeune non inséré compté, ou petit effectif ; le "
                  "producteur n'est pas documenté, à lire avec prudence")
NOTE_EPCI_ABSENT = ("ce SIREN n'est pas dans le fichier de cette année : les fichiers EPCI 2014 et 2015 suivent la "
                    "géographie d'avant les fusions du 1er janvier 2017 (socio/SOURCES.md, section 8)")


def _rien(_message: str) -> None:
    pass


@dataclass
class Rapport:
    """Ce que la construction a fait et ce qu'elle a trouvé d'anormal, pour le terminal et les tests."""

    identifiant: str
    nom: str
    siren: str | None
    dossier: Path
    communes: list[tuple[str, str]]  # (code INSEE, nom 2020)
    sans_contour: list[str] = field(default_factory=list)  # codes de la composition sans contour 2018
    renommees: list[dict] = field(default_factory=list)  # nom 2018 différent du nom 2020
    fusions_probables: list[dict] = field(default_factory=list)  # contours 2018 voisins absents de la composition
    fusions_appliquees: dict[str, list[str]] = field(default_factory=dict)
    avertissements: list[str] = field(default_factory=list)
    couverture: list[dict] = field(default_factory=list)
    fichiers: dict[str, int] = field(default_factory=dict)  # nom -> octets
    lignes_sociales: int = 0
    duree_s: float = 0.0

    @property
    def total_octets(self) -> int:
        return sum(self.fichiers.values())

    def resume(self) -> str:
        lignes = [f"Territoire « {self.nom} » ({self.identifiant}) : {len(self.communes)} communes, "
                  f"{self.lignes_sociales} lignes sociales, {self.total_octets / 1024:.1f} Ko dans {self.dossier} "
                  f"({self.duree_s:.1f} s)."]
        lignes += [f"  - {a}" for a in self.avertissements]
        return "\n".join(lignes)


# --- Lecture de la composition et des contours ---------------------------------------------------


def _fichier_reference(reference: Path, relatif: str) -> Path:
    chemin = reference / relatif
    if not chemin.exists():
        raise ErreurDonnees(relatif, [Probleme(f"fichier introuvable dans le dossier de référence ({chemin})")])
    return chemin


def lire_composition(reference: Path) -> pd.DataFrame:
    """La composition communale des EPCI (2020), vérifiée ligne par ligne."""
    chemin = _fichier_reference(reference, FICHIER_COMPOSITION)
    try:
        table = pd.read_csv(chemin, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError) as e:
        raise ErreurDonnees(FICHIER_COMPOSITION, [Probleme(f"fichier illisible ({e})")]) from None
    table.columns = [c.strip() for c in table.columns]
    attendues = ["CODGEO", "LIBGEO", "EPCI", "LIBEPCI"]
    absentes = [c for c in attendues if c not in table.columns]
    if absentes:
        raise ErreurDonnees(FICHIER_COMPOSITION, [Probleme("colonne attendue absente", colonne=c) for c in absentes])
    table = table.map(str.strip)
    problemes = []
    for i, ligne in table.iterrows():
        if not CODE_COMMUNE.match(ligne["CODGEO"]):
            problemes.append(Probleme(f"code commune « {ligne['CODGEO']} » invalide (5 caractères attendus)",
                                      ligne=int(i) + 2, colonne="CODGEO"))
        if not SIREN.match(ligne["EPCI"]):
            problemes.append(Probleme(f"SIREN « {ligne['EPCI']} » invalide (9 chiffres attendus)",
                                      ligne=int(i) + 2, colonne="EPCI"))
    doubles = table[table["CODGEO"].duplicated(keep=False)]
    for i, ligne in doubles.iterrows():
        problemes.append(Probleme(f"commune « {ligne['CODGEO']} » en double", ligne=int(i) + 2, colonne="CODGEO"))
    if problemes:
        raise ErreurDonnees(FICHIER_COMPOSITION, problemes)
    return table


def resoudre_communes(composition: pd.DataFrame, siren: str | None, communes: list[str] | None) -> tuple[str | None, list[tuple[str, str]]]:
    """(nom de l'EPCI ou None, [(code, nom 2020)]) : par SIREN, ou par liste explicite de codes INSEE
    (qui doivent alors tous appartenir à l'EPCI si un SIREN est aussi donné)."""
    if not siren and not communes:
        raise ErreurDonnees(FICHIER_COMPOSITION, [Probleme("ni SIREN d'EPCI ni liste de communes : rien à construire")])
    nom_epci = None
    if siren:
        siren = str(siren).strip()
        epci = composition[composition["EPCI"] == siren]
        if epci.empty:
            connus = ", ".join(f"{s} ({n})" for s, n in composition[["EPCI", "LIBEPCI"]].drop_duplicates().values[:3])
            raise ErreurDonnees(FICHIER_COMPOSITION, [Probleme(
                f"SIREN « {siren} » inconnu : aucun EPCI de ce numéro dans la composition communale 2020 "
                f"({composition['EPCI'].nunique()} EPCI, par ex. {connus} …)", colonne="EPCI")])
        nom_epci = epci["LIBEPCI"].iloc[0]
    if communes:
        codes = [str(c).strip() for c in communes]
        par_code = composition.set_index("CODGEO")
        problemes = []
        for c in codes:
            if c not in par_code.index:
                problemes.append(Probleme(f"commune « {c} » absente de la composition communale 2020 (code INSEE "
                                          "de la géographie 2020 attendu)", colonne="CODGEO"))
            elif siren and par_code.loc[c, "EPCI"] != siren:
                problemes.append(Probleme(f"commune « {c} » ({par_code.loc[c, 'LIBGEO']}) : elle appartient à l'EPCI "
                                          f"{par_code.loc[c, 'EPCI']}, pas à {siren}", colonne="EPCI"))
        doubles = sorted({c for c in codes if codes.count(c) > 1})
        problemes += [Probleme(f"commune « {c} » donnée deux fois") for c in doubles]
        if problemes:
            raise ErreurDonnees(FICHIER_COMPOSITION, problemes)
        choisies = par_code.loc[codes]
        return nom_epci, sorted(zip(choisies.index, choisies["LIBGEO"]))
    return nom_epci, sorted(zip(epci["CODGEO"], epci["LIBGEO"]))


def lire_contours(reference: Path) -> gpd.GeoDataFrame:
    chemin = _fichier_reference(reference, FICHIER_CONTOURS)
    try:
        gdf = gpd.read_file(chemin)
    except Exception as e:  # noqa: BLE001 — pyogrio lève des erreurs de plusieurs types
        raise ErreurDonnees(FICHIER_CONTOURS, [Probleme(f"fichier illisible ({e})")]) from None
    absentes = [c for c in ("code", "nom") if c not in gdf.columns]
    if absentes:
        raise ErreurDonnees(FICHIER_CONTOURS, [Probleme("propriété attendue absente", colonne=c) for c in absentes])
    if gdf.crs is not None and gdf.crs.to_epsg() != WGS84:
        raise ErreurDonnees(FICHIER_CONTOURS, [Probleme(f"système de coordonnées inattendu ({gdf.crs}) ; attendu : WGS84")])
    gdf = gdf.set_crs(WGS84, allow_override=True)
    gdf["code"] = gdf["code"].astype(str).str.strip()
    problemes = [Probleme(f"contour n°{i + 1} : géométrie vide ou invalide", colonne="geometry")
                 for i, g in enumerate(gdf.geometry) if g is None or g.is_empty or not g.is_valid]
    doubles = sorted(set(gdf.loc[gdf["code"].duplicated(), "code"]))
    problemes += [Probleme(f"code « {c} » en double", colonne="code") for c in doubles]
    if problemes:
        raise ErreurDonnees(FICHIER_CONTOURS, problemes)
    return gdf[["code", "nom", "geometry"]]


def examiner_contours(contours: gpd.GeoDataFrame, composition: pd.DataFrame, communes: list[tuple[str, str]]) -> dict:
    """Écarts entre la composition 2020 et les contours 2018 pour les communes du territoire :
    codes sans contour, noms différents, et contours 2018 voisins qui ne sont plus dans la composition
    (communes fusionnées depuis : candidates à l'ajout, jamais ajoutées sans déclaration)."""
    par_code = contours.set_index("code")
    codes = [c for c, _ in communes]
    sans_contour = [c for c in codes if c not in par_code.index]
    renommees = [{"code": c, "nom_2020": n, "nom_2018": par_code.loc[c, "nom"]}
                 for c, n in communes if c in par_code.index and par_code.loc[c, "nom"] != n]
    hors_composition = contours[~contours["code"].isin(set(composition["CODGEO"]))].to_crs(LAMBERT93)
    a_nous = contours[contours["code"].isin(codes)].to_crs(LAMBERT93)
    renommees_codes = {r["code"] for r in renommees}
    probables = []
    for _, orpheline in hors_composition.iterrows():
        voisines = a_nous[a_nous.geometry.intersects(orpheline.geometry.buffer(5))]
        if voisines.empty:
            continue
        candidates = [c for c in voisines["code"] if c in renommees_codes]
        probables.append({
            "code_2018": orpheline["code"], "nom_2018": orpheline["nom"],
            "voisines": sorted(voisines["code"]), "candidates": sorted(candidates),
        })
    return {"sans_contour": sans_contour, "renommees": renommees, "fusions_probables": probables}


def _simplifier(geometries_l93) -> list:
    """Simplification d'un pavage : les limites communes restent identiques entre voisines."""
    valeurs = list(geometries_l93)
    if shapely.coverage_is_valid(valeurs):
        simples = shapely.coverage_simplify(valeurs, TOLERANCE_M)
    else:  # pavage imparfait : chaque contour seul, sans garantie sur les limites communes
        simples = shapely.simplify(valeurs, TOLERANCE_M, preserve_topology=True)
    wgs = gpd.GeoSeries(simples, crs=LAMBERT93).to_crs(WGS84)
    return list(shapely.set_precision(wgs.values, 10**-DECIMALES))


def construire_geographie(contours: gpd.GeoDataFrame, communes: list[tuple[str, str]], fusions: dict[str, list[str]],
                          examen: dict) -> tuple[gpd.GeoDataFrame, dict, bool]:
    """(communes simplifiées, contour du territoire, pavage valide ?)."""
    par_code = contours.set_index("code")
    notes: dict[str, list[str]] = {}
    for r in examen["renommees"]:
        notes.setdefault(r["code"], []).append(f"contour 2018 de « {r['nom_2018']} »")
    geometries, lignes = [], []
    metrique = contours.to_crs(LAMBERT93).set_index("code").geometry
    for code, nom in communes:
        if code not in par_code.index:
            continue
        morceaux = [metrique[code], *(metrique[a] for a in fusions.get(code, []))]
        if fusions.get(code):
            ajout = ", ".join(f"{par_code.loc[a, 'nom']} ({a})" for a in fusions[code])
            notes.setdefault(code, []).append(f"plus le contour 2018 de {ajout}, fusion déclarée à la construction")
        geometries.append(shapely.union_all(morceaux) if len(morceaux) > 1 else morceaux[0])
        lignes.append({"code": code, "nom": nom, "note": " ; ".join(notes.get(code, [])) or None})
    valide = bool(shapely.coverage_is_valid(geometries))
    simples = _simplifier(geometries)
    gdf = gpd.GeoDataFrame(lignes, geometry=simples, crs=WGS84)
    union = shapely.coverage_union_all(simples) if valide else shapely.union_all(simples)
    union = shapely.set_precision(union, 10**-DECIMALES)
    return gdf, union, valide


def _geojson(entites: list[dict], meta: dict) -> bytes:
    collection = {"type": "FeatureCollection", "metadata": meta, "features": entites}
    return (json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


# --- Lecture des valeurs sociales ----------------------------------------------------------------


@dataclass
class Zone:
    type_zone: str
    code: str  # code écrit dans social.csv
    nom: str
    code_fichier: str  # code cherché dans le fichier
    absorbees: list[tuple[str, str]] = field(default_factory=list)  # fusions déclarées : (code 2018, nom)

    def notes_fusion(self, codes_du_fichier: set[str]) -> list[str]:
        """Commune nouvelle dont une commune absorbée a encore sa propre ligne dans ce fichier : la
        valeur ne couvre que le périmètre d'alors."""
        presentes = [f"{n} ({c})" for c, n in self.absorbees if c in codes_du_fichier]
        if not presentes:
            return []
        return ["périmètre de l'année du fichier, d'avant la fusion : sans " + ", ".join(presentes)
                + ", qui a sa propre ligne dans ce fichier"]


class Lecture:
    """Accumule les lignes de social.csv et les fichiers lus."""

    def __init__(self, reference: Path):
        self.reference = reference
        self.lignes: list[dict] = []
        self.cles: set[tuple] = set()
        self.lus: set[str] = set()
        self._fichiers: dict[str, bs.Fichier] = {}

    def fichier(self, relatif: str, decimale: str) -> bs.Fichier:
        if relatif not in self._fichiers:
            self._fichiers[relatif] = bs.Fichier(self.reference, relatif, decimale=decimale)
            self.lus.add(f"socio/{relatif}")
        return self._fichiers[relatif]

    def ajouter(self, indicateur, zone: Zone, annee, valeur, statut, source, detail, unite, notes=()) -> None:
        cle = (indicateur, zone.type_zone, zone.code, int(annee))
        if cle in self.cles:  # garde-fou : une valeur par indicateur, zone et année
            raise ErreurDonnees("social.csv", [Probleme(f"valeur en double : {cle}")])
        self.cles.add(cle)
        self.lignes.append({
            "indicateur": indicateur, "type_zone": zone.type_zone, "code_zone": zone.code, "nom_zone": zone.nom,
            "annee": int(annee), "valeur": valeur, "unite": unite, "statut": statut, "source": source,
            "note": " ; ".join(n for n in notes if n), "source_detail": detail,
        })


CODES_MANQUANTS = {"": bs.SECRET, "ns": bs.NS, "nd": bs.ND, "so": bs.SO}


@dataclass
class FilosofiLu:
    """Un fichier Filosofi d'une année, lu pour les codes cherchés (``lire_fichier_filosofi``)."""

    fichier: bs.Fichier
    annee: int
    source: str  # en mots, d'après l'entrée de social_sources.yaml
    colonne_code: str
    colonne_nom: str | None
    colonnes: dict[str, str]  # indicateur -> colonne de cette année
    trouvees: dict[str, tuple[int, pd.Series]]  # code cherché présent -> (numéro de ligne, ligne)
    cellules: dict[str, dict[str, tuple[float | None, str]]]  # code -> indicateur -> (valeur, statut)
    codes_du_fichier: set[str]


def lire_fichier_filosofi(lecture: Lecture, p: dict, annee: int, codes, indicateurs: list[str] | None = None) -> FilosofiLu:
    """Le fichier Filosofi d'une année (communes, EPCI, département, région ou France métropolitaine), d'après
    son entrée de social_sources.yaml (``p`` : réglages de l'année, ``bs.annees``) : la ligne de chaque code
    cherché et ses cellules, valeur publiée ou statut (secret, « ns », « nd », « so » ; jamais 0). Seule
    lecture de ces fichiers pour les deux constructions des territoires (ce module et
    ctg_data/comparaison_epci.py). ``indicateurs`` : codes lus (défaut : ``INDICATEURS_FILOSOFI``), colonnes
    de ``COLONNES_FILOSOFI``. Lève :class:`ErreurDonnees` (fichier, ligne, colonne) sur une colonne absente,
    un code en double ou une cellule illisible."""
    relatif = bs.gabarit(p["fichier"], annee)
    f = lecture.fichier(relatif, p.get("decimale", ","))
    colonnes = {ind: bs.gabarit(COLONNES_FILOSOFI[ind], annee) for ind in indicateurs or INDICATEURS_FILOSOFI}
    col_code, col_nom = p["colonne_code"], p.get("colonne_nom")
    f.exiger([col_code, *([col_nom] if col_nom else []), *colonnes.values()])
    trouvees = f.lignes(col_code, set(codes))
    problemes: list[Probleme] = []
    cellules = {code: {ind: bs.lire_cellule(f, ligne, numero, colonne, problemes, CODES_MANQUANTS)
                       for ind, colonne in colonnes.items()}
                for code, (numero, ligne) in trouvees.items()}
    if problemes:
        raise ErreurDonnees(f.nom, problemes)
    return FilosofiLu(f, annee, bs.gabarit(p["source"], annee), col_code, col_nom, colonnes, trouvees, cellules,
                      set(f.table[col_code]))


def lire_filosofi(lecture: Lecture, entree: dict, zones: list[Zone], unites: dict[str, str],
                  note_absente: str, statut_absente: str = bs.SECRET, annees: list[tuple[int, dict]] | None = None,
                  indicateurs: list[str] | None = None) -> None:
    """Un fichier Filosofi par année de l'entrée : la ligne de chaque zone, ou des lignes vides avec
    la raison si la zone n'est pas dans le fichier."""
    for annee, p in annees or bs.annees(entree, "annees"):
        lu = lire_fichier_filosofi(lecture, p, annee, {z.code_fichier for z in zones}, indicateurs)
        f, source, col_code, col_nom = lu.fichier, lu.source, lu.colonne_code, lu.colonne_nom
        for z in zones:
            if z.code_fichier not in lu.trouvees:
                for ind in lu.colonnes:
                    lecture.ajouter(ind, z, annee, None, statut_absente, source,
                                    f"{f.nom} : aucune ligne {col_code} = {z.code_fichier}", unites[ind],
                                    [note_absente, *z.notes_fusion(lu.codes_du_fichier)])
                continue
            _numero, ligne = lu.trouvees[z.code_fichier]
            notes = [p.get("note") if z.type_zone == "EPCI" else None]
            if col_nom and ligne[col_nom] and ligne[col_nom] != z.nom:
                notes.append(f"nom dans le fichier : « {ligne[col_nom]} »")
            notes += z.notes_fusion(lu.codes_du_fichier)
            repere = "" if z.code_fichier == z.code else f"{col_code} = {z.code_fichier}"
            for ind, colonne in lu.colonnes.items():
                valeur, statut = lu.cellules[z.code_fichier][ind]
                lecture.ajouter(ind, z, annee, valeur, statut, source, f.detail(colonne, repere), unites[ind], notes)


def lire_neet(lecture: Lecture, entree: dict, zones: list[Zone], unites: dict[str, str]) -> None:
    """Série longue (une ligne par territoire et année) : les années déclarées présentes pour chaque zone."""
    relatif = bs.gabarit(entree["fichier"])
    f = lecture.fichier(relatif, entree.get("decimale", ","))
    col_code, col_annee, col_nom = entree["colonne_code"], entree["colonne_annee"], entree.get("colonne_nom")
    (ind, colonne), = entree["colonnes"].items()
    f.exiger([col_code, col_annee, colonne, *([col_nom] if col_nom else [])])
    declarees = [a for a, _ in bs.annees(entree, "annees")]
    voulues = {z.code_fichier: z for z in zones}
    vues: dict[tuple[str, int], tuple[int, pd.Series]] = {}
    problemes: list[Probleme] = []
    for i, ligne in f.table.iterrows():
        code = ligne[col_code]
        if code not in voulues:
            continue
        numero, texte = int(i) + 2, ligne[col_annee]
        if not texte.isdigit():
            problemes.append(Probleme(f"année « {texte} » illisible", ligne=numero, colonne=col_annee))
        elif int(texte) in declarees:
            if (code, int(texte)) in vues:
                problemes.append(Probleme(f"année {texte} en double pour {code}", ligne=numero, colonne=col_annee))
            vues[(code, int(texte))] = (numero, ligne)
    if problemes:
        raise ErreurDonnees(f.nom, problemes)
    codes_du_fichier = set(f.table[col_code])
    for z in zones:
        for annee in declarees:
            source = bs.gabarit(entree["source"], annee)
            notes = [entree.get("note")]
            if (z.code_fichier, annee) not in vues:
                lecture.ajouter(ind, z, annee, None, ABSENTE_FICHIER, source,
                                f"{f.nom} : aucune ligne {col_code} = {z.code_fichier} et {col_annee} = {annee}",
                                unites[ind], [*notes, "territoire ou année absent du fichier ; raison non documentée"])
                continue
            numero, ligne = vues[(z.code_fichier, annee)]
            if col_nom and ligne[col_nom] and ligne[col_nom] != z.nom:
                notes.append(f"nom dans le fichier : « {ligne[col_nom]} »")
            notes += z.notes_fusion(codes_du_fichier)
            valeur, statut = bs.lire_cellule(f, ligne, numero, colonne, problemes, CODES_MANQUANTS)
            if valeur == 0:
                notes.append(NOTE_ZERO_NEET)
            lecture.ajouter(ind, z, annee, valeur, statut, source,
                            f.detail(colonne, f"{col_code} = {z.code_fichier} et {col_annee} = {annee}"), unites[ind], notes)
    if problemes:
        raise ErreurDonnees(f.nom, problemes)


def _zones_comparaison(declaration: bs.Declaration, siren: str | None, nom_epci: str | None) -> dict[str, Zone]:
    zones = {}
    if siren:
        zones["EPCI"] = Zone("EPCI", siren, nom_epci or siren, siren)
    for type_zone, id_source in SOURCES_FILOSOFI.items():
        if type_zone in ("commune", "EPCI"):
            continue
        z = declaration.source(id_source)["zone"]
        zones[type_zone] = Zone(type_zone, str(z["code"]), z["nom"], str(z.get("code_fichier", z["code"])))
    return zones


def lire_social(reference: Path, communes: list[tuple[str, str]], siren: str | None, nom_epci: str | None,
                fusions: dict[str, list[str]], noms_2018: dict[str, str],
                progression: Callable[[str], None]) -> tuple[pd.DataFrame, Lecture, dict, list[str]]:
    dictionnaire = bs.charger_indicateurs()
    declaration = bs.charger_declaration(dictionnaire=dictionnaire)
    unites = {c: i["unite"] for c, i in definitions(dictionnaire, [*INDICATEURS_FILOSOFI, *INDICATEURS_NEET]).items()}
    lecture = Lecture(reference)
    comparaisons = _zones_comparaison(declaration, siren, nom_epci)
    zones_communes = []
    for code, nom in communes:
        zones_communes.append(Zone("commune", code, nom, code,
                                   [(a, noms_2018.get(a, a)) for a in fusions.get(code, [])]))
    non_couverts = []
    for type_zone, id_source in SOURCES_FILOSOFI.items():
        entree = declaration.source(id_source)
        zones = zones_communes if type_zone == "commune" else [comparaisons[type_zone]] if type_zone in comparaisons else []
        if not zones:
            continue
        progression(f"      {entree['nom']} ({bs.periode([a for a, _ in bs.annees(entree, 'annees')])}) …")
        if type_zone == "EPCI":
            _lire_epci(lecture, entree, zones[0], unites)
        else:
            lire_filosofi(lecture, entree, zones, unites, NOTE_COMMUNE_ABSENTE if type_zone == "commune"
                          else "territoire absent du fichier", bs.SECRET if type_zone == "commune" else ABSENTE_FICHIER)
        for annee, raison in sorted((entree.get("annees_absentes") or {}).items()):
            non_couverts.append(f"{entree['nom']}, {annee} : {raison}")
        for ind, raison in (entree.get("non_publies") or {}).items():
            non_couverts.append(f"{entree['nom']} : « {ind} » non lu, {raison}")
    for type_zone, id_source in SOURCES_NEET.items():
        entree = declaration.source(id_source)
        zones = zones_communes if type_zone == "commune" else [comparaisons[type_zone]] if type_zone in comparaisons else []
        if not zones:
            continue
        progression(f"      {entree['nom']} …")
        lire_neet(lecture, entree, zones, unites)
    df = pd.DataFrame(lecture.lignes, columns=bs.COLONNES_SOCIAL)
    df["annee"] = df["annee"].astype("int64")
    df["valeur"] = pd.to_numeric(df["valeur"], errors="raise").astype("float64")
    df = df.sort_values(bs.CLE, kind="mergesort").reset_index(drop=True)
    return df, lecture, {"dictionnaire": dictionnaire, "declaration": declaration, "unites": unites}, non_couverts


def _lire_epci(lecture: Lecture, entree: dict, zone: Zone, unites: dict[str, str]) -> None:
    """Années où le SIREN est absent du fichier (2014–2015 : EPCI d'avant les fusions de 2017) :
    lignes vides avec la raison ; sinon lecture normale (avec la note de l'entrée pour 2014–2015)."""
    for annee, p in bs.annees(entree, "annees"):
        f = lecture.fichier(bs.gabarit(p["fichier"], annee), p.get("decimale", ","))
        f.exiger([p["colonne_code"]])
        if zone.code_fichier not in set(f.table[p["colonne_code"]]) and p.get("note"):  # années d'avant 2017
            lire_filosofi(lecture, entree, [zone], unites, NOTE_EPCI_ABSENT, EPCI_AVANT_2017, [(annee, p)])
        else:
            lire_filosofi(lecture, entree, [zone], unites, "EPCI absent du fichier", ABSENTE_FICHIER, [(annee, p)])


# --- Dictionnaire, couverture, manifeste -----------------------------------------------------------


def series(textes: list[str]) -> list[str]:
    """« INSEE, Filosofi 2014, …, commune » ×5 -> « INSEE, Filosofi, …, commune (2014–2016, 2018, 2019) ».
    Les chemins de fichiers gardent un « {année} » à la place de l'année."""
    groupes: dict[str, list[int]] = {}
    for t in textes:
        annees = [int(a) for a in re.findall(r"(?<!\d)(\d{4})(?!\d)", t)]
        if "/" in t:
            cle = re.sub(r"(?<!\d)\d{4}(?!\d)", "{année}", t)
        else:
            cle = re.sub(r"\s?(?<!\d)\d{4}(?!\d)", "", t)
        groupes.setdefault(cle, []).extend(annees[:1])
    return [f"{cle} ({bs.periode(a)})" if a else cle for cle, a in sorted(groupes.items())]


def lignes_indicateurs(dictionnaire: bs.Dictionnaire, df: pd.DataFrame) -> list[dict]:
    """Une ligne par indicateur présent dans social.csv (colonnes de data/social_indicateurs.csv)."""
    ordre = [i["code"] for i in dictionnaire.indicateurs]
    codes = sorted(df["indicateur"].unique(), key=lambda c: ordre.index(c) if c in ordre else len(ordre))
    lignes = []
    for code, i in definitions(dictionnaire, codes).items():
        communes = i.get("communes") or []
        precautions = [i.get("precautions"), *(dictionnaire.precautions_communes.get(c) for c in communes
                                                if c != "filosofi")]
        if "filosofi" in communes:
            precautions.append("Ménages fiscaux. Une commune trop petite n'a pas de ligne dans le fichier ou seulement "
                               "ses effectifs et sa médiane (secret statistique). Ne jamais faire la moyenne de "
                               "valeurs de communes.")
        sous = df[df["indicateur"] == code]
        sources = series(sorted(set(sous["source"])))
        fichiers = series(sorted({d.split(",")[0].split(" : ")[0] for d in sous["source_detail"]}))
        lignes.append({
            "code": code, "libelle": i["libelle"], "definition": " ".join(i["definition"].split()), "unite": i["unite"],
            "agregation": i["agregation"], "numerateur": "", "denominateur": "",
            "source": " ; ".join(sources),
            "precautions": " ".join(" ".join(t.split()) for t in precautions if t),
            "detail": "Fichiers lus : " + " ; ".join(fichiers) + ".",
        })
    return lignes


def couverture(df: pd.DataFrame, n_communes: int) -> list[dict]:
    """Pour chaque indicateur et année : communes avec une valeur sur N, et statuts des autres."""
    com = df[df["type_zone"] == "commune"]
    resultat = []
    for (ind, annee), g in com.groupby(["indicateur", "annee"], sort=True):
        sans = g[g["valeur"].isna()]
        resultat.append({
            "indicateur": ind, "annee": int(annee), "communes_avec_valeur": int(g["valeur"].notna().sum()),
            "communes": n_communes,
            "sans_valeur": {s: int(n) for s, n in sans["statut"].value_counts().sort_index().items()},
        })
    return resultat


def _origine(relatif: str) -> dict:
    for motif, depot, publie, licence, doc in ORIGINES:
        m = re.fullmatch(motif, relatif)
        if m:
            return {"depot": depot.format(*m.groups()), "editeur": publie.format(*m.groups()), "licence": licence,
                    "documentation": doc, "_serie": (re.sub(r"\s?\{0\}", "", publie), [int(g) for g in m.groups()])}
    return {"depot": "non documenté", "editeur": "non documenté", "licence": "inconnue", "documentation": "",
            "_serie": ("non documenté", [])}


def sources_en_mots(relatifs: list[str]) -> list[str]:
    """« INSEE, Filosofi, communes (2014–2016, 2018, 2019) » : une ligne par série de fichiers lus."""
    groupes: dict[str, list[int]] = {}
    for r in relatifs:
        nom, annees = _origine(r)["_serie"]
        groupes.setdefault(nom, []).extend(annees)
    return [f"{n} ({bs.periode(a)})" if a else n for n, a in sorted(groupes.items())]


def _sha256(chemin: Path) -> str:
    return hashlib.sha256(chemin.read_bytes()).hexdigest()


# --- Construction --------------------------------------------------------------------------------


def construire_territoire(identifiant: str, siren_epci: str | None = None, communes: list[str] | None = None, *,
                          reference: Path | None = None, sortie: Path | None = None,
                          progression: Callable[[str], None] | None = None, nom: str | None = None,
                          fusions: dict[str, list[str]] | None = None) -> Rapport:
    """Construit les données du territoire ``identifiant`` dans ``<sortie>/<identifiant>/``.

    ``siren_epci`` : SIREN de l'EPCI (composition communale 2020) ; ``communes`` : liste explicite
    de codes INSEE (2020), à la place ou en plus (elles doivent alors être dans l'EPCI).
    ``reference`` : dossier des données ouvertes brutes (défaut : ``config.dossier_reference()``) ;
    ``sortie`` : dossier parent (défaut : ``data/territoires/donnees``). ``progression`` reçoit une
    ligne par étape. ``fusions`` : {code 2020 : [codes 2018 fusionnés depuis]} dont le contour 2018 est
    ajouté à la commune (à déclarer : la construction ne fait que les signaler).

    Lève :class:`ErreurDonnees` (fichier, ligne, colonne, en français) sur toute entrée invalide ;
    rien n'est écrit dans ce cas."""
    debut = time.perf_counter()
    dire = progression or _rien
    reference = Path(reference or config.dossier_reference())
    sortie = Path(sortie or config.dossier_donnees() / DOSSIER_SORTIE)
    fusions = {str(k): [str(x) for x in v] for k, v in (fusions or {}).items()}
    if not IDENTIFIANT.match(identifiant or ""):
        raise ErreurDonnees("identifiant du territoire", [Probleme(
            f"« {identifiant} » : minuscules, chiffres et tirets attendus (par ex. gevrey-nuits)")])
    if siren_epci is not None and not SIREN.match(str(siren_epci).strip()):
        raise ErreurDonnees(FICHIER_COMPOSITION, [Probleme(
            f"SIREN « {siren_epci} » invalide : 9 chiffres attendus (par ex. 200070894)", colonne="EPCI")])
    etapes = 6

    dire(f"[1/{etapes}] Communes du territoire ({FICHIER_COMPOSITION}) …")
    composition = lire_composition(reference)
    nom_epci, liste = resoudre_communes(composition, siren_epci, communes)
    nom = nom or nom_epci or f"{len(liste)} communes"
    dire(f"      {len(liste)} communes" + (f" de l'EPCI {siren_epci} ({nom_epci})" if siren_epci else ""))

    dire(f"[2/{etapes}] Contours 2018 des communes ({FICHIER_CONTOURS}) …")
    contours = lire_contours(reference)
    examen = examiner_contours(contours, composition, liste)
    noms_2018 = dict(zip(contours["code"], contours["nom"]))
    problemes = []
    codes = {c for c, _ in liste}
    hors = set(composition["CODGEO"])
    for code, absorbees in fusions.items():
        if code not in codes:
            problemes.append(Probleme(f"fusion {code}={','.join(absorbees)} : {code} n'est pas une commune du territoire"))
        for a in absorbees:
            if a not in noms_2018:
                problemes.append(Probleme(f"fusion {code}={a} : {a} n'a pas de contour 2018"))
            elif a in hors:
                problemes.append(Probleme(f"fusion {code}={a} : {a} est encore une commune de la composition 2020"))
    if problemes:
        raise ErreurDonnees("fusions déclarées", problemes)
    avertissements = _avertissements(examen, fusions, noms_2018)
    for a in avertissements:
        dire(f"      ! {a}")

    dire(f"[3/{etapes}] Carte : communes simplifiées ({TOLERANCE_M} m, limites communes gardées) et contour …")
    geo, union, pavage = construire_geographie(contours, liste, fusions, examen)
    if not pavage:
        avertissements.append("contours 2018 mal ajustés (chevauchements) : simplification commune par commune")
    meta = {
        "source": "IGN Admin Express COG 2018 (contours), INSEE COG 2018 et composition communale des EPCI 2020 (codes "
                  "et noms)",
        "licence": "Licence Ouverte / Etalab (IGN, INSEE)",
        "traitement": f"communes du territoire « {nom} » ; contours 2018 simplifiés à {TOLERANCE_M} m en gardant les "
                      f"limites communes identiques ; coordonnées à {DECIMALES} décimales ; noms de 2020",
    }
    entites = [{"type": "Feature", "properties": {"code": r.code, "nom": r.nom, "note": None if pd.isna(r.note) else r.note},
                "geometry": shapely.geometry.mapping(r.geometry)} for r in geo.sort_values("code").itertuples()]
    octets_communes = _geojson(entites, {"titre": f"Communes — {nom}", **meta})
    octets_contour = _geojson([{"type": "Feature", "properties": {"id": identifiant, "nom": nom,
                                                                   "communes": len(geo)},
                                "geometry": shapely.geometry.mapping(union)}],
                              {"titre": f"Contour — {nom}", **meta,
                               "traitement": meta["traitement"] + " ; union des communes"})

    dire(f"[4/{etapes}] Contexte social : INSEE Filosofi et jeunes non insérés, par commune et comparaisons …")
    df, lecture, defs, non_couverts = lire_social(reference, liste, siren_epci, nom_epci, fusions, noms_2018, dire)
    tampon = io.StringIO()
    df.to_csv(tampon, index=False, float_format="%.10g", lineterminator="\n")
    octets_social = tampon.getvalue().encode("utf-8")
    tampon = io.StringIO()
    ecrivain = csv.DictWriter(tampon, fieldnames=bs.COLONNES_DICTIONNAIRE, lineterminator="\n")
    ecrivain.writeheader()
    ecrivain.writerows(lignes_indicateurs(defs["dictionnaire"], df))
    octets_indicateurs = tampon.getvalue().encode("utf-8")
    couv = couverture(df, len(liste))
    dire(f"      {len(df)} lignes, {int(df['valeur'].notna().sum())} valeurs ; "
         f"{df['indicateur'].nunique()} indicateurs")

    dire(f"[5/{etapes}] Écriture dans {sortie / identifiant} …")
    dossier = sortie / identifiant
    dossier.mkdir(parents=True, exist_ok=True)
    contenus = {"communes.geojson": octets_communes, "contour.geojson": octets_contour, "social.csv": octets_social,
                "indicateurs.csv": octets_indicateurs}
    import yaml

    contenus["catalogue.yaml"] = ("# Écrit par « python -m ctg_data.build_territoires » : ne pas modifier à la main.\n" + yaml.safe_dump(
        catalogue_du_pack(identifiant, nom, len(liste), sources_en_mots(sorted({FICHIER_COMPOSITION, FICHIER_CONTOURS,
                                                                                 *lecture.lus}))),
        allow_unicode=True, sort_keys=False, width=110)).encode("utf-8")
    for nom_fichier, octets in contenus.items():
        (dossier / nom_fichier).write_bytes(octets)
    tailles = {n: len(o) for n, o in contenus.items()}
    fiche = sortie.parent / f"{identifiant}.yaml"
    if sortie.name == DOSSIER_SORTIE.name and sortie.parent.name == DOSSIER_SORTIE.parent.name and not fiche.exists():
        fiche.write_text(fiche_territoire(identifiant, nom, siren_epci), encoding="utf-8")
        dire(f"      fichier du territoire écrit : {fiche} (à relire)")

    dire(f"[6/{etapes}] Manifeste …")
    lus = sorted({FICHIER_COMPOSITION, FICHIER_CONTOURS, *lecture.lus})
    manifeste = {
        "territoire": {"id": identifiant, "nom": nom, "siren_epci": siren_epci, "communes": len(liste),
                       "codes_communes": [c for c, _ in liste]},
        "construit_le": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "construit_par": "python -m ctg_data.build_territoires (ctg_data/build_territoires.py)",
        "sources": sources_en_mots(lus),
        "entrees": {r: {**{k: v for k, v in _origine(r).items() if not k.startswith("_")},
                        "sha256": _sha256(reference / r)} for r in lus},
        "licences": {
            "contours": "Licence Ouverte / Etalab (IGN Admin Express, selon le dépôt d'origine)",
            "filosofi": LICENCE_INSEE,
            "jeunes_non_inseres": "inconnue (producteur non documenté)",
            "fichiers_derives": "mêmes conditions que leurs sources",
        },
        "parametres": {"tolerance_m": TOLERANCE_M, "decimales": DECIMALES, "pavage_valide": pavage,
                       "fusions_declarees": fusions},
        "communes_de_la_composition_sans_contour_2018": examen["sans_contour"],
        "communes_renommees_depuis_2018": examen["renommees"],
        "contours_2018_voisins_hors_composition": examen["fusions_probables"],
        "avertissements": avertissements,
        "non_couverts": non_couverts,
        "couverture_communes": couv,
        "comparaisons": _couverture_comparaisons(df),
        "fichiers": {n: {"octets": t} for n, t in sorted(tailles.items())},
    }
    texte = json.dumps(manifeste, ensure_ascii=False, indent=1) + "\n"
    tailles["manifeste.json"] = len(texte.encode("utf-8"))
    (dossier / "manifeste.json").write_text(texte, encoding="utf-8")

    rapport = Rapport(
        identifiant=identifiant, nom=nom, siren=siren_epci, dossier=dossier, communes=liste,
        sans_contour=examen["sans_contour"], renommees=examen["renommees"],
        fusions_probables=examen["fusions_probables"], fusions_appliquees=fusions, avertissements=avertissements,
        couverture=couv, fichiers=tailles, lignes_sociales=len(df), duree_s=time.perf_counter() - debut,
    )
    dire(f"Terminé : {rapport.resume()}")
    return rapport


def ids_du_pack(identifiant: str) -> dict[str, str]:
    """Identifiants, dans le catalogue, des fichiers du dossier d'un territoire (par nom de fichier)."""
    suffixe = identifiant.replace("-", "_")
    return {"social.csv": f"social_{suffixe}", "indicateurs.csv": f"social_indicateurs_{suffixe}",
            "communes.geojson": f"communes_geo_{suffixe}", "contour.geojson": f"contour_geo_{suffixe}"}


def catalogue_du_pack(identifiant: str, nom: str, n_communes: int, sources: list[str]) -> dict:
    """Le catalogue du dossier d'un territoire (source, licence et méthode de chaque fichier écrit), lu
    par ``ctg_data.catalogue.lire_catalogue`` avec celui de data/ : un territoire construit est déclaré
    sans rien écrire à la main."""
    ids = ids_du_pack(identifiant)
    commun = {"producteur": "INSEE ; IGN ; tableau écrit par l'étape de construction des territoires",
              "annee": datetime.now(timezone.utc).year,
              "methode": "Produit par « python -m ctg_data.build_territoires » (ctg_data/build_territoires.py) sans "
                         "rien arrondir ni compléter : le secret statistique reste une valeur vide avec sa raison, "
                         "jamais 0 ; la médiane de l'intercommunalité est lue dans le fichier des EPCI, jamais "
                         "calculée à partir des communes. Fichiers lus et empreintes : manifeste.json."}
    social = " ; ".join(sources)
    return {"jeux": [
        {"id": ids["social.csv"], "schema": "social", "fichier": "social.csv",
         "titre": f"Indicateurs sociaux — {nom}",
         "description": f"Niveau de vie, prestations dans le revenu, ménages fiscaux, jeunes non insérés : valeurs pour "
                        f"le territoire, chacune de ses {n_communes} communes et ses territoires de comparaison. Une "
                        "ligne par indicateur, zone et année, avec son statut (publiée, secret statistique…) et sa "
                        "source en mots.",
         "document": social, "source_fichier": "socio/ et geo/ du dossier de référence (voir manifeste.json)",
         "section": "Fichiers Filosofi des communes, EPCI, départements, régions et France métropolitaine ; jeunes non insérés",
         "licence": LICENCE_INSEE.replace(" (socio/SOURCES.md)", "")
                    + " ; jeunes non insérés : licence inconnue (producteur non documenté).", **commun},
        {"id": ids["indicateurs.csv"], "schema": "social_indicateurs", "fichier": "indicateurs.csv",
         "titre": f"Dictionnaire des indicateurs sociaux — {nom}",
         "description": "Libellé, définition, unité, règle de regroupement, source (en mots), précautions et fichiers "
                        "lus de chaque indicateur du tableau social de ce territoire.",
         "document": "Dictionnaire des indicateurs sociaux du tableau de bord (ctg_data/social_indicateurs.yaml)",
         "source_fichier": "socio/SOURCES.md", "section": "Sections 6 et 8",
         "licence": "Travail de l'équipe, modifiable.", **commun},
        {"id": ids["communes.geojson"], "format": "geojson", "schema": "communes_geo", "fichier": "communes.geojson",
         "titre": f"Contours des communes — {nom}",
         "description": f"Les {n_communes} communes du territoire, contours simplifiés pour la carte (noms de 2020).",
         "document": "IGN Admin Express COG 2018 ; composition communale des EPCI au 1er janvier 2020 (INSEE)",
         "source_fichier": f"{FICHIER_CONTOURS}, {FICHIER_COMPOSITION}", "section": "Communes du territoire",
         "licence": "Licence Ouverte / Etalab (IGN, INSEE)", **commun,
         "methode": f"Produit par « python -m ctg_data.build_territoires » : contours 2018 simplifiés à {TOLERANCE_M} m "
                    f"en gardant les limites communes identiques, coordonnées à {DECIMALES} décimales."},
        {"id": ids["contour.geojson"], "format": "geojson", "schema": "contour_geo", "fichier": "contour.geojson",
         "titre": f"Contour du territoire — {nom}",
         "description": "Le contour du territoire : union des contours de ses communes.",
         "document": "IGN Admin Express COG 2018 ; composition communale des EPCI au 1er janvier 2020 (INSEE)",
         "source_fichier": f"{FICHIER_CONTOURS}, {FICHIER_COMPOSITION}", "section": "Communes du territoire",
         "licence": "Licence Ouverte / Etalab (IGN, INSEE)", **commun,
         "methode": "Produit par « python -m ctg_data.build_territoires » : union des communes simplifiées."},
    ]}


def fiche_territoire(identifiant: str, nom: str, siren: str | None) -> str:
    """Un fichier de territoire de départ (data/territoires/<id>.yaml) pour un EPCI construit : écrit
    seulement s'il n'existe pas, à relire par l'équipe (nom complet, chiffres mis en avant)."""
    contenu = {
        "id": identifiant, "nom": nom, "nom_complet": nom, "nature": "EPCI" if siren else "commune",
        "code": siren or identifiant, "libelle_tout": "Tout le territoire",
        "comparaisons": [{"type_zone": "département", "code": "21", "nom": "Côte-d'Or"},
                         {"type_zone": "région", "code": "27", "nom": "Bourgogne-Franche-Comté"},
                         {"type_zone": "France métropolitaine", "nom": "France métropolitaine"}],
        "chiffres_cles": [{"code": c, "titre": t} for c, t in CHIFFRES_CLES_DE_DEPART],
        "donnees": identifiant,
    }
    import yaml

    return ("# Écrit par « python -m ctg_data.build_territoires » : à relire (nom complet, « Tout le territoire »,\n"
            "# chiffres mis en avant), puis faire pointer un plan vers ce territoire (territoire: " + identifiant + ").\n"
            + yaml.safe_dump(contenu, allow_unicode=True, sort_keys=False))


def _avertissements(examen: dict, fusions: dict[str, list[str]], noms_2018: dict[str, str]) -> list[str]:
    textes = []
    for c in examen["sans_contour"]:
        textes.append(f"commune {c} de la composition 2020 sans contour 2018 : absente de la carte")
    absorbees = {a for v in fusions.values() for a in v}
    for p in examen["fusions_probables"]:
        if p["code_2018"] in absorbees:
            continue
        if len(p["candidates"]) == 1:
            c = p["candidates"][0]
            textes.append(
                f"le contour 2018 de {p['nom_2018']} ({p['code_2018']}), commune absente de la composition 2020, touche "
                f"{c} ({noms_2018.get(c)}), renommée depuis : fusion probable, NON ajoutée à la carte "
                f"(pour l'ajouter après vérification : --fusion {c}={p['code_2018']})")
        elif p["candidates"]:
            textes.append(
                f"le contour 2018 de {p['nom_2018']} ({p['code_2018']}), commune absente de la composition 2020, touche "
                f"plusieurs communes renommées depuis ({', '.join(p['candidates'])}) : fusion possible avec l'une "
                "d'elles, NON ajoutée à la carte (à vérifier, puis --fusion CODE_2020=" + p["code_2018"] + ")")
        else:
            textes.append(
                f"le contour 2018 de {p['nom_2018']} ({p['code_2018']}), commune absente de la composition 2020, touche "
                f"des communes du territoire ({', '.join(p['voisines'])}) dont aucune n'a changé de nom : sans doute "
                "fusionnée hors du territoire ou dans une commune qui a gardé son nom ; NON ajoutée à la carte")
    for code, liste in fusions.items():
        textes.append(f"fusion déclarée : contour 2018 de {', '.join(f'{noms_2018.get(a)} ({a})' for a in liste)} "
                      f"ajouté à la commune {code}")
    return textes


def _couverture_comparaisons(df: pd.DataFrame) -> list[dict]:
    autres = df[df["type_zone"] != "commune"]
    resultat = []
    for (tz, code, ind), g in autres.groupby(["type_zone", "code_zone", "indicateur"], sort=True):
        resultat.append({"type_zone": tz, "code": code, "indicateur": ind,
                         "annees_avec_valeur": sorted(int(a) for a in g.loc[g["valeur"].notna(), "annee"]),
                         "annees_sans_valeur": sorted(int(a) for a in g.loc[g["valeur"].isna(), "annee"])})
    return resultat


def _fusion(texte: str) -> tuple[str, list[str]]:
    if "=" not in texte:
        raise argparse.ArgumentTypeError(f"« {texte} » : forme attendue CODE_2020=CODE_2018[,CODE_2018…]")
    code, absorbees = texte.split("=", 1)
    return code.strip(), [a.strip() for a in absorbees.split(",") if a.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Construit la carte et le contexte social d'un territoire CTG "
                                                 "(un EPCI de Côte-d'Or ou une liste de communes).")
    parser.add_argument("--id", required=True, dest="identifiant", help="identifiant du territoire (dossier écrit)")
    parser.add_argument("--epci", help="SIREN de l'EPCI (composition communale 2020)")
    parser.add_argument("--communes", help="codes INSEE séparés par des virgules (à la place de --epci, ou en plus)")
    parser.add_argument("--nom", help="nom du territoire (défaut : nom de l'EPCI)")
    parser.add_argument("--fusion", action="append", type=_fusion, default=[],
                        help="CODE_2020=CODE_2018 : ajouter le contour 2018 d'une commune fusionnée depuis")
    parser.add_argument("--reference", type=Path, help="dossier des données ouvertes brutes")
    parser.add_argument("--sortie", type=Path, help="dossier parent à écrire (défaut : data/territoires/donnees)")
    args = parser.parse_args(argv)
    communes = [c.strip() for c in args.communes.split(",") if c.strip()] if args.communes else None
    try:
        construire_territoire(args.identifiant, args.epci, communes, reference=args.reference, sortie=args.sortie,
                              progression=lambda m: print(f"[territoire] {m}", flush=True), nom=args.nom,
                              fusions=dict(args.fusion))
    except ErreurDonnees as e:
        print(f"ERREUR : {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
