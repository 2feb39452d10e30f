"""Le lanceur de l'application : environnement du serveur (mémoire) et réglages de Streamlit."""

import os
import tomllib

from ctg_data import lanceur
from tests.conftest import RACINE


def test_lancer_app_pose_malloc_arena_max_avant_streamlit(monkeypatch):
    """``MALLOC_ARENA_MAX=2`` est dans l'environnement du processus remplacé par Streamlit."""
    vu = {}
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    monkeypatch.setattr(lanceur, "preparer_venv", lambda *a, **k: lanceur.python_venv())
    monkeypatch.setattr(lanceur.subprocess, "run", lambda *a, **k: None)
    monkeypatch.setattr(lanceur.os, "chdir", lambda chemin: None)

    def execv(programme, commande):
        vu["commande"] = commande
        vu["arenes"] = os.environ.get("MALLOC_ARENA_MAX")

    monkeypatch.setattr(lanceur.os, "execv", execv)
    lanceur.lancer_app(["--server.port", "8611"])
    assert vu["arenes"] == "2"
    assert vu["commande"][-2:] == ["--server.port", "8611"]


def test_malloc_arena_max_deja_donne_est_garde(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    lanceur.environnement_app()
    assert os.environ["MALLOC_ARENA_MAX"] == "4"


def test_pas_de_surveillance_des_fichiers_sources():
    """La surveillance des fichiers coûte à chaque nouvelle session ; le commentaire dit comment la rallumer."""
    texte = (RACINE / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert tomllib.loads(texte)["server"]["fileWatcherType"] == "none"
    assert "python3 -m ctg_data.lanceur app --server.fileWatcherType auto" in texte
