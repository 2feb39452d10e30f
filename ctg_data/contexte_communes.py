"""Le contexte social d'un territoire décrit par ses communes (page « Contexte social ») : la carte des
communes colorées selon un indicateur, les phrases qui disent ce que couvre un chiffre (année, source,
communes avec et sans valeur, étendue), les données des graphiques et le tableau à télécharger.

Tout ce qui est calculé ici vient de ``ctg_data.communes`` : une commune sans valeur publiée (secret
statistique, commune absente du fichier) reste sans valeur, avec sa raison, jamais 0 ; une médiane ou
une part ne se moyenne pas entre communes (on donne l'étendue et la carte) ; seuls des comptes
(ménages, personnes) se somment, et la somme dit combien de communes elle couvre. Aucun import de
streamlit : la page (``pages/communes/contexte.py``) ne fait qu'afficher.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element

from . import carte as cartes
from . import format as fmt
from .communes import Indicateur, cle_de_tri, etendue
from .geographie import emprise

# --- Ce que couvre un chiffre ------------------------------------------------------------------------
SANS_LIGNE = "pas de ligne pour cette année dans les fichiers lus"


def est_un_compte(indicateur: Indicateur, dictionnaire: pd.DataFrame | None = None) -> bool:
    """Un compte (ménages, personnes) : il se somme entre communes. Lu dans le dictionnaire (règle de
    regroupement « somme »), sinon dans l'unité."""
    if dictionnaire is not None and "agregation" in dictionnaire.columns:
        regle = dictionnaire.loc[dictionnaire["code"] == indicateur.code, "agregation"]
        if not regle.empty and isinstance(regle.iloc[0], str) and regle.iloc[0]:
            return regle.iloc[0] == "somme"
    return cartes.est_un_compte(indicateur.unite)


def et(mots: list[str]) -> str:
    """« la Côte-d'Or, la région et la France » : une liste en mots (sans article ajouté)."""
    mots = [str(m) for m in mots]
    return mots[0] if len(mots) == 1 else (", ".join(mots[:-1]) + " et " + mots[-1] if mots else "")


def pluriel(n: int, mot: str, pluriel_: str | None = None) -> str:
    return f"{fmt.nombre(n)} {mot if n <= 1 else (pluriel_ or mot + 's')}"


def raisons_absence(valeurs: pd.DataFrame) -> dict[str, list[str]]:
    """Les communes sans valeur, groupées par raison courte (le statut de la ligne : « secret statistique
    ou seuil de diffusion », « pas de ligne pour cette année… »), chaque groupe trié par nom."""
    groupes: dict[str, list[str]] = {}
    for _, l in valeurs[valeurs["valeur"].isna()].iterrows():
        raison = l["statut"] if isinstance(l["statut"], str) and l["statut"] not in ("", "absente") else l["raison"]
        groupes.setdefault(str(raison or "raison non précisée"), []).append(str(l["commune"]))
    return {r: sorted(c, key=cle_de_tri) for r, c in sorted(groupes.items(), key=lambda g: -len(g[1]))}


def phrase_couverture(valeurs: pd.DataFrame, indicateur: Indicateur) -> str:
    """« de 20 870 € (Bévy) à 29 940 € (Villars-Fontaine) ; 51 communes sur 55 ont une valeur ; 4 sans
    valeur : secret statistique ou seuil de diffusion » (l'étendue, jamais une moyenne)."""
    texte = etendue(valeurs, indicateur)
    groupes = raisons_absence(valeurs)
    if groupes and valeurs["valeur"].notna().any():
        absentes = sum(len(c) for c in groupes.values())
        if len(groupes) == 1:
            texte += f" ; {fmt.nombre(absentes)} sans valeur : {next(iter(groupes))}"
        else:
            texte += f" ; {fmt.nombre(absentes)} sans valeur : " + ", ".join(
                f"{r} ({fmt.nombre(len(c))})" for r, c in groupes.items())
    return texte


def phrase_sans_valeur(valeurs: pd.DataFrame, annee: int) -> str | None:
    """Une ligne : les communes sans valeur de l'année, avec leur raison ; None si toutes en ont une."""
    groupes = raisons_absence(valeurs)
    if not groupes:
        return None
    total = sum(len(c) for c in groupes.values())
    morceaux = [f"{', '.join(c)} ({r})" for r, c in groupes.items()]
    return f"Sans valeur publiée en {annee} ({pluriel(total, 'commune')}, jamais comptées comme 0) : " + " ; ".join(morceaux) + "."


def sources_communes(valeurs: pd.DataFrame) -> str:
    """La source des valeurs des communes, en mots (« INSEE, Filosofi 2019, revenus disponibles, commune »)."""
    sources = [s for s in dict.fromkeys(valeurs["source"]) if isinstance(s, str) and s]
    return " ; ".join(sources) if sources else "source non précisée"


def phrase_territoire_seul(indicateur: Indicateur, annee: int, valeurs: pd.DataFrame, reperes: pd.DataFrame) -> str:
    """Une ligne, quand aucune commune n'a de valeur cette année-là : ce qui existe (le territoire, ses
    comparaisons) et pourquoi les communes n'en ont pas."""
    groupes = raisons_absence(valeurs)
    raison = " ; ".join(groupes) if groupes else "aucune ligne par commune"
    avec = [str(r["zone"]) for _, r in reperes.iterrows() if pd.notna(r["valeur"])]
    ou = (f" ; cette année-là, seul{'es' if len(avec) > 1 else ''} {'les valeurs' if len(avec) > 1 else 'la valeur'} "
          f"de {et(avec)} {'existent' if len(avec) > 1 else 'existe'}") if avec else " ; ni le territoire ni ses comparaisons non plus"
    return (f"{indicateur.libelle} en {annee} : aucune des {fmt.nombre(len(valeurs))} communes n'a de valeur "
            f"publiée ({raison}){ou}.")


@dataclass(frozen=True)
class Repere:
    """Une valeur du territoire ou d'une comparaison pour l'année choisie, prête à lire."""

    zone: str
    type_zone: str
    annee: int
    valeur: float | None
    texte: str  # « 24 480 € » ou « pas de valeur publiée (…) »
    source: str  # en mots
    source_detail: str


def reperes_lisibles(reperes: pd.DataFrame, zones: list[tuple[str, str | None, str]], annee: int) -> list[Repere | str]:
    """Pour chaque zone de référence (territoire puis comparaisons, ``communes.zones_de_reference``) :
    un ``Repere``, ou la phrase qui dit qu'elle n'a pas de ligne cette année-là."""
    par_zone = {r["zone"]: r for _, r in reperes.iterrows()}
    resultat: list[Repere | str] = []
    for _, _, nom in zones:
        r = par_zone.get(nom)
        if r is None:
            resultat.append(f"{nom} : pas de valeur en {annee} dans les données chargées pour cet indicateur")
            continue
        resultat.append(Repere(nom, r["type_zone"], int(r["annee"]), r["valeur"] if pd.notna(r["valeur"]) else None,
                               r["texte"], r["source"] or "source non précisée", r["source_detail"] or ""))
    return resultat


def somme_des_communes(valeurs: pd.DataFrame, indicateur: Indicateur) -> str | None:
    """Pour un compte : la somme des communes qui ont une valeur, et combien elle en couvre (les communes
    sans valeur n'y sont pas : la somme ne vaut pas le total du territoire)."""
    avec = valeurs.dropna(subset=["valeur"])
    if avec.empty:
        return None
    texte = (f"Somme des {pluriel(len(avec), 'commune')} qui ont une valeur : "
             f"{fmt.valeur(round(float(avec['valeur'].sum()), 1), indicateur.unite)}")
    absentes = len(valeurs) - len(avec)
    if absentes:
        texte += f" ({pluriel(absentes, 'commune')} sans valeur n'y {'sont' if absentes > 1 else 'est'} pas)"
    return texte


# --- Données des graphiques --------------------------------------------------------------------------
def barres(valeurs: pd.DataFrame, commune_choisie: str | None = None) -> pd.DataFrame:
    """Les communes qui ont une valeur, de la plus haute à la plus basse (colonnes commune, valeur, texte,
    choisie) ; les communes sans valeur sont dites à part (``phrase_sans_valeur``)."""
    avec = valeurs.dropna(subset=["valeur"]).sort_values(["valeur", "commune"], ascending=[False, True])
    return pd.DataFrame({"commune": avec["commune"].astype(str), "valeur": avec["valeur"].astype(float),
                         "texte": avec["texte"].astype(str),
                         "choisie": avec["code_commune"].astype(str) == str(commune_choisie or "")}).reset_index(drop=True)


def traits_de_reference(reperes: pd.DataFrame, types_zone: tuple[str, ...]) -> pd.DataFrame:
    """Les repères de l'année qui ont une valeur, pour les traits du graphique en barres (le territoire et
    le département) : colonnes zone, valeur, texte, etiquette (« Côte-d'Or : 22 590 € »)."""
    r = reperes[reperes["type_zone"].isin(types_zone) & reperes["valeur"].notna()]
    return pd.DataFrame({"zone": r["zone"].astype(str), "valeur": r["valeur"].astype(float), "texte": r["texte"],
                         "etiquette": [f"{z} : {t}" for z, t in zip(r["zone"], r["texte"])]}).reset_index(drop=True)


def phrase_traits(reperes: pd.DataFrame, types_zone: tuple[str, ...], annee: int) -> str:
    """Sous les barres : la valeur de chaque trait vertical, ou pourquoi une zone n'a pas de trait."""
    morceaux = []
    for _, r in reperes[reperes["type_zone"].isin(types_zone)].iterrows():
        if pd.notna(r["valeur"]):
            morceaux.append(f"{r['zone']} : {r['texte']} en {annee}")
        else:
            raison = r["statut"] if isinstance(r["statut"], str) and r["statut"] else r["raison"]
            morceaux.append(f"{r['zone']} : pas de trait, pas de valeur publiée en {annee} ({raison})")
    if not morceaux:
        return f"Pas de trait : ni le territoire ni le département n'ont de valeur en {annee} dans les données chargées."
    return ("Traits verticaux : " + " ; ".join(morceaux)
            + " (même source que les communes, publiée pour la zone entière, jamais calculée à partir des communes).")


def serie_complete(serie: pd.DataFrame, annees: tuple[int, ...]) -> pd.DataFrame:
    """La série (``communes.serie``) avec une ligne vide pour chaque année de l'indicateur où une zone n'a
    pas de ligne : la courbe s'interrompt (trou) au lieu de relier deux années éloignées."""
    lignes = []
    for zone, groupe in serie.groupby("zone", sort=False):
        presentes = set(groupe["annee"].astype(int))
        type_zone = groupe["type_zone"].iloc[0]
        lignes.append(groupe)
        manquantes = [a for a in annees if a not in presentes]
        if manquantes:
            lignes.append(pd.DataFrame([{"zone": zone, "type_zone": type_zone, "annee": a, "valeur": None,
                                         "texte": "pas de valeur", "statut": "absente", "raison": SANS_LIGNE,
                                         "source": "", "source_detail": ""} for a in manquantes]))
    if not lignes:
        return serie.copy()
    complete = pd.concat(lignes, ignore_index=True)
    ordre = {z: i for i, z in enumerate(dict.fromkeys(serie["zone"]))}
    complete = complete.assign(_rang=complete["zone"].map(ordre)).sort_values(["_rang", "annee"]).drop(columns="_rang")
    complete["valeur"] = pd.to_numeric(complete["valeur"], errors="coerce")
    return complete.reset_index(drop=True)


def phrase_trous(serie: pd.DataFrame) -> str | None:
    """Une ligne : les années sans valeur de chaque zone de la série (les trous des courbes), avec la raison."""
    morceaux = []
    for zone, groupe in serie[serie["valeur"].isna()].groupby("zone", sort=False):
        par_raison: dict[str, list[str]] = {}
        for _, l in groupe.iterrows():
            raison = l["statut"] if isinstance(l["statut"], str) and l["statut"] not in ("", "absente") else l["raison"]
            par_raison.setdefault(str(raison), []).append(str(int(l["annee"])))
        morceaux.append(f"{zone} : " + ", ".join(f"{', '.join(a)} ({r})" for r, a in par_raison.items()))
    if not morceaux:
        return None
    return "Années sans valeur (trous des courbes, jamais comptées comme 0) — " + " ; ".join(morceaux) + "."


# --- Tableaux ----------------------------------------------------------------------------------------
def tableau_affiche(valeurs: pd.DataFrame) -> pd.DataFrame:
    """Le tableau des communes affiché sur la page : commune, valeur écrite à la française (ou « pas de
    valeur »), raison de l'absence, source en mots."""
    raisons = [("" if pd.notna(v) else (s if isinstance(s, str) and s not in ("", "absente") else r))
               for v, s, r in zip(valeurs["valeur"], valeurs["statut"], valeurs["raison"])]
    return pd.DataFrame({
        "Commune": valeurs["commune"].astype(str),
        "Valeur": [t if pd.notna(v) else "pas de valeur" for v, t in zip(valeurs["valeur"], valeurs["texte"])],
        "Raison si pas de valeur": raisons,
        "Source": valeurs["source"].fillna("").astype(str),
    })


def tableau_a_telecharger(valeurs: pd.DataFrame, indicateur: Indicateur) -> pd.DataFrame:
    """Le tableau des communes pour un tableur : valeur en nombre (cellule vide si absente, jamais 0),
    unité, raison, source en mots ; le détail technique (fichier, colonne) dans la dernière colonne."""
    affiche = tableau_affiche(valeurs)
    return pd.DataFrame({
        "Commune": affiche["Commune"],
        "Code INSEE de la commune": valeurs["code_commune"].astype(str),
        "Indicateur": indicateur.libelle,
        "Année": valeurs["annee"].astype(int),
        "Valeur": valeurs["valeur"].astype(float),
        "Unité": indicateur.unite,
        "Raison si pas de valeur": affiche["Raison si pas de valeur"],
        "Source": affiche["Source"],
        "source_detail": valeurs["source_detail"].fillna("").astype(str),
    })


# --- Carte des communes ------------------------------------------------------------------------------
HACHURES = "ctg-hachures-communes"
COULEUR_SANS_VALEUR = "#D9D9D9"
REMPLISSAGE_SANS_VALEUR = f"url(#{HACHURES}) {COULEUR_SANS_VALEUR}"
COULEUR_CONTOUR_TERRITOIRE = "#161616"

MOTIF_HACHURES = (
    '<svg aria-hidden="true" width="0" height="0" style="position:absolute;width:0;height:0">'
    f'<defs><pattern id="{HACHURES}" patternUnits="userSpaceOnUse" width="7" height="7" '
    'patternTransform="rotate(45)">'
    f'<rect width="7" height="7" fill="{COULEUR_SANS_VALEUR}"></rect>'
    '<line x1="0" y1="0" x2="0" y2="7" stroke="#5A5A5A" stroke-width="2.5"></line>'
    "</pattern></defs></svg>")
"""Motif de hachures (SVG) des communes sans valeur ; ``COULEUR_SANS_VALEUR`` (gris) s'il manquait."""

FOND_HACHURE_CSS = (f"background:repeating-linear-gradient(45deg,#5A5A5A 0 2px,{COULEUR_SANS_VALEUR} 2px 6px);"
                    "border:1px solid #161616")


@dataclass
class LigneLegende:
    genre: str  # « classe », « sans_valeur », « trait »
    couleur: str
    libelle: str
    epaisseur: int = 3


def valeurs_distinctes(valeurs: pd.DataFrame) -> list[float]:
    return sorted({round(float(v), 6) for v in valeurs["valeur"].dropna()})


def style_commune(valeur, teinte, choisie: bool) -> dict:
    """Le style d'une commune : couleur de sa classe (``teinte(valeur)``), ou hachures grises sans valeur
    (jamais la couleur d'une valeur)."""
    sans = valeur is None or pd.isna(valeur)
    return {"color": "#161616", "weight": 0.8, "fillOpacity": 0.9 if sans else 0.85,
            "fillColor": REMPLISSAGE_SANS_VALEUR if sans else teinte(float(valeur)),
            **({"dashArray": "3 2"} if sans else {}),
            "_sans_valeur": sans, "_choisie": choisie}


def carte_des_communes(communes: gpd.GeoDataFrame, contour: gpd.GeoDataFrame | None, valeurs: pd.DataFrame,
                       indicateur: Indicateur, annee: int, commune_choisie: str | None = None,
                       hauteur_px: int = 520) -> tuple[folium.Map, list[LigneLegende]]:
    """La carte des communes colorées selon ``valeurs`` (``communes.valeurs_communes``), sans ressource
    externe (``carte.carte_vide``) : classes par quantiles des valeurs publiées, communes sans valeur
    hachurées de gris (« sans valeur publiée », raison dans l'infobulle), contour du territoire, commune
    choisie entourée. Rend la carte et les lignes de sa légende, à afficher sous la carte
    (``legende_html``)."""
    unite = indicateur.unite
    carte = cartes.carte_vide(hauteur_px)  # échelle en mètres seulement
    carte.get_root().html.add_child(Element(MOTIF_HACHURES))
    par_code = valeurs.set_index(valeurs["code_commune"].astype(str))
    publies = [float(v) for v in valeurs["valeur"].dropna()]
    palette = cartes.PALETTE_SEQUENTIELLE
    distinctes = valeurs_distinctes(valeurs)
    if len(distinctes) <= len(palette):  # peu de valeurs : une couleur par valeur, nommée telle quelle
        etiquettes = [fmt.valeur(v, unite) for v in distinctes]

        def teinte(v: float) -> str:
            return palette[distinctes.index(round(v, 6))]
    else:  # classes par quantiles (mêmes règles que la carte de Dijon)
        entiers = cartes.est_un_compte(unite, publies)
        bornes = cartes.classes(publies, n=len(palette), entiers=entiers)
        etiquettes = cartes.etiquettes_classes(bornes, unite, entiers)

        def teinte(v: float) -> str:
            return cartes.couleur(v, bornes)
    donnees = communes[["code", "nom", communes.geometry.name]].copy()
    donnees["code"] = donnees["code"].astype(str)
    valeur_de = {c: (float(par_code.at[c, "valeur"]) if c in par_code.index and pd.notna(par_code.at[c, "valeur"])
                     else None) for c in donnees["code"]}

    def infobulle(l: dict) -> str:
        c = l["code"]
        if c not in par_code.index:
            return f"{l['nom']} : sans valeur publiée ({SANS_LIGNE})"
        ligne = par_code.loc[c]
        if valeur_de[c] is None:
            raison = ligne["statut"] if ligne["statut"] not in ("", "absente") else ligne["raison"]
            return f"{l['nom']} : sans valeur publiée en {annee} ({raison})"
        return f"{l['nom']} : {ligne['texte']} en {annee}"

    cartes.CouchePolygones(
        f"{indicateur.libelle} ({annee})", "commune", donnees, infobulle=infobulle,
        style=lambda l: style_commune(valeur_de[l["code"]], teinte, l["code"] == str(commune_choisie or "")),
    ).add_to(carte)
    if contour is not None and not contour.empty:
        cartes.CouchePolygones(
            "Contour du territoire", "territoire", contour[[contour.geometry.name]].assign(nom="Contour du territoire"),
            infobulle=lambda l: l["nom"],
            style=lambda l: {"color": COULEUR_CONTOUR_TERRITOIRE, "weight": 3, "fill": False, "interactive": False},
        ).add_to(carte)
    choisie = donnees[donnees["code"] == str(commune_choisie or "")]
    if not choisie.empty:
        cartes.Surbrillance(choisie).add_to(carte)
    cartes.CadrageInitial(emprise(communes)).add_to(carte)

    lignes = [LigneLegende("classe", palette[min(i, len(palette) - 1)], e) for i, e in enumerate(etiquettes)]
    absentes = len(donnees) - sum(v is not None for v in valeur_de.values())
    if absentes:
        lignes.append(LigneLegende("sans_valeur", COULEUR_SANS_VALEUR,
                                   f"sans valeur publiée ({pluriel(absentes, 'commune')})"))
    lignes.append(LigneLegende("trait", COULEUR_CONTOUR_TERRITOIRE, "contour du territoire"))
    return carte, lignes + lignes_commune_choisie(communes, commune_choisie)


def _commune(communes: gpd.GeoDataFrame, commune_choisie: str | None) -> gpd.GeoDataFrame:
    return communes[communes["code"].astype(str) == str(commune_choisie or "")]


def lignes_commune_choisie(communes: gpd.GeoDataFrame, commune_choisie: str | None) -> list[LigneLegende]:
    """La ligne de légende du contour de la commune choisie (aucune sans commune) : la dernière."""
    choisie = _commune(communes, commune_choisie)
    if choisie.empty:
        return []
    return [LigneLegende("trait", cartes.COULEUR_SELECTION, f"commune choisie : {choisie['nom'].iloc[0]}", 4)]


def couche_commune_choisie(communes: gpd.GeoDataFrame, commune_choisie: str | None) -> folium.FeatureGroup:
    """Le contour de la commune choisie (``carte.Surbrillance``, comme ``carte_des_communes`` le pose), en
    couche à ajouter à une carte faite sans commune choisie (``st_folium(feature_group_to_add=…)``) : la
    carte n'est pas recréée quand la commune change. Sans commune : une couche vide."""
    groupe = folium.FeatureGroup(name="Commune choisie", overlay=True, control=False)
    choisie = _commune(communes, commune_choisie)
    if not choisie.empty:
        cartes.Surbrillance(choisie[["code", "nom", choisie.geometry.name]]).add_to(groupe)
    return groupe


def phrase_classes(lignes: list[LigneLegende], valeurs: pd.DataFrame) -> str:
    """Ce que veulent dire les couleurs de la carte : combien de classes, et comment elles sont faites."""
    n = sum(l.genre == "classe" for l in lignes)
    if n <= 1:
        return "Une seule couleur : une seule valeur publiée parmi les communes."
    if n == len(valeurs_distinctes(valeurs)):
        return f"{n} couleurs : une par valeur publiée (trop peu de valeurs pour faire des groupes)."
    return f"{n} couleurs : {n} groupes de communes de taille proche, des valeurs les plus basses aux plus hautes (quantiles)."


def legende_html(titre: str, lignes: list[LigneLegende]) -> str:
    """La légende de la carte, sous la carte (elle ne cache aucune commune), textes échappés ; elle passe à
    la ligne sur un téléphone."""
    elements = []
    for ligne in lignes:
        if ligne.genre == "classe":
            style = f"background:{ligne.couleur};border:1px solid #161616"
        elif ligne.genre == "sans_valeur":
            style = FOND_HACHURE_CSS
        else:
            style = (f"background:transparent;border:0;border-top:{ligne.epaisseur}px solid {ligne.couleur};"
                     "height:0;margin-top:7px")
        elements.append(
            '<li style="display:flex;align-items:flex-start;gap:6px;margin:0;padding:0">'
            f'<span aria-hidden="true" style="flex:0 0 22px;height:14px;{style}"></span>'
            f"<span>{html.escape(ligne.libelle)}</span></li>")
    return ('<div class="ctg-legende-contexte ctg-legende-communes" role="group" aria-label="Légende de la carte" '
            'style="font-size:0.85rem;line-height:1.3;max-width:100%">'
            f'<p style="margin:0 0 4px 0;font-weight:600">Légende : {html.escape(titre)}</p>'
            '<ul style="list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px">'
            + "".join(elements) + "</ul></div>")
