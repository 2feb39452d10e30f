"""Un import ne perd rien et ne cache rien (issue 12, partie 5).

- conflits : l'aperçu confirmé est celui que l'éditeur a vu (versions comprises) ; chaque valeur en
  conflit d'un lot est gardée dans ``conflits`` avec la version trouvée ; rien du lot n'est écrit ;
- lecture : encodages, séparateurs, lignes vides ou mal séparées, guillemet non fermé, cellules en
  erreur d'un classeur, octet nul, périodes non ASCII ou hors plage : des messages en français qui
  nomment le fichier, la ligne et la colonne ;
- limites (taille, lignes, colonnes, cellules) vérifiées avant la lecture, classeur lu en flux ;
- le magasin refuse les valeurs infinies, « nan » et les caractères nuls ;
- après un import, l'aperçu disparaît ; le même fichier réimporté est « identique ».
"""

from __future__ import annotations

import io
import re
import threading
import time
import tracemalloc
import zipfile

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa

from ctg_data import saisie
from ctg_data.erreurs import ErreurDonnees
from ctg_data.plan import charger_plan
from ctg_data.stockage import ConflitSaisie, ErreurStockage, Stockage, valeurs
from tests.conftest import DONNEES, ouvrir_page, textes_affiches

PLAN = "ctg-dijon-2024-2027"
MOT_DE_PASSE = "un mot de passe assez long"
ZONES = ["Dijon", "Grésilles"]
ENTETE = "indicateur;zone;periode;valeur;commentaire;source"
MOTS_ANGLAIS = re.compile(r"Error|Exception|Traceback|unexpected|expected|line \d|field|codec|decode", re.I)


@pytest.fixture(scope="module")
def plan():
    return charger_plan(PLAN, DONNEES)


@pytest.fixture
def magasin(stockage):
    """Le magasin neuf à deux éditeurs de tests/conftest.py (SQLite puis PostgreSQL)."""
    return stockage


@pytest.fixture
def magasin_des_pages():
    """Le magasin que les pages (AppTest) utilisent : la base SQLite neuve du test (conftest)."""
    s = Stockage()
    s.creer_compte("agent1", "Agent Un", MOT_DE_PASSE)
    s.creer_compte("agent2", "Agent Deux", MOT_DE_PASSE)
    yield s
    s.moteur.dispose()


def identites(magasin):
    return magasin.authentifier("agent1", MOT_DE_PASSE), magasin.authentifier("agent2", MOT_DE_PASSE)


def csv_octets(lignes: list[str], separateur: str = ";", encodage: str = "utf-8") -> bytes:
    return ("\n".join([ENTETE.replace(";", separateur), *lignes]) + "\n").encode(encodage)


def erreur(contenu: bytes, nom: str, plan) -> ErreurDonnees:
    with pytest.raises(ErreurDonnees) as e:
        saisie.valider(saisie.lire_fichier(contenu, nom), plan, ZONES, nom)
    message = e.value.message()
    assert message.startswith(f"Le fichier « {nom} »"), message
    assert not MOTS_ANGLAIS.search(message), message  # jamais un nom d'exception ni un message anglais
    return e.value


def problemes(e: ErreurDonnees) -> list[tuple]:
    return [(p.ligne, p.colonne) for p in e.problemes]


# --- 1. Conflits contre ce que l'éditeur a vu ---------------------------------------------------


def test_lot_en_conflit_garde_chaque_valeur(magasin):
    """Avant : seule la première valeur en conflit d'un lot était gardée, et le message n'en citait
    qu'une. Maintenant : toutes, avec la ligne du fichier et les deux valeurs ; rien du lot n'est écrit."""
    a, b = identites(magasin)
    lot = [
        {"ligne": 2, "indicateur": "JE1-I1", "zone": "Dijon", "periode": "2025", "valeur": 31.0, "source": "A", "version_vue": 0},
        {"ligne": 3, "indicateur": "JE1-I2", "zone": "Dijon", "periode": "2025", "valeur": 5.0, "source": "A", "version_vue": 0},
        {"ligne": 4, "indicateur": "JE1-I3", "zone": "Dijon", "periode": "2025", "valeur_texte": "ouvert", "source": "A",
         "version_vue": 0},
    ]
    for indicateur, valeur in (("JE1-I1", 30), ("JE1-I3", 7)):  # B enregistre entre l'aperçu de A et sa confirmation
        magasin.enregistrer_valeur(b, PLAN, indicateur, "Dijon", "2025", valeur=valeur, source="B", version_vue=0)
    with pytest.raises(ConflitSaisie) as e:
        magasin.enregistrer_lot(a, PLAN, lot)
    message = str(e.value)
    assert "ligne 2 : JE1-I1 (Dijon, 2025) : agent2 a enregistré 30 (version 1) ; votre valeur : 31" in message
    assert "ligne 4 : JE1-I3 (Dijon, 2025) : agent2 a enregistré 7 (version 1) ; votre valeur : ouvert" in message
    assert "Rien de ce lot n'a été enregistré" in message and "JE1-I2" not in message
    historique = magasin.historique(PLAN)
    assert sorted(historique["indicateur"]) == ["JE1-I1", "JE1-I3"] and set(historique["auteur"]) == {"agent2"}
    gardes = magasin.conflits(PLAN).set_index("indicateur")
    assert sorted(gardes.index) == ["JE1-I1", "JE1-I3"]
    assert gardes.loc["JE1-I1", "valeur_proposee"] == 31 and gardes.loc["JE1-I3", "texte_propose"] == "ouvert"
    assert set(gardes["version_vue"]) == {0} and set(gardes["version_trouvee"]) == {1}
    assert set(gardes["auteur"]) == {"agent1"}


def test_lot_simultane_garde_chaque_valeur(magasin, monkeypatch):
    """Deux lots au même moment : B enregistre après que A a lu les versions, avant qu'il n'écrive ;
    la base refuse A (contrainte d'unicité). Avant : aucune valeur de A n'était gardée. Maintenant :
    chacune, avec la version trouvée, et le message les cite."""
    from ctg_data import stockage as module

    a, b = identites(magasin)
    vrai_maintenant = module.maintenant
    declenche = threading.Event()

    def maintenant_avec_b():
        if not declenche.is_set():  # au moment où A va écrire (versions déjà lues), B passe avant
            declenche.set()
            magasin.enregistrer_lot(b, PLAN, [
                {"indicateur": i, "zone": "Dijon", "periode": "2025", "valeur": 1.0, "source": "B", "version_vue": 0}
                for i in ("JE1-I1", "JE1-I2")])
        return vrai_maintenant()

    monkeypatch.setattr(module, "maintenant", maintenant_avec_b)
    lot = [{"ligne": n, "indicateur": i, "zone": "Dijon", "periode": "2025", "valeur": 2.0, "source": "A", "version_vue": 0}
           for n, i in ((2, "JE1-I1"), (3, "JE1-I2"), (4, "JE1-I3"))]
    with pytest.raises(ConflitSaisie) as e:
        magasin.enregistrer_lot(a, PLAN, lot)
    assert "ligne 2 : JE1-I1" in str(e.value) and "ligne 3 : JE1-I2" in str(e.value)
    assert "Rien de ce lot n'a été enregistré" in str(e.value)
    assert set(magasin.historique(PLAN)["auteur"]) == {"agent2"} and len(magasin.historique(PLAN)) == 2
    gardes = magasin.conflits(PLAN)
    assert sorted(gardes["indicateur"]) == ["JE1-I1", "JE1-I2"] and set(gardes["valeur_proposee"]) == {2.0}
    assert set(gardes["version_trouvee"]) == {1}


def importer_dans_la_page(at, nom: str, contenu: bytes):
    at.get("file_uploader")[0].set_value((nom, contenu, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    return next((d.value for d in at.dataframe if "action" in d.value.columns), None)


def sans_echappement(texte: str) -> str:
    return texte.replace("\\", "")


def test_deux_editeurs_un_import_aucune_mise_a_jour_perdue(magasin_des_pages):
    """A prévisualise un import ; B enregistre la même valeur ; A confirme. Avant : la valeur de B était
    remplacée sans conflit (aperçu recalculé à la confirmation) et ``conflits`` restait vide. Maintenant :
    conflit, rien du lot écrit, la valeur de A gardée dans ``conflits`` avec la version de B ; le nouvel
    aperçu montre la valeur de B, et A peut alors confirmer en connaissance de cause."""
    magasin = magasin_des_pages
    a, b = identites(magasin)
    at = ouvrir_page("saisie", identite=a)
    apercu = importer_dans_la_page(at, "import.csv", csv_octets(["JE1-I1;Dijon;2025;31;;Bilan A", "JE1-I2;Dijon;2025;4;;Bilan A"]))
    assert list(apercu["action"]) == ["nouvelle valeur", "nouvelle valeur"]
    magasin.enregistrer_valeur(b, PLAN, "JE1-I1", "Dijon", "2025", valeur=30, source="Bilan B", version_vue=0)
    at.button(key="import_confirmer").click().run()
    assert not at.exception
    message = sans_echappement(at.error[0].value)
    assert "ligne 2 : JE1-I1 (Dijon, 2025) : agent2 a enregistré 30" in message and "votre valeur : 31" in message
    assert "Rien de ce lot n'a été enregistré" in message
    historique = magasin.historique(PLAN)
    assert list(historique["valeur"]) == [30] and list(historique["auteur"]) == ["agent2"]  # rien de A
    garde = magasin.conflits(PLAN)
    assert len(garde) == 1 and garde.iloc[0]["valeur_proposee"] == 31 and garde.iloc[0]["auteur"] == "agent1"
    # Les deux valeurs : celle de A dans « conflits », celle de B à la version trouvée.
    trouvee = historique[(historique["indicateur"] == "JE1-I1") & (historique["version"] == garde.iloc[0]["version_trouvee"])]
    assert list(trouvee["valeur"]) == [30] and list(trouvee["auteur"]) == ["agent2"]
    # Nouvel aperçu, contre les valeurs actuelles : A voit la valeur de B avant de confirmer de nouveau.
    apercu = next(d.value for d in at.dataframe if "action" in d.value.columns)
    ligne = apercu.set_index("indicateur").loc["JE1-I1"]
    assert ligne["action"] == "modification" and ligne["ancienne_valeur"] == 30
    at.button(key="import_confirmer").click().run()
    assert "Import terminé : 2 valeur(s) enregistrée(s)" in sans_echappement(textes_affiches(at))
    historique = magasin.historique(PLAN)
    assert list(historique.loc[historique["indicateur"] == "JE1-I1", "valeur"]) == [30, 31]  # B reste dans l'historique


# --- 5. Après l'import : l'aperçu disparaît ; le même fichier est « identique » --------------------


def test_apres_import_apercu_disparait_et_reimport_identique(magasin_des_pages):
    """Avant : après la confirmation, l'aperçu et le bouton restaient, et un commentaire vide (NaN pour
    pandas) faisait d'une valeur inchangée une « modification ». Maintenant : le champ est vidé, et le
    même fichier (CSV puis XLSX) ne propose rien à enregistrer."""
    magasin = magasin_des_pages
    a, _ = identites(magasin)
    lignes = ["JE1-I1;Dijon;2025;12,5;;Bilan", "JE1-I2;Dijon;2025;1 234;un commentaire;Bilan",
              "JE1-I3;Grésilles;2025-S1;0,1;;Comptage", "PE1-I1;Dijon;2025;7;;Bilan"]
    contenu = csv_octets(lignes)
    at = ouvrir_page("saisie", identite=a)
    apercu = importer_dans_la_page(at, "import.csv", contenu)
    assert set(apercu["action"]) == {"nouvelle valeur"}
    at.button(key="import_confirmer").click().run()
    assert "Import terminé : 4 valeur(s) enregistrée(s)" in sans_echappement(textes_affiches(at))
    assert not [d for d in at.dataframe if "action" in d.value.columns]  # l'aperçu a disparu…
    assert not [b for b in at.button if b.key == "import_confirmer"]  # … et son bouton aussi
    assert at.get("file_uploader")[0].value is None
    apercu = importer_dans_la_page(at, "import.csv", contenu)
    assert set(apercu["action"]) == {saisie.IDENTIQUE}, apercu[["indicateur", "action"]]
    assert not [b for b in at.button if b.key == "import_confirmer"]
    assert "Rien à enregistrer" in textes_affiches(at)
    classeur = saisie.lire_fichier(contenu, "import.csv").reset_index(drop=True)
    apercu = importer_dans_la_page(at, "import.xlsx", saisie.en_xlsx(classeur, nom_feuille="Saisie"))
    assert set(apercu["action"]) == {saisie.IDENTIQUE}, apercu[["indicateur", "action"]]
    assert len(magasin.historique(PLAN)) == 4


def test_identique_compare_nombres_et_textes(magasin, plan):
    """La comparaison de l'aperçu : 12,5 = 12.5, texte égal au texte, commentaire vide = None = NaN ;
    une source ou un commentaire différents font une modification."""
    a, _ = identites(magasin)
    magasin.enregistrer_lot(a, PLAN, [
        {"indicateur": "JE1-I1", "zone": "Dijon", "periode": "2025", "valeur": 12.5, "source": "Bilan", "version_vue": 0},
        {"indicateur": "JE1-I2", "zone": "Dijon", "periode": "2025", "valeur": 3.0, "commentaire": "vu", "source": "Bilan",
         "version_vue": 0},
    ])
    contenu = csv_octets(["JE1-I1;Dijon;2025;12,50;;Bilan", "JE1-I2;Dijon;2025;3;vu;Bilan"])
    apercu = saisie.preparer_import(contenu, "f.csv", plan, ZONES, magasin.valeurs_courantes(PLAN)).tableau
    assert list(apercu["action"]) == [saisie.IDENTIQUE] * 2
    contenu = csv_octets(["JE1-I1;Dijon;2025;12,5;;Autre bilan", "JE1-I2;Dijon;2025;3;;Bilan"])
    apercu = saisie.preparer_import(contenu, "f.csv", plan, ZONES, magasin.valeurs_courantes(PLAN)).tableau
    assert list(apercu["action"]) == ["modification"] * 2


def test_fichier_lu_une_fois_par_contenu(monkeypatch, magasin_des_pages):
    """Avant : chaque clic relisait et revalidait le fichier déposé. Maintenant : lu une fois (clé :
    l'empreinte de son contenu), l'aperçu gardé dans la session."""
    magasin = magasin_des_pages
    lectures = []
    vraie_lecture = saisie.lire_fichier
    monkeypatch.setattr(saisie, "lire_fichier", lambda contenu, nom: lectures.append(nom) or vraie_lecture(contenu, nom))
    at = ouvrir_page("saisie", identite=magasin.authentifier("agent1", MOT_DE_PASSE))
    importer_dans_la_page(at, "import.csv", csv_octets(["JE1-I1;Dijon;2025;12;;Bilan"]))
    for _ in range(3):  # d'autres clics sur la page
        at.text_input(key="une_periode").set_value("2024").run()
        at.text_input(key="une_periode").set_value("2025").run()
    assert lectures == ["import.csv"]


# --- 2. Rien d'ignoré en silence, rien de mal lu -----------------------------------------------

ENCODAGES = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"]


@pytest.mark.parametrize("encodage", ENCODAGES)
@pytest.mark.parametrize("separateur", [";", ",", "\t"])
def test_encodages_et_separateurs(plan, encodage, separateur):
    """Avant : UTF-16 sans BOM lu comme « six colonnes absentes », tabulation et Latin-1 refusés."""
    valeur = '"12,5"' if separateur == "," else "12,5"
    contenu = csv_octets([separateur.join(["JE1-I1", "Grésilles", "2025", valeur, "Été « très » réussi", "Bilan œuvre"])],
                         separateur, encodage)
    df = saisie.lire_fichier(contenu, "f.csv")
    lignes = saisie.valider(df, plan, ZONES, "f.csv")
    assert [(l["ligne"], l["zone"], l["valeur"], l["commentaire"], l["source"]) for l in lignes] == [
        (2, "Grésilles", 12.5, "Été « très » réussi", "Bilan œuvre")]
    assert {";": "point-virgule", ",": "virgule", "\t": "tabulation"}[separateur] in df.attrs["lecture"]


def test_lignes_ignorees_listees(plan):
    """Avant : les lignes du modèle non remplies, et celles où seule la source l'était, disparaissaient
    sans un mot. Maintenant : vides ou modèle non rempli -> listées avec leur numéro ; une ligne où
    quelque chose est rempli (source, commentaire) sans période ni valeur -> erreur à sa ligne."""
    contenu = csv_octets(["JE1-I1;Dijon;2025;12;;Bilan", "JE1-I2;Dijon;;;;", ";;;;;", "", "JE1-I3;Dijon;;;;",
                          "JE1-I4;Dijon;;;;"])
    resultat = saisie.preparer_import(contenu, "f.csv", plan, ZONES, pd.DataFrame())
    assert resultat.lignes_ignorees == [(3, "ligne du modèle non remplie"), (4, "ligne vide"), (5, "ligne vide"),
                                        (6, "ligne du modèle non remplie"), (7, "ligne du modèle non remplie")]
    resume = "\n".join(resultat.resume())
    assert "Non importée(s) (ligne du modèle non remplie, 3) : ligne(s) 3, 6 à 7." in resume
    assert "Non importée(s) (ligne vide, 2) : ligne(s) 4 à 5." in resume
    e = erreur(csv_octets(["JE1-I1;Dijon;2025;12;;Bilan", "JE1-I2;Dijon;;;;Bilan", "JE1-I3;Dijon;;;à revoir;"]), "f.csv", plan)
    assert {(3, "periode"), (3, "valeur"), (4, "periode"), (4, "valeur"), (4, "source")} <= set(problemes(e))


def test_colonnes_non_importees_dites(plan):
    contenu = ("indicateur;zone;periode;valeur;commentaire;source;libelle;remarque\n"
               "JE1-I1;Dijon;2025;12;;Bilan;Nombre de jeunes;à vérifier\n").encode()
    resume = " ".join(saisie.preparer_import(contenu, "f.csv", plan, ZONES, pd.DataFrame()).resume())
    assert "« libelle (aide à la saisie) », « remarque »" in resume


def test_ligne_d_un_autre_separateur(plan):
    """Avant : une ligne séparée par des virgules dans un fichier à points-virgules était perdue
    (« 1 ligne lue »). Maintenant : erreur à sa ligne."""
    e = erreur(csv_octets(["JE1-I1;Dijon;2025;12;;Bilan", "JE1-I2,Dijon,2025,3,,Bilan", "JE1-I3;Dijon;2025"]), "f.csv", plan)
    assert problemes(e) == [(3, None), (4, None)]
    assert "séparée par « , » alors que le fichier l'est par « ; »" in e.problemes[0].message
    assert "3 champ(s) sur cette ligne, 6 attendus" in e.problemes[1].message


@pytest.mark.parametrize("contenu,attendu,lieu", [
    (b"", "le fichier est vide", None),
    (b"\xef\xbb\xbf  \n\n", "le fichier est vide", None),
    (b"\n" + csv_octets(["JE1-I1;Dijon;2025;12;;Bilan"]), "la première ligne est vide", (1, None)),
    (csv_octets(['JE1-I1;Dijon;2025;12;"pas fermé;Bilan', "JE1-I2;Dijon;2025;1;;B"]), "guillemet ouvert", (2, None)),
    (csv_octets(['JE1-I1;Dijon;2025;12;"a"b;Bilan']), "texte collé après un guillemet", (2, None)),
    (csv_octets(["JE1-I1;Dijon;2025;12;a\x00b;Bilan"]), "caractère nul (octet 0)", (2, "commentaire")),
    (csv_octets(["JE1-I1;Dijon;2025;12;a\x0bb;Bilan"]), "caractère de contrôle invisible", (2, "commentaire")),
    (csv_octets(["JE1-I1;Grésilles;2025;12;;Bilan"]) + "JE1-I2;Grésilles;2025;1;;B\n".encode("cp1252"),
     "mélange deux encodages", (3, None)),
    (csv_octets(["JE1-I1;Dijon;2025;12;;Bilan"], encodage="utf-32"), "UTF-32", None),
    (b"\xff\xfe" + "indicateur;zone\n".encode("utf-16-le") + b"\x00\xd8", "séquence d'octets invalide", (2, None)),
])
def test_fichiers_mal_formes_messages_francais(plan, contenu, attendu, lieu):
    """Avant : « fichier illisible (EmptyDataError / ParserError / Error) » sans ligne, octet nul accepté."""
    e = erreur(contenu, "f.csv", plan)
    assert any(attendu in p.message for p in e.problemes), e.message()
    if lieu:
        assert lieu in problemes(e)


@pytest.mark.parametrize("periode,attendu", [
    ("２０２５", "écrivez « 2025 »"), ("２０２５-S1", "écrivez « 2025-S1 »"), ("٢٠٢٥", "chiffres non ASCII"),
    ("0000", "n'est pas plausible (admises : 1990 à 2100)"), ("9999", "n'est pas plausible"),
    ("1989", "n'est pas plausible"), ("2101-T1", "n'est pas plausible"),
])
def test_periodes_ascii_et_plausibles(plan, magasin, periode, attendu):
    """Avant : « ２０２５ » acceptée comme une autre période que « 2025 », 0000 et 9999 acceptées.
    Maintenant : refusées à l'import (ligne, colonne) et par le magasin (appel direct)."""
    e = erreur(csv_octets([f"JE1-I1;Dijon;{periode};12;;Bilan"]), "f.csv", plan)
    assert problemes(e) == [(2, "periode")] and attendu in e.problemes[0].message
    a, _ = identites(magasin)
    with pytest.raises(ErreurStockage, match=re.escape(attendu)):
        magasin.enregistrer_valeur(a, PLAN, "JE1-I1", "Dijon", periode, valeur=1, source="s", version_vue=0)
    assert magasin.historique(PLAN).empty


@pytest.mark.parametrize("periode", ["1990", "2025", "2025-S2", "2025-T4", "2025-12", "2100"])
def test_periodes_admises(plan, periode):
    assert saisie.valider(saisie.lire_fichier(csv_octets([f"JE1-I1;Dijon;{periode};1;;B"]), "f.csv"), plan, ZONES, "f.csv")


def test_magasin_refuse_infini_nan_et_caracteres_nuls(magasin):
    """Avant : « inf » enregistré (la page du plan tombait ensuite pour tout le monde), « nan » pris
    pour une valeur vide, octet nul envoyé tel quel à PostgreSQL (trace SQL à l'écran). Maintenant :
    refus en français, rien d'écrit."""
    a, _ = identites(magasin)
    cas = [
        ({"valeur": float("inf")}, "n'est pas un nombre fini"), ({"valeur": float("-inf")}, "n'est pas un nombre fini"),
        ({"valeur": float("nan")}, "n'est pas un nombre fini"), ({"valeur": 10**400}, "n'est pas un nombre fini"),
        ({"valeur": "abc"}, "n'est pas un nombre"), ({"valeur": True}, "n'est pas un nombre"),
        ({"valeur_texte": "a\x00b"}, "caractère de contrôle"), ({"valeur": 1, "commentaire": "\x00"}, "caractère de contrôle"),
        ({"valeur": 1, "source": "Bilan\x00"}, "caractère de contrôle"),
    ]
    for champs, attendu in cas:
        arguments = {"source": "s"} | champs
        with pytest.raises(ErreurStockage, match=attendu):
            magasin.enregistrer_valeur(a, PLAN, "JE1-I1", "Dijon", "2025", version_vue=0, **arguments)
    with pytest.raises(ErreurStockage, match="n'est pas un nombre fini") as e:
        magasin.enregistrer_lot(a, PLAN, [
            {"ligne": 2, "indicateur": "JE1-I1", "zone": "Dijon", "periode": "2025", "valeur": 1.0, "source": "s", "version_vue": 0},
            {"ligne": 3, "indicateur": "JE1-I2", "zone": "Dijon", "periode": "2025", "valeur": float("inf"), "source": "s",
             "version_vue": 0}])
    assert "ligne 3 : JE1-I2 (Dijon, 2025)" in str(e.value) and "rien de ce lot n'a été enregistré" in str(e.value)
    assert magasin.historique(PLAN).empty
    with magasin.moteur.begin() as c:  # rien non plus par un autre chemin
        assert c.execute(sa.select(sa.func.count()).select_from(valeurs)).scalar() == 0


# --- Classeurs : cellules en erreur, dimensions fausses, limites ------------------------------


def classeur(lignes: list[list], erreurs: dict[str, str] | None = None, dimension: str | None = None) -> bytes:
    """Un classeur XLSX ; ``erreurs`` : cellule -> code d'erreur en cache (#N/A…) ; ``dimension`` :
    la dimension écrite dans la feuille (fausse au besoin)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Saisie"
    for ligne in lignes:
        ws.append(ligne)
    for cellule in erreurs or {}:
        ws[cellule] = "=NA()"
    tampon = io.BytesIO()
    wb.save(tampon)
    source = zipfile.ZipFile(io.BytesIO(tampon.getvalue()))
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            donnees = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                for cellule, code in (erreurs or {}).items():
                    donnees = re.sub(rf'<c r="{cellule}"[^>]*><f>NA\(\)</f><v\s*/>'.encode(),
                                     f'<c r="{cellule}" t="e"><f>NA()</f><v>{code}</v>'.encode(), donnees)
                if dimension:
                    donnees = re.sub(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>'.encode(), donnees)
            z.writestr(info.filename, donnees)
    return sortie.getvalue()


EN_TETE = ["indicateur", "zone", "periode", "valeur", "commentaire", "source"]


def test_cellules_en_erreur_d_un_classeur(plan):
    """Avant : « #N/A » ou « #DIV/0! » lus comme une valeur vide (« valeur manquante ») ou une trace.
    Maintenant : la cellule en erreur est nommée, avec sa ligne et sa colonne."""
    contenu = classeur([EN_TETE, ["JE1-I1", "Dijon", "2025", None, None, "Bilan"], ["JE1-I2", "Dijon", "2025", 3, None, None]],
                       erreurs={"D2": "#N/A", "F3": "#DIV/0!"})
    e = erreur(contenu, "saisie.xlsx", plan)
    assert problemes(e) == [(2, "valeur"), (3, "source")]
    assert "cellule en erreur « #N/A »" in e.problemes[0].message and "« #DIV/0! »" in e.problemes[1].message


def test_classeur_nombres_dates_et_dimension_fausse(plan):
    """Nombres du classeur lus sans perte (12.5, 2025.0 -> 2025) ; une dimension écrite fausse (A1:F1)
    ne fait perdre aucune ligne ; une période changée en date par le tableur est signalée."""
    import datetime as dt

    lignes = [EN_TETE, ["JE1-I1", "Dijon", 2025, 12.5, None, "Bilan"], ["JE1-I2", "Dijon", 2025.0, 1e20, None, "Bilan"],
              ["JE1-I3", "Dijon", "2025-S1", 0.1, "ok", "Bilan"]]
    lues = saisie.valider(saisie.lire_fichier(classeur(lignes, dimension="A1:F1"), "s.xlsx"), plan, ZONES, "s.xlsx")
    assert [(l["ligne"], l["periode"], l["valeur"]) for l in lues] == [(2, "2025", 12.5), (3, "2025", 1e20), (4, "2025-S1", 0.1)]
    e = erreur(classeur([EN_TETE, ["JE1-I1", "Dijon", dt.datetime(2025, 3, 1), 1, None, "B"]]), "s.xlsx", plan)
    assert problemes(e) == [(2, "periode")] and "format Texte" in e.problemes[0].message


def test_classeur_ligne_geante_refusee_vite():
    """Avant : un classeur de 27 Ko avec une ligne de 200 000 cellules lu en 51 s et 1,8 Go. Maintenant :
    refusé à la 51ᵉ colonne remplie, sans charger la ligne."""
    base = classeur([EN_TETE])
    source = zipfile.ZipFile(io.BytesIO(base))
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            donnees = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                donnees = donnees.replace(b"</row></sheetData>", b'</row><row r="2">' + b"<c><v>1</v></c>" * 200_000
                                          + b"</row></sheetData>")
            z.writestr(info.filename, donnees)
    contenu = sortie.getvalue()
    assert len(contenu) < 40_000
    tracemalloc.start()
    debut = time.perf_counter()
    with pytest.raises(ErreurDonnees) as e:
        saisie.lire_fichier(contenu, "geant.xlsx")
    duree = time.perf_counter() - debut
    pic = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert duree < 3 and pic < 50 * 1024 * 1024, (duree, pic)
    assert problemes(e.value) == [(2, "AY")] and f"{saisie.COLONNES_MAX} colonnes au plus" in e.value.problemes[0].message


def test_limites_verifiees_avant_la_lecture(plan, monkeypatch):
    """Taille (avant toute lecture), lignes, colonnes, cellules, archive décompressée."""
    e = erreur(b"x" * (saisie.TAILLE_MAX_OCTETS + 1), "lourd.csv", plan)
    assert "fichier trop lourd" in e.problemes[0].message and "10 Mo au plus" in e.problemes[0].message
    monkeypatch.setattr(saisie, "LIGNES_MAX", 5)
    e = erreur(csv_octets(["JE1-I1;Dijon;2025;1;;B"] * 8), "long.csv", plan)
    assert problemes(e) == [(7, None)] and "plus de 5 lignes de données" in e.problemes[0].message
    e = erreur(classeur([EN_TETE] + [["JE1-I1", "Dijon", "2025", 1, None, "B"]] * 8), "long.xlsx", plan)
    assert problemes(e) == [(7, None)] and "plus de 5 lignes de données" in e.problemes[0].message
    e = erreur(csv_octets([";".join(["x"] * 60)]), "large.csv", plan)
    assert problemes(e) == [(2, None)] and "50 colonnes" in e.problemes[0].message
    monkeypatch.setattr(saisie, "CELLULES_MAX", 20)
    e = erreur(csv_octets(["JE1-I1;Dijon;2025;1;;B"] * 3), "cellules.csv", plan)
    assert problemes(e) == [(4, None)] and "20 cellules" in e.problemes[0].message
    monkeypatch.setattr(saisie, "XLSX_DECOMPRESSE_MAX", 1000)
    e = erreur(classeur([EN_TETE]), "archive.xlsx", plan)
    assert "trop volumineux une fois décompressé" in e.problemes[0].message


@pytest.mark.parametrize("contenu,nom,attendu", [
    (b"PK\x03\x04" + b"\x00" * 40, "f.xlsx", "classeur XLSX illisible"),
    (b"\xd0\xcf\x11\xe0" + b"\x00" * 40, "f.xls", "Excel 97-2003"),
    (b"indicateur;zone", "f.xlsx", "n'est pas un classeur XLSX"),
])
def test_classeurs_illisibles(plan, contenu, nom, attendu):
    assert attendu in erreur(contenu, nom, plan).problemes[0].message


def test_lot_avec_doublon_refuse(magasin):
    """Deux fois la même clé dans un lot (appel direct) : refus clair, pas un faux conflit."""
    a, _ = identites(magasin)
    ligne = {"indicateur": "JE1-I1", "zone": "Dijon", "periode": "2025", "valeur": 1.0, "source": "s", "version_vue": 0}
    with pytest.raises(ErreurStockage, match=r"deux fois la même valeur .* JE1-I1 \(Dijon, 2025\)"):
        magasin.enregistrer_lot(a, PLAN, [ligne, ligne | {"valeur": 2.0}])
    assert magasin.historique(PLAN).empty and magasin.conflits(PLAN).empty
