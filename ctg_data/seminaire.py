"""Le diaporama du séminaire annuel : diapositives construites à partir des données (une idée par
écran : un grand chiffre, un graphique ou la carte), ordre choisi dans ``data/seminaire.yaml``, export
PDF (une diapositive par page, graphiques et carte dessinés sans internet).

Une diapositive qui n'a pas de données pour le territoire du plan n'est pas dans le diaporama (jamais
d'écran vide) ; la diapositive de titre dit en une ligne ce qui manque."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml
from reportlab.lib.pagesizes import landscape, A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepInFrame, PageBreak

from . import config
from . import format as fmt
from . import pdf
from .erreurs import ErreurDonnees, Probleme
from .suivi import synthese
from .vocabulaire import LIBELLES_STATUTS, TYPES_PLAN, source_lisible

TYPES = ["titre", "chiffres_cles", "avancement", "axes", "carte", "carte_communes", "communes_comparees", "qpv",
         "niveau_de_vie", "cite_educative", "quartiers", "sources"]
CHIFFRES_DU_TITRE = 4  # chiffres clés sur la diapositive de titre, si le fichier n'en choisit pas
CHIFFRES_PAR_DIAPO = 8


@dataclass
class Chiffre:
    """Un grand chiffre : ce qu'il compte, sa valeur, sa période et sa source en mots, puis ses
    comparaisons (même source) et la valeur d'une autre source pour la même chose."""

    libelle: str
    valeur: str
    periode: str
    source: str
    comparaisons: list[str] = field(default_factory=list)  # « Côte-d'Or : 11,5 % »
    autres_sources: list[str] = field(default_factory=list)  # « INSEE : 21 830 € par an en 2019 »
    precision: str = ""  # « période non précisée par le document »

    def phrase(self) -> str:
        """Le chiffre en une phrase (PDF, lecteur d'écran) : « Taux de pauvreté 16 % »."""
        return f"{self.libelle} {self.valeur}"


@dataclass
class Graphique:
    """Les données d'un graphique, dessiné par ``graphique_altair`` (écran) et ``dessin_graphique`` (PDF).

    ``genre`` : « axes » ou « fiches » (barres empilées des statuts d'indicateurs ; ``donnees`` : Ligne,
    Statut, Indicateurs) ou « courbes » (``donnees`` : Zone, Année, Valeur ; une ligne par zone)."""

    genre: str
    donnees: pd.DataFrame
    ordre: list[str]
    titre_valeurs: str = "Nombre d'indicateurs"
    unite: str = ""
    statuts: pd.DataFrame | None = None  # « fiches » : les statuts des indicateurs (graphiques.statuts_par_fiche)
    fiches: list[tuple[str, str]] = field(default_factory=list)
    reperes: list[tuple[str, float]] = field(default_factory=list)  # « communes » : (texte, valeur) des lignes de repère


@dataclass
class Diapositive:
    type: str
    titre: str
    sous_titre: str = ""
    points: list[str] = field(default_factory=list)
    source: str = ""
    quartier: str | None = None
    tableau: pd.DataFrame | None = None  # diapositive comparative : un tableau (texte de chaque case)
    chiffres: list[Chiffre] = field(default_factory=list)  # grands chiffres (titre, chiffres clés, Cité éducative)
    graphique: Graphique | None = None
    manque: str = ""  # diapositive de titre : ce que le diaporama n'a pas pour ce territoire
    carte_communes: object = None  # diapositive « carte_communes » : seminaire_communes.CarteCommunes


def charger_deck(dossier: Path | None = None) -> dict:
    chemin = (dossier or config.dossier_donnees()) / "seminaire.yaml"
    try:
        deck = yaml.safe_load(chemin.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise ErreurDonnees("seminaire.yaml", [Probleme(f"fichier illisible ({e.__class__.__name__})")]) from None
    inconnus = [t for t in (deck or {}).get("diapositives", []) if t not in TYPES]
    if not isinstance(deck, dict) or not deck.get("diapositives") or inconnus:
        raise ErreurDonnees("seminaire.yaml", [Probleme(
            f"type de diapositive inconnu : {', '.join(map(str, inconnus))} ; admis : {', '.join(TYPES)}" if inconnus
            else "la liste « diapositives » est absente ou vide", colonne="diapositives")])
    return deck


# --- Sources en mots ------------------------------------------------------------------------------
def source_courte(texte: str) -> str:
    """La source telle qu'on la cite sur un écran : « Convention CTG 2024-2027, Préambule — Porter une
    attention… » -> « Convention CTG 2024-2027, préambule » ; « INSEE, Filosofi 2019, revenus
    disponibles (commune…) » -> « INSEE, Filosofi 2019 » (fichiers et lignes ôtés)."""
    texte = source_lisible(texte).split(" — ")[0].strip()
    texte = re.sub(r"^Calcul du tableau de bord à partir de : ", "", texte)
    neet = re.match(r"^(Jeunes non insérés \(NEET 16–25 ans\)) ((?:19|20)\d{2}), d'après le recensement de l'INSEE", texte)
    if neet:  # « … 2018, d'après le recensement de l'INSEE, EPCI ; producteur non documenté »
        return f"{neet.group(1)}, d'après le recensement de l'INSEE {neet.group(2)} (producteur non documenté)"
    if texte.startswith("INSEE, Filosofi"):
        return ", ".join(texte.split(", ")[:2])
    if texte.startswith("ANCT"):
        millesime = re.search(r"\((Filosofi|recensement) (\d{4})\)", texte)
        return "ANCT, quartiers prioritaires" + (f" ({millesime.group(1)} {millesime.group(2)})" if millesime else "")
    return re.sub(r", Préambule\b", ", préambule", texte)


def sources_des_annees(sources: list[str]) -> str:
    """Plusieurs millésimes d'une même source en une mention : « INSEE, Filosofi 2016 » … « 2019 » ->
    « INSEE, Filosofi 2016 à 2019 » ; « ANCT, quartiers prioritaires (Filosofi 2013) »… -> « ANCT, quartiers
    prioritaires (Filosofi 2013 à 2015) »."""
    familles: dict[str, list[int]] = {}
    for s in sources:
        s = source_courte(s)
        annees = [int(a) for a in re.findall(r"\b(?:19|20)\d{2}\b", s)]
        cle = re.sub(r"\b(?:19|20)\d{2}\b", "{}", s) if len(annees) == 1 else s
        familles.setdefault(cle, [])
        familles[cle] += annees if len(annees) == 1 else []
    morceaux = []
    for cle, annees in familles.items():
        if "{}" in cle and annees:
            a, b = min(annees), max(annees)
            morceaux.append(cle.replace("{}", str(a) if a == b else f"{a} à {b}"))
        else:
            morceaux.append(cle)
    return " ; ".join(morceaux)


# --- Grands chiffres --------------------------------------------------------------------------------
def chiffre_depuis_carte(carte) -> Chiffre:
    """Un chiffre clé (``chiffres.CarteChiffre``) pour l'écran : comparaisons de la même source (jusqu'à
    trois zones), et la valeur du territoire donnée par une autre source, avec son année."""
    comparaisons, autres = [], []
    for g in carte.comparaisons():
        if source_courte(g.source) == source_courte(carte.source):
            suffixe = "" if g.periode == carte.periode else f" en {g.periode}"
            comparaisons += [f"{zone} : {texte}{suffixe}" for zone, texte in g.valeurs[:3]]
        else:
            propre = [(z, t) for z, t in g.valeurs if z == carte.zone]
            if propre:
                unite = " par an" if "par an" in g.unite else ""
                autres.append(f"{source_courte(g.source).split(',')[0]} : {propre[0][1]}{unite} en {g.periode}")
    source = source_courte(carte.source)
    sources_autres = [source_courte(g.source) for g in carte.comparaisons()
                      if source_courte(g.source) != source and any(z == carte.zone for z, _ in g.valeurs)]
    return Chiffre(libelle=carte.titre, valeur=carte.valeur + (f" {carte.unite}" if carte.unite in ("%",) else ""),
                   periode=carte.periode, source=" ; ".join(dict.fromkeys([source, *sources_autres])),
                   comparaisons=comparaisons, autres_sources=autres, precision=carte.precision_unite)


def chiffres_cite_educative(cite: pd.DataFrame) -> list[Chiffre]:
    """Les moyens et le public de la Cité éducative, tels que son dossier les écrit (texte gardé,
    qualificatifs compris : « plus de 800 000 € »)."""
    if cite is None or cite.empty:
        return []
    lignes = cite.set_index("id")
    chiffres = []
    for code, libelle in (("budget_annuel", "Budget annuel dédié"), ("budget_etat", "dont crédits de l'État"),
                          ("actions", "Actions du plan"), ("public", "Public")):
        if code not in lignes.index:
            continue
        l = lignes.loc[code]
        valeur = re.sub(r"(?<=\d) (?=\d{3}\b|€)", "\u00a0", str(l["texte"]))  # « 800 000 € » jamais coupé
        if code == "public":
            trouve = re.search(r"de (\d+) à (\d+) ans", valeur)
            valeur, libelle = (f"{trouve.group(1)} à {trouve.group(2)} ans", "Jeunes du périmètre") if trouve else (valeur, libelle)
        chiffres.append(Chiffre(libelle=libelle, valeur=valeur, periode="",
                                source=f"Dossier de la Cité éducative (2022), {source_lisible(l['source_section']).lower()}"))
    return chiffres


# --- Graphiques ----------------------------------------------------------------------------------
FICHES_PAR_DIAPOSITIVE = 4


def _etiquette_fiche(fiche) -> str:
    from .graphiques import sur_lignes

    return sur_lignes(f"{fiche.id} · {fiche.titre}", 48)  # en entier, sur plusieurs lignes


def comptes_des_axes(plan, statuts: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """(Ligne, Statut, Indicateurs) par axe, comme ``vues_plan.resume_plan(...).comptes_axes``, et l'ordre des axes."""
    from .vues_plan import libelle_axe

    if statuts.empty:
        return pd.DataFrame(columns=["Ligne", "Statut", "Indicateurs"]), []
    libelles = {a.id: libelle_axe(a.numero, a.titre) for a in plan.axes}
    comptes = statuts.groupby(["axe", "statut"]).size().reset_index(name="Indicateurs")
    comptes = comptes[comptes["axe"].isin(libelles)]
    comptes["Ligne"] = comptes["axe"].map(libelles)
    ordre = [libelles[a.id] for a in plan.axes if a.id in set(comptes["axe"])]
    return comptes.rename(columns={"statut": "Statut"})[["Ligne", "Statut", "Indicateurs"]], ordre


def courbes(social: pd.DataFrame, indicateur: str, zones: list[tuple[str, str]], unite: str) -> Graphique | None:
    """Une courbe par zone (``zones`` : (masque de ``social`` exprimé comme « type_zone|code_zone »,
    nom affiché)), années réelles des données ; le nom de chaque courbe dit sa dernière valeur et son
    année. None si aucune zone n'a de valeur."""
    lignes, ordre = [], []
    donnees = social[(social["indicateur"] == indicateur)].dropna(subset=["valeur"])
    for cle, nom in zones:
        type_zone, code = cle.split("|", 1)
        d = donnees[(donnees["type_zone"] == type_zone)
                    & ((donnees["code_zone"].astype(str) == code) if code else True)]
        if d.empty:
            continue
        d = d.sort_values("annee").drop_duplicates("annee", keep="last")
        derniere = d.iloc[-1]
        symbole = "%" if unite == "%" else ("€" if unite.startswith("€") else None)
        etiquette = f"{nom} : {fmt.valeur(round(float(derniere['valeur']), 1) if symbole == '%' else round(float(derniere['valeur'])), symbole)} en {int(derniere['annee'])}"
        ordre.append(etiquette)
        lignes += [{"Zone": etiquette, "Année": int(a), "Valeur": float(v), "Source": s}
                   for a, v, s in zip(d["annee"], d["valeur"], d["source"])]
    if not lignes:
        return None
    titre = {"%": "en %", "€ par an": "en euros par an"}.get(unite, unite)
    return Graphique("courbes", pd.DataFrame(lignes), ordre, titre_valeurs=titre, unite=unite)


def graphique_altair(g: Graphique, taille: int = 32, hauteur: int = 560, legende: str = "right"):
    """Le graphique pour l'écran (Altair, locale française, libellés jamais coupés), police ``taille``,
    ``hauteur`` pixels en tout (axes et légende compris) ; ``legende`` : « right » ou « bottom » (courbes)."""
    import altair as alt

    from . import graphiques
    from .couleurs import PALETTE_SERIES
    from .format import locale_vega

    if g.genre == "communes":  # une barre par commune, lignes de repère (seminaire_communes)
        from . import seminaire_communes

        return seminaire_communes.graphique_altair(g, taille=taille, hauteur=hauteur)
    if g.genre in ("axes", "fiches"):
        # La hauteur donnée est celle du graphique entier (graduations et légende comprises) : Streamlit
        # ajuste le tracé pour que le tout tienne. Des barres épaisses, mais pas démesurées (deux fiches).
        # Chaque ligne assez haute pour son libellé entier (plusieurs lignes de texte, jamais coupé).
        # Si les libellés sur 48 caractères font des lignes trop hautes pour la diapositive, ils sont
        # réécrits plus larges (la colonne des libellés s'élargit, les barres raccourcissent).
        fiches = list(g.fiches or [])
        n = max(len(g.ordre), 1)
        disponible = (hauteur - 7 * taille) / n
        for largeur_texte in (48, 60, 72, 90):
            if fiches:
                fiches = [(i, graphiques.sur_lignes(l.replace("\n", " "), largeur_texte)) for i, l in fiches]
            libelles = [l for _, l in fiches] if fiches else g.ordre
            lignes_texte = max((l.count("\n") + 1 for l in libelles), default=1)
            besoin = int(lignes_texte * taille * 1.2 + 16)
            if besoin <= disponible or not fiches:
                break
        hauteur_ligne = max(besoin, int(min(210, max(48, disponible))))
        if g.genre == "axes":
            return graphiques.statuts_par_axe(g.donnees.rename(columns={"Ligne": "Axe"}), g.ordre, taille=taille,
                                              hauteur_ligne=hauteur_ligne)
        return graphiques.statuts_par_fiche(g.statuts, fiches, taille=taille, hauteur_ligne=hauteur_ligne)
    format_valeur = ",.1f" if g.unite == "%" else ",d"
    base = alt.Chart(g.donnees).encode(
        x=alt.X("Année:O", title="Année des données", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("Valeur:Q", title=g.titre_valeurs, scale=alt.Scale(zero=False, nice=True),
                axis=alt.Axis(format=",d" if g.unite != "%" else ",.0f", tickCount=6)),
        color=alt.Color("Zone:N", title=None, sort=g.ordre,
                        scale=alt.Scale(domain=g.ordre, range=PALETTE_SERIES[:len(g.ordre)]),
                        legend=alt.Legend(orient=legende, direction="vertical", labelLimit=0, symbolStrokeWidth=6,
                                          symbolSize=taille * 14, rowPadding=14, labelFontSize=taille)),
        tooltip=[alt.Tooltip("Zone:N"), alt.Tooltip("Année:O"), alt.Tooltip("Valeur:Q", format=format_valeur),
                 alt.Tooltip("Source:N")],
    )
    graphique = (base.mark_line(strokeWidth=6, point=alt.OverlayMarkDef(size=taille * 9, filled=True))
                 .properties(height=hauteur, width="container"))
    return (graphique.configure(locale=locale_vega())
            .configure_axis(labelFontSize=taille, titleFontSize=taille, labelLimit=0, titleLimit=0, gridColor="#DDDDDD")
            .configure_legend(labelFontSize=taille, labelLimit=0)
            .configure_view(stroke=None))


# --- Le diaporama --------------------------------------------------------------------------------
def _source_du_plan(plan, mot: str) -> str:
    for s in plan.sources:
        if mot.lower() in s.section.lower():
            return f"{plan.titre_court}, {source_lisible(s.section).split(' (')[0]}"
    return plan.titre_court


def construire(deck: dict, plan, statuts, cartes_chiffres: list, quartiers: pd.DataFrame,
               equipements: pd.DataFrame, social: pd.DataFrame, territoire=None, cite: pd.DataFrame | None = None,
               aujourdhui: dt.date | None = None, communes=None) -> list[Diapositive]:
    """Les diapositives, dans l'ordre du fichier ; celles qui n'ont pas de données pour ce territoire ne
    sont pas construites. ``statuts`` : la synthèse du plan (``vues_plan.resume_plan``) ou, directement,
    le statut de chaque indicateur (``vues_plan.statuts_du_plan``) ; ``cartes_chiffres`` : sortie de
    ``chiffres.cartes_chiffres_cles`` ; ``equipements`` : le tableau de ``positions.avec_corrections`` ;
    ``territoire`` : le territoire du plan (``ctg_data.territoire``), None s'il n'a pas de données ;
    ``cite`` : le jeu ``cite_educative`` ; ``communes`` : pour un territoire décrit par ses communes
    (données dérivées), ``seminaire_communes.DonneesCommunes`` (tableau social, dictionnaire, contours) :
    ses chiffres clés, la carte de ses communes et les communes comparées."""
    from .vues_plan import texte_avancement

    aujourdhui = aujourdhui or dt.date.today()
    if isinstance(statuts, pd.DataFrame):
        statuts_ind = statuts
        comptes_axes, ordre_axes = comptes_des_axes(plan, statuts)
    else:  # vues_plan.ResumePlan
        statuts_ind = statuts.statuts
        comptes_axes, ordre_axes = comptes_des_axes(plan, statuts.statuts)
    territorial = territoire is not None and territoire.carte_et_contexte
    # Territoire décrit par ses communes (données dérivées lues) : ses chiffres clés et ses communes.
    par_communes = territoire is not None and not territorial and communes is not None
    renseignes = int(statuts_ind["derniere_periode"].notna().sum()) if "derniere_periode" in statuts_ind else 0
    etat = f"état au {aujourdhui:%d/%m/%Y}"
    types = list(deck["diapositives"])
    codes_titre = deck.get("chiffres_du_titre") or [c.code for c in cartes_chiffres[:CHIFFRES_DU_TITRE]]
    au_titre = [c for c in cartes_chiffres if c.code in codes_titre and c.valeur != "pas de valeur"]
    au_titre.sort(key=lambda c: codes_titre.index(c.code))
    reste = [c for c in cartes_chiffres if c not in au_titre and c.valeur != "pas de valeur"]
    if par_communes and len(au_titre) < CHIFFRES_DU_TITRE:  # chiffres choisis absents : les suivants au titre
        au_titre, reste = au_titre + reste[:CHIFFRES_DU_TITRE - len(au_titre)], reste[CHIFFRES_DU_TITRE - len(au_titre):]
    avec_chiffres = territorial or par_communes

    diapos: list[Diapositive] = []
    manques = []
    for type_ in types:
        if type_ == "titre":
            titre = Diapositive("titre", deck.get("titre", "Séminaire annuel"), plan.titre)
            if avec_chiffres and au_titre:
                titre.chiffres = [chiffre_depuis_carte(c) for c in au_titre]
                if par_communes:
                    _comparaisons_departement_et_france(titre.chiffres, territoire)
                titre.points = [c.phrase() for c in titre.chiffres]
            else:
                source = _source_du_plan(plan, "fiche")
                titre.chiffres = [Chiffre("Axes", str(len(plan.axes)), etat, source),
                                  Chiffre("Fiches", str(len(plan.fiches)), etat, source),
                                  Chiffre("Indicateurs", str(len(statuts_ind)), etat, source)]
                titre.points = [f"{c.valeur} {c.libelle.lower()}" for c in titre.chiffres]
            diapos.append(titre)
        elif type_ == "chiffres_cles" and avec_chiffres and reste:
            montres = [chiffre_depuis_carte(c) for c in reste[:CHIFFRES_PAR_DIAPO]]
            if par_communes:
                _comparaisons_departement_et_france(montres, territoire)
            diapos.append(Diapositive("chiffres_cles", "Le territoire en quelques chiffres",
                                      f"{territoire.nom} : familles, jeunes, ménages et allocataires de la Caf"
                                      if territorial else f"{territoire.nom} : les autres chiffres clés",
                                      [c.phrase() for c in montres], chiffres=montres))
        elif type_ in ("carte_communes", "communes_comparees") and par_communes:
            from . import seminaire_communes as sc

            code = deck.get("indicateur_des_communes") or sc.INDICATEUR_PAR_DEFAUT
            diapo = (sc.diapositive_carte if type_ == "carte_communes" else sc.diapositive_comparees)(
                communes, territoire, code)
            if diapo is not None:
                diapos.append(diapo)
            else:
                manques.append("carte des communes" if type_ == "carte_communes" else "communes comparées")
        elif type_ == "avancement" and not comptes_axes.empty:
            diapos.append(Diapositive(
                "avancement", "Avancement du plan",
                f"Statut des {len(statuts_ind)} indicateurs, par axe · {texte_avancement(renseignes, len(statuts_ind))} · {etat}",
                source=f"{_source_du_plan(plan, 'fiche')} ; valeurs saisies dans le tableau de bord",
                graphique=Graphique("axes", comptes_axes, ordre_axes)))
        elif type_ == "axes":
            for axe in plan.axes:
                fiches = [f for f in plan.fiches if f.axe == axe.id]
                avec = [f for f in fiches if f.indicateurs]
                if not avec or statuts_ind.empty:
                    continue  # rien à montrer en graphique : pas de diapositive vide
                from .graphiques import comptes_par_fiche

                sans = [f.id for f in fiches if not f.indicateurs]
                # Au plus FICHES_PAR_DIAPOSITIVE fiches par écran (un titre de fiche se lit en entier) :
                # un axe qui en a plus occupe plusieurs diapositives, « (1/2) », « (2/2) ».
                # Paquets de tailles voisines (5 fiches : 3 puis 2, pas 4 puis 1).
                taille_paquet = -(-len(avec) // -(-len(avec) // FICHES_PAR_DIAPOSITIVE))
                paquets = [avec[k:k + taille_paquet] for k in range(0, len(avec), taille_paquet)]
                for rang, paquet in enumerate(paquets, start=1):
                    libelles = [(f.id, _etiquette_fiche(f)) for f in paquet]
                    du_axe = statuts_ind[statuts_ind["fiche"].isin([f.id for f in paquet])]
                    comptes = comptes_par_fiche(du_axe, libelles).rename(columns={"Fiche": "Ligne"})
                    du_tout = statuts_ind[statuts_ind["fiche"].isin([f.id for f in avec])]
                    n_renseignes = (int(du_tout["derniere_periode"].notna().sum())
                                    if "derniere_periode" in du_tout else 0)
                    suite = f" ({rang}/{len(paquets)})" if len(paquets) > 1 else ""
                    diapos.append(Diapositive(
                        "axe", f"Axe {axe.numero} — {axe.titre}{suite}",
                        f"{len(fiches)} fiches · {texte_avancement(n_renseignes, len(du_tout))}",
                        [f"Sans indicateur : {', '.join(sans)}"] if sans and rang == len(paquets) else [],
                        f"{_source_du_plan(plan, 'fiche')} ; statuts calculés à partir des valeurs saisies, {etat}",
                        graphique=Graphique("fiches", comptes, [l for _, l in libelles], statuts=du_axe,
                                            fiches=libelles)))
        elif type_ == "carte" and territorial and not quartiers.empty:
            diapos.append(Diapositive("carte", f"Les équipements dans les {len(quartiers)} quartiers",
                                      source="Convention CTG 2024-2027, annexes 2 et 2 bis ; IGN et INSEE, contours des IRIS ; "
                                             "ANCT, quartiers prioritaires 2024"))
        elif type_ in ("qpv", "niveau_de_vie", "cite_educative") and territorial and not quartiers.empty:
            diapo = diapositive_qpv(type_, territoire, quartiers, social, cite)
            if diapo is not None:
                diapos.append(diapo)
        elif type_ == "sources":
            diapos.append(Diapositive("sources", "Sources"))  # remplie à la fin
        elif type_ == "quartiers" and territorial and not quartiers.empty:
            diapos.append(quartiers_compares(quartiers, equipements, social))
        if type_ in ("chiffres_cles", "carte", "qpv", "niveau_de_vie", "cite_educative", "quartiers") and par_communes:
            manques.append({"chiffres_cles": "", "carte": "équipements", "quartiers": ""}.get(
                type_, "quartiers prioritaires"))
        elif type_ in ("chiffres_cles", "carte", "qpv", "niveau_de_vie", "cite_educative", "quartiers") and not territorial:
            manques.append({"chiffres_cles": "chiffres clés du territoire", "carte": "carte des équipements",
                            "quartiers": "quartiers comparés"}.get(type_, "contexte des quartiers prioritaires"))
        if type_ in ("avancement", "axes") and comptes_axes.empty:
            manques.append("graphique d'avancement (le plan n'a pas d'indicateur)")
    if par_communes and types and types[0] == "titre" and diapos and diapos[0].type == "titre":
        # Ce qui n'existe pas pour ce territoire, en une ligne : chiffres clés sans valeur, équipements, QPV.
        absents = [c.titre[0].lower() + c.titre[1:] for c in cartes_chiffres if c.valeur == "pas de valeur"]
        manques = list(dict.fromkeys([*absents, *(m for m in manques if m)]))
        if manques:
            diapos[0].manque = "Sans valeur ni données pour ce territoire : " + ", ".join(manques) + "."
    elif types and types[0] == "titre" and diapos and diapos[0].type == "titre":
        if not territorial:
            manques.insert(0, "chiffres clés du territoire")
        manques = list(dict.fromkeys(manques))
        if manques:
            diapos[0].manque = ("Pas encore dans ce diaporama pour ce territoire : " + ", ".join(manques) + ".")
    if any(d.type == "sources" for d in diapos):  # la liste des sources, une fois toutes les autres construites
        rang = [d.type for d in diapos].index("sources")
        diapos[rang] = diapositive_sources([d for d in diapos if d.type != "sources"])
    for d in diapos:
        d.points = [p for p in d.points if p]
    return diapos


def _comparaisons_departement_et_france(chiffres: list[Chiffre], territoire) -> None:
    """Sur les grands chiffres d'une intercommunalité : les comparaisons au département et à la France
    (celle de la région, plus longue à lire, reste sur l'accueil)."""
    regions = {c.nom for c in territoire.comparaisons if c.type_zone == "région"}
    for c in chiffres:
        c.comparaisons = [t for t in c.comparaisons if t.split(" : ")[0] not in regions]


def diapositive_qpv(type_: str, territoire, quartiers: pd.DataFrame, social: pd.DataFrame,
                    cite: pd.DataFrame | None) -> Diapositive | None:
    """Le contexte des quartiers prioritaires (QPV) et de la Cité éducative, en courbes sur les années
    réelles des données ; None si les données n'y sont pas."""
    qpv = quartiers[quartiers["qpv"]].sort_values("nom")
    noms = {n.casefold(): n for n in qpv["nom_qpv"].dropna()}
    codes = (social[(social["type_zone"] == "QPV")][["code_zone", "nom_zone"]].drop_duplicates("code_zone"))
    zones_qpv = [(f"QPV|{c}", f"QPV {noms[n.casefold()]}") for c, n in zip(codes["code_zone"], codes["nom_zone"])
                 if n.casefold() in noms]
    zones_qpv.sort(key=lambda z: z[1])
    ensemble = [(f"QPV|{c}", "Ensemble des QPV (INSEE)") for c in codes["code_zone"] if str(c).startswith("ENSEMBLE")]
    if not zones_qpv:
        return None
    nom_qpv = " et ".join(noms[k] for k in sorted(noms))
    if type_ == "qpv":
        g = courbes(social, "taux_pauvrete", zones_qpv + ensemble, "%")
        if g is None:
            return None
        return Diapositive("qpv", "Pauvreté dans les quartiers prioritaires",
                           f"Taux de pauvreté : {nom_qpv}, et l'ensemble des QPV",
                           source=sources_des_annees(list(g.donnees["Source"].unique())), graphique=g)
    if type_ == "niveau_de_vie":
        zones = zones_qpv + ensemble + [(f"{territoire.nature}|{territoire.code}", territoire.nom)] + [
            (f"{c.type_zone}|{c.code or ''}", c.nom) for c in territoire.comparaisons if c.type_zone == "France métropolitaine"]
        g = courbes(social, "niveau_vie_median", zones, "€ par an")
        if g is None:
            return None
        return Diapositive("niveau_de_vie", "Niveau de vie médian : QPV et ville",
                           "Revenu disponible par unité de consommation, la moitié des habitants en dessous",
                           source=sources_des_annees(list(g.donnees["Source"].unique())), graphique=g)
    chiffres = chiffres_cite_educative(cite)
    g = courbes(social, "part_moins_25_ans", zones_qpv, "%")
    if not chiffres and g is None:
        return None
    cite_noms = " et ".join(sorted(quartiers.loc[quartiers["cite_educative"], "nom"]))
    if g is not None:
        g.titre_valeurs = "moins de 25 ans, en %"
    sources = ["Dossier de la Cité éducative (2022)"] if chiffres else []
    sources += [sources_des_annees(list(g.donnees["Source"].unique()))] if g is not None else []
    return Diapositive("cite_educative", "La Cité éducative", f"{cite_noms} : part des moins de 25 ans dans les QPV",
                       [c.phrase() for c in chiffres], " ; ".join(sources), chiffres=chiffres, graphique=g)


def _fusionner_annees(parties: list[str]) -> str:
    """« Filosofi 2019 », « Filosofi 2016 à 2019 », « Filosofi 2014 à 2019 » -> « Filosofi 2014 à 2019 »."""
    annee = r"\b(?:19|20)\d{2}\b"
    familles: dict[str, list[int]] = {}
    for p in parties:
        modele = re.sub(rf"{annee}(?: à {annee})?", "{}", p, count=1)
        familles.setdefault(modele, [])
        familles[modele] += [int(a) for a in re.findall(annee, p)]
    morceaux = []
    for modele, annees in familles.items():
        if "{}" in modele and annees:
            a, b = min(annees), max(annees)
            morceaux.append(modele.replace("{}", str(a) if a == b else f"{a} à {b}", 1))
        else:
            morceaux.append(modele)
    return " ; ".join(morceaux)


def diapositive_sources(diapos: list[Diapositive]) -> Diapositive:
    """La dernière diapositive : les sources de tout le diaporama, en mots, sans doublon ; celles d'un
    même document sur une ligne (« Convention CTG 2024-2027 : préambule ; annexes 2 et 2 bis »)."""
    documents: dict[str, list[str]] = {}
    for d in diapos:
        for s in [d.source, *[c.source for c in d.chiffres]]:
            for morceau in (m.strip() for m in s.split(" ; ")):
                if not morceau or morceau.lower().startswith("statuts calculés"):
                    continue
                document, _, partie = morceau.partition(", ")
                documents.setdefault(document, [])
                if partie and partie not in documents[document]:
                    documents[document].append(partie)
    lignes = []
    for doc, parties in documents.items():
        parties = [p for p in parties if not any(q != p and q.startswith(p) for q in parties)]  # la plus précise
        lignes.append(f"{doc} : {_fusionner_annees(parties)}" if parties else doc[0].upper() + doc[1:])
    return Diapositive("sources", "Sources", "Chaque chiffre du diaporama porte sa source et son année", lignes)


def pauvrete(social: pd.DataFrame, type_zone: str, zone: str | None) -> str:
    """Dernier taux de pauvreté d'un quartier (ses IRIS regroupés, par code) ou d'un QPV (par nom, sans
    tenir compte de la casse), « 38,1 % en 2021 », comme ``portrait_quartier.pauvrete_quartier_et_qpv`` ;
    « – » s'il n'y en a pas."""
    from .portrait_quartier import texte

    if not zone:
        return "–"
    lignes = social[(social["indicateur"] == "taux_pauvrete") & (social["type_zone"] == type_zone)]
    lignes = lignes[lignes["code_zone"] == zone] if type_zone == "quartier" else \
        lignes[lignes["nom_zone"].str.casefold() == zone.casefold()]
    lignes = lignes.dropna(subset=["valeur"])
    if lignes.empty:
        return "–"
    d = lignes.sort_values("annee").iloc[-1]
    return f"{texte(d, '%')} en {int(d['annee'])}"


def quartiers_compares(quartiers: pd.DataFrame, equipements: pd.DataFrame, social: pd.DataFrame) -> Diapositive:
    """Une seule diapositive pour tous les quartiers (au lieu d'une presque vide par quartier) : les
    équipements de chaque catégorie, leur total et le taux de pauvreté du quartier entier à côté de
    celui de son quartier prioritaire, chacun avec son année."""
    from .equipements import LIBELLES_CATEGORIES, compter

    comptages = {q["nom"]: compter(equipements, q["nom"]) for _, q in quartiers.iterrows()}
    par_quartier = {nom: dict(zip(c.par_categorie["Catégorie"], c.par_categorie["Nombre"])) for nom, c in comptages.items()}
    categories = [c for c in LIBELLES_CATEGORIES if any(c in n for n in par_quartier.values())]
    lignes = []
    for _, q in quartiers.sort_values("nom").iterrows():
        nombres = par_quartier[q["nom"]]
        lignes.append({"Quartier": q["nom"] + (" *" if q["cite_educative"] else ""),
                       **{c: str(int(nombres.get(c, 0))) for c in categories},
                       "Total": str(comptages[q["nom"]].total),
                       "Pauvreté, quartier entier": pauvrete(social, "quartier", q["id"]),
                       "Pauvreté, QPV seul": pauvrete(social, "QPV", q["nom_qpv"]) if q["qpv"] else "pas de QPV"})
    tableau = pd.DataFrame(lignes, columns=["Quartier", *categories, "Total", "Pauvreté, quartier entier",
                                            "Pauvreté, QPV seul"])
    points = []
    inconnus = {len(c.quartier_inconnu) for c in comptages.values()}
    if inconnus - {0}:
        points.append(f"{max(inconnus)} autres équipements dont le quartier n'est pas encore connu, comptés dans aucun quartier")
    cite = sorted(quartiers.loc[quartiers["cite_educative"], "nom"])
    if cite:
        points.append(f"* Dans le périmètre de la Cité éducative : {' et '.join(cite)}")
    return Diapositive(
        "quartiers", f"Les {len(quartiers)} quartiers comparés",
        "Équipements par catégorie ; pauvreté du quartier (ses IRIS regroupés) et du QPV (son périmètre seul, "
        "plus restreint)",
        points, "Convention CTG 2024-2027, annexes 2 et 2 bis ; INSEE, Filosofi par IRIS ; ANCT, quartiers prioritaires",
        tableau=tableau)


def dessin_carte(quartiers_geo, qpv_geo, equipements: pd.DataFrame, largeur: float, hauteur: float,
                 cite_educative: list[str] | None = None):
    """La carte des équipements dessinée sans internet (ni tuiles ni navigateur), pour le PDF : contours
    des quartiers avec leur nom, QPV en tirets rouges, Cité éducative en pointillés violets, un symbole
    par équipement placé (couleur et lettre de sa catégorie, comme la carte interactive), légende à
    droite. ``quartiers_geo``, ``qpv_geo`` : GeoDataFrame en WGS 84 ; ``equipements`` : les équipements
    comptés, avec ``lat``, ``lon`` et ``categorie``. Renvoie un ``reportlab.graphics.shapes.Drawing``."""
    from reportlab.graphics.shapes import Circle, Drawing, Polygon, Rect, String
    from reportlab.lib import colors

    from .carte import COULEUR_CITE, COULEUR_QPV, STYLES

    police, gras = pdf.enregistrer_polices()
    dessin = Drawing(largeur, hauteur)
    places = equipements.dropna(subset=["lat", "lon"]) if len(equipements) else equipements
    legende = 0.24 * largeur  # à droite, hors de la carte : ne cache rien
    xy, anneaux = pdf.projection_carte(quartiers_geo.total_bounds, largeur, hauteur, 0.24)

    for geometrie in quartiers_geo.geometry:
        for points in anneaux(geometrie):
            dessin.add(Polygon(points, fillColor=colors.HexColor("#F2F2F2"), strokeColor=colors.HexColor("#161616"),
                               strokeWidth=1))
    if qpv_geo is not None:
        for geometrie in qpv_geo.geometry:
            for points in anneaux(geometrie):
                dessin.add(Polygon(points, fillColor=None, strokeColor=colors.HexColor(COULEUR_QPV), strokeWidth=2,
                                   strokeDashArray=[5, 3]))
    nom = "nom" if "nom" in quartiers_geo.columns else quartiers_geo.columns[0]
    for _, q in quartiers_geo.iterrows():
        if q[nom] in (cite_educative or []):
            for points in anneaux(q.geometry):
                dessin.add(Polygon(points, fillColor=None, strokeColor=colors.HexColor(COULEUR_CITE), strokeWidth=2.5,
                                   strokeDashArray=[1.5, 4]))
    rayon = 6.5
    for _, e in places.iterrows():
        style = STYLES.get(e["categorie"], STYLES["Autre"])
        x, y = xy(float(e["lon"]), float(e["lat"]))
        dessin.add(Circle(x, y, rayon, fillColor=colors.HexColor(style.couleur), strokeColor=colors.white, strokeWidth=1))
        dessin.add(String(x, y - 3.2, style.lettre, fontName=gras, fontSize=9, fillColor=colors.HexColor(style.texte),
                          textAnchor="middle"))
    for _, q in quartiers_geo.iterrows():
        x, y = xy(*q.geometry.representative_point().coords[0])
        dessin.add(String(x, y + 9, str(q[nom]), fontName=gras, fontSize=10, fillColor=colors.HexColor("#161616"),
                          textAnchor="middle", strokeColor=colors.white, strokeWidth=0))
    # Légende : catégories présentes, avec leur nombre, puis les traits.
    x, y = largeur - legende + 12, hauteur - 18
    dessin.add(String(x, y, "Légende", fontName=gras, fontSize=14))
    categories = places["categorie"].value_counts() if len(places) else pd.Series(dtype=int)
    for categorie in [c for c in STYLES if c in categories.index]:
        y -= 24
        style = STYLES[categorie]
        dessin.add(Circle(x + 7, y + 4, rayon, fillColor=colors.HexColor(style.couleur), strokeColor=None))
        dessin.add(String(x + 7, y + 0.8, style.lettre, fontName=gras, fontSize=9, fillColor=colors.HexColor(style.texte),
                          textAnchor="middle"))
        dessin.add(String(x + 20, y, f"{categorie} ({categories[categorie]})", fontName=police, fontSize=13))
    for libelle, couleur, tirets in (("QPV 2024", COULEUR_QPV, [5, 3]), ("Cité éducative", COULEUR_CITE, [1.5, 4]),
                                      ("Quartier", "#161616", None)):
        y -= 24
        dessin.add(Rect(x, y + 4, 16, 0.01, strokeColor=colors.HexColor(couleur), strokeWidth=2.5,
                        strokeDashArray=tirets))
        dessin.add(String(x + 20, y, libelle, fontName=police, fontSize=13))
    return dessin


def _pas(maximum: float, cible: int = 5) -> float:
    """Un pas de graduation « rond » (1, 2, 5 × 10^n) qui donne environ ``cible`` graduations."""
    import math

    if maximum <= 0:
        return 1
    brut = maximum / cible
    puissance = 10 ** math.floor(math.log10(brut))
    for m in (1, 2, 5, 10):
        if brut <= m * puissance:
            return m * puissance
    return 10 * puissance


def dessin_graphique(g: Graphique, largeur: float, hauteur: float, taille: float = 15):
    """Le graphique dessiné sans navigateur ni internet, pour le PDF (mêmes données, mêmes couleurs
    que l'écran) : barres empilées des statuts, ou courbes par zone. Renvoie un ``Drawing`` reportlab."""
    import math

    from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
    from reportlab.lib import colors
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from .couleurs import PALETTE_SERIES
    from .vocabulaire import COULEURS_STATUTS

    if g.genre == "communes":
        from . import seminaire_communes

        return seminaire_communes.dessin_barres(g, largeur, hauteur, taille)
    police, gras = pdf.enregistrer_polices()
    dessin = Drawing(largeur, hauteur)
    noir, gris = colors.HexColor("#161616"), colors.HexColor("#D0D0D0")

    def texte(x, y, t, taille_=taille, ancre="start", couleur=noir, police_=police):
        dessin.add(String(x, y, pdf.imprimable(t), fontName=police_, fontSize=taille_, fillColor=couleur,
                          textAnchor=ancre))

    if g.genre in ("axes", "fiches"):
        d = g.donnees
        presents = [s for s in LIBELLES_STATUTS if s in set(d["Statut"])]
        largeur_libelles = min(max(stringWidth(pdf.imprimable(m), police, taille)
                                   for l in g.ordre for m in l.split("\n")) + 12, 0.6 * largeur)
        bas = 2.6 * taille + 2.2 * taille  # légende, puis graduations et titre de l'axe
        x0, x1, y0, y1 = largeur_libelles, largeur - 12, bas, hauteur - 4
        totaux = d.groupby("Ligne")["Indicateurs"].sum()
        pas = max(1, int(_pas(totaux.max(), 6)))
        maximum = max(pas, math.ceil(totaux.max() / pas) * pas)
        echelle = (x1 - x0) / maximum
        for v in range(0, maximum + 1, pas):
            x = x0 + v * echelle
            dessin.add(Line(x, y0, x, y1, strokeColor=gris, strokeWidth=0.6))
            texte(x, y0 - taille - 2, fmt.nombre(v), ancre="middle")
        texte((x0 + x1) / 2, y0 - 2 * taille - 6, g.titre_valeurs, ancre="middle")
        rang = (y1 - y0) / len(g.ordre)
        epaisseur = min(rang * 0.7, 4 * taille)
        for i, ligne in enumerate(g.ordre):
            y = y1 - (i + 0.5) * rang
            morceaux = ligne.split("\n")  # libellé sur plusieurs lignes, centré sur sa barre
            for k, morceau in enumerate(morceaux):
                libelle = pdf.imprimable(morceau)
                while stringWidth(libelle, police, taille) > largeur_libelles - 12 and len(libelle) > 4:
                    libelle = libelle[:-2].rstrip() + "…"
                decalage = ((len(morceaux) - 1) / 2 - k) * taille * 1.15
                texte(x0 - 8, y - taille * 0.35 + decalage, libelle, ancre="end")
            x = x0
            for s in presents:
                n = int(d[(d["Ligne"] == ligne) & (d["Statut"] == s)]["Indicateurs"].sum())
                if not n:
                    continue
                dessin.add(Rect(x, y - epaisseur / 2, n * echelle, epaisseur, fillColor=colors.HexColor(COULEURS_STATUTS[s]),
                                strokeColor=colors.white, strokeWidth=1))
                if n * echelle > 2 * taille:
                    texte(x + n * echelle / 2, y - taille * 0.35, fmt.nombre(n), ancre="middle", couleur=colors.white,
                          police_=gras)
                x += n * echelle
        x = x0
        for s in presents:
            dessin.add(Rect(x, 4, taille, taille, fillColor=colors.HexColor(COULEURS_STATUTS[s]), strokeColor=None))
            texte(x + taille * 1.4, 4 + taille * 0.15, s)
            x += taille * 3 + stringWidth(s, police, taille)
        return dessin

    # Courbes : une par zone, légende à droite (le nom dit la dernière valeur et son année).
    d = g.donnees
    annees = sorted(d["Année"].unique())
    largeur_legende = max(stringWidth(pdf.imprimable(z), police, taille) for z in g.ordre) + taille * 1.6 + 34
    en_bas = largeur_legende > 0.55 * largeur  # graphique étroit : la légende sous le graphique, une ligne par zone
    hauteur_legende = len(g.ordre) * taille * 1.6 if en_bas else 0
    x0, x1 = 4.2 * taille, largeur - (10 if en_bas else largeur_legende + 10)
    y0, y1 = 2.8 * taille + hauteur_legende, hauteur - 2 * taille
    bas_, haut_ = float(d["Valeur"].min()), float(d["Valeur"].max())
    pas = _pas(haut_ - bas_ or abs(haut_) or 1, 5)
    vmin, vmax = math.floor(bas_ / pas) * pas, math.ceil(haut_ / pas) * pas
    if vmax == vmin:
        vmax = vmin + pas

    def xy(annee, valeur):
        i = annees.index(annee)
        x = x0 + (i + 0.5) * (x1 - x0) / len(annees)
        return x, y0 + (valeur - vmin) / (vmax - vmin) * (y1 - y0)

    v = vmin
    while v <= vmax + pas / 1000:
        y = xy(annees[0], v)[1]
        dessin.add(Line(x0, y, x1, y, strokeColor=gris, strokeWidth=0.6))
        texte(x0 - 6, y - taille * 0.35, fmt.nombre(round(v, 6)), ancre="end")
        v += pas
    texte(x0 - 6, y1 + taille * 0.8, g.titre_valeurs, police_=gras, ancre="start")
    saut = 1 if (x1 - x0) / len(annees) > 2.6 * taille else 2  # années serrées : une sur deux
    for a in annees[::-1][::saut]:
        texte(xy(a, vmin)[0], y0 - taille - 4, str(a), ancre="middle")
    texte((x0 + x1) / 2, 2 + hauteur_legende, "Année des données", ancre="middle")
    for k, zone in enumerate(g.ordre):
        couleur = colors.HexColor(PALETTE_SERIES[k % len(PALETTE_SERIES)])
        serie = d[d["Zone"] == zone].sort_values("Année")
        points = [c for a, val in zip(serie["Année"], serie["Valeur"]) for c in xy(a, float(val))]
        if len(points) >= 4:
            dessin.add(PolyLine(points, strokeColor=couleur, strokeWidth=3))
        for i in range(0, len(points), 2):
            dessin.add(Circle(points[i], points[i + 1], 4, fillColor=couleur, strokeColor=colors.white, strokeWidth=1))
        if en_bas:
            xl, y = 0, hauteur_legende - (k + 1) * taille * 1.6 + 4
        else:
            xl, y = x1 + 16, y1 - k * taille * 2.2
        dessin.add(Line(xl, y + taille * 0.35, xl + taille * 1.6, y + taille * 0.35, strokeColor=couleur, strokeWidth=4))
        texte(xl + 6 + taille * 1.6, y, zone)
    return dessin


def en_pdf(diapos: list[Diapositive], titre: str, edite_le: dt.date | None = None, carte=None) -> bytes:
    """Une diapositive par page (A4 paysage), comme à l'écran : titre en haut, grands caractères, corps
    qui occupe la page (grands chiffres, graphique, carte ou tableau), source en bas ; graphiques et carte
    dessinés sans internet, posés comme des images (``pdf.DessinEnImage``) ; une diapositive trop remplie
    est réduite pour tenir sur sa page. ``carte`` : fonction (largeur, hauteur) -> dessin de la carte
    (``dessin_carte``), mise sur la page de la diapositive « carte » ; sans elle, une phrase."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Spacer, Table, TableStyle

    page = pdf.MiseEnPage(titre, format=landscape(A4), marge_cotes=14 * mm, marge_haut=12 * mm, marge_bas=16 * mm,
                          edite_le=edite_le)
    st = pdf.styles()
    grand = {
        "titre": ParagraphStyle("seminaire_titre", parent=st.diapo_titre, fontSize=28, leading=34, spaceAfter=3 * mm),
        "sous_titre": ParagraphStyle("seminaire_sous_titre", parent=st.diapo_sous_titre, fontSize=19, leading=24,
                                     spaceAfter=4 * mm),
        "point": ParagraphStyle("seminaire_point", parent=st.diapo_point, fontSize=21, leading=28, spaceAfter=3 * mm,
                                bulletFontSize=21),
        "manque": ParagraphStyle("seminaire_manque", parent=st.diapo_point, fontSize=16, leading=21, leftIndent=0,
                                 textColor=pdf.GRIS_TEXTE, spaceBefore=3 * mm),
        "source": ParagraphStyle("seminaire_source", parent=st.diapo_source, fontSize=12, leading=15, spaceBefore=4 * mm),
        "cellule": ParagraphStyle("seminaire_cellule", parent=st.cellule, fontSize=14, leading=16.5),
        "c_libelle": ParagraphStyle("chiffre_libelle", parent=st.texte, fontName=st.titre.fontName, fontSize=17,
                                    leading=21),
        "c_valeur": ParagraphStyle("chiffre_valeur", parent=st.texte, fontName=st.titre.fontName, fontSize=36,
                                   leading=42, textColor=pdf.BLEU, spaceBefore=1 * mm, spaceAfter=1.5 * mm),
        "c_texte": ParagraphStyle("chiffre_texte", parent=st.texte, fontSize=14, leading=17.5),
        "c_source": ParagraphStyle("chiffre_source", parent=st.texte, fontSize=11.5, leading=14, textColor=pdf.GRIS_TEXTE,
                                   spaceBefore=1.5 * mm),
    }
    hauteur_utile = page.hauteur - 4 * mm

    def hauteur(flowables, largeur=page.largeur) -> float:
        return sum(f.wrap(largeur, hauteur_utile)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in flowables)

    def carte_chiffre(c: Chiffre, style: str = "c_valeur") -> list:
        contenu = [pdf.paragraphe(c.libelle, grand["c_libelle"]), pdf.paragraphe(c.valeur, grand[style])]
        contenu += [pdf.paragraphe(t, grand["c_texte"]) for t in [*c.comparaisons, *c.autres_sources]]
        details = " · ".join(x for x in [c.periode, c.precision, c.source] if x)
        contenu.append(pdf.paragraphe(details, grand["c_source"]))
        return contenu

    grand["c_valeur_serre"] = ParagraphStyle("chiffre_valeur_serre", parent=grand["c_valeur"], fontSize=28, leading=32)
    grand["c_valeur_grand"] = ParagraphStyle("chiffre_valeur_grand", parent=grand["c_valeur"], fontSize=44, leading=50)

    def grille(chiffres: list[Chiffre], largeur: float, colonnes: int):
        lignes = [chiffres[i:i + colonnes] for i in range(0, len(chiffres), colonnes)]
        serre = largeur / colonnes < 180
        style = "c_valeur_serre" if serre else ("c_valeur_grand" if len(lignes) == 1 and largeur / colonnes >= 240 else "c_valeur")
        # Une valeur tient sur une ligne (« 24 480 € » jamais coupé avant « € ») : sinon, un cran plus petit.
        from reportlab.pdfbase.pdfmetrics import stringWidth

        plus_longue = max((stringWidth(pdf.imprimable(c.valeur), grand["c_valeur"].fontName, 1) for c in chiffres), default=0)
        for suivant in ("c_valeur", "c_valeur_serre"):
            if plus_longue * grand[style].fontSize <= largeur / colonnes - 20 or style == "c_valeur_serre":
                break
            style = suivant if grand[suivant].fontSize < grand[style].fontSize else style
        cellules = [[carte_chiffre(c, style) for c in l] + [""] * (colonnes - len(l)) for l in lignes]
        table = Table(cellules, colWidths=[largeur / colonnes] * colonnes)
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBEFORE", (0, 0), (-1, -1), 2, pdf.BLEU),
            ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 10),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 10)]))
        return table

    elements = []
    for i, d in enumerate(diapos):
        haut = [pdf.paragraphe(d.titre, grand["titre"])]
        if d.sous_titre:
            haut.append(pdf.paragraphe(d.sous_titre, grand["sous_titre"]))
        bas = [pdf.paragraphe("Source : " + d.source, grand["source"])] if d.source else []
        if d.manque:
            bas.insert(0, pdf.paragraphe(d.manque, grand["manque"]))
        if d.type in ("carte_communes", "communes_comparees"):  # la ligne des communes sans valeur : sous le dessin
            points = [pdf.paragraphe(p, grand["manque"]) for p in d.points]
        else:
            points = [] if d.chiffres else [pdf.paragraphe(p, grand["point"], bulletText="•") for p in d.points]
        reste = hauteur_utile - hauteur(haut) - hauteur(bas) - hauteur(points) - 6 * mm
        corps = []
        if d.chiffres and d.graphique is not None:
            gauche = 0.44 * page.largeur  # les chiffres en deux colonnes, le graphique à droite
            dessin = pdf.DessinEnImage(dessin_graphique(d.graphique, page.largeur - gauche - 6 * mm, max(reste, 80 * mm)))
            t = Table([[grille(d.chiffres, gauche, 2), dessin]], colWidths=[gauche, page.largeur - gauche])
            t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
            corps.append(t)
        elif d.chiffres:
            colonnes = min(4, len(d.chiffres))
            corps.append(grille(d.chiffres, page.largeur, colonnes))
        elif d.graphique is not None:
            corps.append(pdf.DessinEnImage(dessin_graphique(d.graphique, page.largeur, max(reste, 60 * mm))))
        if d.type == "carte_communes" and d.carte_communes is not None:
            from . import seminaire_communes

            corps.append(pdf.DessinEnImage(seminaire_communes.dessin_communes(d.carte_communes, page.largeur,
                                                                              max(reste, 90 * mm))))
        if d.type == "carte":
            if carte is not None and reste > 60 * mm:
                corps.append(pdf.DessinEnImage(carte(page.largeur, reste)))
            else:
                corps.append(pdf.paragraphe("La carte interactive est présentée en séance (page « Carte des équipements »).",
                                            grand["point"]))
        if d.tableau is not None and not d.tableau.empty:
            larges = {"Quartier": 2.5, "Pauvreté, quartier entier": 2.5, "Pauvreté, QPV seul": 2.5, "Centre social / MEP": 1.8}
            poids = [larges.get(c, 0.9) for c in d.tableau.columns]
            unite = page.largeur / sum(poids)
            tableau = pdf.tableau(list(d.tableau.columns), d.tableau.itertuples(index=False),
                                  [p * unite for p in poids], style_cellule=grand["cellule"])
            entete = ParagraphStyle("seminaire_entete", parent=st.entete, fontSize=13, leading=16)
            tableau._cellvalues[0] = [pdf.paragraphe(c, entete) for c in d.tableau.columns]  # en-tête lisible aussi
            corps.append(tableau)
            corps.append(Spacer(0, 3 * mm))
        corps += points
        # Le corps au milieu de la page, la source en bas (comme à l'écran).
        libre = hauteur_utile - hauteur(haut) - hauteur(corps) - hauteur(bas)
        if libre > 0:
            contenu = haut + [Spacer(0, libre / 2)] + corps + [Spacer(0, libre / 2)] + bas
        else:
            contenu = haut + corps + bas
        elements.append(KeepInFrame(0, 0, contenu, mode="shrink"))
        if i < len(diapos) - 1:
            elements.append(PageBreak())
    return page.produire(elements)
