"""Le vocabulaire du tableau de bord, défini une seule fois : statuts des indicateurs, états des
équipements, catégories d'équipements, types de zones.

Le magasin, les pages, les exports et les PDF lisent ces définitions ici : un libellé, une couleur ou
un ordre ne s'écrit nulle part ailleurs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class _DefStatut:
    libelle: str  # tel qu'affiché et enregistré (« à renseigner »)
    ordre: int
    couleur: str  # contraste ≥ 3:1 sur fond blanc (voir ctg_data.couleurs)
    badge: str  # couleur de badge Streamlit (gray, orange…), utilisée par les pages
    sens: str  # ce que le statut veut dire, pour le lecteur


class Statut(Enum):
    """Statut d'un indicateur, d'une fiche ou d'un axe du plan. ``Statut.EN_COURS.value`` est le
    libellé enregistré en base et affiché."""

    A_RENSEIGNER = _DefStatut("à renseigner", 0, "#757575", "gray", "aucune valeur saisie pour l'instant")
    EN_COURS = _DefStatut("en cours", 1, "#0072B2", "blue",
                          "une valeur existe ; la cible n'est pas encore atteinte, ou ne peut pas être jugée "
                          "(pas de cible chiffrée ou de sens d'évolution)")
    ATTEINT = _DefStatut("atteint", 2, "#009E73", "green", "la dernière valeur atteint la cible")
    NON_ATTEINT = _DefStatut("non atteint", 3, "#CE0500", "red", "l'échéance de la cible est passée sans l'atteindre")
    ABANDONNE = _DefStatut("abandonné", 4, "#6A1B9A", "violet", "décidé à la main par un éditeur (avec son motif)")

    @property
    def libelle(self) -> str:
        return self.value.libelle

    @property
    def couleur(self) -> str:
        return self.value.couleur

    @property
    def badge(self) -> str:
        return self.value.badge

    @property
    def sens(self) -> str:
        return self.value.sens

    @property
    def ordre(self) -> int:
        return self.value.ordre

    @classmethod
    def depuis(cls, libelle: str) -> "Statut":
        """Le statut d'un libellé enregistré ; ValueError (message en français) s'il est inconnu."""
        for s in cls:
            if s.libelle == libelle:
                return s
        raise ValueError(f"Statut « {libelle} » inconnu ; admis : {', '.join(LIBELLES_STATUTS)}.")


STATUTS_ORDONNES: list[Statut] = sorted(Statut, key=lambda s: s.ordre)
LIBELLES_STATUTS: list[str] = [s.libelle for s in STATUTS_ORDONNES]
COULEURS_STATUTS: dict[str, str] = {s.libelle: s.couleur for s in STATUTS_ORDONNES}


# --- Équipements -------------------------------------------------------------------------------
OUVERT, FERME = "ouvert", "fermé"
ETATS_EQUIPEMENT = [OUVERT, FERME]

# Catégories d'équipements, dans l'ordre d'affichage : code -> libellé lisible.
CATEGORIES_EQUIPEMENTS: dict[str, str] = {
    "EAJE": "Établissements d'accueil du jeune enfant (EAJE)",
    "RPE": "Relais petite enfance (RPE)",
    "ALSH": "Accueils de loisirs (ALSH)",
    "LAEP": "Lieux d'accueil enfants-parents (LAEP)",
    "Ludothèque": "Ludothèques",
    "Centre social / MEP": "Centres sociaux et maisons d'éducation populaire (MEP)",
    "Médiathèque": "Médiathèques",
    "Autre": "Autres",
}


# Types de plans : code du fichier plan.yaml -> nom complet pour le lecteur.
TYPES_PLAN = {
    "CTG": "Convention Territoriale Globale",
    "Cité éducative": "Cité éducative",
    "Contrat de ville": "Contrat de ville",
    "Autre": "Plan d'actions",
}


# --- Sources en mots pour le lecteur -------------------------------------------------------------
# Les références techniques (fichier de ../shared, numéro de ligne) restent dans les données et sur la
# page « Données et sources » ou derrière un dépliant « Détail de la source » ; le lecteur lit la section.
DETAIL_SOURCE = "Détail de la source"
_FICHIER_SOURCE = r"\d{3}_[0-9a-f]{16}\.txt"
_REFERENCES_TECHNIQUES = [
    re.compile(rf"\s*\(\s*{_FICHIER_SOURCE}[^)]*\)"),  # « (000_….txt, ligne 544) », « (000_….txt) »
    re.compile(rf",?\s*{_FICHIER_SOURCE}(?:,\s*lignes?\s[\d\s–-]+)?"),
    re.compile(r"\s*\(lignes?\s[^)]*\)"),  # « (ligne 1145) », « (lignes 34-84 ; titre ligne 38) »
]


_NUMEROS = r"\d+(?:\s*(?:[-–]|et|à|,)\s*\d+)*"
# « (Annexe 3, ligne 1254) », « (parties signataires, lignes 1-65) » : le renvoi à l'intérieur d'une parenthèse.
_RENVOI_DANS_PARENTHESES = re.compile(rf"\s*[,;]\s*(?:titre\s+)?lignes?\s+{_NUMEROS}(?=\s*[);,])")
_PARENTHESES_VIDES = re.compile(r"\s*\(\s*\)")


def source_lisible(texte: object) -> str:
    """La source telle qu'un lecteur la connaît : « Annexe 3 — Fiche projet PE1 (ligne 1145)
    (000_6464dfed2d3d1a29.txt) » devient « Annexe 3 — Fiche projet PE1 » (fichier et lignes ôtés)."""
    if texte is None or (isinstance(texte, float) and texte != texte):
        return ""
    resultat = str(texte)
    for _ in range(3):  # « (Annexe 2, fiche 6, lignes 333-344, ligne 338) » : un renvoi après l'autre
        resultat = _RENVOI_DANS_PARENTHESES.sub("", resultat)
    for motif in _REFERENCES_TECHNIQUES:
        resultat = motif.sub("", resultat)
    resultat = _PARENTHESES_VIDES.sub("", resultat)
    resultat = re.sub(r"\s+([,.])", r"\1", re.sub(r"\s{2,}", " ", resultat))
    # « ; » garde son espace avant (typographie française), une seule ; « ; ; » ou « ; » final disparaissent
    resultat = re.sub(r"\s*;\s*", " ; ", resultat)
    resultat = re.sub(r"(?: ; )+(?= ; |$)", "", resultat)
    return resultat.strip(" ;")


def source_en_mots(document: object, section: object) -> str:
    """« Annexes de la CTG…, Annexe 2 » pour le document (son nom en mots, lu dans les données : jamais
    le nom du fichier) et la section « Annexe 2 (ligne 139) » : le document, puis la section sans
    numéro de ligne."""
    morceaux = [source_lisible(document), source_lisible(section)]
    return ", ".join(m for m in morceaux if m)


# --- Précision de la position d'un équipement ----------------------------------------------------
# Code enregistré (ctg_data.positions.PRECISIONS) -> ce que lit le lecteur (pages, exports).
PRECISIONS_LISIBLES: dict[str, str] = {
    "adresse": "à l'adresse",
    "rue": "à la rue",
    "quartier (approx.)": "approximative (dans le quartier)",
    "inconnue": "non localisé",
}


def precision_lisible(precision: object) -> str:
    """« quartier (approx.) » -> « approximative (dans le quartier) » ; vide ou inconnu -> « non localisé »."""
    if not isinstance(precision, str) or not precision:
        return PRECISIONS_LISIBLES["inconnue"]
    return PRECISIONS_LISIBLES.get(precision, precision)
