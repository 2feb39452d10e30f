"""Aucun secret n'est versionné : pas de fichier de secrets, pas de mot de passe dans une adresse de
base, pas de clé privée. Les secrets vont dans ``.streamlit/secrets.toml`` et ``CTG_DATABASE_URL``
(voir le README), tous deux hors du dépôt."""

import re
import subprocess

import pytest

from tests.conftest import RACINE

# Exemples de la documentation, volontairement fictifs.
EXEMPLES = {"utilisateur:motdepasse@"}
ADRESSE_AVEC_MOT_DE_PASSE = re.compile(r"[a-z+]+://([^:/\s\"'@]+:[^@\s\"'/]+@)")


def fichiers_versionnes() -> list[str]:
    r = subprocess.run(["git", "ls-files", "-z"], cwd=RACINE, capture_output=True, text=True)
    if r.returncode:
        pytest.skip("pas un dépôt git (archive sans historique)")
    return [f for f in r.stdout.split("\0") if f]


def test_aucun_fichier_de_secrets_versionne():
    fichiers = fichiers_versionnes()
    assert fichiers, "aucun fichier versionné trouvé"
    interdits = [f for f in fichiers if f.endswith(("secrets.toml", ".env", ".pem", ".key", ".sqlite3"))]
    assert interdits == []
    ignores = (RACINE / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".streamlit/secrets.toml" in ignores and "/var/" in ignores


def test_aucun_mot_de_passe_dans_le_code():
    # Le motif reconnaît bien une adresse avec mot de passe (sinon le test ne prouverait rien).
    # (adresse assemblée ici pour que ce fichier lui-même ne contienne pas le motif recherché)
    assert ADRESSE_AVEC_MOT_DE_PASSE.search("postgresql+psycopg://ctg:" + "S3cret!@db.exemple.fr:5432/ctg")
    assert not ADRESSE_AVEC_MOT_DE_PASSE.search("postgresql+psycopg://postgres@/ctg?host=/tmp")
    trouves = []
    for f in fichiers_versionnes():
        chemin = RACINE / f
        if chemin.suffix not in {".py", ".md", ".toml", ".yaml", ".yml", ".cfg", ".ini", ".txt", ".json", ""}:
            continue
        try:
            texte = chemin.read_text(encoding="utf-8")
        except (UnicodeDecodeError, IsADirectoryError, FileNotFoundError):
            continue
        if re.search("-" * 5 + r"BEGIN [A-Z ]*PRIVATE" + " KEY", texte):
            trouves.append(f"{f} : clé privée")
        for m in ADRESSE_AVEC_MOT_DE_PASSE.finditer(texte):
            if m.group(1) not in EXEMPLES and "{" not in m.group(1):
                trouves.append(f"{f} : {m.group(0)}")
    assert trouves == [], "secrets possibles dans des fichiers versionnés :\n" + "\n".join(trouves)
