"""Le catalogue des jeux de données (``data/catalogue.yaml``) et leur chargement validé."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from . import config
from .erreurs import ErreurDonnees, Probleme
from .schemas import PROPRIETES_GEO, SCHEMAS
from .validation import lire_csv, valider

FICHIER_CATALOGUE = "catalogue.yaml"
DOSSIER_PACKS = "territoires/donnees/"  # données dérivées des territoires : un dossier par territoire
CHAMPS_CATALOGUE = [
    "id", "fichier", "titre", "description", "document", "source_fichier",
    "section", "producteur", "annee", "licence", "methode",
]
COLONNES_OUI_NON = {
    "quartiers": ["qpv", "cite_educative"],
}


@dataclass(frozen=True)
class JeuDeDonnees:
    id: str
    fichier: str
    titre: str
    description: str
    document: str
    source_fichier: str
    section: str
    producteur: str
    annee: int
    licence: str
    methode: str
    format: str = "csv"  # "csv" (tableau validé par un schéma) ou "geojson" (contours)
    # Schéma de validation (ctg_data/schemas.py) ; par défaut celui qui porte l'identifiant du jeu. Les
    # données dérivées d'un territoire (data/territoires/donnees/<id>/social.csv) ont le schéma « social ».
    schema: str = ""

    @property
    def nom_schema(self) -> str:
        return self.schema or self.id


def _lire_entrees(chemin: Path, nom: str) -> list:
    """La liste « jeux » d'un fichier de catalogue (``nom`` : le fichier, pour les messages)."""
    if not chemin.exists():
        raise ErreurDonnees(nom, [Probleme(f"fichier introuvable ({chemin})")])
    try:
        contenu = yaml.safe_load(chemin.read_text(encoding="utf-8"))
    except ValueError:  # date impossible : PyYAML lève ValueError
        raise ErreurDonnees(nom, [Probleme("date impossible dans le fichier")]) from None
    except yaml.YAMLError as e:
        ligne = getattr(getattr(e, "problem_mark", None), "line", None)
        raise ErreurDonnees(
            nom,
            [
                Probleme(
                    f"YAML illisible ({getattr(e, 'problem', None) or 'syntaxe'}) ; "
                    "astuce : mettez entre guillemets un texte qui contient « : »",
                    ligne=ligne + 1 if ligne is not None else None,
                )
            ],
        ) from None
    jeux = (contenu or {}).get("jeux") if isinstance(contenu, dict) else None
    if not isinstance(jeux, list):
        raise ErreurDonnees(nom, [Probleme("la clé « jeux » (liste) est absente")])
    return jeux


def lire_catalogue(dossier: Path | None = None) -> dict[str, JeuDeDonnees]:
    """Le catalogue : ``data/catalogue.yaml``, puis le catalogue des données dérivées de chaque territoire
    (``data/territoires/donnees/<id>/catalogue.yaml``, écrit par leur construction, chemins relatifs au
    dossier du territoire). Une entrée invalide est refusée avec le fichier et son numéro."""
    dossier = dossier or config.dossier_donnees()
    fichiers = [(dossier / FICHIER_CATALOGUE, FICHIER_CATALOGUE, "")]
    for chemin in sorted(dossier.glob(f"{DOSSIER_PACKS}*/{FICHIER_CATALOGUE}")):
        relatif = chemin.parent.relative_to(dossier).as_posix() + "/"
        fichiers.append((chemin, relatif + FICHIER_CATALOGUE, relatif))
    catalogue = {}
    for chemin, nom, prefixe in fichiers:
        problemes = []
        for i, jeu in enumerate(_lire_entrees(chemin, nom), start=1):
            manquants = [c for c in CHAMPS_CATALOGUE if not isinstance(jeu, dict) or jeu.get(c) in (None, "")]
            if manquants:
                problemes.append(Probleme(f"entrée n° {i} : champ(s) manquant(s) : {', '.join(manquants)}"))
                continue
            format_ = jeu.get("format", "csv")
            schemas = PROPRIETES_GEO if format_ == "geojson" else SCHEMAS
            schema = jeu.get("schema") or ""
            if (schema or jeu["id"]) not in schemas:
                problemes.append(Probleme(f"entrée n° {i} : aucun schéma nommé « {schema or jeu['id']} » pour le format {format_}"))
                continue
            if jeu["id"] in catalogue:
                problemes.append(Probleme(f"entrée n° {i} : identifiant « {jeu['id']} » en double"))
                continue
            if prefixe and ("/" in str(jeu["fichier"]) or str(jeu["fichier"]).startswith(".")):
                problemes.append(Probleme(f"entrée n° {i} : « {jeu['fichier']} » : un fichier du dossier du territoire est "
                                          "attendu (sans chemin)", colonne="fichier"))
                continue
            valeurs = {c: jeu[c] for c in CHAMPS_CATALOGUE}
            valeurs["fichier"] = prefixe + str(jeu["fichier"])
            catalogue[jeu["id"]] = JeuDeDonnees(**valeurs, format=format_, schema=schema)
        if problemes:
            raise ErreurDonnees(nom, problemes)
    return catalogue


def jeux_du_territoire(catalogue: dict[str, JeuDeDonnees], donnees: str | None) -> dict[str, JeuDeDonnees]:
    """Les jeux qui concernent un territoire : ceux de data/ et ceux de ses propres données dérivées
    (``donnees`` : son dossier sous data/territoires/donnees/), sans les données dérivées des autres
    territoires. L'ordre du catalogue est gardé."""
    propre = f"{DOSSIER_PACKS}{donnees}/" if donnees else None
    return {id_: jeu for id_, jeu in catalogue.items()
            if not jeu.fichier.startswith(DOSSIER_PACKS) or (propre and jeu.fichier.startswith(propre))}


def charger(id_jeu: str, dossier: Path | None = None) -> pd.DataFrame:
    """Charge un jeu de données validé. Lève ErreurDonnees (en français) s'il est invalide."""
    dossier = dossier or config.dossier_donnees()
    jeu = lire_catalogue(dossier)[id_jeu]
    df = valider(lire_csv(dossier / jeu.fichier), SCHEMAS[jeu.nom_schema], jeu.fichier)
    for col in COLONNES_OUI_NON.get(id_jeu, []):
        df[col] = df[col] == "oui"
    if "quartier" in df.columns:
        verifier_references(df, "quartier", set(charger("quartiers", dossier)["nom"]), jeu.fichier, "quartier")
    if id_jeu == "equipements_quartiers":
        verifier_references(df, "id", set(charger("equipements", dossier)["id"]), jeu.fichier, "équipement")
    return df.reset_index(drop=True)


def verifier_references(df: pd.DataFrame, colonne: str, admis: set[str], fichier: str, quoi: str) -> None:
    """Une valeur renseignée de ``colonne`` doit désigner un élément existant (quartier, équipement…)."""
    inconnus = df[colonne].notna() & ~df[colonne].isin(admis)
    if inconnus.any():
        liste = ", ".join(sorted(admis)) if len(admis) <= 12 else f"{len(admis)} valeurs connues"
        raise ErreurDonnees(
            fichier,
            [
                Probleme(f"{quoi} inconnu « {df.at[i, colonne]} » ; admis : {liste}", ligne=i + 2, colonne=colonne)
                for i in df.index[inconnus]
            ],
        )


def _entrees(dossier: Path) -> list[os.DirEntry]:
    """Les entrées d'un dossier, triées par nom ; aucune s'il n'existe pas."""
    try:
        with os.scandir(dossier) as entrees:
            return sorted(entrees, key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return []


def empreinte(dossier: Path | None = None) -> tuple:
    """Dates de modification des fichiers de données (ceux de data/, les fichiers des territoires et
    leurs données dérivées) : sert de clé au cache de l'application. Lue avec ``os.scandir`` (quelques
    dizaines de fichiers, bien moins d'une milliseconde) ; un fichier disparu entre la lecture du dossier
    et celle de sa date est ignoré."""
    dossier = dossier or config.dossier_donnees()
    fichiers = [(e.name, e) for e in _entrees(dossier)]
    fichiers += [(f"territoires/{e.name}", e) for e in _entrees(dossier / "territoires") if e.name.endswith(".yaml")]
    for pack in _entrees(dossier / "territoires" / "donnees"):
        if pack.is_dir():
            fichiers += [(f"territoires/donnees/{pack.name}/{e.name}", e) for e in _entrees(Path(pack.path))]
    resultat = []
    for nom, entree in fichiers:
        try:
            if entree.is_file():
                resultat.append((nom, entree.stat().st_mtime_ns))
        except FileNotFoundError:
            continue
    return tuple(resultat)
