"""Caches des pages du plan (``pages/ui/cache_plan.py``) : une valeur saisie par un éditeur apparaît dès
l'exécution suivante de la même session (la clé contient l'empreinte du magasin), un changement de
quartier dans la session donne la synthèse du quartier, et chaque appel rend sa propre copie."""

import pytest

from ctg_data.plan import charger_plans
from ctg_data.territoire import charger_territoires
from tests.conftest import ouvrir_page, textes_affiches

PLAN = "ctg-dijon-2024-2027"


def saisir(magasin, editeur, indicateur, valeur, zone="Dijon", periode="2025", version_vue=0):
    return magasin.enregistrer_valeur(editeur, PLAN, indicateur, zone, periode, valeur=valeur,
                                      source="Tableau de suivi du service", version_vue=version_vue)


def vega(at) -> list:
    """Les graphiques Vega-Lite de la page (AppTest n'a pas d'accesseur pour eux)."""
    trouves = []

    def parcourir(noeud):
        if getattr(noeud, "type", None) == "vega_lite_chart":
            trouves.append(noeud)
        for enfant in getattr(noeud, "children", {}).values():
            parcourir(enfant)

    parcourir(at.main)
    return trouves


def en_cours_jeunesse(at) -> int:
    return int(at.dataframe[0].value.set_index("Axe").loc["3. Jeunesse", "en cours"])


def test_valeur_saisie_visible_a_l_execution_suivante(magasin, editeur):
    """La page est ouverte (synthèse en cache), un éditeur enregistre une valeur ailleurs : la même session,
    réexécutée, la montre (synthèse, détail de la fiche, historique), sans attendre ni recharger."""
    at = ouvrir_page("plan")
    at.selectbox(key="plan_fiche").select("JE1").run()
    assert en_cours_jeunesse(at) == 0
    assert "Aucune saisie pour cet indicateur." in textes_affiches(at) and len(vega(at)) == 1
    saisir(magasin, editeur, "JE1-I1", 42)
    at.run()
    assert not at.exception
    assert en_cours_jeunesse(at) == 1
    premier = at.dataframe[1].value.iloc[0]
    assert (premier["Statut"], premier["Dernière valeur"]) == ("en cours", "42")
    assert list(at.dataframe[-1].value["Saisie par"]) == ["agent1"]  # historique de l'indicateur
    # Deux graphiques : les statuts par axe, et les valeurs de l'indicateur (avec son tableau).
    assert len(vega(at)) == 2 and "Le graphique en tableau" in [e.label for e in at.expander]
    # Une nouvelle version, encore visible tout de suite.
    saisir(magasin, editeur, "JE1-I1", 50, version_vue=1)
    at.run()
    assert at.dataframe[1].value.iloc[0]["Dernière valeur"] == "50"


def test_accueil_et_recapitulatif_suivent_les_saisies(magasin, editeur):
    accueil = ouvrir_page("accueil")
    avant = {m.label: m.value for m in accueil.metric}["Indicateurs renseignés"]
    assert avant == "0"
    recap = ouvrir_page("recapitulatif")
    recap.selectbox(key="recap_annee").select(2025).run()
    je1 = recap.dataframe[1].value.query("Fiche.str.startswith('JE1')").iloc[0]
    assert je1["Valeur"] == "non renseignée"
    saisir(magasin, editeur, "JE1-I1", 42)
    accueil.run()
    assert {m.label: m.value for m in accueil.metric}["Indicateurs renseignés"] == "1"
    recap.run()
    je1 = recap.dataframe[1].value.query("Fiche.str.startswith('JE1')").iloc[0]
    assert (je1["Valeur"], je1["Statut"]) == ("42", "en cours")


def test_changement_de_quartier_dans_la_session(magasin, editeur):
    """Changer de quartier dans la colonne de gauche (même session) donne la synthèse de ce quartier."""
    saisir(magasin, editeur, "JE1-I1", 5, zone="Grésilles")
    at = ouvrir_page("plan", quartier="gresilles")
    assert en_cours_jeunesse(at) == 1
    (choix,) = [s for s in at.sidebar.selectbox if s.label == "Quartier"]
    autre = next(o for o in choix.options if "Montchapet" in o)
    choix.select(autre).run()
    assert not at.exception
    assert en_cours_jeunesse(at) == 0
    assert "Montchapet" in textes_affiches(at)


def test_arbre_du_plan_complet():
    """Les textes de l'arbre (axes, fiches, indicateurs) partent en moins d'éléments, sans rien perdre : une
    ligne par indicateur du plan, une fiche sans indicateur avec sa raison."""
    at = ouvrir_page("plan")
    texte = textes_affiches(at)
    plan = charger_plans()[0][PLAN]
    assert texte.count("&nbsp;&nbsp;&nbsp;") == len(plan.indicateurs())
    for fiche in plan.fiches:
        assert f"{fiche.id} — " in texte.replace("\\", "")
    assert texte.count(":gray-badge[sans indicateur]") == sum(1 for f in plan.fiches if not f.indicateurs)


def test_chaque_appel_rend_sa_copie():
    """Modifier la synthèse rendue par le cache ne change pas celle de l'appel suivant (autre session)."""
    from pages.ui import cache_plan

    plan = charger_plans()[0][PLAN]
    territoire = charger_territoires()[0][plan.territoire]
    premiere = cache_plan.vue_plan(plan, territoire, avec_tableau=True)
    premiere.resume.statuts["statut"] = "modifié"
    premiere.resume.synthese_axes.loc[:, "Indicateurs"] = -1
    premiere.graphique.clear()
    tableau = premiere.tableau_fiche("JE1")
    tableau["Statut"] = "modifié"
    # Le reste de la synthèse partagée est en lecture seule : classes figées, tuples.
    axe = premiere.resume.axes[0]
    with pytest.raises((AttributeError, TypeError)):
        premiere.resume.axes.append(axe)
    with pytest.raises((AttributeError, TypeError)):
        axe.fiches[0].indicateurs.append(None)
    with pytest.raises(AttributeError):
        axe.statut = "modifié"
    seconde = cache_plan.vue_plan(plan, territoire, avec_tableau=True)
    assert "modifié" not in set(seconde.resume.statuts["statut"]) and (seconde.resume.synthese_axes["Indicateurs"] > 0).all()
    assert seconde.graphique and seconde.hauteur_graphique > 0
    assert "modifié" not in set(seconde.tableau_fiche("JE1")["Statut"])
