"""Deux serveurs de l'application derrière nginx (paquet Debian), sur une même base PostgreSQL.

nginx est lancé avec ``deploiement/nginx.conf``, le fichier documenté dans le README, rempli par
``ctg_data.repartiteur`` (seules les trois adresses changent), sans droits root, sur un port libre de
127.0.0.1. Chromium passe par nginx :

- la page s'affiche et le WebSocket de Streamlit traverse nginx (chaque action relance la page) ;
- un navigateur reste sur un seul serveur : le journal de nginx (serveur qui a répondu, clé de
  répartition) le montre pour chaque requête, WebSocket compris ; un fichier téléversé (requête HTTP
  à part) arrive au serveur de la session, sinon Streamlit le refuserait ;
- une valeur enregistrée par un éditeur sur un serveur est lue, par nginx, sur l'autre.

Les fichiers Docker (``deploiement/Dockerfile``, ``deploiement/compose.yaml``) ne sont pas lancés ici
(pas de Docker sur la machine de développement) : on vérifie qu'ils utilisent le même modèle.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

from ctg_data import repartiteur
from ctg_data.stockage import Stockage
from tests.conftest import RACINE, arreter_groupe, base_postgres_vide, hors_ligne, port_libre, serveur
from tests.test_deux_serveurs import statut_je1
from tests.test_navigateur import attendre_page
from tests.test_navigateur_import import CONTENU, deposer
from tests.test_navigateur_saisie import MOT_DE_PASSE, choisir, ouvrir_saisie

NGINX = Path("/usr/sbin/nginx")
DEPLOIEMENT = RACINE / "deploiement"
TITRE_PLAN = "Plan d'actions — CTG Dijon 2024-2027"
# Une ligne du journal de nginx (log_format « ctg » de deploiement/nginx.conf).
LIGNE = re.compile(r'"(?P<methode>\S+) (?P<chemin>\S+) [^"]*" (?P<statut>\d{3}) '
                   r'serveur=(?P<serveur>.*?) cle="(?P<cle>[^"]*)"')

# --- Le fichier documenté, et rien d'autre --------------------------------------------------------
def test_la_configuration_lancee_est_le_modele_aux_adresses_pres():
    modele = repartiteur.MODELE.read_text(encoding="utf-8").splitlines()
    rempli = repartiteur.configuration_nginx("127.0.0.1:18080", "127.0.0.1:18501", "127.0.0.1:18502").splitlines()
    assert repartiteur.MODELE == DEPLOIEMENT / "nginx.conf"
    assert len(modele) == len(rempli)
    differentes = [(m, r) for m, r in zip(modele, rempli) if m != r]
    assert [m.strip() for m, _ in differentes] == [
        "server ${CTG_SERVEUR_A} max_fails=3 fail_timeout=10s;",
        "server ${CTG_SERVEUR_B} max_fails=3 fail_timeout=10s;",
        "listen ${CTG_ECOUTE};",
    ]
    assert [r.strip() for _, r in differentes] == [
        "server 127.0.0.1:18501 max_fails=3 fail_timeout=10s;",
        "server 127.0.0.1:18502 max_fails=3 fail_timeout=10s;",
        "listen 127.0.0.1:18080;",
    ]


def test_commande_du_readme_ecrit_le_dossier_de_nginx(tmp_path, capsys):
    repartiteur.main(["--dossier", str(tmp_path / "nginx"), "--ecoute", "127.0.0.1:8080",
                      "--serveur", "127.0.0.1:8501", "--serveur", "127.0.0.1:8502"])
    assert (tmp_path / "nginx" / "nginx.conf").read_text(encoding="utf-8") == repartiteur.configuration_nginx(
        "127.0.0.1:8080", "127.0.0.1:8501", "127.0.0.1:8502")
    assert (tmp_path / "nginx" / "temp").is_dir()
    assert f"-p {tmp_path / 'nginx'}/ -c {tmp_path / 'nginx' / 'nginx.conf'} -e stderr" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        repartiteur.main(["--ecoute", "8080", "--serveur", "a:1"])
    assert "Erreur : donnez exactement deux --serveur" in capsys.readouterr().err


@pytest.mark.parametrize("adresse", ["", "127.0.0.1", "a:1; include /etc/passwd", "a:1 b:2", "${X}", "a:1}"])
def test_une_adresse_mal_formee_est_refusee(adresse):
    with pytest.raises(ValueError, match="adresse mal formée"):
        repartiteur.configuration_nginx("127.0.0.1:18080", adresse, "127.0.0.1:18502")


def test_taille_des_fichiers_envoyes_comme_streamlit():
    """nginx refuse (413) un corps plus gros que client_max_body_size : la même limite que Streamlit."""
    from streamlit import config

    reglages = tomllib.loads((RACINE / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    limite_streamlit = reglages.get("server", {}).get(
        "maxUploadSize", config._config_options_template["server.maxUploadSize"].default_val)
    (limite_nginx,) = re.findall(r"^\s*client_max_body_size (\d+)m;", repartiteur.MODELE.read_text(), re.M)
    assert int(limite_nginx) == limite_streamlit


def test_docker_utilise_le_meme_modele_avec_les_noms_des_services():
    """Non lancés ici (pas de Docker) : le Dockerfile copie deploiement/nginx.conf et remplit ses trois
    repères avec envsubst ; compose.yaml donne à nginx les noms des deux services de l'application."""
    dockerfile = (DEPLOIEMENT / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY deploiement/nginx.conf " in dockerfile
    (liste,) = re.findall(r"envsubst '([^']*)'", dockerfile)
    assert liste.split() == [f"${nom}" for nom in repartiteur.REPERES]
    assert "apt-get install" in dockerfile and " nginx " in dockerfile  # le nginx de Debian, comme le test
    assert "python3 -m ctg_data.lanceur app" in dockerfile.replace('", "', " ")  # la commande du README

    compose = yaml.safe_load((DEPLOIEMENT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    applis = [nom for nom, s in services.items() if s.get("build", {}).get("target") == "app"]
    assert len(applis) == 2
    env_nginx = services["nginx"]["environment"]
    port_app = services[applis[0]]["environment"]["STREAMLIT_SERVER_PORT"]
    assert [env_nginx["CTG_SERVEUR_A"], env_nginx["CTG_SERVEUR_B"]] == [f"{nom}:{port_app}" for nom in applis]
    assert services["nginx"]["ports"] == [f"127.0.0.1:{env_nginx['CTG_ECOUTE']}:{env_nginx['CTG_ECOUTE']}"]
    # Une seule base, la même pour les deux serveurs, et le même secret des cookies.
    for cle in ("CTG_DATABASE_URL", "STREAMLIT_SERVER_COOKIE_SECRET"):
        assert len({services[nom]["environment"][cle] for nom in applis}) == 1
    assert "@postgres:5432/" in services[applis[0]]["environment"]["CTG_DATABASE_URL"]
    repartiteur.configuration_nginx(*(str(env_nginx[nom]) for nom in repartiteur.REPERES))  # adresses valides


# --- nginx devant deux serveurs -------------------------------------------------------------------
class Repartiteur:
    """nginx lancé sur le modèle rempli ; son journal des requêtes est lu par le test."""

    def __init__(self, adresse: str, journal: Path, serveurs: tuple[str, str]):
        self.adresse = adresse
        self.journal = journal
        self.serveurs = serveurs  # « 127.0.0.1:port » de A et de B, comme nginx les écrit

    def lignes(self) -> list[dict]:
        return [m.groupdict() for m in map(LIGNE.search, self.journal.read_text().splitlines()) if m]

    def serveur_de(self, cle: str) -> str:
        """Le serveur où nginx envoie un navigateur dont le cookie vaut ``cle`` (une requête de santé)."""
        requete = urllib.request.Request(f"{self.adresse}/_stcore/health", headers={"Cookie": f"ctg_serveur={cle}"})
        with urllib.request.urlopen(requete, timeout=10) as r:
            assert r.read() == b"ok"
            # Cookie déjà là : nginx n'en pose pas d'autre (Streamlit pose les siens).
            assert not [c for c in r.headers.get_all("Set-Cookie") or [] if c.startswith("ctg_serveur=")]
        return self.attendre(lambda l: l["cle"] == cle)[-1]["serveur"]

    def cle_vers(self, serveur_voulu: str) -> str:
        """Une valeur de cookie que nginx envoie sur ``serveur_voulu`` (la répartition est un hachage)."""
        for i in range(100):
            if self.serveur_de(f"essai-{i}") == serveur_voulu:
                return f"essai-{i}"
        raise AssertionError(f"aucune clé ne mène à {serveur_voulu}")

    def attendre(self, choix, delai: float = 20) -> list[dict]:
        """Les lignes du journal retenues par ``choix`` (au moins une : nginx écrit après avoir répondu)."""
        fin = time.monotonic() + delai
        while True:
            lignes = [l for l in self.lignes() if choix(l)]
            if lignes or time.monotonic() > fin:
                assert lignes, f"rien dans le journal de nginx :\n{self.journal.read_text()[-3000:]}"
                return lignes
            time.sleep(0.2)

    def serveur_unique(self, cle: str) -> str:
        """Toutes les requêtes de la clé ``cle`` (page, fichiers, WebSocket fermé) sont allées au même
        serveur ; renvoie ce serveur."""
        self.attendre(lambda l: l["cle"] == cle and l["chemin"] == "/_stcore/stream")
        lignes = [l for l in self.lignes() if l["cle"] == cle]
        assert {l["serveur"] for l in lignes} <= set(self.serveurs), lignes  # jamais deux essais (« a, b »)
        assert len({l["serveur"] for l in lignes}) == 1, lignes
        flux = [l for l in lignes if l["chemin"] == "/_stcore/stream"]
        assert {l["statut"] for l in flux} == {"101"}, flux  # WebSocket accepté à travers nginx
        return lignes[0]["serveur"]


@contextlib.contextmanager
def nginx_devant(serveur_a: str, serveur_b: str):
    """nginx (paquet Debian) au premier plan, sans droits root, sur un port libre de 127.0.0.1, avec
    deploiement/nginx.conf rempli ; arrêté par son groupe de processus à la fin."""
    if not NGINX.exists():
        pytest.skip(f"{NGINX} absent : installez le paquet Debian nginx")
    hotes = tuple(s.removeprefix("http://") for s in (serveur_a, serveur_b))
    port = port_libre()
    dossier = Path(tempfile.mkdtemp(prefix="ctg-nginx-"))
    repartiteur.preparer_dossier(dossier, f"127.0.0.1:{port}", *hotes)
    journal, erreurs = dossier / "acces.log", dossier / "erreurs.log"
    journal.touch()
    commande = repartiteur.commande_nginx(dossier, str(NGINX))
    if os.geteuid() == 0:
        # Jamais en root : l'utilisateur « nobody » (nginx rouvre /dev/stdout, le journal, à son nom).
        for chemin in (dossier, dossier / "temp", dossier / "nginx.conf", journal):
            shutil.chown(chemin, "nobody")
        commande = ["runuser", "-u", "nobody", "--", *commande]
    with journal.open("a") as sortie, erreurs.open("w") as sortie_erreurs:
        processus = subprocess.Popen(commande, stdout=sortie, stderr=sortie_erreurs, start_new_session=True)
    adresse = f"http://127.0.0.1:{port}"
    try:
        fin = time.monotonic() + 30
        while True:
            assert processus.poll() is None, f"nginx s'est arrêté :\n{erreurs.read_text()}"
            try:
                with urllib.request.urlopen(f"{adresse}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                assert time.monotonic() < fin, f"nginx ne répond pas :\n{erreurs.read_text()}"
                time.sleep(0.2)
        yield Repartiteur(adresse, journal, hotes)
        assert "[emerg]" not in erreurs.read_text() and "[alert]" not in erreurs.read_text(), erreurs.read_text()
    finally:
        arreter_groupe(processus)
        shutil.rmtree(dossier, ignore_errors=True)


@pytest.fixture(scope="module")
def deux_serveurs_et_nginx(url_postgres, tmp_path_factory):
    """Deux serveurs (commande du README) sur une base PostgreSQL neuve, le même secret des cookies
    (comme compose.yaml), et nginx devant."""
    if not NGINX.exists():
        pytest.skip(f"{NGINX} absent : installez le paquet Debian nginx")
    dossier = tmp_path_factory.mktemp("repartiteur")
    with base_postgres_vide(url_postgres, "ctg_repartiteur") as base:
        Stockage(base).creer_compte("agent1", "Agent Un", MOT_DE_PASSE)
        env = {"CTG_DATABASE_URL": base, "STREAMLIT_SERVER_COOKIE_SECRET": "secret-commun-des-tests"}
        with serveur(dossier / "a.log", **env) as serveur_a, serveur(dossier / "b.log", **env) as serveur_b, \
             nginx_devant(serveur_a, serveur_b) as nginx:
            yield nginx


def contexte_par_nginx(navigateur, nginx: Repartiteur, cle: str | None = None):
    """Un navigateur neuf (sans internet) ; avec ``cle``, il a déjà le cookie de répartition."""
    contexte = navigateur.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    contexte.route("**/*", hors_ligne)
    if cle is not None:
        contexte.add_cookies([{"name": "ctg_serveur", "value": cle, "url": nginx.adresse}])
    onglet = contexte.new_page()
    onglet.set_default_timeout(30_000)
    return onglet


def cle_recue(onglet) -> str:
    (cookie,) = [c for c in onglet.context.cookies() if c["name"] == "ctg_serveur"]
    assert cookie["httpOnly"] and cookie["path"] == "/"
    return cookie["value"]


@pytest.mark.navigateur
@pytest.mark.postgres
@pytest.mark.repartiteur
def test_un_navigateur_reste_sur_son_serveur(navigateur, deux_serveurs_et_nginx):
    nginx = deux_serveurs_et_nginx
    onglet = contexte_par_nginx(navigateur, nginx)
    try:
        # Premier passage : nginx choisit un serveur et pose le cookie qui y ramène.
        onglet.goto(f"{nginx.adresse}/plan")
        attendre_page(onglet, TITRE_PLAN)
        cle = cle_recue(onglet)
        assert re.fullmatch(r"[0-9a-f]{32}", cle)  # $request_id de la première requête
        # Connexion, page Saisie, onglet d'import : autant d'exécutions par le WebSocket.
        ouvrir_saisie(onglet, nginx.adresse)
        onglet.get_by_role("tab", name="Importer un fichier").click()
        # Le fichier part par une requête HTTP à part (PUT /_stcore/upload_file/…) : Streamlit ne
        # l'accepte que sur le serveur qui tient la session. L'aperçu prouve qu'il y est arrivé.
        deposer(onglet, "suivi.csv", CONTENU)
        expect(onglet.get_by_text(re.compile(r"lu comme CSV, séparateur tabulation"))).to_be_visible()
    finally:
        onglet.context.close()

    serveur_du_navigateur = nginx.serveur_unique(cle)
    envois = [l for l in nginx.lignes() if l["cle"] == cle and l["chemin"].startswith("/_stcore/upload_file/")]
    assert envois and {l["statut"] for l in envois} <= {"200", "204"}, envois
    assert nginx.serveur_de(cle) == serveur_du_navigateur  # le cookie mène toujours au même serveur
    # La répartition utilise bien les deux serveurs (une clé pour chacun existe).
    assert {nginx.serveur_de(nginx.cle_vers(s)) for s in nginx.serveurs} == set(nginx.serveurs)


@pytest.mark.navigateur
@pytest.mark.postgres
@pytest.mark.repartiteur
def test_valeur_enregistree_sur_un_serveur_lue_sur_l_autre(navigateur, deux_serveurs_et_nginx):
    nginx = deux_serveurs_et_nginx
    editeur = contexte_par_nginx(navigateur, nginx)
    lecteur = None
    try:
        editeur.goto(f"{nginx.adresse}/plan")
        attendre_page(editeur, TITRE_PLAN)
        cle_editeur = cle_recue(editeur)
        serveur_editeur = nginx.serveur_de(cle_editeur)
        (autre_serveur,) = set(nginx.serveurs) - {serveur_editeur}

        # Un second navigateur dont le cookie mène à l'autre serveur.
        cle_lecteur = nginx.cle_vers(autre_serveur)
        lecteur = contexte_par_nginx(navigateur, nginx, cle_lecteur)
        lecteur.goto(f"{nginx.adresse}/plan")
        attendre_page(lecteur, TITRE_PLAN)
        expect(statut_je1(lecteur)).to_contain_text("à renseigner")

        # Saisie par l'éditeur, à travers nginx, sur son serveur.
        ouvrir_saisie(editeur, nginx.adresse)
        choisir(editeur, "Indicateur", "JE1-I1", re.compile(r"^JE1-I1 — "))
        formulaire = editeur.get_by_test_id("stForm").filter(
            has=editeur.get_by_role("button", name="Enregistrer la valeur"))
        formulaire.get_by_role("textbox", name="Valeur").fill("7")
        formulaire.get_by_role("textbox", name="Source (obligatoire)").fill("Comptage")
        formulaire.get_by_role("button", name="Enregistrer la valeur").click()
        expect(editeur.get_by_text("Valeur enregistrée (version 1).")).to_be_visible()

        # Le lecteur, sur l'autre serveur, voit la valeur à sa prochaine exécution.
        lecteur.reload()
        attendre_page(lecteur, TITRE_PLAN)
        expect(statut_je1(lecteur)).to_contain_text("en cours")
    finally:
        editeur.context.close()
        if lecteur is not None:
            lecteur.context.close()

    # Chacun est resté sur son serveur, WebSocket compris : l'enregistrement a eu lieu sur l'un, la
    # lecture sur l'autre.
    assert nginx.serveur_unique(cle_editeur) == serveur_editeur
    assert nginx.serveur_unique(cle_lecteur) == autre_serveur != serveur_editeur
