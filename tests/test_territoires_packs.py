"""Les données dérivées d'un territoire (issue 14, premier branchement) : la clé ``donnees`` de
``data/territoires/<id>.yaml`` nomme son dossier sous ``data/territoires/donnees/`` ; ses fichiers sont
déclarés au catalogue (source et licence en mots) et lus par un seul chargeur
(``ctg_data.territoire.donnees_sociales``) ; la référence des chiffres (``ctg_data.chiffres``) les lit
pour l'accueil. Les valeurs attendues sont relues dans le tableau social du territoire, jamais écrites
ici."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from ctg_data import chiffres, config
from ctg_data import format as fmt
from ctg_data.catalogue import charger, lire_catalogue
from ctg_data.erreurs import ErreurDonnees
from ctg_data.territoire import (
    DOSSIER_DONNEES,
    FICHIERS_PACK,
    charger_territoires,
    communes_du_pack,
    donnees_sociales,
    fichier_pack,
    jeux_sociaux,
)
from tests.conftest import ouvrir_page, textes_affiches

GEVREY = "ctg-gevrey-nuits-2023-2026"
TERRITOIRES, ERREURS = charger_territoires()
AVEC_PACK = [t for t in TERRITOIRES.values() if t.donnees is not None]


def sans_echappement(texte: str) -> str:
    return texte.replace("\\", "")


def social_du_pack(territoire) -> pd.DataFrame:
    """Le tableau social du territoire, relu directement dans son fichier (sans le chargeur testé)."""
    return pd.read_csv(config.dossier_donnees() / fichier_pack(territoire, "social.csv"), dtype={"code_zone": str})


def valeur(social: pd.DataFrame, indicateur: str, type_zone: str, annee: int) -> float:
    (v,) = social.loc[(social["indicateur"] == indicateur) & (social["type_zone"] == type_zone)
                      & (social["annee"] == annee), "valeur"]
    return v


def test_au_moins_un_territoire_a_ses_donnees_et_tous_se_chargent():
    assert not ERREURS, [e.message() for e in ERREURS]
    assert AVEC_PACK
    assert TERRITOIRES["gevrey-nuits"].donnees == "gevrey-nuits"


@pytest.mark.parametrize("territoire", AVEC_PACK, ids=lambda t: t.id)
def test_pack_charge_par_le_catalogue(territoire):
    catalogue = lire_catalogue()
    id_social, id_dico = jeux_sociaux(territoire, catalogue)
    for id_jeu in (id_social, id_dico):
        jeu = catalogue[id_jeu]
        assert jeu.fichier.startswith(f"territoires/{DOSSIER_DONNEES}/{territoire.donnees}/")
        assert jeu.licence and jeu.producteur and jeu.document  # source et licence en mots
    social, dico = donnees_sociales(territoire)
    assert social.equals(charger(id_social)) and dico.equals(charger(id_dico))
    brut = social_du_pack(territoire)
    assert len(social) == len(brut)
    # Le territoire lui-même est dans son tableau, sous son code officiel.
    assert ((social["type_zone"] == territoire.nature) & (social["code_zone"] == territoire.code)).any()
    # Ses communes : celles du manifeste, chacune une fois.
    manifeste = json.loads((config.dossier_donnees() / fichier_pack(territoire, "manifeste.json")).read_text("utf-8"))
    communes = communes_du_pack(social)
    assert sorted(communes["id"]) == sorted(manifeste["territoire"]["codes_communes"])
    assert communes["nom"].is_unique and list(communes["nom"]) == sorted(communes["nom"])


def test_territoire_sans_pack_garde_data_social():
    dijon = TERRITOIRES["dijon"]
    assert dijon.donnees is None
    assert jeux_sociaux(dijon, lire_catalogue()) == ("social", "social_indicateurs")


def _dossier_avec(tmp_path, contenu_mauvais: str):
    dossier = tmp_path / "territoires"
    (dossier / DOSSIER_DONNEES / "bon").mkdir(parents=True)
    for nom in FICHIERS_PACK:
        (dossier / DOSSIER_DONNEES / "bon" / nom).write_text("x\n", encoding="utf-8")
    (dossier / "bon.yaml").write_text("id: bon\nnom: Bon\nnom_complet: Communauté de Bon\nnature: EPCI\n"
                                      "code: '999999999'\nlibelle_tout: Tout Bon\ndonnees: bon\n", encoding="utf-8")
    (dossier / "mauvais.yaml").write_text("id: mauvais\nnom: Mauvais\nnom_complet: Communauté de Mauvais\n"
                                          "nature: EPCI\ncode: '999999998'\nlibelle_tout: Tout Mauvais\n"
                                          + contenu_mauvais, encoding="utf-8")
    return charger_territoires(tmp_path)


@pytest.mark.parametrize("contenu", ["donnees: introuvable\n", "donnees: Pas Bon\n"], ids=["absent", "nom-invalide"])
def test_pack_casse_refuse_en_francais_les_autres_charges(tmp_path, contenu):
    territoires, erreurs = _dossier_avec(tmp_path, contenu)
    assert list(territoires) == ["bon"] and territoires["bon"].donnees == "bon"
    (erreur,) = erreurs
    assert isinstance(erreur, ErreurDonnees)
    message = erreur.message()
    assert "territoires/mauvais.yaml" in message and "donnees" in message
    assert message.startswith("Le fichier « territoires/mauvais.yaml » contient 1 erreur")


def test_pack_incomplet_refuse(tmp_path):
    territoires, erreurs = _dossier_avec(tmp_path, "donnees: bon\n")
    assert sorted(territoires) == ["bon", "mauvais"] and not erreurs
    (tmp_path / "territoires" / DOSSIER_DONNEES / "bon" / "indicateurs.csv").unlink()
    territoires, erreurs = charger_territoires(tmp_path)
    assert not territoires
    assert all("indicateurs.csv" in e.message() and "donnees" in e.message() for e in erreurs) and len(erreurs) == 2


def test_fichier_du_pack_absent_du_catalogue_refuse(tmp_path):
    """Un fichier de données dérivées sans entrée au catalogue (donc sans source ni licence) n'est pas lu."""
    gevrey = TERRITOIRES["gevrey-nuits"]
    catalogue = {k: v for k, v in lire_catalogue().items() if not v.fichier.endswith("/social.csv")
                 or v.fichier == "social.csv"}
    with pytest.raises(ErreurDonnees) as e:
        jeux_sociaux(gevrey, catalogue)
    assert "catalogue.yaml" in e.value.message() and fichier_pack(gevrey, "social.csv") in e.value.message()


def test_pack_de_donnees_invalide_refuse_par_le_schema(tmp_path):
    """Le tableau social d'un pack est validé par le schéma de data/social.csv (message qui nomme le fichier)."""
    gevrey = TERRITOIRES["gevrey-nuits"]
    donnees = tmp_path / "data"
    shutil.copytree(config.dossier_donnees(), donnees, ignore=shutil.ignore_patterns("plans", "*.geojson"))
    chemin = donnees / fichier_pack(gevrey, "social.csv")
    lignes = chemin.read_text(encoding="utf-8").splitlines()
    lignes[1] = lignes[1].replace(",EPCI,", ",canton,", 1)
    chemin.write_text("\n".join(lignes) + "\n", encoding="utf-8")
    with pytest.raises(ErreurDonnees) as e:
        donnees_sociales(gevrey, donnees)
    assert fichier_pack(gevrey, "social.csv") in e.value.message() and "type_zone" in e.value.message()


def test_reference_de_l_epci_lue_dans_son_pack():
    gevrey = TERRITOIRES["gevrey-nuits"]
    brut = social_du_pack(gevrey)
    ref = chiffres.reference_du_territoire(gevrey)
    cartes = {c.code: c for c in chiffres.cartes_chiffres_cles(ref, gevrey)}
    mediane = cartes["niveau_vie_median"]
    assert mediane.disponible and mediane.zone == gevrey.nom and mediane.periode == "2019"
    assert mediane.valeur == fmt.valeur(valeur(brut, "niveau_vie_median", "EPCI", 2019), "€")
    assert mediane.source.startswith("INSEE") and mediane.precision_unite == "par an"
    # Les comparaisons ne répètent pas la valeur du territoire.
    (comparaison,) = mediane.comparaisons()
    assert [z for z, _ in comparaison.valeurs] == [c.nom for c in gevrey.comparaisons]
    assert cartes["part_jeunes_non_inseres"].periode == "2018"
    assert not cartes["population"].disponible and not cartes["taux_pauvrete"].disponible
    phrase = chiffres.phrase_chiffres_absents(list(cartes.values()), gevrey)
    assert phrase.startswith(f"Pas encore de valeur pour {gevrey.nom} : habitants ; taux de pauvreté.")


def test_accueil_gevrey_nuits_montre_les_chiffres_de_l_epci():
    gevrey = TERRITOIRES["gevrey-nuits"]
    brut = social_du_pack(gevrey)
    at = ouvrir_page(plan=GEVREY)
    assert not at.exception and not at.error
    metriques = {sans_echappement(m.label): m.value for m in at.metric}
    contenu = sans_echappement(textes_affiches(at))
    attendus = {
        "Niveau de vie médian": ("niveau_vie_median", 2019, "€"),
        "Niveau de vie du 1er décile (les 10 % les plus modestes)": ("niveau_vie_d1", 2019, "€"),
        "Part des prestations sociales dans le revenu disponible": ("part_prestations_sociales", 2019, "%"),
        "Jeunes de 16-25 ans ni en emploi, ni en études, ni en formation (NEET)": ("part_jeunes_non_inseres", 2018, "%"),
    }
    for titre, (code, annee, unite) in attendus.items():
        assert metriques[titre] == fmt.valeur(valeur(brut, code, "EPCI", annee), unite), titre
    assert f"{gevrey.nom}, 2019" in contenu and f"{gevrey.nom}, 2018" in contenu
    assert "Source : INSEE, Filosofi 2019, revenus disponibles, EPCI" in contenu
    # Comparaisons de la même année, lues dans le même tableau.
    for type_zone, nom in (("département", "Côte-d'Or"), ("France métropolitaine", "France métropolitaine")):
        attendu = fmt.valeur(valeur(brut, "niveau_vie_median", type_zone, 2019), "€")
        assert f"{nom} {attendu}" in contenu, nom
    assert "— 2019, € par an :" in contenu
    # Ce qui manque est nommé en une ligne ; rien d'autre ne dit « pas encore de chiffres ».
    assert "Pas encore de chiffres" not in contenu
    (absents,) = [sans_echappement(i.value) for i in at.info if "Pas encore de valeur" in i.value]
    assert "habitants ; taux de pauvreté." in absents
    gauche = " ".join(sans_echappement(c.value) for c in at.sidebar.caption)
    assert f"chiffres de {gevrey.nom} : les données ouvertes" in gauche


# --- Choix d'une commune dans la colonne de gauche ------------------------------------------------
def _commune(brut: pd.DataFrame, publiee: bool) -> tuple[str, str, float]:
    """Une commune dont le niveau de vie médian 2019 est publié (ou couvert par le secret), lue dans le fichier."""
    lignes = brut[(brut["type_zone"] == "commune") & (brut["indicateur"] == "niveau_vie_median") & (brut["annee"] == 2019)]
    lignes = lignes[lignes["valeur"].notna() == publiee].sort_values("nom_zone")
    l = lignes.iloc[0]
    return l["code_zone"], l["nom_zone"], l["valeur"]


def test_colonne_de_gauche_liste_les_communes():
    gevrey = TERRITOIRES["gevrey-nuits"]
    manifeste = json.loads((config.dossier_donnees() / fichier_pack(gevrey, "manifeste.json")).read_text("utf-8"))
    at = ouvrir_page(plan=GEVREY)
    choix = at.sidebar.selectbox(key="_widget_commune")
    assert choix.label == "Commune" and choix.value == ""
    assert choix.options[0] == gevrey.libelle_tout == "Toute la communauté de communes"
    assert len(choix.options) == 1 + len(manifeste["territoire"]["codes_communes"])
    assert "commune" not in at.query_params


def test_chiffres_d_une_commune_sur_l_accueil():
    gevrey = TERRITOIRES["gevrey-nuits"]
    brut = social_du_pack(gevrey)
    code, nom, mediane = _commune(brut, publiee=True)
    at = ouvrir_page(plan=GEVREY)
    at.sidebar.selectbox(key="_widget_commune").set_value(code).run()
    assert not at.exception and not at.error
    assert at.query_params["commune"] == code
    contenu = sans_echappement(textes_affiches(at)).replace("**", "")
    assert f"Commune {nom} (code INSEE {code})" in contenu
    assert f"Niveau de vie médian : {fmt.valeur(mediane, '€')} par an en 2019 (INSEE, Filosofi 2019" in contenu
    assert "Habitants : pas de valeur dans les données chargées" in contenu
    # Les chiffres en grand restent ceux de l'EPCI.
    metriques = {sans_echappement(m.label): m.value for m in at.metric}
    assert metriques["Niveau de vie médian"] == fmt.valeur(valeur(brut, "niveau_vie_median", "EPCI", 2019), "€")
    # Une commune couverte par le secret statistique le dit, sans valeur inventée.
    code_secret, nom_secret, _ = _commune(brut, publiee=False)
    at = ouvrir_page(plan=GEVREY, commune=code_secret)
    contenu = sans_echappement(textes_affiches(at)).replace("**", "")
    assert f"Commune {nom_secret}" in contenu
    assert "Niveau de vie médian : pas de valeur publiée (secret statistique" in contenu


def test_commune_inconnue_dans_l_adresse():
    at = ouvrir_page(plan=GEVREY, commune="99999")
    assert at.sidebar.selectbox(key="_widget_commune").value == ""
    assert any("La commune « 99999 » indiquée dans l'adresse" in w.value for w in at.warning)


@pytest.mark.parametrize("page", ["carte", "contexte", "portrait", "plan"])
def test_autres_pages_avec_une_commune_choisie(page):
    """Carte, contexte social et portrait gardent leur ligne « pas encore pour ce territoire » ; le plan
    d'actions s'affiche pour tout le territoire."""
    gevrey = TERRITOIRES["gevrey-nuits"]
    code, nom, _ = _commune(social_du_pack(gevrey), publiee=True)
    at = ouvrir_page(page, plan=GEVREY, commune=code)
    assert not at.exception and not at.error
    if page == "carte":  # la carte des communes (pages/communes/carte.py) montre la commune choisie
        assert any(nom in sans_echappement(t.value) for t in at.title)
        assert not any("n'a pas encore la carte" in i.value for i in at.info)
    elif page == "contexte":  # le contexte social des communes (pages/communes/contexte.py) nomme la commune choisie
        assert any(f"{nom}** (commune choisie)" in sans_echappement(m.value) for m in at.markdown)
        assert not any("n'a pas encore la carte" in i.value for i in at.info)
    elif page == "portrait":  # le portrait de la commune choisie (pages/communes/portrait.py)
        assert [sans_echappement(t.value) for t in at.title] == [f"Portrait de commune — {nom}"]
        assert not any("n'a pas encore la carte" in i.value for i in at.info)
    elif page != "plan":
        assert any("n'a pas encore la carte des équipements ni le contexte social" in i.value for i in at.info)
