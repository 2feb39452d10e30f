"""Passage des IRIS aux quartiers, sans erreur statistique.

Règles, selon la colonne ``agregation`` du dictionnaire (``data/social_indicateurs.csv``) :

- « somme » (effectifs) : somme des IRIS du quartier, seulement si les IRIS sans valeur ne comptent
  (presque) aucun habitant — sinon pas de valeur, car la somme sous-estimerait l'effectif ;
- « ratio » (part, taux) : recalculé comme somme des numérateurs / somme des dénominateurs, sur les
  IRIS où les deux sont connus ;
- « ponderee_population » (taux dont on n'a pas le numérateur, comme le taux de pauvreté Filosofi) :
  moyenne des taux des IRIS pondérée par leur population (recensement 2016), faute de mieux — c'est
  dit dans la note de chaque valeur ;
- « non_agregeable » (médianes, déciles, parts de revenu) : jamais de moyenne. Le quartier n'a pas
  de valeur ; la note donne l'étendue des valeurs de ses IRIS.

Un IRIS sans valeur (secret statistique…) n'est jamais compté comme 0 : la note de la valeur du
quartier dit combien de ses IRIS (et quelle part de sa population) elle couvre.
"""

from __future__ import annotations

import pandas as pd

from . import format as fmt

POPULATION = "population_totale_2016"
CALCULEE, PARTIELLE, NON_AGREGEABLE, SANS_VALEUR, INCOMPLETE = (
    "calculée", "calculée (couverture partielle)", "non agrégeable", "aucune valeur (IRIS non publiés)",
    "non calculée (IRIS manquants)",
)
# Une somme n'a de sens que si (presque) toute la population du quartier est couverte : sinon elle
# sous-estimerait l'effectif. Un taux, lui, reste le taux de la partie couverte (la note le dit).
COUVERTURE_MINIMALE_SOMME = 0.99
REGLES = {
    "somme": "somme des valeurs des IRIS du quartier",
    "ratio": "somme des numérateurs / somme des dénominateurs des IRIS du quartier",
    "ponderee_population": "moyenne des taux des IRIS pondérée par leur population (recensement 2016)",
    "non_agregeable": "pas de valeur pour le quartier : on ne fait jamais la moyenne de médianes, de déciles ou de parts de revenu",
}


def _valeurs(social: pd.DataFrame, indicateur: str, annee: int | None = None) -> pd.Series:
    """Valeurs IRIS publiées d'un indicateur (index : code IRIS)."""
    lignes = social[(social["type_zone"] == "IRIS") & (social["indicateur"] == indicateur)]
    if annee is not None:
        lignes = lignes[lignes["annee"] == annee]
    return lignes.set_index("code_zone")["valeur"].dropna()


def agreger_quartiers(social: pd.DataFrame, dictionnaire: pd.DataFrame, rattachement: pd.DataFrame,
                      quartiers: pd.DataFrame) -> pd.DataFrame:
    """Les lignes « quartier » de chaque (indicateur, année) disponible par IRIS, avec la méthode et
    la couverture dans la note."""
    regles = dictionnaire.set_index("code")
    population = _valeurs(social, POPULATION)
    iris_par_quartier = rattachement.groupby("quartier")["code_iris"].apply(list).to_dict()
    ids = dict(zip(quartiers["nom"], quartiers["id"]))
    lignes = []
    combinaisons = social[social["type_zone"] == "IRIS"][["indicateur", "annee"]].drop_duplicates()
    cibles = [(code, annee) for code, annee in combinaisons.itertuples(index=False)]
    # Indicateurs calculés (ratio) sans valeurs IRIS propres : on les ajoute pour chaque année de leur numérateur.
    for code, regle in regles.iterrows():
        if regle["agregation"] == "ratio" and code not in set(combinaisons["indicateur"]):
            cibles += [(code, a) for a in combinaisons.loc[combinaisons["indicateur"] == regle["numerateur"], "annee"]]
    for code, annee in sorted(set(cibles)):
        if code not in regles.index:
            continue
        regle = regles.loc[code]
        source_iris = social[(social["indicateur"] == (regle["numerateur"] if regle["agregation"] == "ratio" else code))
                             & (social["annee"] == annee) & (social["type_zone"] == "IRIS")]["source"]
        source = "Calcul du tableau de bord à partir de : " + (source_iris.iloc[0] if not source_iris.empty else regle["source"])
        detail = "regroupement par quartier des valeurs par IRIS : " + _details(social, code, annee, regle)
        for quartier, codes_iris in sorted(iris_par_quartier.items()):
            valeur, statut, note = calculer(code, annee, regle, social, codes_iris, population)
            lignes.append({
                "indicateur": code, "type_zone": "quartier", "code_zone": ids.get(quartier, quartier),
                "nom_zone": quartier, "annee": int(annee), "valeur": valeur, "unite": regle["unite"],
                "statut": statut, "source": source, "note": note, "source_detail": detail,
            })
    return pd.DataFrame(lignes, columns=list(social.columns))


def _details(social: pd.DataFrame, code: str, annee: int, regle: pd.Series) -> str:
    """Fichiers et colonnes des valeurs IRIS utilisées (colonne ``source_detail`` des lignes IRIS)."""
    if "source_detail" not in social.columns:
        return regle["source"]
    utilises = {"ratio": [(regle["numerateur"], annee), (regle["denominateur"], annee)],
                "ponderee_population": [(code, annee), (POPULATION, None)]}.get(regle["agregation"], [(code, annee)])
    details = []
    for indicateur, a in utilises:
        lignes = social[(social["type_zone"] == "IRIS") & (social["indicateur"] == indicateur)]
        lignes = lignes if a is None else lignes[lignes["annee"] == a]
        details += list(lignes["source_detail"].drop_duplicates())
    return " ; ".join(details) or regle["source"]


def couverture(codes_iris: list[str], connus: list[str], population: pd.Series) -> str:
    pop_tout = population.reindex(codes_iris).sum()
    pop_connus = population.reindex(connus).sum()
    part = f" ({fmt.nombre(100 * pop_connus / pop_tout, 0)} % de sa population en 2016)" if pop_tout > 0 else ""
    return f"couvre {len(connus)} IRIS sur {len(codes_iris)}{part}"


def calculer(code: str, annee: int, regle: pd.Series, social: pd.DataFrame, codes_iris: list[str],
             population: pd.Series) -> tuple[float | None, str, str]:
    """(valeur, statut, note) d'un indicateur pour un quartier."""
    agregation = regle["agregation"]
    methode = REGLES[agregation]
    if agregation == "non_agregeable":
        valeurs = _valeurs(social, code, annee).reindex(codes_iris).dropna()
        if valeurs.empty:
            return None, NON_AGREGEABLE, f"{methode}. Aucun IRIS du quartier n'a de valeur publiée."
        etendue = f"de {fmt.valeur(valeurs.min(), regle['unite'])} à {fmt.valeur(valeurs.max(), regle['unite'])}"
        return None, NON_AGREGEABLE, f"{methode}. Valeurs de ses IRIS : {etendue} ({len(valeurs)} IRIS sur {len(codes_iris)})."
    if agregation == "somme":
        valeurs = _valeurs(social, code, annee).reindex(codes_iris).dropna()
        connus = list(valeurs.index)
        total = float(valeurs.sum()) if connus else None
    elif agregation == "ratio":
        num = _valeurs(social, regle["numerateur"], annee).reindex(codes_iris)
        den = _valeurs(social, regle["denominateur"], annee).reindex(codes_iris)
        ok = num.notna() & den.notna() & (den > 0)
        connus = list(num.index[ok])
        total = float(100 * num[ok].sum() / den[ok].sum()) if connus else None
    else:  # ponderee_population
        taux = _valeurs(social, code, annee).reindex(codes_iris)
        poids = population.reindex(codes_iris)
        ok = taux.notna() & poids.notna() & (poids > 0)
        connus = list(taux.index[ok])
        total = float((taux[ok] * poids[ok]).sum() / poids[ok].sum()) if connus else None
    if total is None:
        return None, SANS_VALEUR, f"{methode}. Aucun IRIS du quartier n'a de valeur publiée (secret statistique ou seuil de diffusion)."
    statut = CALCULEE if len(connus) == len(codes_iris) else PARTIELLE
    if agregation == "somme" and len(connus) < len(codes_iris):
        pop_tout = population.reindex(codes_iris).sum()
        if pop_tout > 0 and population.reindex(connus).sum() / pop_tout < COUVERTURE_MINIMALE_SOMME:
            return None, INCOMPLETE, (
                f"{methode} : impossible sans sous-estimer, car des IRIS habités n'ont pas de valeur publiée ; "
                f"{couverture(codes_iris, connus, population)}.")
    return total, statut, f"{methode} ; {couverture(codes_iris, connus, population)}."
