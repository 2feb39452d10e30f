"""Disposition des pages : app.py est le script d'entrée de toute session, lien direct compris.

Streamlit passe dans son ancien mode multipage dès qu'un dossier ``pages/`` est à côté du script
d'entrée (voir ``pages/ui/serveur.py``, seul endroit qui touche ce réglage privé). Ces tests échouent
si Streamlit change ce comportement, si une page touche au réglage, ou si un lien direct sur un serveur
neuf ne passe plus par app.py.
"""

from __future__ import annotations

import re

import pytest

from .conftest import RACINE, serveur


def test_streamlit_decide_toujours_l_ancien_mode_par_le_dossier_pages(tmp_path):
    """Le comportement que ``pages/ui/serveur.py`` contourne existe toujours (sinon, retirer le
    contournement) : drapeau de classe fixé au premier PagesManager, d'après le dossier ``pages/``."""
    from streamlit.runtime.pages_manager import PagesManager

    (tmp_path / "pages").mkdir()
    (tmp_path / "app.py").write_text("")
    avant = PagesManager.uses_pages_directory
    try:
        PagesManager.uses_pages_directory = None
        PagesManager(str(tmp_path / "app.py"))
        assert PagesManager.uses_pages_directory is True
        # Fixé d'avance (ce que fait pages/ui/serveur.py), il n'est plus touché.
        PagesManager.uses_pages_directory = False
        PagesManager(str(tmp_path / "app.py"))
        assert PagesManager.uses_pages_directory is False
    finally:
        PagesManager.uses_pages_directory = avant


def test_le_reglage_prive_n_est_touche_qu_a_un_endroit():
    fichiers = [p for p in RACINE.rglob("*.py") if ".venv" not in p.parts and "tests" not in p.parts]
    touchent = sorted(str(p.relative_to(RACINE)) for p in fichiers
                      if "uses_pages_directory" in p.read_text(encoding="utf-8"))
    assert touchent == ["pages/ui/serveur.py"]
    for page in (RACINE / "pages" / "vues").glob("*.py"):
        assert "PagesManager" not in page.read_text(encoding="utf-8"), page.name


def test_l_ancien_mode_ne_liste_aucune_page():
    """Même sans le lanceur (``streamlit run app.py``), l'ancien mode ne trouve aucune page à exécuter
    seule : les pages sont dans ``pages/vues/``, déclarées par app.py."""
    assert [p.name for p in (RACINE / "pages").glob("*.py") if p.name != "__init__.py"] == []
    declarees = set(re.findall(r'st\.Page\("([^"]+)"', (RACINE / "app.py").read_text(encoding="utf-8")))
    assert declarees == {f"pages/vues/{p.name}" for p in (RACINE / "pages" / "vues").glob("*.py")
                         if p.name != "__init__.py"}


@pytest.mark.navigateur
@pytest.mark.parametrize("chemin,titre", [("accueil", "Convention Territoriale Globale"), ("carte", "Équipements")])
def test_lien_direct_sur_un_serveur_neuf(page, tmp_path, chemin, titre):
    """La première personne arrive par un lien direct : pas de « Page not found », la barre latérale
    (filtres d'app.py) est là, la page demandée s'affiche."""
    from playwright.sync_api import expect

    with serveur(tmp_path / "streamlit.log") as url:
        page.goto(f"{url}/{chemin}")
        expect(page.get_by_role("heading", level=1).first).to_contain_text(titre, timeout=60_000)
        expect(page.get_by_text("Plan suivi").first).to_be_visible()
        assert page.get_by_text("Page not found").count() == 0
        assert page.get_by_text("You have requested a page").count() == 0


def test_le_coeur_n_importe_pas_streamlit():
    """``ctg_data`` se teste sans navigateur ni Streamlit : importer tous ses modules ne charge pas Streamlit."""
    import subprocess
    import sys

    modules = sorted(f"ctg_data.{p.stem}" for p in (RACINE / "ctg_data").glob("*.py") if p.stem != "__init__")
    code = ("import importlib, sys\n"
            f"for m in {modules!r}: importlib.import_module(m)\n"
            "print(sorted(n for n in sys.modules if n == 'streamlit' or n.startswith('streamlit.')))")
    sortie = subprocess.run([sys.executable, "-c", code], cwd=RACINE, capture_output=True, text=True, check=True)
    assert sortie.stdout.strip() == "[]", sortie.stdout
