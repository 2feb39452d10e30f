"""Saisie des valeurs d'indicateurs : modèle d'import, lecture et validation d'un fichier CSV ou
XLSX, aperçu des changements. L'enregistrement (tout ou rien) passe par ``Stockage.enregistrer_lot``.

Un fichier importé ne perd rien et ne cache rien :

- limites (``TAILLE_MAX_OCTETS``, ``LIGNES_MAX``, ``COLONNES_MAX``, ``CELLULES_MAX``,
  ``XLSX_DECOMPRESSE_MAX``) vérifiées avant la lecture (taille, archive XLSX) ou pendant une lecture en
  flux qui s'arrête dès qu'une limite est dépassée : un fichier lourd ne retient pas le serveur ;
- CSV : encodage (UTF-8 avec ou sans BOM, UTF-16 avec ou sans BOM, Windows-1252 / Latin-1) et
  séparateur (point-virgule, virgule, tabulation) reconnus et dits dans l'aperçu ; une ligne qui n'a pas
  le nombre de champs de l'en-tête (autre séparateur, guillemet mal placé) est une erreur à sa ligne ;
- XLSX : lu en flux (openpyxl ``read_only``) ; cellules en erreur (``#N/A``, ``#DIV/0!``…) signalées ;
- caractères de contrôle (octet nul…) refusés, à leur ligne et colonne ;
- chaque ligne non importée (vide, ou ligne du modèle non remplie) est listée avec son numéro ;
- toute erreur est une ``ErreurDonnees`` en français (fichier, ligne, colonne), jamais une exception
  anglaise.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import math
import numbers
import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field

import pandas as pd

from .erreurs import ErreurDonnees, Probleme
from .exports import en_xlsx
from .plan import Plan
from .stockage import AIDE_PERIODE, erreur_periode  # noqa: F401  (AIDE_PERIODE réexportée)
from .territoire import Territoire
from .vues_plan import indicateurs_du_plan, lire_valeur, nombre, territoire_du_plan, zones_du_plan  # noqa: F401

COLONNES = ["indicateur", "zone", "periode", "valeur", "commentaire", "source"]
COLONNES_INFO = ["libelle", "fiche", "unite"]  # aide à la saisie, ignorées à l'import
OBLIGATOIRES = ["indicateur", "zone", "periode", "source"]
REMPLIES = ["periode", "valeur", "commentaire", "source"]  # une ligne du modèle où rien de cela n'est rempli est ignorée

# --- Limites d'un fichier importé (README, « Importer un fichier ») ---------------------------------
TAILLE_MAX_OCTETS = 10 * 1024 * 1024  # 10 Mio, vérifiée avant toute lecture
LIGNES_MAX = 20_000  # lignes de données (en-tête non comprise)
COLONNES_MAX = 50  # colonnes remplies (le modèle en a 9)
CELLULES_MAX = 200_000  # cellules lues en tout (XLSX : cellules présentes dans la feuille, même vides)
XLSX_DECOMPRESSE_MAX = 50 * 1024 * 1024  # taille décompressée de l'archive XLSX, lue dans son répertoire
SEPARATEURS = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}
_NOM_SEPARATEUR = {";": "« ; »", ",": "« , »", "\t": "tabulation"}
_ENTETE_VIDE = ("la première ligne est vide : l'en-tête (indicateur, zone, periode, valeur, commentaire, source) "
                "doit être sur la ligne 1")
_MAX_COLONNES_EXCEL = 16_384  # colonne XFD
_MAX_LIGNES_EXCEL = 1_048_576


def texte_limites() -> str:
    """Les limites, en une phrase (aide du champ d'import, README)."""
    return (f"{TAILLE_MAX_OCTETS // (1024 * 1024)} Mo au plus, {LIGNES_MAX:,} lignes, {COLONNES_MAX} colonnes et "
            f"{CELLULES_MAX:,} cellules".replace(",", "\u202f"))


def empreinte(contenu: bytes) -> str:
    """L'empreinte (SHA-256) du contenu d'un fichier : la clé de sa lecture et de son aperçu."""
    return hashlib.sha256(contenu).hexdigest()


def modele_import(plan: Plan, territoire: Territoire | None = None) -> pd.DataFrame:
    """Une ligne par indicateur du plan, à compléter, pour la zone du territoire entier du plan
    (``territoire.nom`` ; le territoire du plan est lu dans data/territoires/ s'il n'est pas donné)."""
    territoire = territoire or territoire_du_plan(plan)
    indicateurs = indicateurs_du_plan(plan)
    return pd.DataFrame({
        "indicateur": indicateurs["indicateur"], "zone": zones_du_plan(territoire)[0], "periode": "", "valeur": "",
        "commentaire": "", "source": "", "libelle": indicateurs["libelle"], "fiche": indicateurs["fiche"],
        "unite": indicateurs["unite"].fillna(""),
    }, columns=COLONNES + COLONNES_INFO)


def modele_xlsx(plan: Plan, territoire: Territoire | None = None) -> bytes:
    return en_xlsx(modele_import(plan, territoire), nom_feuille="Saisie")


# --- Lecture ---------------------------------------------------------------------------------------

def verifier_taille(taille: int, nom: str) -> None:
    """Avant toute lecture : un fichier vide ou plus lourd que ``TAILLE_MAX_OCTETS`` est refusé."""
    if taille == 0:
        raise ErreurDonnees(nom, [Probleme("le fichier est vide (0 octet)")])
    if taille > TAILLE_MAX_OCTETS:
        raise ErreurDonnees(nom, [Probleme(
            f"fichier trop lourd ({taille / 1024 / 1024:.1f} Mo) : {TAILLE_MAX_OCTETS // (1024 * 1024)} Mo au plus ; "
            "découpez-le en plusieurs fichiers".replace(".", ","))])


def lire_fichier(contenu: bytes, nom: str) -> pd.DataFrame:
    """Lit un CSV (séparateur ; , ou tabulation) ou un classeur XLSX (première feuille), tout en texte.

    Le tableau a pour index le numéro de chaque ligne dans le fichier (l'en-tête est la ligne 1) et,
    dans ``attrs["lecture"]``, comment le fichier a été lu (format, encodage, séparateur, feuille)."""
    verifier_taille(len(contenu), nom)
    if contenu.startswith(b"\xd0\xcf\x11\xe0"):
        raise ErreurDonnees(nom, [Probleme(
            "classeur Excel 97-2003 (.xls) ou fichier chiffré : enregistrez-le au format « Classeur Excel (.xlsx) » "
            "ou « CSV UTF-8 »")])
    if contenu.startswith(b"PK\x03\x04"):
        entete, rangs, lecture = _lire_xlsx(contenu, nom)
    elif nom.lower().endswith((".xlsx", ".xlsm")):
        raise ErreurDonnees(nom, [Probleme(
            "ce fichier n'est pas un classeur XLSX (contenu non reconnu) : enregistrez-le depuis le tableur au "
            "format « Classeur Excel (.xlsx) » ou « CSV UTF-8 »")])
    else:
        entete, rangs, lecture = _lire_csv(contenu, nom)
    return _tableau(entete, rangs, lecture, nom)


def _lire_csv(contenu: bytes, nom: str) -> tuple[list[str], list[tuple[int, list[str]]], str]:
    texte, encodage = _decoder(contenu, nom)
    if not texte.strip():
        raise ErreurDonnees(nom, [Probleme("le fichier est vide (aucune ligne, pas même l'en-tête)")])
    separateur = _separateur(texte)
    autres = [s for s in SEPARATEURS if s != separateur]
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=separateur, strict=True)
    entete: list[str] | None = None
    rangs, problemes, cellules, numero = [], [], 0, 0
    while True:
        numero += 1
        try:
            champs = next(lecteur)
        except StopIteration:
            break
        except csv.Error as e:
            raise ErreurDonnees(nom, [*problemes, Probleme(_erreur_csv(str(e)), numero)]) from None
        if numero > LIGNES_MAX + 1:
            raise ErreurDonnees(nom, [Probleme(
                f"plus de {LIGNES_MAX:,} lignes de données : découpez le fichier en plusieurs imports".replace(",", "\u202f"),
                numero)])
        cellules += len(champs)
        if len(champs) > COLONNES_MAX or cellules > CELLULES_MAX:
            raise ErreurDonnees(nom, [Probleme(
                f"trop de cellules ({len(champs)} sur cette ligne) : {COLONNES_MAX} colonnes et "
                f"{CELLULES_MAX:,} cellules au plus".replace(",", "\u202f"), numero)])
        if entete is None:
            if not any(c.strip() for c in champs):
                raise ErreurDonnees(nom, [Probleme(_ENTETE_VIDE, 1)])
            entete = champs
            continue
        if not champs:  # ligne blanche : gardée (vide) pour que chaque ligne garde son numéro
            champs = [""] * len(entete)
        if len(champs) < len(entete):
            trouves = [s for s in autres if any(s in c for c in champs)]
            if len(champs) == 1 and trouves:
                problemes.append(Probleme(
                    f"cette ligne est séparée par {_NOM_SEPARATEUR[trouves[0]]} alors que le fichier l'est par "
                    f"{_NOM_SEPARATEUR[separateur]} (en-tête) : elle serait lue comme une seule cellule", numero))
            else:
                problemes.append(Probleme(
                    f"{len(champs)} champ(s) sur cette ligne, {len(entete)} attendus (comme l'en-tête, séparés par "
                    f"{_NOM_SEPARATEUR[separateur]}) : vérifiez les séparateurs et les guillemets", numero))
            continue
        if len(champs) > len(entete):
            if any(c.strip() for c in champs[len(entete):]):
                problemes.append(Probleme(
                    f"{len(champs)} champs sur cette ligne, {len(entete)} attendus (comme l'en-tête) : un "
                    f"{SEPARATEURS[separateur]} de trop ? Mettez entre guillemets un texte qui en contient", numero))
                continue
            champs = champs[:len(entete)]
        rangs.append((numero, champs))
    if problemes:
        raise ErreurDonnees(nom, problemes)
    lecture = f"CSV, séparateur {SEPARATEURS[separateur]}, encodage {encodage}"
    return entete or [], rangs, lecture


def _erreur_csv(message: str) -> str:
    """Le message du module csv, en français (jamais le texte anglais)."""
    if "unexpected end of data" in message:
        return ("guillemet ouvert sur cette ligne et jamais fermé : le reste du fichier serait lu comme une seule "
                "cellule ; fermez le guillemet (ou doublez-le, \"\", dans un texte)")
    if "expected after" in message:
        return ("texte collé après un guillemet fermant : un texte entre guillemets doit être suivi du séparateur ; "
                "doublez les guillemets à l'intérieur d'un texte (\"\")")
    if "field larger than field limit" in message:
        return f"cellule trop longue (plus de {csv.field_size_limit():,} caractères)".replace(",", "\u202f")
    return "ligne mal formée (guillemets ou fins de ligne) : vérifiez-la dans un éditeur de texte"


def _decoder(contenu: bytes, nom: str) -> tuple[str, str]:
    """Le texte et le nom de son encodage. UTF-8 (avec ou sans BOM), UTF-16 (avec ou sans BOM),
    sinon Windows-1252 / Latin-1 ; un fichier qui mélange UTF-8 et un autre encodage est refusé."""
    if contenu.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise ErreurDonnees(nom, [Probleme(
            "encodage UTF-32 non pris en charge : enregistrez le fichier au format « CSV UTF-8 »")])
    if contenu.startswith(codecs.BOM_UTF8):
        return _decoder_avec(contenu[3:], "utf-8", "UTF-8 (avec BOM)", nom)
    if contenu.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decoder_avec(contenu, "utf-16", "UTF-16 (avec BOM)", nom)
    sans_bom = _utf16_sans_bom(contenu)
    if sans_bom:
        return _decoder_avec(contenu, sans_bom, "UTF-16 (sans BOM)", nom)
    try:
        return contenu.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as e:
        fautive = contenu[: e.start].count(b"\n") + 1
    lignes = contenu.split(b"\n")
    en_utf8 = [i + 1 for i, l in enumerate(lignes) if not l.isascii() and _est_utf8(l)]
    if en_utf8:
        raise ErreurDonnees(nom, [Probleme(
            f"le fichier mélange deux encodages : la ligne {en_utf8[0]} est en UTF-8, la ligne {fautive} non (accents "
            "illisibles) ; enregistrez tout le fichier au format « CSV UTF-8 »", fautive)])
    try:
        return contenu.decode("cp1252"), "Windows-1252 (Latin-1) : vérifiez les accents dans l'aperçu"
    except UnicodeDecodeError:
        return contenu.decode("latin-1"), "Latin-1 (ISO-8859-1) : vérifiez les accents dans l'aperçu"


def _est_utf8(octets: bytes) -> bool:
    try:
        octets.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _utf16_sans_bom(contenu: bytes) -> str | None:
    """« utf-16-le » ou « utf-16-be » quand un octet sur deux est nul (texte latin en UTF-16 sans BOM)."""
    echantillon = contenu[:4000]
    moitie = len(echantillon) // 2
    if moitie < 2:
        return None
    nuls_pairs = echantillon[0::2].count(0)
    nuls_impairs = echantillon[1::2].count(0)
    if nuls_impairs >= 0.4 * moitie and nuls_pairs <= 0.05 * moitie:
        return "utf-16-le"
    if nuls_pairs >= 0.4 * moitie and nuls_impairs <= 0.05 * moitie:
        return "utf-16-be"
    return None


def _decoder_avec(contenu: bytes, encodage: str, libelle: str, nom: str) -> tuple[str, str]:
    try:
        texte = contenu.decode(encodage)
    except UnicodeDecodeError as e:
        texte_avant = contenu[: e.start].decode(encodage, errors="replace")
        raise ErreurDonnees(nom, [Probleme(
            f"le fichier semble encodé en {libelle} mais contient une séquence d'octets invalide (octet "
            f"n° {e.start + 1}) ; enregistrez-le au format « CSV UTF-8 »", texte_avant.count("\n") + 1)]) from None
    return texte.removeprefix("\ufeff"), libelle


def _separateur(texte: str) -> str:
    """Le séparateur de l'en-tête : celui qui y fait reconnaître le plus de colonnes attendues (puis le
    plus de champs) ; point-virgule par défaut."""
    premiere = texte.lstrip("\ufeff").splitlines()[0] if texte.strip() else ""
    connues = set(COLONNES + COLONNES_INFO)

    def score(s: str) -> tuple[int, int]:
        try:
            champs = next(csv.reader([premiere], delimiter=s), [])
        except csv.Error:
            return (-1, 0)
        return (sum(c.strip().lower() in connues for c in champs), len(champs))

    return max(SEPARATEURS, key=score)


def _lire_xlsx(contenu: bytes, nom: str) -> tuple[list[str], list[tuple[int, list[str]]], str]:
    """La première feuille d'un classeur, en flux (openpyxl ``read_only``) : l'archive et la feuille sont
    mesurées d'abord (``_mesurer_feuille``) ; la lecture s'arrête à la dernière cellule remplie."""
    import openpyxl

    try:
        archive = zipfile.ZipFile(io.BytesIO(contenu))
        decompresse = sum(i.file_size for i in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ErreurDonnees(nom, [Probleme("classeur XLSX illisible (archive abîmée ou tronquée)")]) from None
    if decompresse > XLSX_DECOMPRESSE_MAX:
        raise ErreurDonnees(nom, [Probleme(
            f"classeur trop volumineux une fois décompressé ({decompresse // (1024 * 1024)} Mo ; "
            f"{XLSX_DECOMPRESSE_MAX // (1024 * 1024)} Mo au plus)")])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            classeur = openpyxl.load_workbook(io.BytesIO(contenu), read_only=True, data_only=True)
    except Exception:  # openpyxl lève des exceptions très variées (zip, XML, KeyError…) : toutes traduites
        raise ErreurDonnees(nom, [Probleme(
            "classeur XLSX illisible (abîmé, chiffré ou d'un autre format) : ouvrez-le dans le tableur et "
            "enregistrez-le de nouveau au format « Classeur Excel (.xlsx) »")]) from None
    try:
        if not classeur.worksheets:
            raise ErreurDonnees(nom, [Probleme("le classeur n'a aucune feuille de calcul")])
        feuille = classeur.worksheets[0]
        largeur, hauteur = _mesurer_feuille(classeur, feuille, nom)
        if hauteur == 0:
            raise ErreurDonnees(nom, [Probleme(f"la feuille « {feuille.title} » est vide (première feuille du classeur)")])
        feuille.reset_dimensions()  # les dimensions écrites dans le fichier peuvent mentir : ne rien perdre
        problemes, lignes = [], []
        try:
            for numero, cellules in enumerate(feuille.iter_rows(min_row=1, max_row=hauteur, max_col=largeur), start=1):
                valeurs = []
                for j, cellule in enumerate(cellules):
                    valeur = getattr(cellule, "value", None)
                    if getattr(cellule, "data_type", None) == "e" and valeur is not None:
                        nom_colonne = (lignes[0][j].strip() if lignes and j < len(lignes[0]) else "") or _lettre(j)
                        problemes.append(Probleme(
                            f"cellule en erreur « {valeur} » (résultat d'une formule Excel) : remplacez-la par une "
                            "valeur, ou videz-la", numero, nom_colonne))
                        valeurs.append("")
                    else:
                        valeurs.append(_texte_cellule(valeur))
                lignes.append(valeurs)
        except ErreurDonnees:
            raise
        except Exception:  # XML abîmé au milieu de la feuille
            raise ErreurDonnees(nom, [*problemes, Probleme(
                "classeur XLSX abîmé : feuille illisible à partir de cette ligne", len(lignes) + 1)]) from None
        if problemes:
            raise ErreurDonnees(nom, problemes)
        autres = len(classeur.sheetnames) - 1
    finally:
        classeur.close()
    lecture = f"classeur XLSX, feuille « {feuille.title} »" + (
        f" (les {autres} autre(s) feuille(s) ne sont pas lues)" if autres > 0 else "")
    entete = lignes[0] if lignes else []
    return entete, [(i, l) for i, l in enumerate(lignes[1:], start=2)], lecture


def _mesurer_feuille(classeur, feuille, nom: str) -> tuple[int, int]:
    """(dernière colonne remplie, dernière ligne remplie) de la feuille, lue en flux avant openpyxl :
    s'arrête dès qu'une limite est dépassée (une ligne de 200 000 cellules est refusée à la 51ᵉ colonne
    remplie, sans être chargée)."""
    problemes_limite = None
    largeur = hauteur = ligne = colonne = cellules = rangs = 0
    try:
        source = classeur._archive.open(feuille._worksheet_path)  # noqa: SLF001  (openpyxl 3.1, lecture seule)
    except (AttributeError, KeyError):
        return _MAX_COLONNES_EXCEL, _MAX_LIGNES_EXCEL  # ne devrait pas arriver : openpyxl lira lui-même
    lecteur = ET.XMLPullParser(events=("start", "end"))
    donnees = None
    try:
        with source:
            while problemes_limite is None:
                morceau = source.read(1 << 16)
                if not morceau:
                    break
                lecteur.feed(morceau)
                for evenement, element in lecteur.read_events():
                    balise = element.tag.rpartition("}")[2]
                    if evenement == "start":
                        if balise == "sheetData":
                            donnees = element
                        elif balise == "row":
                            rangs += 1
                            ligne = _entier(element.get("r"), ligne + 1)
                            colonne = 0
                            if rangs > CELLULES_MAX or ligne > _MAX_LIGNES_EXCEL:
                                problemes_limite = Probleme(f"trop de lignes dans la feuille (plus de {LIGNES_MAX} lignes "
                                                            "de données admises)", min(ligne, _MAX_LIGNES_EXCEL))
                                break
                        elif balise == "c":
                            cellules += 1
                            reference = element.get("r")
                            colonne = _colonne(reference) if reference else colonne + 1
                            if cellules > CELLULES_MAX or colonne > _MAX_COLONNES_EXCEL:
                                problemes_limite = Probleme(
                                    f"trop de cellules dans la feuille ({CELLULES_MAX:,} au plus, même vides ; "
                                    f"{COLONNES_MAX} colonnes remplies au plus)".replace(",", "\u202f"), ligne)
                                break
                        continue
                    if balise == "c":
                        if any((enfant.text or "").strip() or len(enfant) for enfant in element
                               if enfant.tag.rpartition("}")[2] in ("v", "is")):
                            if colonne > COLONNES_MAX:
                                problemes_limite = Probleme(
                                    f"cellule remplie en colonne {_lettre(colonne - 1)} : {COLONNES_MAX} colonnes au "
                                    f"plus (colonnes A à {_lettre(COLONNES_MAX - 1)}) ; supprimez les colonnes en trop",
                                    ligne, _lettre(colonne - 1))
                                break
                            if ligne > LIGNES_MAX + 1:
                                problemes_limite = Probleme(
                                    f"plus de {LIGNES_MAX:,} lignes de données : découpez le fichier en plusieurs "
                                    "imports".replace(",", "\u202f"), ligne)
                                break
                            largeur, hauteur = max(largeur, colonne), max(hauteur, ligne)
                        element.clear()
                    elif balise == "row" and donnees is not None:
                        donnees.clear()  # mémoire bornée : les lignes lues ne sont pas gardées
    except ET.ParseError:
        raise ErreurDonnees(nom, [Probleme("classeur XLSX abîmé : la feuille n'est pas un XML lisible", ligne or None)]) from None
    except Exception:  # zlib, CRC, méthode de compression inconnue… : l'archive est abîmée
        raise ErreurDonnees(nom, [Probleme("classeur XLSX illisible (archive abîmée ou tronquée)")]) from None
    if problemes_limite is not None:
        raise ErreurDonnees(nom, [problemes_limite])
    return largeur, hauteur


def _entier(texte, defaut: int) -> int:
    try:
        return int(texte)
    except (TypeError, ValueError):
        return defaut


def _colonne(reference: str) -> int:
    """« AB12 » -> 28 (colonne numérotée à partir de 1)."""
    n = 0
    for c in reference:
        if "A" <= c <= "Z":
            n = n * 26 + ord(c) - 64
        elif "a" <= c <= "z":
            n = n * 26 + ord(c) - 96
        else:
            break
        if n > _MAX_COLONNES_EXCEL:
            break
    return n


def _lettre(indice: int) -> str:
    """0 -> « A », 27 -> « AB »."""
    lettres, n = "", indice + 1
    while n:
        n, r = divmod(n - 1, 26)
        lettres = chr(65 + r) + lettres
    return lettres


def _texte_cellule(valeur) -> str:
    """Une cellule de classeur, en texte : 12.5 -> « 12.5 », 2025.0 -> « 2025 », une date -> « 2025-03-01 »."""
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return "VRAI" if valeur else "FAUX"
    if isinstance(valeur, int):
        return str(valeur)
    if isinstance(valeur, float):
        if math.isfinite(valeur) and valeur.is_integer() and abs(valeur) < 1e15:
            return str(int(valeur))
        return repr(valeur)
    if isinstance(valeur, dt.datetime):
        return valeur.date().isoformat() if valeur.time() == dt.time() else valeur.isoformat(sep=" ")
    if isinstance(valeur, (dt.date, dt.time)):
        return valeur.isoformat()
    return str(valeur)


_CONTROLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _tableau(entete: list[str], rangs: list[tuple[int, list[str]]], lecture: str, nom: str) -> pd.DataFrame:
    """Le tableau des lignes lues (tout en texte, sans espaces autour), indexé par numéro de ligne ;
    ErreurDonnees pour une en-tête en double, une cellule sans en-tête ou un caractère de contrôle."""
    noms = [str(c).strip().lower() for c in entete]
    if not any(noms):
        raise ErreurDonnees(nom, [Probleme(_ENTETE_VIDE, 1)])
    problemes, vus = [], {}
    for j, n in enumerate(noms):
        if n and n in vus:
            problemes.append(Probleme(f"colonne en double (colonnes n° {vus[n] + 1} et n° {j + 1})", 1, n))
        vus.setdefault(n, j)
    for j, n in enumerate(noms):
        if _CONTROLE.search(n):
            problemes.append(Probleme("caractère de contrôle invisible dans l'en-tête", 1, f"n° {j + 1}"))
    colonnes: dict[str, list[str]] = {n or f"(colonne n° {j + 1})": [] for j, n in enumerate(noms)}
    cles = list(colonnes)
    for numero, champs in rangs:
        for j, cle in enumerate(cles):
            texte = champs[j] if j < len(champs) else ""
            controle = _CONTROLE.search(texte)
            if controle:
                code = ord(controle.group())
                quoi = "caractère nul (octet 0)" if code == 0 else f"caractère de contrôle invisible (code {code})"
                problemes.append(Probleme(f"{quoi} dans la cellule : retirez-le", numero, noms[j] or f"n° {j + 1}"))
            texte = texte.strip()
            if texte and not noms[j]:
                problemes.append(Probleme(f"cellule remplie (« {texte[:30]} ») dans une colonne sans en-tête", numero,
                                          f"n° {j + 1}"))
            colonnes[cle].append(texte)
    if problemes:
        raise ErreurDonnees(nom, problemes[:200])
    df = pd.DataFrame(colonnes, index=pd.Index([n for n, _ in rangs], name="ligne"), dtype=object)
    df.attrs["lecture"] = lecture
    return df


# --- Validation ------------------------------------------------------------------------------------

def _numeros(df: pd.DataFrame) -> list[int]:
    """Le numéro de ligne de chaque ligne du tableau (l'en-tête est la ligne 1)."""
    if df.index.name == "ligne":
        return [int(i) for i in df.index]
    return [i + 2 for i in range(len(df))]


def analyser(df: pd.DataFrame, plan: Plan, zones: list[str], nom: str) -> tuple[list[dict], list[tuple[int, str]]]:
    """(les lignes à enregistrer, les lignes non importées avec la raison) ; ErreurDonnees (fichier,
    ligne, colonne) au moindre problème. Une ligne n'est ignorée que si elle est vide, ou si c'est une
    ligne du modèle où ni la période, ni la valeur, ni le commentaire, ni la source ne sont remplis :
    toute autre ligne incomplète est une erreur."""
    problemes = [Probleme("colonne obligatoire absente", colonne=c) for c in COLONNES if c not in df.columns]
    if problemes:
        if len(df.columns) <= 1:
            problemes.append(Probleme(
                "en-tête non reconnu : séparateurs admis « ; », « , » ou tabulation ; colonnes attendues : "
                + ", ".join(COLONNES), 1))
        raise ErreurDonnees(nom, problemes)
    unites = indicateurs_du_plan(plan).set_index("indicateur")["unite"].to_dict()
    lignes, ignorees = [], []
    for numero, ligne in zip(_numeros(df), df[COLONNES].to_dict("records")):
        ligne = {c: "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip() for c, v in ligne.items()}
        if not any(ligne[c] for c in COLONNES):
            ignorees.append((numero, "ligne vide"))
            continue
        if not any(ligne[c] for c in REMPLIES):
            ignorees.append((numero, "ligne du modèle non remplie"))
            continue
        for c in OBLIGATOIRES:
            if not ligne[c]:
                problemes.append(Probleme("valeur manquante (cette colonne est obligatoire)", numero, c))
        if ligne["indicateur"] and ligne["indicateur"] not in unites:
            problemes.append(Probleme(f"indicateur inconnu « {ligne['indicateur']} » dans le plan {plan.id}", numero, "indicateur"))
        if ligne["zone"] and ligne["zone"] not in zones:
            problemes.append(Probleme(f"zone inconnue « {ligne['zone']} » ; admises : {', '.join(zones)}", numero, "zone"))
        erreur = erreur_periode(ligne["periode"]) if ligne["periode"] else None
        if erreur:
            if re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}", ligne["periode"]):
                erreur += " (le tableur a peut-être changé la période en date : mettez la colonne au format Texte)"
            problemes.append(Probleme(erreur, numero, "periode"))
        # Règle du nombre exigé : vues_plan.lire_valeur (indicateur inconnu : déjà signalé ci-dessus).
        lue = lire_valeur(ligne["valeur"], unites.get(ligne["indicateur"]))
        if lue.vide:
            problemes.append(Probleme("valeur manquante", numero, "valeur"))
        elif lue.erreur:
            problemes.append(Probleme(lue.erreur, numero, "valeur"))
        lignes.append({
            "ligne": numero, "indicateur": ligne["indicateur"], "zone": ligne["zone"], "periode": ligne["periode"],
            "valeur": lue.valeur, "valeur_texte": lue.texte, "commentaire": ligne["commentaire"] or None,
            "source": ligne["source"],
        })
    premieres: dict[tuple, int] = {}
    for l in lignes:
        cle = (l["indicateur"], l["zone"], l["periode"])
        if cle in premieres:
            problemes.append(Probleme(
                f"même indicateur, zone et période que la ligne {premieres[cle]}", l["ligne"], "indicateur"))
        premieres.setdefault(cle, l["ligne"])
    if problemes:
        raise ErreurDonnees(nom, sorted(problemes, key=lambda p: p.ligne or 0))
    if not lignes:
        raise ErreurDonnees(nom, [Probleme(
            "aucune valeur à importer : toutes les lignes sont vides ou sont des lignes du modèle non remplies "
            f"({len(ignorees)} ligne(s))")])
    return lignes, ignorees


def valider(df: pd.DataFrame, plan: Plan, zones: list[str], nom: str) -> list[dict]:
    """Les lignes à enregistrer ; ErreurDonnees (fichier, ligne, colonne) au moindre problème."""
    return analyser(df, plan, zones, nom)[0]


# --- Aperçu ----------------------------------------------------------------------------------------

IDENTIQUE = "identique (ignorée)"


def _texte_ou_rien(x) -> str | None:
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return None
    return str(x).strip() or None


def _nombre_ou_rien(x) -> float | None:
    if x is None or x is pd.NA:
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def meme_saisie(ligne: dict, actuelle) -> bool:
    """La ligne importée redit-elle la valeur enregistrée ? Même nombre (12,5 = 12.5) ou même texte,
    même commentaire et même source (vides, None et NaN de pandas se valent)."""
    nombre_ = _nombre_ou_rien(ligne.get("valeur"))
    if nombre_ != _nombre_ou_rien(getattr(actuelle, "valeur", None)):
        return False
    if nombre_ is None and _texte_ou_rien(ligne.get("valeur_texte")) != _texte_ou_rien(getattr(actuelle, "valeur_texte", None)):
        return False
    return all(_texte_ou_rien(ligne.get(c)) == _texte_ou_rien(getattr(actuelle, c, None)) for c in ("commentaire", "source"))


def apercu(lignes: list[dict], courantes: pd.DataFrame) -> pd.DataFrame:
    """Ce que l'import va changer : nouvelle valeur, modification, ou identique (ignorée).
    Ajoute à chaque ligne la version actuelle (``version_vue``) pour détecter un conflit."""
    actuelles = {} if courantes is None or courantes.empty else {
        (r.indicateur, r.zone, r.periode): r for r in courantes.itertuples(index=False)
    }
    resultat = []
    for l in lignes:
        actuelle = actuelles.get((l["indicateur"], l["zone"], l["periode"]))
        ancienne = None
        if actuelle is None:
            action = "nouvelle valeur"
        else:
            ancienne = _nombre_ou_rien(actuelle.valeur)
            ancienne = _texte_ou_rien(actuelle.valeur_texte) if ancienne is None else ancienne
            action = IDENTIQUE if meme_saisie(l, actuelle) else "modification"
        resultat.append(l | {
            "action": action, "ancienne_valeur": ancienne,
            "version_vue": 0 if actuelle is None else int(actuelle.version),
        })
    return pd.DataFrame(resultat)


COLONNES_APERCU = ["ligne", "action", "indicateur", "zone", "periode", "ancienne_valeur", "valeur", "valeur_texte",
                   "commentaire", "source"]


def valeur_lisible(x) -> str:
    """Une valeur de l'aperçu telle qu'on la lit en français : 12,5 ; 1 234 ; un texte tel quel ; vide."""
    if x is None or (isinstance(x, numbers.Real) and math.isnan(x)):
        return ""
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        from .vues_plan import nombre_exact

        return nombre_exact(x)
    return str(x)


def apercu_lisible(apercu_: pd.DataFrame):
    """Le tableau de l'aperçu à montrer (``COLONNES_APERCU`` présentes) : les valeurs (ancienne et
    nouvelle) affichées à la française (« 12,5 » et non « 12.5 », ``valeur_lisible``) ; les données,
    elles, restent des nombres (pandas Styler : seul l'affichage change)."""
    tableau = apercu_[[c for c in COLONNES_APERCU if c in apercu_.columns]]
    return tableau.style.format(valeur_lisible, subset=[c for c in ("ancienne_valeur", "valeur")
                                                        if c in tableau.columns])


def a_enregistrer(apercu_: pd.DataFrame) -> list[dict]:
    """Les lignes de l'aperçu qui changent quelque chose (avec leur numéro de ligne et la version vue)."""
    if apercu_.empty:
        return []
    changees = apercu_[apercu_["action"] != IDENTIQUE]
    champs = ["indicateur", "zone", "periode", "valeur", "valeur_texte", "commentaire", "source", "version_vue"]
    champs += ["ligne"] if "ligne" in apercu_.columns else []
    sorties = []
    for ligne in changees[champs].to_dict("records"):
        sortie = {k: (None if _nombre_ou_rien(v) is None and not isinstance(v, str) else v) for k, v in ligne.items()}
        sortie["version_vue"] = int(ligne["version_vue"])
        if sortie.get("ligne") is not None:
            sortie["ligne"] = int(sortie["ligne"])
        sorties.append(sortie)
    return sorties


def plages(numeros: list[int]) -> str:
    """[2, 3, 4, 7] -> « 2 à 4, 7 »."""
    morceaux, numeros = [], sorted(numeros)
    i = 0
    while i < len(numeros):
        j = i
        while j + 1 < len(numeros) and numeros[j + 1] == numeros[j] + 1:
            j += 1
        morceaux.append(str(numeros[i]) if i == j else f"{numeros[i]} à {numeros[j]}")
        i = j + 1
    return ", ".join(morceaux)


@dataclass
class ApercuImport:
    """Un fichier lu, validé et comparé aux valeurs enregistrées, tel que l'éditeur le voit : c'est cet
    aperçu (et ses ``version_vue``) qui est confirmé, pas un aperçu recalculé à la confirmation."""

    fichier: str
    empreinte: str
    lecture: str
    tableau: pd.DataFrame
    lignes_ignorees: list[tuple[int, str]] = field(default_factory=list)
    colonnes_ignorees: list[str] = field(default_factory=list)

    @property
    def a_ecrire(self) -> list[dict]:
        return a_enregistrer(self.tableau)

    def compte(self, action: str) -> int:
        return int((self.tableau["action"] == action).sum()) if not self.tableau.empty else 0

    def resume(self) -> list[str]:
        """Ce que l'aperçu dit, en phrases : comment le fichier a été lu, ce qui change, ce qui ne sera
        pas importé (numéros des lignes, colonnes)."""
        phrases = [
            f"« {self.fichier} » lu comme {self.lecture}.",
            f"{len(self.tableau)} ligne(s) à importer : {self.compte('nouvelle valeur')} nouvelle(s) valeur(s), "
            f"{self.compte('modification')} modification(s), {self.compte(IDENTIQUE)} identique(s) ignorée(s).",
        ]
        par_raison: dict[str, list[int]] = {}
        for numero, raison in self.lignes_ignorees:
            par_raison.setdefault(raison, []).append(numero)
        for raison, numeros in par_raison.items():
            phrases.append(f"Non importée(s) ({raison}, {len(numeros)}) : ligne(s) {plages(numeros)}.")
        if self.colonnes_ignorees:
            phrases.append("Colonne(s) non importée(s) : " + ", ".join(f"« {c} »" for c in self.colonnes_ignorees) + ".")
        return phrases


def preparer_import(contenu: bytes, nom: str, plan: Plan, zones: list[str], courantes: pd.DataFrame) -> ApercuImport:
    """Lit, valide et compare un fichier ; ErreurDonnees en français au moindre problème."""
    df = lire_fichier(contenu, nom)
    lignes, ignorees = analyser(df, plan, zones, nom)
    remplies = [c for c in df.columns if c not in COLONNES and (df[c].astype(str).str.strip() != "").any()]
    return ApercuImport(
        fichier=nom, empreinte=empreinte(contenu), lecture=df.attrs.get("lecture", "tableau"),
        tableau=apercu(lignes, courantes), lignes_ignorees=ignorees,
        colonnes_ignorees=[f"{c} (aide à la saisie)" if c in COLONNES_INFO else c for c in remplies],
    )


def lignes_grille(grille: pd.DataFrame, zone: str, periode: str) -> tuple[list[dict], list[str]]:
    """Les lignes à enregistrer depuis la grille de saisie (colonnes indicateur, unite, version,
    nouvelle_valeur, commentaire, source), et les erreurs (« JE1-I1 : « x » n'est pas un nombre… »).
    Une ligne sans nouvelle valeur est ignorée ; la règle du nombre est ``vues_plan.lire_valeur``."""
    lignes, erreurs = [], []
    for l in grille.to_dict("records"):
        lue = lire_valeur(l.get("nouvelle_valeur"), l.get("unite"))
        if lue.vide:
            continue
        if lue.erreur:
            erreurs.append(f"{l['indicateur']} : {lue.erreur}")
            continue
        commentaire = l.get("commentaire")
        lignes.append({
            "indicateur": l["indicateur"], "zone": zone, "periode": periode, "version_vue": int(l["version"]),
            "valeur": lue.valeur, "valeur_texte": lue.texte,
            "commentaire": (commentaire.strip() or None) if isinstance(commentaire, str) else None,
            "source": l.get("source") if isinstance(l.get("source"), str) else "",
        })
    return lignes, erreurs
