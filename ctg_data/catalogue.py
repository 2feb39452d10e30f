"""Le catalogue des jeux de données (``data/catalogue.yaml``) et leur chargement validé."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from . import config
from .erreurs import ErreurDonnees, Probleme
from .schemas import SCHEMAS
from .validation import lire_csv, valider

FICHIER_CATALOGUE = "catalogue.yaml"
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


def lire_catalogue(dossier: Path | None = None) -> dict[str, JeuDeDonnees]:
    dossier = dossier or config.dossier_donnees()
    chemin = dossier / FICHIER_CATALOGUE
    if not chemin.exists():
        raise ErreurDonnees(FICHIER_CATALOGUE, [Probleme(f"fichier introuvable ({chemin})")])
    try:
        contenu = yaml.safe_load(chemin.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        ligne = getattr(getattr(e, "problem_mark", None), "line", None)
        raise ErreurDonnees(
            FICHIER_CATALOGUE,
            [Probleme("YAML illisible", ligne=ligne + 1 if ligne is not None else None)],
        ) from None
    jeux = (contenu or {}).get("jeux") if isinstance(contenu, dict) else None
    if not isinstance(jeux, list):
        raise ErreurDonnees(FICHIER_CATALOGUE, [Probleme("la clé « jeux » (liste) est absente")])
    catalogue, problemes = {}, []
    for i, jeu in enumerate(jeux, start=1):
        manquants = [c for c in CHAMPS_CATALOGUE if not isinstance(jeu, dict) or jeu.get(c) in (None, "")]
        if manquants:
            problemes.append(Probleme(f"entrée n° {i} : champ(s) manquant(s) : {', '.join(manquants)}"))
            continue
        if jeu["id"] not in SCHEMAS:
            problemes.append(Probleme(f"entrée n° {i} : aucun schéma nommé « {jeu['id']} »"))
            continue
        catalogue[jeu["id"]] = JeuDeDonnees(**{c: jeu[c] for c in CHAMPS_CATALOGUE})
    if problemes:
        raise ErreurDonnees(FICHIER_CATALOGUE, problemes)
    return catalogue


def charger(id_jeu: str, dossier: Path | None = None) -> pd.DataFrame:
    """Charge un jeu de données validé. Lève ErreurDonnees (en français) s'il est invalide."""
    dossier = dossier or config.dossier_donnees()
    jeu = lire_catalogue(dossier)[id_jeu]
    df = valider(lire_csv(dossier / jeu.fichier), SCHEMAS[id_jeu], jeu.fichier)
    for col in COLONNES_OUI_NON.get(id_jeu, []):
        df[col] = df[col] == "oui"
    if id_jeu == "equipements":
        verifier_quartiers(df, charger("quartiers", dossier), jeu.fichier)
    return df.reset_index(drop=True)


def verifier_quartiers(equipements: pd.DataFrame, quartiers: pd.DataFrame, fichier: str) -> None:
    """Un quartier renseigné doit être l'un des 9 quartiers (par son nom)."""
    noms = set(quartiers["nom"])
    inconnus = equipements["quartier"].notna() & ~equipements["quartier"].isin(noms)
    if inconnus.any():
        raise ErreurDonnees(
            fichier,
            [
                Probleme(
                    f"quartier inconnu « {equipements.at[i, 'quartier']} » ; quartiers admis : "
                    + ", ".join(sorted(noms)),
                    ligne=i + 2,
                    colonne="quartier",
                )
                for i in equipements.index[inconnus]
            ],
        )


def empreinte(dossier: Path | None = None) -> tuple:
    """Dates de modification des fichiers de données : sert de clé au cache de l'application."""
    dossier = dossier or config.dossier_donnees()
    return tuple(
        (f.name, f.stat().st_mtime_ns) for f in sorted(dossier.glob("*")) if f.is_file()
    )
