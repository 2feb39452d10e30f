"""Erreurs de données, rédigées en français, qui disent quoi et où (fichier, ligne, colonne)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Probleme:
    """Un problème précis dans un fichier. ``ligne`` est le numéro de ligne du fichier
    tel qu'on le voit dans un tableur (l'en-tête est la ligne 1) ; None si le problème
    concerne le fichier entier ou une colonne entière."""

    message: str
    ligne: int | None = None
    colonne: str | None = None

    def __str__(self) -> str:
        lieu = []
        if self.ligne is not None:
            lieu.append(f"ligne {self.ligne}")
        if self.colonne:
            lieu.append(f"colonne « {self.colonne} »")
        return f"{', '.join(lieu)} : {self.message}" if lieu else self.message


class ErreurDonnees(Exception):
    """Un fichier de données est illisible ou ne respecte pas son schéma.

    Rien n'est chargé quand cette erreur est levée : les données déjà en place restent intactes.
    """

    MAX_AFFICHES = 20

    def __init__(self, fichier: str, problemes: list[Probleme]):
        self.fichier = fichier
        self.problemes = problemes
        super().__init__(self.message())

    def __reduce__(self):  # pour la mise en cache (pickle) d'une liste d'erreurs
        return (self.__class__, (self.fichier, self.problemes))

    def message(self) -> str:
        n = len(self.problemes)
        titre = (
            f"Le fichier « {self.fichier} » contient {n} erreur{'s' if n > 1 else ''} :"
            if n
            else f"Le fichier « {self.fichier} » est invalide."
        )
        lignes = [f"- {p}" for p in self.problemes[: self.MAX_AFFICHES]]
        if n > self.MAX_AFFICHES:
            lignes.append(f"- … et {n - self.MAX_AFFICHES} autre(s).")
        return "\n".join([titre, *lignes])
