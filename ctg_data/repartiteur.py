"""Configuration du répartiteur nginx devant plusieurs serveurs de l'application.

Le modèle est ``deploiement/nginx.conf`` (documenté dans le README, lancé par
``tests/test_repartiteur.py``, copié par ``deploiement/Dockerfile``). Ce module remplace ses trois
repères (``${CTG_ECOUTE}``, ``${CTG_SERVEUR_A}``, ``${CTG_SERVEUR_B}``) et rien d'autre : le fichier
lancé est le fichier documenté, aux adresses près.

    python3 -m ctg_data.repartiteur --dossier /srv/ctg-nginx --ecoute 127.0.0.1:8080 \\
        --serveur 127.0.0.1:8501 --serveur 127.0.0.1:8502

écrit ``/srv/ctg-nginx/nginx.conf``, crée ``/srv/ctg-nginx/temp/`` et affiche la commande qui
lance nginx. Sans ``--dossier``, la configuration est affichée.

Bibliothèque standard seulement (comme le lanceur).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .config import RACINE

MODELE = RACINE / "deploiement" / "nginx.conf"
REPERES = ("CTG_ECOUTE", "CTG_SERVEUR_A", "CTG_SERVEUR_B")
# Une adresse : nom ou IP, et port (« 8080 » seul pour l'écoute). Pas d'espace, de « ; » ni
# d'accolade : rien qui puisse ajouter une directive à la configuration.
_ADRESSE = re.compile(r"^(?:[A-Za-z0-9.\-]+:|\[[0-9A-Fa-f:]+\]:)?[0-9]{1,5}$")


def configuration_nginx(ecoute: str, serveur_a: str, serveur_b: str, modele: Path = MODELE) -> str:
    """Le texte de ``modele`` avec ses trois repères remplacés ; erreur si une adresse est mal formée
    ou si un repère manque ou reste."""
    valeurs = dict(zip(REPERES, (ecoute, serveur_a, serveur_b)))
    for nom, valeur in valeurs.items():
        if not _ADRESSE.match(valeur):
            raise ValueError(f"{nom} : adresse mal formée {valeur!r} (attendu hôte:port, ou un port seul)")
    texte = modele.read_text(encoding="utf-8")
    for nom, valeur in valeurs.items():
        repere = "${" + nom + "}"
        if repere not in texte:
            raise ValueError(f"repère {repere} absent de {modele}")
        texte = texte.replace(repere, valeur)
    restes = sorted(set(re.findall(r"\$\{[A-Za-z_]+\}", texte)))
    if restes:
        raise ValueError(f"repères inconnus dans {modele} : {', '.join(restes)}")
    return texte


def preparer_dossier(dossier: Path, ecoute: str, serveur_a: str, serveur_b: str, modele: Path = MODELE) -> Path:
    """Écrit ``dossier/nginx.conf`` et crée ``dossier/temp/`` (nginx y crée ses dossiers temporaires) ;
    renvoie le chemin du fichier écrit."""
    dossier.mkdir(parents=True, exist_ok=True)
    (dossier / "temp").mkdir(exist_ok=True)
    fichier = dossier / "nginx.conf"
    fichier.write_text(configuration_nginx(ecoute, serveur_a, serveur_b, modele), encoding="utf-8")
    return fichier


def commande_nginx(dossier: Path, nginx: str = "/usr/sbin/nginx") -> list[str]:
    """La commande qui lance nginx au premier plan sur ``dossier/nginx.conf`` (fichiers dans ``dossier``)."""
    dossier = dossier.resolve()
    return [nginx, "-p", f"{dossier}/", "-c", str(dossier / "nginx.conf"), "-e", "stderr"]


USAGE = ("Usage : python3 -m ctg_data.repartiteur --ecoute ADRESSE:PORT --serveur ADRESSE:PORT "
         "--serveur ADRESSE:PORT [--dossier DOSSIER]")


def erreur(message: str) -> None:
    print(f"{USAGE}\nErreur : {message}", file=sys.stderr)
    sys.exit(2)


def main(argv: list[str]) -> None:
    """Arguments lus à la main (les messages d'argparse sont en anglais)."""
    options: dict[str, list[str]] = {"--ecoute": [], "--serveur": [], "--dossier": []}
    reste = list(argv)
    while reste:
        nom = reste.pop(0)
        if nom in ("-h", "--help", "--aide"):
            print(USAGE + "\n\n" + (__doc__ or ""))
            return
        if nom not in options or not reste:
            erreur(f"argument inattendu ou sans valeur : {nom}")
        options[nom].append(reste.pop(0))
    if len(options["--ecoute"]) != 1:
        erreur("donnez une fois --ecoute (adresse et port où nginx attend les navigateurs)")
    if len(options["--serveur"]) != 2:
        erreur("donnez exactement deux --serveur (le modèle en décrit deux)")
    if len(options["--dossier"]) > 1:
        erreur("donnez au plus un --dossier")
    adresses = (options["--ecoute"][0], *options["--serveur"])
    try:
        if not options["--dossier"]:
            sys.stdout.write(configuration_nginx(*adresses))
            return
        dossier = Path(options["--dossier"][0])
        fichier = preparer_dossier(dossier, *adresses)
    except ValueError as e:
        erreur(str(e))
    print(f"Configuration écrite : {fichier}")
    print("Lancement : " + " ".join(commande_nginx(dossier)))


if __name__ == "__main__":
    main(sys.argv[1:])
