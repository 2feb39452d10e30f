"""Lanceur du tableau de bord : prépare l'environnement puis lance l'application ou les tests.

Ce module n'utilise que la bibliothèque standard : il s'exécute avec le Python du système,
avant que les dépendances ne soient installées.

    python3 -m ctg_data.lanceur app      # lance l'application (http://localhost:8501)
    python3 -m ctg_data.lanceur tests    # lance toute la suite de tests
    python3 -m ctg_data.lanceur build    # reconstruit les fichiers géographiques de data/
    python3 -m ctg_data.lanceur geocodage --api   # géocode les adresses (voir le README)
    python3 -m ctg_data.lanceur comptes ajouter IDENTIFIANT --nom "Prénom Nom"   # comptes d'éditeurs
    python3 -m ctg_data.lanceur sauvegarde exporter FICHIER.json   # sauvegarde / restauration du magasin

Ce qu'il fait, dans l'ordre :
1. crée l'environnement virtuel ``.venv/`` à la racine du projet s'il n'existe pas ;
2. y installe les paquets figés (``requirements.txt``, plus ``tests/requirements.txt`` pour
   les tests), seulement quand ces fichiers ont changé depuis la dernière installation ;
3. pour les tests, installe Chromium, PostgreSQL et nginx (paquets Debian) s'ils manquent, ainsi
   qu'axe-core et oidc-provider (paquets npm, dans ``.venv/``) ;
4. remplace son propre processus par Streamlit ou pytest.

Les arguments qui suivent la commande sont transmis à Streamlit, à pytest ou au module.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("CTG_VENV", RACINE / ".venv"))
EXIGENCES_APP = RACINE / "requirements.txt"
EXIGENCES_TESTS = RACINE / "tests" / "requirements.txt"
CHROMIUM = Path("/usr/bin/chromium")

# Paquets Debian nécessaires aux tests, par catégorie : (exécutable attendu, paquets apt).
PAQUETS_SYSTEME = {
    "navigateur": (CHROMIUM, ["chromium", "fonts-dejavu-core"]),
    "postgres": (Path("/usr/lib/postgresql"), ["postgresql"]),
    "repartiteur": (Path("/usr/sbin/nginx"), ["nginx"]),
}
# Services que le paquet Debian démarre à l'installation, arrêtés et désactivés aussitôt : le test du
# répartiteur lance son propre nginx (sans droits root, sur un port libre de 127.0.0.1), pas celui du
# système (port 80).
SERVICES_A_ARRETER = {"repartiteur": "nginx"}


def dire(message: str) -> None:
    print(f"[ctg] {message}", flush=True)


def python_venv() -> Path:
    return VENV / "bin" / "python"


def empreinte(*fichiers: Path) -> str:
    h = hashlib.sha256()
    h.update(sys.version.encode())
    for f in fichiers:
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def marque(*fichiers: Path) -> Path:
    return VENV / f".installe-{empreinte(*fichiers)}"


def preparer_venv(*fichiers_exigences: Path, deja_couverts_par: tuple[Path, ...] = ()) -> Path:
    """Crée .venv et installe les exigences, sauf si elles sont déjà installées à l'identique.

    ``deja_couverts_par`` : un ensemble plus large d'exigences dont l'installation suffit aussi
    (les paquets des tests comprennent ceux de l'application).
    """
    py = python_venv()
    if not py.exists():
        dire(f"Création de l'environnement virtuel {VENV} …")
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    if marque(*fichiers_exigences).exists() or (deja_couverts_par and marque(*deja_couverts_par).exists()):
        return py
    args = [str(py), "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off"]
    for f in fichiers_exigences:
        args += ["-r", str(f)]
    dire("Installation des paquets Python (une seule fois, quelques minutes) …")
    subprocess.run(args, check=True)
    for ancienne in VENV.glob(".installe-*"):
        ancienne.unlink()
    marque(*fichiers_exigences).write_text("ok\n")
    dire("Paquets installés.")
    return py


def installer_paquets_debian(categorie: str) -> None:
    executable, paquets = PAQUETS_SYSTEME[categorie]
    if executable.exists():
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        dire(
            f"ATTENTION : {executable} est absent et ne peut pas être installé ici "
            f"(il faut apt-get et les droits root : apt-get install {' '.join(paquets)}). "
            "Les tests de cette catégorie seront sautés."
        )
        return
    dire(f"Installation des paquets Debian {', '.join(paquets)} …")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", *paquets], check=True, env=env)
    service = SERVICES_A_ARRETER.get(categorie)
    if service and Path("/run/systemd/system").exists():
        subprocess.run(["systemctl", "disable", "--now", service], check=False)
    elif service and shutil.which("invoke-rc.d"):
        subprocess.run(["invoke-rc.d", service, "stop"], check=False)


AXE = VENV / "axe" / "node_modules" / "axe-core" / "axe.min.js"
VERSION_AXE = "4.14.1"


def installer_paquet_npm(temoin: Path, nom: str, version: str, usage: str) -> None:
    """Installe le paquet npm ``nom@version`` dans le dossier de ``temoin`` (trois niveaux au-dessus du
    fichier témoin), sauf s'il y est déjà ; sans npm, le dit (les tests qui en ont besoin seront sautés,
    ce que CI refuse)."""
    if temoin.exists():
        return
    if shutil.which("npm") is None:
        dire(f"ATTENTION : npm est absent : {usage} ({nom}) sera sauté.")
        return
    dire(f"Installation de {nom} {version} (npm) pour {usage} …")
    subprocess.run(["npm", "install", "--prefix", str(temoin.parents[2]), "--no-audit", "--no-fund",
                    f"{nom}@{version}"], check=True)


def installer_axe() -> None:
    """axe-core (paquet npm), pour les tests d'accessibilité dans le navigateur."""
    installer_paquet_npm(AXE, "axe-core", VERSION_AXE, "le test d'accessibilité")


FOURNISSEUR_OIDC = VENV / "oidc" / "node_modules" / "oidc-provider" / "package.json"
VERSION_FOURNISSEUR_OIDC = "9.13.3"


def installer_fournisseur_oidc() -> None:
    """oidc-provider (paquet npm) : un vrai fournisseur OpenID Connect, démarré par le test de la
    connexion par ``st.login`` (tests/test_oidc.py) sur la boucle locale."""
    installer_paquet_npm(FOURNISSEUR_OIDC, "oidc-provider", VERSION_FOURNISSEUR_OIDC, "le test de connexion OIDC")


def lancer_app(args: list[str]) -> None:
    py = preparer_venv(EXIGENCES_APP, deja_couverts_par=(EXIGENCES_APP, EXIGENCES_TESTS))
    os.chdir(RACINE)
    # Streamlit ne sert le dossier static/ que s'il existe au démarrage.
    subprocess.run([str(py), "-m", "ctg_data.statique"], check=True, stdout=subprocess.DEVNULL)
    # pages.ui.serveur : Streamlit sans son ancien mode « dossier pages » (voir ce module).
    commande = [str(py), "-m", "pages.ui.serveur", "run", str(RACINE / "app.py"), *args]
    environnement_app()
    dire("Lancement de l'application : ouvrez l'adresse affichée ci-dessous dans un navigateur.")
    os.execv(str(py), commande)


# Réglages de l'environnement du serveur (voir ``environnement_app``) ; lus aussi par les bancs (bench/).
ENVIRONNEMENT_APP = {"MALLOC_ARENA_MAX": "2"}


def environnement_app() -> None:
    """Réglages de l'environnement du serveur, posés avant de remplacer le processus par Streamlit (un
    réglage déjà donné par l'environnement est gardé).

    ``MALLOC_ARENA_MAX=2`` : Streamlit exécute chaque session dans son propre fil d'exécution, et la
    bibliothèque C (glibc) donne à chaque fil sa propre réserve de mémoire (« arène ») ; la mémoire
    libérée par une session terminée reste dans ces réserves et n'est pas rendue au système. Avec deux
    arènes : +12 Mo au lieu de +20 Mo pour 8 sessions (mesuré le 30/11/2026, bench/README.md ; l'effet sur
    la vitesse n'a pas été mesuré)."""
    for nom, valeur in ENVIRONNEMENT_APP.items():
        os.environ.setdefault(nom, valeur)


def lancer_tests(args: list[str]) -> None:
    py = preparer_venv(EXIGENCES_APP, EXIGENCES_TESTS)
    for categorie in PAQUETS_SYSTEME:
        installer_paquets_debian(categorie)
    installer_axe()
    installer_fournisseur_oidc()
    os.chdir(RACINE)
    # -ra : le résumé final liste les tests sautés et pourquoi.
    os.execv(str(py), [str(py), "-m", "pytest", "-ra", *(args or ["tests"])])


def lancer_module(module: str, args: list[str]) -> None:
    py = preparer_venv(EXIGENCES_APP, deja_couverts_par=(EXIGENCES_APP, EXIGENCES_TESTS))
    os.chdir(RACINE)
    os.execv(str(py), [str(py), "-m", module, *args])


def main(argv: list[str]) -> None:
    commandes = {
        "app": lancer_app,
        "tests": lancer_tests,
        "build": lambda args: lancer_module("ctg_data.build", args),
        "geocodage": lambda args: lancer_module("ctg_data.geocodage", args),
        "comptes": lambda args: lancer_module("ctg_data.comptes", args),
        "sauvegarde": lambda args: lancer_module("ctg_data.sauvegarde", args),
    }
    if not argv or argv[0] not in commandes:
        print(__doc__)
        sys.exit(2)
    commandes[argv[0]](argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
