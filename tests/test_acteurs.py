"""Cartographie des acteurs lisible à 70 acteurs et plus : classement, nombre d'acteurs du graphique,
libellés jamais tronqués, tableau complet et son téléchargement, page avec tous les plans."""

import json

import pandas as pd
import pytest

from ctg_data import acteurs, exports
from ctg_data.format import nombre
from ctg_data.plan import charger_plans
from tests.conftest import DONNEES, ouvrir_page
from tests.test_formats_francais import specs_vega

COLONNES_LIENS = ["acteur", "nom_dans_le_document", "role", "plan", "fiche", "fiche_titre", "axe", "source"]


def lien(acteur, role, plan, fiche):
    return {"acteur": acteur, "nom_dans_le_document": acteur, "role": role, "plan": plan, "fiche": fiche,
            "fiche_titre": f"Intitulé de {fiche}", "axe": "1. Axe", "source": "Annexe (plan.md)"}


def liens_synthetiques(n_acteurs=80, long=False) -> pd.DataFrame:
    """``n_acteurs`` acteurs : l'acteur i est partenaire de (i % 7) + 1 fiches du plan A ; quelques cas
    particuliers pour le classement."""
    lignes = []
    for i in range(n_acteurs):
        nom = f"Acteur {i:03d}" + (" du service départemental de la protection maternelle et infantile" if long else "")
        for f in range(i % 7 + 1):
            lignes.append(lien(nom, "partenaire", "Plan A", f"F{f + 1}"))
    # Même identifiant de fiche dans deux plans : deux fiches.
    lignes += [lien("Zèbre association", "partenaire", "Plan A", f"F{f}") for f in range(1, 8)]
    lignes += [lien("Zèbre association", "partenaire", "Plan B", "F1")]
    # Pilote et partenaire d'une même fiche : une seule fiche, comptée comme pilote.
    lignes += [lien("Double rôle", "pilote", "Plan A", "F1"), lien("Double rôle", "partenaire", "Plan A", "F1")]
    # Égalité de nombre de fiches : le pilote d'abord, puis l'ordre alphabétique sans les majuscules.
    lignes += [lien("bailleurs", "partenaire", "Plan B", "F2"), lien("Association", "partenaire", "Plan B", "F2"),
               lien("Zoo", "pilote", "Plan B", "F2")]
    return pd.DataFrame(lignes, columns=COLONNES_LIENS)


def test_classement_de_80_acteurs():
    liens = liens_synthetiques()
    classement = acteurs.par_acteur(liens)
    assert len(classement) == 80 + 5
    assert list(classement.columns) == ["Acteur", "Fiches", "Rôles", "Fiches concernées", "Plans"]
    assert classement["Fiches"].is_monotonic_decreasing
    par_nom = classement.set_index("Acteur")
    # « F1 » du plan A et « F1 » du plan B sont deux fiches : 8 en tout, premier du classement.
    assert classement.iloc[0]["Acteur"] == "Zèbre association" and par_nom.loc["Zèbre association", "Fiches"] == 8
    assert par_nom.loc["Zèbre association", "Plans"] == "Plan A ; Plan B"
    assert acteurs.nombre_de_fiches(liens) == 7 + 2  # F1 à F7 du plan A, F1 et F2 du plan B
    assert "F1 (Plan A) — Intitulé de F1 ; " in par_nom.loc["Zèbre association", "Fiches concernées"]
    assert par_nom.loc["Zèbre association", "Fiches concernées"].endswith("F1 (Plan B) — Intitulé de F1")
    assert par_nom.loc["Double rôle", "Fiches"] == 1 and par_nom.loc["Double rôle", "Rôles"] == "pilote de 1 fiche"
    assert par_nom.loc["Acteur 006", "Rôles"] == "partenaire de 7 fiches"
    une_fiche = list(classement.loc[classement["Fiches"] == 1, "Acteur"])
    # À égalité : les pilotes d'abord (Double rôle, Zoo), puis l'ordre alphabétique sans les majuscules.
    assert une_fiche[:2] == ["Double rôle", "Zoo"]
    assert une_fiche[2:4] == ["Acteur 000", "Acteur 007"] and une_fiche[-2:] == ["Association", "bailleurs"]


def test_un_seul_plan_sans_le_nom_du_plan_dans_les_fiches():
    classement = acteurs.par_acteur(liens_synthetiques()[lambda d: d["plan"] == "Plan A"])
    assert classement.iloc[0]["Fiches concernées"].startswith("F1 — Intitulé de F1 ; F2 — ")


def test_tableau_vide():
    assert list(acteurs.par_acteur(pd.DataFrame(columns=COLONNES_LIENS)).columns) == acteurs.COLONNES_CLASSEMENT


@pytest.mark.parametrize("long", [False, True])
def test_nombre_d_acteurs_du_graphique(long):
    classement = acteurs.par_acteur(liens_synthetiques(long=long))
    n = acteurs.nombre_affiche(classement)
    pas = acteurs.hauteur_ligne(list(classement["Acteur"].head(n)))
    assert 1 <= n <= acteurs.N_MAX and n < len(classement)
    assert pas >= acteurs.HAUTEUR_LIGNE_MIN >= 18
    assert n * pas <= acteurs.HAUTEUR_MAX
    # Un acteur de plus ne tiendrait pas (ou dépasserait le maximum d'acteurs montrés).
    plus = acteurs.hauteur_ligne(list(classement["Acteur"].head(n + 1)))
    assert n == acteurs.N_MAX or (n + 1) * plus > acteurs.HAUTEUR_MAX
    # Chaque ligne est assez haute pour toutes les lignes du nom le plus long.
    lignes = max(len(acteurs.libelle(a)) for a in classement["Acteur"].head(n))
    assert pas >= lignes * acteurs.INTERLIGNE
    if long:
        assert lignes >= 3 and n < acteurs.N_MAX


def test_graphique_sans_libelle_tronque():
    liens = liens_synthetiques(long=True)
    classement = acteurs.par_acteur(liens)
    n = acteurs.nombre_affiche(classement)
    spec = acteurs.graphique(liens, classement, n).to_dict()
    y = spec["encoding"]["y"]
    assert y["axis"]["labelLimit"] == 0
    assert y["axis"]["labelExpr"] == "split(datum.label, '\\n')"
    assert y["axis"]["labelLineHeight"] == acteurs.INTERLIGNE
    # Un nom sur plusieurs lignes est remonté pour rester centré sur sa barre.
    assert y["axis"]["labelOffset"] == {"expr": f"-(length(split(datum.value, '\\n')) - 1) * {acteurs.INTERLIGNE / 2}"}
    assert spec["height"]["step"] >= 18
    # Les libellés, dans l'ordre du classement : chaque nom entier, coupé seulement aux espaces.
    assert [l.replace("\n", " ") for l in y["sort"]] == list(classement["Acteur"].head(n))
    assert all(len(ligne) <= acteurs.LARGEUR_LIBELLE for l in y["sort"] for ligne in l.split("\n"))
    assert spec["config"]["legend"]["labelLimit"] == 0
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    assert spec["encoding"]["x"]["axis"]["format"] == "d"
    # Les barres d'un acteur font en tout son nombre de fiches.
    donnees = pd.DataFrame(next(iter(spec["datasets"].values())))
    totaux = donnees.groupby("Acteur")["Fiches"].sum()
    assert totaux.to_dict() == dict(zip(classement["Acteur"].head(n), classement["Fiches"].head(n)))


def test_un_mot_plus_long_que_la_ligne_reste_entier():
    mot = "Anticonstitutionnellement-départemental"
    assert acteurs.libelle(f"Service {mot} de Dijon") == ["Service", mot, "de Dijon"]


def test_phrase_du_graphique():
    assert acteurs.phrase_graphique(14, 135) == (
        "Les 14 acteurs les plus impliqués (sur 135) ; la liste complète est dans le tableau.")
    assert acteurs.phrase_graphique(11, 11).startswith("Tous les acteurs des fiches choisies")
    assert acteurs.phrase_graphique(1, 1).startswith("Le seul acteur")
    assert acteurs.phrase_graphique(1, 1500) == (
        "L'acteur le plus impliqué (sur 1\u00a0500) ; la liste complète est dans le tableau.")


def test_telechargement_du_tableau_complet():
    classement = acteurs.par_acteur(liens_synthetiques())
    contenu = exports.en_csv(classement)
    assert contenu.startswith("\ufeff".encode("utf-8"))
    relu = pd.read_csv(pd.io.common.BytesIO(contenu), sep=";", encoding="utf-8-sig")
    assert list(relu.columns) == acteurs.COLONNES_CLASSEMENT and len(relu) == len(classement)
    assert list(relu["Acteur"]) == list(classement["Acteur"])


def tous_les_plans():
    plans, _ = charger_plans()
    table = pd.read_csv(DONNEES / "acteurs_normalisation.csv", dtype=str).fillna("")
    liens = acteurs.liens(list(plans.values()), table)
    return plans, liens, acteurs.par_acteur(liens)


def test_page_avec_tous_les_plans():
    plans, liens, classement = tous_les_plans()
    assert len(classement) >= 70
    at = ouvrir_page("acteurs")
    at.multiselect(key="acteurs_plans").set_value(list(plans)).run()
    assert not at.exception
    tableau = at.dataframe[0]
    assert list(tableau.value["Acteur"]) == list(classement["Acteur"])
    # Les deux colonnes clés, épinglées, tiennent ensemble dans un téléphone (358 pixels de contenu).
    colonnes = json.loads(tableau.proto.columns)
    assert colonnes["Acteur"]["pinned"] and colonnes["Fiches"]["pinned"]
    assert colonnes["Acteur"]["width"] + colonnes["Fiches"]["width"] <= 358 - 20
    assert tableau.proto.row_height > 64  # au-delà de 64 pixels, le texte passe à la ligne
    n = acteurs.nombre_affiche(classement)
    assert n < len(classement)
    (spec,) = specs_vega(at)
    assert spec["encoding"]["y"]["axis"]["labelLimit"] == 0
    assert [l.replace("\n", " ") for l in spec["encoding"]["y"]["sort"]] == list(classement["Acteur"].head(n))
    textes = [m.value for m in at.markdown]
    assert f"Les {n} acteurs les plus impliqués (sur {len(classement)}) ; la liste complète est dans le tableau." in textes
    assert f"**{len(classement)}** acteurs nommés dans **{nombre(acteurs.nombre_de_fiches(liens))}** fiches." in textes


def test_telechargements_sans_jargon():
    """Les deux fichiers offerts (classement et liens) de tous les plans, relus comme un tableur les lit :
    pas de nom de fichier ni de code de colonne hors de la colonne « Détail de la source »."""
    from tests.test_langage_clair import problemes, textes_csv

    _, liens, classement = tous_les_plans()
    lisibles = acteurs.liens_lisibles(liens)
    assert list(lisibles.columns) == ["Acteur", "Nom dans le document", "Rôle", "Plan", "Fiche", "Intitulé", "Axe",
                                      "Source", acteurs.DETAIL_SOURCE]
    assert lisibles["Source"].str.len().gt(0).all()
    for tableau in (classement, lisibles):
        assert not problemes(textes_csv(exports.en_csv(tableau)))
