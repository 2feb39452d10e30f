"""Le magasin des données saisies : valeurs d'indicateurs, statuts manuels, corrections d'équipements,
comptes des éditeurs.

- SQLite par défaut (fichier ``var/ctg.sqlite3``), PostgreSQL quand ``CTG_DATABASE_URL`` est défini
  (par ex. ``postgresql+psycopg://utilisateur:motdepasse@hote/base``). Même code pour les deux.
- Les tables sont décrites une seule fois, dans ``ctg_data.tables`` ; le schéma est créé et mis à
  jour par Alembic au premier accès (``migrer``), jamais à la main.
- Rien n'est écrasé : une correction ajoute une version ; l'historique reste consultable.
- Toute écriture exige une identité d'éditeur, revérifiée ici contre la table des comptes : une
  page atteinte par son adresse ou un appel direct ne suffit pas.
- Une écriture se fait en une transaction : en cas d'erreur, rien n'est écrit à moitié.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import numbers
import re
import secrets
import threading
import time
import unicodedata
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from .acces import (  # noqa: F401  (réexportés : ``from ctg_data.stockage import Identite…`` reste valable)
    FICHIER_SQLITE, ROLE_EDITEUR, ConflitSaisie, EcritureRefusee, ErreurStockage, Identite, StockageIndisponible,
    url_par_defaut,
)
from . import connexions
from .tables import comptes, conflits, corrections, journal_connexions, meta, statuts_manuels, valeurs  # noqa: F401  (réexportés)
from .tables import geocodages  # noqa: F401  (révision 0003 : résultats de géocodage ; réexporté)
from .vocabulaire import ETATS_EQUIPEMENT, LIBELLES_STATUTS, Statut

_VERROU_MIGRATION = threading.Lock()
DOSSIER_MIGRATIONS = Path(__file__).parent / "migrations"
STATUTS_MANUELS = LIBELLES_STATUTS  # ancien nom, gardé pour les imports existants (voir ctg_data.vocabulaire)
# Une période : chiffres ASCII seulement (« \d » admettrait « ２０２５ », une autre période que « 2025 »).
MOTIF_PERIODE = re.compile(r"^[0-9]{4}(-(S[12]|T[1-4]|(0[1-9]|1[0-2])))?\Z")
ANNEE_MIN, ANNEE_MAX = 1990, 2100  # années plausibles d'une valeur d'indicateur (0000 et 9999 refusées)
AIDE_PERIODE = "une année (2025), un semestre (2025-S1), un trimestre (2025-T2) ou un mois (2025-03)"
LONGUEUR_MAX_CLE = 100  # indicateur et zone (colonnes String(100) de ctg_data.tables)


def erreur_periode(periode) -> str | None:
    """None si ``periode`` est admise, sinon pourquoi (« période « … » … », en français). Les chiffres
    non ASCII (pleine chasse « ２０２５ », arabes…) sont refusés, pas convertis : le message donne
    la période à écrire."""
    texte = "" if periode is None else str(periode)
    if MOTIF_PERIODE.match(texte):
        if ANNEE_MIN <= int(texte[:4]) <= ANNEE_MAX:
            return None
        return (f"période « {texte} » : l'année {texte[:4]} n'est pas plausible (admises : {ANNEE_MIN} à "
                f"{ANNEE_MAX})")
    if any(c.isdigit() and not c.isascii() for c in texte):
        ascii_ = "".join(str(unicodedata.digit(c)) if c.isdigit() else unicodedata.normalize("NFKC", c) for c in texte)
        conseil = f" ; écrivez « {ascii_} »" if MOTIF_PERIODE.match(ascii_) else f" ; attendu : {AIDE_PERIODE}"
        return (f"période « {texte} » invalide : chiffres non ASCII (pleine chasse ou d'une autre écriture), "
                f"refusés plutôt que convertis{conseil} avec les chiffres 0 à 9")
    return f"période « {texte} » invalide ; attendu : {AIDE_PERIODE}"


def erreur_nombre(valeur) -> str | None:
    """None si ``valeur`` est vide (None) ou un nombre réel fini ; sinon pourquoi, en français."""
    if valeur is None:
        return None
    if isinstance(valeur, bool) or not isinstance(valeur, numbers.Real):
        return f"la valeur « {valeur} » n'est pas un nombre (écrivez le texte dans la valeur en texte)"
    try:
        fini = math.isfinite(float(valeur))
    except (OverflowError, ValueError):
        fini = False
    if not fini:
        return f"la valeur « {valeur} » n'est pas un nombre fini (infini ou « pas un nombre » refusés)"
    return None
CHAMPS_CORRIGES = ("lat", "lon", "quartier", "capacite", "etat")
STATUTS_GEOCODAGE = ("trouvé", "non trouvé", "ambigu")  # ceux de ctg_data.geocodage (sans l'importer ici)
PRECISIONS_GEOCODAGE = ("adresse", "rue")


def configuration_alembic(connexion=None) -> Config:
    """La configuration Alembic du magasin (migrations de ``ctg_data/migrations``), sur ``connexion``."""
    configuration = Config()
    configuration.set_main_option("script_location", str(DOSSIER_MIGRATIONS))
    configuration.attributes["connexion"] = connexion
    return configuration


def revisions() -> list[str]:
    """Les révisions du schéma, de la première à la dernière (« tête »)."""
    script = ScriptDirectory.from_config(configuration_alembic())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def maintenant() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def empreinte_mot_de_passe(mot_de_passe: str, sel: str) -> str:
    """scrypt (bibliothèque standard), paramètres de l'OWASP ; le sel est propre à chaque compte."""
    return hashlib.scrypt(mot_de_passe.encode(), salt=bytes.fromhex(sel), n=2**14, r=8, p=1).hex()


def texte_valeur(valeur, texte) -> str:
    """La valeur citée dans un message de conflit : le même texte que partout (``vues_plan.texte_valeur``)."""
    from .vues_plan import texte_valeur as texte_commun

    return texte_commun(valeur, texte, vide="(vide)")


class Stockage:
    def __init__(self, url: str | None = None):
        self.url = url or url_par_defaut()
        options = {"pool_pre_ping": True}
        if self.url.startswith("sqlite"):
            options["connect_args"] = {"timeout": 5}
        self.moteur = sa.create_engine(self.url, **options)
        self._migre = False

    # --- Schéma ------------------------------------------------------------------------------
    def migrer(self) -> None:
        """Crée ou met à jour le schéma (Alembic). Sans effet s'il est à jour.

        Une migration à la fois par processus (Alembic garde son contexte dans des variables
        globales : deux sessions qui arrivent ensemble sur un serveur neuf le corrompaient). Si un
        autre processus (second serveur) crée le schéma au même instant, on réessaie une fois : la
        seconde fois, Alembic trouve le schéma à jour et ne fait rien.
        """
        with _VERROU_MIGRATION:
            if self._migre:
                return
            for essai in (1, 2):
                try:
                    with self.moteur.begin() as connexion:
                        command.upgrade(configuration_alembic(connexion), "head")
                    break
                except (sa.exc.OperationalError, sa.exc.ProgrammingError, sa.exc.IntegrityError) as e:
                    concurrence = any(m in str(e).lower() for m in ("already exists", "duplicate", "unique"))
                    if concurrence and essai == 1:
                        time.sleep(0.5)
                        continue
                    if isinstance(e, sa.exc.OperationalError):
                        raise StockageIndisponible(self._message_indisponible(e)) from None
                    raise
            self._migre = True

    def _connexion(self):
        if not self._migre:
            self.migrer()
        return self.moteur.begin()

    def _message_indisponible(self, e: Exception) -> str:
        if "locked" in str(e).lower():
            return "La base de données est occupée (verrouillée) : réessayez dans un instant. Rien n'a été enregistré."
        return "La base de données ne répond pas : réessayez plus tard ou prévenez l'administrateur. Rien n'a été enregistré."

    def _executer(self, fonction):
        """Exécute ``fonction(connexion)`` dans une transaction ; erreurs de connexion traduites."""
        try:
            with self._connexion() as connexion:
                return fonction(connexion)
        except sa.exc.OperationalError as e:
            raise StockageIndisponible(self._message_indisponible(e)) from None

    def lire(self, requete) -> pd.DataFrame:
        def executer(connexion):
            resultat = connexion.execute(requete)
            return pd.DataFrame(resultat.fetchall(), columns=list(resultat.keys()))

        return self._executer(executer)

    # --- Comptes -----------------------------------------------------------------------------
    def creer_compte(self, identifiant: str, nom: str, mot_de_passe: str | None = None, source: str = "local") -> None:
        """Ajoute (ou réactive) un éditeur. Réservé à la commande d'administration (hors application)."""
        identifiant = identifiant.strip()
        if not identifiant:
            raise ErreurStockage("L'identifiant est vide.")
        if source == "local" and (not mot_de_passe or len(mot_de_passe) < 12):
            raise ErreurStockage("Le mot de passe doit compter au moins 12 caractères.")
        sel = secrets.token_hex(16) if source == "local" else None
        ligne = {
            "identifiant": identifiant, "nom": nom, "role": ROLE_EDITEUR, "source": source, "sel": sel,
            "empreinte": empreinte_mot_de_passe(mot_de_passe, sel) if source == "local" else None,
            "actif": True, "cree_le": maintenant(),
        }

        def ecrire(c):
            c.execute(comptes.delete().where(comptes.c.identifiant == identifiant))
            c.execute(comptes.insert().values(**ligne))

        self._executer(ecrire)

    def desactiver_compte(self, identifiant: str) -> None:
        self._executer(lambda c: c.execute(
            comptes.update().where(comptes.c.identifiant == identifiant).values(actif=False)))

    def lister_comptes(self) -> pd.DataFrame:
        return self.lire(sa.select(comptes.c.identifiant, comptes.c.nom, comptes.c.role, comptes.c.source,
                                   comptes.c.actif, comptes.c.cree_le).order_by(comptes.c.identifiant))

    # --- Connexions : vérification, ralentissement, verrouillage, journal ----------------------
    # Les règles (``ctg_data.connexions``) et l'horloge sont réglables par instance (tests).
    regles_connexion = connexions.ReglesConnexion()
    horloge = staticmethod(maintenant)

    def authentifier(self, identifiant: str, mot_de_passe: str, client: str | None = None) -> Identite | None:
        """Identité d'un éditeur local si le mot de passe est bon, sinon None (sans dire pourquoi).
        Passe par les mêmes règles et le même journal que ``connecter``."""
        return self.connecter(identifiant, mot_de_passe, client).identite

    def connecter(self, identifiant: str, mot_de_passe: str, client: str | None = None) -> connexions.ResultatConnexion:
        """Un essai de connexion par mot de passe, décidé ici et journalisé (qui, quand, d'où, résultat).

        Avant toute vérification : un compte verrouillé ou un essai trop rapproché (par compte ou par
        ``client``) est refusé sans regarder le mot de passe. Sinon, une ligne « vérification en cours »
        est écrite (elle compte déjà comme un échec pour un essai lancé en même temps), le mot de passe
        est vérifié, et la ligne reçoit le résultat.
        """
        cle = self._cle_journal(identifiant)
        client = self._cle_journal(client) if client else None
        regles, t = self.regles_connexion, self.horloge()

        def decider(c):
            compte = self._etat_connexion(c, journal_connexions.c.identifiant == cle, t, verrouiller=True)
            if compte.verrou_jusqua is not None and compte.verrou_jusqua > t:
                self._journaliser(c, cle, connexions.VERROUILLE, client, "local", t)
                return connexions.ResultatConnexion(None, connexions.VERROUILLE, t, compte.verrou_jusqua,
                                                    compte.verrou_jusqua)
            par_client = (self._etat_connexion(c, journal_connexions.c.client == client, t, verrouiller=False)
                          if client else None)
            attente = connexions.prochain_essai(compte, par_client, regles)
            if attente is not None and attente > t:
                self._journaliser(c, cle, connexions.TROP_TOT, client, "local", t)
                return connexions.ResultatConnexion(None, connexions.TROP_TOT, t, attente)
            return self._journaliser(c, cle, connexions.EN_COURS, client, "local", t)

        decision = self._executer(decider)
        if isinstance(decision, connexions.ResultatConnexion):
            return decision
        compte = self._compte(cle, "local")
        if compte is None or not compte["empreinte"]:
            empreinte_mot_de_passe(mot_de_passe, "00" * 16)  # même durée que pour un compte existant
            motif = connexions.IDENTIFIANT_INCONNU
        elif hmac.compare_digest(empreinte_mot_de_passe(mot_de_passe, compte["sel"]), compte["empreinte"]):
            motif = connexions.CONNEXION
        else:
            motif = connexions.MOT_DE_PASSE_INCORRECT

        def conclure(c):
            c.execute(journal_connexions.update().where(journal_connexions.c.id == decision)
                      .values(motif=motif, reussite=motif == connexions.CONNEXION))
            if motif == connexions.CONNEXION:
                return connexions.ResultatConnexion(
                    Identite(compte["identifiant"], compte["nom"], compte["role"], "local"), motif, t)
            apres = self._etat_connexion(c, journal_connexions.c.identifiant == cle, t, verrouiller=True)
            par_client = (self._etat_connexion(c, journal_connexions.c.client == client, t, verrouiller=False)
                          if client else None)
            return connexions.ResultatConnexion(
                None, motif, t, reessayer_a=apres.verrou_jusqua or connexions.prochain_essai(apres, par_client, regles),
                verrou_jusqua=apres.verrou_jusqua, essais_restants=regles.echecs_avant_verrou - apres.echecs,
                duree_verrou=regles.duree_verrou)

        return self._executer(conclure)

    def connexion_oidc(self, courriel: str, nom: str | None = None, client: str | None = None) -> connexions.ResultatConnexion:
        """Une personne vient de se connecter par le fournisseur d'identité (st.login) : journalisé ;
        identité d'éditeur si son adresse est enregistrée (``comptes oidc``), sinon lecture seule."""
        qui = self.identite_oidc(courriel, nom)
        motif = connexions.CONNEXION_OIDC if qui is not None else connexions.OIDC_NON_AUTORISE
        t = self.horloge()
        self._executer(lambda c: self._journaliser(
            c, self._cle_journal((courriel or "").strip().lower()), motif,
            self._cle_journal(client) if client else None, "oidc", t, reussite=qui is not None))
        return connexions.ResultatConnexion(qui, motif, t)

    def identite_oidc(self, courriel: str, nom: str | None = None) -> Identite | None:
        """Identité d'éditeur pour une personne connectée par le fournisseur d'identité (st.login),
        si son adresse est enregistrée comme éditeur ; sinon None (lecture seule)."""
        compte = self._compte((courriel or "").strip().lower(), "oidc")
        if compte is None:
            return None
        return Identite(compte["identifiant"], nom or compte["nom"], compte["role"], "oidc")

    def deverrouiller(self, identifiant: str) -> None:
        """Remet à zéro les échecs d'un compte (commande d'administration) ; journalisé."""
        t = self.horloge()
        self._executer(lambda c: self._journaliser(
            c, self._cle_journal(identifiant), connexions.DEVERROUILLAGE, None, "local", t, reussite=True))

    def etat_connexion(self, identifiant: str) -> connexions.Etat:
        """Échecs d'affilée et verrou éventuel d'un compte, d'après le journal."""
        t = self.horloge()
        return self._executer(lambda c: self._etat_connexion(
            c, journal_connexions.c.identifiant == self._cle_journal(identifiant), t, verrouiller=True))

    def journal_des_connexions(self, identite: Identite, limite: int = 500) -> pd.DataFrame:
        """Les dernières lignes du journal, de la plus récente à la plus ancienne : éditeurs seulement."""
        def lire(c):
            self._exiger_editeur(c, identite)
            return c.execute(self._requete_journal(limite)).mappings().all()

        return pd.DataFrame(self._executer(lire), columns=self._COLONNES_JOURNAL)

    def lire_journal_des_connexions(self, limite: int = 500) -> pd.DataFrame:
        """Le journal, pour la commande d'administration (hors application)."""
        return self.lire(self._requete_journal(limite))

    _COLONNES_JOURNAL = ["horodatage", "identifiant", "reussite", "motif", "client", "source"]

    def _requete_journal(self, limite: int):
        return (sa.select(*(journal_connexions.c[n] for n in self._COLONNES_JOURNAL))
                .order_by(journal_connexions.c.horodatage.desc(), journal_connexions.c.id.desc()).limit(limite))

    @staticmethod
    def _cle_journal(texte: str | None) -> str:
        texte = (texte or "").strip()
        return texte[:200] if texte else "(vide)"

    @staticmethod
    def _journaliser(c, identifiant, motif, client, source, t, reussite=False) -> int:
        resultat = c.execute(journal_connexions.insert().values(
            identifiant=identifiant, reussite=reussite, motif=motif, client=client, source=source, horodatage=t))
        return resultat.inserted_primary_key[0]

    def _etat_connexion(self, c, condition, t, verrouiller: bool) -> connexions.Etat:
        depuis = t - max(self.regles_connexion.memoire, self.regles_connexion.duree_verrou)
        lignes = c.execute(
            sa.select(journal_connexions.c.horodatage, journal_connexions.c.motif)
            .where(condition, journal_connexions.c.source == "local", journal_connexions.c.horodatage >= depuis,
                   journal_connexions.c.horodatage <= t)
            .order_by(journal_connexions.c.horodatage, journal_connexions.c.id)
        ).all()
        return connexions.etat(lignes, self.regles_connexion, verrouiller)

    def _compte(self, identifiant: str, source: str) -> dict | None:
        def lire(c):
            return c.execute(sa.select(comptes).where(
                comptes.c.identifiant == identifiant, comptes.c.source == source, comptes.c.actif.is_(True)
            )).mappings().first()

        ligne = self._executer(lire)
        return dict(ligne) if ligne else None

    def _exiger_editeur(self, connexion, identite) -> str:
        """Refuse l'écriture sans identité d'éditeur active ; renvoie le nom d'auteur à enregistrer."""
        if not isinstance(identite, Identite) or not identite.est_editeur:
            raise EcritureRefusee("Écriture refusée : connectez-vous avec un compte d'éditeur.")
        compte = connexion.execute(sa.select(comptes).where(
            comptes.c.identifiant == identite.identifiant, comptes.c.source == identite.source,
            comptes.c.actif.is_(True), comptes.c.role == ROLE_EDITEUR,
        )).first()
        if compte is None:
            raise EcritureRefusee(
                f"Écriture refusée : « {identite.identifiant} » n'est pas (ou plus) un compte d'éditeur actif."
            )
        return identite.identifiant

    # --- Valeurs d'indicateurs ---------------------------------------------------------------
    def historique(self, plan: str, indicateur: str | None = None) -> pd.DataFrame:
        """Toutes les versions, de la plus ancienne à la plus récente."""
        requete = sa.select(valeurs).where(valeurs.c.plan == plan)
        if indicateur:
            requete = requete.where(valeurs.c.indicateur == indicateur)
        return self.lire(requete.order_by(valeurs.c.indicateur, valeurs.c.zone, valeurs.c.periode, valeurs.c.version))

    def valeurs_courantes(self, plan: str) -> pd.DataFrame:
        """La dernière version de chaque (indicateur, zone, période)."""
        tout = self.historique(plan)
        return tout.sort_values("version").drop_duplicates(["indicateur", "zone", "periode"], keep="last").reset_index(drop=True)

    def version_courante(self, connexion, plan, indicateur, zone, periode) -> dict | None:
        ligne = connexion.execute(
            sa.select(valeurs).where(
                valeurs.c.plan == plan, valeurs.c.indicateur == indicateur,
                valeurs.c.zone == zone, valeurs.c.periode == periode,
            ).order_by(valeurs.c.version.desc()).limit(1)
        ).mappings().first()
        return dict(ligne) if ligne else None

    def enregistrer_valeur(
        self, identite: Identite, plan: str, indicateur: str, zone: str, periode: str, *,
        valeur: float | None = None, valeur_texte: str | None = None, commentaire: str | None = None,
        source: str, version_vue: int,
    ) -> int:
        """Ajoute une version ; ``version_vue`` = version affichée à l'éditeur (0 si aucune).
        Lève ConflitSaisie si quelqu'un a enregistré entre-temps. Renvoie la nouvelle version."""
        ligne = {"indicateur": indicateur, "zone": zone, "periode": periode, "valeur": valeur,
                 "valeur_texte": valeur_texte, "commentaire": commentaire, "source": source, "version_vue": version_vue}
        return self._enregistrer(identite, plan, [ligne])[0]

    def _verifier_saisie(self, indicateur, zone, periode, valeur, valeur_texte, source, commentaire=None) -> dict:
        """Une saisie admise (textes nettoyés), ou ErreurStockage qui dit pourquoi, en français. Refusés
        ici même pour un appel direct : période non ASCII ou hors 1990-2100, valeur infinie ou « nan »,
        caractère nul (PostgreSQL le refuse), indicateur ou zone trop longs."""
        if not indicateur or not zone or not isinstance(indicateur, str) or not isinstance(zone, str):
            raise ErreurStockage("Indicateur et zone sont obligatoires.")
        if len(indicateur) > LONGUEUR_MAX_CLE or len(zone) > LONGUEUR_MAX_CLE:
            raise ErreurStockage(f"Indicateur ou zone trop long ({LONGUEUR_MAX_CLE} caractères au plus).")
        erreur = erreur_periode(periode)
        if erreur:
            raise ErreurStockage(erreur[0].upper() + erreur[1:] + ".")
        erreur = erreur_nombre(valeur)
        if erreur:
            raise ErreurStockage(erreur[0].upper() + erreur[1:] + ". Rien n'a été enregistré.")
        textes = {"valeur_texte": valeur_texte, "commentaire": commentaire, "source": source}
        for champ, texte in textes.items():
            if texte is not None and not isinstance(texte, str):
                raise ErreurStockage(f"Le champ « {champ} » doit être un texte.")
            if texte and any(ord(c) < 32 and c not in "\t\n\r" for c in texte):
                raise ErreurStockage(f"Le champ « {champ} » contient un caractère de contrôle invisible (caractère nul…) : "
                                     "retirez-le, puis enregistrez de nouveau.")
        if any(ord(c) < 32 for c in indicateur + zone + str(periode)):
            raise ErreurStockage("Indicateur, zone ou période contient un caractère de contrôle invisible.")
        if valeur is None and not (valeur_texte or "").strip():
            raise ErreurStockage("Saisissez une valeur (nombre ou texte).")
        if not (source or "").strip():
            raise ErreurStockage("Indiquez la source de la valeur (document, outil, comptage…).")
        return {"indicateur": indicateur, "zone": zone, "periode": periode,
                "valeur": None if valeur is None else float(valeur),
                "valeur_texte": (valeur_texte or "").strip() or None, "source": source.strip(),
                "commentaire": (commentaire or "").strip() or None}

    @staticmethod
    def _conflit(actuelle: dict | None, saisie: dict, version_vue: int) -> ConflitSaisie:
        if actuelle is None:  # la version affichée à l'éditeur n'existe pas (page périmée, fichier retouché)
            return ConflitSaisie(
                f"Conflit de saisie : vous partiez de la version n° {version_vue} de {saisie['indicateur']} "
                f"({saisie['zone']}, {saisie['periode']}), mais aucune valeur n'y est enregistrée. Votre valeur, "
                f"{texte_valeur(saisie['valeur'], saisie['valeur_texte'])}, n'a pas été enregistrée mais elle est "
                "conservée : rechargez la page, puis enregistrez de nouveau si besoin.",
                actuelle={"version": 0}, proposee=saisie, version_vue=version_vue,
            )
        return ConflitSaisie(
            f"Conflit de saisie : pendant que vous saisissiez, {actuelle['auteur']} a enregistré "
            f"{texte_valeur(actuelle['valeur'], actuelle['valeur_texte'])} pour {saisie['indicateur']} "
            f"({saisie['zone']}, {saisie['periode']}). Votre valeur, "
            f"{texte_valeur(saisie['valeur'], saisie['valeur_texte'])}, n'a pas été enregistrée "
            "mais elle est conservée : relisez la valeur actuelle, puis enregistrez de nouveau si besoin.",
            actuelle=actuelle, proposee=saisie, version_vue=version_vue,
        )

    def _noter_conflit(self, plan: str, identite: Identite, conflit: ConflitSaisie) -> None:
        """Les valeurs refusées sont gardées (table « conflits »), une fois la transaction refusée close :
        chacune avec la version trouvée (l'autre valeur, dans l'historique). Un lot en conflit garde
        toutes ses valeurs en conflit (``conflit.conflits``), en une transaction."""
        horodatage = maintenant()
        lignes = [{
            "plan": plan, "indicateur": k.proposee["indicateur"], "zone": k.proposee["zone"],
            "periode": k.proposee["periode"], "version_vue": k.version_vue, "version_trouvee": k.actuelle["version"],
            "valeur_proposee": k.proposee["valeur"], "texte_propose": k.proposee["valeur_texte"],
            "commentaire": k.proposee.get("commentaire"), "source": k.proposee["source"],
            "auteur": identite.identifiant, "horodatage": horodatage,
        } for k in (getattr(conflit, "conflits", None) or [conflit])]
        with self.moteur.begin() as c:
            c.execute(conflits.insert(), lignes)

    def conflits(self, plan: str) -> pd.DataFrame:
        return self.lire(sa.select(conflits).where(conflits.c.plan == plan).order_by(conflits.c.id))

    def enregistrer_lot(self, identite: Identite, plan: str, lignes: list[dict]) -> int:
        """Enregistre plusieurs saisies en une seule transaction : toutes, ou aucune.

        Chaque ligne : indicateur, zone, periode, valeur ou valeur_texte, commentaire, source,
        version_vue. Renvoie le nombre de versions ajoutées."""
        return len(self._enregistrer(identite, plan, lignes))

    @staticmethod
    def _ou(saisie: dict) -> str:
        """Où est une saisie : « ligne 5 : JE1-I1 (zone, 2025) » (ligne du fichier importé, s'il y en a une)."""
        lieu = f"{saisie['indicateur']} ({saisie['zone']}, {saisie['periode']})"
        return f"ligne {saisie['ligne']} : {lieu}" if saisie.get("ligne") is not None else lieu

    def _conflits_du_lot(self, c, plan: str, saisies: list[tuple[dict, int]], versions: dict) -> list[ConflitSaisie]:
        """Chaque saisie dont la version actuelle n'est plus celle que l'éditeur a vue."""
        trouves = []
        for saisie, version_vue in saisies:
            if versions.get((saisie["indicateur"], saisie["zone"], saisie["periode"]), 0) != version_vue:
                actuelle = self.version_courante(c, plan, saisie["indicateur"], saisie["zone"], saisie["periode"])
                trouves.append(self._conflit(actuelle, saisie, version_vue))
        return trouves

    def _conflit_du_lot(self, trouves: list[ConflitSaisie], n: int) -> ConflitSaisie:
        """L'erreur levée pour un lot : le message d'une saisie seule, ou la liste de toutes les valeurs en
        conflit (ligne du fichier, les deux valeurs) ; dans les deux cas, rien du lot n'est écrit."""
        if n == 1 and len(trouves) == 1 and trouves[0].proposee.get("ligne") is None:  # une saisie, hors fichier
            conflit = trouves[0]
        else:
            details = []
            for k in trouves:
                votre = texte_valeur(k.proposee["valeur"], k.proposee["valeur_texte"])
                if k.actuelle.get("auteur") is None:
                    details.append(f"- {self._ou(k.proposee)} : vous partiez de la version n° {k.version_vue}, "
                                   f"qui n'existe pas ; votre valeur : {votre}")
                else:
                    details.append(f"- {self._ou(k.proposee)} : {k.actuelle['auteur']} a enregistré "
                                   f"{texte_valeur(k.actuelle['valeur'], k.actuelle['valeur_texte'])} "
                                   f"(version {k.actuelle['version']}) ; votre valeur : {votre}")
            conflit = ConflitSaisie(
                f"Conflit de saisie : {len(trouves)} des {n} valeurs ont été enregistrées par quelqu'un d'autre "
                "depuis que vous les avez vues. Rien de ce lot n'a été enregistré (tout ou rien) ; vos "
                f"{len(trouves)} valeur(s) en conflit sont conservées (table des conflits), avec la version "
                "trouvée :\n" + "\n".join(details)
                + "\nRelisez les valeurs actuelles (nouvel aperçu), puis recommencez si besoin.",
                actuelle=trouves[0].actuelle, proposee=trouves[0].proposee, version_vue=trouves[0].version_vue,
            )
        conflit.conflits = trouves
        return conflit

    def _enregistrer(self, identite: Identite, plan: str, lignes: list[dict]) -> list[int]:
        saisies, erreurs = [], []
        for l in lignes:
            try:
                saisie = self._verifier_saisie(l.get("indicateur"), l.get("zone"), l.get("periode"), l.get("valeur"),
                                               l.get("valeur_texte"), l.get("source"), l.get("commentaire"))
                version_vue = int(l.get("version_vue", 0))
            except (ErreurStockage, TypeError, ValueError) as e:
                message = str(e) if isinstance(e, ErreurStockage) else "version vue invalide (un entier est attendu)."
                lieu = self._ou({c: l.get(c) for c in ("indicateur", "zone", "periode", "ligne")})
                erreurs.append(message if len(lignes) == 1 else f"- {lieu} : {message}")
                continue
            saisies.append((saisie | ({"ligne": l["ligne"]} if l.get("ligne") is not None else {}), version_vue))
        if erreurs:
            if len(lignes) == 1:
                raise ErreurStockage(erreurs[0])
            raise ErreurStockage(f"{len(erreurs)} saisie(s) refusée(s) ; rien de ce lot n'a été enregistré :\n"
                                 + "\n".join(erreurs[:20]) + (f"\n- … et {len(erreurs) - 20} autre(s)." if len(erreurs) > 20 else ""))
        cles = [(s["indicateur"], s["zone"], s["periode"]) for s, _ in saisies]
        if len(set(cles)) != len(cles):
            vues: set = set()
            doubles = sorted({f"{i} ({z}, {p})" for i, z, p in cles if (i, z, p) in vues or vues.add((i, z, p))})
            raise ErreurStockage("Le lot contient deux fois la même valeur (même indicateur, zone et période) : "
                                 + ", ".join(doubles[:10]) + ". Rien n'a été enregistré.")
        n = len(saisies)

        def versions_actuelles(c) -> dict:
            # Une requête pour les versions actuelles, une insertion groupée : rapide pour 1 000 lignes.
            cle = (valeurs.c.indicateur, valeurs.c.zone, valeurs.c.periode)
            return {tuple(r[:3]): r[3] for r in c.execute(
                sa.select(*cle, sa.func.max(valeurs.c.version)).where(valeurs.c.plan == plan).group_by(*cle))}

        def ecrire(c):
            auteur = self._exiger_editeur(c, identite)
            versions = versions_actuelles(c)
            trouves = self._conflits_du_lot(c, plan, saisies, versions)
            if trouves:  # toutes les valeurs en conflit, pas seulement la première
                raise self._conflit_du_lot(trouves, n)
            horodatage = maintenant()
            nouvelles = [
                {k: v for k, v in saisie.items() if k != "ligne"} | {
                    "plan": plan, "version": version_vue + 1, "auteur": auteur, "horodatage": horodatage}
                for saisie, version_vue in saisies
            ]
            if nouvelles:
                c.execute(valeurs.insert(), nouvelles)
            return [v["version"] for v in nouvelles]

        try:
            return self._executer(ecrire)
        except ConflitSaisie as e:
            self._noter_conflit(plan, identite, e)
            raise
        except sa.exc.IntegrityError:
            # Deux enregistrements simultanés de la même version : la base a refusé celui-ci. On relit les
            # versions pour dire (et garder) chaque valeur en conflit ; si aucune ne diffère plus (l'autre
            # transaction n'est pas encore visible), toutes les valeurs du lot sont gardées.
            def relire(c):
                return self._conflits_du_lot(c, plan, saisies, versions_actuelles(c)) or [
                    self._conflit(self.version_courante(c, plan, s["indicateur"], s["zone"], s["periode"]), s, v)
                    for s, v in saisies]
            conflit = self._conflit_du_lot(self._executer(relire), n)
            self._noter_conflit(plan, identite, conflit)
            raise conflit from None

    # --- Statuts manuels ---------------------------------------------------------------------
    def fixer_statut(self, identite: Identite, plan: str, indicateur: str, statut: str | None, motif: str) -> None:
        """Impose un statut (ou None pour revenir au statut calculé), avec son auteur et son motif."""
        if statut is not None:
            try:
                statut = Statut.depuis(statut).libelle
            except ValueError as e:
                raise ErreurStockage(str(e)) from None
        if not (motif or "").strip():
            raise ErreurStockage("Indiquez pourquoi le statut est fixé à la main.")

        def ecrire(c):
            auteur = self._exiger_editeur(c, identite)
            c.execute(statuts_manuels.insert().values(
                plan=plan, indicateur=indicateur, statut=statut, motif=motif.strip(), auteur=auteur,
                horodatage=maintenant()))

        self._executer(ecrire)

    def statuts_manuels(self, plan: str) -> pd.DataFrame:
        """Le dernier statut manuel de chaque indicateur (statut vide = retour au calcul)."""
        tout = self.lire(sa.select(statuts_manuels).where(statuts_manuels.c.plan == plan).order_by(statuts_manuels.c.id))
        return tout.drop_duplicates("indicateur", keep="last").reset_index(drop=True)

    # --- Corrections des équipements ---------------------------------------------------------
    def corriger_equipement(
        self, identite: Identite, equipement: str, *, motif: str, lat: float | None = None,
        lon: float | None = None, quartier: str | None = None, capacite: int | None = None, etat: str | None = None,
    ) -> int:
        if not (motif or "").strip():
            raise ErreurStockage("Indiquez le motif de la correction.")
        if (lat is None) != (lon is None):
            raise ErreurStockage("Une position corrigée demande la latitude et la longitude.")
        if lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ErreurStockage("Position hors des bornes (latitude -90 à 90, longitude -180 à 180).")
        if etat is not None and etat not in ETATS_EQUIPEMENT:
            raise ErreurStockage(f"État « {etat} » inconnu ; admis : {', '.join(ETATS_EQUIPEMENT)}.")
        if capacite is not None and capacite < 0:
            raise ErreurStockage("Une capacité ne peut pas être négative.")
        if all(v is None for v in (lat, quartier, capacite, etat)):
            raise ErreurStockage("Rien à corriger : indiquez une position, un quartier, une capacité ou un état.")

        def ecrire(c):
            auteur = self._exiger_editeur(c, identite)
            resultat = c.execute(corrections.insert().values(
                equipement=equipement, lat=lat, lon=lon, quartier=quartier, capacite=capacite, etat=etat,
                motif=motif.strip(), auteur=auteur, horodatage=maintenant()))
            return resultat.inserted_primary_key[0]

        return self._executer(ecrire)

    def annuler_correction(self, identite: Identite, id_correction: int, motif: str) -> int:
        """Annule une correction : ajoute une ligne d'annulation (``annulation_de`` = la correction
        annulée) et marque la correction (``annule_par``) ; elle reste dans l'historique. Le motif de
        l'annulation, précédé de « Annulation de la correction n° … : », n'est que le texte lu par les
        personnes : seuls les champs disent ce qui est annulé. Renvoie l'id de l'annulation."""
        def ecrire(c):
            auteur = self._exiger_editeur(c, identite)
            ligne = c.execute(sa.select(corrections).where(corrections.c.id == id_correction)).mappings().first()
            if ligne is not None and ligne["annulation_de"] is not None:
                raise ErreurStockage(
                    f"La ligne n° {id_correction} est l'annulation d'une correction : elle ne s'annule pas. "
                    "Pour rétablir la correction annulée, saisissez-la de nouveau.")
            if ligne is None or ligne["annule_par"] is not None:
                raise ErreurStockage("Cette correction n'existe pas ou a déjà été annulée.")
            annulation = c.execute(corrections.insert().values(
                equipement=ligne["equipement"],
                motif=f"Annulation de la correction n° {id_correction} : {(motif or '').strip() or 'sans motif'}",
                auteur=auteur, horodatage=maintenant(), annulation_de=id_correction)).inserted_primary_key[0]
            # Seulement si personne ne l'a annulée entre-temps (deux éditeurs au même moment) : sinon
            # toute la transaction est refusée, l'annulation ajoutée ci-dessus comprise.
            marquee = c.execute(corrections.update().where(
                corrections.c.id == id_correction, corrections.c.annule_par.is_(None)).values(annule_par=annulation))
            if marquee.rowcount != 1:
                raise ErreurStockage("Cette correction n'existe pas ou a déjà été annulée.")
            return annulation

        return self._executer(ecrire)

    def historique_corrections(self, equipement: str | None = None) -> pd.DataFrame:
        """Toutes les lignes (corrections et annulations), de la plus ancienne à la plus récente."""
        requete = sa.select(corrections).order_by(corrections.c.id)
        if equipement:
            requete = requete.where(corrections.c.equipement == equipement)
        return self.lire(requete)

    @staticmethod
    def _en_vigueur(tout: pd.DataFrame) -> pd.DataFrame:
        """Les corrections qui comptent : ni annulation, ni annulée (par les champs seulement)."""
        annulees = set(tout["annulation_de"].dropna().astype(int))
        return tout[tout["annulation_de"].isna() & tout["annule_par"].isna() & ~tout["id"].isin(annulees)]

    def corrections_annulables(self, equipement: str | None = None) -> pd.DataFrame:
        """Les corrections en vigueur (ni annulations, ni déjà annulées) : celles qu'on peut annuler."""
        return self._en_vigueur(self.historique_corrections(equipement)).reset_index(drop=True)

    def corrections_actives(self) -> pd.DataFrame:
        """Par équipement, la dernière valeur corrigée de chaque champ (lat, lon, quartier, capacité,
        état) parmi les corrections en vigueur, au format attendu par ``positions.positions`` (id, lat,
        lon, quartier, capacite, etat, auteur, date, motif, id_correction : ceux de la dernière
        correction en vigueur)."""
        tout = self.historique_corrections()
        colonnes = ["id", "lat", "lon", "quartier", "capacite", "etat", "auteur", "date", "motif", "id_correction"]
        if tout.empty:
            return pd.DataFrame(columns=colonnes)
        lignes = []
        for equipement, groupe in self._en_vigueur(tout).groupby("equipement"):
            derniere = groupe.iloc[-1]
            ligne = {"id": equipement, "auteur": derniere["auteur"], "motif": derniere["motif"],
                     "date": pd.Timestamp(derniere["horodatage"]).strftime("%Y-%m-%d"), "id_correction": derniere["id"]}
            for champ in CHAMPS_CORRIGES:
                renseignes = groupe[groupe[champ].notna()]
                ligne[champ] = renseignes[champ].iloc[-1] if not renseignes.empty else None
            lignes.append(ligne)
        return pd.DataFrame(lignes, columns=colonnes)

    def empreinte(self) -> tuple:
        """Change à chaque écriture : sert de clé aux caches de l'application."""
        def lire(c):
            return tuple(tuple(c.execute(sa.select(sa.func.count(), sa.func.max(t.c.id))).one())
                         for t in (valeurs, statuts_manuels, corrections, geocodages))

        return self._executer(lire)

    # --- Géocodages (résultats enregistrés depuis l'application, avec auteur et date) ----------
    def verifier_editeur(self, identite: Identite) -> str:
        """Vérifie l'identité d'éditeur (compte actif) avant un acte d'éditeur qui commence hors de
        la base (géocodage : requêtes au service de la BAN). Renvoie l'auteur ; sinon EcritureRefusee.
        L'écriture qui suit revérifie l'identité dans sa propre transaction."""
        return self._executer(lambda c: self._exiger_editeur(c, identite))

    @staticmethod
    def _verifier_geocodage(r: dict) -> dict:
        """Une ligne de géocodage valide (ErreurStockage sinon) : statut connu, position complète,
        finie et dans les bornes quand l'adresse est trouvée, score entre 0 et 1."""
        import math

        def nombre(champ):
            x = r.get(champ)
            if x is None or (not isinstance(x, str) and pd.isna(x)):
                return None
            try:
                x = float(x)
            except (TypeError, ValueError):
                raise ErreurStockage(f"Géocodage de {r.get('equipement')} : {champ} n'est pas un nombre.") from None
            if not math.isfinite(x):
                raise ErreurStockage(f"Géocodage de {r.get('equipement')} : {champ} n'est pas un nombre fini.")
            return x

        equipement = str(r.get("equipement") or "").strip()
        cle = str(r.get("cle") or "").strip()
        source = str(r.get("source") or "").strip()
        if not equipement or len(equipement) > 20 or not cle or not source:
            raise ErreurStockage("Géocodage incomplet : équipement, adresse (clé) et source sont obligatoires.")
        statut, precision = r.get("statut"), r.get("precision") or None
        lat, lon, score = nombre("lat"), nombre("lon"), nombre("score")
        if statut not in STATUTS_GEOCODAGE:
            raise ErreurStockage(
                f"Géocodage de {equipement} : statut « {statut} » inconnu ; admis : {', '.join(STATUTS_GEOCODAGE)}.")
        if precision not in (None, *PRECISIONS_GEOCODAGE):
            raise ErreurStockage(f"Géocodage de {equipement} : précision « {precision} » inconnue.")
        if statut == "trouvé" and (lat is None or lon is None or precision is None):
            raise ErreurStockage(f"Géocodage de {equipement} : une adresse trouvée demande lat, lon et précision.")
        if (lat is None) != (lon is None) or (lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180)):
            raise ErreurStockage(f"Géocodage de {equipement} : position incomplète ou hors des bornes.")
        if score is not None and not 0 <= score <= 1:
            raise ErreurStockage(f"Géocodage de {equipement} : score hors de l'intervalle 0 à 1.")
        libelle = str(r.get("libelle") or "").strip() or None
        return {"equipement": equipement, "cle": cle, "statut": statut, "lat": lat, "lon": lon,
                "precision": precision, "score": score, "libelle": libelle, "source": source[:100]}

    def enregistrer_geocodages(self, identite: Identite, resultats) -> int:
        """Enregistre des résultats de géocodage (une ligne par équipement : equipement, cle, statut,
        lat, lon, precision, score, libelle, source ; ``geocodage.pour_le_magasin``), avec l'auteur et
        la date, en une seule transaction : tous, ou aucun. Exige une identité d'éditeur active.
        Rien n'est écrasé : un nouveau résultat s'ajoute ; le dernier compte. Renvoie le nombre de lignes."""
        lignes = [self._verifier_geocodage(dict(r)) for r in resultats]

        def ecrire(c):
            auteur = self._exiger_editeur(c, identite)
            horodatage = maintenant()
            if lignes:
                c.execute(geocodages.insert(), [l | {"auteur": auteur, "horodatage": horodatage} for l in lignes])
            return len(lignes)

        return self._executer(ecrire)

    def historique_geocodages(self, equipement: str | None = None) -> pd.DataFrame:
        """Tous les résultats de géocodage enregistrés, du plus ancien au plus récent."""
        requete = sa.select(geocodages).order_by(geocodages.c.id)
        if equipement:
            requete = requete.where(geocodages.c.equipement == equipement)
        return self.lire(requete)

    def geocodages_actifs(self) -> pd.DataFrame:
        """Le dernier résultat de géocodage de chaque équipement, au format attendu par
        ``positions.avec_geocodages`` : id, cle, statut, lat, lon, precision, score, libelle, source,
        auteur, date (AAAA-MM-JJ)."""
        tout = self.historique_geocodages()
        colonnes = ["id", "cle", "statut", "lat", "lon", "precision", "score", "libelle", "source", "auteur", "date"]
        if tout.empty:
            return pd.DataFrame(columns=colonnes)
        derniers = (tout.drop_duplicates("equipement", keep="last").drop(columns="id")
                    .rename(columns={"equipement": "id"}))
        derniers["date"] = [pd.Timestamp(h).strftime("%Y-%m-%d") for h in derniers["horodatage"]]
        return derniers[colonnes].sort_values("id").reset_index(drop=True)
