"""Règles de connexion à l'espace éditeur : ralentissement des essais, verrouillage, messages.

Aucune base ici : le magasin (``ctg_data.stockage``) lit le journal des connexions
(table ``journal_connexions``) et demande à ce module ce qu'il faut décider. Le journal est la seule
mémoire : la décision est la même sur tous les serveurs qui partagent la base, et un redémarrage
n'efface rien.

Règles (``ReglesConnexion``, réglables, par défaut) :

- par **compte** (l'identifiant tel que saisi, qu'il existe ou non : la réponse ne dit pas si un
  compte existe) : après 1 échec, chaque nouvel échec impose d'attendre avant l'essai suivant, 1 s,
  puis 2 s, 4 s… ; au 5e échec d'affilée, le compte est verrouillé 15 minutes, même pour le bon mot
  de passe ;
- par **client** (l'adresse d'où vient la demande) : 3 échecs sans attente (plusieurs personnes
  peuvent partager une adresse), puis 1 s, 2 s, 4 s… jusqu'à 60 s, tous comptes confondus ;
- un essai trop tôt ou sur un compte verrouillé est refusé **sans vérifier le mot de passe** et
  journalisé ; il ne prolonge rien ;
- une connexion réussie (ou un déverrouillage par l'administration) remet le compteur à zéro ; les
  échecs de plus de 24 heures sont oubliés.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .acces import Identite

FUSEAU = ZoneInfo("Europe/Paris")

# Motifs du journal (colonne ``motif``), en français : le journal est lu tel quel par les éditeurs.
CONNEXION = "connexion"
MOT_DE_PASSE_INCORRECT = "mot de passe incorrect"
IDENTIFIANT_INCONNU = "identifiant inconnu ou compte désactivé"
EN_COURS = "vérification en cours"  # ligne écrite avant de vérifier le mot de passe, complétée après
TROP_TOT = "essai trop rapproché : refusé sans vérification"
VERROUILLE = "compte verrouillé : refusé sans vérification"
DEVERROUILLAGE = "compte déverrouillé par l'administration"
CONNEXION_OIDC = "connexion par le fournisseur d'identité"
OIDC_NON_AUTORISE = "fournisseur d'identité : adresse non autorisée (lecture seule)"

ECHECS = frozenset({MOT_DE_PASSE_INCORRECT, IDENTIFIANT_INCONNU, EN_COURS})
"""Ce qui compte comme un essai manqué (une ligne « en cours » compte déjà : deux essais lancés en
même temps ne passent pas tous les deux)."""
REMISES_A_ZERO = frozenset({CONNEXION, DEVERROUILLAGE})


@dataclass(frozen=True)
class ReglesConnexion:
    essais_libres_compte: int = 1
    essais_libres_client: int = 3
    premier_delai: float = 1.0  # secondes, doublé à chaque échec suivant
    delai_max: float = 60.0
    echecs_avant_verrou: int = 5
    duree_verrou: dt.timedelta = dt.timedelta(minutes=15)
    memoire: dt.timedelta = dt.timedelta(hours=24)

    def delai(self, echecs: int, libres: int) -> dt.timedelta:
        """Attente imposée après ``echecs`` échecs d'affilée, les ``libres`` premiers étant gratuits."""
        au_dela = echecs - libres
        if au_dela <= 0:
            return dt.timedelta(0)
        return dt.timedelta(seconds=min(self.premier_delai * 2 ** (au_dela - 1), self.delai_max))


@dataclass(frozen=True)
class Etat:
    """Ce que le journal dit d'un compte ou d'un client à un instant."""

    echecs: int = 0  # échecs d'affilée depuis la dernière remise à zéro (ou la fin du dernier verrou)
    dernier_echec: dt.datetime | None = None
    verrou_jusqua: dt.datetime | None = None


def en_utc(t: dt.datetime) -> dt.datetime:
    """SQLite rend les dates sans fuseau : elles sont enregistrées en UTC."""
    return t.replace(tzinfo=dt.timezone.utc) if t.tzinfo is None else t


def etat(lignes: Iterable[tuple[dt.datetime, str]], regles: ReglesConnexion, verrouiller: bool) -> Etat:
    """Rejoue les lignes du journal (horodatage, motif), de la plus ancienne à la plus récente."""
    echecs, dernier, verrou = 0, None, None
    for horodatage, motif in lignes:
        horodatage = en_utc(horodatage)
        if motif in REMISES_A_ZERO:
            echecs, dernier, verrou = 0, None, None
        elif motif in ECHECS:
            echecs, dernier = echecs + 1, horodatage
            if verrouiller and echecs >= regles.echecs_avant_verrou:
                verrou, echecs = horodatage + regles.duree_verrou, 0
    return Etat(echecs, dernier, verrou)


def prochain_essai(compte: Etat, client: Etat | None, regles: ReglesConnexion) -> dt.datetime | None:
    """Premier instant où un essai sera examiné (ralentissement par compte et par client)."""
    instants = []
    if compte.dernier_echec is not None:
        instants.append(compte.dernier_echec + regles.delai(compte.echecs, regles.essais_libres_compte))
    if client is not None and client.dernier_echec is not None:
        instants.append(client.dernier_echec + regles.delai(client.echecs, regles.essais_libres_client))
    return max(instants) if instants else None


def heure(t: dt.datetime) -> str:
    """« 14 h 05 » (heure de Paris), avec les secondes si l'attente est courte."""
    local = en_utc(t).astimezone(FUSEAU)
    return f"{local.hour} h {local.minute:02d}"


def duree(attente: dt.timedelta) -> str:
    secondes = max(1, int(-(-attente.total_seconds() // 1)))  # arrondi au-dessus
    if secondes < 120:
        return f"{secondes} seconde{'s' if secondes > 1 else ''}"
    minutes = -(-secondes // 60)
    return f"{minutes} minutes"


@dataclass(frozen=True)
class ResultatConnexion:
    """Réponse du magasin à un essai de connexion : l'identité, ou pourquoi non et quand réessayer."""

    identite: Identite | None
    motif: str
    maintenant: dt.datetime
    reessayer_a: dt.datetime | None = None  # refus (trop tôt, verrouillé) ou attente après un échec
    verrou_jusqua: dt.datetime | None = None
    essais_restants: int | None = None  # avant verrouillage du compte
    duree_verrou: dt.timedelta | None = None

    @property
    def reussie(self) -> bool:
        return self.identite is not None

    @property
    def verrouille(self) -> bool:
        return self.verrou_jusqua is not None and self.verrou_jusqua > self.maintenant

    @property
    def message(self) -> str:
        """Le message à montrer à la personne, en français."""
        if self.reussie:
            return f"Connecté·e : {self.identite.nom}."
        if self.verrouille:
            return (f"Trop d'essais infructueux : ce compte est verrouillé jusqu'à {heure(self.verrou_jusqua)} "
                    f"(dans {duree(self.verrou_jusqua - self.maintenant)}), même avec le bon mot de passe. "
                    "Réessayez à partir de cette heure, ou demandez à la personne qui administre le tableau "
                    "de bord de le déverrouiller.")
        if self.motif == TROP_TOT:
            return (f"Essais trop rapprochés : attendez {duree(self.reessayer_a - self.maintenant)} avant de "
                    "réessayer. Ce que vous venez de saisir n'a pas été vérifié.")
        if self.motif == OIDC_NON_AUTORISE:
            return "Votre compte n'a pas les droits d'éditeur : lecture seule."
        message = "Identifiant ou mot de passe incorrect."
        if self.reessayer_a is not None and self.reessayer_a > self.maintenant:
            message += f" Prochain essai possible dans {duree(self.reessayer_a - self.maintenant)}."
        if self.essais_restants is not None and self.essais_restants <= 2:
            pluriel = "s" if self.essais_restants > 1 else ""
            message += (f" Encore {self.essais_restants} essai{pluriel} avant le verrouillage du compte "
                        f"pendant {duree(self.duree_verrou)}.")
        return message
