"""Dans un vrai navigateur : l'accueil de chaque plan tient dans l'écran d'un ordinateur portable
(1366×768) et d'un téléphone (390×844).

Rien ne dépasse sur le côté (pas de défilement horizontal), et chaque nombre en grand (chiffres clés,
nombres du plan) est affiché en entier dans l'écran : jamais coupé par des points de suspension
(« plus de 5… » au lieu de « plus de 5 800 »), ce que l'on mesure en comparant la largeur du texte
(scrollWidth) à celle de sa boîte (clientWidth), pour l'élément et pour chacun de ses descendants.
"""

import pytest
from playwright.sync_api import expect

from tests.conftest import RESULTATS, hors_ligne

pytestmark = pytest.mark.navigateur

PLANS = {
    "dijon": ("", "Convention Territoriale Globale — Ville de Dijon", 16),
    "gevrey": ("?plan=ctg-gevrey-nuits-2023-2026",
               "Convention Territoriale Globale — Communauté de communes de Gevrey-Chambertin et de "
               "Nuits-Saint-Georges", 8),  # 4 chiffres clés de l'EPCI (données dérivées) + 4 nombres du plan
}
ECRANS = [(1366, 768), (390, 844)]

MESURES = """() => {
  const racine = document.documentElement;
  const principal = document.querySelector('[data-testid=stMain]');
  const valeurs = [...document.querySelectorAll('[data-testid=stMetricValue]')].map(e => {
    const boite = e.getBoundingClientRect();
    const coupes = [e, ...e.querySelectorAll('*')].filter(n => n.scrollWidth > n.clientWidth + 1).length;
    return {texte: e.innerText, gauche: boite.left, droite: boite.right, coupes: coupes};
  });
  const graphiques = [...document.querySelectorAll('[data-testid=stVegaLiteChart]')].map(e => {
    const boite = e.getBoundingClientRect();
    return {gauche: boite.left, droite: boite.right, hauteur: boite.height};
  });
  return {largeur: racine.clientWidth, page: racine.scrollWidth, principal: principal.scrollWidth,
          principal_visible: principal.clientWidth, valeurs: valeurs, graphiques: graphiques};
}"""


@pytest.mark.parametrize("largeur,hauteur", ECRANS, ids=[f"{l}x{h}" for l, h in ECRANS])
@pytest.mark.parametrize("nom", list(PLANS))
def test_accueil_tient_dans_l_ecran(navigateur, serveur_app, nom, largeur, hauteur):
    adresse, titre, nombre_de_valeurs = PLANS[nom]
    contexte = navigateur.new_context(viewport={"width": largeur, "height": hauteur}, locale="fr-FR")
    contexte.route("**/*", hors_ligne)
    page = contexte.new_page()
    try:
        page.goto(serveur_app + "/" + adresse)
        expect(page.get_by_role("heading", name=titre, level=1)).to_be_visible()
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=30_000)
        expect(page.get_by_test_id("stMetricValue")).to_have_count(nombre_de_valeurs)
        expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(1)
        page.wait_for_timeout(500)  # mise en page des cartes et du graphique terminée
        mesures = page.evaluate(MESURES)
        RESULTATS.mkdir(exist_ok=True)
        page.screenshot(path=str(RESULTATS / f"accueil_{nom}_{largeur}x{hauteur}.png"))

        assert mesures["page"] <= mesures["largeur"], "la page défile sur le côté"
        assert mesures["principal"] <= mesures["principal_visible"], "le contenu dépasse sur le côté"
        for valeur in mesures["valeurs"]:
            assert valeur["coupes"] == 0, f"« {valeur['texte']} » est coupé"
            assert valeur["gauche"] >= 0 and valeur["droite"] <= largeur, f"« {valeur['texte']} » sort de l'écran"
        (graphique,) = mesures["graphiques"]
        assert graphique["gauche"] >= 0 and graphique["droite"] <= largeur
        assert graphique["hauteur"] > 150, "graphique des statuts écrasé"
        if nom == "dijon":
            expect(page.get_by_test_id("stMetricValue").filter(has_text="plus de 5")).to_have_text(
                "plus de 5\u00a0800")
    finally:
        contexte.close()
