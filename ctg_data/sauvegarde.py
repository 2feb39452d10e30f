"""Sauvegarde et restauration de tout le magasin (valeurs, statuts manuels, conflits, corrections
d'équipements, comptes) dans un seul fichier JSON.

    python3 -m ctg_data.lanceur sauvegarde exporter FICHIER.json [--base URL]
    python3 -m ctg_data.lanceur sauvegarde restaurer FICHIER.json [--base URL]

Sans ``--base``, le magasin est celui de l'application (``CTG_DATABASE_URL`` ou SQLite par défaut).

Le fichier : ``{"format": "ctg-sauvegarde", "version_schema": "<révision Alembic>", "cree_le": ISO,
"tables": {nom: [lignes…]}}``, lignes rangées par clé primaire, dates en ISO 8601 avec fuseau (UTC).

Les comptes sont exportés SANS mot de passe (ni sel ni empreinte) : après une restauration, chaque
compte local existe mais n'a plus de mot de passe ; il faut le redéfinir avec
``python3 -m ctg_data.lanceur comptes ajouter IDENTIFIANT --nom "Prénom Nom"``. Les comptes OIDC
fonctionnent tels quels.

La restauration ne se fait que dans une base VIDE (SQLite ou PostgreSQL) : le schéma est créé, le
fichier vérifié (format, révision du schéma ; une sauvegarde d'une révision plus ancienne est d'abord
mise au niveau du schéma actuel, voir ``MISES_A_NIVEAU``), puis tout est inséré en une seule transaction (tout ou
rien) en gardant les identifiants d'origine ; sous PostgreSQL, les séquences sont recalées pour que
les saisies suivantes fonctionnent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import copy
import math
import os
import re
import sys
from pathlib import Path

import sqlalchemy as sa

from . import stockage as st
from .stockage import ErreurStockage, Stockage, StockageIndisponible
from .tables import TABLES

FORMAT = "ctg-sauvegarde"
COLONNES_SECRETES = {"comptes": {"sel", "empreinte"}}
MESSAGE_MOTS_DE_PASSE = (
    "Les comptes sont sauvegardés sans mot de passe : après une restauration, redéfinissez le mot de "
    "passe de chaque compte local avec « python3 -m ctg_data.lanceur comptes ajouter IDENTIFIANT --nom … »."
)


class ErreurSauvegarde(ErreurStockage):
    """Sauvegarde ou restauration impossible ; le message (en français) dit pourquoi."""


class FichierInvalide(ErreurSauvegarde):
    """Le fichier n'est pas une sauvegarde lisible du tableau de bord."""


class SchemaIncompatible(ErreurSauvegarde):
    """La sauvegarde a été faite avec une autre version du schéma."""


class BaseNonVide(ErreurSauvegarde):
    """La base de destination contient déjà des données : rien n'est restauré."""


def dire(message: str) -> None:
    print(f"[sauvegarde] {message}", flush=True)


def nombre(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def colonnes(table: sa.Table) -> list[sa.Column]:
    secretes = COLONNES_SECRETES.get(table.name, set())
    return [c for c in table.columns if c.name not in secretes]


def _date_vers_texte(valeur: dt.datetime) -> str:
    if valeur.tzinfo is None:  # SQLite rend les dates sans fuseau ; elles sont enregistrées en UTC
        valeur = valeur.replace(tzinfo=dt.timezone.utc)
    return valeur.astimezone(dt.timezone.utc).isoformat()


def _texte_vers_date(texte, table: str, colonne: str) -> dt.datetime | None:
    if texte is None:
        return None
    try:
        valeur = dt.datetime.fromisoformat(texte)
    except (TypeError, ValueError):
        raise FichierInvalide(f"Date illisible dans « {table}.{colonne} » : {texte!r}.") from None
    if valeur.tzinfo is None:
        raise FichierInvalide(f"Date sans fuseau horaire dans « {table}.{colonne} » : {texte!r}.")
    return valeur.astimezone(dt.timezone.utc)


def _revision(connexion) -> str | None:
    return connexion.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _erreur_base(e: sa.exc.OperationalError, stockage: Stockage) -> StockageIndisponible:
    return StockageIndisponible(stockage._message_indisponible(e))


# --- Export ---------------------------------------------------------------------------------------
def exporter(stockage: Stockage) -> dict:
    """Tout le magasin sous forme d'un dictionnaire prêt pour JSON (comptes sans mot de passe).

    Le schéma est mis à jour au besoin (comme à chaque accès de l'application), puis toutes les
    tables sont lues dans une même transaction."""
    stockage.migrer()
    options = {"isolation_level": "REPEATABLE READ"} if stockage.moteur.dialect.name == "postgresql" else {}
    try:
        with stockage.moteur.connect().execution_options(**options) as connexion, connexion.begin():
            revision = _revision(connexion)
            tables = {}
            for table in TABLES:
                cols = colonnes(table)
                lignes = []
                for ligne in connexion.execute(sa.select(*cols)).mappings():
                    ligne = dict(ligne)
                    for c in cols:
                        if isinstance(c.type, sa.DateTime) and ligne[c.name] is not None:
                            ligne[c.name] = _date_vers_texte(ligne[c.name])
                    lignes.append(ligne)
                cle = [c.name for c in table.primary_key.columns]
                lignes.sort(key=lambda l: tuple(l[c] for c in cle))
                tables[table.name] = lignes
    except sa.exc.OperationalError as e:
        raise _erreur_base(e, stockage) from None
    return {"format": FORMAT, "version_schema": revision, "cree_le": _date_vers_texte(st.maintenant()),
            "tables": tables}


def ecrire(donnees: dict, chemin) -> None:
    """Écrit la sauvegarde en JSON (UTF-8) ; le fichier n'apparaît qu'une fois complet."""
    chemin = Path(chemin)
    provisoire = chemin.with_name(chemin.name + ".partiel")
    try:
        with provisoire.open("w", encoding="utf-8") as f:
            json.dump(donnees, f, ensure_ascii=False, indent=1)
            f.write("\n")
        os.replace(provisoire, chemin)
    except OSError as e:
        provisoire.unlink(missing_ok=True)
        raise ErreurSauvegarde(f"Impossible d'écrire « {chemin} » : {e.strerror or e}.") from None


def lire(chemin) -> dict:
    """Lit un fichier de sauvegarde (le contenu est vérifié par ``restaurer``)."""
    try:
        with Path(chemin).open(encoding="utf-8") as f:
            return json.load(f)
    except OSError as e:
        raise ErreurSauvegarde(f"Impossible de lire « {chemin} » : {e.strerror or e}.") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise FichierInvalide(f"« {chemin} » n'est pas un fichier JSON valide : ce n'est pas une sauvegarde.") from None


# --- Mise à niveau d'une sauvegarde ancienne -------------------------------------------------------
PREFIXE_ANNULATION = re.compile(r"^Annulation de la correction n° (\d+)")


def _vers_0002(tables: dict) -> None:
    """Révision 0002 (même règle que la migration) : une annulation de correction est marquée par
    ``annulation_de`` (id de la correction annulée), plus par le préfixe de son motif ; ``annule_par``
    ne reste que sur la correction annulée."""
    lignes = tables.get("corrections_equipements")
    if not isinstance(lignes, list) or not all(isinstance(l, dict) for l in lignes):
        return  # signalé par la vérification qui suit
    existantes = {l["id"]: l for l in lignes if isinstance(l.get("id"), int)}
    for ligne in lignes:
        motif = ligne.get("motif")
        numero = PREFIXE_ANNULATION.match(motif) if isinstance(motif, str) else None
        if not numero:
            continue
        visee = ligne.get("annule_par") if ligne.get("annule_par") is not None else int(numero.group(1))
        if not isinstance(visee, int) or visee == ligne.get("id") or visee not in existantes:
            continue
        ligne["annulation_de"], ligne["annule_par"] = visee, None
        if existantes[visee].get("annule_par") is None:
            existantes[visee]["annule_par"] = ligne.get("id")


def _vers_0003(tables: dict) -> None:
    """0003 ajoute deux tables (journal des connexions, géocodages) : vides dans une sauvegarde plus ancienne."""
    tables.setdefault("journal_connexions", [])
    tables.setdefault("geocodages", [])


MISES_A_NIVEAU = {"0002": _vers_0002, "0003": _vers_0003}
"""Pour chaque révision du schéma après la première : ce qu'elle change aux lignes d'une sauvegarde
faite à la révision précédente (une révision qui n'ajoute qu'une colonne facultative : ``lambda t: None``).
Une nouvelle révision sans entrée ici fait échouer ``tests/test_sauvegarde.py``."""


def _mettre_a_niveau(donnees: dict, revision: str) -> dict:
    """La sauvegarde au niveau de ``revision`` (celle de la base) ; SchemaIncompatible si elle est
    plus récente que l'application, ou d'un schéma inconnu."""
    depart = donnees.get("version_schema")
    if depart == revision:
        return donnees
    connues = st.revisions()
    if depart not in connues or revision not in connues or connues.index(depart) > connues.index(revision):
        raise SchemaIncompatible(
            f"La sauvegarde a été faite avec le schéma « {depart} », la base est au schéma « {revision} » : "
            "utilisez la version de l'application qui a produit la sauvegarde (ou une plus récente)."
        )
    donnees = copy.deepcopy(donnees)
    if isinstance(donnees.get("tables"), dict):
        for suivante in connues[connues.index(depart) + 1: connues.index(revision) + 1]:
            MISES_A_NIVEAU[suivante](donnees["tables"])
    donnees["version_schema"] = revision
    return donnees


# --- Restauration ---------------------------------------------------------------------------------
def _verifier(donnees, revision: str) -> dict[str, list[dict]]:
    """Contrôle le fichier et le convertit en lignes à insérer, par table."""
    if not isinstance(donnees, dict) or donnees.get("format") != FORMAT:
        raise FichierInvalide(f"Ce fichier n'est pas une sauvegarde du tableau de bord (format attendu : « {FORMAT} »).")
    donnees = _mettre_a_niveau(donnees, revision)
    tables = donnees.get("tables")
    if not isinstance(tables, dict):
        raise FichierInvalide("La sauvegarde ne contient pas de tables.")
    inconnues = set(tables) - {t.name for t in TABLES}
    if inconnues:
        raise FichierInvalide(f"Tables inconnues dans la sauvegarde : {', '.join(sorted(inconnues))}.")
    resultat = {}
    for table in TABLES:
        lignes = tables.get(table.name, [])
        if not isinstance(lignes, list):
            raise FichierInvalide(f"La table « {table.name} » de la sauvegarde n'est pas une liste de lignes.")
        permises = {c.name: c for c in colonnes(table)}
        converties = []
        for numero, ligne in enumerate(lignes, start=1):
            if not isinstance(ligne, dict):
                raise FichierInvalide(f"Ligne {numero} de « {table.name} » illisible.")
            en_trop = set(ligne) - set(permises)
            if en_trop:
                raise FichierInvalide(
                    f"Colonnes inattendues dans « {table.name} » (ligne {numero}) : {', '.join(sorted(en_trop))}.")
            ligne = dict(ligne)
            for nom, c in permises.items():
                if isinstance(c.type, sa.DateTime):
                    ligne[nom] = _texte_vers_date(ligne.get(nom), table.name, nom)
                else:
                    _verifier_champ(ligne.get(nom), c, table.name, numero)
            converties.append(ligne)
        resultat[table.name] = converties
    return resultat


ENTIER_MIN, ENTIER_MAX = -(2**31), 2**31 - 1  # colonne « Integer » : 32 bits sous PostgreSQL


def _verifier_champ(valeur, colonne: sa.Column, table: str, numero: int) -> None:
    """Refuse (FichierInvalide, message en français) une valeur que la colonne ne peut pas garder telle
    quelle : un texte ou un nombre infini (``Infinity``, ``1e999``) ou indéfini (``NaN``) dans un champ
    numérique, un nombre dans un champ de texte, un texte trop long ou contenant un caractère nul, un
    entier hors des bornes. Sans cette vérification, SQLite garderait « abc » dans une colonne de
    nombres et une page échouerait ensuite pour tout le monde (``OverflowError`` sur un infini)."""
    ou = f"« {table}.{colonne.name} » (ligne {numero})"
    if valeur is None:
        return  # champ obligatoire vide : refusé par la base, message de ``restaurer``
    type_ = colonne.type
    if isinstance(type_, sa.Boolean):
        if not isinstance(valeur, bool):
            raise FichierInvalide(f"Valeur {valeur!r} dans {ou} : vrai ou faux (true/false) attendu. Rien n'a été restauré.")
    elif isinstance(type_, sa.Integer):
        if isinstance(valeur, bool) or not isinstance(valeur, int):
            raise FichierInvalide(f"Valeur {valeur!r} dans {ou} : un nombre entier est attendu. Rien n'a été restauré.")
        if not ENTIER_MIN <= valeur <= ENTIER_MAX:
            raise FichierInvalide(f"Nombre entier {valeur} hors des bornes dans {ou}. Rien n'a été restauré.")
    elif isinstance(type_, sa.Float):
        if isinstance(valeur, bool) or not isinstance(valeur, (int, float)):
            raise FichierInvalide(f"Valeur {valeur!r} dans {ou} : un nombre est attendu. Rien n'a été restauré.")
        try:
            fini = math.isfinite(valeur)
        except OverflowError:  # entier trop grand pour un nombre à virgule
            fini = False
        if not fini:
            raise FichierInvalide(f"Nombre infini, indéfini ou trop grand ({valeur!r:.40}) dans {ou} : seul un "
                                  "nombre fini est accepté. Rien n'a été restauré.")
    elif isinstance(type_, sa.String):  # Text compris
        if not isinstance(valeur, str):
            raise FichierInvalide(f"Valeur {valeur!r} dans {ou} : un texte est attendu. Rien n'a été restauré.")
        if "\x00" in valeur:
            raise FichierInvalide(f"Caractère nul dans {ou} : texte refusé. Rien n'a été restauré.")
        if type_.length is not None and len(valeur) > type_.length:
            raise FichierInvalide(f"Texte de {len(valeur)} caractères dans {ou} : {type_.length} au plus. "
                                  "Rien n'a été restauré.")


def restaurer(stockage: Stockage, donnees: dict) -> dict[str, int]:
    """Restaure une sauvegarde dans une base VIDE, en une transaction ; renvoie le nombre de lignes
    par table. Les comptes locaux restaurés n'ont pas de mot de passe (voir le module)."""
    stockage.migrer()
    try:
        with stockage.moteur.begin() as connexion:
            lignes = _verifier(donnees, _revision(connexion))
            occupees = [t.name for t in TABLES
                        if connexion.execute(sa.select(sa.func.count()).select_from(t)).scalar()]
            if occupees:
                raise BaseNonVide(
                    f"La base de destination n'est pas vide (tables {', '.join(occupees)}) : la restauration "
                    "ne se fait que dans une base vide. Rien n'a été modifié.")
            comptes = {}
            for table in TABLES:
                a_inserer = lignes[table.name]
                if a_inserer:
                    colonnes_table = [c.name for c in colonnes(table)]
                    connexion.execute(table.insert(), [{c: l.get(c) for c in colonnes_table} for l in a_inserer])
                comptes[table.name] = len(a_inserer)
                dire(f"{table.name} : {nombre(len(a_inserer))} lignes")
            if connexion.dialect.name == "postgresql":
                for table in TABLES:
                    if "id" in table.c and comptes[table.name]:
                        connexion.execute(sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), MAX(id)) FROM {table.name}"))
    except sa.exc.IntegrityError as e:
        raise FichierInvalide(
            f"La sauvegarde contient des lignes incohérentes (doublon ou champ obligatoire vide) : "
            f"{str(e.orig).splitlines()[0]}. Rien n'a été restauré.") from None
    except sa.exc.DataError as e:  # ce que la vérification n'aurait pas vu : refusé par la base, rien d'écrit
        raise FichierInvalide(
            f"La sauvegarde contient une valeur que la base refuse : {str(e.orig).splitlines()[0]}. "
            "Rien n'a été restauré.") from None
    except sa.exc.OperationalError as e:
        raise _erreur_base(e, stockage) from None
    return comptes


# --- Ligne de commande ----------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parseur = argparse.ArgumentParser(prog="sauvegarde", description="Sauvegarde et restauration du magasin.")
    sous = parseur.add_subparsers(dest="action", required=True)
    for action, aide in (("exporter", "écrit tout le magasin dans un fichier JSON (sans mots de passe)"),
                         ("restaurer", "recharge une sauvegarde dans une base vide")):
        p = sous.add_parser(action, help=aide)
        p.add_argument("fichier")
        p.add_argument("--base", help="URL SQLAlchemy de la base (par défaut : celle de l'application)")
    args = parseur.parse_args(argv)
    stockage = Stockage(args.base)
    try:
        if args.action == "exporter":
            donnees = exporter(stockage)
            for nom, lignes in donnees["tables"].items():
                dire(f"{nom} : {nombre(len(lignes))} lignes")
            ecrire(donnees, args.fichier)
            total = sum(len(l) for l in donnees["tables"].values())
            dire(f"Sauvegarde écrite dans {args.fichier} : {nombre(total)} lignes, schéma {donnees['version_schema']}.")
        else:
            comptes = restaurer(stockage, lire(args.fichier))
            dire(f"Restauration terminée : {nombre(sum(comptes.values()))} lignes dans {len(comptes)} tables.")
            if comptes.get("comptes"):
                dire("ATTENTION : les comptes restaurés n'ont pas de mot de passe.")
        dire(MESSAGE_MOTS_DE_PASSE)
    except ErreurStockage as e:
        print(f"Erreur : {e}", file=sys.stderr)
        return 1
    finally:
        stockage.moteur.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
