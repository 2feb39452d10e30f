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
    at = ouvrir_page("carte", plan=GEVREY)  # ses communes (données dérivées), plus l'avis « pas encore »
    assert not any("n'a pas encore la carte" in i.value for i in at.info)
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


def construire_diaporama(id_plan: str):
    """Le diaporama d'un plan, construit comme la page du séminaire le construit (synthèse du plan par
    ``vues_plan.resume_plan``, sans valeur saisie)."""
    plans, _ = charger_plans()
    plan = plans[id_plan]
    territoire = charger_territoires()[0][plan.territoire]
    resume = vp.resume_plan(plan, territoire, pd.DataFrame(columns=["indicateur"]), pd.DataFrame())
    if territoire.donnees is not None and not territoire.carte_et_contexte:  # décrit par ses communes
        from tests.test_seminaire_communes import construire

        return plan, construire(id_plan)[3]
    if not territoire.carte_et_contexte:
        return plan, seminaire.construire(seminaire.charger_deck(), plan, resume, [], pd.DataFrame(), pd.DataFrame(),
                                          pd.DataFrame(), territoire)
    ref = chiffres.reference(territoire, charger(territoire.portrait.jeu) if territoire.portrait else None,
                             charger("social"), charger("social_indicateurs"))
    equipements = avec_corrections(charger("equipements"), charger("equipements_positions"), None)
    return plan, seminaire.construire(seminaire.charger_deck(), plan, resume, chiffres.cartes_chiffres_cles(ref, territoire),
                                      charger("quartiers"), equipements, charger("social"), territoire,
                                      cite=charger("cite_educative"))


@pytest.fixture(scope="module")
def diapos_dijon():
    return construire_diaporama("ctg-dijon-2024-2027")


def non_vide(d) -> bool:
    return bool(d.chiffres or d.graphique is not None or d.tableau is not None or d.points or d.type == "carte")


def test_diaporama_par_defaut(diapos_dijon):
    """L'ordre voulu : titre et grands chiffres, avancement du plan, une diapositive par axe, puis le territoire
    (autres chiffres clés, carte, contexte des QPV et de la Cité éducative en courbes, quartiers comparés),
    sources ; une idée par écran."""
    _, diapos = diapos_dijon
    assert [d.type for d in diapos] == ["titre", "avancement", "axe", "axe", "axe", "axe", "chiffres_cles", "carte",
                                        "qpv", "niveau_de_vie", "cite_educative", "quartiers", "sources"]
    assert all(d.titre and non_vide(d) for d in diapos)
    # Titre : les grands chiffres du territoire, chacun avec son année et sa source en mots, et ses comparaisons.
    titre = diapos[0]
    assert [c.libelle for c in titre.chiffres][:3] == ["Habitants", "Taux de pauvreté", "Niveau de vie médian"]
    pauvrete = titre.chiffres[1]
    assert pauvrete.valeur == "16\u00a0%" and pauvrete.periode == "2020"
    assert pauvrete.source == "Convention CTG 2024-2027, préambule"
    assert pauvrete.comparaisons == ["Côte-d'Or : 11,5\u00a0%", "France métropolitaine : 14,4\u00a0%"]
    niveau = titre.chiffres[2]  # deux sources pour la même chose : les deux, chacune avec son année
    assert niveau.valeur == "1\u00a0847\u00a0€" and niveau.precision == "période non précisée par le document"
    assert niveau.autres_sources == ["INSEE : 21\u00a0830\u00a0€ par an en 2019"] and "INSEE, Filosofi 2019" in niveau.source
    for d in diapos:
        for texte in [d.source, *[c.source for c in d.chiffres], *d.points]:
            assert ".txt" not in texte and "ligne" not in texte, texte  # des mots, pas des fichiers
    # Les 9 quartiers sur une seule diapositive comparative (et non neuf presque vides).
    (compares,) = [d for d in diapos if d.type == "quartiers"]
    tableau = compares.tableau.set_index(compares.tableau["Quartier"].str.removesuffix(" *"))
    assert len(tableau) == 9
    assert tableau.loc["Grésilles", "Pauvreté, quartier entier"] == "38,1\u00a0% en 2021"
    assert tableau.loc["Grésilles", "Pauvreté, QPV seul"] == "45,5\u00a0% en 2019"
    assert tableau.loc["Toison d'Or", "Pauvreté, QPV seul"] == "pas de QPV"
    # Sources en mots, sans doublon.
    sources = diapos[-1].points
    assert len(sources) == len(set(sources)) and any(s.startswith("INSEE : Filosofi") for s in sources)
    assert any(s.startswith("Dossier de la Cité éducative (2022)") for s in sources)


def test_diapositives_en_graphiques(diapos_dijon):
    """Avancement par axe et fiches de chaque axe en barres (graphiques.statuts_par_axe / statuts_par_fiche),
    contexte des QPV en courbes : Vega-Lite en français, libellés jamais coupés, police de salle."""
    from ctg_data import format as fmt

    plan, diapos = diapos_dijon
    avancement = next(d for d in diapos if d.type == "avancement")
    assert avancement.graphique.genre == "axes" and avancement.graphique.ordre == [
        f"{a.numero}. {a.titre}" for a in plan.axes]
    assert int(avancement.graphique.donnees["Indicateurs"].sum()) == len(plan.indicateurs())
    axes = [d for d in diapos if d.type == "axe"]
    assert [d.titre for d in axes] == [f"Axe {a.numero} — {a.titre}" for a in plan.axes]
    assert all(d.graphique.genre == "fiches" and not d.tableau for d in axes)
    premier = axes[0].graphique
    assert premier.ordre[0].startswith("PE1 · ") and "Sans indicateur : PE5" in axes[0].points
    for d in diapos:
        if d.graphique is None:
            continue
        spec = seminaire.graphique_altair(d.graphique, taille=32).to_dict()
        assert spec["config"]["locale"] == fmt.locale_vega(), d.titre
        assert spec["config"]["axis"]["labelLimit"] == 0 and spec["config"]["axis"]["labelFontSize"] >= 32
        assert spec["config"]["legend"]["labelLimit"] == 0 and spec["config"]["legend"]["labelFontSize"] >= 32
    # Courbes : années et valeurs réelles des données, la dernière valeur dite dans le nom de chaque courbe.
    social = charger("social")
    qpv = next(d for d in diapos if d.type == "qpv").graphique
    greso = qpv.donnees[qpv.donnees["Zone"].str.startswith("QPV Les Grésilles")]
    attendu = social[(social["indicateur"] == "taux_pauvrete") & (social["code_zone"] == "QP021004")]
    assert list(greso["Année"]) == sorted(attendu["annee"]) and list(greso["Valeur"]) == list(attendu.sort_values("annee")["valeur"])
    assert "QPV Les Grésilles : 45,5\u00a0% en 2019" in qpv.ordre
    cite = next(d for d in diapos if d.type == "cite_educative")
    assert [c.valeur for c in cite.chiffres][:2] == ["plus de 800\u00a0000\u00a0€", "450\u00a0000\u00a0€"]
    assert set(cite.graphique.donnees["Année"]) == {2015, 2016, 2017, 2018}


def test_diaporama_gevrey_sans_diapositive_vide():
    """Gevrey-Nuits est décrit par ses communes : ses chiffres clés au titre, la carte de ses communes et les
    communes comparées ; ni équipements ni quartiers prioritaires : ces diapositives ne sont pas dans le
    diaporama, la diapositive de titre le dit en une ligne."""
    plan, diapos = construire_diaporama(GEVREY)
    # Axes de 2, 5, 8 et 5 fiches à indicateurs : au plus 4 fiches par écran, donc 1 + 2 + 2 + 2 diapositives.
    assert [d.type for d in diapos] == ["titre", "avancement", *["axe"] * 7, "carte_communes", "communes_comparees",
                                        "sources"]
    par_axe = [d for d in diapos if d.type == "axe"]
    assert all(len(d.graphique.fiches) <= seminaire.FICHES_PAR_DIAPOSITIVE for d in par_axe)
    montrees = [i for d in par_axe for i, _ in d.graphique.fiches]
    assert montrees == [f.id for f in plan.fiches if f.indicateurs]  # chaque fiche une fois, dans l'ordre du plan
    assert [d.titre for d in par_axe if "(" in d.titre][:2] == [f"Axe {plan.axes[1].numero} — {plan.axes[1].titre} (1/2)",
                                                               f"Axe {plan.axes[1].numero} — {plan.axes[1].titre} (2/2)"]
    assert all(d.titre and non_vide(d) for d in diapos)
    titre = diapos[0]
    assert [c.libelle for c in titre.chiffres][0] == "Niveau de vie médian"
    assert all(c.periode and c.source for c in titre.chiffres)  # chaque chiffre avec son année et sa source
    assert titre.manque.startswith("Sans valeur ni données pour ce territoire : habitants, taux de pauvreté")
    assert "équipements" in titre.manque
    assert all(d.graphique is not None for d in diapos if d.type in ("avancement", "axe"))


def test_diaporama_plan_sans_indicateur():
    """La Cité éducative n'a pas d'indicateur : ni avancement ni diapositive d'axe vides ; le titre le dit."""
    _, diapos = construire_diaporama("cite-educative-dijon")
    assert "avancement" not in [d.type for d in diapos] and "axe" not in [d.type for d in diapos]
    assert "graphique d'avancement" in diapos[0].manque and all(non_vide(d) for d in diapos)


def test_deck_invalide(tmp_path):
    (tmp_path / "seminaire.yaml").write_text("diapositives: [titre, bouquet]\n", encoding="utf-8")
    with pytest.raises(ErreurDonnees, match="type de diapositive inconnu : bouquet"):
        seminaire.charger_deck(tmp_path)


def test_pdf_du_diaporama_pleine_page_avec_la_carte_dessinee(diapos_dijon):
    """Une diapositive par page (paysage), le titre de chacune sur sa page, grands caractères (tailles lues
    dans le PDF) ; graphiques et carte dessinés sans internet, posés comme des images (objets du PDF) :
    carte avec contours, noms des quartiers et légende avec les nombres."""
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

    debut = time.perf_counter()
    lecteur = PdfReader(io.BytesIO(seminaire.en_pdf(diapos, "Séminaire", carte=carte)))
    print(f"\nPDF du diaporama : {len(diapos)} diapositives, {time.perf_counter() - debut:.2f} s")
    assert len(lecteur.pages) == len(diapos)
    textes = [re.sub(r"\s+", " ", p.extract_text().replace("\xa0", " ")) for p in lecteur.pages]

    def dessins(page) -> list[str]:
        objets = page["/Resources"].get("/XObject", {})
        return [nom for nom, o in objets.items() if o.get_object().get("/Subtype") in ("/Form", "/Image")]

    for page, texte, d in zip(lecteur.pages, textes, diapos):
        assert float(page.mediabox.width) > float(page.mediabox.height)  # paysage
        assert re.sub(r"\s", "", d.titre) in re.sub(r"\s", "", texte), (d.titre, texte[:100])
        if d.graphique is not None or d.type == "carte":
            assert dessins(page), d.titre  # graphique ou carte : une image sur la page
    # La carte occupe la page : plus de la moitié de sa hauteur utile.
    (largeur, hauteur), = appels
    assert hauteur > 0.5 * float(lecteur.pages[0].mediabox.height) and largeur > 700
    rang = [d.type for d in diapos].index("carte")
    assert "Légende" in textes[rang] and "La carte interactive est présentée" not in textes[rang]
    assert all(nom in textes[rang] for nom in quartiers["nom"]), textes[rang]
    for categorie, nombre in montres.dropna(subset=["lat"])["categorie"].value_counts().items():
        assert f"{categorie} ({nombre})" in textes[rang]
    # Les grands chiffres et les courbes sont écrits dans le PDF (texte, pas une photo) : on les lit.
    assert "16 %" in textes[0] and "Côte-d'Or : 11,5 %" in textes[0] and "2020" in textes[0]
    rang_qpv = [d.type for d in diapos].index("qpv")
    assert "QPV Les Grésilles : 45,5 % en 2019" in textes[rang_qpv] and "2013" in textes[rang_qpv]
    # Tailles des caractères effectivement écrites (après une éventuelle réduction pour tenir sur la page).
    for k, d in enumerate(diapos):
        tailles = {}

        def noter(t, cm, tm, police, taille, tailles=tailles):
            if t.strip():
                tailles[t.strip()[:25]] = taille * abs(tm[3]) * abs(cm[3] or 1)

        lecteur.pages[k].extract_text(visitor_text=noter)
        titre = max(v for c, v in tailles.items() if d.titre.startswith(c[:10]))
        assert titre >= 26, (d.titre, titre)
        if d.chiffres:
            valeurs = [v for c, v in tailles.items() if any(x.valeur.replace("\u00a0", " ").startswith(c.replace("\u00a0", " ")[:4])
                                                            for x in d.chiffres)]
            assert valeurs and max(valeurs) >= 26, (d.titre, tailles)


def test_pdf_du_diaporama_gevrey():
    """Le PDF de Gevrey-Nuits : les mêmes diapositives que l'écran, graphiques compris, aucune page vide."""
    import io

    from pypdf import PdfReader

    _, diapos = construire_diaporama(GEVREY)
    lecteur = PdfReader(io.BytesIO(seminaire.en_pdf(diapos, "Séminaire")))
    assert len(lecteur.pages) == len(diapos) == 12  # titre, avancement, 7 écrans des axes, 2 des communes, sources
    assert "Sans valeur ni données pour ce territoire" in lecteur.pages[0].extract_text()


def test_page_seminaire():
    at = ouvrir_page("seminaire")
    assert at.title[0].value == "Séminaire annuel de coordination"
    at.button(key="diapo_suivante").click().run()
    assert at.title[0].value == "Avancement du plan" and at.query_params["diapo"] == "2"
    at.button(key="diapo_suivante").click().run()
    assert at.title[0].value == "Axe 1 — Petite enfance"
    at.button(key="diapo_pdf_preparer").click().run()
    assert not at.exception
    assert "Télécharger le PDF" in [b.label for b in at.get("download_button")]


def test_page_seminaire_gevrey():
    at = ouvrir_page("seminaire", plan=GEVREY)
    assert at.title[0].value == "Séminaire annuel de coordination"
    assert "Sans valeur ni données pour ce territoire" in textes_affiches(at)
    assert "1 / 12" in textes_affiches(at)
