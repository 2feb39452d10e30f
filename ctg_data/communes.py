"""Les chiffres d'un territoire décrit par ses communes (une intercommunalité qui a ses données dérivées,
construites par ``ctg_data.build_territoires``) : un seul endroit pour la carte, le contexte social, le
portrait d'une commune et le séminaire.

Le tableau social du territoire (colonnes de ``data/social.csv``) a une ligne par indicateur, zone et
année : chaque commune, l'intercommunalité elle-même et ses territoires de comparaison (Côte-d'Or,
région, France métropolitaine). Une valeur absente (secret statistique, commune absente du fichier…)
garde sa ligne, vide, avec sa raison : elle est montrée comme absente, jamais estimée. Une médiane ou
une part ne se moyenne pas entre communes : on donne l'étendue (de la plus basse à la plus haute) ou la
carte, et la valeur du territoire lue dans sa source.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pandas as pd

from . import format as fmt
from .chiffres import _unite_ouverte, texte
from .territoire import Territoire

COLONNES_VALEURS = ["code_commune", "commune", "annee", "valeur", "texte", "statut", "raison", "source",
                    "source_detail"]
COLONNES_REPERES = ["zone", "type_zone", "annee", "valeur", "texte", "statut", "raison", "source", "source_detail"]


@dataclass(frozen=True)
class Indicateur:
    """Un indicateur du tableau social du territoire, tel que le dit son dictionnaire."""

    code: str
    libelle: str
    unite: str  # « € par an », « % », « ménages »…
    definition: str
    precautions: str
    annees_communes: tuple[int, ...]  # années où les communes ont une ligne (valeur ou absence)
    annees: tuple[int, ...]  # toutes les années du tableau pour cet indicateur (communes et comparaisons)

    @property
    def symbole(self) -> str:
        """« € », « % » ou l'unité entière (« ménages »)."""
        return self.unite.split(" ")[0] if self.unite.startswith(("€", "%")) else self.unite


def indicateurs(social: pd.DataFrame, dictionnaire: pd.DataFrame) -> list[Indicateur]:
    """Les indicateurs du tableau, dans l'ordre du dictionnaire (ceux qui ont au moins une ligne)."""
    resultat = []
    for d in dictionnaire.to_dict("records"):
        lignes = social[social["indicateur"] == d["code"]]
        if lignes.empty:
            continue
        communes = lignes[lignes["type_zone"] == "commune"]
        resultat.append(Indicateur(
            code=d["code"], libelle=d["libelle"], unite=_unite_ouverte(d["unite"], d.get("definition") or ""),
            definition=d.get("definition") or "", precautions=d.get("precautions") or "",
            annees_communes=tuple(sorted({int(a) for a in communes["annee"]})),
            annees=tuple(sorted({int(a) for a in lignes["annee"]})),
        ))
    return resultat


def par_code(liste: list[Indicateur]) -> dict[str, Indicateur]:
    return {i.code: i for i in liste}


def ligne_lisible(l: dict, unite: str) -> dict:
    """Une ligne du tableau social prête à lire : année, valeur, texte (« 24 480 € » ou « pas de valeur
    publiée (…) »), statut, raison d'une absence, source."""
    publiee = pd.notna(l["valeur"])
    return {
        "annee": int(l["annee"]), "valeur": float(l["valeur"]) if publiee else None,
        "texte": texte({"valeur": l["valeur"], "unite": unite, "statut": l["statut"], "qualificatif": None}),
        "statut": l["statut"], "raison": "" if publiee else raison_absence(l["statut"], l["note"]),
        "source": l["source"], "source_detail": l.get("source_detail") or "",
    }


def raison_absence(statut: str, note) -> str:
    """Pourquoi une valeur manque, en mots : la note du fichier quand elle l'explique (« commune absente du
    fichier diffusé par l'INSEE… »), sinon le statut (« secret statistique ou seuil de diffusion »). Une note
    qui ne dit qu'un nom (« nom dans le fichier : … ») ou renvoie à un fichier technique n'est pas une raison."""
    if isinstance(note, str) and note and not note.startswith("nom dans le fichier") and ".md" not in note:
        return note
    return statut


def valeurs_communes(social: pd.DataFrame, indicateur: Indicateur, annee: int) -> pd.DataFrame:
    """Une ligne par commune du territoire pour un indicateur et une année, triée par nom : la valeur
    publiée, ou une valeur vide et la raison de son absence. Une commune sans aucune ligne cette
    année-là est dite « pas de ligne pour cette année dans le fichier »."""
    communes = social.loc[social["type_zone"] == "commune", ["code_zone", "nom_zone"]].drop_duplicates("code_zone")
    lignes = social[(social["type_zone"] == "commune") & (social["indicateur"] == indicateur.code)
                    & (social["annee"] == annee)].drop_duplicates("code_zone").set_index("code_zone")
    resultat = []
    for code, nom in communes.itertuples(index=False):
        if code in lignes.index:
            ligne = ligne_lisible(lignes.loc[code].to_dict() | {"annee": annee}, indicateur.unite)
        else:
            ligne = {"annee": annee, "valeur": None, "texte": "pas de valeur (pas de ligne pour cette année)",
                     "statut": "absente", "raison": "pas de ligne pour cette année dans les fichiers lus",
                     "source": "", "source_detail": ""}
        resultat.append({"code_commune": code, "commune": nom, **ligne})
    df = pd.DataFrame(resultat, columns=COLONNES_VALEURS)
    return df.sort_values("commune", key=lambda s: s.map(cle_de_tri)).reset_index(drop=True)


def cle_de_tri(nom: str) -> str:
    """Clé de tri alphabétique française : sans accents ni majuscules (« Bévy » avant « Boncourt »)."""
    return unicodedata.normalize("NFKD", str(nom)).encode("ascii", "ignore").decode().lower()


def zones_de_reference(territoire: Territoire) -> list[tuple[str, str | None, str]]:
    """(type de zone, code, nom) du territoire lui-même puis de ses comparaisons, dans l'ordre du fichier
    du territoire."""
    return [(territoire.nature, territoire.code, territoire.nom),
            *[(c.type_zone, c.code, c.nom) for c in territoire.comparaisons]]


def _lignes_zone(social: pd.DataFrame, indicateur: str, type_zone: str, code: str | None) -> pd.DataFrame:
    masque = (social["indicateur"] == indicateur) & (social["type_zone"] == type_zone)
    if code is not None:
        masque &= social["code_zone"].astype(str) == str(code)
    return social[masque]


def reperes(social: pd.DataFrame, territoire: Territoire, indicateur: Indicateur, annee: int) -> pd.DataFrame:
    """Les valeurs du territoire et de ses comparaisons pour une année (celles qui ont une ligne cette
    année-là, valeur ou raison de son absence), dans l'ordre du fichier du territoire."""
    lignes = []
    for type_zone, code, nom in zones_de_reference(territoire):
        l = _lignes_zone(social, indicateur.code, type_zone, code)
        l = l[l["annee"] == annee]
        if l.empty:
            continue
        lignes.append({"zone": nom, "type_zone": type_zone, **ligne_lisible(l.iloc[0].to_dict(), indicateur.unite)})
    return pd.DataFrame(lignes, columns=COLONNES_REPERES)


def serie(social: pd.DataFrame, territoire: Territoire, indicateur: Indicateur,
          commune: tuple[str, str] | None = None) -> pd.DataFrame:
    """Toutes les années de l'indicateur pour le territoire, ses comparaisons et, si elle est donnée,
    une commune (code, nom) : colonnes ``COLONNES_REPERES``, années croissantes. Les années sans valeur
    gardent leur ligne (valeur vide, raison)."""
    zones = [*([("commune", commune[0], commune[1])] if commune else []), *zones_de_reference(territoire)]
    lignes = []
    for type_zone, code, nom in zones:
        for l in _lignes_zone(social, indicateur.code, type_zone, code).sort_values("annee").to_dict("records"):
            lignes.append({"zone": nom, "type_zone": type_zone, **ligne_lisible(l, indicateur.unite)})
    return pd.DataFrame(lignes, columns=COLONNES_REPERES)


def derniere_annee(indicateur: Indicateur, communes: bool = True) -> int | None:
    """La dernière année de l'indicateur (pour les communes, sinon pour tous les niveaux)."""
    annees = indicateur.annees_communes if communes else indicateur.annees
    return annees[-1] if annees else None


def etendue(valeurs: pd.DataFrame, indicateur: Indicateur) -> str:
    """« de 19 870 € (Commune A) à 31 020 € (Commune B) ; 51 communes sur 55 ont une valeur » : ce que
    disent les communes d'un indicateur, sans moyenne (une médiane ou une part ne se moyenne pas)."""
    avec = valeurs.dropna(subset=["valeur"])
    total = len(valeurs)
    if avec.empty:
        return f"aucune des {total} communes n'a de valeur publiée"
    couverture = (f"{fmt.nombre(len(avec))} commune{'s' if len(avec) > 1 else ''} sur {fmt.nombre(total)} "
                  f"{'ont' if len(avec) > 1 else 'a'} une valeur")
    if len(avec) == 1:
        l = avec.iloc[0]
        return f"{l['texte']} ({l['commune']}) ; {couverture}"
    bas = avec.loc[avec["valeur"].idxmin()]
    haut = avec.loc[avec["valeur"].idxmax()]
    return f"de {bas['texte']} ({bas['commune']}) à {haut['texte']} ({haut['commune']}) ; {couverture}"
