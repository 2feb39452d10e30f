"""Configuration commune des tests.

Catégories de tests qui dépendent d'un logiciel système (marqueurs pytest) :
- ``navigateur`` : Chromium (paquet Debian) piloté par Playwright ;
- ``postgres`` : un serveur PostgreSQL (paquet Debian), démarré pour la session de tests dans un
  dossier temporaire (ou celui désigné par ``CTG_TEST_POSTGRES_URL``) ;
- ``repartiteur`` : nginx (paquet Debian) devant deux serveurs de l'application
  (``tests/test_repartiteur.py``) ;

Avec ``CTG_TESTS_COMPLETS=1`` (c'est le cas dans ``.ci/run``), la session échoue si un test d'une
de ces catégories a été sauté, ou si aucun n'a été exécuté : un test sauté n'est pas un test réussi.

Aucun test ne lit ni n'écrit la base du développeur (``var/ctg.sqlite3``) : deux fixtures automatiques
dirigent le magasin vers une base SQLite temporaire (``CTG_DATABASE_URL``), une pour la session (fixtures
de session ou de module, serveurs lancés par ``serveur``) et une neuve pour chaque test.
"""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
import urllib.request
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parent.parent
DONNEES = RACINE / "data"
BASE_DU_DEVELOPPEUR = RACINE / "var" / "ctg.sqlite3"
CATEGORIES_EXIGEES = {
    "navigateur": "test dans un vrai navigateur (Chromium + Playwright)",
    "postgres": "test du magasin sur un vrai serveur PostgreSQL",
    "repartiteur": "test de deux serveurs derrière nginx (deploiement/nginx.conf)",
}

_bilan: dict[str, dict[str, int]] = {c: {"passe": 0, "saute": 0} for c in CATEGORIES_EXIGEES}


def pytest_configure(config):
    for categorie, description in CATEGORIES_EXIGEES.items():
        config.addinivalue_line("markers", f"{categorie}: {description}")


def pytest_runtest_logreport(report):
    categories = [c for c in CATEGORIES_EXIGEES if c in report.keywords]
    for c in categories:
        if report.skipped:
            _bilan[c]["saute"] += 1
        elif report.when == "call" and report.passed:
            _bilan[c]["passe"] += 1


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("CTG_TESTS_COMPLETS") != "1":
        return
    manques = [
        f"{c} : {b['saute']} test(s) sauté(s), {b['passe']} réussi(s)"
        for c, b in _bilan.items()
        if b["saute"] or not b["passe"]
    ]
    if manques:
        print("\nÉCHEC : catégories de tests exigées non exécutées entièrement :\n  " + "\n  ".join(manques))
        session.exitstatus = 1


def etat_fichier(chemin: Path) -> tuple | None:
    """Ce qui change quand un fichier est créé ou écrit : None s'il n'existe pas, sinon (taille, mtime)."""
    try:
        infos = chemin.stat()
    except FileNotFoundError:
        return None
    return infos.st_size, infos.st_mtime_ns


def _diriger_le_magasin(monkeypatch: pytest.MonkeyPatch, dossier: Path) -> str:
    """Le magasin par défaut (``ctg_data.acces.url_par_defaut``) devient un fichier SQLite de ``dossier`` :
    par ``CTG_DATABASE_URL`` (lue aussi par les serveurs lancés en sous-processus) et, si un test retire
    cette variable, par le fichier de repli."""
    from ctg_data import acces

    url = f"sqlite:///{dossier / 'ctg.sqlite3'}"
    monkeypatch.setenv("CTG_DATABASE_URL", url)
    monkeypatch.setattr(acces, "FICHIER_SQLITE", dossier / "repli.sqlite3")
    return url


@pytest.fixture(scope="session", autouse=True)
def magasin_de_session(tmp_path_factory):
    """Base temporaire des fixtures de session et de module (et des serveurs qu'elles lancent)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield _diriger_le_magasin(monkeypatch, tmp_path_factory.mktemp("magasin-session"))


@pytest.fixture(autouse=True)
def magasin_du_test(magasin_de_session, tmp_path_factory, monkeypatch):
    """Une base SQLite neuve pour chaque test : ``Stockage()`` et les pages (AppTest) l'utilisent ;
    un test qui veut une autre base la désigne lui-même (``monkeypatch.setenv`` ou URL explicite)."""
    return _diriger_le_magasin(monkeypatch, tmp_path_factory.mktemp("magasin"))


@pytest.fixture
def dossier_donnees(tmp_path, monkeypatch) -> Path:
    """Une copie de data/ dans un dossier temporaire, désignée par CTG_DATA_DIR : on peut la casser."""
    copie = tmp_path / "data"
    shutil.copytree(DONNEES, copie)
    monkeypatch.setenv("CTG_DATA_DIR", str(copie))
    return copie


def remplacer(fichier: Path, avant: str, apres: str, compte: int = 1) -> None:
    texte = fichier.read_text(encoding="utf-8")
    assert avant in texte, f"{avant!r} absent de {fichier.name}"
    fichier.write_text(texte.replace(avant, apres, compte), encoding="utf-8")


def modifier_cellule(fichier: Path, id_: str | None, colonne: str, valeur: str, cle: str = "id", valeur_cle: str | None = None) -> int:
    """Change une cellule (ligne repérée par sa colonne « id », ou ``cle`` = ``valeur_cle``) ;
    renvoie le numéro de ligne du fichier."""
    with fichier.open(encoding="utf-8", newline="") as f:
        lignes = list(csv.DictReader(f))
    (rang,) = [i for i, l in enumerate(lignes) if l[cle] == (id_ if valeur_cle is None else valeur_cle)]
    lignes[rang][colonne] = valeur
    with fichier.open("w", encoding="utf-8", newline="") as f:
        ecrivain = csv.DictWriter(f, fieldnames=list(lignes[0]))
        ecrivain.writeheader()
        ecrivain.writerows(lignes)
    return rang + 2


# --- Navigateur réel -------------------------------------------------------------------------
CHROMIUM = Path("/usr/bin/chromium")
ARGS_CHROMIUM = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def attendre_sante(url: str, processus: subprocess.Popen, delai: float = 180) -> None:
    """Attend que Streamlit réponde « ok » sur /_stcore/health (ou que le processus meure)."""
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        if processus.poll() is not None:
            raise RuntimeError(f"L'application s'est arrêtée (code {processus.returncode}).")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"L'application n'a pas répondu en {delai} s.")


def environnement_serveur(journal: Path, port: int, **env_en_plus: str) -> dict[str, str]:
    """L'environnement d'un serveur de test. Sa base : ``CTG_DATABASE_URL`` de ``env_en_plus``, sinon
    celle du test ou de la session (fixtures automatiques), sinon (hors pytest) un fichier SQLite à
    côté du journal ; jamais la base du développeur."""
    env = dict(os.environ, STREAMLIT_SERVER_PORT=str(port), STREAMLIT_SERVER_ADDRESS="127.0.0.1", **env_en_plus)
    env.setdefault("CTG_DATABASE_URL", f"sqlite:///{journal.parent / 'ctg.sqlite3'}")
    assert str(BASE_DU_DEVELOPPEUR) not in env["CTG_DATABASE_URL"], "un serveur de test sur la base du développeur"
    return env


@contextlib.contextmanager
def serveur(journal: Path, **env_en_plus: str):
    """L'application lancée avec la commande du README, sur un port libre de la boucle locale."""
    port = port_libre()
    env = environnement_serveur(journal, port, **env_en_plus)
    with journal.open("w") as sortie:
        processus = subprocess.Popen(
            ["python3", "-m", "ctg_data.lanceur", "app"],
            cwd=RACINE, env=env, stdout=sortie, stderr=subprocess.STDOUT, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        attendre_sante(url, processus)
        yield url
    finally:
        arreter_groupe(processus)


def arreter_groupe(processus: subprocess.Popen) -> None:
    """Arrête un processus lancé dans son propre groupe (``start_new_session=True``) et ses enfants :
    SIGTERM, puis SIGKILL s'il n'est pas arrêté en 20 s."""
    os.killpg(processus.pid, signal.SIGTERM)
    try:
        processus.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(processus.pid, signal.SIGKILL)
        processus.wait()


@pytest.fixture(scope="session")
def serveur_app(tmp_path_factory):
    with serveur(tmp_path_factory.mktemp("app") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def navigateur():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} absent : installez le paquet Debian chromium")
    from playwright.sync_api import expect, sync_playwright

    # Le premier affichage d'une page après le démarrage du serveur charge pandas, geopandas…
    expect.set_options(timeout=30_000)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS_CHROMIUM)
        yield chromium
        chromium.close()


ADRESSES_LOCALES = ("http://127.0.0.1", "http://localhost", "data:", "blob:")


def est_locale(url: str) -> bool:
    """Adresse de la boucle locale (ou contenu embarqué dans la page) : la seule que l'on laisse passer."""
    return url.startswith(ADRESSES_LOCALES)


def hors_ligne(route) -> None:
    """Simule une salle sans internet : seules les adresses locales répondent."""
    if est_locale(route.request.url):
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def page(navigateur):
    contexte = navigateur.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    contexte.route("**/*", hors_ligne)
    onglet = contexte.new_page()
    onglet.set_default_timeout(30_000)
    onglet.dialogues = []
    onglet.on("dialog", lambda d: (onglet.dialogues.append(d.message), d.dismiss()))
    yield onglet
    contexte.close()


RESULTATS = RACINE / "test-results"


# --- Magasin : SQLite et PostgreSQL -----------------------------------------------------------
def executer_en_tant_que_postgres(args: list[str], **kw) -> subprocess.CompletedProcess:
    """PostgreSQL refuse de tourner en root : on passe par l'utilisateur système « postgres »."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw)


class ServeurPostgres:
    """Un serveur PostgreSQL privé, dans un dossier temporaire, qu'un test peut arrêter et relancer."""

    def __init__(self):
        binaires = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not binaires:
            pytest.skip("PostgreSQL absent : installez le paquet Debian postgresql")
        self.bin = binaires[-1].parent
        self.dossier = Path(tempfile.mkdtemp(prefix="ctg-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.dossier, "postgres", "postgres")
        self.port = port_libre()
        executer_en_tant_que_postgres([str(self.bin / "initdb"), "-D", str(self.dossier / "data"), "-A", "trust",
                                       "-U", "ctg", "-E", "UTF8", "--locale=C"])
        self.url = f"postgresql+psycopg://ctg@127.0.0.1:{self.port}/postgres"

    def demarrer(self) -> None:
        executer_en_tant_que_postgres([
            str(self.bin / "pg_ctl"), "-D", str(self.dossier / "data"), "-l", str(self.dossier / "journal.log"), "-w",
            "-o", f"-p {self.port} -k {self.dossier} -c listen_addresses=127.0.0.1 -c fsync=off", "start",
        ])

    def arreter(self) -> None:
        executer_en_tant_que_postgres([str(self.bin / "pg_ctl"), "-D", str(self.dossier / "data"), "-m", "fast", "-w", "stop"])

    def supprimer(self) -> None:
        shutil.rmtree(self.dossier, ignore_errors=True)


@pytest.fixture(scope="session")
def url_postgres():
    """URL d'administration d'un serveur PostgreSQL pour les tests (démarré ici au besoin)."""
    if os.environ.get("CTG_TEST_POSTGRES_URL"):
        yield os.environ["CTG_TEST_POSTGRES_URL"]
        return
    serveur_pg = ServeurPostgres()
    serveur_pg.demarrer()
    try:
        yield serveur_pg.url
    finally:
        serveur_pg.arreter()
        serveur_pg.supprimer()


@contextlib.contextmanager
def base_postgres_vide(url_admin: str, prefixe: str = "ctg_test"):
    """Crée une base PostgreSQL vide sur le serveur de test, et la supprime après usage."""
    import sqlalchemy as sa

    admin = sa.create_engine(url_admin, isolation_level="AUTOCOMMIT")
    nom = f"{prefixe}_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{nom}"'))
    try:
        yield admin.url.set(database=nom).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{nom}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url_base(request, tmp_path):
    """Une base vide, SQLite puis PostgreSQL : chaque test du magasin tourne sur les deux."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ctg.sqlite3'}"
        return
    with base_postgres_vide(request.getfixturevalue("url_postgres")) as url:
        yield url


MOT_DE_PASSE = "un mot de passe assez long"  # mot de passe des comptes créés par les tests


@pytest.fixture
def stockage(url_base):
    """Un magasin neuf (SQLite puis PostgreSQL) avec deux comptes d'éditeurs, agent1 et agent2."""
    from ctg_data.stockage import Stockage

    s = Stockage(url_base)
    s.migrer()
    s.creer_compte("agent1", "Agent Un", MOT_DE_PASSE)
    s.creer_compte("agent2", "Agent Deux", MOT_DE_PASSE)
    yield s
    s.moteur.dispose()


@pytest.fixture
def agent1(stockage):
    return stockage.authentifier("agent1", MOT_DE_PASSE)


@pytest.fixture
def magasin(tmp_path, monkeypatch):
    """Le magasin des pages (AppTest) pour ce test : une base SQLite neuve désignée par ``CTG_DATABASE_URL``,
    avec l'éditeur agent1 (``editeur``). Des fichiers de tests définissent leur propre ``magasin``."""
    from ctg_data.stockage import Stockage

    url = f"sqlite:///{tmp_path / 'ctg.sqlite3'}"
    monkeypatch.setenv("CTG_DATABASE_URL", url)
    s = Stockage(url)
    s.creer_compte("agent1", "Agent Un", MOT_DE_PASSE)
    yield s
    s.moteur.dispose()


@pytest.fixture
def editeur(magasin):
    """L'identité de l'éditeur agent1 dans ``magasin``."""
    return magasin.authentifier("agent1", MOT_DE_PASSE)


# --- AppTest ----------------------------------------------------------------------------------
def ouvrir_page(page: str | None = None, identite=None, **query):
    """Lance l'application dans AppTest (paramètres d'adresse, éditeur connecté au besoin), puis va
    sur ``pages/<page>.py`` ; vérifie qu'aucune exception n'est affichée."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=90)
    if identite is not None:
        at.session_state["_identite"] = identite
    for cle, valeur in query.items():
        at.query_params[cle] = valeur
    at.run()
    if page:
        at.switch_page(f"pages/vues/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def textes_affiches(at) -> str:
    """Tout le texte affiché (markdown, légendes, métriques, messages) d'une exécution AppTest."""
    return "\n".join(
        [m.value for m in at.markdown] + [c.value for c in at.caption] + [m.value for m in at.metric]
        + [i.value for i in at.info] + [w.value for w in at.warning] + [e.value for e in at.error]
        + [s.value for s in at.success]
    )
