"""Plusieurs plans et territoires (packs), cartographie des acteurs, mode séminaire."""

import shutil
import time

import pandas as pd
import pytest
import yaml

from ctg_data import acteurs, chiffres, exports, seminaire
from ctg_data import saisie as sa
from ctg_data import vues_plan as vp
from ctg_data.catalogue import charger
from ctg_data.erreurs import ErreurDonnees
from ctg_data.plan import charger_plans
from ctg_data.positions import avec_corrections
from ctg_data.stockage import Stockage
from ctg_data.territoire import charger_territoires
from tests.conftest import DONNEES, ouvrir_page, textes_affiches

GEVREY = "ctg-gevrey-nuits-2023-2026"


def test_quatre_packs_livres():
    plans, erreurs = charger_plans()
    assert erreurs == []
    assert set(plans) == {"ctg-dijon-2024-2027", "cite-educative-dijon", "contrat-de-ville-dijon-metropole-2019-2022", GEVREY}
    gevrey = plans[GEVREY]
    assert [f.numero for f in gevrey.fiches] == ["0", "0bis", *map(str, range(1, 19))]
    assert {i.type for f in gevrey.fiches for i in f.indicateurs} == {"suivi", "évaluation"}
    assert len(plans["contrat-de-ville-dijon-metropole-2019-2022"].fiches) == 10
    territoires, erreurs_territoires = charger_territoires()
    assert erreurs_territoires == []
    assert {p.territoire for p in plans.values()} <= set(territoires)
    assert not territoires[gevrey.territoire].carte_et_contexte
    assert territoires[plans["ctg-dijon-2024-2027"].territoire].carte_et_contexte


def casser(tmp_path, id_plan, modifier):
    dossier = tmp_path / "data"
    shutil.copytree(DONNEES, dossier)
    fichier = dossier / "plans" / id_plan / "plan.yaml"
    contenu = yaml.safe_load(fichier.read_text(encoding="utf-8"))
    modifier(contenu)
    fichier.write_text(yaml.safe_dump(contenu, allow_unicode=True), encoding="utf-8")
    return dossier


def test_pack_casse_refuse_les_autres_charges(tmp_path):
    dossier = casser(tmp_path, GEVREY, lambda c: c["fiches"][3].update(axe="A9"))
    plans, erreurs = charger_plans(dossier)
    assert GEVREY not in plans and len(plans) == 3
    (e,) = erreurs
    assert e.fichier == f"plans/{GEVREY}/plan.yaml" and "cite l'axe inconnu « A9 »" in str(e)


def test_pack_champ_manquant(tmp_path):
    dossier = casser(tmp_path, "contrat-de-ville-dijon-metropole-2019-2022", lambda c: c.pop("territoire"))
    plans, erreurs = charger_plans(dossier)
    assert len(plans) == 3 and "colonne « territoire » : champ obligatoire absent" in str(erreurs[0])


def test_pack_casse_signale_dans_l_application(tmp_path, monkeypatch):
    dossier = casser(tmp_path, GEVREY, lambda c: c["fiches"][0].pop("titre"))
    monkeypatch.setenv("CTG_DATA_DIR", str(dossier))
    at = ouvrir_page()  # première exécution : la barre latérale, où l'erreur est signalée, est rendue
    assert any("Plan refusé" in w.value and "titre" in w.value for w in at.warning)
    at.switch_page("pages/vues/plan.py").run()
    assert at.title[0].value == "Plan d'actions — CTG Dijon 2024-2027"


def test_selection_du_plan_gevrey_puis_retour_a_dijon():
    at = ouvrir_page("plan", plan=GEVREY)
    assert at.title[0].value == "Plan d'actions — CTG Gevrey-Nuits 2023-2026"
    at.selectbox(key="plan_fiche").select("F0bis").run()
    assert not at.exception
    assert at.query_params["plan"] == GEVREY
    at = ouvrir_page("carte", plan=GEVREY)
    assert "n'a pas encore la carte des équipements ni le contexte social" in at.info[0].value
    at = ouvrir_page("plan")
    assert at.title[0].value == "Plan d'actions — CTG Dijon 2024-2027"
    assert "plan" not in at.query_params


PLANS_LIVRES = ["ctg-dijon-2024-2027", "cite-educative-dijon", "contrat-de-ville-dijon-metropole-2019-2022", GEVREY]


@pytest.mark.parametrize("format_", ["xlsx", "csv"])
@pytest.mark.parametrize("id_plan", PLANS_LIVRES)
def test_modele_d_import_de_chaque_plan(id_plan, format_):
    """Le modèle d'import de chaque plan livré est produit, relu, rempli comme le ferait une personne
    (un nombre quand l'indicateur en exige un, sinon un texte), validé sans erreur par le validateur de
    l'application, puis importé dans le magasin (base temporaire des tests). Ses zones sont celles du
    territoire du plan : plus de « zone inconnue « Dijon » » pour Gevrey-Nuits ou le Contrat de ville."""
    plans, _ = charger_plans()
    territoires, _ = charger_territoires()
    plan = plans[id_plan]
    territoire = territoires[plan.territoire]
    zones = vp.zones_du_plan(territoire, charger(territoire.sous_zones.jeu) if territoire.sous_zones else None)
    nom = f"modele.{format_}"

    def fichier(df):
        return exports.en_xlsx(df, nom_feuille="Saisie") if format_ == "xlsx" else exports.en_csv(df)

    contenu = sa.modele_xlsx(plan, territoire) if format_ == "xlsx" else fichier(sa.modele_import(plan, territoire))
    relu = sa.lire_fichier(contenu, nom)
    assert list(relu.columns) == sa.COLONNES + sa.COLONNES_INFO
    assert len(relu) == len(plan.indicateurs())
    assert set(relu["zone"]) <= {territoire.nom} and zones[0] == territoire.nom
    if relu.empty:  # la Cité éducative n'a pas d'indicateur : un modèle vide, rien à importer
        assert id_plan == "cite-educative-dijon"
        with pytest.raises(ErreurDonnees, match="aucune valeur à importer"):
            sa.valider(relu, plan, zones, nom)
        return
    relu["periode"] = "2025"
    relu["source"] = "Bilan annuel"
    relu["valeur"] = ["12,5" if vp.nombre_exige(u) else "réalisé" for u in relu["unite"]]
    rempli = sa.lire_fichier(fichier(relu), nom)
    lignes = sa.valider(rempli, plan, zones, nom)
    assert len(lignes) == len(relu) and {l["zone"] for l in lignes} == {territoire.nom}

    magasin = Stockage()  # la base temporaire du test (fixture automatique de conftest)
    magasin.creer_compte("agent1", "Agent Un", "un mot de passe assez long")
    editeur = magasin.authentifier("agent1", "un mot de passe assez long")
    a_ecrire = sa.a_enregistrer(sa.apercu(lignes, magasin.valeurs_courantes(plan.id)))
    assert magasin.enregistrer_lot(editeur, plan.id, a_ecrire) == len(relu)
    courantes = magasin.valeurs_courantes(plan.id)
    assert len(courantes) == len(relu) and set(courantes["zone"]) == {territoire.nom}
    chiffrees = {i for i, u in zip(relu["indicateur"], relu["unite"]) if vp.nombre_exige(u)}
    assert set(courantes.loc[courantes["valeur"] == 12.5, "indicateur"]) == chiffrees
    assert set(courantes.loc[courantes["valeur_texte"] == "réalisé", "indicateur"]) == set(relu["indicateur"]) - chiffrees
    # Les statuts du plan lisent ces valeurs pour la zone du territoire entier : plus rien « à renseigner ».
    statuts = vp.statuts_du_plan(plan, territoire, courantes, magasin.statuts_manuels(plan.id))
    assert "à renseigner" not in set(statuts["statut"]) and set(statuts["derniere_zone"]) == {territoire.nom}


def test_normalisation_des_acteurs():
    table = pd.DataFrame({"variante": ["CAF"], "nom": ["Caf de la Côte-d'Or"]})
    assert acteurs.normaliser(" CAF ", table) == "Caf de la Côte-d'Or"
    assert acteurs.normaliser("Mission  locale.", table) == "Mission locale"
    plans, _ = charger_plans()
    liens = acteurs.liens(list(plans.values()), charger_normalisation())
    assert not liens.empty and not liens.duplicated(["acteur", "role", "plan", "fiche"]).any()
    synthese = acteurs.par_acteur(liens)
    assert synthese["Fiches"].is_monotonic_decreasing


def charger_normalisation():
    return pd.read_csv(DONNEES / "acteurs_normalisation.csv", dtype=str).fillna("")


def test_page_acteurs():
    at = ouvrir_page("acteurs")
    assert at.title[0].value == "Cartographie des acteurs"
    assert "Caf de la Côte-d'Or" in set(at.dataframe[0].value["Acteur"])
    at.multiselect(key="acteurs_plans").set_value(["contrat-de-ville-dijon-metropole-2019-2022"]).run()
    assert at.dataframe[0].value["Fiches"].max() >= 2


@pytest.fixture(scope="module")
def diapos_dijon():
    """Le diaporama du plan de Dijon, construit comme la page du séminaire le construit."""
    plans, _ = charger_plans()
    plan = plans["ctg-dijon-2024-2027"]
    territoire = charger_territoires()[0][plan.territoire]
    ref = chiffres.reference(territoire, charger(territoire.portrait.jeu) if territoire.portrait else None,
                             charger("social"), charger("social_indicateurs"))
    equipements = avec_corrections(charger("equipements"), charger("equipements_positions"), None)
    statuts = vp.statuts_du_plan(plan, territoire, pd.DataFrame(columns=["indicateur"]), pd.DataFrame())
    return plan, seminaire.construire(seminaire.charger_deck(), plan, statuts, chiffres.cartes_chiffres_cles(ref, territoire),
                                      charger("quartiers"), equipements, charger("social"), territoire)


def test_diaporama_par_defaut(diapos_dijon):
    _, diapos = diapos_dijon
    assert [d.type for d in diapos] == ["titre", "chiffres_cles", "axe", "axe", "axe", "axe", "carte", "qpv",
                                        "quartiers", "sources"]
    # Les 9 quartiers sur une seule diapositive comparative (et non neuf presque vides).
    (compares,) = [d for d in diapos if d.type == "quartiers"]
    tableau = compares.tableau.set_index(compares.tableau["Quartier"].str.removesuffix(" *"))
    assert len(tableau) == 9
    assert tableau.loc["Grésilles", "Pauvreté, quartier entier"] == "38,1\u00a0% en 2021"
    assert tableau.loc["Grésilles", "Pauvreté, QPV seul"] == "45,5\u00a0% en 2019"
    assert tableau.loc["Toison d'Or", "Pauvreté, QPV seul"] == "pas de QPV"
    qpv = next(d for d in diapos if d.type == "qpv")
    assert any("quartier prioritaire" in p.lower() for p in qpv.points)
    assert all(d.titre for d in diapos)


def test_deck_invalide(tmp_path):
    (tmp_path / "seminaire.yaml").write_text("diapositives: [titre, bouquet]\n", encoding="utf-8")
    with pytest.raises(ErreurDonnees, match="type de diapositive inconnu : bouquet"):
        seminaire.charger_deck(tmp_path)


def test_export_pdf_du_diaporama(diapos_dijon):
    plan, diapos = diapos_dijon
    debut = time.perf_counter()
    pdf = seminaire.en_pdf(diapos, "Séminaire")
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page>>") + pdf.count(b"/Type /Page ") >= 1
    print(f"\nPDF du diaporama : {len(diapos)} diapositives, {len(pdf) / 1024:.0f} Ko, {time.perf_counter() - debut:.2f} s")


def test_pdf_du_diaporama_pleine_page_avec_la_carte_dessinee(diapos_dijon):
    """Une diapositive par page en grands caractères (tailles lues dans le PDF), et la carte dessinée sans
    internet sur la page de sa diapositive : contours, noms des quartiers, légende avec les nombres."""
    import io
    import re

    from pypdf import PdfReader

    from ctg_data import config, geographie
    from ctg_data import equipements as eq

    _, diapos = diapos_dijon
    quartiers = charger("quartiers")
    montres = eq.filtrer(avec_corrections(charger("equipements"), charger("equipements_positions"), None))
    geo = geographie.charger_geo("quartiers_geo", config.dossier_donnees())
    qpv = geographie.charger_geo("qpv", config.dossier_donnees())
    appels = []

    def carte(largeur, hauteur):
        appels.append((largeur, hauteur))
        return seminaire.dessin_carte(geo, qpv, montres, largeur, hauteur,
                                      list(quartiers.loc[quartiers["cite_educative"], "nom"]))

    lecteur = PdfReader(io.BytesIO(seminaire.en_pdf(diapos, "Séminaire", carte=carte)))
    assert len(lecteur.pages) == len(diapos)
    # La carte occupe la page : plus de la moitié de sa hauteur utile.
    (largeur, hauteur), = appels
    assert hauteur > 0.5 * float(lecteur.pages[0].mediabox.height) and largeur > 700
    rang = [d.type for d in diapos].index("carte")
    texte = re.sub(r"\s+", " ", lecteur.pages[rang].extract_text())
    assert "Légende" in texte and "La carte interactive est présentée" not in texte
    assert all(nom in texte for nom in quartiers["nom"]), texte
    for categorie, nombre in montres.dropna(subset=["lat"])["categorie"].value_counts().items():
        assert f"{categorie} ({nombre})" in texte
    # Tailles des caractères effectivement écrites (après une éventuelle réduction pour tenir sur la page).
    for k, d in enumerate(diapos):
        if d.type not in ("axe", "chiffres_cles", "qpv"):
            continue
        tailles = {}

        def noter(t, cm, tm, police, taille, tailles=tailles):
            if t.strip():
                tailles[t.strip()[:25]] = taille * abs(tm[3]) * abs(cm[3] or 1)

        lecteur.pages[k].extract_text(visitor_text=noter)
        titre = max(v for c, v in tailles.items() if d.titre.startswith(c[:10]))
        points = [v for c, v in tailles.items() if any(p.startswith(c[:12]) for p in d.points)]
        assert titre >= 28 and points and min(points) >= 18, (d.titre, tailles)


def test_page_seminaire():
    at = ouvrir_page("seminaire")
    assert at.title[0].value == "Séminaire annuel de coordination"
    at.button(key="diapo_suivante").click().run()
    assert at.title[0].value == "Le territoire en quelques chiffres"
    at.button(key="diapo_pdf_preparer").click().run()
    assert not at.exception
    assert "Télécharger le PDF" in [b.label for b in at.get("download_button")]
