"""Le plan d'actions comme données : axes -> axes stratégiques -> fiches projet -> indicateurs.

Un plan est un dossier ``data/plans/<identifiant>/`` qui contient ``plan.yaml``. Le fichier est
validé par les modèles ci-dessous (pydantic) : un champ manquant, mal typé ou une référence
inconnue (fiche rattachée à un axe qui n'existe pas…) donne une erreur en français qui nomme le
fichier et le champ. Les champs que le document source ne renseigne pas restent vides : ils
s'affichent « à définir », jamais complétés par nous.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from . import config
from .erreurs import ErreurDonnees, Probleme

A_DEFINIR = "à définir"
SENS = ["hausse", "baisse", "maintien", "qualitatif"]
TYPES_INDICATEUR = ["suivi", "évaluation"]


class Modele(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Source(Modele):
    fichier: str = Field(min_length=1)
    section: str = Field(min_length=1)


class ValeurDatee(Modele):
    valeur: float | None = None
    annee: int | None = Field(default=None, ge=1990, le=2100)
    texte: str | None = None  # quand le document l'exprime en mots (« 100 % des structures »…)


class Indicateur(Modele):
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    libelle: str = Field(min_length=1)
    type: Literal["suivi", "évaluation"]
    unite: str | None = None
    definition: str | None = None
    pilote: str | None = None
    reference: ValeurDatee | None = None
    cible: ValeurDatee | None = None
    sens: Literal["hausse", "baisse", "maintien", "qualitatif"] | None = None
    frequence: str | None = None
    prochaine_echeance: dt.date | None = None
    source: Source
    note: str | None = None


class Fiche(Modele):
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    axe: str
    numero: str
    titre: str = Field(min_length=1)
    objectifs_strategiques: list[str] = []
    objectifs_operationnels: list[str] = []
    resultats_attendus: list[str] = []
    constats: list[str] = []  # constats / diagnostic de la fiche, quand le document en donne
    description: str | None = None  # description de l'action
    echelle: str | None = None  # échelle d'intervention (quartiers, métropole…)
    calendrier: str | None = None
    pilote: str | None = None
    partenaires: list[str] = []
    quartiers: list[str] = []  # vide = tout le territoire
    indicateurs: list[Indicateur] = []
    sans_indicateur: str | None = None  # pourquoi la fiche n'a pas d'indicateur (dit par le document)
    source: Source
    note: str | None = None

    @model_validator(mode="after")
    def indicateurs_ou_raison(self):
        if not self.indicateurs and not self.sans_indicateur:
            raise ValueError("une fiche sans indicateur doit dire pourquoi (champ « sans_indicateur »)")
        return self


class AxeStrategique(Modele):
    id: str
    titre: str = Field(min_length=1)
    objectifs_operationnels: list[str] = []
    source: Source


class Axe(Modele):
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    numero: str
    titre: str = Field(min_length=1)
    axes_strategiques: list[AxeStrategique] = []
    pilote: str | None = None
    # Séries du portrait de territoire (codes de data/portrait.csv) qui éclairent l'axe : choix de
    # l'équipe, affiché comme tel.
    contexte: list[str] = []
    source: Source


class Gouvernance(Modele):
    description: str
    instances: list[str] = []
    source: Source


class Plan(Modele):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    titre: str
    titre_court: str
    type: Literal["CTG", "Cité éducative", "Contrat de ville", "Autre"] = "CTG"
    # Identifiant du territoire du plan (fichier data/territoires/<id>.yaml) : ses zones, ses
    # comparaisons et les pages disponibles en découlent (voir ctg_data.territoire).
    territoire: str = Field(pattern=r"^[a-z0-9-]+$")
    signataires: list[str] = []
    # Présentation du plan en quelques phrases pour la page d'accueil (texte de l'équipe, en mots
    # simples ; les chiffres restent dans les données, avec leur source).
    presentation: str | None = None
    # Le plan ouvert par défaut (adresse sans ?plan=) : un seul plan le déclare.
    par_defaut: bool = False
    # Dates de début et de fin, seulement quand le document les écrit au jour près. Quand il ne donne
    # que des années (« Plan d'actions 2023/2026 »), elles vont dans annee_debut / annee_fin ; dès
    # qu'une date manque, ``periode_texte`` dit ce que le document dit de la période (obligatoire).
    debut: dt.date | None = None
    fin: dt.date | None = None
    annee_debut: int | None = Field(default=None, ge=1990, le=2100)
    annee_fin: int | None = Field(default=None, ge=1990, le=2100)
    periode_texte: str | None = None
    gouvernance: Gouvernance | None = None
    axes: list[Axe] = Field(min_length=1)
    fiches: list[Fiche] = []
    sources: list[Source] = Field(min_length=1)
    note: str | None = None

    @model_validator(mode="after")
    def periode(self):
        if (self.debut is None or self.fin is None) and not self.periode_texte:
            raise ValueError(
                "un plan sans date de début ou de fin doit dire ce que le document dit de sa période "
                "(champ « periode_texte »)"
            )
        for date, annee, nom in ((self.debut, self.annee_debut, "début"), (self.fin, self.annee_fin, "fin")):
            if date and annee is not None and date.year != annee:
                raise ValueError(f"date de {nom} ({date}) et année de {nom} ({annee}) différentes")
        premiere, derniere = self.annees()
        if premiere is not None and derniere is not None and derniere < premiere:
            raise ValueError(f"la fin ({derniere}) précède le début ({premiere})")
        if self.debut and self.fin and self.fin < self.debut:
            raise ValueError(f"la fin ({self.fin}) précède le début ({self.debut})")
        return self

    @model_validator(mode="after")
    def references(self):
        axes = {a.id for a in self.axes}
        for f in self.fiches:
            if f.axe not in axes:
                raise ValueError(f"la fiche « {f.id} » cite l'axe inconnu « {f.axe} » (axes : {', '.join(sorted(axes))})")
        ids = [f.id for f in self.fiches] + [i.id for f in self.fiches for i in f.indicateurs]
        doublons = sorted({x for x in ids if ids.count(x) > 1})
        if doublons:
            raise ValueError(f"identifiant(s) en double : {', '.join(doublons)}")
        return self

    def annees(self) -> tuple[int | None, int | None]:
        """Première et dernière année du plan (d'après la date, sinon l'année seule), ou None."""
        return (
            self.debut.year if self.debut else self.annee_debut,
            self.fin.year if self.fin else self.annee_fin,
        )

    def periode_lisible(self) -> str:
        """« du 1er juillet 2024 au 31 décembre 2027 », « 2023-2026 », ou ce que dit le document."""
        if self.debut and self.fin:
            return f"du {date_lisible(self.debut)} au {date_lisible(self.fin)}"
        premiere, derniere = self.annees()
        if premiere is not None and derniere is not None:
            return f"{premiere}-{derniere}"
        return self.periode_texte or ""

    def annees_de_suivi(self, annee_courante: int | None = None) -> list[int]:
        """Les années que l'on peut choisir pour suivre le plan (tableau récapitulatif annuel…).

        De la première à la dernière année du plan quand le document les donne. Sinon, de l'année
        connue jusqu'à l'année en cours, ou l'année en cours seule : aucune date n'est inventée.
        """
        courante = annee_courante or dt.date.today().year
        premiere, derniere = self.annees()
        if premiere is not None and derniere is not None:
            return list(range(premiere, derniere + 1))
        if premiere is not None:
            return list(range(premiere, max(premiere, courante) + 1))
        if derniere is not None:
            return list(range(min(derniere, courante), derniere + 1))
        return [courante]

    def fiche(self, id_fiche: str) -> Fiche:
        return next(f for f in self.fiches if f.id == id_fiche)

    def axe(self, id_axe: str) -> Axe:
        return next(a for a in self.axes if a.id == id_axe)

    def indicateurs(self) -> pd.DataFrame:
        """Un tableau des indicateurs (une ligne chacun), avec leur fiche et leur axe."""
        lignes = []
        for f in self.fiches:
            for i in f.indicateurs:
                lignes.append(
                    {
                        "indicateur": i.id, "libelle": i.libelle, "type": i.type, "fiche": f.id,
                        "fiche_titre": f.titre, "fiche_numero": f.numero, "axe": f.axe,
                        "axe_titre": self.axe(f.axe).titre, "unite": i.unite, "sens": i.sens,
                        "reference": i.reference.valeur if i.reference else None,
                        "reference_annee": i.reference.annee if i.reference else None,
                        "cible": i.cible.valeur if i.cible else None,
                        "cible_annee": i.cible.annee if i.cible else None,
                        "cible_texte": i.cible.texte if i.cible else None,
                        "pilote": i.pilote or f.pilote, "frequence": i.frequence,
                        "prochaine_echeance": i.prochaine_echeance,
                        "source": f"{i.source.section} ({i.source.fichier})",
                    }
                )
        return pd.DataFrame(lignes)


MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre"]


def date_lisible(d: dt.date) -> str:
    """2024-07-01 -> « 1er juillet 2024 »."""
    return f"{'1er' if d.day == 1 else d.day} {MOIS[d.month - 1]} {d.year}"


def chemin_plan(id_plan: str, dossier: Path | None = None) -> Path:
    return (dossier or config.dossier_donnees()) / "plans" / id_plan / "plan.yaml"


def lister_plans(dossier: Path | None = None) -> list[str]:
    racine = (dossier or config.dossier_donnees()) / "plans"
    return sorted(p.parent.name for p in racine.glob("*/plan.yaml"))


def lieu(chemin: tuple) -> str:
    """('fiches', 3, 'indicateurs', 0, 'type') -> « fiches[4] > indicateurs[1] > type »."""
    morceaux = []
    for element in chemin:
        if isinstance(element, int):
            morceaux[-1] += f"[{element + 1}]"
        else:
            morceaux.append(str(element))
    return " > ".join(morceaux) or "(racine)"


MESSAGES = {
    "missing": "champ obligatoire absent",
    "extra_forbidden": "champ inconnu (vérifiez son nom)",
    "literal_error": "valeur non admise",
    "string_pattern_mismatch": "format invalide",
    "too_short": "liste ou texte vide",
    "string_too_short": "texte vide",
    "date_from_datetime_parsing": "date invalide (attendu AAAA-MM-JJ)",
    "date_parsing": "date invalide (attendu AAAA-MM-JJ)",
    "date_type": "date invalide (attendu AAAA-MM-JJ)",
    "int_parsing": "nombre entier attendu",
    "float_parsing": "nombre attendu",
    "greater_than_equal": "valeur trop petite",
    "less_than_equal": "valeur trop grande",
}


def traduire(erreur: ValidationError, modele: dict) -> list[Probleme]:
    problemes = []
    for e in erreur.errors():
        message = MESSAGES.get(e["type"], e["msg"])
        if e["type"] == "value_error":
            message = str(e["ctx"].get("error", e["msg"]))
        elif e["type"] == "literal_error":
            message += f" ; valeurs admises : {e['ctx'].get('expected', '')}"
        if "input" in e and not isinstance(e["input"], (dict, list)) and e["type"] != "missing":
            message = f"« {e['input']} » : {message}"
        problemes.append(Probleme(message, colonne=lieu(e["loc"]) + _nommer(modele, e["loc"])))
    return problemes


def _nommer(modele: dict, chemin: tuple) -> str:
    """Ajoute l'identifiant de l'objet en cause (« fiche PE2 ») pour qu'on le retrouve vite."""
    objet, noms = modele, []
    for element in chemin:
        try:
            objet = objet[element]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(objet, dict) and isinstance(objet.get("id"), str) and isinstance(element, int):
            noms.append(objet["id"])
    return f" (objet {' > '.join(noms)})" if noms else ""


def charger_plan(id_plan: str, dossier: Path | None = None) -> Plan:
    chemin = chemin_plan(id_plan, dossier)
    nom = f"plans/{id_plan}/plan.yaml"
    if not chemin.exists():
        raise ErreurDonnees(nom, [Probleme(f"fichier introuvable ({chemin})")])
    try:
        contenu = yaml.safe_load(chemin.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        marque = getattr(e, "problem_mark", None)
        raise ErreurDonnees(
            nom, [Probleme(f"YAML illisible ({getattr(e, 'problem', None) or 'syntaxe'})",
                           ligne=marque.line + 1 if marque else None)]
        ) from None
    except UnicodeDecodeError:
        raise ErreurDonnees(nom, [Probleme("le fichier n'est pas encodé en UTF-8")]) from None
    except ValueError:  # date impossible (2024-02-30) : PyYAML lève ValueError, pas YAMLError
        raise ErreurDonnees(nom, [Probleme("date impossible (par ex. 2024-02-30) ; attendu une date AAAA-MM-JJ qui existe")]) from None
    if not isinstance(contenu, dict):
        raise ErreurDonnees(nom, [Probleme("le fichier doit décrire un plan (clés id, titre, axes…)")])
    try:
        return Plan.model_validate(contenu)
    except ValidationError as e:
        raise ErreurDonnees(nom, traduire(e, contenu)) from None


def plan_par_defaut(plans: dict[str, "Plan"]) -> str | None:
    """L'identifiant du plan ouvert par défaut : celui qui le déclare (``par_defaut: true``), sinon le
    premier par ordre alphabétique ; None s'il n'y a aucun plan."""
    declares = [p.id for p in plans.values() if p.par_defaut]
    return declares[0] if declares else next(iter(sorted(plans)), None)


def charger_plans(dossier: Path | None = None) -> tuple[dict[str, Plan], list[ErreurDonnees]]:
    """Tous les plans de ``data/plans/`` : ceux qui sont valides, et l'erreur de chaque plan refusé
    (les autres se chargent quand même)."""
    from .territoire import charger_territoires

    territoires, _ = charger_territoires(dossier)
    plans, erreurs = {}, []
    for id_plan in lister_plans(dossier):
        try:
            plan = charger_plan(id_plan, dossier)
        except ErreurDonnees as e:
            erreurs.append(e)
            continue
        if plan.territoire not in territoires:
            erreurs.append(ErreurDonnees(f"plans/{id_plan}/plan.yaml", [Probleme(
                f"« {plan.territoire} » : territoire inconnu (fichiers de data/territoires/ : "
                f"{', '.join(sorted(territoires)) or 'aucun'})", colonne="territoire")]))
            continue
        plans[id_plan] = plan
    return plans, erreurs
