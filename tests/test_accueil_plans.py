"""Une page d'accueil pour chaque plan (ticket 13, point 5), exécutée par AppTest.

Pour chaque plan livré dans data/plans : le titre nomme le territoire, la page dit sa nature et les
dates du plan, l'avancement du plan a ses nombres (axes, fiches, indicateurs) et le graphique des statuts
par axe ; la colonne de gauche donne le nom complet du plan (jamais coupé) et ses sources en mots, et
n'offre un choix de quartier que si le territoire a des quartiers. Les chiffres clés absents pour un
territoire sont nommés en une ligne, jamais inventés."""

from __future__ import annotations

import pytest

from ctg_data import chiffres
from ctg_data.catalogue import charger
from ctg_data.plan import charger_plans
from ctg_data.territoire import charger_territoires
from tests.conftest import ouvrir_page, textes_affiches

GEVREY = "ctg-gevrey-nuits-2023-2026"
PLANS, _ = charger_plans()
TERRITOIRES, _ = charger_territoires()


def sans_echappement(texte: str) -> str:
    """Le texte tel qu'il s'affiche (les pages échappent les signes Markdown des données)."""
    return texte.replace("\\", "")


def elements(at, type_: str) -> list:
    """Les éléments d'un type dans la page (AppTest n'a pas d'accesseur pour les graphiques Vega-Lite)."""
    trouves = []

    def parcourir(noeud):
        if getattr(noeud, "type", None) == type_:
            trouves.append(noeud)
        for enfant in getattr(noeud, "children", {}).values():
            parcourir(enfant)

    parcourir(at.main)
    return trouves


@pytest.mark.parametrize("id_plan", sorted(PLANS))
def test_accueil_de_chaque_plan(id_plan):
    plan = PLANS[id_plan]
    territoire = TERRITOIRES[plan.territoire]
    at = ouvrir_page(plan=id_plan)
    assert not at.error, [e.value for e in at.error]  # app.py change une erreur de la page en message
    titre = sans_echappement(at.title[0].value)
    assert territoire.nom_complet in titre
    contenu = sans_echappement(textes_affiches(at))
    # Le territoire : son nom et sa nature, en mots.
    assert f"Territoire : {territoire.nom_complet} — {territoire.nature_lisible}" in contenu
    # Les dates du plan : celles du document, ou ce qu'il en dit.
    premiere, derniere = plan.annees()
    if premiere is not None and derniere is not None:
        assert plan.periode_lisible() in contenu
    else:
        assert "période non datée par le document" in contenu
    # L'avancement : nombres et graphique des statuts (un plan sans indicateur le dit).
    nombres = {m.label: m.value for m in at.metric}
    assert nombres["Axes"] == str(len(plan.axes))
    assert nombres["Fiches projet"] == str(len(plan.fiches))
    assert nombres["Indicateurs"] == str(len(plan.indicateurs()))
    if len(plan.indicateurs()):
        assert len(elements(at, "vega_lite_chart")) == 1
    else:
        assert "Ce plan n'a pas d'indicateur" in contenu
    for axe in plan.axes:
        assert f"{axe.numero}. {axe.titre}" in contenu
    # Colonne de gauche : nom complet du plan, sources en mots.
    gauche = [sans_echappement(c.value) for c in at.sidebar.caption]
    assert " ".join(plan.titre.split()) in gauche
    assert any(c.startswith("Sources : le document signé du plan") for c in gauche)
    assert any(e.label == "Parties du document citées" for e in at.sidebar.expander)
    # Un choix de quartier seulement pour un territoire qui a des quartiers.
    choix = [s.label for s in at.sidebar.selectbox]
    if territoire.sous_zones is None:
        # Une intercommunalité qui a ses données dérivées offre le choix d'une de ses communes.
        assert choix == (["Plan suivi", "Commune"] if territoire.donnees else ["Plan suivi"])
        assert "Tout Dijon" not in contenu + " ".join(gauche)
    else:
        assert choix == ["Plan suivi", territoire.sous_zones.singulier.capitalize()]


def test_accueil_gevrey_nuits():
    at = ouvrir_page(plan=GEVREY)
    assert sans_echappement(at.title[0].value) == (
        "Convention Territoriale Globale — Communauté de communes de Gevrey-Chambertin et de Nuits-Saint-Georges")
    contenu = sans_echappement(textes_affiches(at))
    assert "**CTG Gevrey-Nuits 2023-2026** · 2023-2026" in contenu
    assert "intercommunalité (EPCI), SIREN 200070894" in contenu
    assert "Dates : Le document ne donne que des années" in contenu
    nombres = {m.label: m.value for m in at.metric}
    assert {k: nombres[k] for k in ("Axes", "Fiches projet", "Indicateurs", "Indicateurs renseignés")} == {
        "Axes": "4", "Fiches projet": "20", "Indicateurs": "78", "Indicateurs renseignés": "0"}
    # Ses chiffres viennent de ses données dérivées (data/territoires/donnees/) : ceux qui manquent (ni
    # population ni taux de pauvreté dans ces fichiers) sont nommés en une ligne, sans carte « pas de valeur ».
    (absents,) = [i.value for i in at.info if "Pas encore de valeur" in i.value]
    assert sans_echappement(absents).startswith(
        "Pas encore de valeur pour CC de Gevrey-Chambertin et de Nuits-Saint-Georges : habitants ; taux de pauvreté.")
    assert not [i for i in at.info if "Pas encore de chiffres" in i.value]
    assert "pas de valeur" not in [m.value for m in at.metric]
    assert len([m for m in at.metric if m.label not in ("Axes", "Fiches projet", "Indicateurs",
                                                        "Indicateurs renseignés")]) == 4
    # Colonne de gauche : plus de Dijon.
    gauche = " ".join(sans_echappement(c.value) for c in at.sidebar.caption)
    assert "Annexe 3 – Plan d'actions 2023/2026 – Moyens mobilisés par chaque signataire" in gauche
    assert "chiffres de CC de Gevrey-Chambertin et de Nuits-Saint-Georges : les données ouvertes" in gauche
    assert "Dijon" not in gauche
    assert at.selectbox(key="_widget_plan").value == GEVREY


def test_changer_de_plan_dans_la_colonne_de_gauche():
    """De Dijon à Gevrey-Nuits par le menu : le choix de quartier devient celui d'une commune, le titre
    complet change."""
    at = ouvrir_page(quartier="gresilles")
    assert [s.label for s in at.sidebar.selectbox] == ["Plan suivi", "Quartier"]
    at.sidebar.selectbox(key="_widget_plan").select(GEVREY).run()
    assert not at.exception
    assert [s.label for s in at.sidebar.selectbox] == ["Plan suivi", "Commune"]
    assert "Gevrey" in at.title[0].value
    gauche = " ".join(sans_echappement(c.value) for c in at.sidebar.caption)
    assert "Tout Dijon" not in gauche and "Dijon" not in gauche
    assert at.query_params["plan"] == GEVREY and "quartier" not in at.query_params


def test_accueil_dijon_garde_ses_chiffres_et_ses_equipements():
    at = ouvrir_page()
    assert at.metric[0].value == "159\u00a0106"
    contenu = textes_affiches(at)
    assert "57 équipements et services." in contenu
    assert "Pas encore de" not in contenu  # tous les chiffres clés de Dijon ont une valeur
    nombres = {m.label: m.value for m in at.metric}
    assert nombres["Axes"] == "4" and nombres["Fiches projet"] == "15" and nombres["Indicateurs"] == "55"
    assert len(elements(at, "vega_lite_chart")) == 1
    gauche = " ".join(sans_echappement(c.value) for c in at.sidebar.caption)
    assert "chiffres de Dijon : Convention CTG 2024-2027 et les données ouvertes" in gauche


def test_chiffres_absents_nommes_jamais_inventes():
    """Dijon Métropole : les données ouvertes donnent quatre de ses six chiffres clés ; les deux autres
    sont nommés en une ligne, sans carte « pas de valeur »."""
    territoire = TERRITOIRES["dijon-metropole"]
    ref = chiffres.reference(territoire, None, charger("social"), charger("social_indicateurs"))
    cartes = chiffres.cartes_chiffres_cles(ref, territoire)
    assert [c.code for c in cartes if not c.disponible] == ["population", "taux_pauvrete"]
    assert all(c.valeur == "pas de valeur" for c in cartes if not c.disponible)
    phrase = chiffres.phrase_chiffres_absents(cartes, territoire)
    assert phrase.startswith("Pas encore de valeur pour Dijon Métropole : habitants ; taux de pauvreté.")
    assert chiffres.origines_du_territoire(ref, territoire) == ["les données ouvertes"]
    # Sans ses données dérivées, data/social.csv n'a aucune valeur pour la communauté de communes ; avec
    # elles (clé « donnees » de son fichier), ses chiffres viennent des données ouvertes.
    gevrey = TERRITOIRES["gevrey-nuits"]
    ref_gevrey = chiffres.reference(gevrey, None, charger("social"), charger("social_indicateurs"))
    assert chiffres.origines_du_territoire(ref_gevrey, gevrey) == []
    assert ref_gevrey[ref_gevrey["zone"] == gevrey.nom]["valeur"].notna().sum() == 0
    ref_pack = chiffres.reference_du_territoire(gevrey)
    assert chiffres.origines_du_territoire(ref_pack, gevrey) == ["les données ouvertes"]
