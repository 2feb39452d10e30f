"""Saisie des valeurs d'indicateurs : modèle d'import, lecture et validation d'un fichier CSV ou
XLSX, aperçu des changements. L'enregistrement (tout ou rien) passe par ``Stockage.enregistrer_lot``.
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from .erreurs import ErreurDonnees, Probleme
from .exports import en_xlsx
from .plan import Plan
from .stockage import MOTIF_PERIODE
from .territoire import Territoire
from .vues_plan import indicateurs_du_plan, lire_valeur, nombre, territoire_du_plan, zones_du_plan  # noqa: F401

COLONNES = ["indicateur", "zone", "periode", "valeur", "commentaire", "source"]
COLONNES_INFO = ["libelle", "fiche", "unite"]  # aide à la saisie, ignorées à l'import
OBLIGATOIRES = ["indicateur", "zone", "periode", "source"]
AIDE_PERIODE = "une année (2025), un semestre (2025-S1), un trimestre (2025-T2) ou un mois (2025-03)"


def modele_import(plan: Plan, territoire: Territoire | None = None) -> pd.DataFrame:
    """Une ligne par indicateur du plan, à compléter, pour la zone du territoire entier du plan
    (``territoire.nom`` ; le territoire du plan est lu dans data/territoires/ s'il n'est pas donné)."""
    territoire = territoire or territoire_du_plan(plan)
    indicateurs = indicateurs_du_plan(plan)
    return pd.DataFrame({
        "indicateur": indicateurs["indicateur"], "zone": zones_du_plan(territoire)[0], "periode": "", "valeur": "",
        "commentaire": "", "source": "", "libelle": indicateurs["libelle"], "fiche": indicateurs["fiche"],
        "unite": indicateurs["unite"].fillna(""),
    }, columns=COLONNES + COLONNES_INFO)


def modele_xlsx(plan: Plan, territoire: Territoire | None = None) -> bytes:
    return en_xlsx(modele_import(plan, territoire), nom_feuille="Saisie")


def lire_fichier(contenu: bytes, nom: str) -> pd.DataFrame:
    """Lit un CSV (séparateur ; ou ,) ou un classeur XLSX (première feuille), tout en texte."""
    try:
        if nom.lower().endswith((".xlsx", ".xlsm")):
            try:
                df = pd.read_excel(io.BytesIO(contenu), dtype=str, keep_default_na=False)
            except Exception as e:  # classeur abîmé : zip, XML… (openpyxl lève des exceptions très variées)
                raise ValueError(str(e)) from e
        else:
            texte = contenu.decode("utf-8-sig")
            separateur = csv.Sniffer().sniff(texte.splitlines()[0] if texte else ",", delimiters=";,").delimiter
            df = pd.read_csv(io.StringIO(texte), sep=separateur, dtype=str, keep_default_na=False)
    except UnicodeDecodeError:
        raise ErreurDonnees(nom, [Probleme("le fichier n'est pas encodé en UTF-8 (enregistrez-le au format « CSV UTF-8 »)")]) from None
    except (ValueError, csv.Error, pd.errors.ParserError, KeyError, OSError) as e:
        raise ErreurDonnees(nom, [Probleme(f"fichier illisible ({e.__class__.__name__}) : attendu un CSV ou un classeur XLSX")]) from None
    df.columns = [str(c).strip().lower() for c in df.columns]
    return df.apply(lambda colonne: colonne.astype(str).str.strip())


def valider(df: pd.DataFrame, plan: Plan, zones: list[str], nom: str) -> list[dict]:
    """Les lignes à enregistrer ; ErreurDonnees (fichier, ligne, colonne) au moindre problème."""
    problemes = [Probleme("colonne obligatoire absente", colonne=c) for c in COLONNES if c not in df.columns]
    if problemes:
        raise ErreurDonnees(nom, problemes)
    unites = indicateurs_du_plan(plan).set_index("indicateur")["unite"].to_dict()
    lignes = []
    for i, ligne in enumerate(df[COLONNES].to_dict("records")):
        numero = i + 2  # l'en-tête est la ligne 1
        if not any(ligne[c] for c in COLONNES):
            continue  # ligne vide
        if not ligne["valeur"] and not ligne["commentaire"] and not ligne["periode"]:
            continue  # ligne du modèle laissée vide
        for c in OBLIGATOIRES:
            if not ligne[c]:
                problemes.append(Probleme("valeur manquante (cette colonne est obligatoire)", numero, c))
        if ligne["indicateur"] and ligne["indicateur"] not in unites:
            problemes.append(Probleme(f"indicateur inconnu « {ligne['indicateur']} » dans le plan {plan.id}", numero, "indicateur"))
        if ligne["zone"] and ligne["zone"] not in zones:
            problemes.append(Probleme(f"zone inconnue « {ligne['zone']} » ; admises : {', '.join(zones)}", numero, "zone"))
        if ligne["periode"] and not MOTIF_PERIODE.match(ligne["periode"]):
            problemes.append(Probleme(f"période « {ligne['periode']} » invalide ; attendu : {AIDE_PERIODE}", numero, "periode"))
        # Règle du nombre exigé : vues_plan.lire_valeur (indicateur inconnu : déjà signalé ci-dessus).
        lue = lire_valeur(ligne["valeur"], unites.get(ligne["indicateur"]))
        if lue.vide:
            problemes.append(Probleme("valeur manquante", numero, "valeur"))
        elif lue.erreur:
            problemes.append(Probleme(lue.erreur, numero, "valeur"))
        valeur, texte = lue.valeur, lue.texte
        lignes.append({
            "ligne": numero, "indicateur": ligne["indicateur"], "zone": ligne["zone"], "periode": ligne["periode"],
            "valeur": valeur, "valeur_texte": texte, "commentaire": ligne["commentaire"] or None,
            "source": ligne["source"],
        })
    cles = [(l["indicateur"], l["zone"], l["periode"]) for l in lignes]
    nombres = pd.Series(cles).value_counts().to_dict() if cles else {}
    for l, cle in zip(lignes, cles):
        if nombres[cle] > 1:
            problemes.append(Probleme(f"même indicateur, zone et période que sur une autre ligne du fichier", l["ligne"], "indicateur"))
    if problemes:
        raise ErreurDonnees(nom, problemes)
    if not lignes:
        raise ErreurDonnees(nom, [Probleme("aucune valeur à importer (toutes les lignes sont vides)")])
    return lignes


def apercu(lignes: list[dict], courantes: pd.DataFrame) -> pd.DataFrame:
    """Ce que l'import va changer : nouvelle valeur, modification, ou identique (ignorée).
    Ajoute à chaque ligne la version actuelle (``version_vue``) pour détecter un conflit."""
    actuelles = {} if courantes.empty else {
        (r.indicateur, r.zone, r.periode): r for r in courantes.itertuples(index=False)
    }
    resultat = []
    for l in lignes:
        actuelle = actuelles.get((l["indicateur"], l["zone"], l["periode"]))
        ancienne = None
        if actuelle is None:
            action = "nouvelle valeur"
        else:
            ancienne = actuelle.valeur_texte if pd.isna(actuelle.valeur) else actuelle.valeur
            meme = (l["valeur"] == ancienne) if l["valeur"] is not None else (l["valeur_texte"] == actuelle.valeur_texte)
            action = "identique (ignorée)" if meme and (l["commentaire"] or None) == (actuelle.commentaire or None) else "modification"
        resultat.append(l | {
            "action": action, "ancienne_valeur": ancienne,
            "version_vue": 0 if actuelle is None else int(actuelle.version),
        })
    return pd.DataFrame(resultat)


def a_enregistrer(apercu_: pd.DataFrame) -> list[dict]:
    """Les lignes de l'aperçu qui changent quelque chose."""
    changees = apercu_[apercu_["action"] != "identique (ignorée)"]
    champs = ["indicateur", "zone", "periode", "valeur", "valeur_texte", "commentaire", "source", "version_vue"]
    return [{k: (None if pd.isna(v) else v) for k, v in ligne.items()} for ligne in changees[champs].to_dict("records")]


def lignes_grille(grille: pd.DataFrame, zone: str, periode: str) -> tuple[list[dict], list[str]]:
    """Les lignes à enregistrer depuis la grille de saisie (colonnes indicateur, unite, version,
    nouvelle_valeur, commentaire, source), et les erreurs (« JE1-I1 : « x » n'est pas un nombre… »).
    Une ligne sans nouvelle valeur est ignorée ; la règle du nombre est ``vues_plan.lire_valeur``."""
    lignes, erreurs = [], []
    for l in grille.to_dict("records"):
        lue = lire_valeur(l.get("nouvelle_valeur"), l.get("unite"))
        if lue.vide:
            continue
        if lue.erreur:
            erreurs.append(f"{l['indicateur']} : {lue.erreur}")
            continue
        commentaire = l.get("commentaire")
        lignes.append({
            "indicateur": l["indicateur"], "zone": zone, "periode": periode, "version_vue": int(l["version"]),
            "valeur": lue.valeur, "valeur_texte": lue.texte,
            "commentaire": (commentaire.strip() or None) if isinstance(commentaire, str) else None,
            "source": l.get("source") if isinstance(l.get("source"), str) else "",
        })
    return lignes, erreurs
