"""Le portrait d'un quartier, sur une page : équipements, indicateurs sociaux face à Dijon, QPV, Cité
éducative, fiches de la CTG. Données prêtes à afficher, et version PDF A4 à imprimer."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from . import format as fmt
from . import pdf

# Indicateurs du portrait, dans l'ordre d'affichage.
INDICATEURS_CLES = [
    "taux_pauvrete", "niveau_vie_median", "niveau_vie_d1", "part_prestations_sociales",
    "allocataires", "allocataires_monoparents", "allocataires_rsa_socle",
    "part_personnes_familles_monoparentales", "population_totale_2016", "population_0_14",
]
COMPARAISONS = ["commune", "EPCI", "département", "France métropolitaine"]


def derniere_annee(lignes: pd.DataFrame) -> int | None:
    avec = lignes.dropna(subset=["valeur"])
    if not avec.empty:
        return int(avec["annee"].max())
    return int(lignes["annee"].max()) if not lignes.empty else None


# Statut d'une valeur agrégée (ctg_data.agregation) dit au lecteur, quand la valeur manque.
STATUTS_LISIBLES = {
    "non agrégeable": "ne se calcule pas pour un quartier à partir de ses IRIS",
    "aucune valeur (IRIS non publiés)": "l'INSEE ne publie pas ces IRIS",
    "non calculée (IRIS manquants)": "des IRIS du quartier manquent",
}


def texte(ligne: pd.Series | None, unite: str) -> str:
    if ligne is None:
        return "–"
    if pd.isna(ligne["valeur"]):
        return f"non disponible ({STATUTS_LISIBLES.get(ligne['statut'], ligne['statut'])})"
    valeur = float(ligne["valeur"])
    if unite == "%":
        valeur = round(valeur, 1)
    elif unite in ("personnes", "allocataires"):
        valeur = round(valeur)  # effectifs pondérés de l'INSEE : affichés à l'unité
    return fmt.valeur(valeur, unite)


def indicateurs_cles(social: pd.DataFrame, dictionnaire: pd.DataFrame, id_quartier: str, ref: pd.DataFrame,
                     territoire: str) -> pd.DataFrame:
    """Pour chaque indicateur clé : dernière année disponible pour le quartier, valeur du quartier, puis
    les valeurs du territoire entier (``territoire`` : son nom) dans chaque source qui en donne une, avec
    leur année et leur source (``ctg_data.chiffres.resume_zone``), règle de calcul, source."""
    from .chiffres import resume_zone

    dico = dictionnaire.set_index("code")
    lignes = []
    for code in INDICATEURS_CLES:
        if code not in dico.index:
            continue
        du_quartier = social[(social["indicateur"] == code) & (social["type_zone"] == "quartier") & (social["code_zone"] == id_quartier)]
        annee = derniere_annee(du_quartier)
        if annee is None:
            continue
        q = du_quartier[du_quartier["annee"] == annee].iloc[0]
        unite = dico.loc[code, "unite"]
        lignes.append({
            "Indicateur": dico.loc[code, "libelle"], "Année": annee, "Quartier": texte(q, unite),
            territoire: resume_zone(ref, code, territoire),
            "Calcul": q["note"] if isinstance(q["note"], str) else "", "Source": q["source"],
        })
    return pd.DataFrame(lignes, columns=["Indicateur", "Année", "Quartier", territoire, "Calcul", "Source"])


def valeurs_sans_source(ref: pd.DataFrame, code: str, zone: str) -> str:
    """Les valeurs de ``chiffres.resume_zone`` sans leurs sources, pour une colonne étroite : « 16 % en
    2020 ; 15,9 % en 2019 ». Les sources restent dans la colonne de ``resume_zone`` (même ordre)."""
    from .chiffres import APPARENTES, texte as texte_chiffre, valeurs_zone

    lignes = valeurs_zone(ref, code, zone).dropna(subset=["valeur"])
    morceaux = [f"{texte_chiffre(l)}{' par an' if l['unite'] == '€ par an' else ''} en {l['periode']}"
                for l in (g.iloc[0] for _, g in lignes.groupby("origine", sort=False))]
    if morceaux:
        return " ; ".join(morceaux)
    voisin = APPARENTES.get(code)
    if voisin and not valeurs_zone(ref, voisin, zone).dropna(subset=["valeur"]).empty:
        return f"{valeurs_zone(ref, voisin, zone)['libelle'].iloc[0]} : {valeurs_sans_source(ref, voisin, zone)}"
    return "pas de valeur"


def colonne_courte(territoire: str) -> str:
    """Nom de la colonne des valeurs du territoire sans leurs sources (``indicateurs_cles_ecran``)."""
    return f"{territoire} (valeurs)"


def indicateurs_cles_ecran(social: pd.DataFrame, dictionnaire: pd.DataFrame, id_quartier: str, ref: pd.DataFrame,
                           territoire: str) -> pd.DataFrame:
    """``indicateurs_cles`` et, en plus, la colonne ``colonne_courte(territoire)`` : les valeurs du
    territoire sans leurs sources, à montrer juste après celle du quartier sur un écran étroit (les
    sources restent dans la colonne ``territoire``)."""
    cles = indicateurs_cles(social, dictionnaire, id_quartier, ref, territoire)
    codes = dictionnaire.set_index("libelle")["code"]
    cles[colonne_courte(territoire)] = [valeurs_sans_source(ref, codes[i], territoire) for i in cles["Indicateur"]]
    return cles


def pauvrete_quartier_et_qpv(social: pd.DataFrame, id_quartier: str, nom_qpv: str | None,
                             nom_quartier: str | None = None) -> list[str]:
    """Le taux de pauvreté du quartier (ses IRIS regroupés) et, s'il en contient un, celui du quartier
    prioritaire (son périmètre propre, plus restreint), chacun avec son année et ce qu'il couvre : deux
    chiffres différents qui ne doivent jamais apparaître l'un sans l'autre sans explication.
    ``nom_quartier`` : à donner quand la phrase ne se lit pas sous le titre du quartier.

    Le QPV est retrouvé par son nom (sans tenir compte de la casse) : ses codes ont changé entre les
    générations de QPV (2015, 2024)."""
    lignes = []
    quel = f", {nom_quartier} (quartier entier)," if nom_quartier else " du quartier entier"
    du_q = social[(social["indicateur"] == "taux_pauvrete") & (social["type_zone"] == "quartier")
                  & (social["code_zone"] == id_quartier)].dropna(subset=["valeur"])
    if not du_q.empty:
        d = du_q.sort_values("annee").iloc[-1]
        lignes.append(f"Taux de pauvreté{quel} en {int(d['annee'])} : {texte(d, '%')} "
                      "(ses IRIS regroupés, moyenne pondérée par la population ; INSEE, Filosofi)")
    if nom_qpv:
        qpv = social[(social["indicateur"] == "taux_pauvrete") & (social["type_zone"] == "QPV")
                     & (social["nom_zone"].str.casefold() == nom_qpv.casefold())].dropna(subset=["valeur"])
        if not qpv.empty:
            d = qpv.sort_values("annee").iloc[-1]
            lignes.append(f"Taux de pauvreté du quartier prioritaire {nom_qpv} en {int(d['annee'])} : {texte(d, '%')} "
                          f"(périmètre du QPV seul, plus restreint que le quartier ; {d['source']})")
    return lignes


def indicateurs_qpv(social: pd.DataFrame, dictionnaire: pd.DataFrame, nom_qpv: str) -> pd.DataFrame:
    """Dernières valeurs Filosofi/ANCT du QPV (géographie 2015, nom comme dans les fichiers)."""
    dico = dictionnaire.set_index("code")
    qpv = social[(social["type_zone"] == "QPV") & (social["nom_zone"].str.lower().str.contains(nom_qpv.lower().replace("les ", "")))]
    lignes = []
    for code, groupe in qpv.groupby("indicateur", sort=False):
        annee = derniere_annee(groupe)
        l = groupe[groupe["annee"] == annee].iloc[0]
        lignes.append({"Indicateur": dico.loc[code, "libelle"] if code in dico.index else code, "Année": annee,
                       "QPV": texte(l, l["unite"]), "Source": l["source"]})
    return pd.DataFrame(lignes, columns=["Indicateur", "Année", "QPV", "Source"])


def en_pdf(titre: str, sections: list[tuple[str, str | pd.DataFrame]], sources: list[str],
           edite_le: dt.date | None = None) -> bytes:
    """PDF A4 portrait : titre, puis sections (texte ou tableau), sources, date et pagination
    (gabarit, styles et polices communs : ``ctg_data.pdf``)."""
    page = pdf.MiseEnPage(titre, edite_le=edite_le, source="tableau de bord de la CTG ; détail des sources en fin de document")
    st = pdf.styles()
    elements = [pdf.paragraphe(titre, st.titre),
                pdf.paragraphe(f"Édité le {page.date:%d/%m/%Y} à partir du tableau de bord de la CTG.", st.petit)]
    for intitule, contenu in sections:
        elements.append(pdf.paragraphe(intitule, st.intertitre))
        if isinstance(contenu, pd.DataFrame):
            if contenu.empty:
                elements.append(pdf.paragraphe("Aucune donnée.", st.petit))
                continue
            colonnes = list(contenu.columns)
            poids = [3 if c in ("Calcul", "Source", "Indicateur", "Nom") else 1.4 for c in colonnes]
            largeurs = [page.largeur * w / sum(poids) for w in poids]
            elements.append(pdf.tableau(colonnes, contenu.astype(object).itertuples(index=False), largeurs,
                                        style_cellule=st.petit))
        else:
            elements.append(pdf.paragraphe(contenu, st.texte))
    elements += [Spacer(1, 4 * mm), pdf.paragraphe("Sources : " + " ; ".join(sources), st.petit)]
    return page.produire(elements)
