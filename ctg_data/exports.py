"""Exports des tableaux : CSV pour tableur français et classeur Excel avec une feuille « Source ».

Ce qu'une personne a tapé (commentaire, source, valeur en texte…) ne devient jamais une formule dans
le tableur qui ouvre l'export (« injection de formule », voir la recommandation de l'OWASP sur
l'injection CSV) :

- CSV : une cellule de texte qui commence par ``=``, ``+``, ``-``, ``@``, une tabulation ou un retour
  chariot (après d'éventuelles espaces, et aussi sous leur forme « pleine chasse » ``＝＋－＠``) est
  précédée d'une apostrophe ``'`` : le tableur l'affiche comme du texte (``neutraliser``) ;
- XLSX : chaque cellule de texte est écrite comme texte (type ``s``, jamais ``f`` : formule), marquée
  « texte » (préfixe d'apostrophe d'Excel) quand elle commence ainsi : son contenu reste exact ;
  les caractères de contrôle interdits dans un classeur sont remplacés par « � » ;
- les nombres restent des nombres (un nombre négatif n'est pas une formule).
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .catalogue import JeuDeDonnees

DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")
"""Premiers caractères qu'un tableur peut lire comme le début d'une formule (OWASP)."""
_DEBUT_DE_FORMULE = re.compile("^[\\s\u00a0\u202f]*[=+\\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r\n]")
REMPLACEMENT = "\ufffd"  # caractère de contrôle interdit dans un classeur XLSX


def formule_possible(texte: str) -> bool:
    """Vrai si un tableur pourrait lire ``texte`` comme une formule : il commence (éventuellement après
    des espaces) par ``=``, ``+``, ``-``, ``@`` (ou leurs variantes pleine chasse), ou par une
    tabulation, un retour chariot ou un saut de ligne. Le signe moins typographique « − » des nombres
    mis en forme (``format.nombre``) n'en fait pas partie : aucun tableur ne le lit comme un opérateur."""
    return bool(_DEBUT_DE_FORMULE.match(texte))


def neutraliser(valeur):
    """Une cellule d'export CSV rendue inoffensive : un texte qui pourrait être lu comme une formule est
    précédé d'une apostrophe ; tout le reste (nombres compris, négatifs aussi) est rendu tel quel."""
    if isinstance(valeur, str) and formule_possible(valeur):
        return "'" + valeur
    return valeur


def _colonnes_de_texte(df: pd.DataFrame) -> list:
    return [c for c in df.columns if df[c].dtype == object or pd.api.types.is_string_dtype(df[c].dtype)
            or isinstance(df[c].dtype, pd.CategoricalDtype)]


def tableau_neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """Une copie de ``df`` dont chaque cellule de texte (et chaque nom de colonne) passe par ``neutraliser``."""
    sortie = df.copy()
    for c in _colonnes_de_texte(sortie):
        # liste -> colonne « objet » : ``map`` ferait d'une colonne d'entiers et de décimaux (1344 ; 12,5)
        # une colonne de décimaux (1344,0)
        sortie[c] = pd.Series([neutraliser(v) for v in sortie[c].astype(object)], index=sortie.index, dtype=object)
    return sortie.rename(columns=lambda c: neutraliser(c) if isinstance(c, str) else c)


def en_csv(df: pd.DataFrame, avant: list[str] | None = None) -> bytes:
    """CSV qui s'ouvre directement dans Excel en français : point-virgule, virgule décimale, UTF-8 avec BOM.
    Aucune cellule n'est lue comme une formule (``neutraliser``). ``avant`` : lignes d'avertissement
    écrites au-dessus du tableau (une cellule chacune), suivies d'une ligne vide."""
    entete = ""
    if avant:
        entete = pd.DataFrame([[neutraliser(l)] for l in avant]).to_csv(index=False, header=False, sep=";") + "\n"
    return (entete + _virgule_decimale(tableau_neutralise(df)).to_csv(index=False, sep=";", decimal=",")
            ).encode("utf-8-sig")


def _nombre_a_virgule(v):
    """Un nombre à virgule rangé dans une colonne « objet » (colonne qui mêle nombres et cellules vides,
    comme les latitudes et longitudes des équipements non localisés) : pandas n'applique pas
    ``decimal=","`` à ces colonnes et écrirait 47.335124 ; il est écrit 47,335124."""
    if isinstance(v, (float, np.floating)) and not isinstance(v, bool) and np.isfinite(v):
        return repr(float(v)).replace(".", ",")
    return v


def _virgule_decimale(df: pd.DataFrame) -> pd.DataFrame:
    sortie = df
    for c in df.columns:
        if df[c].dtype == object and df[c].map(lambda v: isinstance(v, (float, np.floating))).any():
            if sortie is df:
                sortie = df.copy()
            sortie[c] = df[c].map(_nombre_a_virgule)
    return sortie


def _nettoyer_pour_xlsx(df: pd.DataFrame) -> pd.DataFrame:
    """Caractères de contrôle interdits dans un classeur (NUL…) remplacés : l'export n'échoue pas."""
    sortie = df.copy()
    for c in _colonnes_de_texte(sortie):
        sortie[c] = sortie[c].astype(object).map(
            lambda v: ILLEGAL_CHARACTERS_RE.sub(REMPLACEMENT, v) if isinstance(v, str) else v)
    return sortie.rename(columns=lambda c: ILLEGAL_CHARACTERS_RE.sub(REMPLACEMENT, c) if isinstance(c, str) else c)


def _texte_seulement(feuille) -> None:
    """Aucune formule dans la feuille : toute cellule que openpyxl a prise pour une formule (texte qui
    commence par « = ») redevient du texte, et un texte qui pourrait être lu comme une formule est marqué
    « texte » (préfixe d'apostrophe d'Excel : même modifiée à la main, la cellule reste du texte)."""
    for ligne in feuille.iter_rows():
        for cellule in ligne:
            if cellule.data_type == "f" or (isinstance(cellule.value, str) and formule_possible(cellule.value)):
                cellule.data_type = "s"
                cellule.quotePrefix = True


def _largeurs(feuille, df: pd.DataFrame) -> None:
    for i, col in enumerate(df.columns, start=1):
        largeur = max([len(str(col))] + [len(str(v)) for v in df[col].head(200)])
        feuille.column_dimensions[feuille.cell(1, i).column_letter].width = min(60, largeur + 2)


def classeur(feuilles: list[tuple[str, pd.DataFrame]]) -> bytes:
    """Classeur XLSX d'une ou plusieurs feuilles (nom, tableau), dans l'ordre donné ; cellules de texte
    écrites comme texte (jamais de formule), nombres comme nombres."""
    tampon = io.BytesIO()
    with pd.ExcelWriter(tampon, engine="openpyxl") as ecrivain:
        for nom, df in feuilles:
            nom = nom[:31]
            propre = _nettoyer_pour_xlsx(df)
            propre.to_excel(ecrivain, sheet_name=nom, index=False)
            feuille = ecrivain.sheets[nom]
            _texte_seulement(feuille)
            _largeurs(feuille, propre)
    return tampon.getvalue()


def en_xlsx(df: pd.DataFrame, nom_feuille: str = "Données", jeu: JeuDeDonnees | None = None) -> bytes:
    """Classeur XLSX : les données, puis une feuille « Source » (provenance et licence)."""
    return classeur([(nom_feuille, df)] + ([("Source", provenance(jeu))] if jeu is not None else []))


def provenance(jeu: JeuDeDonnees) -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("Jeu de données", jeu.titre),
            ("Fichier", jeu.fichier),
            ("Document source", jeu.document),
            ("Fichier source", jeu.source_fichier),
            ("Section", jeu.section),
            ("Producteur", jeu.producteur),
            ("Année", str(jeu.annee)),
            ("Licence", jeu.licence),
            ("Méthode", jeu.methode),
        ],
        columns=["Champ", "Valeur"],
    )


# --- Tableaux pour tableur : en-têtes en français, sources en mots ------------------------------------
# Les tableaux des pages (équipements, contexte social, acteurs, indicateurs du plan, jeux de données)
# portent des colonnes techniques : nom de fichier de ../shared, numéro de ligne, code de colonne INSEE,
# identifiant interne. Le fichier téléchargé pour un tableur est écrit pour un lecteur : en-têtes en
# français, source en mots (le document nommé par le catalogue, puis la section), « oui »/« non », cellules
# vides (jamais « nan » ni « None »). La référence technique n'est pas perdue : elle est rangée dans une
# seule colonne, la dernière, « Détail de la source (fichier, ligne) ».
DETAIL_SOURCE_EXPORT = "Détail de la source (fichier, ligne)"

# colonne technique -> en-tête lu dans le tableur
EN_TETES: dict[str, str] = {
    "nom": "Nom", "nom_court": "Nom court", "categorie": "Catégorie", "sous_type": "Type",
    "gestionnaire": "Gestionnaire", "gestion_ville": "Géré par la Ville", "annexe": "Annexe de la convention",
    "adresse": "Adresse", "code_postal": "Code postal", "commune": "Commune", "quartier": "Quartier",
    "origine_quartier": "Quartier : origine", "confiance_quartier": "Quartier : confiance",
    "raison_quartier": "Quartier : raison", "lat": "Latitude", "lon": "Longitude",
    "precision": "Précision de la position", "score": "Score du géocodage", "date_position": "Date de la position",
    "origine_position": "Origine de la position", "capacite": "Capacité (places)",
    "origine_capacite": "Capacité : origine", "etat": "État", "origine_etat": "État : origine",
    "communes": "Nombre de communes", "note": "Note", "indicateur": "Indicateur", "type_zone": "Type de zone", "code_zone": "Code officiel de la zone",
    "nom_zone": "Zone", "annee": "Année", "valeur": "Valeur", "unite": "Unité", "statut": "Statut",
    "source": "Source", "source_section": "Source", "acteur": "Acteur",
    "nom_dans_le_document": "Nom dans le document", "role": "Rôle", "plan": "Plan", "fiche": "Fiche",
    "fiche_titre": "Intitulé de la fiche", "fiche_numero": "Numéro de la fiche", "axe": "Axe",
    "axe_titre": "Intitulé de l'axe", "theme": "Thème", "territoire": "Territoire", "periode": "Période",
    "qualificatif": "Qualificatif", "citation": "Citation du document", "ordre_calendrier": "Rang dans le calendrier",
    "qpv": "Quartier prioritaire (QPV)", "code_qpv_2024": "Code du QPV (2024)", "nom_qpv": "Nom du QPV",
    "cite_educative": "Cité éducative", "code_iris": "Code IRIS", "nom_iris": "IRIS", "type_iris": "Type d'IRIS",
    "grand_quartier": "Code du grand quartier INSEE", "nom_grand_quartier": "Grand quartier INSEE",
    "confiance": "Confiance", "raison": "Raison", "auteur": "Auteur", "date": "Date", "nb_iris": "Nombre d'IRIS",
    "nb_iris_a_verifier": "IRIS à vérifier", "code_qpv": "Code du QPV", "libelle": "Libellé", "texte": "Texte",
    "definition": "Définition", "agregation": "Regroupement par quartier", "numerateur": "Numérateur",
    "denominateur": "Dénominateur", "precautions": "Précautions", "type": "Type d'indicateur", "sens": "Sens attendu",
    "reference": "Valeur de référence", "reference_annee": "Année de la référence", "cible": "Cible",
    "cible_annee": "Année de la cible", "cible_texte": "Cible (en mots)", "pilote": "Pilote",
    "frequence": "Fréquence", "prochaine_echeance": "Prochaine échéance", "commentaire": "Commentaire",
    "zone": "Zone",
}
# Colonnes dont le contenu va dans « Détail de la source (fichier, ligne) » (jamais en clair).
COLONNES_DETAIL = ("source_fichier", "source_detail", "detail")
# Identifiants internes au tableau de bord (EQ001, P001, gresilles, taux_pauvrete, PE1-I1) : dans le
# détail, pas en colonne. ``indicateur`` et ``code`` n'en sont que quand le tableau a un libellé.
IDENTIFIANTS = ("id",)
OUI_NON = {True: "oui", False: "non", "True": "oui", "False": "non"}
AGREGATIONS = {"somme": "somme des quartiers", "ponderee_population": "moyenne pondérée par la population",
               "ratio": "rapport des sommes", "non_agregeable": "non calculable par quartier"}
# Statut d'une valeur regroupée par quartier (ctg_data.agregation), écrit pour le lecteur.
STATUTS_EXPORT = {"non agrégeable": "ne se calcule pas pour un quartier à partir de ses IRIS"}
_REFERENCE_DE_LIGNE = re.compile(r"\(lignes?\s\d|\d{3}_[0-9a-f]{16}\.txt")
_CODE_OFFICIEL = re.compile(r"^(?:\d[\dAB]*|QN\w+)$")
# Une note de transcription (nom de fichier, numéro de ligne « l. 135 », correction d'OCR) est un détail
# technique : elle rejoint la colonne de détail ; les autres notes (précautions de lecture) restent.
_NOTE_TECHNIQUE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt|[\w-]+\.(?:csv|geojson|txt|md|ya?ml)\b|\bl\.\s?\d|\blignes?\s\d"
                             r"|\bOCR\b|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|\bcolonnes?\s[A-Z][A-Z0-9_]+\b")


def _vide(v) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, (float, np.floating)) and not np.isfinite(v))


def _texte(v) -> str:
    return "" if _vide(v) else str(v).strip()


def _libelles_sociaux() -> dict[str, str]:
    """Code d'un indicateur social (``taux_pauvrete``) -> libellé (« Taux de pauvreté »)."""
    try:
        from .catalogue import charger, lire_catalogue
        # Tous les dictionnaires : celui de data/ et ceux des données dérivées des territoires.
        dictionnaires = [j.id for j in lire_catalogue().values() if j.nom_schema == "social_indicateurs"]
        libelles: dict[str, str] = {}
        for jeu in dictionnaires:
            dico = charger(jeu)
            for code, libelle in zip(dico["code"], dico["libelle"]):
                libelles.setdefault(code, libelle)
    except Exception:  # noqa: BLE001 - sans dictionnaire, les codes restent (le test les verrait)
        return {}
    return libelles


def _documents_sources() -> dict[str, str]:
    """Fichier de ../shared (``000_6464….txt``) -> nom en mots de son document, lu dans le catalogue
    (``document`` du premier jeu de données qui en vient) : les noms viennent des données, pas du code."""
    try:
        from .catalogue import lire_catalogue
        jeux = lire_catalogue().values()
    except Exception:  # noqa: BLE001 - sans catalogue, la source garde sa seule section
        return {}
    documents: dict[str, str] = {}
    for jeu in jeux:
        documents.setdefault(str(jeu.source_fichier).strip(), jeu.document)
    return documents


def _entiers_si_possible(serie: pd.Series) -> pd.Series:
    """Un nombre entier rangé comme nombre à virgule (159106.0) écrit 159106, pas 159106,0 ; une colonne
    qui mêle entiers et décimaux (1344.0 et 12.5) garde chaque nombre tel qu'il est (1344 ; 12,5)."""
    if not pd.api.types.is_float_dtype(serie.dtype):
        return serie
    finis = serie.dropna()
    if finis.empty or not np.isfinite(finis).all() or finis.abs().max() >= 2**53:
        return serie
    if (finis == finis.round()).all():
        return serie.astype("Int64")
    return pd.Series([None if _vide(v) else (int(v) if float(v).is_integer() else float(v)) for v in serie],
                     index=serie.index, dtype=object)


def _en_tete(colonne) -> str:
    if not isinstance(colonne, str):
        return str(colonne)
    if colonne in EN_TETES:
        return EN_TETES[colonne]
    if re.fullmatch(r"[a-z0-9]+(?:_[a-z0-9]+)+", colonne):  # nom technique inconnu : mots séparés
        texte = colonne.replace("_", " ")
        return texte[:1].upper() + texte[1:]
    return colonne


def tableau_pour_tableur(df: pd.DataFrame) -> pd.DataFrame:
    """Le tableau ``df`` d'une page, écrit pour un lecteur (voir plus haut) : en-têtes français, sources en
    mots, « oui »/« non », catégories et précisions en mots, codes d'indicateurs remplacés par leur
    libellé, nombres entiers sans « ,0 », cellules vides ; références techniques et identifiants internes
    dans la dernière colonne, « Détail de la source (fichier, ligne) ». Un tableau déjà lisible (en-têtes
    en français) est rendu tel quel, cellules vides comprises."""
    from .vocabulaire import CATEGORIES_EQUIPEMENTS, precision_lisible, source_en_mots, source_lisible

    colonnes = [str(c) for c in df.columns]
    a_un_libelle = "libelle" in colonnes or ("indicateur" in colonnes and "code" in colonnes)
    identifiants = [c for c in colonnes if c in IDENTIFIANTS or (a_un_libelle and c in ("code",))
                    or (c == "indicateur" and "libelle" in colonnes)]
    details: list[list[str]] = [[] for _ in range(len(df))]
    sortie = {}
    libelles = None
    for c in df.columns:
        nom = str(c)
        if nom == "code" and "nom" in colonnes and not a_un_libelle:  # une zone nommée : son code officiel
            sortie["Code officiel"] = [_texte(v) for v in df[c]]
            continue
        serie = df[c]
        valeurs = list(serie)
        if nom in identifiants:
            for i, v in enumerate(valeurs):
                if not _vide(v):
                    details[i].append(f"identifiant : {_texte(v)}")
            continue
        if nom in COLONNES_DETAIL:
            if nom == "source_fichier" and "source_section" in colonnes:
                continue  # écrit avec sa section, ci-dessous
            for i, v in enumerate(valeurs):
                if _texte(v):
                    details[i].append(_texte(v))
            continue
        if nom == "source_section":
            fichiers = list(df["source_fichier"]) if "source_fichier" in colonnes else [None] * len(df)
            documents = _documents_sources()
            lisibles = []
            for i, (f, s) in enumerate(zip(fichiers, valeurs)):
                lisibles.append(source_en_mots(documents.get(_texte(f), ""), s))
                brut = ", ".join(t for t in (_texte(f), _texte(s)) if t)
                if brut and brut != lisibles[-1]:
                    details[i].append(brut)
            sortie[EN_TETES[nom]] = lisibles
            continue
        if nom == "note":
            notes = []
            for i, v in enumerate(valeurs):
                technique = bool(_NOTE_TECHNIQUE.search(_texte(v)))
                notes.append("" if technique else _texte(v))
                if technique:
                    details[i].append(f"note : {_texte(v)}")
            sortie[_en_tete(nom)] = notes
            continue
        if nom in ("source", "Source"):  # « Source » : tableau déjà mis en français par la page
            lisibles = []
            for i, v in enumerate(valeurs):
                lisibles.append(source_lisible(v))
                if _texte(v) and _texte(v) != lisibles[-1]:
                    details[i].append(_texte(v))
            sortie[_en_tete(nom)] = lisibles
            continue
        if pd.api.types.is_bool_dtype(serie.dtype) or (serie.dtype == object and len(serie.dropna())
                                                        and serie.dropna().map(lambda v: v in OUI_NON).all()):
            sortie[_en_tete(nom)] = ["" if _vide(v) else OUI_NON.get(v, _texte(v)) for v in valeurs]
            continue
        if nom == "categorie":
            sortie[_en_tete(nom)] = [CATEGORIES_EQUIPEMENTS.get(_texte(v), _texte(v)) for v in valeurs]
            continue
        if nom == "precision":
            sortie[_en_tete(nom)] = [precision_lisible(v) for v in valeurs]
            continue
        if nom == "statut":
            sortie[_en_tete(nom)] = [STATUTS_EXPORT.get(_texte(v), _texte(v)) for v in valeurs]
            continue
        if nom == "agregation":
            sortie[_en_tete(nom)] = [AGREGATIONS.get(_texte(v), _texte(v)) for v in valeurs]
            continue
        if nom in ("indicateur", "numerateur", "denominateur"):
            libelles = _libelles_sociaux() if libelles is None else libelles
            sortie[_en_tete(nom)] = [libelles.get(_texte(v), _texte(v)) for v in valeurs]
            continue
        if nom == "code_zone":
            sortie[_en_tete(nom)] = [_texte(v) if _CODE_OFFICIEL.match(_texte(v)) else "" for v in valeurs]
            continue
        if pd.api.types.is_numeric_dtype(serie.dtype):
            sortie[_en_tete(nom)] = _entiers_si_possible(serie).reset_index(drop=True)
            continue
        cellules = []
        for i, v in enumerate(valeurs):
            if isinstance(v, (int, float, np.integer, np.floating)) and not _vide(v):
                cellules.append(v)
                continue
            texte = _texte(v)
            if _REFERENCE_DE_LIGNE.search(texte):  # « (Annexe 2 bis (ligne 425)) » : la ligne va au détail
                details[i].append(f"{_en_tete(nom).lower()} : {texte}")
                texte = source_lisible(texte)
            cellules.append(texte)
        sortie[_en_tete(nom)] = cellules
    resultat = pd.DataFrame(sortie)
    if len(resultat) != len(df):  # aucune colonne gardée
        resultat = pd.DataFrame(index=range(len(df)))
    if any(details):
        resultat[DETAIL_SOURCE_EXPORT] = [" ; ".join(dict.fromkeys(d)) for d in details]
    return resultat


REFERENCE_TECHNIQUE = re.compile(
    r"\d{3}_[0-9a-f]{16}\.txt|[\w-]+\.(?:csv|geojson|json|txt|md|ya?ml|py)\b|\b(?:socio|geo)/|\bctg_data\b"
    r"|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|\b[a-z]+(?:_[a-z0-9]+)+\b|\b[\w-]+/(?!\w)")
"""Nom de fichier, chemin ou dossier (« iris/ »), code de colonne (DISP_TP6021) ou nom technique
(nom_court) dans un texte."""


def provenance_pour_tableur(jeu: JeuDeDonnees) -> pd.DataFrame:
    """La feuille « Source » d'un classeur pour tableur : le document, la section, le producteur et la
    méthode en mots ; ce qui reste technique (fichiers de données et de ../shared, codes de colonnes,
    commandes de construction) va dans la seule ligne « Détail de la source (fichier, ligne) »."""
    from .vocabulaire import source_lisible

    lignes, detail = [("Jeu de données", jeu.titre)], [f"fichier du tableau de bord : data/{jeu.fichier}",
                                                       f"source : {jeu.source_fichier}"]
    for champ, valeur in (("Document source", jeu.document), ("Section", jeu.section),
                          ("Producteur", jeu.producteur), ("Année", str(jeu.annee)), ("Licence", jeu.licence),
                          ("Méthode", jeu.methode)):
        lisible = source_lisible(valeur)
        if REFERENCE_TECHNIQUE.search(lisible):
            detail.append(f"{champ.lower()} : {valeur}")
        else:
            lignes.append((champ, lisible))
            if lisible != str(valeur).strip():
                detail.append(f"{champ.lower()} : {valeur}")
    lignes.append((DETAIL_SOURCE_EXPORT, " ; ".join(detail)))
    return pd.DataFrame(lignes, columns=["Champ", "Valeur"])


def csv_pour_tableur(df: pd.DataFrame, avant: list[str] | None = None) -> bytes:
    """CSV d'un tableau de page pour tableur français : ``tableau_pour_tableur`` puis ``en_csv`` (point-virgule,
    virgule décimale, UTF-8 avec BOM, aucune formule)."""
    return en_csv(tableau_pour_tableur(df), avant=avant)


def xlsx_pour_tableur(df: pd.DataFrame, jeu: JeuDeDonnees | None = None, nom_feuille: str = "Données") -> bytes:
    """Classeur d'un tableau de page pour tableur : ``tableau_pour_tableur``, puis une feuille « Source »
    en mots (``provenance_pour_tableur``) quand le jeu de données est connu."""
    feuilles = [(nom_feuille, tableau_pour_tableur(df))]
    if jeu is not None:
        feuilles.append(("Source", provenance_pour_tableur(jeu)))
    return classeur(feuilles)
