"""Une seule vérité : le même chiffre a la même valeur sur toutes les pages qui le montrent.

- nombre d'équipements par quartier et par catégorie : accueil, carte, portrait de quartier, séminaire ;
- taux de pauvreté et niveau de vie médian de Dijon : accueil, portrait de quartier, contexte social
  (les deux sources, convention et INSEE, chacune nommée, sur chaque page) ;
- un équipement corrigé « fermé » quitte tous les comptes et toutes les cartes, et revient quand la
  correction est annulée.

Les valeurs attendues sont recalculées par le cœur (``ctg_data``), pas recopiées : si une page compte
autrement que le cœur, le test échoue.
"""

from __future__ import annotations

import os
import re

import pandas as pd
import pytest

from ctg_data import equipements as eq
from ctg_data import positions
from ctg_data.catalogue import charger
from ctg_data.stockage import Stockage
from tests.conftest import ouvrir_page, textes_affiches

E = "\u00a0"
MOT_DE_PASSE = "mot de passe assez long"


def vue(corrections: pd.DataFrame | None = None) -> pd.DataFrame:
    return positions.avec_corrections(charger("equipements"), charger("equipements_positions"), corrections)


def attendu(tableau: pd.DataFrame, quartier: str | None) -> dict[str, int]:
    """Catégorie (code) -> nombre, selon le cœur."""
    c = eq.compter(tableau, quartier)
    return dict(zip(c.par_categorie["Catégorie"], c.par_categorie["Nombre"]))


def par_libelle(df: pd.DataFrame) -> dict[str, int]:
    codes = {libelle: code for code, libelle in eq.LIBELLES_CATEGORIES.items()}
    return {codes[l]: int(n) for l, n in zip(df["Catégorie"], df["Nombre"])}


def compte_accueil(at) -> dict[str, int]:
    return par_libelle(next(d.value for d in at.dataframe if list(d.value.columns) == ["Catégorie", "Nombre"]))


def compte_carte(at, quartier: str) -> dict[str, int]:
    tableau = next(d.value for d in at.dataframe if "Total" in d.value.columns).set_index("Quartier")
    ligne = tableau.loc[quartier].drop("Total")
    return {c: int(n) for c, n in ligne.items() if n}


def compte_portrait(at) -> dict[str, int]:
    """Le portrait montre la catégorie en abrégé (« EAJE »), le nombre, puis le nom complet (« Libellé »)."""
    df = next(d.value for d in at.dataframe if list(d.value.columns)[:3] == ["Catégorie", "Nombre", "Libellé"])
    assert all(eq.LIBELLES_CATEGORIES[c] == l for c, l in zip(df["Catégorie"], df["Libellé"]))
    return {c: int(n) for c, n in zip(df["Catégorie"], df["Nombre"])}


def compte_diapositive(ligne: dict[str, str]) -> dict[str, int]:
    """La ligne d'un quartier dans le tableau comparatif du séminaire -> {catégorie : nombre} (sans les zéros)."""
    return {c: int(v) for c, v in ligne.items() if c in eq.LIBELLES_CATEGORIES and int(v)}


def _cellules(html: str, balise: str) -> list[str]:
    return [re.sub("<[^>]+>", "", c).replace("&#x27;", "'").replace("&#39;", "'")
            for c in re.findall(rf"<{balise}[^>]*>(.*?)</{balise}>", html)]


def diapositive_quartiers(at) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Parcourt le diaporama (borné) jusqu'à la diapositive comparative des quartiers : chaque quartier
    (astérisque de la Cité éducative retiré) -> {colonne : case}, et les points sous le tableau."""
    for _ in range(40):
        html = " ".join(m.value for m in at.markdown if "diapo-tableau" in m.value)
        if html and at.title[0].value.startswith("Les ") and at.title[0].value.endswith("quartiers comparés"):
            entetes = _cellules(html, "th")
            lignes = [dict(zip(entetes, _cellules(tr, "td"))) for tr in re.findall(r"<tr>(.*?)</tr>", html) if "<td" in tr]
            return ({l["Quartier"].removesuffix(" *"): l for l in lignes},
                    [re.sub("<[^>]+>", "", p).replace("&#x27;", "'") for p in re.findall(r"<li>(.*?)</li>", html)])
        suivante = at.button(key="diapo_suivante")
        if suivante.disabled:
            break
        suivante.click().run()
    raise AssertionError("pas de diapositive comparative des quartiers")


QUARTIERS = list(charger("quartiers").sort_values("nom")[["id", "nom"]].itertuples(index=False))


def test_comptes_par_quartier_et_categorie_identiques_sur_toutes_les_pages():
    tableau = vue()
    # Tout le territoire : accueil = cœur, et le total tient compte des postes écartés.
    assert compte_accueil(ouvrir_page()) == attendu(tableau, None)
    seminaire, _ = diapositive_quartiers(ouvrir_page("seminaire"))
    assert set(seminaire) == {q.nom for q in QUARTIERS}
    for q in QUARTIERS:
        attendus = attendu(tableau, q.nom)
        assert compte_accueil(ouvrir_page(quartier=q.id)) == attendus if attendus else True, q.nom
        assert compte_carte(ouvrir_page("carte", quartier=q.id), q.nom) == attendus, q.nom
        if attendus:
            assert compte_portrait(ouvrir_page("portrait", quartier=q.id)) == attendus, q.nom
        assert compte_diapositive(seminaire[q.nom]) == attendus, q.nom
        assert int(seminaire[q.nom]["Total"]) == sum(attendus.values()), q.nom


def test_quartier_inconnu_dit_et_liste_partout():
    """Grésilles : les équipements dont le quartier n'est pas connu ne disparaissent pas."""
    n = len(eq.compter(vue(), "Grésilles").quartier_inconnu)
    assert n > 0
    libelle = f"Peut-être dans ce quartier : {n} équipement"
    for page in (None, "carte", "portrait"):
        at = ouvrir_page(page, quartier="gresilles")
        assert any(e.label.startswith(libelle) for e in at.expander), page
    _, points = diapositive_quartiers(ouvrir_page("seminaire"))
    assert any(p.startswith(f"{n} autres équipements dont le quartier n'est pas encore connu") for p in points)


@pytest.mark.parametrize("page,indicateur", [(None, None), ("portrait", None), ("contexte", "taux_pauvrete"),
                                             ("contexte", "niveau_vie_median")])
def test_pauvrete_et_mediane_de_dijon_avec_leurs_deux_sources(page, indicateur):
    """Les valeurs de Dijon : 16 % (2020, convention) ; médiane 1 847 € (2020, convention, période du
    montant non précisée) et 21 830 € par an (2019, INSEE). Chaque page qui les montre donne chaque source."""
    at = ouvrir_page(page, **({"quartier": "gresilles"} if page == "portrait" else {}))
    if indicateur:
        at.selectbox(key="contexte_indicateur").select(indicateur).run()
        reperes = next(d.value for d in at.dataframe if "Période" in d.value.columns)
        dijon = reperes[reperes["Zone"] == "Dijon"]
        lignes = set(zip(dijon["Source"].str.split(",").str[0], dijon["Période"], dijon["Valeur"]))
        if indicateur == "taux_pauvrete":
            assert ("Convention CTG 2024-2027", "2020", f"16{E}%") in lignes
        else:
            assert ("Convention CTG 2024-2027", "2020", f"1{E}847{E}€") in lignes
            assert ("INSEE", "2019", f"21{E}830{E}€") in lignes
        return
    contenu = textes_affiches(at) + " ".join(" ".join(d.value.astype(str).to_numpy().ravel()) for d in at.dataframe)
    assert f"16{E}%" in contenu and "2020" in contenu
    assert f"1{E}847{E}€" in contenu and f"21{E}830{E}€" in contenu
    assert "Convention CTG 2024-2027" in contenu and "INSEE, Filosofi 2019" in contenu


def noms(at) -> set[str]:
    """Les noms d'équipements de tous les tableaux de la page (carte en tableau, listes)."""
    return {n for d in at.dataframe if "Nom" in d.value.columns for n in d.value["Nom"]}


@pytest.fixture
def editeur():
    magasin = Stockage(os.environ["CTG_DATABASE_URL"])
    magasin.creer_compte("verite1", "Éditrice Une", MOT_DE_PASSE)
    return magasin, magasin.authentifier("verite1", MOT_DE_PASSE)


def test_equipement_ferme_quitte_tous_les_comptes_puis_revient(editeur):
    magasin, qui = editeur
    cible = "EQ050"  # L'Essentiel-le, centre social placé aux Grésilles
    avant = eq.compter(vue(), "Grésilles")
    assert cible in set(avant.comptes["id"])
    id_correction = magasin.corriger_equipement(qui, cible, motif="Fermeture définitive", etat="fermé")

    ferme = eq.compter(vue(magasin.corrections_actives()), "Grésilles")
    assert ferme.total == avant.total - 1 and list(ferme.fermes["id"]) == [cible]
    at = ouvrir_page(quartier="gresilles")
    assert sum(compte_accueil(at).values()) == ferme.total
    assert "1 fermé, non compté" in textes_affiches(at)
    carte = ouvrir_page("carte", quartier="gresilles")
    assert carte.title[0].value.endswith(f"({ferme.total} équipement{'s' if ferme.total > 1 else ''})")
    assert "L'Essentiel-le" not in noms(carte)  # ni sur la carte (son tableau), ni dans les listes
    portrait = ouvrir_page("portrait", quartier="gresilles")
    assert "L'Essentiel-le" not in noms(portrait)
    tout = ouvrir_page()
    assert eq.compter(vue(magasin.corrections_actives())).phrase() in textes_affiches(tout)
    assert eq.compter(vue(magasin.corrections_actives())).total == eq.compter(vue()).total - 1

    magasin.annuler_correction(qui, id_correction, "Réouverture")
    assert magasin.corrections_actives().empty
    at = ouvrir_page(quartier="gresilles")
    assert sum(compte_accueil(at).values()) == avant.total
    carte = ouvrir_page("carte", quartier="gresilles")
    assert "L'Essentiel-le" in noms(carte)


def test_capacite_corrigee_appliquee(editeur):
    magasin, qui = editeur
    magasin.corriger_equipement(qui, "EQ001", motif="Agrément 2025", capacite=42)
    tableau = vue(magasin.corrections_actives()).set_index("id")
    assert tableau.loc["EQ001", "capacite"] == 42
    assert tableau.loc["EQ001", "origine_capacite"].startswith("capacité corrigée par verite1")


def test_pauvrete_du_quartier_et_du_qpv_toujours_ensemble_et_expliquees():
    """Grésilles : 38,1 % (quartier entier, 2021) et 45,5 % (périmètre du QPV, 2019) ne s'affichent jamais
    l'un sans l'autre sans dire ce que chacun couvre : séminaire (diapositive du quartier et des QPV),
    portrait."""
    at = ouvrir_page("seminaire")
    seminaire, _ = diapositive_quartiers(at)
    # Diapositive comparative : les deux taux sur la même ligne, sous des en-têtes qui disent ce que chacun couvre.
    gresilles = seminaire["Grésilles"]
    assert gresilles["Pauvreté, quartier entier"] == f"38,1{E}% en 2021"
    assert gresilles["Pauvreté, QPV seul"] == f"45,5{E}% en 2019"
    sous_titre = " ".join(m.value for m in at.markdown if "diapo-tableau" in m.value)
    assert "ses IRIS regroupés" in sous_titre and "son périmètre seul, plus restreint" in sous_titre
    portrait = textes_affiches(ouvrir_page("portrait", quartier="gresilles"))
    assert f"Taux de pauvreté du quartier entier en 2021 : 38,1{E}%" in portrait and "IRIS regroupés" in portrait
    assert f"Taux de pauvreté du quartier prioritaire Les Grésilles en 2019 : 45,5{E}%" in portrait
    assert "périmètre du QPV seul" in portrait
