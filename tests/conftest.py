"""Configuration commune des tests.

Catégories de tests qui dépendent d'un logiciel système (marqueurs pytest) :
- ``navigateur`` : Chromium (paquet Debian) piloté par Playwright ;

Avec ``CTG_TESTS_COMPLETS=1`` (c'est le cas dans ``.ci/run``), la session échoue si un test d'une
de ces catégories a été sauté, ou si aucun n'a été exécuté : un test sauté n'est pas un test réussi.
"""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parent.parent
DONNEES = RACINE / "data"
CATEGORIES_EXIGEES = {
    "navigateur": "test dans un vrai navigateur (Chromium + Playwright)",
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


@contextlib.contextmanager
def serveur(journal: Path, **env_en_plus: str):
    """L'application lancée avec la commande du README, sur un port libre de la boucle locale."""
    port = port_libre()
    env = dict(os.environ, STREAMLIT_SERVER_PORT=str(port), STREAMLIT_SERVER_ADDRESS="127.0.0.1", **env_en_plus)
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
        os.killpg(processus.pid, signal.SIGTERM)
        try:
            processus.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(processus.pid, signal.SIGKILL)


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


def hors_ligne(route) -> None:
    """Simule une salle sans internet : seules les adresses locales répondent."""
    url = route.request.url
    if url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:")):
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
