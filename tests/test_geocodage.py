"""Géocodage BAN : normalisation, API (fausse session, jamais de réseau), fichier départemental,
cache (écriture atomique et déterministe, rien de modifié en cas d'erreur), ligne de commande ;
géocodage depuis l'application : acte d'éditeur vérifié par le magasin, résultats dans le magasin
(jamais dans data/), fichier BAN téléversé ou choisi dans le dossier configuré (jamais un chemin),
non trouvées cherchées de nouveau sur demande.

Le fichier BAN des tests (tests/fixtures/ban/) est fictif : voir son README.
"""

import csv
import gzip
import io
from datetime import date

import pytest
import requests

from ctg_data import geocodage
from ctg_data.acces import EcritureRefusee, Identite
from ctg_data.erreurs import ErreurDonnees
from ctg_data.geocodage import (
    COLONNES_CACHE,
    FICHIER_CACHE,
    Adresse,
    Cache,
    ErreurGeocodage,
    Resultat,
    Televersement,
    cle_adresse,
    decouper_adresse,
    fichiers_dossier_ban,
    geocoder,
    geocoder_api,
    geocoder_fichier_ban,
    geocoder_par_editeur,
    adresses_equipements,
    main,
    nom_fichier_sur,
)
from ctg_data.catalogue import charger
from ctg_data.stockage import Stockage

from .conftest import DONNEES, RACINE, remplacer

FICHIER_BAN = RACINE / "tests" / "fixtures" / "ban" / "adresses-21-extrait.csv"
SOURCE_FICHIER = "fichier BAN adresses-21-extrait.csv"
# Jour fixé : la date d'un résultat est « aujourd'hui » ; une suite lancée avant minuit et finie
# après ne doit pas comparer deux jours différents.
JOUR_FIXE = date(2026, 6, 1)
AUJOURDHUI = JOUR_FIXE.isoformat()


class _JourFixe(date):
    @classmethod
    def today(cls):
        return JOUR_FIXE


@pytest.fixture(autouse=True)
def sans_reseau(monkeypatch):
    """Filet de sécurité : toute vraie requête HTTP fait échouer le test."""

    def interdit(*args, **kwargs):
        raise AssertionError("les tests ne doivent pas utiliser le réseau")

    monkeypatch.setattr(requests.sessions.Session, "request", interdit)
    monkeypatch.setattr(geocodage, "date", _JourFixe)


# --- Fausse API ------------------------------------------------------------------------------

NON_TROUVE_API = {"latitude": "", "longitude": "", "result_label": "", "result_score": "",
                  "result_type": "", "result_status": "not-found"}
REPONSES_API = {
    "25 rue Balzac": {"latitude": "47.331180", "longitude": "5.062390", "result_label": "25 Rue Balzac 21000 Dijon",
                      "result_score": "0.973145", "result_type": "housenumber", "result_status": "ok"},
    "17 boulevard Mansart": {"latitude": "47.3097", "longitude": "5.0453", "result_label": "Boulevard Mansart 21000 Dijon",
                             "result_score": "0.71", "result_type": "street", "result_status": "ok"},
    "3 rue Imaginaire": {"latitude": "47.32", "longitude": "5.04", "result_label": "3 Rue Imaginée 21000 Dijon",
                         "result_score": "0.42", "result_type": "housenumber", "result_status": "ok"},
    "Lieu-dit Inconnu": {"latitude": "47.32", "longitude": "5.04", "result_label": "Dijon",
                         "result_score": "0.8", "result_type": "municipality", "result_status": "ok"},
}
COLONNES_RESULTAT = ["latitude", "longitude", "result_label", "result_score", "result_type", "result_id",
                     "result_housenumber", "result_name", "result_street", "result_postcode", "result_city",
                     "result_context", "result_citycode", "result_status"]


class FausseReponse:
    def __init__(self, status_code: int, content: bytes):
        self.status_code = status_code
        self.content = content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8")

    def raise_for_status(self):
        if self.status_code >= 400:
            raise requests.HTTPError(f"{self.status_code}")


class FausseSession:
    """Imite l'API /search/csv/ : renvoie le CSV reçu complété des colonnes de résultat.

    ``exception`` : levée à chaque appel ; ``contenu`` : réponse brute renvoyée telle quelle.
    """

    def __init__(self, *, exception=None, status_code=200, contenu=None):
        self.exception, self.status_code, self.contenu = exception, status_code, contenu
        self.appels = []

    def post(self, url, files=None, data=None, timeout=None):
        envoye = files["data"][1].decode("utf-8")
        self.appels.append({"url": url, "data": data, "timeout": timeout, "csv": envoye})
        if self.exception is not None:
            raise self.exception
        if self.contenu is not None:
            return FausseReponse(self.status_code, self.contenu)
        lecteur = csv.DictReader(io.StringIO(envoye))
        sortie = io.StringIO()
        ecrivain = csv.DictWriter(sortie, fieldnames=[*lecteur.fieldnames, *COLONNES_RESULTAT], restval="")
        ecrivain.writeheader()
        for ligne in lecteur:
            ecrivain.writerow({**ligne, **REPONSES_API.get(ligne["adresse"], NON_TROUVE_API)})
        return FausseReponse(self.status_code, sortie.getvalue().encode("utf-8"))


def adresse(texte, code_postal="21000", commune="Dijon", id_="EQ001") -> Adresse:
    return Adresse(id=id_, adresse=texte, code_postal=code_postal, commune=commune)


# --- Normalisation ---------------------------------------------------------------------------


def test_cle_adresse_normalisee():
    attendu = "25 boulevard balzac|21000|dijon"
    assert cle_adresse("25 Bd Balzac", "21000", "Dijon") == attendu
    assert cle_adresse("25  boulevard   balzac", "21000", "DIJON") == attendu
    assert cle_adresse("25 bd. Balzac", "21 000", " dijon ") == attendu
    assert cle_adresse("25 rue Balzac", "21000", "Dijon") == "25 rue balzac|21000|dijon"
    assert cle_adresse("8 rue du 27e Régiment d'Infanterie", "21000", "Dijon") == (
        "8 rue du 27e regiment d infanterie|21000|dijon"
    )
    assert cle_adresse("4 rue du Morey-Saint-Denis", None, None) == "4 rue du morey saint denis||"


@pytest.mark.parametrize("abrege,complet", [
    ("bd", "boulevard"), ("av", "avenue"), ("ave", "avenue"), ("r", "rue"), ("pl", "place"),
    ("all", "allee"), ("imp", "impasse"), ("chem", "chemin"), ("sq", "square"), ("fg", "faubourg"),
])
def test_abreviations(abrege, complet):
    assert cle_adresse(f"3 {abrege.upper()} des Lilas", "21000", "Dijon") == f"3 {complet} des lilas|21000|dijon"


@pytest.mark.parametrize("texte,attendu", [
    ("25 rue Balzac", ("25", "", "rue Balzac")),
    ("34 quater rue des Péjoces", ("34", "quater", "rue des Péjoces")),
    ("5 bis, rue Louis Jouvet", ("5", "bis", "rue Louis Jouvet")),
    ("12B rue Castelnau", ("12", "b", "rue Castelnau")),
    ("21-25 rue Balzac", ("21", "", "rue Balzac")),
    ("2 allée Darius Milhaud", ("2", "", "allée Darius Milhaud")),
    ("Boulevard Chanoine Kir", (None, "", "Boulevard Chanoine Kir")),
])
def test_decouper_adresse(texte, attendu):
    assert decouper_adresse(texte) == attendu


# --- API ------------------------------------------------------------------------------------


def test_api_numero_exact():
    session = FausseSession()
    (r,) = geocoder_api([adresse("25 rue Balzac")], session=session)
    assert r == Resultat(
        cle="25 rue balzac|21000|dijon", adresse="25 rue Balzac", code_postal="21000", commune="Dijon",
        statut="trouvé", lat=47.33118, lon=5.06239, precision="adresse", score=0.9731,
        libelle="25 Rue Balzac 21000 Dijon", source="API BAN", date=AUJOURDHUI,
    )
    (appel,) = session.appels
    assert appel["url"] == geocodage.URL_BAN_CSV and appel["timeout"] == 30
    assert appel["data"] == {"columns": ["adresse", "city"], "postcode": "postcode"}
    assert appel["csv"] == "id,adresse,postcode,city\n0,25 rue Balzac,21000,Dijon\n"


def test_api_rue_seulement():
    (r,) = geocoder_api([adresse("17 boulevard Mansart")], session=FausseSession())
    assert (r.statut, r.precision, r.score, r.lat, r.lon) == ("trouvé", "rue", 0.71, 47.3097, 5.0453)


@pytest.mark.parametrize("texte,score", [
    ("12 rue Inconnue", None),  # result_status « not-found »
    ("3 rue Imaginaire", 0.42),  # score trop bas : ambigu côté API, donc refusé
    ("Lieu-dit Inconnu", 0.8),  # commune seulement : trop vague pour placer un équipement
])
def test_api_non_trouve(texte, score):
    (r,) = geocoder_api([adresse(texte)], session=FausseSession())
    assert (r.statut, r.precision, r.lat, r.lon, r.score) == ("non trouvé", None, None, None, score)


def test_api_adresses_vides_non_envoyees_et_doublons_envoyes_une_fois():
    session = FausseSession()
    resultats = geocoder_api(
        [adresse("25 rue Balzac"), adresse(None, None, None, "EQ020"), adresse("25 Rue  Balzac", id_="EQ045")],
        session=session,
    )
    assert [r.statut for r in resultats] == ["trouvé", "non trouvé", "trouvé"]
    assert resultats[1].precision is None and resultats[1].lat is None
    assert session.appels[0]["csv"].count("\n") == 2  # en-tête + une seule adresse


# --- Fichier BAN ------------------------------------------------------------------------------


def test_fichier_numero_exact():
    r, bis, corvee, huot = geocoder_fichier_ban(
        [adresse("25 rue Balzac"), adresse("5 bis rue Louis Jouvet"), adresse("71 rue de la Corvee"),
         adresse("2 all. Docteur Huot")],
        FICHIER_BAN,
    )
    assert r == Resultat(
        cle="25 rue balzac|21000|dijon", adresse="25 rue Balzac", code_postal="21000", commune="Dijon",
        statut="trouvé", lat=47.33118, lon=5.06239, precision="adresse", score=1.0,
        libelle="25 Rue Balzac 21000 Dijon", source=SOURCE_FICHIER, date=AUJOURDHUI,
    )
    assert (bis.lat, bis.lon, bis.libelle) == (47.31715, 5.02146, "5 bis Rue Louis Jouvet 21000 Dijon")
    assert (corvee.precision, corvee.libelle) == ("adresse", "71 Rue de la Corvée 21000 Dijon")
    assert (huot.precision, huot.libelle) == ("adresse", "2 Allée du Docteur Huot 21000 Dijon")


def test_fichier_rue_seulement():
    numero_absent, sans_numero = geocoder_fichier_ban(
        [adresse("17 boulevard Mansart"), adresse("Bd Mansart")], FICHIER_BAN
    )
    assert (numero_absent.statut, numero_absent.precision, numero_absent.score) == ("trouvé", "rue", 0.6)
    assert (numero_absent.lat, numero_absent.lon) == (47.3097, 5.0453)  # médianes des n° 10, 12, 14
    assert numero_absent.libelle == "Boulevard Mansart 21000 Dijon (rue, numéro absent)"
    assert sans_numero.precision == "rue" and "adresse sans numéro" in sans_numero.libelle


def test_fichier_non_trouve():
    resultats = geocoder_fichier_ban(
        [adresse("12 rue Inconnue"), adresse("25 rue Balzac", "21240", "Talant"), adresse("")], FICHIER_BAN
    )
    assert [(r.statut, r.precision, r.lat) for r in resultats] == [("non trouvé", None, None)] * 3


def test_fichier_voies_homonymes():
    sans_lieu, dijon, talant = geocoder_fichier_ban(
        [adresse("9 rue des Forges", None, None), adresse("9 rue des Forges"),
         adresse("9 rue des Forges", None, "Talant")],
        FICHIER_BAN,
    )
    assert (sans_lieu.statut, sans_lieu.lat, sans_lieu.precision) == ("ambigu", None, None)
    assert "Rue des Forges 21000 Dijon ; Rue des Forges 21240 Talant" in sans_lieu.libelle
    assert (dijon.statut, dijon.lat, dijon.lon) == ("trouvé", 47.3223, 5.0402)
    assert (talant.statut, talant.lat, talant.lon) == ("trouvé", 47.3362, 5.0051)


def test_fichier_numero_a_positions_eloignees():
    eloignees, proches = geocoder_fichier_ban(
        [adresse("1 allée du Roussillon"), adresse("2 rue Castelnau")], FICHIER_BAN
    )
    assert (eloignees.statut, eloignees.lat) == ("ambigu", None)
    assert "plus de 50 m" in eloignees.libelle
    assert (proches.statut, proches.precision, proches.lat) == ("trouvé", "adresse", 47.33)


def test_fichier_gzip(tmp_path):
    compresse = tmp_path / "adresses-21.csv.gz"
    compresse.write_bytes(gzip.compress(FICHIER_BAN.read_bytes()))
    (r,) = geocoder_fichier_ban([adresse("25 rue Balzac")], compresse)
    assert (r.statut, r.precision, r.lat, r.source) == ("trouvé", "adresse", 47.33118, "fichier BAN adresses-21.csv.gz")


def fichier_casse(tmp_path, avant: str, apres: str):
    casse = tmp_path / "adresses-21.csv"
    casse.write_text(FICHIER_BAN.read_text(encoding="utf-8"), encoding="utf-8")
    remplacer(casse, avant, apres)
    return casse


def erreur_fichier(chemin) -> ErreurDonnees:
    with pytest.raises(ErreurDonnees) as e:
        geocoder_fichier_ban([adresse("25 rue Balzac")], chemin)
    assert e.value.fichier == chemin.name
    return e.value


def test_fichier_colonne_absente(tmp_path):
    e = erreur_fichier(fichier_casse(tmp_path, ";lon;lat;", ";lon;latitude;"))
    assert [(p.ligne, p.colonne) for p in e.problemes] == [(1, "lat")]
    assert "« adresses-21.csv »" in str(e) and "ligne 1, colonne « lat » : colonne obligatoire absente" in str(e)


def test_fichier_separateur_virgule(tmp_path):
    virgules = tmp_path / "adresses-21.csv"
    virgules.write_text(FICHIER_BAN.read_text(encoding="utf-8").replace(";", ","), encoding="utf-8")
    e = erreur_fichier(virgules)
    assert {p.colonne for p in e.problemes} == set(geocodage.COLONNES_BAN)
    assert "séparateur « ; »" in str(e)


@pytest.mark.parametrize("mauvaise", ["47,331180", "", "147.331180"])
def test_fichier_latitude_invalide(tmp_path, mauvaise):
    e = erreur_fichier(fichier_casse(tmp_path, ";47.331180;", f";{mauvaise};"))
    (p,) = e.problemes
    assert (p.ligne, p.colonne) == (4, "lat")  # la ligne du n° 25 (en-tête = ligne 1)
    assert "ligne 4, colonne « lat »" in str(e)


def test_fichier_nombre_de_champs(tmp_path):
    e = erreur_fichier(fichier_casse(tmp_path, "21231_0520_00023;21231_0520;", "21231_0520_00023;"))
    (p,) = e.problemes
    assert p.ligne == 3 and "22 champs trouvés, 23 attendus" in str(e)


def test_fichier_mal_encode(tmp_path):
    latin1 = tmp_path / "adresses-21.csv"
    latin1.write_bytes(FICHIER_BAN.read_text(encoding="utf-8").encode("latin-1"))
    e = erreur_fichier(latin1)
    (p,) = e.problemes
    assert p.ligne == 2 and "UTF-8" in str(e)  # « entrée » dès la première ligne de données


def test_fichier_introuvable(tmp_path):
    e = erreur_fichier(tmp_path / "absent.csv")
    assert "fichier introuvable" in str(e)


# --- Géocodage avec cache --------------------------------------------------------------------


def test_second_appel_ne_demande_rien(tmp_path):
    cache = Cache(tmp_path / FICHIER_CACHE)
    adresses = [adresse("25 rue Balzac"), adresse("17 boulevard Mansart", id_="EQ002"), adresse("12 rue Inconnue")]
    premiere = FausseSession()
    resultats = geocoder(adresses, cache, mode="api", session=premiere)
    assert len(premiere.appels) == 1
    contenu = cache.chemin.read_bytes()

    seconde = FausseSession()
    assert geocoder(adresses, Cache(cache.chemin), mode="api", session=seconde) == resultats
    assert seconde.appels == []
    # Mode fichier : rien à chercher, le fichier BAN n'est même pas ouvert.
    assert geocoder(adresses, Cache(cache.chemin), mode="fichier", chemin_ban=tmp_path / "absent.csv") == resultats
    assert cache.chemin.read_bytes() == contenu


def test_adresse_vide_ni_envoyee_ni_mise_en_cache(tmp_path):
    cache = Cache(tmp_path / FICHIER_CACHE)
    session = FausseSession()
    vide, balzac = geocoder([adresse(None, None, None, "EQ020"), adresse("25 rue Balzac")], cache,
                            mode="api", session=session)
    assert (vide.statut, vide.precision, vide.lat) == ("non trouvé", None, None)
    assert balzac.statut == "trouvé"
    assert list(Cache(cache.chemin).tableau()["cle"]) == ["25 rue balzac|21000|dijon"]
    assert session.appels[0]["csv"].count("\n") == 2


def test_cache_relu_identique_et_deterministe(tmp_path):
    resultats = geocoder_fichier_ban(
        [adresse("25 rue Balzac"), adresse("17 bd Mansart"), adresse("9 rue des Forges", None, None),
         adresse("12 rue Inconnue"), adresse("8 rue du 27e Régiment d'Infanterie, bât. « A »")],
        FICHIER_BAN,
    )
    un, deux = Cache(tmp_path / "un.csv"), Cache(tmp_path / "deux.csv")
    un.enregistrer(resultats)
    deux.enregistrer(resultats[3:])
    deux.enregistrer(reversed(resultats[:3]))
    assert un.chemin.read_bytes() == deux.chemin.read_bytes()

    relu = Cache(un.chemin)
    assert [relu.get(r.cle) for r in resultats] == resultats
    tableau = relu.tableau()
    assert list(tableau.columns) == COLONNES_CACHE
    assert list(tableau["cle"]) == sorted(r.cle for r in resultats)
    lignes = un.chemin.read_text(encoding="utf-8").splitlines()
    assert lignes[0] == ",".join(COLONNES_CACHE)
    assert "25 rue balzac|21000|dijon,25 rue Balzac,21000,Dijon,trouvé,47.331180,5.062390,adresse,1," in ligne_de(lignes, "25 rue balzac")


def ligne_de(lignes, debut):
    (ligne,) = [l for l in lignes if l.startswith(debut)]
    return ligne


def test_ecriture_atomique(tmp_path, monkeypatch):
    cache = Cache(tmp_path / FICHIER_CACHE)
    (r,) = geocoder_fichier_ban([adresse("25 rue Balzac")], FICHIER_BAN)
    cache.enregistrer([r])
    assert [f.name for f in tmp_path.iterdir()] == [FICHIER_CACHE]  # aucun fichier temporaire laissé
    avant = cache.chemin.read_bytes()

    def panne(*args):
        raise OSError("disque plein")

    monkeypatch.setattr(geocodage.os, "replace", panne)
    (autre,) = geocoder_fichier_ban([adresse("17 boulevard Mansart")], FICHIER_BAN)
    with pytest.raises(OSError):
        cache.enregistrer([autre])
    assert cache.chemin.read_bytes() == avant
    assert [f.name for f in tmp_path.iterdir()] == [FICHIER_CACHE]


ERREURS_API = {
    "délai": (FausseSession(exception=requests.Timeout("read timeout")),
              "n'a pas répondu dans les 30 s : vérifiez la connexion internet, puis relancez"),
    "connexion": (FausseSession(exception=requests.ConnectionError("refused")),
                  "Impossible de joindre le service de géocodage de la BAN"),
    "HTTP 500": (FausseSession(status_code=500, contenu=b"Internal Server Error"), "(HTTP 500)"),
    "pas du CSV": (FausseSession(contenu=b"<html><body>Maintenance</body></html>"), "colonne(s) absente(s)"),
    "lignes manquantes": (FausseSession(contenu=b"id,adresse,latitude,longitude,result_label,result_score,"
                                        b"result_type,result_status\n"), "absente(s) de la réponse"),
    "nombre illisible": (FausseSession(contenu="id,latitude,longitude,result_label,result_score,result_type,"
                                       "result_status\n0,47.3,5.0,x,élevé,street,ok\n".encode()),
                         "« élevé » n'est pas un nombre"),
}


@pytest.mark.parametrize("cas", ERREURS_API)
def test_erreur_api_cache_intact(tmp_path, cas):
    session, extrait = ERREURS_API[cas]
    cache = Cache(tmp_path / FICHIER_CACHE)
    cache.enregistrer(geocoder_fichier_ban([adresse("25 rue Balzac")], FICHIER_BAN))
    avant = cache.chemin.read_bytes()
    with pytest.raises(ErreurGeocodage) as e:
        geocoder([adresse("25 rue Balzac"), adresse("17 boulevard Mansart")], cache, mode="api", session=session)
    assert extrait in str(e.value)
    assert "Aucune position n'a été modifiée." in str(e.value)
    assert cache.chemin.read_bytes() == avant
    assert [f.name for f in tmp_path.iterdir()] == [FICHIER_CACHE]
    assert Cache(cache.chemin).get("17 boulevard mansart|21000|dijon") is None


def test_erreur_fichier_ban_cache_intact(tmp_path):
    cache = Cache(tmp_path / FICHIER_CACHE)
    cache.enregistrer(geocoder_fichier_ban([adresse("25 rue Balzac")], FICHIER_BAN))
    avant = cache.chemin.read_bytes()
    casse = fichier_casse(tmp_path, ";47.331180;", ";abc;")
    with pytest.raises(ErreurDonnees):
        geocoder([adresse("17 boulevard Mansart")], cache, mode="fichier", chemin_ban=casse)
    assert cache.chemin.read_bytes() == avant


def test_progression_api_par_lots(tmp_path):
    adresses = [adresse(f"{n} rue Balzac", id_=f"EQ{n:04d}") for n in range(1, 1201)]
    adresses.append(adresse(None, None, None, "EQ9999"))
    appels, session = [], FausseSession()
    geocoder(adresses, Cache(tmp_path / FICHIER_CACHE), mode="api", session=session,
             progression=lambda fait, total, message: appels.append((fait, total, message)))
    assert [csv_.count("\n") - 1 for csv_ in (a["csv"] for a in session.appels)] == [500, 500, 200]
    assert [(fait, total) for fait, total, _ in appels] == [(1, 1201), (501, 1201), (1001, 1201), (1201, 1201), (1201, 1201)]
    assert appels[-1][2].startswith("Géocodage terminé : 1201 adresses")


def test_progression_fichier(tmp_path):
    adresses = [adresse(f"{n} rue Balzac", id_=f"EQ{n:04d}") for n in range(1, 121)]
    appels = []
    resultats = geocoder(adresses, Cache(tmp_path / FICHIER_CACHE), mode="fichier", chemin_ban=FICHIER_BAN,
                         progression=lambda fait, total, message: appels.append((fait, total)))
    assert appels == [(0, 120), (50, 120), (100, 120), (120, 120)]
    assert sum(r.precision == "adresse" for r in resultats) == 4  # n° 21, 23, 25, 27


def test_mode_inconnu(tmp_path):
    with pytest.raises(ValueError, match="mode de géocodage inconnu"):
        geocoder([], Cache(tmp_path / FICHIER_CACHE), mode="osm")


def test_cache_mal_forme(tmp_path):
    chemin = tmp_path / FICHIER_CACHE
    cache = Cache(chemin)
    cache.enregistrer(geocoder_fichier_ban([adresse("25 rue Balzac"), adresse("17 bd Mansart")], FICHIER_BAN))
    remplacer(chemin, ",47.309700,", ",47°30',")
    with pytest.raises(ErreurDonnees) as e:
        Cache(chemin)
    (p,) = e.value.problemes
    assert (e.value.fichier, p.ligne, p.colonne) == (FICHIER_CACHE, 2, "lat")
    assert "« geocodage_cache.csv »" in str(e.value) and "ligne 2, colonne « lat »" in str(e.value)


def test_cache_livre_lisible():
    assert list(Cache(DONNEES / FICHIER_CACHE).tableau().columns) == COLONNES_CACHE


# --- Ligne de commande ------------------------------------------------------------------------


def test_ligne_de_commande_fichier_ban(dossier_donnees, capsys):
    assert main(["--fichier-ban", str(FICHIER_BAN), "--donnees", str(dossier_donnees)]) == 0
    sortie = capsys.readouterr().out
    n = len(adresses_equipements(charger("equipements", dossier_donnees)))
    assert f"\r[géocodage] {n}/{n} adresses…" in sortie
    # Les pages lisent la position calculée une fois : elle suit le géocodage.
    assert "Position et quartier des équipements recalculés" in sortie
    positions = charger("equipements_positions", dossier_donnees)
    assert (positions["precision"].isin(["adresse", "rue"])).sum() >= 11
    assert "trouvées au numéro près" in sortie and "à la rue seulement" in sortie and "non trouvées" in sortie
    sans_adresse = int(charger("equipements", dossier_donnees)["adresse"].isna().sum())
    assert f"{sans_adresse} équipements sans adresse" in sortie
    cache = Cache(dossier_donnees / FICHIER_CACHE)
    assert cache.get("25 rue balzac|21000|dijon").precision == "adresse"
    assert cache.get("17 boulevard mansart|21000|dijon").precision == "rue"
    assert cache.get("1 allee du roussillon|21000|dijon").statut == "ambigu"
    assert cache.get("4 allee felix poussineau|21240|talant").libelle == "4 Allée Félix Poussineau 21240 Talant"
    assert len(cache.tableau()) == 45  # 52 adresses, dont 7 en double


def test_ligne_de_commande_erreur(dossier_donnees, capsys, monkeypatch):
    avant = (dossier_donnees / FICHIER_CACHE).read_bytes()
    assert main(["--fichier-ban", str(dossier_donnees / "absent.csv"), "--donnees", str(dossier_donnees)]) == 1
    assert "fichier introuvable" in capsys.readouterr().err

    def hors_ligne(*args, **kwargs):
        raise requests.ConnectionError("pas de réseau")

    monkeypatch.setattr(geocodage.requests, "post", hors_ligne)
    assert main(["--api", "--donnees", str(dossier_donnees)]) == 1
    assert "Impossible de joindre le service de géocodage de la BAN" in capsys.readouterr().err
    assert (dossier_donnees / FICHIER_CACHE).read_bytes() == avant


def test_ligne_de_commande_reessayer_non_trouvees(dossier_donnees, capsys, monkeypatch):
    """En ligne de commande aussi, une adresse « non trouvé » n'est pas figée : on la cherche de
    nouveau sur demande (les trouvées, jamais)."""
    assert main(["--fichier-ban", str(FICHIER_BAN), "--donnees", str(dossier_donnees)]) == 0
    cache = Cache(dossier_donnees / FICHIER_CACHE)
    non_trouvees = int((cache.tableau()["statut"] != "trouvé").sum())
    session = FausseSession()
    monkeypatch.setattr(geocodage.requests, "post", session.post)
    assert main(["--api", "--donnees", str(dossier_donnees)]) == 0
    assert session.appels == []  # sans l'option : rien n'est redemandé
    assert main(["--api", "--reessayer-non-trouvees", "--donnees", str(dossier_donnees)]) == 0
    (appel,) = session.appels
    assert appel["csv"].count("\n") - 1 == non_trouvees
    assert "25 rue Balzac" not in appel["csv"]  # trouvée : jamais redemandée
    capsys.readouterr()


# --- Géocodage depuis l'application : un acte d'éditeur, résultats dans le magasin ------------

MOT_DE_PASSE = "mot de passe assez long"
FICHIERS_LIVRES = ("geocodage_cache.csv", "equipements_positions.csv")


@pytest.fixture
def magasin():
    stockage = Stockage()
    stockage.creer_compte("agent1", "Agent Un", MOT_DE_PASSE)
    return stockage


@pytest.fixture
def editeur(magasin):
    return magasin.authentifier("agent1", MOT_DE_PASSE)


@pytest.fixture
def dossier_ban(monkeypatch):
    monkeypatch.setenv("CTG_BAN_DIR", str(FICHIER_BAN.parent))
    return FICHIER_BAN.parent


def etat_des_fichiers(dossier):
    return {nom: (dossier / nom).read_bytes() for nom in FICHIERS_LIVRES}


@pytest.mark.parametrize("identite", [
    None,
    "agent1",
    Identite("intrus", "Intrus", "editeur", "local"),  # identité fabriquée : aucun compte
    Identite("agent1", "Agent Un", "lecteur", "local"),
])
def test_geocodage_de_l_application_refuse_sans_editeur(dossier_donnees, magasin, dossier_ban, identite):
    """Sans identité d'éditeur vérifiée par le magasin : EcritureRefusee, avant toute requête au
    service de la BAN et toute lecture de fichier ; rien n'est enregistré, aucun fichier écrit."""
    avant = etat_des_fichiers(dossier_donnees)
    session = FausseSession()
    with pytest.raises(EcritureRefusee):
        geocoder_par_editeur(magasin, identite, mode="api", session=session)
    with pytest.raises(EcritureRefusee):
        geocoder_par_editeur(magasin, identite, mode="fichier", fichier_ban="/etc/passwd")
    assert session.appels == []
    assert magasin.historique_geocodages().empty
    assert etat_des_fichiers(dossier_donnees) == avant


def test_compte_desactive_refuse(dossier_donnees, magasin, editeur):
    magasin.desactiver_compte("agent1")
    session = FausseSession()
    with pytest.raises(EcritureRefusee, match="n'est pas \\(ou plus\\) un compte d'éditeur actif"):
        geocoder_par_editeur(magasin, editeur, mode="api", session=session)
    assert session.appels == []


def test_geocodage_de_l_application_dans_le_magasin(dossier_donnees, magasin, editeur, dossier_ban):
    """Les résultats vont dans le magasin (auteur, date), jamais dans data/ ; une adresse déjà
    cherchée n'est pas redemandée ; les non trouvées sont cherchées de nouveau sur demande."""
    avant = etat_des_fichiers(dossier_donnees)
    appels = []
    resultats = geocoder_par_editeur(magasin, editeur, mode="fichier", fichier_ban=FICHIER_BAN.name,
                                     progression=lambda fait, total, message: appels.append((fait, total)))
    n = len(adresses_equipements(charger("equipements", dossier_donnees)))
    assert len(resultats) == n and appels[-1] == (n, n)
    assert etat_des_fichiers(dossier_donnees) == avant  # aucun fichier versionné réécrit
    historique = magasin.historique_geocodages()
    assert len(historique) == n and set(historique["auteur"]) == {"agent1"}
    assert set(historique["source"]) == {SOURCE_FICHIER}
    actifs = magasin.geocodages_actifs().set_index("id")
    assert (actifs["statut"] == "trouvé").sum() == 13
    assert actifs.loc["EQ001", ["statut", "precision", "libelle"]].tolist() == [
        "trouvé", "adresse", "25 Rue Balzac 21000 Dijon"]
    non_trouvees = int((actifs["statut"] != "trouvé").sum())

    # Une seconde fois : rien à chercher, rien d'enregistré, aucune requête.
    session = FausseSession()
    assert geocoder_par_editeur(magasin, editeur, mode="api", session=session) == []
    assert session.appels == [] and len(magasin.historique_geocodages()) == n

    # « Réessayer les adresses non trouvées » : elles seules sont redemandées, par un autre éditeur.
    magasin.creer_compte("agent2", "Agent Deux", MOT_DE_PASSE)
    resultats = geocoder_par_editeur(magasin, magasin.authentifier("agent2", MOT_DE_PASSE), mode="api",
                                     reessayer=True, session=session)
    assert len(resultats) == non_trouvees
    (appel,) = session.appels
    assert "25 rue Balzac" not in appel["csv"] and "rue des Forges" not in appel["csv"]
    assert len(magasin.historique_geocodages()) == n + non_trouvees
    actifs = magasin.geocodages_actifs().set_index("id")
    assert actifs.loc["EQ001", "auteur"] == "agent1"  # trouvée : gardée, jamais redemandée
    reessayes = actifs[actifs["auteur"] == "agent2"]
    assert len(reessayes) == non_trouvees and set(reessayes["source"]) == {"API BAN"}
    assert etat_des_fichiers(dossier_donnees) == avant


def test_echec_rien_enregistre(dossier_donnees, magasin, editeur):
    with pytest.raises(ErreurGeocodage, match="Impossible de joindre"):
        geocoder_par_editeur(magasin, editeur, mode="api",
                             session=FausseSession(exception=requests.ConnectionError("refused")))
    assert magasin.historique_geocodages().empty


@pytest.mark.parametrize("nom", [
    "/etc/passwd", "../../../../etc/passwd", "adresses-21-extrait.csv/../README.md", "README.md",
    "absent.csv", "", None, FICHIER_BAN,  # un chemin (Path) n'est jamais accepté, même juste
])
def test_aucun_chemin_saisi(dossier_donnees, magasin, editeur, dossier_ban, nom):
    """Le fichier BAN est un nom de la liste du dossier configuré : tout le reste est refusé par le
    même message, qu'il existe ou non sur le serveur."""
    with pytest.raises(ErreurGeocodage) as e:
        geocoder_par_editeur(magasin, editeur, mode="fichier", fichier_ban=nom)
    assert str(e.value) in {
        "Ce fichier ne fait pas partie des fichiers BAN proposés : choisissez-en un dans la liste. "
        "Aucune position n'a été modifiée.",
        "Choisissez un fichier BAN dans la liste ou téléversez-le. Aucune position n'a été modifiée.",
    }
    assert magasin.historique_geocodages().empty


def test_liste_du_dossier_ban(tmp_path, monkeypatch):
    monkeypatch.delenv("CTG_BAN_DIR", raising=False)
    assert fichiers_dossier_ban() == []
    (tmp_path / "adresses-21.csv.gz").write_bytes(b"")
    (tmp_path / "adresses-25.csv").write_bytes(b"")
    (tmp_path / "notes.txt").write_bytes(b"")
    (tmp_path / ".cache.csv").write_bytes(b"")
    (tmp_path / "sous-dossier.csv").mkdir()
    monkeypatch.setenv("CTG_BAN_DIR", str(tmp_path))
    assert fichiers_dossier_ban() == ["adresses-21.csv.gz", "adresses-25.csv"]
    monkeypatch.setenv("CTG_BAN_DIR", str(tmp_path / "absent"))
    assert fichiers_dossier_ban() == []


def test_sans_dossier_configure(dossier_donnees, magasin, editeur, monkeypatch):
    monkeypatch.delenv("CTG_BAN_DIR", raising=False)
    with pytest.raises(ErreurGeocodage, match="Aucun dossier de fichiers BAN n'est configuré"):
        geocoder_par_editeur(magasin, editeur, mode="fichier", fichier_ban=FICHIER_BAN.name)


@pytest.mark.parametrize("compresse", [False, True])
def test_fichier_televerse(dossier_donnees, magasin, editeur, compresse):
    """Un fichier téléversé est lu en mémoire (jamais écrit sur le serveur) ; son nom, nettoyé, est la source."""
    contenu = FICHIER_BAN.read_bytes()
    nom = "../Mon fichier <BAN>.csv"
    if compresse:
        contenu, nom = gzip.compress(contenu), nom + ".gz"
    resultats = geocoder_par_editeur(magasin, editeur, mode="fichier", fichier_ban=Televersement(nom, contenu))
    assert sum(r.statut == "trouvé" for r in resultats) == 13
    source = "fichier BAN Mon_fichier_BAN_.csv" + (".gz" if compresse else "")
    assert set(magasin.historique_geocodages()["source"]) == {source}


def test_fichier_televerse_trop_gros(dossier_donnees, magasin, editeur, monkeypatch):
    monkeypatch.setattr(geocodage, "TAILLE_MAX_TELEVERSEMENT_MO", 0)
    with pytest.raises(ErreurGeocodage, match="dépasse 0 Mo"):
        geocoder_par_editeur(magasin, editeur, mode="fichier",
                             fichier_ban=Televersement("adresses-21.csv", FICHIER_BAN.read_bytes()))
    assert magasin.historique_geocodages().empty


def test_fichier_televerse_qui_se_decompresse_en_enorme(dossier_donnees, magasin, editeur, monkeypatch):
    """Un petit fichier compressé qui se décompresse en des centaines de Mo est arrêté en route."""
    monkeypatch.setattr(geocodage, "TAILLE_MAX_DECOMPRESSEE", 10_000)
    enorme = gzip.compress(FICHIER_BAN.read_bytes() + b"\n" * 1_000_000)
    with pytest.raises(ErreurDonnees, match="trop volumineux une fois décompressé"):
        geocoder_par_editeur(magasin, editeur, mode="fichier", fichier_ban=Televersement("x.csv.gz", enorme))
    sans_fin = gzip.compress(b"numero;rep;nom_voie;code_postal;nom_commune;lon;lat\n" + b"x" * 10_000_000)
    with pytest.raises(ErreurDonnees, match="ligne de plus de 64 Ko"):
        geocoder_par_editeur(magasin, editeur, mode="fichier", fichier_ban=Televersement("y.csv.gz", sans_fin))
    assert magasin.historique_geocodages().empty


@pytest.mark.parametrize("nom,attendu", [
    ("adresses-21.csv.gz", "adresses-21.csv.gz"),
    ("C:\\Users\\moi\\adresses-21.csv", "adresses-21.csv"),
    ("../../etc/passwd", "passwd"),
    ("[clic](http:exemple.test).csv", "clic_http_exemple.test_.csv"),
    ("![](http://exemple.test/x.png).csv", "x.png_.csv"),
    ("..", "fichier"),
    ("Côte-d'Or `adresses` *21*.csv", "Côte-d_Or_adresses_21_.csv"),
    ("é" * 200 + ".csv", "é" * 80),
])
def test_nom_de_fichier_televerse(nom, attendu):
    assert nom_fichier_sur(nom) == attendu
