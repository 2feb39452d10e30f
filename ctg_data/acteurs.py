"""Cartographie des acteurs (premier outil d'évaluation de l'Annexe 5 de la CTG) : qui est pilote ou
partenaire de quelle fiche, dans chaque plan.

Les noms d'acteurs sont normalisés (un acteur, un nom) : d'abord par la table
``data/acteurs_normalisation.csv`` (variante -> nom retenu, tenue par l'équipe), puis par une mise
en forme simple (espaces, apostrophes). La table reste modifiable : une ligne par variante.

Deux noms qui ne diffèrent que par les majuscules (« Caf et MSA » / « CAF et MSA ») ou par l'ordre
d'une énumération (« RPE et EAJE » / « EAJE et RPE », « Caf, MSA ») ont la même clé : ils désignent
le même acteur, sans ligne dans la table. Le pluriel ou l'article (« Les CCAS », « Missions Locales »)
passent par la table : la règle ne devine pas qu'un pluriel est le même acteur.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter

import altair as alt
import pandas as pd

from . import couleurs
from .format import locale_vega, nombre
from .plan import Plan
from .vocabulaire import source_lisible


def membres(nom: str) -> list[str]:
    """Les éléments d'une énumération « x, y et z » (hors parenthèses) ; un seul élément sinon."""
    elements, courant, profondeur, i = [], [], 0, 0
    while i < len(nom):
        c = nom[i]
        if c == "(":
            profondeur += 1
        elif c == ")" and profondeur:
            profondeur -= 1
        if profondeur == 0 and (c == "," or nom.startswith(" et ", i)):
            elements.append("".join(courant))
            courant, i = [], i + (1 if c == "," else 4)
            continue
        courant.append(c)
        i += 1
    elements.append("".join(courant))
    return [e.strip() for e in elements if e.strip()]


def cle(nom: str) -> str:
    """Forme de comparaison : minuscules, apostrophes droites, espaces simples, sans point final,
    éléments d'une énumération (« x et y », « x, y ») dans l'ordre alphabétique."""
    nom = nom.replace("’", "'").replace("\u00a0", " ")
    nom = re.sub(r"\s+", " ", nom).strip().strip(".;,").lower()
    return " et ".join(sorted(membres(nom))) or nom


def normaliser(nom: str, table: pd.DataFrame) -> str:
    correspondances = {cle(v): n for v, n in zip(table["variante"], table["nom"])} if not table.empty else {}
    propre = re.sub(r"\s+", " ", nom.replace("’", "'")).strip().strip(".;,")
    return correspondances.get(cle(propre), propre)


def unifier(noms: list[str], retenus: set[str] = frozenset()) -> dict[str, str]:
    """Un seul nom par clé : celui de la table s'il y en a un (``retenus``), sinon le plus fréquent
    (à égalité, le premier rencontré). Renvoie {nom -> nom retenu}."""
    comptes = Counter(noms)
    premier = {n: i for i, n in reversed(list(enumerate(noms)))}
    groupes: dict[str, list[str]] = {}
    for n in comptes:
        groupes.setdefault(cle(n), []).append(n)
    choix = {}
    for variantes in groupes.values():
        retenu = min(variantes, key=lambda n: (n not in retenus, -comptes[n], premier[n]))
        choix.update({n: retenu for n in variantes})
    return choix


def liens(plans: list[Plan], table: pd.DataFrame) -> pd.DataFrame:
    """Une ligne par (acteur, rôle, fiche) : pilote ou partenaire."""
    lignes = []
    for plan in plans:
        for fiche in plan.fiches:
            axe = plan.axe(fiche.axe)
            roles = ([("pilote", fiche.pilote)] if fiche.pilote else []) + [("partenaire", p) for p in fiche.partenaires]
            if not fiche.pilote and axe.pilote:
                roles.append(("pilote de l'axe", axe.pilote))
            for role, nom in roles:
                lignes.append({
                    "acteur": normaliser(nom, table), "nom_dans_le_document": nom, "role": role,
                    "plan": plan.titre_court, "fiche": fiche.id, "fiche_titre": fiche.titre,
                    "axe": f"{axe.numero}. {axe.titre}", "source": f"{fiche.source.section} ({fiche.source.fichier})",
                })
    colonnes = ["acteur", "nom_dans_le_document", "role", "plan", "fiche", "fiche_titre", "axe", "source"]
    resultat = pd.DataFrame(lignes, columns=colonnes)
    if not resultat.empty:
        retenus = set(table["nom"]) if not table.empty else set()
        resultat["acteur"] = resultat["acteur"].map(unifier(list(resultat["acteur"]), retenus))
    return resultat.drop_duplicates(["acteur", "role", "plan", "fiche"])


ROLES = ("pilote", "pilote de l'axe", "partenaire")  # du plus au moins impliqué
COLONNES_CLASSEMENT = ["Acteur", "Fiches", "Rôles", "Fiches concernées", "Plans"]
# Tableau du classement : les deux colonnes clés (nom, nombre de fiches) tiennent ensemble dans un
# téléphone de 390 pixels (358 pixels de contenu). Chaque ligne a la hauteur de trois lignes de texte :
# au-delà de 64 pixels (4rem), Streamlit passe le texte à la ligne au lieu de le couper.
LARGEUR_ACTEUR = 240
LARGEUR_FICHES = 64
HAUTEUR_LIGNE_TABLEAU = 68
HAUTEUR_TABLEAU = 38 + 8 * HAUTEUR_LIGNE_TABLEAU  # en-tête et huit lignes ; le reste en faisant défiler


def _role_principal(liens_: pd.DataFrame) -> pd.DataFrame:
    """Une ligne par (acteur, plan, fiche), avec le rôle le plus fort de l'acteur dans la fiche (pilote,
    puis pilote de l'axe, puis partenaire) : une fiche n'est comptée qu'une fois par acteur. Une fiche
    est désignée par son plan ET son identifiant (« F2 » existe dans plusieurs plans)."""
    rang = {r: i for i, r in enumerate(ROLES)}
    tri = liens_.assign(_rang=liens_["role"].map(rang).fillna(len(ROLES)), _ordre=range(len(liens_)))
    premiers = tri.sort_values(["_rang", "_ordre"]).drop_duplicates(["acteur", "plan", "fiche"])
    return premiers.sort_values("_ordre").drop(columns=["_rang", "_ordre"])


def nombre_de_fiches(liens_: pd.DataFrame) -> int:
    """Nombre de fiches distinctes (un identifiant de fiche peut exister dans plusieurs plans)."""
    return len(liens_[["plan", "fiche"]].drop_duplicates())


def _fiches(n: int) -> str:
    return f"{n} fiche" if n == 1 else f"{n} fiches"


def _texte_roles(roles: pd.Series) -> str:
    comptes = roles.value_counts()
    morceaux = {"pilote": "pilote de {}", "pilote de l'axe": "pilote de l'axe pour {}", "partenaire": "partenaire de {}"}
    return " ; ".join(morceaux[r].format(_fiches(int(comptes[r]))) for r in ROLES if r in comptes)


def par_acteur(liens_: pd.DataFrame) -> pd.DataFrame:
    """Le classement des acteurs, du plus au moins impliqué : une ligne par acteur, nom entier, nombre de
    fiches (chaque fiche comptée une fois, même si l'acteur y a deux rôles), rôles, fiches (identifiant
    et intitulé, dans l'ordre des plans) et plans. Ordre : nombre de fiches, puis fiches pilotées, puis
    nom (ordre alphabétique sans tenir compte des majuscules)."""
    if liens_.empty:
        return pd.DataFrame(columns=COLONNES_CLASSEMENT)
    principal = _role_principal(liens_)
    plusieurs_plans = principal["plan"].nunique() > 1
    lignes = []
    for acteur, g in principal.groupby("acteur", sort=False):
        fiches = [f"{f} ({p}) — {t}" if plusieurs_plans else f"{f} — {t}"
                  for p, f, t in zip(g["plan"], g["fiche"], g["fiche_titre"])]
        lignes.append({
            "Acteur": acteur, "Fiches": len(g), "Rôles": _texte_roles(g["role"]),
            "Fiches concernées": " ; ".join(fiches), "Plans": " ; ".join(pd.unique(g["plan"])),
            "_pilote": int((g["role"] == "pilote").sum()), "_nom": acteur.casefold(),
        })
    classement = pd.DataFrame(lignes).sort_values(["Fiches", "_pilote", "_nom"], ascending=[False, False, True])
    return classement[COLONNES_CLASSEMENT].reset_index(drop=True)


# --- Graphique : les acteurs les plus impliqués -------------------------------------------------------
# Chaque ligne du graphique fait au moins HAUTEUR_LIGNE_MIN pixels ; les noms sont coupés en lignes de
# LARGEUR_LIBELLE caractères au plus (aux espaces, jamais au milieu d'un mot) et jamais tronqués
# (labelLimit=0). Le graphique ne dépasse pas HAUTEUR_MAX pixels : il montre les N premiers acteurs du
# classement qui y tiennent, au plus N_MAX ; la liste complète est dans le tableau.
HAUTEUR_LIGNE_MIN = 18
HAUTEUR_MAX = 640
N_MAX = 20
LARGEUR_LIBELLE = 28
TAILLE_POLICE = 12
INTERLIGNE = 13
MARGE_LIGNE = 6
ECART_BARRES = 0.3  # part de la ligne laissée vide entre deux barres : les noms sur plusieurs lignes restent séparés


def libelle(nom: str, largeur: int = LARGEUR_LIBELLE) -> list[str]:
    """Le nom en lignes d'au plus ``largeur`` caractères (un mot plus long reste entier sur sa ligne)."""
    return textwrap.wrap(nom, largeur, break_long_words=False, break_on_hyphens=False) or [nom]


def hauteur_ligne(noms: list[str]) -> int:
    """Hauteur d'une ligne du graphique : assez pour le nom le plus long (toutes ses lignes), et au moins
    ``HAUTEUR_LIGNE_MIN``."""
    lignes = max((len(libelle(n)) for n in noms), default=1)
    return max(HAUTEUR_LIGNE_MIN, INTERLIGNE * lignes + MARGE_LIGNE)


def nombre_affiche(classement: pd.DataFrame, hauteur_max: int = HAUTEUR_MAX, n_max: int = N_MAX) -> int:
    """Combien d'acteurs (les premiers du classement) le graphique montre : le plus grand N ≤ ``n_max``
    tel que N lignes, chacune assez haute pour son libellé, tiennent dans ``hauteur_max`` pixels."""
    noms = list(classement["Acteur"])
    for n in range(min(n_max, len(noms)), 0, -1):
        if n * hauteur_ligne(noms[:n]) <= hauteur_max:
            return n
    return min(1, len(noms))


def donnees_graphique(liens_: pd.DataFrame, classement: pd.DataFrame, n: int) -> pd.DataFrame:
    """Pour les ``n`` premiers acteurs du classement : nombre de fiches par rôle (le rôle le plus fort
    de l'acteur dans chaque fiche ; la somme des rôles est le nombre de fiches du tableau)."""
    retenus = list(classement["Acteur"].head(n))
    principal = _role_principal(liens_[liens_["acteur"].isin(retenus)])
    comptes = principal.groupby(["acteur", "role"]).size().rename("Fiches").reset_index()
    comptes = comptes.rename(columns={"acteur": "Acteur", "role": "Rôle"})
    comptes["Libellé"] = comptes["Acteur"].map(lambda a: "\n".join(libelle(a)))
    comptes["Total"] = comptes["Acteur"].map(dict(zip(classement["Acteur"], classement["Fiches"])))
    comptes["ordre_role"] = comptes["Rôle"].map({r: i for i, r in enumerate(ROLES)})
    return comptes


def graphique(liens_: pd.DataFrame, classement: pd.DataFrame, n: int) -> alt.Chart:
    """Barres horizontales empilées des ``n`` acteurs les plus impliqués (ordre du classement) : une
    couleur par rôle. Noms entiers, sur plusieurs lignes si besoin (labelLimit=0 : rien n'est tronqué),
    écrits en noir (le gris par défaut de Vega est trop pâle pour de petits caractères), nombres entiers,
    locale française."""
    donnees = donnees_graphique(liens_, classement, n)
    ordre = ["\n".join(libelle(a)) for a in classement["Acteur"].head(n)]
    pas = hauteur_ligne(list(classement["Acteur"].head(n)))
    roles = [r for r in ROLES if r in set(donnees["Rôle"])]
    couleurs_roles = dict(zip(sorted(ROLES), couleurs.COULEURS_ROLES))  # les couleurs d'avant (rôles par ordre alphabétique)
    barres = alt.Chart(donnees).mark_bar(stroke=couleurs.CONTOUR, strokeWidth=0.6).encode(
        y=alt.Y("Libellé:N", title=None, sort=ordre, scale=alt.Scale(paddingInner=ECART_BARRES),
                axis=alt.Axis(labelLimit=0, labelExpr="split(datum.label, '\\n')", labelFontSize=TAILLE_POLICE,
                              labelLineHeight=INTERLIGNE, labelPadding=6, ticks=False,
                              # Vega place la première ligne d'un nom au milieu de la barre et les suivantes
                              # dessous : le nom entier est remonté d'une demi-hauteur par ligne en plus.
                              labelOffset={"expr": f"-(length(split(datum.value, '\\n')) - 1) * {INTERLIGNE / 2}"})),
        x=alt.X("sum(Fiches):Q", title="Nombre de fiches", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("Rôle:N", title="Rôle", sort=roles,
                        scale=alt.Scale(domain=roles, range=[couleurs_roles[r] for r in roles])),
        order=alt.Order("ordre_role:Q"),
        tooltip=[alt.Tooltip("Acteur:N"), alt.Tooltip("Rôle:N"), alt.Tooltip("Fiches:Q", title="Fiches dans ce rôle", format="d"),
                 alt.Tooltip("Total:Q", title="Fiches en tout", format="d")],
    ).properties(height=alt.Step(pas))
    return (barres.configure(locale=locale_vega())
            .configure_axis(labelFontSize=TAILLE_POLICE, titleFontSize=TAILLE_POLICE, labelColor=couleurs.CONTOUR,
                            titleColor=couleurs.CONTOUR)
            .configure_legend(orient="bottom", direction="vertical", labelLimit=0, labelFontSize=TAILLE_POLICE,
                              titleFontSize=TAILLE_POLICE, labelColor=couleurs.CONTOUR, titleColor=couleurs.CONTOUR)
            .configure_view(stroke=None))


def phrase_graphique(n: int, total: int) -> str:
    """La phrase qui dit ce que montre le graphique."""
    if n >= total:
        return ("Tous les acteurs des fiches choisies" if total > 1 else "Le seul acteur des fiches choisies") + \
            ", du plus au moins impliqué. Le détail est dans le tableau."
    if n == 1:
        return f"L'acteur le plus impliqué (sur {nombre(total)}) ; la liste complète est dans le tableau."
    return (f"Les {nombre(n)} acteurs les plus impliqués (sur {nombre(total)}) ; la liste complète est dans le "
            "tableau.")


NOMS_COLONNES_LIENS = {"acteur": "Acteur", "nom_dans_le_document": "Nom dans le document", "role": "Rôle", "plan": "Plan",
                       "fiche": "Fiche", "fiche_titre": "Intitulé", "axe": "Axe"}
DETAIL_SOURCE = "Détail de la source (fichier, ligne)"


def liens_lisibles(liens_: pd.DataFrame) -> pd.DataFrame:
    """Les liens (une ligne par acteur, rôle et fiche) pour un tableur : noms de colonnes en français
    courant, source telle qu'un lecteur la connaît (« Annexe 3 — Fiche projet PE1 »), et le fichier et
    la ligne du document dans une dernière colonne à part."""
    lisibles = liens_.rename(columns=NOMS_COLONNES_LIENS).drop(columns=["source"])
    lisibles["Source"] = liens_["source"].map(source_lisible)
    lisibles[DETAIL_SOURCE] = liens_["source"]
    return lisibles
