"""Tests à données aléatoires (hypothesis) de tous les importeurs.

Chaque importeur reçoit des fichiers aléatoires ou des variantes abîmées des vrais fichiers
(octets modifiés, lignes supprimées ou doublées, cellules remplacées par des guillemets,
points-virgules, sauts de ligne, octets non UTF-8, très grands nombres, fichier vide…). L'import des
valeurs est essayé dans chaque encodage (UTF-8 avec ou sans BOM, UTF-16 avec ou sans BOM,
Windows-1252) et avec chaque séparateur (; , tabulation), qui doivent tous donner la même lecture.
Deux issues seulement sont admises :

- des données acceptées ;
- une ``ErreurDonnees`` en français qui nomme le fichier (et la ligne / la colonne s'il y a lieu).

Aucune autre exception, et jamais d'écriture partielle (base des saisies, cache du géocodage).
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ctg_data import catalogue, geocodage, saisie
from ctg_data.erreurs import ErreurDonnees
from ctg_data.geocodage import Adresse, Cache
from ctg_data.plan import Plan, charger_plan
from ctg_data.stockage import ConflitSaisie, ErreurStockage, Stockage

RACINE = Path(__file__).resolve().parent.parent
DONNEES = RACINE / "data"
FICHIER_BAN = RACINE / "tests" / "fixtures" / "ban" / "adresses-21-extrait.csv"
ID_PLAN = "ctg-dijon-2024-2027"
NOM_PLAN = f"plans/{ID_PLAN}/plan.yaml"
MOT_DE_PASSE = "un mot de passe assez long"

REGLAGES = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- Stratégies de mutation ------------------------------------------------------------------

PIEGES = [
    b'"', b'""', b'"a""b"', b";", b",", b"\n", b"\r", b"\r\n", b"\xff", b"\xe9", b"\xc3", b"\x00",
    b"99999999999999999999999999999999", b"-99999999999999999999", b"1e309", b"-0", b"nan", b"inf",
    b"NaN", b"\xef\xbb\xbf", b"oui", b"non", b"\xe2\x80\xa8", b"\x1c", b"\x0b", b" ", b"\t", b"#",
    "Grésilles".encode(), b"Dijon", b"2025", b"12,5", b"\xc2\xb2", b"\xd9\xa3", b"47.33", b"5.06",
]

cellule = st.one_of(
    st.sampled_from(PIEGES),
    st.lists(st.sampled_from(PIEGES), min_size=1, max_size=4).map(b"".join),
    st.binary(max_size=12),
    st.text(max_size=12).map(lambda t: t.encode("utf-8", "surrogatepass")),
)


@st.composite
def mutation(draw, original: bytes, separateur: bytes = b","):
    """Une variante abîmée de ``original`` : 1 à 4 opérations aléatoires."""
    if draw(st.integers(0, 30)) == 0:
        return draw(st.sampled_from([b"", b"\n", b"\xef\xbb\xbf", b"   \n\n"]))
    contenu = original
    for _ in range(draw(st.integers(1, 4))):
        lignes = contenu.split(b"\n")
        op = draw(st.sampled_from(
            ["octet", "supprimer", "dupliquer", "cellule", "cellule", "cellule", "tronquer", "echanger", "inserer"]
        ))
        if op == "octet" and contenu:
            i = draw(st.integers(0, len(contenu) - 1))
            contenu = contenu[:i] + bytes([draw(st.integers(0, 255))]) + contenu[i + 1:]
            continue
        if op == "tronquer":
            contenu = contenu[: draw(st.integers(0, len(contenu)))]
            continue
        if op == "inserer":
            i = draw(st.integers(0, len(lignes)))
            lignes.insert(i, separateur.join(draw(st.lists(cellule, max_size=6))))
        elif lignes:
            i = draw(st.integers(0, len(lignes) - 1))
            if op == "supprimer":
                del lignes[i]
            elif op == "dupliquer":
                lignes.insert(i, lignes[i])
            elif op == "echanger":
                j = draw(st.integers(0, len(lignes) - 1))
                lignes[i], lignes[j] = lignes[j], lignes[i]
            elif op == "cellule":
                champs = lignes[i].split(separateur)
                j = draw(st.integers(0, len(champs) - 1))
                champs[j] = draw(cellule)
                lignes[i] = separateur.join(champs)
        contenu = b"\n".join(lignes)
    return contenu


def fichier_abime(original: bytes, separateur: bytes = b","):
    return st.one_of(mutation(original, separateur), st.binary(max_size=300))


def verifier_erreur(erreur: ErreurDonnees, *noms: str) -> None:
    """L'erreur nomme le fichier, et chaque problème situé l'est à une ligne plausible."""
    assert erreur.fichier in noms, (erreur.fichier, noms)
    assert any(nom in str(erreur) for nom in noms), str(erreur)
    assert str(erreur).startswith("Le fichier « ")
    for p in erreur.problemes:
        assert p.message
        assert p.ligne is None or p.ligne >= 1, p


# --- 1. Jeux de données CSV (catalogue.charger) ----------------------------------------------


@pytest.fixture(scope="module")
def copie_donnees(tmp_path_factory) -> Path:
    copie = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(DONNEES, copie)
    return copie


JEUX = {"equipements": "equipements.csv", "portrait": "portrait.csv", "quartiers": "quartiers.csv"}


@pytest.mark.parametrize("id_jeu", sorted(JEUX))
@REGLAGES
@given(donnees=st.data())
def test_charger_jeu_abime_donne_donnees_ou_erreur_francaise(copie_donnees, id_jeu, donnees):
    """Un CSV abîmé est soit accepté (tableau), soit refusé par une ErreurDonnees qui le nomme."""
    fichier = copie_donnees / JEUX[id_jeu]
    original = (DONNEES / JEUX[id_jeu]).read_bytes()
    fichier.write_bytes(donnees.draw(fichier_abime(original), label="contenu"))
    try:
        dependants = [id_jeu] + (["equipements", "portrait"] if id_jeu == "quartiers" else [])
        for id_ in dependants:
            try:
                df = catalogue.charger(id_, copie_donnees)
            except ErreurDonnees as e:
                verifier_erreur(e, JEUX[id_], JEUX[id_jeu])
            else:
                assert isinstance(df, pd.DataFrame)
    finally:
        fichier.write_bytes(original)


def test_charger_jeu_intact():
    """Témoin : les vrais fichiers se chargent sans erreur."""
    for id_jeu in JEUX:
        assert not catalogue.charger(id_jeu, DONNEES).empty


# --- 2. Import des valeurs d'indicateurs (saisie) --------------------------------------------


@pytest.fixture(scope="module")
def plan() -> Plan:
    return charger_plan(ID_PLAN, DONNEES)


@pytest.fixture(scope="module")
def zones() -> list[str]:
    return ["Dijon", *catalogue.charger("quartiers", DONNEES)["nom"]]


@pytest.fixture(scope="module")
def modele_xlsx(plan) -> bytes:
    return saisie.modele_xlsx(plan)


@pytest.fixture(scope="module")
def magasin(tmp_path_factory):
    s = Stockage(f"sqlite:///{tmp_path_factory.mktemp('base') / 'fuzz.sqlite3'}")
    s.migrer()
    s.creer_compte("agent1", "Agent Un", MOT_DE_PASSE)
    yield s, s.authentifier("agent1", MOT_DE_PASSE)
    s.moteur.dispose()


valeur_saisie = st.one_of(
    st.sampled_from(["", "12", "12,5", "1 234", "-3", "1e400", "nan", "inf", "oui", "\"", ";", "abc"]),
    st.integers(-10**6, 10**6).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(lambda x: f"{x:g}".replace(".", ",")),
    st.text(max_size=8),
)
periode = st.one_of(
    st.sampled_from(["", "2025", "2025-S1", "2025-S3", "2025-T2", "2025-03", "2025-13", "25", "2025-T2 "]),
    st.integers(2000, 2040).map(str),
)


# Tous les encodages et séparateurs qu'un import accepte (ctg_data.saisie._decoder, _separateur).
ENCODAGES_IMPORT = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"]
SEPARATEURS_IMPORT = [";", ",", "\t"]


def encoder(texte: str, encodage: str) -> bytes:
    """``texte`` dans ``encodage`` ; en UTF-8 si un caractère n'y existe pas (Windows-1252)."""
    try:
        return texte.encode(encodage)
    except UnicodeEncodeError:
        return texte.encode("utf-8")


@st.composite
def modele_rempli(draw, plan: Plan, zones: list[str]) -> bytes:
    """Le modèle d'import du plan, rempli de valeurs aléatoires, en CSV (; , ou tabulation), dans chacun
    des encodages admis (UTF-8 avec ou sans BOM, UTF-16 avec ou sans BOM, Windows-1252)."""
    df = saisie.modele_import(plan)
    n = draw(st.integers(1, min(8, len(df))))
    rangs = draw(st.lists(st.integers(0, len(df) - 1), min_size=n, max_size=n, unique=True))
    for r in rangs:
        df.loc[r, "zone"] = draw(st.one_of(st.sampled_from(zones), st.sampled_from(["", "Paris", "dijon"])))
        df.loc[r, "periode"] = draw(periode)
        df.loc[r, "valeur"] = draw(valeur_saisie)
        df.loc[r, "commentaire"] = draw(st.one_of(st.just(""), st.text(max_size=10)))
        df.loc[r, "source"] = draw(st.one_of(st.just("Bilan annuel"), st.just(""), st.text(max_size=10)))
    sep = draw(st.sampled_from(SEPARATEURS_IMPORT))
    return encoder(df.to_csv(index=False, sep=sep), draw(st.sampled_from(ENCODAGES_IMPORT)))


def importer(contenu: bytes, nom: str, plan: Plan, zones: list[str]) -> list[dict] | None:
    try:
        return saisie.valider(saisie.lire_fichier(contenu, nom), plan, zones, nom)
    except ErreurDonnees as e:
        verifier_erreur(e, nom)
        return None


@REGLAGES
@given(contenu=st.binary(max_size=400), nom=st.sampled_from(["import.csv", "import.xlsx", "IMPORT.XLSM", "import.txt"]))
@example(contenu=b"PK\x03\x04" + b"\x00" * 40, nom="import.xlsx")
@example(contenu=b"indicateur;zone\n\xff", nom="import.csv")
def test_import_octets_aleatoires(plan, zones, contenu, nom):
    """Des octets quelconques, annoncés CSV ou XLSX : lignes acceptées ou ErreurDonnees qui nomme le fichier."""
    resultat = importer(contenu, nom, plan, zones)
    assert resultat is None or isinstance(resultat, list)


@REGLAGES
@given(donnees=st.data())
def test_import_classeur_xlsx_abime(plan, zones, modele_xlsx, donnees):
    """Le modèle XLSX du plan, avec quelques octets changés ou tronqué : jamais d'exception imprévue."""
    original = modele_xlsx
    contenu = bytearray(original)
    for _ in range(donnees.draw(st.integers(1, 5))):
        i = donnees.draw(st.integers(0, len(contenu) - 1))
        contenu[i] = donnees.draw(st.integers(0, 255))
    if donnees.draw(st.booleans()):
        contenu = contenu[: donnees.draw(st.integers(0, len(contenu)))]
    importer(bytes(contenu), "saisie.xlsx", plan, zones)


INJECTIONS = ["aucune", "periode", "source", "valeur", "indicateur", "version_vue"]


@REGLAGES
@given(donnees=st.data())
def test_import_modele_rempli_tout_ou_rien(plan, zones, magasin, donnees):
    """Modèle rempli (puis abîmé) : erreur française, ou lot enregistré en entier ; avec une ligne
    rendue invalide, rien n'est écrit (historique identique avant et après)."""
    stockage, editeur = magasin
    contenu = donnees.draw(modele_rempli(plan, zones), label="modèle")
    entete = contenu.split(b"\n", 1)[0]
    sep = max([b";", b",", b"\t"], key=entete.count)
    if donnees.draw(st.booleans()):
        contenu = donnees.draw(mutation(contenu, sep), label="modèle abîmé")
    lignes = importer(contenu, "import.csv", plan, zones)
    if lignes is None:
        return
    assert lignes and all(set(l) >= {"indicateur", "zone", "periode", "valeur", "source"} for l in lignes)
    a_ecrire = saisie.a_enregistrer(saisie.apercu(lignes, stockage.valeurs_courantes(plan.id)))
    injection = donnees.draw(st.sampled_from(INJECTIONS), label="panne")
    if injection != "aucune" and a_ecrire:
        k = donnees.draw(st.integers(0, len(a_ecrire) - 1))
        a_ecrire[k] = a_ecrire[k] | {
            "periode": {"periode": "2025-13"}, "source": {"source": "  "},
            "valeur": {"valeur": None, "valeur_texte": None}, "indicateur": {"indicateur": ""},
            "version_vue": {"version_vue": a_ecrire[k]["version_vue"] + 7},
        }[injection]
    avant = stockage.historique(plan.id)
    conflits_avant = len(stockage.conflits(plan.id))
    try:
        n = stockage.enregistrer_lot(editeur, plan.id, a_ecrire)
    except ErreurStockage as e:
        assert injection != "aucune", "un lot validé à l'import a été refusé par la base"
        apres = stockage.historique(plan.id)
        pd.testing.assert_frame_equal(avant, apres)
        if isinstance(e, ConflitSaisie):  # chaque valeur en conflit est gardée, avec la version trouvée
            assert len(stockage.conflits(plan.id)) == conflits_avant + len(e.conflits) >= conflits_avant + 1
        return
    apres = stockage.historique(plan.id)
    assert injection == "aucune" or not a_ecrire, "une ligne invalide a été enregistrée"
    assert n == len(a_ecrire) == len(apres) - len(avant)
    assert set(map(tuple, avant[["indicateur", "zone", "periode", "version"]].values)) <= set(
        map(tuple, apres[["indicateur", "zone", "periode", "version"]].values))


texte_de_cellule = st.text(
    alphabet=st.characters(codec="cp1252", exclude_categories=["Cc"], include_characters="\n\t"), max_size=12)


@st.composite
def lignes_importees(draw, plan: Plan, zones: list[str]) -> list[list[str]]:
    """Des lignes d'import (en-tête compris) : cellules plausibles ou quelconques (accents, guillemets,
    séparateurs, sauts de ligne, espaces), toutes écrivables en Windows-1252."""
    indicateurs = list(saisie.modele_import(plan)["indicateur"])
    lignes = [saisie.COLONNES]
    for _ in range(draw(st.integers(1, 6))):
        lignes.append([
            draw(st.one_of(st.sampled_from(indicateurs), texte_de_cellule)),
            draw(st.one_of(st.sampled_from(zones), texte_de_cellule)),
            draw(st.one_of(periode, texte_de_cellule)),
            draw(st.one_of(valeur_saisie.filter(_ecrivable_en_cp1252), texte_de_cellule)),
            draw(texte_de_cellule), draw(st.one_of(st.just("Bilan annuel"), texte_de_cellule)),
        ])
    return lignes


def _ecrivable_en_cp1252(texte: str) -> bool:
    try:
        texte.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return texte.isprintable()


def _utf8_valide(octets: bytes) -> bool:
    try:
        octets.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def lire_et_valider(contenu: bytes, plan: Plan, zones: list[str]):
    """(tableau lu, lignes validées ou problèmes) : ce que l'import fait d'un fichier."""
    try:
        df = saisie.lire_fichier(contenu, "import.csv")
    except ErreurDonnees as e:
        verifier_erreur(e, "import.csv")
        return None, [(p.ligne, p.colonne, p.message) for p in e.problemes]
    try:
        lignes = saisie.valider(df, plan, zones, "import.csv")
    except ErreurDonnees as e:
        verifier_erreur(e, "import.csv")
        lignes = [(p.ligne, p.colonne, p.message) for p in e.problemes]
    return df.reset_index().to_dict("split"), lignes


@REGLAGES
@given(donnees=st.data())
def test_import_meme_lecture_quel_que_soit_l_encodage_et_le_separateur(plan, zones, donnees):
    """Le même tableau, écrit dans chaque encodage admis (UTF-8 avec ou sans BOM, UTF-16 avec ou sans
    BOM, Windows-1252) et avec chaque séparateur (; , tabulation), est lu à l'identique : mêmes
    cellules, mêmes numéros de ligne, mêmes lignes validées ou mêmes problèmes (fichier, ligne, colonne).
    Exceptions, indécidables : un fichier Windows-1252 dont les octets forment aussi de l'UTF-8 valide
    est lu en UTF-8 (l'aperçu dit l'encodage lu) ; si seules certaines de ses lignes le forment (« Â »
    suivi d'une espace insécable…), il est refusé comme « mélange de deux encodages » : refusé en le
    disant, jamais lu de travers."""
    import csv as module_csv
    import io as module_io

    lignes = donnees.draw(lignes_importees(plan, zones), label="lignes")
    lectures = []
    for separateur in SEPARATEURS_IMPORT:
        tampon = module_io.StringIO()
        module_csv.writer(tampon, delimiter=separateur, lineterminator="\n").writerows(lignes)
        for encodage in ENCODAGES_IMPORT:
            contenu = tampon.getvalue().encode(encodage)
            ambigu = encodage == "cp1252" and any(not l.isascii() and _utf8_valide(l) for l in contenu.split(b"\n"))
            if ambigu and _utf8_valide(contenu):
                continue  # indécidable (voir la docstring)
            lectures.append(((separateur, encodage), ambigu, lire_et_valider(contenu, plan, zones)))
    reference = lectures[0][2]
    for (separateur, encodage), ambigu, lecture in lectures[1:]:
        if ambigu and lecture[0] is None and "mélange deux encodages" in lecture[1][0][2]:
            continue  # refusé en le disant, jamais lu de travers
        assert lecture == reference, (separateur, encodage)


# --- 3. Plans (plan.yaml) --------------------------------------------------------------------

TEXTE_PLAN = (DONNEES / "plans" / ID_PLAN / "plan.yaml").read_bytes()
MODELE_PLAN = yaml.safe_load(TEXTE_PLAN)

valeur_yaml = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(), st.text(max_size=10),
    st.sampled_from(["", "2024-13-45", "2024-02-30", "0000-01-01", "à définir", "hausse", "[", "{a: 1}"]),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
    st.dates().map(str),
)


@st.composite
def plan_modifie(draw) -> bytes:
    """plan.yaml avec des clés supprimées ou des valeurs changées de type, réécrit en YAML."""
    import copy

    modele = copy.deepcopy(MODELE_PLAN)
    for _ in range(draw(st.integers(1, 4))):
        objet = modele
        for _profondeur in range(draw(st.integers(0, 6))):
            enfants = list(objet.keys()) if isinstance(objet, dict) else list(range(len(objet))) if isinstance(objet, list) else []
            enfants = [k for k in enfants if isinstance(objet[k], (dict, list)) and objet[k]]
            if not enfants:
                break
            objet = objet[draw(st.sampled_from(enfants))]
        cles = list(objet.keys()) if isinstance(objet, dict) else list(range(len(objet)))
        if not cles:
            continue
        cle = draw(st.sampled_from(cles))
        if draw(st.booleans()):
            del objet[cle]
        else:
            objet[cle] = draw(valeur_yaml)
    return yaml.safe_dump(modele, allow_unicode=True, sort_keys=False).encode("utf-8")


@st.composite
def plan_texte_abime(draw) -> bytes:
    """plan.yaml abîmé au niveau du texte (YAML souvent cassé)."""
    contenu = draw(mutation(TEXTE_PLAN, b": "))
    if draw(st.booleans()):
        ajout = draw(st.sampled_from([b"debut: 2024-13-45", b"fin: 2023-02-30", b"id: [", b"&a [*a]", b"- *x",
                                      b"\t- x", b"titre: @", b"!!python/object:os.system x", b"%YAML 9.9"]))
        lignes = contenu.split(b"\n")
        i = draw(st.integers(0, len(lignes)))
        lignes.insert(i, ajout)
        contenu = b"\n".join(lignes)
    return contenu


@pytest.fixture(scope="module")
def dossier_plans(tmp_path_factory) -> Path:
    dossier = tmp_path_factory.mktemp("plans")
    (dossier / "plans" / ID_PLAN).mkdir(parents=True)
    return dossier


@REGLAGES
@given(contenu=st.one_of(plan_modifie(), plan_texte_abime(), st.binary(max_size=200)))
@example(contenu=TEXTE_PLAN.replace(b"debut: 2024-01-01", b"debut: 2024-13-45"))
@example(contenu=b"id: ctg\ndebut: 2024-02-30\n")
def test_plan_abime_donne_plan_ou_erreur_francaise(dossier_plans, contenu):
    """Un plan.yaml abîmé donne un Plan, ou une ErreurDonnees qui nomme plans/<id>/plan.yaml."""
    (dossier_plans / "plans" / ID_PLAN / "plan.yaml").write_bytes(contenu)
    try:
        resultat = charger_plan(ID_PLAN, dossier_plans)
    except ErreurDonnees as e:
        verifier_erreur(e, NOM_PLAN)
    else:
        assert isinstance(resultat, Plan)


# --- 4. Géocodage par fichier BAN ------------------------------------------------------------

BAN = FICHIER_BAN.read_bytes()
ADRESSES = [
    Adresse("EQ001", "25 rue Balzac", "21000", "Dijon"),
    Adresse("EQ002", "17 boulevard Mansart", "21000", "Dijon"),
    Adresse("EQ003", None, None, None),
    Adresse("EQ004", "rue Balzac", None, "Dijon"),
]
adresse_aleatoire = st.builds(
    Adresse, id=st.just("EQX"), adresse=st.one_of(st.none(), st.text(max_size=20), st.sampled_from(["21 bis rue Balzac", "² rue Balzac"])),
    code_postal=st.one_of(st.none(), st.sampled_from(["21000", "21 000", ""]), st.text(max_size=5)),
    commune=st.one_of(st.none(), st.sampled_from(["Dijon", "DIJON"]), st.text(max_size=6)),
)


@st.composite
def fichier_ban_abime(draw) -> tuple[bytes, bool]:
    contenu = draw(st.one_of(mutation(BAN, b";"), st.binary(max_size=300)))
    compresse = draw(st.booleans())
    if compresse:
        contenu = bytearray(gzip.compress(contenu))
        for _ in range(draw(st.integers(0, 2))):
            i = draw(st.integers(0, len(contenu) - 1))
            contenu[i] = draw(st.integers(0, 255))
        contenu = bytes(contenu)
    return contenu, compresse


@pytest.fixture(scope="module")
def dossier_ban(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("ban")


@REGLAGES
@given(fichier=fichier_ban_abime(), autres=st.lists(adresse_aleatoire, max_size=3))
@example(fichier=(BAN.replace(b";21;;Rue Balzac", b";\xc2\xb2;;Rue Balzac", 1), False), autres=[])
def test_fichier_ban_abime(dossier_ban, fichier, autres):
    """Un fichier BAN abîmé (éventuellement compressé) : résultats, ou ErreurDonnees qui le nomme."""
    contenu, compresse = fichier
    chemin = dossier_ban / ("adresses-21.csv.gz" if compresse else "adresses-21.csv")
    chemin.write_bytes(contenu)
    adresses = ADRESSES + autres
    try:
        resultats = geocodage.geocoder_fichier_ban(adresses, chemin)
    except ErreurDonnees as e:
        verifier_erreur(e, chemin.name)
    else:
        assert len(resultats) == len(adresses)


@REGLAGES
@given(fichier=fichier_ban_abime(), autres=st.lists(adresse_aleatoire, max_size=3))
def test_geocoder_avec_cache_tout_ou_rien(dossier_ban, fichier, autres):
    """Géocodage avec cache et fichier BAN abîmé : en cas d'erreur, le cache reste identique à l'octet près."""
    with tempfile.TemporaryDirectory(dir=dossier_ban) as tmp:
        tmp = Path(tmp)
        (tmp / "ban-sain.csv").write_bytes(BAN)
        cache = Cache(tmp / "geocodage_cache.csv")
        geocodage.geocoder(ADRESSES[:1], cache, mode="fichier", chemin_ban=tmp / "ban-sain.csv")
        avant = cache.chemin.read_bytes()
        contenu, compresse = fichier
        chemin = tmp / ("abime.csv.gz" if compresse else "abime.csv")
        chemin.write_bytes(contenu)
        adresses = ADRESSES + autres
        try:
            resultats = geocodage.geocoder(adresses, Cache(cache.chemin), mode="fichier", chemin_ban=chemin)
        except ErreurDonnees as e:
            verifier_erreur(e, chemin.name)
            assert cache.chemin.read_bytes() == avant
            assert sorted(p.name for p in tmp.iterdir()) == sorted(["ban-sain.csv", "geocodage_cache.csv", chemin.name])
        else:
            assert len(resultats) == len(adresses)
            Cache(cache.chemin)  # le cache réécrit se relit sans erreur
