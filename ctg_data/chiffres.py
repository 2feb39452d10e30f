"""La référence des chiffres d'un territoire : un seul endroit qui sait, pour chaque chiffre, son
indicateur, sa zone, sa période, son unité, sa valeur et sa source.

Deux familles de sources, lues ici et nulle part ailleurs :

- le **document signé** (le préambule de la convention : ``data/portrait.csv``), qui donne des
  chiffres de son année (2020), avec ses qualificatifs (« près de », « plus de ») ;
- les **données ouvertes** (INSEE Filosofi, CNAF…, ``data/social.csv``, ou, pour un territoire qui a ses
  données dérivées, ``data/territoires/donnees/<id>/social.csv`` : voir ``reference_du_territoire``), en
  séries par année.

Quand deux sources donnent une valeur pour la même chose (le niveau de vie médian de Dijon : 1 847 €
en 2020 selon la convention, 21 830 € par an en 2019 selon l'INSEE), on les montre **ensemble**,
chacune avec sa période, son unité et sa source (``reperes``) — jamais l'une sur une page et l'autre
ailleurs. « Pas de valeur » n'apparaît que quand aucune source n'en a.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from . import format as fmt
from .territoire import Territoire

CONVENTION, DONNEES_OUVERTES = "document", "données ouvertes"

# Le même indicateur sous deux codes : code du document -> code des données ouvertes. Choix de
# l'équipe, d'après les définitions (le « niveau de vie du 1er décile » du préambule est le D1 de
# Filosofi).
EQUIVALENCES = {"niveau_vie_premier_decile": "niveau_vie_d1"}

# Indicateurs voisins mais différents (définition ou champ) : quand une zone n'a pas de valeur pour le
# premier, on cite le second sous son propre nom, jamais comme la même chose.
APPARENTES = {"population_totale_2016": "population"}

COLONNES = ["code", "libelle", "zone", "type_zone", "annee", "periode", "valeur", "unite", "qualificatif",
            "origine", "source", "source_detail", "note", "statut"]

_LIGNE = re.compile(r"\s*\(lignes? [^)]*\)\s*$")


def _unite_document(unite: str) -> str:
    # La convention écrit « 1 847 € » sans dire si c'est par mois ou par an : on ne le devine pas.
    return "€ (période non précisée par le document)" if unite == "€" else unite


def _unite_ouverte(unite: str, definition: str) -> str:
    return "€ par an" if unite == "€" and "par an" in (definition or "") else unite


def est_territoire_ou_comparaison(social: pd.DataFrame, territoire: Territoire) -> pd.Series:
    """Lignes de ``social`` qui portent sur le territoire lui-même ou sur un de ses territoires de
    comparaison (les fichiers de données ouvertes couvrent toutes les communes et tous les EPCI)."""
    zones = {(territoire.nature, territoire.code)} | {(c.type_zone, c.code) for c in territoire.comparaisons}
    sans_code = {c.type_zone for c in territoire.comparaisons if c.code is None}
    return pd.Series([(t, c) in zones or t in sans_code for t, c in zip(social["type_zone"], social["code_zone"])],
                     index=social.index, dtype=bool)


def reference(territoire: Territoire, portrait: pd.DataFrame | None, social: pd.DataFrame,
              dictionnaire: pd.DataFrame) -> pd.DataFrame:
    """Tous les chiffres du territoire, de ses sous-zones et de ses comparaisons, en un tableau :
    une ligne par (indicateur, zone, période, source). Colonnes : ``COLONNES``."""
    noms = territoire.noms_sources()
    lignes = []
    if portrait is not None and territoire.portrait is not None:
        for l in portrait.to_dict("records"):
            code = EQUIVALENCES.get(l["code"], l["code"])
            lignes.append({
                "code": code, "libelle": l["indicateur"], "zone": noms.get(l["territoire"], l["territoire"]),
                "type_zone": _type_zone(territoire, noms.get(l["territoire"], l["territoire"])),
                "annee": None if pd.isna(l["annee"]) else int(l["annee"]),
                "periode": l["periode"] if isinstance(l["periode"], str) else fmt.annee(l["annee"]),
                "valeur": l["valeur"], "unite": _unite_document(l["unite"]),
                "qualificatif": l["qualificatif"] if isinstance(l["qualificatif"], str) else None,
                "origine": CONVENTION,
                "source": f"{territoire.portrait.document}, {_LIGNE.sub('', str(l['source_section']))}",
                "source_detail": f"{l['source_fichier']}, {l['source_section']} : « {l['citation']} »",
                "note": l["note"] if isinstance(l["note"], str) else "", "statut": "publiée",
            })
    retenues = social[est_territoire_ou_comparaison(social, territoire)]
    lignes.extend(_lignes_ouvertes(retenues, dictionnaire, noms))
    return pd.DataFrame(lignes, columns=COLONNES)


def _lignes_ouvertes(retenues: pd.DataFrame, dictionnaire: pd.DataFrame, noms: dict[str, str]) -> list[dict]:
    """Les lignes de données ouvertes (colonnes de data/social.csv) au format de ``reference``."""
    dico = dictionnaire.set_index("code")
    lignes = []
    for l in retenues.to_dict("records"):
        definition = dico.loc[l["indicateur"], "definition"] if l["indicateur"] in dico.index else ""
        lignes.append({
            "code": l["indicateur"],
            "libelle": dico.loc[l["indicateur"], "libelle"] if l["indicateur"] in dico.index else l["indicateur"],
            "zone": noms.get(l["nom_zone"], l["nom_zone"]), "type_zone": l["type_zone"], "annee": int(l["annee"]),
            "periode": str(int(l["annee"])), "valeur": l["valeur"], "unite": _unite_ouverte(l["unite"], definition),
            "qualificatif": None, "origine": DONNEES_OUVERTES, "source": l["source"],
            "source_detail": l.get("source_detail", ""), "note": l["note"] if isinstance(l["note"], str) else "",
            "statut": l["statut"],
        })
    return lignes


def reference_commune(social: pd.DataFrame, dictionnaire: pd.DataFrame, code: str) -> pd.DataFrame:
    """Les chiffres d'une commune (code INSEE) dans un tableau social, au format de ``reference`` :
    valeurs publiées et absences avec leur raison (secret statistique…), jamais estimées."""
    retenues = social[(social["type_zone"] == "commune") & (social["code_zone"] == code)]
    return pd.DataFrame(_lignes_ouvertes(retenues, dictionnaire, {}), columns=COLONNES)


def phrase_zone(ref: pd.DataFrame, code: str) -> str:
    """La valeur la plus récente d'un indicateur pour une zone (``ref`` d'une seule zone), avec son année
    et sa source ; une année sans valeur publiée dit pourquoi, puis la dernière année qui en a une.
    « pas de valeur dans les données chargées » si l'indicateur n'y est pas du tout."""
    lignes = ref[ref["code"] == code].sort_values("annee", ascending=False)
    if lignes.empty:
        return "pas de valeur dans les données chargées"
    derniere = lignes.iloc[0]
    precision = " par an" if derniere["unite"] == "€ par an" else ""
    phrase = f"{texte(derniere)}{precision if pd.notna(derniere['valeur']) else ''} en {derniere['periode']} " \
             f"({derniere['source']})"
    if pd.isna(derniere["valeur"]):
        avec = lignes.dropna(subset=["valeur"])
        if not avec.empty:
            l = avec.iloc[0]
            precision = " par an" if l["unite"] == "€ par an" else ""
            phrase += f" ; {texte(l)}{precision} en {l['periode']} ({l['source']})"
    return phrase


def reference_du_territoire(territoire: Territoire, dossier=None) -> pd.DataFrame:
    """``reference`` du territoire, ses fichiers lus par le catalogue : le document signé s'il en a un,
    et le tableau social qui est le sien (ses données dérivées s'il en a, sinon data/social.csv)."""
    from . import catalogue as cat
    from .territoire import donnees_sociales

    portrait = cat.charger(territoire.portrait.jeu, dossier) if territoire.portrait else None
    return reference(territoire, portrait, *donnees_sociales(territoire, dossier))


def _type_zone(territoire: Territoire, zone: str) -> str:
    if zone == territoire.nom:
        return territoire.nature
    for c in territoire.comparaisons:
        if c.nom == zone:
            return c.type_zone
    return "quartier" if territoire.sous_zones else "autre"


def texte(ligne: dict | pd.Series) -> str:
    """La valeur lisible, ou la raison de son absence."""
    if ligne["valeur"] is None or pd.isna(ligne["valeur"]):
        return f"pas de valeur publiée ({ligne['statut']})"
    unite = ligne["unite"]
    symbole = unite.split(" ")[0] if unite.startswith(("€", "%")) else unite
    valeur = round(float(ligne["valeur"]), 1) if symbole == "%" else ligne["valeur"]
    qualificatif = ligne["qualificatif"] if isinstance(ligne["qualificatif"], str) else None
    return fmt.valeur(valeur, symbole, qualificatif)


@dataclass
class GroupeSource:
    """Les valeurs d'un indicateur données par une source pour une période : une ligne de repères."""

    source: str
    periode: str
    unite: str
    valeurs: list[tuple[str, str]]  # (zone, texte)
    origine: str
    details: list[str] = field(default_factory=list)

    def phrase(self, meme_source: bool = False) -> str:
        """« INSEE, Filosofi 2019 (…) — 2019, € par an : Dijon 21 830 € ; Côte-d'Or 22 590 € » ;
        ``meme_source`` : la source vient d'être citée, on ne la répète pas."""
        valeurs = " ; ".join(f"{zone} {texte}" for zone, texte in self.valeurs)
        if meme_source:
            return f"Même source, {self.periode} : {valeurs}"
        return f"{self.source} — {self.periode}, {self.unite} : {valeurs}"


def reperes(ref: pd.DataFrame, code: str, territoire: Territoire, annees: int = 1) -> list[GroupeSource]:
    """Pour un indicateur, les valeurs du territoire et de ses comparaisons, source par source, la
    période la plus récente d'abord (``annees`` : nombre de périodes par source). Le document signé
    passe avant les données ouvertes. Liste vide si aucune source n'a de valeur pour le territoire
    ni ses comparaisons."""
    ordre_zones = [territoire.nom, *[c.nom for c in territoire.comparaisons]]
    lignes = ref[(ref["code"] == code) & ref["zone"].isin(ordre_zones) & ref["valeur"].notna()]
    groupes = []
    for origine in (CONVENTION, DONNEES_OUVERTES):
        d_origine = lignes[lignes["origine"] == origine]
        if d_origine.empty:
            continue
        cle_source = d_origine["source"] if origine == DONNEES_OUVERTES else pd.Series(
            [origine] * len(d_origine), index=d_origine.index)
        periodes = d_origine.assign(_cle=cle_source).sort_values("annee", ascending=False, na_position="last")
        vues = 0
        for periode, groupe in periodes.groupby("periode", sort=False):
            if vues >= annees:
                break
            groupe = groupe.assign(_rang=groupe["zone"].map({z: i for i, z in enumerate(ordre_zones)}))
            groupe = groupe.sort_values("_rang").drop_duplicates("zone")
            sources = list(dict.fromkeys(groupe["source"]))
            groupes.append(GroupeSource(
                source=_regrouper_sources(sources), periode=str(periode), unite=groupe["unite"].iloc[0],
                valeurs=[(z, texte(l)) for z, l in zip(groupe["zone"], groupe.to_dict("records"))],
                origine=origine, details=list(dict.fromkeys(groupe["source_detail"])),
            ))
            vues += 1
    return groupes


def _regrouper_sources(sources: list[str]) -> str:
    """« INSEE, Filosofi 2019, revenus disponibles, commune » et « …, département » deviennent
    « INSEE, Filosofi 2019, revenus disponibles (commune, département) »."""
    if len(sources) == 1:
        return sources[0]
    debuts = {s.rsplit(", ", 1)[0] for s in sources}
    if len(debuts) == 1 and all(", " in s for s in sources):
        return f"{debuts.pop()} ({', '.join(s.rsplit(', ', 1)[1] for s in sources)})"
    return " ; ".join(sources)


def valeurs_zone(ref: pd.DataFrame, code: str, zone: str) -> pd.DataFrame:
    """Toutes les valeurs d'un indicateur pour une zone, toutes sources, la plus récente d'abord."""
    return ref[(ref["code"] == code) & (ref["zone"] == zone)].sort_values("annee", ascending=False, na_position="last")


def tableau_reperes(groupes: list[GroupeSource]) -> pd.DataFrame:
    """Les repères en tableau (pour les pages et les exports) : Source, Période, Unité, Zone, Valeur."""
    lignes = [{"Source": g.source, "Période": g.periode, "Unité": g.unite, "Zone": zone, "Valeur": valeur}
              for g in groupes for zone, valeur in g.valeurs]
    return pd.DataFrame(lignes, columns=["Source", "Période", "Unité", "Zone", "Valeur"])


@dataclass
class CarteChiffre:
    """Un chiffre clé, prêt à afficher : la valeur du territoire (source la plus directe), puis tous
    les repères (comparaisons et autres sources, chacun avec période, unité et source)."""

    code: str
    titre: str
    valeur: str  # « 1 847 € », « plus de 5 800 » ; « pas de valeur » si aucune source n'en a
    unite: str  # ce qui n'est pas dans ``valeur`` (« familles »), sinon ""
    zone: str
    periode: str
    source: str
    precision_unite: str = ""  # « période non précisée par le document »…
    reperes: list[GroupeSource] = field(default_factory=list)
    historique: list[str] = field(default_factory=list)
    note: str = ""
    disponible: bool = True  # False : aucune source n'a de valeur pour le territoire (``valeur`` le dit)
    origine: str = ""  # famille de la source de ``valeur`` (CONVENTION ou DONNEES_OUVERTES)

    def comparaisons(self) -> list[GroupeSource]:
        """Les repères sans la valeur déjà affichée en grand (même source, même période, même zone) ;
        un repère qui n'a plus rien à dire est omis."""
        autres = []
        for g in self.reperes:
            if g.source == self.source or (g.periode == self.periode and (
                    self.source in g.source or (self.origine and g.origine == self.origine))):
                valeurs = [(z, t) for z, t in g.valeurs if z != self.zone]
                if valeurs:
                    autres.append(GroupeSource(g.source, g.periode, g.unite, valeurs, g.origine, g.details))
            else:
                autres.append(g)
        return autres


def _separer_unite(unite: str) -> tuple[str, str, str]:
    """(symbole collé à la valeur, unité écrite dessous, précision) : « € (période…) » -> (€, "", période…)."""
    precision = ""
    if "(" in unite:
        unite, precision = unite.split("(", 1)
        unite, precision = unite.strip(), precision.rstrip(")").strip()
    if unite.startswith(("€", "%")):
        return unite.split(" ")[0], "", (unite.split(" ", 1)[1] if " " in unite else precision)
    return "", unite, precision


def carte_chiffre(ref: pd.DataFrame, territoire: Territoire, code: str, titre: str) -> CarteChiffre:
    groupes = reperes(ref, code, territoire)
    principal = next((g for g in groupes for zone, _ in g.valeurs if zone == territoire.nom), None)
    if principal is None:
        return CarteChiffre(code, titre, "pas de valeur", "", territoire.nom, "", "aucune source disponible",
                            reperes=groupes, disponible=False)
    lignes = valeurs_zone(ref, code, territoire.nom)
    ligne = lignes[(lignes["periode"] == principal.periode) & (lignes["origine"] == principal.origine)].iloc[0]
    symbole, unite, precision = _separer_unite(ligne["unite"])
    qualificatif = ligne["qualificatif"] if isinstance(ligne["qualificatif"], str) else None
    valeur = round(float(ligne["valeur"]), 1) if symbole == "%" else ligne["valeur"]
    historique = [
        f"{texte(l)} en {l['periode']}" for l in lignes.to_dict("records")
        if l["origine"] == principal.origine and l["periode"] != principal.periode and pd.notna(l["valeur"])
    ]
    return CarteChiffre(
        code=code, titre=titre, valeur=fmt.valeur(valeur, symbole or None, qualificatif), unite=unite,
        zone=territoire.nom, periode=principal.periode, source=ligne["source"], precision_unite=precision,
        reperes=groupes, historique=historique, note=ligne["note"], origine=principal.origine,
    )


def cartes_chiffres_cles(ref: pd.DataFrame, territoire: Territoire) -> list[CarteChiffre]:
    """Les chiffres clés du territoire (liste ``chiffres_cles`` de son fichier), dans l'ordre."""
    return [carte_chiffre(ref, territoire, c.code, c.titre) for c in territoire.chiffres_cles]


def _en_phrase(titre: str) -> str:
    """« Taux de pauvreté » -> « taux de pauvreté » (un sigle en tête, « NEET », reste tel quel)."""
    premier = titre.split(" ", 1)[0]
    return titre if premier.isupper() and len(premier) > 1 else titre[:1].lower() + titre[1:]


def phrase_chiffres_absents(cartes: list[CarteChiffre], territoire: Territoire) -> str:
    """La ligne qui dit quels chiffres clés n'ont encore aucune valeur pour le territoire (aucune
    source du tableau de bord n'en donne) ; chaîne vide s'il n'en manque aucun."""
    absents = [_en_phrase(c.titre) for c in cartes if not c.disponible]
    if not absents:
        return ""
    if len(absents) == len(cartes):
        debut = f"Pas encore de chiffres pour {territoire.nom} dans le tableau de bord"
    else:
        debut = f"Pas encore de valeur pour {territoire.nom}"
    return (f"{debut} : {' ; '.join(absents)}. Ni le document signé ni les données ouvertes chargées "
            "n'en donnent pour ce territoire pour l'instant.")


def origines_du_territoire(ref: pd.DataFrame, territoire: Territoire) -> list[str]:
    """D'où viennent les chiffres du territoire lui-même, en mots : le document signé (son nom) et
    « les données ouvertes » ; liste vide si aucune source n'a encore de valeur pour lui."""
    lignes = ref[(ref["zone"] == territoire.nom) & ref["valeur"].notna()]
    origines = []
    if (lignes["origine"] == CONVENTION).any() and territoire.portrait is not None:
        origines.append(territoire.portrait.document)
    if (lignes["origine"] == DONNEES_OUVERTES).any():
        origines.append("les données ouvertes")
    return origines


def resume_zone(ref: pd.DataFrame, code: str, zone: str) -> str:
    """La dernière valeur de chaque source pour une zone, source et année dites : « 21 830 € par an en
    2019 (INSEE, Filosofi 2019, revenus disponibles, commune) ; 1 847 € en 2020 (Convention CTG
    2024-2027, Préambule — …) ». « pas de valeur dans les sources » seulement si aucune n'en a."""
    lignes = valeurs_zone(ref, code, zone).dropna(subset=["valeur"])
    morceaux = []
    for _, groupe in lignes.groupby("origine", sort=False):
        l = groupe.iloc[0]
        precision = " par an" if l["unite"] == "€ par an" else ""
        morceaux.append(f"{texte(l)}{precision} en {l['periode']} ({l['source']})")
    if morceaux:
        return " ; ".join(morceaux)
    voisin = APPARENTES.get(code)
    if voisin and not valeurs_zone(ref, voisin, zone).dropna(subset=["valeur"]).empty:
        libelle = valeurs_zone(ref, voisin, zone)["libelle"].iloc[0]
        return f"pas de valeur pour cet indicateur ; {libelle} : {resume_zone(ref, voisin, zone)}"
    return "pas de valeur dans les sources"
