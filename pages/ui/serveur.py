"""Démarrage du serveur Streamlit, sans le mode « dossier pages » de Streamlit.

Le seul endroit du code qui touche un réglage privé de Streamlit. Pourquoi :

Streamlit (1.67, ``streamlit/runtime/pages_manager.py``) passe dans son ancien mode multipage
(« MPA v1 ») dès qu'un dossier nommé ``pages/`` se trouve à côté du script d'entrée, et tant que
``st.navigation`` n'a pas encore été appelé dans le processus : le drapeau de classe
``PagesManager.uses_pages_directory`` vaut alors ``True`` (il est fixé par le premier
``PagesManager`` créé, seulement s'il vaut encore ``None``). Dans ce mode, un lien direct
(``/carte``) ouvert sur un serveur neuf est cherché parmi les fichiers ``pages/*.py`` : introuvable
(nos pages sont dans le sous-paquet ``pages/vues/``, que l'ancien mode ne liste pas), Streamlit
affiche sa boîte « Page not found » en anglais avant d'exécuter app.py.

Aucune disposition prise en charge n'évite ce mode tant qu'un dossier ``pages/`` existe (la
disposition du projet l'exige). On fixe donc le drapeau à ``False`` avant de lancer Streamlit, dans le
même processus : le premier ``PagesManager`` le trouve déjà fixé et n'y touche plus ; app.py est le
script d'entrée de toutes les sessions, lien direct compris. ``tests/test_disposition.py`` échoue si
Streamlit change ce comportement (drapeau renommé, ou décidé autrement).

Lancement : ``python -m pages.ui.serveur run app.py [options de Streamlit]`` (c'est ce que fait
``python3 -m ctg_data.lanceur app``).
"""

from __future__ import annotations

import sys


def desactiver_ancien_mode_pages() -> None:
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def main(argv: list[str]) -> None:
    desactiver_ancien_mode_pages()
    from streamlit.web import cli

    sys.argv = ["streamlit", *argv]
    sys.exit(cli.main())


if __name__ == "__main__":
    main(sys.argv[1:])
