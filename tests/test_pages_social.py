"""Pages Contexte social et Portrait de quartier (AppTest), la vue « contexte social » (étendue des IRIS
de chaque quartier, raison d'une carte vide, légendes), et le PDF du portrait."""

import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from ctg_data import format as fmt
from ctg_data import portrait_quartier as pq
from ctg_data import vues_contexte as vc
from ctg_data.catalogue import charger
from ctg_data.territoire import Territoire
from tests.conftest import RACINE, ouvrir_page, textes_affiches

ouvrir = ouvrir_page  # raccourcis locaux
tout = textes_affiches

E = "\u00a0"


# --- Vue : étendue des valeurs des IRIS de chaque quartier -----------------------------------------
def _territoire():
    from ctg_data.territoire import charger_territoires

    territoires = charger_territoires()[0]
    return next(t for t in territoires.values() if t.carte_et_contexte)


NON_REGROUPABLES = ["niveau_vie_median", "niveau_vie_d1", "part_prestations_sociales"]


@pytest.mark.parametrize("code", NON_REGROUPABLES)
def test_etendue_des_iris_conforme_aux_donnees(code):
    """Pour chaque année et chaque quartier : la plus basse et la plus haute valeur de ses IRIS, et le
    nombre d'IRIS avec une valeur, recalculés ici à la main depuis les fichiers, et identiques à la note
    écrite par l'étape de construction (« de 13 200 € à 30 280 € (5 IRIS sur 6) »)."""
    social, rattachement = charger("social"), charger("iris_quartiers")
    unite = charger("social_indicateurs").set_index("code").loc[code, "unite"]
    quartiers = social[(social["indicateur"] == code) & (social["type_zone"] == "quartier")]
    annees = sorted(social[(social["indicateur"] == code) & (social["type_zone"] == "IRIS")]["annee"].unique())
    assert len(annees) >= 5
    for annee in annees:
        etendue = vc.etendue_iris(social, rattachement, code, annee, unite)
        t = etendue.par_quartier.set_index("quartier")
        assert len(t) == 9 and t["iris"].sum() == len(rattachement) == 66
        iris = social[(social["indicateur"] == code) & (social["type_zone"] == "IRIS") & (social["annee"] == annee)]
        valeurs = iris.set_index("code_zone")["valeur"]
        for quartier, groupe in rattachement.groupby("quartier"):
            publiees = valeurs.reindex(groupe["code_iris"]).dropna()
            ligne = t.loc[quartier]
            assert (ligne["avec_valeur"], ligne["sans_valeur"]) == (len(publiees), len(groupe) - len(publiees))
            assert ligne["minimum"] == publiees.min() and ligne["maximum"] == publiees.max()
            note = quartiers[(quartiers["nom_zone"] == quartier) & (quartiers["annee"] == annee)]["note"].iloc[0]
            attendu = (f"de {fmt.valeur(ligne['minimum'], unite)} à {fmt.valeur(ligne['maximum'], unite)} "
                       f"({ligne['avec_valeur']} IRIS sur {ligne['iris']})")
            assert attendu in note, (quartier, annee, note)
        # une tige par IRIS publié, pas davantage (aucun IRIS secret compté comme 0)
        assert len(etendue.points) == t["avec_valeur"].sum() == valeurs.reindex(rattachement["code_iris"]).notna().sum()
        assert (etendue.points["valeur"] > 0).all()


def test_etendue_sur_donnees_synthetiques():
    """Un IRIS secret et un IRIS absent des données comptent « sans valeur », avec leur raison ; jamais 0."""
    rattachement = pd.DataFrame({
        "code_iris": ["1", "2", "3", "4", "5"], "nom_iris": ["A", "B", "C", "D", "E"],
        "quartier": ["Nord", "Nord", "Nord", "Sud", "Sud"], "confiance": ["sûr", "à vérifier", "sûr", "sûr", "sûr"],
        "auteur": "équipe d'essai",
    })
    social = pd.DataFrame([
        {"indicateur": "med", "type_zone": "IRIS", "code_zone": c, "nom_zone": n, "annee": 2021, "valeur": v,
         "statut": s}
        for c, n, v, s in [("1", "A", 15000.0, "publiée"), ("2", "B", None, "non significatif (ns)"),
                           ("3", "C", 21000.0, "publiée"), ("4", "D", 18000.0, "publiée")]
    ])
    etendue = vc.etendue_iris(social, rattachement, "med", 2021, "€")
    t = etendue.par_quartier.set_index("quartier")
    assert list(etendue.par_quartier["quartier"]) == ["Nord", "Sud"]  # de la valeur la plus basse à la plus haute
    assert t.loc["Nord", ["avec_valeur", "sans_valeur", "minimum", "iris_minimum", "maximum", "iris_maximum"]].tolist() \
        == [2, 1, 15000.0, "A", 21000.0, "C"]
    assert t.loc["Nord", "sans_valeur_detail"] == "1 non significatif (ns)"
    assert t.loc["Sud", ["avec_valeur", "sans_valeur", "minimum", "maximum"]].tolist() == [1, 1, 18000.0, 18000.0]
    assert t.loc["Sud", "sans_valeur_detail"] == "1 absent des données"
    assert sorted(etendue.points["nom_iris"]) == ["A", "C", "D"]
    tableau = etendue.tableau.set_index("Quartier")
    assert tableau.loc["Nord", "Valeur la plus basse (IRIS)"] == f"15{E}000{E}€ (A)"
    assert tableau.loc["Nord", "IRIS avec une valeur"] == "2 sur 3"
    assert tableau.loc["Nord", "IRIS sans valeur (pourquoi)"] == "1 — non significatif (ns)"
    assert vc._sans_valeur(3, {"non significatif (ns)": 2, "absent des données": 1}) == \
        "3 — 2 non significatif (ns) ; 1 absent des données"
    assert "notre choix" in etendue.rattachement and "1 IRIS sur 5" in etendue.rattachement
    assert "équipe d'essai" in etendue.rattachement


# --- Vue : la raison d'une carte vide, en une ligne --------------------------------------------------
def test_raison_sans_valeur_locale_une_ligne_avec_la_valeur_du_territoire():
    social, dico, territoire = charger("social"), charger("social_indicateurs"), _territoire()
    vue = vc.vue_indicateur(social, dico, territoire, "part_jeunes_non_inseres", rattachement=charger("iris_quartiers"))
    assert vue.niveaux == [] and vue.zones.empty and vue.etendue is None and vue.note_quartiers is None
    assert "\n" not in vue.raison
    assert vue.raison.startswith("Pas de valeur par quartier ni par IRIS : la source ne donne cet indicateur que "
                                 "pour des territoires entiers (commune, intercommunalité, département et région)")
    # la valeur de la commune, son année et sa source : celles des données
    ligne = social[(social["indicateur"] == "part_jeunes_non_inseres") & (social["type_zone"] == territoire.nature)
                   & (social["code_zone"] == territoire.code) & (social["annee"] == vue.annee)].iloc[0]
    assert f"valeur de {territoire.nom} : {fmt.valeur(ligne['valeur'], '%')} en {vue.annee} ({ligne['source']})" in vue.raison
    assert "médiane" not in vue.raison


def test_raison_pour_un_indicateur_des_seuls_qpv():
    social, dico, territoire = charger("social"), charger("social_indicateurs"), _territoire()
    vue = vc.vue_indicateur(social, dico, territoire, "part_moins_25_ans")
    assert "\n" not in vue.raison and "que pour les quartiers prioritaires (QPV)" in vue.raison
    qpv = social[(social["indicateur"] == "part_moins_25_ans") & (social["annee"] == vue.annee)]
    for nom, valeur in zip(qpv["nom_zone"], qpv["valeur"]):
        assert f"{nom} {fmt.valeur(valeur, '%')}" in vue.raison


def test_raison_annee_sans_valeur_ou_valeurs_toutes_secretes():
    territoire = Territoire.model_validate({"id": "v", "nom": "Ville", "nom_complet": "Ville de Ville",
                                           "nature": "commune", "code": "99001", "libelle_tout": "Toute la ville"})
    lignes = pd.DataFrame([
        {"indicateur": "x", "type_zone": "quartier", "code_zone": "q1", "nom_zone": "Q1", "annee": 2019,
         "valeur": 3.0, "statut": "calculée"},
        {"indicateur": "x", "type_zone": "quartier", "code_zone": "q1", "nom_zone": "Q1", "annee": 2020,
         "valeur": None, "statut": "non calculée (IRIS manquants)"},
        {"indicateur": "x", "type_zone": "IRIS", "code_zone": "i1", "nom_zone": "I1", "annee": 2020,
         "valeur": 2.0, "statut": "publiée"},
    ])
    assert vc.raison_sans_valeur(lignes, territoire, [vc.QUARTIERS, vc.IRIS], "quartier", 2019, "%") is None
    assert vc.raison_sans_valeur(lignes, territoire, [vc.QUARTIERS, vc.IRIS], "quartier", 2020, "%") == \
        "Aucun quartier n'a de valeur en 2020 (1 non calculée (IRIS manquants))."
    assert vc.raison_sans_valeur(lignes, territoire, [vc.QUARTIERS, vc.IRIS], "IRIS", 2019, "%") == \
        "Pas de valeur par IRIS en 2019 dans les données : ce niveau a des valeurs en 2020."
    sans_rien = lignes.iloc[0:0]
    assert vc.raison_sans_valeur(sans_rien, territoire, [], "IRIS", 2019, "%").endswith(
        "aucune valeur pour Ville dans les données réunies ici.")


def test_quartiers_sans_valeur_dits_sous_les_barres():
    """Allocataires 2020 : deux quartiers n'ont pas de somme (IRIS habités non publiés) ; ils manquent aux
    barres, et une ligne dit lesquels et pourquoi (la note de leur ligne), sans valeur inventée."""
    social, dico, territoire = charger("social"), charger("social_indicateurs"), _territoire()
    vue = vc.vue_indicateur(social, dico, territoire, "allocataires", annee=2020)
    lignes = social[(social["indicateur"] == "allocataires") & (social["type_zone"] == "quartier")
                    & (social["annee"] == 2020)]
    sans = lignes[lignes["valeur"].isna()]
    assert len(sans) >= 1 and "\n" not in vue.quartiers_sans_valeur
    assert vue.quartiers_sans_valeur.startswith("Sans valeur en 2020 : ")
    for nom, note in zip(sans["nom_zone"], sans["note"]):
        assert f"{nom} ({note.rstrip('. ')})" in vue.quartiers_sans_valeur
    assert vc.vue_indicateur(social, dico, territoire, "taux_pauvrete").quartiers_sans_valeur is None
    assert vc.vue_indicateur(social, dico, territoire, "niveau_vie_median").quartiers_sans_valeur is None


def test_niveaux_selon_les_donnees():
    social, dico, territoire = charger("social"), charger("social_indicateurs"), _territoire()
    assert vc.vue_indicateur(social, dico, territoire, "taux_pauvrete").niveaux == [vc.QUARTIERS, vc.IRIS]
    assert vc.vue_indicateur(social, dico, territoire, "niveau_vie_median").niveaux == [vc.IRIS]
    # calculé par quartier seulement : pas de choix « IRIS » qui mènerait à une carte vide
    assert vc.vue_indicateur(social, dico, territoire, "part_personnes_familles_monoparentales").niveaux == [vc.QUARTIERS]


def test_legende_sortie_de_la_carte():
    """La légende des classes n'est plus posée sur la carte : ses libellés et couleurs passent sous la carte."""
    import geopandas as gpd
    from shapely.geometry import box

    from ctg_data import carte as cartes

    zones = gpd.GeoDataFrame({"code": [f"Z{i}" for i in range(8)], "nom": [f"Zone {i}" for i in range(8)]},
                             geometry=[box(5.0 + i * 0.01, 47.3, 5.01 + i * 0.01, 47.31) for i in range(8)], crs=4326)
    valeurs = pd.DataFrame({"code_zone": list(zones["code"]), "valeur": [120, 391, 392, 415, 980, 1500, 37, None],
                            "statut": "publiée"})
    carte = cartes.carte_choroplethe(zones, "code", valeurs, "Allocataires", "allocataires")
    lignes = vc.legende_hors_carte(carte, valeurs, "allocataires", quartier_selectionne="Zone 3")
    assert not [e for e in carte._children.values() if isinstance(e, cartes.LegendeChoroplethe)]
    assert "pas de valeur publiée" not in carte.get_root().render()
    publies = [float(v) for v in valeurs["valeur"].dropna()]
    attendues = cartes.etiquettes_classes(cartes.classes(publies, entiers=True), "allocataires", entiers=True)
    classes = [l for l in lignes if l.genre == "classe"]
    assert [l.libelle for l in classes] == attendues
    assert [l.couleur for l in classes] == cartes.PALETTE_SEQUENTIELLE[:len(attendues)]
    assert [l.libelle for l in lignes if l.genre != "classe"] == [
        "pas de valeur publiée", "quartier prioritaire (QPV 2024)", "quartier choisi : Zone 3"]
    html = vc.legende_html("Allocataires <b>", lignes)
    assert "Allocataires &lt;b&gt;" in html and "\n" not in html


def test_etiquettes_de_legende_sur_plusieurs_lignes():
    assert vc.sur_lignes("Ensemble des QPV (ligne « Ensemble » du fichier)") == \
        "Ensemble des QPV (ligne\n« Ensemble » du fichier)"
    assert vc.sur_lignes("Grésilles") == "Grésilles"
    assert all(len(l) <= vc.LARGEUR_ETIQUETTE for l in vc.sur_lignes("Bourgogne-Franche-Comté et France métropolitaine").split("\n"))


# --- Page : chaque indicateur, une carte avec sa légende dessous ou une raison en une ligne -------------
def _elements(at, genre):
    def parcourir(noeud):
        for enfant in getattr(noeud, "children", {}).values():
            yield enfant
            yield from parcourir(enfant)
    return [e for e in parcourir(at._tree) if getattr(e, "type", None) in genre]


def _specs(at):
    return [json.loads(e.proto.spec) for e in _elements(at, ("vega_lite_chart", "arrow_vega_lite_chart"))]


def _legendes(spec):
    """Les encodages de couleur (ou de forme…) à champ d'un graphique, couches comprises, avec leur légende."""
    trouves = []
    for couche in [spec, *spec.get("layer", [])]:
        for canal, enc in couche.get("encoding", {}).items():
            if canal in ("color", "fill", "stroke", "shape", "size", "opacity") and isinstance(enc, dict) and "field" in enc:
                trouves.append(enc)
    return trouves


def verifier_legendes(at, contexte):
    for spec in _specs(at):
        for enc in _legendes(spec):
            legende = enc.get("legend", {})
            if legende is None:
                continue
            assert legende.get("orient") == "bottom" and legende.get("labelLimit") == 0, (contexte, legende)
            assert spec.get("autosize", {}).get("type") == "fit-x", (contexte, spec.get("autosize"))


def test_chaque_indicateur_a_une_carte_legendee_ou_une_raison():
    at = ouvrir("contexte")
    codes = at.selectbox(key="contexte_indicateur").options
    assert len(codes) >= 20
    for rang, libelle in enumerate(codes):
        at.selectbox(key="contexte_indicateur").select_index(rang).run()
        assert not at.exception, (libelle, [e.value for e in at.exception])
        cartes_ = _elements(at, ("component_instance",))
        legendes = [m.value for m in at.markdown if "ctg-legende-contexte" in m.value]
        raisons = [i.value for i in at.info if i.value.startswith("Pas de valeur") or i.value.startswith("Aucun")]
        texte = tout(at)
        assert "Aucune donnée pour ce niveau" not in texte, libelle
        if raisons:
            assert not cartes_ and not legendes, libelle
            assert len(raisons) == 1 and "\n" not in raisons[0], (libelle, raisons)
            assert "médiane" not in raisons[0] and "Règle de regroupement" not in texte, libelle
        else:
            assert len(cartes_) == 1 and len(legendes) == 1, (libelle, len(cartes_), len(legendes))
            # la légende n'est plus dans la carte (où elle cachait des zones) mais dessous
            assert "pas de valeur publi" not in cartes_[0].proto.json_args, libelle
            assert "pas de valeur publiée" in legendes[0] and "≤" in legendes[0], libelle
        verifier_legendes(at, libelle)


def test_legende_des_allocataires_sous_la_carte_bornes_entieres():
    """« Allocataires » par quartier : la légende, sous la carte, a des bornes entières
    (« ≤ 4 497 allocataires »), jamais « ≤ 391,4 allocataires »."""
    at = ouvrir("contexte")
    at.selectbox(key="contexte_indicateur").select("allocataires").run()
    (legende,) = [m.value for m in at.markdown if "ctg-legende-contexte" in m.value]
    bornes = re.findall(r"([0-9][0-9\u00a0,]*)\u00a0allocataires", legende)
    assert len(bornes) >= 4, legende
    assert not [b for b in bornes if "," in b], bornes


def test_mediane_les_iris_de_chaque_quartier_dans_la_page():
    at = ouvrir("contexte")
    at.selectbox(key="contexte_indicateur").select("niveau_vie_median").run()
    assert at.radio(key="contexte_niveau").options == ["IRIS"]
    assert "La carte montre les IRIS ; plus bas, la valeur la plus basse et la plus haute des IRIS" in tout(at)
    assert "Niveau de vie médian — 2021 : les IRIS de chaque quartier" in [s.value for s in at.subheader]
    tableau = next(d.value for d in at.dataframe if "IRIS avec une valeur" in d.value.columns).set_index("Quartier")
    assert len(tableau) == 9
    social = charger("social")
    note = social[(social["indicateur"] == "niveau_vie_median") & (social["nom_zone"] == "Fontaine d'Ouche")
                  & (social["annee"] == 2021)]["note"].iloc[0]
    bas, haut, n, sur = re.search(r"IRIS : de (.+?) à (.+?) \((\d+) IRIS sur (\d+)\)", note).groups()
    assert tableau.loc["Fontaine d'Ouche", "Valeur la plus basse (IRIS)"].startswith(bas)
    assert tableau.loc["Fontaine d'Ouche", "Valeur la plus haute (IRIS)"].startswith(haut)
    assert tableau.loc["Fontaine d'Ouche", "IRIS avec une valeur"] == f"{n} sur {sur}"
    assert "Rattachement des IRIS aux quartiers : notre choix" in tout(at).replace("\\", "")
    # le graphique : une barre par quartier, une tige par IRIS publié
    import pyarrow as pa

    (graphique,) = [e for e in _elements(at, ("vega_lite_chart", "arrow_vega_lite_chart"))
                    if '"tick"' in e.proto.spec]
    tiges = next(c for c in json.loads(graphique.proto.spec)["layer"] if c["mark"]["type"] == "tick")
    (jeu,) = [d for d in graphique.proto.datasets if d.name == tiges["data"]["name"]]
    donnees = pa.ipc.open_stream(jeu.data.data).read_pandas()
    assert len(donnees) == int(tableau["IRIS avec une valeur"].str.split(" ").str[0].astype(int).sum()) == 60
    assert set(donnees["quartier"]) == set(tableau.index)


def test_qpv_chaque_indicateur_legende_dessous():
    at = ouvrir("contexte")
    for code in at.radio(key="qpv_indicateur").options:
        at.radio(key="qpv_indicateur").set_value(code).run()
        assert not at.exception
        verifier_legendes(at, code)


@pytest.mark.parametrize("query", [{"quartier": "gresilles"}, {"quartier": "fontaine-d-ouche"}])
def test_contexte_avec_un_quartier_choisi(query):
    at = ouvrir("contexte", **query)
    for code in ["taux_pauvrete", "niveau_vie_median", "part_jeunes_non_inseres"]:
        at.selectbox(key="contexte_indicateur").select(code).run()
        assert not at.exception, code
    at.selectbox(key="contexte_indicateur").select("niveau_vie_median").run()
    legende = next(m.value for m in at.markdown if "ctg-legende-contexte" in m.value)
    assert "quartier choisi : " in legende


def test_contexte_d_un_autre_territoire_une_ligne_claire(dossier_donnees):
    """Un territoire décrit par ses communes (Gevrey-Nuits, Dijon Métropole) a son contexte social ; un
    territoire sans données dérivées (ici Dijon Métropole, dont on retire la clé « donnees ») le dit en une
    seule ligne."""
    for plan, nom in (("ctg-gevrey-nuits-2023-2026", "CC de Gevrey-Chambertin"),
                      ("contrat-de-ville-dijon-metropole-2019-2022", "Dijon Métropole")):
        at = ouvrir("contexte", plan=plan)
        assert not at.exception
        assert at.title[0].value.startswith(f"Contexte social — {nom}")
        assert not any("n'a pas encore" in m.value for m in [*at.info, *at.warning, *at.error])
    fichier = dossier_donnees / "territoires" / "dijon-metropole.yaml"
    fichier.write_text(fichier.read_text("utf-8").replace("donnees: dijon-metropole", ""), "utf-8")
    at = ouvrir("contexte", plan="contrat-de-ville-dijon-metropole-2019-2022")
    assert not at.exception
    messages = [m.value for m in [*at.info, *at.warning, *at.error]]
    assert len(messages) == 1 and "\n\n" not in messages[0] and "n'a pas encore" in messages[0], messages


def test_contexte_social_taux_de_pauvrete():
    at = ouvrir("contexte")
    at.selectbox(key="contexte_indicateur").select("taux_pauvrete").run()
    at.selectbox(key="contexte_annee").select(2019).run()
    tableau = next(d.value for d in at.dataframe if "Type" in d.value.columns)  # la rubrique « Tableau »
    quartiers = tableau[tableau["Type"] == "quartier"]
    assert len(quartiers) == 9
    assert quartiers["Calcul et couverture"].str.contains("pondérée par leur population").all()
    assert "moyenne des taux des IRIS pondérée par leur population" in tout(at)
    assert "Source : INSEE" in tout(at)


def test_contexte_social_mediane_jamais_par_quartier():
    at = ouvrir("contexte")
    at.selectbox(key="contexte_indicateur").select("niveau_vie_median").run()
    assert at.radio(key="contexte_niveau").options == ["IRIS"]
    assert "on ne fait jamais la moyenne de médianes" in tout(at)
    tableau = next(d.value for d in at.dataframe if "Type" in d.value.columns)
    assert "quartier" not in set(tableau["Type"])  # aucune valeur de quartier inventée


def test_contexte_panneaux_qpv_et_cite_educative():
    at = ouvrir("contexte")
    assert "Les quartiers prioritaires : Fontaine d'Ouche et Les Grésilles" in [h.value for h in at.header]
    assert "**Budget annuel dédié** : plus de 800 000 €" in tout(at)


def test_portrait_fontaine_d_ouche():
    at = ouvrir("portrait", quartier="fontaine-d-ouche")
    assert at.title[0].value == "Portrait de quartier — Fontaine d'Ouche"
    assert "quartier prioritaire **Fontaine d'Ouche** (QN02102M)" in tout(at)
    assert "Cité éducative" in tout(at)
    equipements = next(d.value for d in at.dataframe if "Gestionnaire" in d.value.columns)
    assert "Multi-accueil Fontaine d'Ouche Le Lac" in set(equipements["Nom"])
    social = next(d.value for d in at.dataframe if "Calcul" in d.value.columns).set_index("Indicateur")
    pauvrete = social.loc["Taux de pauvreté"]
    assert pauvrete["Année"] == 2021 and pauvrete["Quartier"].endswith(f"{E}%")
    assert "INSEE, Filosofi 2021" in pauvrete["Source"]
    assert social.loc["Niveau de vie médian", "Quartier"].startswith("non disponible")
    # Les deux sources pour Dijon, chacune avec son année et sa source.
    assert f"21{E}830{E}€ par an en 2019 (INSEE, Filosofi 2019" in social.loc["Niveau de vie médian", "Dijon"]
    assert f"1{E}847{E}€ en 2020 (Convention CTG 2024-2027" in social.loc["Niveau de vie médian", "Dijon"]
    assert social.loc["Taux de pauvreté", "Dijon"].startswith(f"16{E}% en 2020 (Convention CTG 2024-2027")
    at.button(key="portrait_pdf_preparer").click().run()
    assert [b.label for b in at.get("download_button") if "PDF" in b.label] == ["Télécharger le PDF"]


def test_portrait_sans_quartier_invite_a_choisir():
    at = ouvrir("portrait")
    assert "Choisissez un quartier" in at.info[0].value


def test_pdf_du_portrait():
    from ctg_data import chiffres
    from ctg_data.territoire import charger_territoires

    dijon = charger_territoires()[0]["dijon"]
    ref = chiffres.reference(dijon, charger("portrait"), charger("social"), charger("social_indicateurs"))
    cles = pq.indicateurs_cles(charger("social"), charger("social_indicateurs"), "gresilles", ref, "Dijon")
    pdf = pq.en_pdf("Portrait de quartier — Grésilles", [("Contexte social", cles), ("Texte", "Un paragraphe.")], ["INSEE"])
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000

