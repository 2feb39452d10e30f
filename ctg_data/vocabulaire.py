"""Le vocabulaire du tableau de bord, défini une seule fois : statuts des indicateurs, états des
équipements, catégories d'équipements, types de zones.

Le magasin, les pages, les exports et les PDF lisent ces définitions ici : un libellé, une couleur ou
un ordre ne s'écrit nulle part ailleurs.
"""

from __future__ import annotations

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
