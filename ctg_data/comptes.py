"""Gestion des comptes d'éditeurs (hors de l'application, par une personne qui administre le serveur).

    python3 -m ctg_data.lanceur comptes ajouter IDENTIFIANT --nom "Prénom Nom"   # demande le mot de passe
    python3 -m ctg_data.lanceur comptes oidc COURRIEL --nom "Prénom Nom"          # éditeur connecté par st.login
    python3 -m ctg_data.lanceur comptes desactiver IDENTIFIANT
    python3 -m ctg_data.lanceur comptes lister
    python3 -m ctg_data.lanceur comptes deverrouiller IDENTIFIANT   # après 5 échecs de connexion d'affilée
    python3 -m ctg_data.lanceur comptes journal [--nombre 50]         # dernières connexions (réussies ou non)

Les mots de passe ne sont jamais stockés : seulement une empreinte scrypt avec un sel propre au
compte. Le magasin utilisé est celui de l'application (``CTG_DATABASE_URL`` ou SQLite par défaut).
Pour un script, ``--mot-de-passe-stdin`` lit le mot de passe sur l'entrée standard.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from .stockage import ErreurStockage, Stockage


def main(argv: list[str] | None = None) -> int:
    parseur = argparse.ArgumentParser(prog="comptes", description="Comptes des éditeurs du tableau de bord.")
    sous = parseur.add_subparsers(dest="action", required=True)
    ajouter = sous.add_parser("ajouter", help="ajoute (ou réinitialise) un éditeur à mot de passe")
    ajouter.add_argument("identifiant")
    ajouter.add_argument("--nom", required=True)
    ajouter.add_argument("--mot-de-passe-stdin", action="store_true")
    oidc = sous.add_parser("oidc", help="autorise à saisir une personne connectée par le fournisseur d'identité")
    oidc.add_argument("courriel")
    oidc.add_argument("--nom", required=True)
    desactiver = sous.add_parser("desactiver", help="retire les droits d'éditeur")
    desactiver.add_argument("identifiant")
    sous.add_parser("lister", help="liste les comptes (sans mots de passe)")
    deverrouiller = sous.add_parser("deverrouiller", help="remet à zéro les échecs de connexion d'un compte verrouillé")
    deverrouiller.add_argument("identifiant")
    journal = sous.add_parser("journal", help="dernières connexions, réussies ou non (qui, quand, d'où)")
    journal.add_argument("--nombre", type=int, default=50)
    args = parseur.parse_args(argv)
    stockage = Stockage()
    try:
        if args.action == "ajouter":
            if args.mot_de_passe_stdin:
                mot_de_passe = sys.stdin.readline().rstrip("\n")
            else:
                mot_de_passe = getpass.getpass("Mot de passe (12 caractères au moins) : ")
                if getpass.getpass("Confirmez le mot de passe : ") != mot_de_passe:
                    print("Les deux saisies diffèrent : rien n'a été enregistré.", file=sys.stderr)
                    return 1
            stockage.creer_compte(args.identifiant, args.nom, mot_de_passe)
            print(f"Éditeur « {args.identifiant} » enregistré.")
        elif args.action == "oidc":
            stockage.creer_compte(args.courriel.strip().lower(), args.nom, source="oidc")
            print(f"« {args.courriel} » pourra saisir après connexion par le fournisseur d'identité.")
        elif args.action == "desactiver":
            stockage.desactiver_compte(args.identifiant)
            print(f"Compte « {args.identifiant} » désactivé.")
        elif args.action == "deverrouiller":
            stockage.deverrouiller(args.identifiant)
            print(f"Compte « {args.identifiant} » déverrouillé : ses échecs de connexion sont oubliés.")
        elif args.action == "journal":
            lignes = stockage.lire_journal_des_connexions(args.nombre)
            print(lignes.to_string(index=False) if not lignes.empty else "Aucune connexion enregistrée.")
        else:
            comptes = stockage.lister_comptes()
            print(comptes.to_string(index=False) if not comptes.empty else "Aucun compte.")
    except ErreurStockage as e:
        print(f"Erreur : {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
