"""Statut et avancement des indicateurs, des fiches et des axes, calculés honnêtement.

Règles (affichées telles quelles sur la page « Plan d'actions ») :

Indicateur
- « à renseigner » : aucune valeur saisie ;
- « abandonné » : seulement par décision manuelle ;
- sans cible chiffrée ou sans sens d'évolution défini : « en cours » dès qu'une valeur existe
  (on ne peut pas juger l'atteinte) ;
- sens « hausse » : atteint si la dernière valeur ≥ cible ; « baisse » : atteint si ≤ cible ;
  « maintien » : atteint si ≥ cible ; « qualitatif » : « en cours » tant qu'une personne n'a pas
  fixé le statut ;
- pas atteint : « non atteint » si l'année de la dernière valeur a atteint l'année de la cible
  (ou si l'année de la cible est passée), sinon « en cours » ;
- un statut fixé à la main (avec auteur et motif) remplace le statut calculé.

Fiche et axe (sur leurs indicateurs, abandonnés exclus)
- « à renseigner » si aucun indicateur n'est renseigné ;
- « atteint » si tous sont atteints ;
- « non atteint » si au moins un est non atteint et qu'aucun n'est encore en cours ou à renseigner ;
- sinon « en cours ».

La dernière valeur d'un indicateur est celle de la période la plus récente pour le territoire entier
du plan (la ville, la communauté de communes… plutôt qu'un de ses quartiers) ou, à défaut, la plus
récente toutes zones confondues.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .vocabulaire import LIBELLES_STATUTS, Statut

# Les libellés viennent de ctg_data.vocabulaire (noms gardés pour les modules et tests qui les importent).
A_RENSEIGNER, EN_COURS, ATTEINT, NON_ATTEINT, ABANDONNE = (
    Statut.A_RENSEIGNER.libelle, Statut.EN_COURS.libelle, Statut.ATTEINT.libelle, Statut.NON_ATTEINT.libelle,
    Statut.ABANDONNE.libelle,
)
STATUTS = LIBELLES_STATUTS
REGLE_ROLLUP = (
    "Une fiche (ou un axe) est « à renseigner » si aucun de ses indicateurs n'a de valeur, « atteinte » "
    "si tous ses indicateurs le sont, « non atteinte » si au moins un indicateur est non atteint et "
    "qu'aucun n'est encore en cours ou à renseigner, et « en cours » sinon. Les indicateurs abandonnés "
    "ne comptent pas."
)


def annee_periode(periode: str) -> int:
    return int(str(periode)[:4])


def derniere_valeur(valeurs_indicateur: pd.DataFrame, zone: str | None = None) -> pd.Series | None:
    """La valeur courante la plus récente (tri par période) pour ``zone`` (le territoire entier du
    plan, ``Territoire.nom``), ou toutes zones à défaut ; toutes zones si ``zone`` est None."""
    if valeurs_indicateur is None or valeurs_indicateur.empty:
        return None
    choix = valeurs_indicateur
    if zone is not None and (valeurs_indicateur["zone"] == zone).any():
        choix = valeurs_indicateur[valeurs_indicateur["zone"] == zone]
    return choix.sort_values(["periode", "horodatage"]).iloc[-1]


def dernieres_valeurs(courantes: pd.DataFrame, zone: str | None = None) -> dict:
    """``derniere_valeur`` de chaque indicateur de ``courantes``, calculée d'un coup (un seul tri, au lieu
    d'un filtre et d'un tri par indicateur) : {indicateur: ligne (dict)}. Même règle : la plus récente
    (période, puis horodatage ; à égalité, la dernière dans l'ordre du tableau) pour ``zone`` si
    l'indicateur y a une valeur, sinon toutes zones confondues."""
    if courantes is None or courantes.empty:
        return {}
    tri = courantes.sort_values(["periode", "horodatage"])  # tri stable : comme trier les lignes d'un indicateur
    dernieres = {l["indicateur"]: l for l in tri.drop_duplicates("indicateur", keep="last").to_dict("records")}
    if zone is not None:
        dans_la_zone = tri[tri["zone"] == zone].drop_duplicates("indicateur", keep="last")
        dernieres.update((l["indicateur"], l) for l in dans_la_zone.to_dict("records"))
    return dernieres


def statut_calcule(
    valeur: float | None,
    annee_valeur: int | None,
    cible: float | None,
    annee_cible: int | None,
    sens: str | None,
    aujourdhui: dt.date | None = None,
    a_une_valeur: bool | None = None,
) -> str:
    """Statut d'un indicateur d'après sa dernière valeur (``valeur`` None mais ``a_une_valeur`` vrai :
    valeur textuelle)."""
    renseigne = a_une_valeur if a_une_valeur is not None else valeur is not None
    if not renseigne:
        return A_RENSEIGNER
    if cible is None or sens in (None, "qualitatif") or valeur is None:
        return EN_COURS
    atteint = valeur >= cible if sens in ("hausse", "maintien") else valeur <= cible
    if atteint:
        return ATTEINT
    aujourdhui = aujourdhui or dt.date.today()
    echeance_passee = annee_cible is not None and (
        (annee_valeur is not None and annee_valeur >= annee_cible) or aujourdhui.year > annee_cible
    )
    return NON_ATTEINT if echeance_passee else EN_COURS


COLONNES_STATUTS = [
    "indicateur", "derniere_valeur", "derniere_valeur_texte", "derniere_periode", "derniere_zone",
    "derniere_source", "derniere_commentaire", "statut_calcule", "statut", "statut_manuel_par",
    "statut_manuel_motif"]


def statuts_indicateurs(
    indicateurs: pd.DataFrame, courantes: pd.DataFrame, manuels: pd.DataFrame, aujourdhui: dt.date | None = None,
    zone_entiere: str | None = None,
) -> pd.DataFrame:
    """Ajoute aux indicateurs (tableau de ``Plan.indicateurs()``) : derniere_valeur, derniere_periode,
    derniere_zone, statut_calcule, statut (après décision manuelle), statut_manuel_par, statut_manuel_motif.

    ``zone_entiere`` : la zone du territoire entier du plan (``Territoire.nom``), dont la dernière valeur
    l'emporte sur celles des sous-zones ; voir ``ctg_data.vues_plan.statuts_du_plan``, qui la passe."""
    if "indicateur" not in indicateurs.columns:  # plan sans indicateur
        return pd.DataFrame(columns=list(indicateurs.columns) + COLONNES_STATUTS)
    dernieres = dernieres_valeurs(courantes, zone_entiere)
    decisions = {}
    if manuels is not None and not manuels.empty:
        # La dernière décision de chaque indicateur (statut vide : retour au calcul).
        decisions = {d["indicateur"]: d for d in manuels.drop_duplicates("indicateur", keep="last").to_dict("records")}
    lignes = []
    for ind in indicateurs.to_dict("records"):
        derniere = dernieres.get(ind["indicateur"])
        valeur = None if derniere is None or pd.isna(derniere["valeur"]) else float(derniere["valeur"])
        calcule = statut_calcule(
            valeur,
            annee_periode(derniere["periode"]) if derniere is not None else None,
            None if pd.isna(ind["cible"]) else float(ind["cible"]),
            None if pd.isna(ind["cible_annee"]) else int(ind["cible_annee"]),
            ind["sens"] if isinstance(ind["sens"], str) else None,
            aujourdhui,
            a_une_valeur=derniere is not None,
        )
        decision = decisions.get(ind["indicateur"])
        decision = decision if decision is not None and pd.notna(decision["statut"]) else None
        lignes.append({
            "indicateur": ind["indicateur"],
            "derniere_valeur": valeur,
            "derniere_valeur_texte": None if derniere is None else derniere["valeur_texte"],
            "derniere_periode": None if derniere is None else derniere["periode"],
            "derniere_zone": None if derniere is None else derniere["zone"],
            "derniere_source": None if derniere is None else derniere["source"],
            "derniere_commentaire": None if derniere is None else derniere["commentaire"],
            "statut_calcule": calcule,
            "statut": decision["statut"] if decision is not None else calcule,
            "statut_manuel_par": decision["auteur"] if decision is not None else None,
            "statut_manuel_motif": decision["motif"] if decision is not None else None,
        })
    return indicateurs.merge(pd.DataFrame(lignes, columns=COLONNES_STATUTS), on="indicateur", how="left")


def statut_groupe(statuts: list[str]) -> str:
    """Règle de synthèse d'une fiche ou d'un axe (voir REGLE_ROLLUP)."""
    comptes = [s for s in statuts if s != ABANDONNE]
    if not comptes or all(s == A_RENSEIGNER for s in comptes):
        return A_RENSEIGNER
    if all(s == ATTEINT for s in comptes):
        return ATTEINT
    if NON_ATTEINT in comptes and not ({EN_COURS, A_RENSEIGNER} & set(comptes)):
        return NON_ATTEINT
    return EN_COURS


def synthese(statuts: pd.DataFrame, par: str) -> pd.DataFrame:
    """Nombre d'indicateurs par statut, et statut de synthèse, pour chaque fiche ou axe (``par``)."""
    # Les groupes dans l'ordre de leur première ligne, sans clé vide (comme ``groupby(par, sort=False)``),
    # comptés en Python : quelques dizaines de lignes, bien plus vite qu'un groupby de pandas.
    groupes: dict = {}
    if not statuts.empty:
        for cle, statut in zip(statuts[par], statuts["statut"]):
            if not pd.isna(cle):
                groupes.setdefault(cle, []).append(statut)
    lignes = [{par: cle, **{s: liste.count(s) for s in STATUTS}, "indicateurs": len(liste),
               "statut": statut_groupe(liste)} for cle, liste in groupes.items()]
    return pd.DataFrame(lignes, columns=[par, *STATUTS, "indicateurs", "statut"])
