"""Géocodage des équipements avec la Base Adresse Nationale (BAN).

Deux sources de positions :

- l'API de géocodage en lot de la BAN (``/search/csv/``), avec une connexion internet ;
- un fichier BAN départemental (``adresses-21.csv`` d'adresse.data.gouv.fr, éventuellement
  compressé en ``.csv.gz``), sans connexion.

Deux usages, deux destinations :

- **en ligne de commande** (administration, avant la construction) : les résultats vont dans le
  cache CSV versionné (``data/geocodage_cache.csv``), entrée de l'étape de construction, puis les
  positions livrées sont recalculées (``data/equipements_positions.csv``). Une adresse du cache n'est
  pas redemandée, sauf les non trouvées avec ``--reessayer-non-trouvees``. Le cache est écrit une
  seule fois, à la fin, et seulement si tout a réussi ; l'écriture passe par un fichier temporaire
  remplacé d'un coup (jamais de fichier à moitié écrit) ;
- **dans l'application** (``geocoder_par_editeur``) : un acte d'éditeur, vérifié par le magasin
  avant toute requête ; les résultats vont dans le magasin (table ``geocodages``, avec auteur et
  date), jamais dans un fichier. Le fichier BAN est téléversé (``Televersement``) ou choisi parmi
  les fichiers du dossier configuré (``CTG_BAN_DIR``) : jamais un chemin saisi.

En ligne de commande :

    python -m ctg_data.geocodage (--api | --fichier-ban CHEMIN) [--reessayer-non-trouvees] [--donnees DOSSIER]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import math
import os
import re
import statistics
import sys
import tempfile
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import requests

from . import catalogue, config
from .erreurs import ErreurDonnees, Probleme
from .schemas import motif, parmi, texte
from .validation import lire_csv, valider

URL_BAN_CSV = "https://api-adresse.data.gouv.fr/search/csv/"
FICHIER_CACHE = "geocodage_cache.csv"
COLONNES_CACHE = [
    "cle", "adresse", "code_postal", "commune", "statut", "lat", "lon",
    "precision", "score", "libelle", "source", "date",
]

TROUVE, NON_TROUVE, AMBIGU = "trouvé", "non trouvé", "ambigu"
STATUTS = [TROUVE, NON_TROUVE, AMBIGU]
PRECISION_ADRESSE, PRECISION_RUE = "adresse", "rue"
MODES = ("api", "fichier")
SOURCE_API = "API BAN"

TAILLE_LOT = 500  # adresses par requête à l'API
PAS_PROGRESSION = 50  # adresses cherchées dans le fichier BAN entre deux signalements
TAILLE_MAX_TELEVERSEMENT_MO = 100  # fichier BAN téléversé (adresses-21.csv.gz : une dizaine de Mo)
TAILLE_MAX_DECOMPRESSEE = 500 * 1024**2  # fichier téléversé une fois décompressé (adresses-21.csv : ~80 Mo)
LONGUEUR_MAX_LIGNE = 64 * 1024  # une ligne de fichier BAN fait quelques centaines d'octets
EXTENSIONS_BAN = (".csv", ".csv.gz", ".gz")  # fichiers proposés dans le dossier CTG_BAN_DIR
SCORE_MINIMAL = 0.5  # en dessous, la proposition de l'API est refusée
SCORE_RUE = 0.6  # score donné à une position « rue » tirée du fichier BAN
ECART_MAXIMAL_M = 50  # au-delà, deux positions d'un même numéro rendent l'adresse ambiguë

RIEN_MODIFIE = "Aucune position n'a été modifiée."
PRECISION_PAR_TYPE_API = {"housenumber": PRECISION_ADRESSE, "street": PRECISION_RUE}
COLONNES_REPONSE_API = ["id", "latitude", "longitude", "result_label", "result_score", "result_type"]
# « result_status » (ok / not-found / skipped…) est lu s'il est présent ; sans lui, une position et un
# score suffisants valent accord.
COLONNES_BAN = ["numero", "rep", "nom_voie", "code_postal", "nom_commune", "lon", "lat"]

ABREVIATIONS = {
    "bd": "boulevard", "av": "avenue", "ave": "avenue", "r": "rue", "pl": "place", "all": "allee",
    "imp": "impasse", "chem": "chemin", "sq": "square", "fg": "faubourg",
}
# Mots ignorés pour reconnaître une voie : « Allée Docteur Huot » = « Allée du Docteur Huot ».
MOTS_VIDES = {"de", "du", "des", "d", "la", "le", "les", "l"}
MOTIF_NUMERO = re.compile(
    r"^\s*(\d+)\s*(?:[-/]\s*\d+\s*)?"  # numéro, ou plage « 21-25 » (on garde le premier)
    r"(?:(bis|ter|quater|quinquies|[a-h])(?=[\s,]))?"  # indice de répétition : bis, ter, a, b…
    r"[\s,]*(.*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Adresse:
    """L'adresse d'un équipement à géocoder."""

    id: str
    adresse: str | None
    code_postal: str | None
    commune: str | None


@dataclass(frozen=True)
class Resultat:
    """Le résultat du géocodage d'une adresse (une ligne du cache)."""

    cle: str
    adresse: str
    code_postal: str
    commune: str
    statut: str
    lat: float | None
    lon: float | None
    precision: str | None
    score: float | None
    libelle: str | None
    source: str
    date: str


@dataclass(frozen=True)
class Televersement:
    """Un fichier BAN téléversé dans l'application : son nom (pour les messages) et son contenu.
    Il n'est jamais écrit sur le disque du serveur."""

    nom: str
    contenu: bytes = field(repr=False)


class ErreurGeocodage(Exception):
    """Le service de géocodage n'a pas pu répondre (réseau, délai, erreur HTTP, réponse illisible).

    Le message, en français, dit quoi faire ; aucune position n'est modifiée quand elle est levée.
    """


# --- Normalisation --------------------------------------------------------------------------


def _texte(valeur) -> str:
    """Texte nettoyé ; None et les valeurs manquantes de pandas donnent une chaîne vide."""
    if valeur is None or (not isinstance(valeur, str) and pd.isna(valeur)):
        return ""
    return str(valeur).strip()


@lru_cache(maxsize=100_000)
def normaliser(libelle: str) -> str:
    """Minuscules, sans accents ni ponctuation (apostrophes et tirets deviennent des espaces),
    abréviations de voie développées (« bd » -> « boulevard »), espaces réduits."""
    decompose = unicodedata.normalize("NFKD", libelle.lower().replace("œ", "oe").replace("æ", "ae"))
    sans_accents = "".join(c for c in decompose if not unicodedata.combining(c))
    mots = re.sub(r"[^a-z0-9]+", " ", sans_accents).split()
    return " ".join(ABREVIATIONS.get(m, m) for m in mots)


@lru_cache(maxsize=100_000)
def cle_voie(nom_voie: str) -> str:
    """Nom de voie réduit pour la recherche : normalisé, sans articles ni « de »."""
    return " ".join(m for m in normaliser(nom_voie).split() if m not in MOTS_VIDES)


def _code_postal(code_postal) -> str:
    return re.sub(r"\s+", "", _texte(code_postal))


def cle_adresse(adresse, code_postal, commune) -> str:
    """Clé du cache : « 25 rue balzac|21000|dijon » pour (« 25 Rue Balzac », « 21000 », « Dijon »)."""
    return f"{normaliser(_texte(adresse))}|{_code_postal(code_postal)}|{normaliser(_texte(commune))}"


def decouper_adresse(adresse: str) -> tuple[str | None, str, str]:
    """« 34 quater rue des Péjoces » -> (« 34 », « quater », « rue des Péjoces »).

    Sans numéro en tête : (None, « », adresse). Une plage « 21-25 » donne le premier numéro.
    """
    trouve = MOTIF_NUMERO.match(adresse)
    if not trouve:
        return None, "", adresse.strip()
    numero, rep, voie = trouve.groups()
    return str(int(numero)), (rep or "").lower(), voie.strip()


# --- Résultats ------------------------------------------------------------------------------


def _resultat(
    adresse: Adresse, statut: str, source: str, jour: str, *, lat: float | None = None,
    lon: float | None = None, precision: str | None = None, score: float | None = None,
    libelle: str | None = None,
) -> Resultat:
    """Un Resultat arrondi comme dans le cache (6 décimales pour lat/lon, 4 pour le score) :
    relu depuis le cache, il est identique."""
    return Resultat(
        cle=cle_adresse(adresse.adresse, adresse.code_postal, adresse.commune),
        adresse=_texte(adresse.adresse),
        code_postal=_code_postal(adresse.code_postal),
        commune=_texte(adresse.commune),
        statut=statut,
        lat=None if lat is None else round(lat, 6),
        lon=None if lon is None else round(lon, 6),
        precision=precision,
        score=None if score is None else round(score, 4),
        libelle=libelle or None,
        source=source,
        date=jour,
    )


def _sans_adresse(adresse: Adresse, jour: str) -> Resultat:
    """Équipement sans rue : rien à géocoder (jamais mis en cache)."""
    return _resultat(adresse, NON_TROUVE, "aucune (adresse absente)", jour)


def bilan(resultats: Iterable[Resultat]) -> dict[str, int]:
    """Comptes par issue : « adresse », « rue », « ambigu », « non trouvé »."""
    comptes = Counter(r.precision if r.statut == TROUVE else r.statut for r in resultats)
    return {cle: comptes[cle] for cle in (PRECISION_ADRESSE, PRECISION_RUE, AMBIGU, NON_TROUVE)}


def texte_bilan(resultats: list[Resultat]) -> str:
    """« 53 adresses : 40 trouvées au numéro près, 8 à la rue seulement, 1 ambiguë, 4 non trouvées. »"""
    b = bilan(resultats)
    return (
        f"{_nombre_de(len(resultats), 'adresse')} : "
        f"{_nombre_de(b[PRECISION_ADRESSE], 'trouvée')} au numéro près, "
        f"{b[PRECISION_RUE]} à la rue seulement, "
        f"{_nombre_de(b[AMBIGU], 'ambiguë')}, {_nombre_de(b[NON_TROUVE], 'non trouvée', 'non trouvées')}."
    )


def _nombre_de(n: int, singulier: str, pluriel: str | None = None) -> str:
    return f"{n} {singulier if n <= 1 else pluriel or singulier + 's'}"


# --- Cache ----------------------------------------------------------------------------------

SCHEMA_CACHE = pa.DataFrameSchema(
    {
        "cle": texte(unique=True),
        "adresse": texte(),
        "code_postal": texte(False),
        "commune": texte(False),
        "statut": texte(checks=parmi(STATUTS)),
        "lat": pa.Column(float, nullable=True, coerce=True,
                         checks=pa.Check.in_range(-90, 90, error="latitude hors de l'intervalle -90 à 90")),
        "lon": pa.Column(float, nullable=True, coerce=True,
                         checks=pa.Check.in_range(-180, 180, error="longitude hors de l'intervalle -180 à 180")),
        "precision": texte(False, checks=parmi([PRECISION_ADRESSE, PRECISION_RUE])),
        "score": pa.Column(float, nullable=True, coerce=True,
                           checks=pa.Check.in_range(0, 1, error="score hors de l'intervalle 0 à 1")),
        "libelle": texte(False),
        "source": texte(),
        "date": texte(checks=motif(r"^\d{4}-\d{2}-\d{2}$", "une date AAAA-MM-JJ")),
    },
    strict=True,
    name="geocodage_cache",
)


class Cache:
    """Le cache des géocodages, un fichier CSV (``data/geocodage_cache.csv`` par défaut).

    Un fichier absent vaut un cache vide ; un fichier invalide lève ErreurDonnees (fichier, ligne,
    colonne).
    """

    def __init__(self, chemin: Path | None = None):
        self.chemin = Path(chemin) if chemin is not None else config.dossier_donnees() / FICHIER_CACHE
        self._resultats: dict[str, Resultat] = self._lire() if self.chemin.exists() else {}

    def _lire(self) -> dict[str, Resultat]:
        nom = self.chemin.name
        df = valider(lire_csv(self.chemin), SCHEMA_CACHE, nom)
        sans_position = (df["statut"] == TROUVE) & (df["lat"].isna() | df["lon"].isna() | df["precision"].isna())
        if sans_position.any():
            raise ErreurDonnees(nom, [
                Probleme("statut « trouvé » sans lat, lon et precision", ligne=int(i) + 2, colonne="statut")
                for i in df.index[sans_position]
            ])
        resultats = {}
        for ligne in df.to_dict("records"):
            valeurs = {c: None if pd.isna(v) else v for c, v in ligne.items()}
            for c in ("code_postal", "commune"):
                valeurs[c] = valeurs[c] or ""
            resultats[valeurs["cle"]] = Resultat(**valeurs)
        return resultats

    def get(self, cle: str) -> Resultat | None:
        return self._resultats.get(cle)

    def enregistrer(self, resultats: Iterable[Resultat]) -> None:
        """Ajoute (ou remplace) des résultats et réécrit tout le fichier, lignes triées par clé.

        Les résultats sans adresse ne sont pas mis en cache. L'écriture passe par un fichier
        temporaire du même dossier remplacé d'un coup (os.replace) : en cas d'échec, l'ancien
        fichier reste intact.
        """
        fusion = dict(self._resultats)
        fusion.update((r.cle, r) for r in resultats if r.adresse)
        tampon = io.StringIO()
        ecrivain = csv.writer(tampon, lineterminator="\n")
        ecrivain.writerow(COLONNES_CACHE)
        ecrivain.writerows(_ligne_cache(fusion[cle]) for cle in sorted(fusion))
        self.chemin.parent.mkdir(parents=True, exist_ok=True)
        mode = self.chemin.stat().st_mode & 0o777 if self.chemin.exists() else 0o644
        descripteur, temporaire = tempfile.mkstemp(
            dir=self.chemin.parent, prefix=f".{self.chemin.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(descripteur, "w", encoding="utf-8", newline="") as f:
                f.write(tampon.getvalue())
                f.flush()
                os.fsync(f.fileno())
            os.chmod(temporaire, mode)
            os.replace(temporaire, self.chemin)
        except BaseException:
            Path(temporaire).unlink(missing_ok=True)
            raise
        self._resultats = fusion

    def tableau(self) -> pd.DataFrame:
        """Toutes les lignes du cache, triées par clé, colonnes COLONNES_CACHE."""
        lignes = [asdict(self._resultats[cle]) for cle in sorted(self._resultats)]
        df = pd.DataFrame(lignes, columns=COLONNES_CACHE)
        return df.astype({"lat": float, "lon": float, "score": float})


def _ligne_cache(r: Resultat) -> list[str]:
    def nombre(x: float | None, format_: str) -> str:
        return "" if x is None else format(x, format_)

    return [
        r.cle, r.adresse, r.code_postal, r.commune, r.statut, nombre(r.lat, ".6f"), nombre(r.lon, ".6f"),
        r.precision or "", nombre(r.score, "g"), r.libelle or "", r.source, r.date,
    ]


# --- API de la BAN --------------------------------------------------------------------------


def geocoder_api(
    adresses: list[Adresse], url: str = URL_BAN_CSV, timeout: float = 30, session=None
) -> list[Resultat]:
    """Géocode des adresses en une requête à l'API en lot de la BAN (le découpage en lots de
    TAILLE_LOT est fait par ``geocoder``). Les adresses sans rue ne sont pas envoyées ; une même
    adresse n'est envoyée qu'une fois. Renvoie un Resultat par adresse, dans l'ordre.

    ``session`` : objet ayant la méthode ``post`` de requests (``requests`` lui-même par défaut).
    Lève ErreurGeocodage (réseau, délai, erreur HTTP, réponse illisible).
    """
    jour = date.today().isoformat()
    a_envoyer: dict[str, Adresse] = {}
    for a in adresses:
        if _texte(a.adresse):
            a_envoyer.setdefault(cle_adresse(a.adresse, a.code_postal, a.commune), a)
    trouves = _interroger_api(list(a_envoyer.values()), url, timeout, session, jour) if a_envoyer else {}
    return [
        trouves[cle_adresse(a.adresse, a.code_postal, a.commune)] if _texte(a.adresse) else _sans_adresse(a, jour)
        for a in adresses
    ]


def _interroger_api(adresses: list[Adresse], url: str, timeout: float, session, jour: str) -> dict[str, Resultat]:
    """Envoie les adresses (distinctes, non vides) ; renvoie {clé : Resultat}."""
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, lineterminator="\n")
    ecrivain.writerow(["id", "adresse", "postcode", "city"])
    for n, a in enumerate(adresses):
        ecrivain.writerow([n, _texte(a.adresse), _code_postal(a.code_postal), _texte(a.commune)])
    client = session if session is not None else requests
    try:
        reponse = client.post(
            url,
            files={"data": ("adresses.csv", tampon.getvalue().encode("utf-8"), "text/csv")},
            data={"columns": ["adresse", "city"], "postcode": "postcode"},
            timeout=timeout,
        )
    except requests.Timeout:
        raise ErreurGeocodage(
            f"Le service de géocodage de la BAN n'a pas répondu dans les {timeout:g} s : "
            f"vérifiez la connexion internet, puis relancez. {RIEN_MODIFIE}"
        ) from None
    except requests.ConnectionError:
        raise ErreurGeocodage(
            f"Impossible de joindre le service de géocodage de la BAN ({url}) : vérifiez la connexion "
            f"internet (ou utilisez un fichier BAN départemental), puis relancez. {RIEN_MODIFIE}"
        ) from None
    except requests.RequestException as e:
        raise ErreurGeocodage(
            f"La requête au service de géocodage de la BAN a échoué ({e}). {RIEN_MODIFIE}"
        ) from None
    if reponse.status_code >= 400:
        raise ErreurGeocodage(
            f"Le service de géocodage de la BAN a répondu par une erreur (HTTP {reponse.status_code}) : "
            f"réessayez plus tard. {RIEN_MODIFIE}"
        )
    try:
        lignes = _lire_reponse_api(reponse.content, len(adresses))
        return {
            cle_adresse(a.adresse, a.code_postal, a.commune): _resultat_api(a, lignes[str(n)], jour)
            for n, a in enumerate(adresses)
        }
    except ValueError as e:
        raise ErreurGeocodage(
            f"La réponse du service de géocodage de la BAN est illisible ({e}) : réessayez plus tard. "
            f"{RIEN_MODIFIE}"
        ) from None


def _lire_reponse_api(contenu: bytes, attendues: int) -> dict[str, dict[str, str]]:
    """Le CSV renvoyé par l'API, par identifiant de ligne. Lève ValueError s'il est mal formé."""
    try:
        lecteur = csv.DictReader(io.StringIO(contenu.decode("utf-8-sig")))
        lignes = list(lecteur)
    except (UnicodeDecodeError, csv.Error) as e:
        raise ValueError(f"ce n'est pas un CSV UTF-8 : {e}") from None
    absentes = [c for c in COLONNES_REPONSE_API if c not in (lecteur.fieldnames or [])]
    if absentes:
        raise ValueError(f"colonne(s) absente(s) : {', '.join(absentes)}")
    par_id = {ligne["id"]: ligne for ligne in lignes}
    manquantes = [str(n) for n in range(attendues) if str(n) not in par_id]
    if manquantes:
        raise ValueError(f"{len(manquantes)} adresse(s) envoyée(s) absente(s) de la réponse")
    return par_id


def _resultat_api(adresse: Adresse, ligne: dict[str, str], jour: str) -> Resultat:
    """Interprète une ligne de réponse de l'API (ValueError si un nombre est illisible)."""

    def nombre(colonne: str) -> float | None:
        valeur = (ligne[colonne] or "").strip()
        try:
            return float(valeur) if valeur else None
        except ValueError:
            raise ValueError(f"« {valeur} » n'est pas un nombre (colonne {colonne})") from None

    lat, lon, score = nombre("latitude"), nombre("longitude"), nombre("result_score")
    precision = PRECISION_PAR_TYPE_API.get((ligne["result_type"] or "").strip())
    accepte = (
        (ligne.get("result_status") or "ok").strip() == "ok"
        and lat is not None and lon is not None
        and score is not None and score >= SCORE_MINIMAL
        and precision is not None
    )
    libelle = (ligne["result_label"] or "").strip()
    if accepte:
        return _resultat(adresse, TROUVE, SOURCE_API, jour, lat=lat, lon=lon, precision=precision,
                         score=score, libelle=libelle)
    # Proposition refusée (score trop bas, commune ou lieu-dit seulement) : on garde son libellé et
    # son score pour que la raison du refus reste visible.
    return _resultat(adresse, NON_TROUVE, SOURCE_API, jour, score=score, libelle=libelle)


# --- Fichier BAN départemental ---------------------------------------------------------------


@dataclass(frozen=True)
class PointBan:
    """Une ligne utile d'un fichier BAN : un numéro d'une voie et sa position."""

    numero: str
    rep: str
    nom_voie: str
    code_postal: str
    nom_commune: str
    lat: float
    lon: float

    @property
    def voie(self) -> tuple[str, str, str]:
        """Identité de la voie : code postal, commune et nom normalisés."""
        return (self.code_postal, normaliser(self.nom_commune), normaliser(self.nom_voie))

    @property
    def libelle_voie(self) -> str:
        return f"{self.nom_voie} {self.code_postal} {self.nom_commune}"

    @property
    def libelle(self) -> str:
        rep = f" {self.rep}" if self.rep else ""
        return f"{self.numero}{rep} {self.libelle_voie}"


class FichierBan:
    """Les points d'un fichier BAN départemental (``;``, UTF-8, ``.csv`` ou ``.csv.gz``), rangés par
    nom de voie réduit (``cle_voie``). Tout le fichier est contrôlé ; seules les voies de ``voies``
    sont gardées en mémoire (toutes si None).

    Un fichier introuvable, compressé illisible, mal encodé ou mal formé (colonne absente, nombre de
    champs, lat/lon invalides) lève ErreurDonnees avec le fichier, la ligne et la colonne.
    """

    def __init__(self, chemin: Path | Televersement, voies: set[str] | None = None):
        limite = None
        if isinstance(chemin, Televersement):  # téléversé : lu en mémoire, taille décompressée bornée
            nom, limite = nom_fichier_sur(chemin.nom), TAILLE_MAX_DECOMPRESSEE
        else:
            chemin = Path(chemin)
            nom = chemin.name
            if not chemin.is_file():
                raise ErreurDonnees(nom, [Probleme(f"fichier introuvable ({chemin})")])
        self.source = f"fichier BAN {nom}"
        self.points: dict[str, list[PointBan]] = {}
        try:
            with _ouvrir(chemin) as flux:
                problemes = self._lire(_lignes_decodees(flux, nom, limite), voies)
        except (OSError, EOFError, zlib.error, csv.Error) as e:
            raise ErreurDonnees(nom, [Probleme(f"fichier illisible ou compressé de façon incorrecte ({e})")]) from None
        if problemes:
            raise ErreurDonnees(nom, problemes)

    def _lire(self, lignes: Iterator[str], voies: set[str] | None) -> list[Probleme]:
        lecteur = csv.reader(lignes, delimiter=";")
        entete = [c.strip() for c in next(lecteur, [])]
        if not entete:
            return [Probleme("le fichier est vide")]
        absentes = [c for c in COLONNES_BAN if c not in entete]
        if absentes:
            return [
                Probleme("colonne obligatoire absente (format BAN « adresses-XX.csv » attendu, séparateur « ; »)",
                         ligne=1, colonne=c)
                for c in absentes
            ]
        rang = {c: entete.index(c) for c in COLONNES_BAN}
        problemes: list[Probleme] = []
        for champs in lecteur:
            if not champs:
                continue
            ligne = lecteur.line_num
            if len(champs) != len(entete):
                problemes.append(Probleme(
                    f"{len(champs)} champs trouvés, {len(entete)} attendus (comme l'en-tête) ; "
                    "vérifiez les points-virgules et les guillemets",
                    ligne=ligne,
                ))
                continue
            lat = _coordonnee(champs[rang["lat"]], "lat", 90, ligne, problemes)
            lon = _coordonnee(champs[rang["lon"]], "lon", 180, ligne, problemes)
            voie = cle_voie(champs[rang["nom_voie"]])
            if lat is None or lon is None or (voies is not None and voie not in voies):
                continue
            numero = champs[rang["numero"]].strip()
            self.points.setdefault(voie, []).append(PointBan(
                numero=str(int(numero)) if numero.isdecimal() else numero,
                rep=champs[rang["rep"]].strip().lower(),
                nom_voie=champs[rang["nom_voie"]].strip(),
                code_postal=champs[rang["code_postal"]].strip(),
                nom_commune=champs[rang["nom_commune"]].strip(),
                lat=lat,
                lon=lon,
            ))
        return problemes

    def chercher(self, adresse: Adresse, jour: str) -> Resultat:
        """Cherche une adresse : numéro exact (« adresse »), sinon la voie (« rue », position médiane
        de ses points), « ambigu » si plusieurs voies ou plusieurs positions éloignées conviennent."""
        numero, rep, voie = decouper_adresse(_texte(adresse.adresse))
        points = self._filtrer_lieu(self.points.get(cle_voie(voie), []), adresse)
        if not points:
            return _resultat(adresse, NON_TROUVE, self.source, jour)
        voies = sorted({p.voie: p.libelle_voie for p in points}.values())
        if len(voies) > 1:
            return _resultat(adresse, AMBIGU, self.source, jour,
                             libelle=f"plusieurs voies possibles : {' ; '.join(voies)}")
        memes = [p for p in points if numero is not None and (p.numero, p.rep) == (numero, rep)]
        if memes:
            if _ecart_maximal_m(memes) > ECART_MAXIMAL_M:
                return _resultat(
                    adresse, AMBIGU, self.source, jour,
                    libelle=f"{memes[0].libelle} : plusieurs positions distantes de plus de {ECART_MAXIMAL_M} m",
                )
            p = memes[0]
            return _resultat(adresse, TROUVE, self.source, jour, lat=p.lat, lon=p.lon,
                             precision=PRECISION_ADRESSE, score=1.0, libelle=p.libelle)
        raison = "numéro absent" if numero is not None else "adresse sans numéro"
        return _resultat(
            adresse, TROUVE, self.source, jour,
            lat=statistics.median(p.lat for p in points), lon=statistics.median(p.lon for p in points),
            precision=PRECISION_RUE, score=SCORE_RUE, libelle=f"{voies[0]} (rue, {raison})",
        )

    @staticmethod
    def _filtrer_lieu(points: list[PointBan], adresse: Adresse) -> list[PointBan]:
        """Garde les points du code postal s'il est donné (la commune départage alors les voies
        homonymes d'un même code postal), sinon ceux de la commune si elle est donnée."""
        code_postal, commune = _code_postal(adresse.code_postal), normaliser(_texte(adresse.commune))
        if code_postal:
            points = [p for p in points if p.code_postal == code_postal]
            de_la_commune = [p for p in points if normaliser(p.nom_commune) == commune]
            return de_la_commune or points
        if commune:
            return [p for p in points if normaliser(p.nom_commune) == commune]
        return points


def _ouvrir(chemin: Path | Televersement):
    """Ouvre le fichier en binaire, décompressé s'il est au format gzip (quel que soit son nom)."""
    if isinstance(chemin, Televersement):
        flux = io.BytesIO(chemin.contenu)
        return gzip.GzipFile(fileobj=flux, mode="rb") if chemin.contenu[:2] == b"\x1f\x8b" else flux
    with chemin.open("rb") as f:
        gzip_ = f.read(2) == b"\x1f\x8b"
    return gzip.open(chemin, "rb") if gzip_ else chemin.open("rb")


def nom_fichier_sur(nom: str) -> str:
    """Le nom d'un fichier téléversé, réduit à ce qu'on peut afficher et enregistrer sans risque :
    sans dossier, lettres, chiffres, point, tiret et soulignement seulement, 80 caractères au plus."""
    propre = re.sub(r"[^\w.-]+", "_", Path(str(nom).replace("\\", "/")).name).strip("._")
    return propre[:80] or "fichier"


def _lignes_decodees(flux, nom: str, limite: int | None = None) -> Iterator[str]:
    """Décode ligne à ligne en UTF-8 : une erreur d'encodage est située à sa ligne. ``limite`` : taille
    décompressée au-delà de laquelle la lecture s'arrête (fichier téléversé)."""
    lu, n = 0, 0
    while brute := flux.readline(LONGUEUR_MAX_LIGNE + 1):  # jamais une « ligne » de plusieurs Go en mémoire
        n += 1
        lu += len(brute)
        if len(brute) > LONGUEUR_MAX_LIGNE:
            raise ErreurDonnees(nom, [Probleme(
                f"ligne de plus de {LONGUEUR_MAX_LIGNE // 1024} Ko : ce n'est pas un fichier BAN départemental",
                ligne=n,
            )])
        if limite is not None and lu > limite:
            raise ErreurDonnees(nom, [Probleme(
                f"fichier trop volumineux une fois décompressé (plus de {limite // 1024**2} Mo) : ce n'est "
                "pas un fichier BAN départemental",
                ligne=n,
            )])
        try:
            yield brute.decode("utf-8-sig" if n == 1 else "utf-8")
        except UnicodeDecodeError:
            raise ErreurDonnees(nom, [Probleme(
                "le fichier n'est pas encodé en UTF-8 (téléchargez le fichier BAN d'origine, sans le "
                "réenregistrer dans un tableur)",
                ligne=n,
            )]) from None


def _coordonnee(valeur: str, colonne: str, borne: int, ligne: int, problemes: list[Probleme]) -> float | None:
    """Lit lat ou lon ; une valeur invalide est ajoutée aux problèmes et donne None."""
    valeur = valeur.strip()
    if not valeur:
        problemes.append(Probleme("valeur manquante", ligne=ligne, colonne=colonne))
        return None
    try:
        x = float(valeur)
    except ValueError:
        x = math.nan
    if not (math.isfinite(x) and -borne <= x <= borne):
        problemes.append(Probleme(
            f"« {valeur} » n'est pas valide ; attendu : un nombre entre -{borne} et {borne} "
            "(décimales avec un point)",
            ligne=ligne, colonne=colonne,
        ))
        return None
    return x


def _ecart_maximal_m(points: list[PointBan]) -> float:
    """Plus grande distance (en mètres, approximation plane) entre deux points."""
    def distance(a: PointBan, b: PointBan) -> float:
        x = math.radians(b.lon - a.lon) * math.cos(math.radians((a.lat + b.lat) / 2))
        y = math.radians(b.lat - a.lat)
        return 6_371_000 * math.hypot(x, y)

    return max((distance(a, b) for a in points for b in points), default=0.0)


def geocoder_fichier_ban(adresses: list[Adresse], chemin: Path) -> list[Resultat]:
    """Géocode des adresses avec un fichier BAN départemental. Un Resultat par adresse, dans l'ordre."""
    jour = date.today().isoformat()
    fichier = FichierBan(chemin, {cle_voie(decouper_adresse(_texte(a.adresse))[2]) for a in adresses})
    return [fichier.chercher(a, jour) if _texte(a.adresse) else _sans_adresse(a, jour) for a in adresses]


# --- Géocodage avec cache --------------------------------------------------------------------


class CacheMemoire:
    """Un cache de géocodage en mémoire, avec les méthodes de ``Cache`` utilisées par ``geocoder`` :
    rien n'est écrit sur le disque (``geocoder_par_editeur`` enregistre ses résultats dans le magasin)."""

    def __init__(self, resultats: Iterable[Resultat] = ()):
        self._resultats = {r.cle: r for r in resultats}

    def get(self, cle: str) -> Resultat | None:
        return self._resultats.get(cle)

    def enregistrer(self, resultats: Iterable[Resultat]) -> None:
        self._resultats.update((r.cle, r) for r in resultats if r.adresse)


def geocoder(
    adresses: list[Adresse],
    cache: Cache | CacheMemoire,
    *,
    mode: str,
    chemin_ban: Path | Televersement | None = None,
    progression: Callable[[int, int, str], None] | None = None,
    session=None,
    reessayer: bool = False,
) -> list[Resultat]:
    """Géocode les adresses absentes du cache, puis écrit le cache (une fois, si tout a réussi).
    ``reessayer`` : les adresses du cache restées « non trouvé » ou « ambigu » sont cherchées de
    nouveau (les trouvées ne le sont jamais).

    ``mode`` : « api » (lots de TAILLE_LOT adresses) ou « fichier » (``chemin_ban`` obligatoire).
    ``progression(fait, total, message)`` est appelée au début, après chaque lot (ou toutes les
    PAS_PROGRESSION adresses) et à la fin ; ``total`` est le nombre d'adresses reçues.
    Renvoie un Resultat par adresse, dans l'ordre. Les adresses sans rue ne sont ni envoyées ni mises
    en cache. En cas d'erreur (ErreurGeocodage, ErreurDonnees), le cache n'est pas modifié.
    """
    if mode not in MODES:
        raise ValueError(f"mode de géocodage inconnu « {mode} » ; modes admis : {', '.join(MODES)}")
    if mode == "fichier" and chemin_ban is None:
        raise ValueError("le mode « fichier » demande le chemin d'un fichier BAN (chemin_ban)")
    signaler = progression or (lambda fait, total, message: None)
    jour = date.today().isoformat()
    total = len(adresses)
    connus: dict[str, Resultat] = {}
    nouvelles: dict[str, Adresse] = {}
    poids: Counter[str] = Counter()  # nombre d'adresses reçues derrière chaque clé nouvelle
    for a in adresses:
        if not _texte(a.adresse):
            continue
        cle = cle_adresse(a.adresse, a.code_postal, a.commune)
        deja = cache.get(cle)
        if deja is not None and not (reessayer and deja.statut != TROUVE):
            connus[cle] = deja
        else:
            nouvelles.setdefault(cle, a)
            poids[cle] += 1
    fait = total - sum(poids.values())
    signaler(fait, total, f"{fait} adresse(s) déjà dans le cache ou sans rue")

    nouveaux: dict[str, Resultat] = {}
    a_chercher = list(nouvelles.items())
    if mode == "api" and a_chercher:
        for debut in range(0, len(a_chercher), TAILLE_LOT):
            lot = a_chercher[debut : debut + TAILLE_LOT]
            nouveaux.update((r.cle, r) for r in geocoder_api([a for _, a in lot], session=session))
            fait += sum(poids[cle] for cle, _ in lot)
            signaler(fait, total, f"API BAN : {fait}/{total} adresses")
    elif mode == "fichier" and a_chercher:
        fichier = FichierBan(chemin_ban, {cle_voie(decouper_adresse(_texte(a.adresse))[2]) for _, a in a_chercher})
        for n, (cle, a) in enumerate(a_chercher, start=1):
            nouveaux[cle] = fichier.chercher(a, jour)
            fait += poids[cle]
            if n % PAS_PROGRESSION == 0:
                signaler(fait, total, f"{fichier.source} : {fait}/{total} adresses")

    if nouveaux:
        cache.enregistrer(nouveaux.values())
    par_cle = connus | nouveaux
    resultats = [
        par_cle[cle_adresse(a.adresse, a.code_postal, a.commune)] if _texte(a.adresse) else _sans_adresse(a, jour)
        for a in adresses
    ]
    signaler(total, total, f"Géocodage terminé : {texte_bilan(resultats)}")
    return resultats


# --- Géocodage depuis l'application : un acte d'éditeur, résultats dans le magasin --------------


def fichiers_dossier_ban(dossier: Path | None = None) -> list[str]:
    """Les noms des fichiers BAN proposés aux éditeurs : les fichiers ``.csv``, ``.csv.gz`` ou ``.gz``
    posés directement dans le dossier ``CTG_BAN_DIR`` (``config.dossier_ban``). Liste vide si le
    dossier n'est pas configuré ou n'existe pas."""
    dossier = dossier if dossier is not None else config.dossier_ban()
    if dossier is None or not dossier.is_dir():
        return []
    return sorted(
        f.name for f in dossier.iterdir()
        if not f.name.startswith(".") and f.name.lower().endswith(EXTENSIONS_BAN) and f.is_file()
    )


def fichier_du_dossier_ban(nom: str, dossier: Path | None = None) -> Path:
    """Le chemin d'un fichier de la liste ``fichiers_dossier_ban``. Tout autre nom (chemin, « .. »,
    fichier hors de la liste, qu'il existe ou non) est refusé par le même message : l'application ne
    dit jamais si un fichier existe ailleurs sur le serveur."""
    dossier = dossier if dossier is not None else config.dossier_ban()
    if dossier is None:
        raise ErreurGeocodage(
            "Aucun dossier de fichiers BAN n'est configuré sur le serveur (CTG_BAN_DIR) : téléversez le "
            f"fichier BAN départemental. {RIEN_MODIFIE}"
        )
    if not isinstance(nom, str) or nom not in fichiers_dossier_ban(dossier):
        raise ErreurGeocodage(
            f"Ce fichier ne fait pas partie des fichiers BAN proposés : choisissez-en un dans la liste. {RIEN_MODIFIE}"
        )
    return dossier / nom


def adresses_a_chercher(
    adresses: list[Adresse], geocodes: pd.DataFrame, cache: Cache | CacheMemoire
) -> tuple[list[Adresse], list[Adresse]]:
    """(jamais cherchées, non trouvées ou ambiguës) parmi ``adresses``. Le résultat d'un équipement est
    le dernier du magasin (``Stockage.geocodages_actifs`` : colonnes id, cle, statut) s'il porte sur son
    adresse actuelle, sinon celui du cache livré (``data/geocodage_cache.csv``)."""
    derniers = {} if geocodes.empty else {
        i: (c, statut) for i, c, statut in zip(geocodes["id"], geocodes["cle"], geocodes["statut"])}
    nouvelles, non_trouvees = [], []
    for a in adresses:
        cle = cle_adresse(a.adresse, a.code_postal, a.commune)
        statut = None
        if a.id in derniers and derniers[a.id][0] == cle:
            statut = derniers[a.id][1]
        elif (livre := cache.get(cle)) is not None:
            statut = livre.statut
        if statut is None:
            nouvelles.append(a)
        elif statut != TROUVE:
            non_trouvees.append(a)
    return nouvelles, non_trouvees


def etat_des_adresses(
    stockage, dossier: Path | None = None, equipements: pd.DataFrame | None = None
) -> tuple[list[Adresse], list[Adresse]]:
    """``adresses_a_chercher`` pour les équipements des données livrées (``equipements`` s'ils sont
    déjà chargés) et les résultats du magasin (lecture seule : ce que la page propose de chercher)."""
    dossier = Path(dossier) if dossier is not None else config.dossier_donnees()
    if equipements is None:
        equipements = catalogue.charger("equipements", dossier)
    return adresses_a_chercher(adresses_equipements(equipements), stockage.geocodages_actifs(),
                               Cache(dossier / FICHIER_CACHE))


def pour_le_magasin(equipement: str, r: Resultat) -> dict:
    """Une ligne de ``Stockage.enregistrer_geocodages`` (sans auteur ni date : le magasin les ajoute)."""
    return {"equipement": equipement, "cle": r.cle, "statut": r.statut, "lat": r.lat, "lon": r.lon,
            "precision": r.precision, "score": r.score, "libelle": r.libelle, "source": r.source}


def geocoder_par_editeur(
    stockage,
    identite,
    *,
    mode: str,
    fichier_ban: str | Televersement | None = None,
    reessayer: bool = False,
    dossier: Path | None = None,
    progression: Callable[[int, int, str], None] | None = None,
    session=None,
) -> list[Resultat]:
    """Le géocodage lancé depuis l'application : un acte d'éditeur, comme une correction.

    1. L'identité est vérifiée par le magasin (``Stockage.verifier_editeur`` : compte d'éditeur actif)
       avant toute requête au service de la BAN et toute lecture de fichier : sans elle,
       ``EcritureRefusee``.
    2. Sont cherchées les adresses jamais cherchées ou, avec ``reessayer``, celles restées « non
       trouvé » ou « ambigu » (magasin, sinon cache livré) : un échec n'est jamais figé.
    3. Mode « fichier » : ``fichier_ban`` est un fichier téléversé (``Televersement``,
       TAILLE_MAX_TELEVERSEMENT_MO au plus) ou le **nom** d'un fichier du dossier ``CTG_BAN_DIR``
       (``fichiers_dossier_ban``) ; jamais un chemin.
    4. Les résultats vont dans le magasin (``Stockage.enregistrer_geocodages`` : auteur et date, une
       transaction) ; aucun fichier n'est écrit. En cas d'erreur, rien n'est enregistré.

    Renvoie les résultats des adresses cherchées, dans l'ordre (liste vide : rien à chercher).
    """
    stockage.verifier_editeur(identite)
    if mode not in MODES:
        raise ValueError(f"mode de géocodage inconnu « {mode} » ; modes admis : {', '.join(MODES)}")
    source = None
    if mode == "fichier":
        if isinstance(fichier_ban, Televersement):
            if len(fichier_ban.contenu) > TAILLE_MAX_TELEVERSEMENT_MO * 1024**2:
                raise ErreurGeocodage(
                    f"Le fichier téléversé dépasse {TAILLE_MAX_TELEVERSEMENT_MO} Mo : téléversez le fichier BAN "
                    f"départemental compressé (adresses-21.csv.gz). {RIEN_MODIFIE}"
                )
            source = fichier_ban
        elif isinstance(fichier_ban, str) and fichier_ban:
            source = fichier_du_dossier_ban(fichier_ban)
        else:
            raise ErreurGeocodage(
                f"Choisissez un fichier BAN dans la liste ou téléversez-le. {RIEN_MODIFIE}"
            )
    nouvelles, non_trouvees = etat_des_adresses(stockage, dossier)
    a_chercher = non_trouvees if reessayer else nouvelles
    if not a_chercher:
        return []
    resultats = geocoder(a_chercher, CacheMemoire(), mode=mode, chemin_ban=source, progression=progression,
                         session=session)
    stockage.enregistrer_geocodages(identite, [pour_le_magasin(a.id, r) for a, r in zip(a_chercher, resultats)])
    return resultats


# --- Ligne de commande ------------------------------------------------------------------------


def _afficher_progression(fait: int, total: int, message: str) -> None:
    print(f"\r[géocodage] {fait}/{total} adresses…", end="", flush=True)


def adresses_equipements(equipements: pd.DataFrame) -> list[Adresse]:
    """Les adresses à géocoder : les équipements dont le document donne une adresse."""
    return [
        Adresse(id=e["id"], adresse=e["adresse"], code_postal=_texte(e["code_postal"]) or None,
                commune=_texte(e["commune"]) or None)
        for e in equipements[equipements["adresse"].notna()].to_dict("records")
    ]


def main(argv: list[str] | None = None) -> int:
    """Géocode les équipements qui ont une adresse et met à jour DOSSIER/geocodage_cache.csv (entrée
    versionnée de la construction), puis DOSSIER/equipements_positions.csv. L'application, elle,
    n'écrit jamais ces fichiers : ses géocodages vont dans le magasin (``geocoder_par_editeur``)."""
    parseur = argparse.ArgumentParser(
        prog="python -m ctg_data.geocodage",
        description="Géocode les équipements avec la Base Adresse Nationale (BAN) et met à jour le "
        "cache des positions (data/geocodage_cache.csv, entrée de la construction) et les positions "
        "livrées (data/equipements_positions.csv).",
    )
    source = parseur.add_mutually_exclusive_group(required=True)
    source.add_argument("--api", action="store_true", help="interroger l'API de la BAN (connexion internet)")
    source.add_argument("--fichier-ban", type=Path, metavar="CHEMIN",
                        help="fichier BAN départemental (adresses-21.csv ou .csv.gz), sans connexion")
    parseur.add_argument("--reessayer-non-trouvees", action="store_true",
                         help="chercher de nouveau les adresses du cache restées non trouvées ou ambiguës")
    parseur.add_argument("--donnees", type=Path, metavar="DOSSIER",
                         help="dossier des données (défaut : data/ du projet, ou CTG_DATA_DIR)")
    arguments = parseur.parse_args(argv)
    dossier = arguments.donnees or config.dossier_donnees()
    try:
        equipements = catalogue.charger("equipements", dossier)
        adresses = adresses_equipements(equipements)
        cache = Cache(dossier / FICHIER_CACHE)
        resultats = geocoder(
            adresses, cache, mode="api" if arguments.api else "fichier",
            chemin_ban=arguments.fichier_ban, progression=_afficher_progression,
            reessayer=arguments.reessayer_non_trouvees,
        )
    except (ErreurGeocodage, ErreurDonnees) as e:
        print(f"\n[géocodage] Échec : {e}", file=sys.stderr)
        return 1
    print()
    print(f"[géocodage] {texte_bilan(resultats)}")
    sans = len(equipements) - len(adresses)
    if sans:
        print(f"[géocodage] {_nombre_de(sans, 'équipement')} sans adresse dans le document : non géocodé(s).")
    print(f"[géocodage] Positions enregistrées dans {cache.chemin}")
    from .positions import FICHIER_POSITIONS, ecrire_positions_livrees

    ecrire_positions_livrees(dossier)  # position et quartier de chaque équipement, pour toutes les pages
    print(f"[géocodage] Position et quartier des équipements recalculés : {FICHIER_POSITIONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
