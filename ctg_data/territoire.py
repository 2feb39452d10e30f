"""Les territoires comme données : un fichier ``data/territoires/<id>.yaml`` par territoire.

Un territoire dit son nom, sa nature (commune, EPCI), son code officiel, ses sous-zones (les 9
quartiers de Dijon ; plus tard les communes d'un EPCI), ses territoires de comparaison, et les données
du tableau de bord qu'il a (carte et équipements, contexte social). Un plan d'actions pointe vers son
territoire par son identifiant (``territoire: dijon`` dans ``plan.yaml``) : les zones de saisie d'un
plan, le libellé « Tout Dijon », les pages disponibles… en découlent. Aucun nom de territoire n'est
écrit dans le code.

Un fichier invalide est refusé avec un message en français qui nomme le fichier et le champ ; les
autres territoires se chargent quand même.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from . import config
from .erreurs import ErreurDonnees, Probleme

DOSSIER = "territoires"
# Les données dérivées d'un territoire (données ouvertes de ses communes et de l'EPCI, construites par
# ``ctg_data.build_territoires``) : ``data/territoires/donnees/<dossier>/``.
DOSSIER_DONNEES = "donnees"
FICHIERS_PACK = ("social.csv", "indicateurs.csv", "communes.geojson", "contour.geojson")  # tableau social, dictionnaire, carte
# La nature d'un territoire en mots simples, et le nom de son code officiel.
NATURES_LISIBLES = {"commune": "commune", "EPCI": "intercommunalité (EPCI)"}
NOMS_CODES = {"commune": "code INSEE", "EPCI": "SIREN"}
TYPES_ZONES = ["IRIS", "quartier", "QPV", "commune", "EPCI", "département", "région", "France métropolitaine", "France"]


class _Modele(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Comparaison(_Modele):
    """Un territoire de comparaison, tel que les sources le nomment."""

    type_zone: Literal["commune", "EPCI", "département", "région", "France métropolitaine", "France"]
    code: str | None = None  # code INSEE, SIREN, numéro de département ou de région
    nom: str = Field(min_length=1)
    # Autres noms sous lesquels une source désigne ce territoire (la convention dit « France » pour la
    # France métropolitaine, « Côte-d'Or » pour le département…).
    autres_noms: list[str] = []


class SousZones(_Modele):
    nature: Literal["quartier", "commune"]
    singulier: str = Field(min_length=1)  # « quartier »
    pluriel: str = Field(min_length=1)  # « quartiers »
    jeu: str = Field(min_length=1)  # jeu de données de data/ qui les liste (colonnes id, nom)
    description: str = Field(min_length=1)  # d'où viennent ces sous-zones, pour le lecteur


class PortraitDocument(_Modele):
    """Les chiffres qu'un document signé donne du territoire (le préambule de la convention)."""

    jeu: str = Field(min_length=1)  # jeu de données de data/ (colonnes de data/portrait.csv)
    document: str = Field(min_length=1)  # nom court, pour le lecteur : « Convention CTG 2024-2027 »


class ChiffreCle(_Modele):
    code: str = Field(pattern=r"^[a-z0-9_]+$")  # code d'indicateur (voir ctg_data.chiffres)
    titre: str = Field(min_length=1)


class Territoire(_Modele):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    nom: str = Field(min_length=1)  # « Dijon »
    nom_complet: str = Field(min_length=1)  # « Ville de Dijon »
    nature: Literal["commune", "EPCI"]
    code: str = Field(min_length=1)  # code INSEE de la commune, SIREN de l'EPCI
    # « Tout Dijon » : le choix « tout le territoire » dans les filtres.
    libelle_tout: str = Field(min_length=1)
    sous_zones: SousZones | None = None
    comparaisons: list[Comparaison] = []
    portrait: PortraitDocument | None = None
    # Les chiffres mis en avant sur la page d'accueil, dans cet ordre (choix de l'équipe).
    chiffres_cles: list[ChiffreCle] = []
    # Le tableau de bord a-t-il la carte des équipements et le contexte social de ce territoire ?
    carte_et_contexte: bool = False
    # Dossier de ses données dérivées sous data/territoires/donnees/ (tableau social de l'EPCI, de ses
    # communes et de ses comparaisons) ; None : ses chiffres viennent de data/social.csv.
    donnees: str | None = Field(default=None, pattern=r"^[a-z0-9-]+$")
    # Fichier des équipements du territoire (modèle téléchargeable sur sa page Carte), rangé dans le dossier
    # de ses données dérivées : son nom seul, « equipements.csv » (ou .xlsx). None : pas encore de fichier,
    # la carte le dit. Format : ``schemas.EQUIPEMENTS_TERRITOIRE`` ; lecture : ``carte_communes``.
    equipements: str | None = None
    note: str | None = None

    @field_validator("equipements")
    @classmethod
    def _nom_de_fichier(cls, valeur: str | None) -> str | None:
        if valeur is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*\.(?:csv|xlsx)", valeur):
            raise ValueError("attendu le seul nom d'un fichier .csv ou .xlsx du dossier des données du territoire, "
                             "sans dossier (par ex. equipements.csv)")
        return valeur

    @property
    def zone_entiere(self) -> Comparaison:
        """Le territoire lui-même, comme zone des sources (commune de Dijon, code 21231…)."""
        return Comparaison(type_zone=self.nature, code=self.code, nom=self.nom)

    @property
    def tout_en_phrase(self) -> str:
        """« tout Dijon » : ``libelle_tout`` au milieu d'une phrase."""
        return self.libelle_tout[0].lower() + self.libelle_tout[1:]

    @property
    def nature_lisible(self) -> str:
        """« commune », « intercommunalité (EPCI) »."""
        return NATURES_LISIBLES[self.nature]

    def description(self, nombre_sous_zones: int | None = None) -> str:
        """« Ville de Dijon — commune, code INSEE 21231, 9 quartiers » : le territoire en une ligne
        (``nombre_sous_zones`` : nombre de sous-zones lues dans leur jeu de données, s'il y en a)."""
        morceaux = [self.nature_lisible, f"{NOMS_CODES[self.nature]} {self.code}"]
        if self.sous_zones is not None and nombre_sous_zones:
            nom = self.sous_zones.pluriel if nombre_sous_zones > 1 else self.sous_zones.singulier
            morceaux.append(f"{nombre_sous_zones} {nom}")
        return f"{self.nom_complet} — {', '.join(morceaux)}"

    def noms_sources(self) -> dict[str, str]:
        """Nom de zone dans une source -> nom affiché (le territoire et ses comparaisons)."""
        noms = {self.nom: self.nom}
        for c in self.comparaisons:
            noms[c.nom] = c.nom
            for autre in c.autres_noms:
                noms[autre] = c.nom
        return noms


def sous_zones(territoire: Territoire, jeux: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Les sous-zones (colonnes id, nom), triées par nom ; vide si le territoire n'en a pas."""
    if territoire.sous_zones is None:
        return pd.DataFrame(columns=["id", "nom"])
    return jeux[territoire.sous_zones.jeu].sort_values("nom").reset_index(drop=True)


def zones_de_saisie(territoire: Territoire, noms_sous_zones: list[str]) -> list[str]:
    """Les zones pour lesquelles on saisit la valeur d'un indicateur : le territoire entier d'abord,
    puis ses sous-zones."""
    return [territoire.nom, *sorted(noms_sous_zones)]


def _traduire(e: ValidationError) -> list[Probleme]:
    from .plan import traduire  # même traduction en français que pour les plans

    return traduire(e, {})


def charger_territoire(chemin: Path) -> Territoire:
    nom = f"{DOSSIER}/{chemin.name}"
    try:
        contenu = yaml.safe_load(chemin.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        marque = getattr(e, "problem_mark", None)
        raise ErreurDonnees(nom, [Probleme(f"YAML illisible ({getattr(e, 'problem', None) or 'syntaxe'})",
                                           ligne=marque.line + 1 if marque else None)]) from None
    except UnicodeDecodeError:
        raise ErreurDonnees(nom, [Probleme("le fichier n'est pas encodé en UTF-8")]) from None
    if not isinstance(contenu, dict):
        raise ErreurDonnees(nom, [Probleme("le fichier doit décrire un territoire (clés id, nom, nature…)")])
    try:
        territoire = Territoire.model_validate(contenu)
    except ValidationError as e:
        raise ErreurDonnees(nom, _traduire(e)) from None
    if territoire.id != chemin.stem:
        raise ErreurDonnees(nom, [Probleme(f"« {territoire.id} » : l'identifiant doit être le nom du fichier "
                                           f"(« {chemin.stem} »)", colonne="id")])
    if territoire.donnees is not None:
        pack = chemin.parent / DOSSIER_DONNEES / territoire.donnees
        manquants = [f for f in FICHIERS_PACK if not (pack / f).is_file()]
        if not pack.is_dir():
            raise ErreurDonnees(nom, [Probleme(
                f"« {territoire.donnees} » : le dossier {DOSSIER}/{DOSSIER_DONNEES}/{territoire.donnees}/ "
                "n'existe pas (construisez-le avec « python -m ctg_data.build_territoires », ou corrigez le nom)",
                colonne="donnees")])
        if manquants:
            raise ErreurDonnees(nom, [Probleme(
                f"« {territoire.donnees} » : il manque {', '.join(manquants)} dans le dossier "
                f"{DOSSIER}/{DOSSIER_DONNEES}/{territoire.donnees}/", colonne="donnees")])
    if territoire.equipements is not None:
        if territoire.donnees is None:
            raise ErreurDonnees(nom, [Probleme(
                f"« {territoire.equipements} » : le fichier des équipements se range dans le dossier des données "
                "du territoire ; déclarez aussi ce dossier (champ « donnees »)", colonne="equipements")])
        if not (chemin.parent / DOSSIER_DONNEES / territoire.donnees / territoire.equipements).is_file():
            raise ErreurDonnees(nom, [Probleme(
                f"« {territoire.equipements} » : ce fichier n'existe pas dans le dossier "
                f"{DOSSIER}/{DOSSIER_DONNEES}/{territoire.donnees}/ (placez-y le modèle rempli, ou corrigez le nom)",
                colonne="equipements")])
    return territoire


def fichier_pack(territoire: Territoire, nom: str) -> str:
    """Chemin, relatif à data/, d'un fichier des données dérivées du territoire (« social.csv »)."""
    return f"{DOSSIER}/{DOSSIER_DONNEES}/{territoire.donnees}/{nom}"


def jeux_du_pack(territoire: Territoire, catalogue: dict) -> dict[str, str]:
    """Les identifiants, dans le catalogue, des fichiers des données dérivées du territoire (par nom de
    fichier : « social.csv », « communes.geojson »…). Un fichier absent du catalogue est refusé : sa
    source et sa licence doivent y être dites (le catalogue.yaml du dossier, écrit par la construction)."""
    par_fichier = {jeu.fichier: id_ for id_, jeu in catalogue.items()}
    ids, absents = {}, []
    for nom in FICHIERS_PACK:
        fichier = fichier_pack(territoire, nom)
        if fichier in par_fichier:
            ids[nom] = par_fichier[fichier]
        else:
            absents.append(fichier)
    if absents:
        raise ErreurDonnees("catalogue.yaml", [Probleme(
            f"{f} (territoire « {territoire.id} ») n'est pas déclaré dans le catalogue : reconstruisez le territoire "
            "(python -m ctg_data.build_territoires), qui écrit le catalogue.yaml de son dossier", colonne="fichier")
            for f in absents])
    return ids


def jeux_sociaux(territoire: Territoire, catalogue: dict) -> tuple[str, str]:
    """Les identifiants, dans le catalogue, du tableau social du territoire et de son dictionnaire :
    ceux de ses données dérivées s'il en a (``donnees``), sinon ``social`` et ``social_indicateurs``."""
    if territoire.donnees is None:
        return "social", "social_indicateurs"
    ids = jeux_du_pack(territoire, catalogue)
    return ids["social.csv"], ids["indicateurs.csv"]


def jeux_geo(territoire: Territoire, catalogue: dict) -> tuple[str, str] | None:
    """Les identifiants des contours des communes et du contour du territoire (données dérivées), ou None
    pour un territoire sans données dérivées."""
    if territoire.donnees is None:
        return None
    ids = jeux_du_pack(territoire, catalogue)
    return ids["communes.geojson"], ids["contour.geojson"]


def donnees_sociales(territoire: Territoire, dossier: Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Le tableau social du territoire (colonnes de data/social.csv) et son dictionnaire, validés par le
    catalogue : le seul endroit qui choisit entre data/social.csv et les données dérivées du territoire."""
    from . import catalogue as cat

    dossier = dossier or config.dossier_donnees()
    id_social, id_dico = jeux_sociaux(territoire, cat.lire_catalogue(dossier))
    return cat.charger(id_social, dossier), cat.charger(id_dico, dossier)


def communes_du_pack(social: pd.DataFrame) -> pd.DataFrame:
    """Les communes d'un territoire (colonnes id = code INSEE, nom), triées par nom, lues dans son
    tableau social (une ligne par commune et par indicateur)."""
    communes = social.loc[social["type_zone"] == "commune", ["code_zone", "nom_zone"]].drop_duplicates("code_zone")
    return communes.rename(columns={"code_zone": "id", "nom_zone": "nom"}).sort_values("nom").reset_index(drop=True)


def charger_territoires(dossier: Path | None = None) -> tuple[dict[str, Territoire], list[ErreurDonnees]]:
    """Tous les territoires valides, et l'erreur de chaque fichier refusé (les autres se chargent)."""
    racine = (dossier or config.dossier_donnees()) / DOSSIER
    territoires, erreurs = {}, []
    for chemin in sorted(racine.glob("*.yaml")):
        try:
            t = charger_territoire(chemin)
        except ErreurDonnees as e:
            erreurs.append(e)
        else:
            territoires[t.id] = t
    return territoires, erreurs
