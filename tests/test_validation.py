"""Chargeurs : chaque jeu de données se charge, et chaque sorte de fichier cassé donne un message
français qui nomme le fichier, la ligne et la colonne."""

import pytest

from ctg_data.catalogue import charger, lire_catalogue
from ctg_data.erreurs import ErreurDonnees

from .conftest import modifier_cellule, remplacer


@pytest.mark.parametrize("jeu,lignes", [("portrait", 61), ("equipements", 60), ("quartiers", 9)])
def test_jeux_livres_valides(jeu, lignes):
    df = charger(jeu)
    assert len(df) == lignes
    assert df["source_fichier"].notna().all() and df["source_section"].notna().all()


def test_types_convertis():
    portrait = charger("portrait")
    assert str(portrait["annee"].dtype) == "Int64"
    assert portrait["valeur"].dtype == float
    quartiers = charger("quartiers")
    assert quartiers["qpv"].dtype == bool
    assert sorted(quartiers.loc[quartiers["qpv"], "nom"]) == ["Fontaine d'Ouche", "Grésilles"]


def erreur(dossier, jeu) -> ErreurDonnees:
    with pytest.raises(ErreurDonnees) as e:
        charger(jeu, dossier)
    return e.value


def test_colonne_absente(dossier_donnees):
    fichier = dossier_donnees / "portrait.csv"
    remplacer(fichier, ",unite,", ",unité_,")
    e = erreur(dossier_donnees, "portrait")
    assert e.fichier == "portrait.csv"
    message = str(e)
    assert "colonne « unite »" in message and "colonne obligatoire absente" in message
    assert "colonne « unité_ »" in message and "colonne inconnue" in message


def test_mauvais_type(dossier_donnees):
    ligne = modifier_cellule(dossier_donnees / "portrait.csv", "P001", "valeur", "159 106 hab")
    e = erreur(dossier_donnees, "portrait")
    (p,) = e.problemes
    assert (p.ligne, p.colonne) == (ligne, "valeur") == (2, "valeur")
    assert "« 159 106 hab » n'est pas valide ; attendu : un nombre" in str(e)


def test_annee_non_entiere(dossier_donnees):
    ligne = modifier_cellule(dossier_donnees / "portrait.csv", "P003", "annee", "vingt")
    e = erreur(dossier_donnees, "portrait")
    assert [(p.ligne, p.colonne) for p in e.problemes] == [(ligne, "annee")]
    assert "un nombre entier" in str(e)


def test_identifiant_en_double(dossier_donnees):
    remplacer(dossier_donnees / "equipements.csv", "EQ002,", "EQ001,")
    e = erreur(dossier_donnees, "equipements")
    assert {(p.ligne, p.colonne) for p in e.problemes} == {(2, "id"), (3, "id")}
    assert "« EQ001 » apparaît plusieurs fois" in str(e)


def test_categorie_inconnue(dossier_donnees):
    remplacer(dossier_donnees / "equipements.csv", "Multi-accueil Mansart,EAJE,", "Multi-accueil Mansart,Crèche,")
    e = erreur(dossier_donnees, "equipements")
    (p,) = e.problemes
    assert (p.ligne, p.colonne) == (3, "categorie")
    assert "« Crèche »" in p.message and "valeurs admises : EAJE, RPE" in p.message


def test_valeur_obligatoire_manquante(dossier_donnees):
    remplacer(dossier_donnees / "equipements.csv", "EQ004,Multi-accueil Darius Milhaud,", "EQ004,,")
    e = erreur(dossier_donnees, "equipements")
    (p,) = e.problemes
    assert (p.ligne, p.colonne) == (5, "nom") and "valeur manquante" in p.message


def test_combinaison_en_double(dossier_donnees):
    # Deux lignes pour la même (indicateur, territoire, année) : la seconde est un doublon.
    ligne = modifier_cellule(dossier_donnees / "portrait.csv", "P040", "annee", "2021")
    e = erreur(dossier_donnees, "portrait")
    assert {p.ligne for p in e.problemes} == {ligne - 1, ligne}
    assert "combinaison (code, territoire, annee, periode) en double" in str(e)


def test_quartier_inconnu(dossier_donnees):
    fichier = dossier_donnees / "equipements.csv"
    lignes = fichier.read_text(encoding="utf-8").splitlines()
    assert lignes[1].startswith("EQ001,") and ",21000,Dijon,," in lignes[1]
    lignes[1] = lignes[1].replace(",21000,Dijon,,", ",21000,Dijon,Quartier imaginaire,")
    fichier.write_text("\n".join(lignes) + "\n", encoding="utf-8")
    e = erreur(dossier_donnees, "equipements")
    (p,) = e.problemes
    assert (p.ligne, p.colonne) == (2, "quartier")
    assert "quartier inconnu « Quartier imaginaire »" in p.message and "Grésilles" in p.message


def test_nombre_de_champs(dossier_donnees):
    fichier = dossier_donnees / "quartiers.csv"
    lignes = fichier.read_text(encoding="utf-8").splitlines()
    lignes[3] += ",en trop"
    fichier.write_text("\n".join(lignes) + "\n", encoding="utf-8")
    e = erreur(dossier_donnees, "quartiers")
    (p,) = e.problemes
    assert p.ligne == 4 and "12 champs trouvés, 11 attendus" in p.message


def test_encodage(dossier_donnees):
    fichier = dossier_donnees / "quartiers.csv"
    fichier.write_bytes(fichier.read_text(encoding="utf-8").encode("cp1252", errors="replace"))
    e = erreur(dossier_donnees, "quartiers")
    assert "n'est pas encodé en UTF-8" in str(e) and e.problemes[0].ligne is not None


def test_fichier_vide(dossier_donnees):
    (dossier_donnees / "quartiers.csv").write_text("", encoding="utf-8")
    assert "le fichier est vide" in str(erreur(dossier_donnees, "quartiers"))


def test_fichier_absent(dossier_donnees):
    (dossier_donnees / "portrait.csv").unlink()
    assert "fichier introuvable" in str(erreur(dossier_donnees, "portrait"))


def test_bom_et_espaces_toleres(dossier_donnees):
    """Un fichier réenregistré par un tableur (BOM UTF-8, espaces autour des valeurs) reste lisible."""
    fichier = dossier_donnees / "quartiers.csv"
    texte = fichier.read_text(encoding="utf-8").replace(",Montchapet,Montchapet,", ", Montchapet , Montchapet,")
    fichier.write_bytes(texte.encode("utf-8-sig"))
    df = charger("quartiers", dossier_donnees)
    assert "Montchapet" in set(df["nom"])


def test_catalogue_incomplet(dossier_donnees):
    remplacer(dossier_donnees / "catalogue.yaml", "    licence: Document administratif public ; aucune licence de réutilisation n'est précisée dans le document.\n", "", 1)
    with pytest.raises(ErreurDonnees) as e:
        lire_catalogue(dossier_donnees)
    assert "entrée n° 1 : champ(s) manquant(s) : licence" in str(e.value)


def test_message_limite_le_nombre_de_problemes(dossier_donnees):
    fichier = dossier_donnees / "portrait.csv"
    for i in range(1, 31):
        modifier_cellule(fichier, f"P{i:03d}", "unite", "")
    e = erreur(dossier_donnees, "portrait")
    assert len(e.problemes) > ErreurDonnees.MAX_AFFICHES
    assert f"… et {len(e.problemes) - ErreurDonnees.MAX_AFFICHES} autre(s)." in str(e)


def test_rattachement_iris_complet():
    """Les 66 IRIS de Dijon ont chacun un quartier, une confiance et une raison."""
    rattachement = charger("iris_quartiers")
    assert len(rattachement) == 66 and rattachement["code_iris"].str.startswith("21231").all()
    assert set(rattachement["confiance"]) == {"sûr", "probable", "à vérifier"}
    assert rattachement["raison"].str.len().gt(20).all()
    assert rattachement["auteur"].str.contains("équipe").all()
    assert set(rattachement["quartier"]) == set(charger("quartiers")["nom"])


def test_decision_sur_un_equipement_inconnu(dossier_donnees):
    modifier_cellule(dossier_donnees / "equipements_quartiers.csv", "EQ001", "id", "EQ999")
    e = erreur(dossier_donnees, "equipements_quartiers")
    assert "équipement inconnu « EQ999 »" in str(e) and e.problemes[0].colonne == "id"
