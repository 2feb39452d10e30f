"""La vue « Contexte social » d'un indicateur, prête à afficher : années et niveaux possibles, valeurs
des zones, repères du territoire et de ses comparaisons (même année, puis en séries), tableau ; pour un
indicateur qui ne se regroupe pas par quartier (médiane, décile, part de revenu), l'étendue des valeurs
des IRIS de chaque quartier ; pour un indicateur sans valeur locale, la raison en une ligne ; la légende
de la carte, dessinée hors de la carte.

Les règles (quelles années proposer, quand un indicateur n'a pas de valeur par quartier, quelles zones
servent de repère, que dire quand il n'y a rien à montrer) sont ici, pas dans la page.
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass

import pandas as pd

from . import carte as cartes
from . import format as fmt
from .chiffres import est_territoire_ou_comparaison
from .territoire import Territoire

QUARTIERS, IRIS = "Quartiers", "IRIS"
LOCAUX = ("IRIS", "quartier")
# Zones entières (le territoire, ses comparaisons), nommées en mots dans les phrases.
NOMS_NIVEAUX = {"commune": "commune", "EPCI": "intercommunalité", "département": "département", "région": "région",
                "France métropolitaine": "France métropolitaine"}


def _sans_valeur(nombre: int, statuts: dict) -> str:
    """« 0 », « 1 — non disponible (nd) », « 3 — 2 non significatif (ns) ; 1 absent des données »."""
    if not nombre:
        return "0"
    if len(statuts) == 1:
        return f"{nombre} — {next(iter(statuts))}"
    return f"{nombre} — " + " ; ".join(f"{n} {s}" for s, n in statuts.items())


@dataclass
class EtendueIris:
    """Pour un indicateur qui ne se regroupe pas par quartier (une médiane ne se moyenne pas) : la valeur
    la plus basse et la plus haute des IRIS de chaque quartier, combien d'IRIS ont une valeur et
    combien n'en ont pas (et pourquoi, d'après le statut de la source). Rien n'est calculé d'autre."""

    annee: int
    unite: str
    par_quartier: pd.DataFrame  # quartier, iris, avec_valeur, sans_valeur, minimum, iris_minimum, maximum, iris_maximum, sans_valeur_detail
    points: pd.DataFrame  # un IRIS avec valeur par ligne : quartier, code_iris, nom_iris, valeur
    rattachement: str  # une ligne : d'où vient le rattachement des IRIS aux quartiers

    @property
    def tableau(self) -> pd.DataFrame:
        """Le tableau affiché, valeurs en texte à la française."""
        t = self.par_quartier

        def extreme(valeur, iris):
            return "–" if pd.isna(valeur) else f"{fmt.valeur(valeur, self.unite)} ({iris})"

        return pd.DataFrame({
            "Quartier": t["quartier"],
            "IRIS avec une valeur": [f"{a} sur {n}" for a, n in zip(t["avec_valeur"], t["iris"])],
            "Valeur la plus basse (IRIS)": [extreme(v, i) for v, i in zip(t["minimum"], t["iris_minimum"])],
            "Valeur la plus haute (IRIS)": [extreme(v, i) for v, i in zip(t["maximum"], t["iris_maximum"])],
            "IRIS sans valeur (pourquoi)": [_sans_valeur(n, d) for n, d in zip(t["sans_valeur"], t["statuts_sans_valeur"])],
        })


@dataclass
class VueIndicateur:
    code: str
    libelle: str
    definition: str
    unite: str
    agregation: str
    precautions: str | None
    source: str
    annees: list[int]
    annee: int
    niveaux: list[str]
    niveau: str
    zones: pd.DataFrame  # les zones du niveau choisi (quartiers ou IRIS), l'année choisie
    quartiers_annee: pd.DataFrame  # les quartiers, l'année choisie (pour les barres)
    references: pd.DataFrame  # le territoire et ses comparaisons, l'année choisie, avec valeur
    serie_quartiers: pd.DataFrame  # valeurs des quartiers, toutes années
    serie_reperes: pd.DataFrame  # valeurs du territoire et de ses comparaisons, toutes années
    tableau: pd.DataFrame  # le tableau affiché (zones du niveau, repères, QPV), valeurs en texte
    detail: str | None = None  # note technique (colonnes, fichiers lus) : derrière un dépliant sur la page
    # Une ligne : pourquoi la carte n'a aucune valeur à montrer (None : il y a des valeurs).
    raison: str | None = None
    # Une ligne, pour un indicateur qui ne se regroupe pas par quartier mais qui a des IRIS.
    note_quartiers: str | None = None
    # L'étendue des valeurs des IRIS de chaque quartier (indicateur non regroupable, rattachement donné).
    etendue: EtendueIris | None = None
    # Une ligne : les quartiers sans valeur l'année choisie (absents des barres), chacun avec sa note.
    quartiers_sans_valeur: str | None = None

    @property
    def type_zone(self) -> str:
        return "quartier" if self.niveau == QUARTIERS else "IRIS"

    @property
    def a_des_valeurs(self) -> bool:
        return not self.zones.empty and self.zones["valeur"].notna().any()

    @property
    def par_quartier(self) -> bool:
        return self.agregation != "non_agregeable"


def indicateurs_disponibles(social: pd.DataFrame, dictionnaire: pd.DataFrame) -> list[str]:
    """Les codes du dictionnaire qui ont au moins une ligne dans les données, dans l'ordre du dictionnaire."""
    presents = set(social["indicateur"].unique())
    return [c for c in dictionnaire["code"] if c in presents]


def niveaux_possibles(lignes: pd.DataFrame, agregation: str) -> list[str]:
    """Les niveaux de la carte qui ont des lignes dans les données : les quartiers (sauf pour un
    indicateur qui ne se regroupe pas), puis les IRIS. Vide : aucune valeur locale."""
    types = set(lignes["type_zone"])
    return [n for n, t in ((QUARTIERS, "quartier"), (IRIS, "IRIS"))
            if t in types and not (n == QUARTIERS and agregation == "non_agregeable")]


def vue_indicateur(social: pd.DataFrame, dictionnaire: pd.DataFrame, territoire: Territoire, code: str,
                   annee: int | None = None, niveau: str | None = None,
                   rattachement: pd.DataFrame | None = None) -> VueIndicateur:
    """``annee`` / ``niveau`` None (ou hors des choix possibles) : la plus récente / le premier niveau.
    ``rattachement`` (``data/iris_quartiers.csv``) : pour un indicateur qui ne se regroupe pas par
    quartier, la vue donne aussi l'étendue des valeurs des IRIS de chaque quartier."""
    regle = dictionnaire.set_index("code").loc[code]
    lignes = social[social["indicateur"] == code]
    locales = lignes[lignes["type_zone"].isin(LOCAUX)]
    annees = sorted((locales if not locales.empty else lignes)["annee"].unique().tolist(), reverse=True)
    annee = annee if annee in annees else annees[0]
    niveaux = niveaux_possibles(locales, regle["agregation"])
    niveau = niveau if niveau in niveaux else (niveaux[0] if niveaux else IRIS)
    de_l_annee = lignes[lignes["annee"] == annee]
    type_zone = "quartier" if niveau == QUARTIERS else "IRIS"
    reperes = est_territoire_ou_comparaison(lignes, territoire)
    tableau = de_l_annee[de_l_annee["type_zone"].isin([type_zone, "QPV"]) | reperes.loc[de_l_annee.index]]
    zones = de_l_annee[de_l_annee["type_zone"] == type_zone] if niveaux else de_l_annee.iloc[0:0]
    non_regroupable = regle["agregation"] == "non_agregeable"
    iris_de_l_annee = de_l_annee[de_l_annee["type_zone"] == "IRIS"]
    etendue = None
    if non_regroupable and rattachement is not None and iris_de_l_annee["valeur"].notna().any():
        etendue = etendue_iris(social, rattachement, code, annee, regle["unite"])
    return VueIndicateur(
        code=code, libelle=regle["libelle"], definition=regle["definition"], unite=regle["unite"],
        agregation=regle["agregation"], precautions=regle["precautions"] if isinstance(regle["precautions"], str) else None,
        detail=regle["detail"] if isinstance(regle.get("detail"), str) else None,
        source=regle["source"], annees=annees, annee=annee, niveaux=niveaux, niveau=niveau,
        zones=zones,
        raison=raison_sans_valeur(lignes, territoire, niveaux, type_zone, annee, regle["unite"]),
        note_quartiers=("La carte montre les IRIS ; plus bas, la valeur la plus basse et la plus haute des IRIS "
                        "de chaque quartier.") if non_regroupable and IRIS in niveaux else None,
        etendue=etendue,
        quartiers_sans_valeur=phrase_quartiers_sans_valeur(de_l_annee, annee) if not non_regroupable else None,
        quartiers_annee=de_l_annee[de_l_annee["type_zone"] == "quartier"],
        references=de_l_annee[reperes.loc[de_l_annee.index]].dropna(subset=["valeur"]),
        serie_quartiers=lignes[lignes["type_zone"] == "quartier"].dropna(subset=["valeur"]),
        serie_reperes=lignes[reperes].dropna(subset=["valeur"]),
        tableau=pd.DataFrame({
            # La valeur juste après la zone : lisible sur un téléphone sans faire défiler le tableau de côté.
            "Zone": tableau["nom_zone"],
            "Valeur": [fmt.valeur(v, regle["unite"]) if pd.notna(v) else "–" for v in tableau["valeur"]],
            "Année": tableau["annee"], "Type": tableau["type_zone"], "Statut": tableau["statut"], "Calcul et couverture": tableau["note"].fillna(""), "Source": tableau["source"],
        }),
    )


def serie_qpv(social: pd.DataFrame, territoire: Territoire, code: str) -> tuple[pd.DataFrame, bool]:
    """Les valeurs des QPV pour un indicateur, toutes années, avec celles du territoire entier pour
    comparaison ; le booléen dit si le territoire entier a des valeurs."""
    qpv = social[(social["type_zone"] == "QPV") & (social["indicateur"] == code)].dropna(subset=["valeur"])
    territoire_entier = social[(social["indicateur"] == code) & (social["type_zone"] == territoire.nature)
                               & (social["code_zone"] == territoire.code)].dropna(subset=["valeur"])
    return pd.concat([qpv, territoire_entier]), not territoire_entier.empty


# --- Étendue des valeurs des IRIS de chaque quartier ---------------------------------------------
def etendue_iris(social: pd.DataFrame, rattachement: pd.DataFrame, code: str, annee: int, unite: str) -> EtendueIris:
    """Pour chaque quartier du rattachement (``data/iris_quartiers.csv``, colonnes code_iris, nom_iris,
    quartier), la valeur la plus basse et la plus haute de ses IRIS l'année ``annee``, le nombre d'IRIS
    avec une valeur et sans valeur. Un IRIS du rattachement absent des données compte « sans valeur »
    (jamais 0). Quartiers rangés de la valeur la plus basse à la plus haute (sans valeur : à la fin)."""
    iris = social[(social["indicateur"] == code) & (social["type_zone"] == "IRIS") & (social["annee"] == annee)]
    iris = iris[["code_zone", "valeur", "statut"]].rename(columns={"code_zone": "code_iris"})
    joint = rattachement[["code_iris", "nom_iris", "quartier"]].astype({"code_iris": str}).merge(
        iris.astype({"code_iris": str}), on="code_iris", how="left")
    joint["statut"] = joint["statut"].fillna("absent des données")
    lignes = []
    for quartier, groupe in joint.groupby("quartier", sort=False):
        avec = groupe.dropna(subset=["valeur"])
        sans = groupe[groupe["valeur"].isna()]
        bas = avec.loc[avec["valeur"].idxmin()] if not avec.empty else None
        haut = avec.loc[avec["valeur"].idxmax()] if not avec.empty else None
        lignes.append({
            "quartier": quartier, "iris": len(groupe), "avec_valeur": len(avec), "sans_valeur": len(sans),
            "minimum": bas["valeur"] if bas is not None else None, "iris_minimum": bas["nom_iris"] if bas is not None else None,
            "maximum": haut["valeur"] if haut is not None else None, "iris_maximum": haut["nom_iris"] if haut is not None else None,
            "sans_valeur_detail": " ; ".join(f"{n} {statut}" for statut, n in sans["statut"].value_counts().items()) or "–",
            "statuts_sans_valeur": dict(sans["statut"].value_counts()),
        })
    par_quartier = pd.DataFrame(lignes).sort_values(["minimum", "quartier"], na_position="last").reset_index(drop=True)
    points = joint.dropna(subset=["valeur"])[["quartier", "code_iris", "nom_iris", "valeur"]].reset_index(drop=True)
    return EtendueIris(annee=annee, unite=unite, par_quartier=par_quartier, points=points,
                       rattachement=phrase_rattachement(rattachement))


def phrase_rattachement(rattachement: pd.DataFrame) -> str:
    """D'où vient le rattachement des IRIS aux quartiers, en une ligne (d'après ses colonnes auteur et
    confiance)."""
    auteurs = " ; ".join(dict.fromkeys(str(a) for a in rattachement.get("auteur", pd.Series(dtype=str)).dropna()))
    phrase = "Rattachement des IRIS aux quartiers : notre choix, pas un découpage officiel"
    if auteurs:
        phrase += f" ; auteur : {auteurs}"
    if "confiance" in rattachement.columns:
        a_verifier = int((rattachement["confiance"] == "à vérifier").sum())
        if a_verifier:
            phrase += f" ; {a_verifier} IRIS sur {len(rattachement)} y sont encore « à vérifier »"
    return phrase + "."


def phrase_quartiers_sans_valeur(de_l_annee: pd.DataFrame, annee: int) -> str | None:
    """Les quartiers qui n'ont pas de valeur l'année ``annee`` (ils manquent aux barres), chacun avec la
    note de sa ligne (pourquoi : IRIS sans valeur publiée, couverture) ; None s'il n'y en a pas, ou si
    aucun quartier n'a de valeur (la raison de la carte le dit déjà)."""
    quartiers = de_l_annee[de_l_annee["type_zone"] == "quartier"]
    sans = quartiers[quartiers["valeur"].isna()]
    if sans.empty or len(sans) == len(quartiers):
        return None
    return f"Sans valeur en {annee} : " + " ; ".join(
        f"{nom} ({(note if isinstance(note, str) and note else statut).rstrip('. ')})"
        for nom, note, statut in zip(sans["nom_zone"], sans["note"], sans["statut"])) + "."


# --- Pourquoi il n'y a rien à montrer, en une ligne ---------------------------------------------------
def _et(mots: list[str]) -> str:
    return mots[0] if len(mots) == 1 else ", ".join(mots[:-1]) + " et " + mots[-1]


def raison_sans_valeur(lignes: pd.DataFrame, territoire: Territoire, niveaux: list[str], type_zone: str,
                       annee: int, unite: str) -> str | None:
    """Une ligne qui dit pourquoi la carte de l'indicateur (``lignes`` : toutes ses lignes) n'a aucune
    valeur au niveau ``type_zone`` l'année ``annee``, avec ce que les données donnent à la place ;
    None s'il y a des valeurs. Ne dit que ce que les données montrent."""
    if not niveaux:  # aucune ligne par IRIS ni par quartier
        qpv = lignes[(lignes["type_zone"] == "QPV")].dropna(subset=["valeur"])
        if not qpv.empty:
            an = annee if annee in set(qpv["annee"]) else int(qpv["annee"].max())
            de_l_an = qpv[qpv["annee"] == an]
            valeurs = ", ".join(f"{n} {fmt.valeur(v, unite)}" for n, v in zip(de_l_an["nom_zone"], de_l_an["valeur"]))
            return (f"Pas de valeur par quartier ni par IRIS : la source ne donne cet indicateur que pour les "
                    f"quartiers prioritaires (QPV) ; en {an} : {valeurs} ({_et(list(dict.fromkeys(de_l_an['source'])))}).")
        presents = set(lignes["type_zone"]) - {"QPV"}
        entieres = [nom for t, nom in NOMS_NIVEAUX.items() if t in presents] + sorted(presents - set(NOMS_NIVEAUX))
        phrase = "Pas de valeur par quartier ni par IRIS : la source ne donne cet indicateur que pour "
        phrase += f"des territoires entiers ({_et(entieres)})" if entieres else "aucune zone"
        du_territoire = lignes[(lignes["type_zone"] == territoire.nature) & (lignes["code_zone"] == territoire.code)]
        du_territoire = du_territoire.dropna(subset=["valeur"])
        if du_territoire.empty:
            return phrase + f" ; aucune valeur pour {territoire.nom} dans les données réunies ici."
        cette_annee = du_territoire[du_territoire["annee"] == annee]
        ligne = (cette_annee if not cette_annee.empty else du_territoire.sort_values("annee")).iloc[-1]
        return (phrase + f" ; valeur de {territoire.nom} : {fmt.valeur(ligne['valeur'], unite)} en "
                f"{int(ligne['annee'])} ({ligne['source']}).")
    du_niveau = lignes[lignes["type_zone"] == type_zone]
    nom = "quartier" if type_zone == "quartier" else "IRIS"
    zones = du_niveau[du_niveau["annee"] == annee]
    if zones.empty:
        annees = sorted(int(a) for a in du_niveau["annee"].unique())
        return (f"Pas de valeur par {nom} en {annee} dans les données : ce niveau a des valeurs en "
                f"{_et([str(a) for a in annees])}.")
    if zones["valeur"].isna().all():
        statuts = " ; ".join(f"{n} {s}" for s, n in zones["statut"].value_counts().items())
        return f"Aucun {nom} n'a de valeur en {annee} ({statuts})."
    return None


# --- Légende de la carte, sous la carte ----------------------------------------------------------
@dataclass
class LigneLegende:
    genre: str  # « classe » (aplat), « sans_valeur » (contour en tirets), « trait » (contour)
    couleur: str
    libelle: str
    tirets: bool = False


def legende_hors_carte(carte, valeurs: pd.DataFrame, unite: str, avec_qpv: bool = True,
                       quartier_selectionne: str | None = None) -> list[LigneLegende]:
    """Retire de ``carte`` (``carte.carte_choroplethe``) la légende des classes, posée sur la carte où
    elle cache des zones, et rend ses lignes pour l'afficher à côté : les classes (mêmes libellés et
    couleurs que la carte), « pas de valeur publiée », le contour des QPV et du quartier choisi."""
    etiquettes = None
    for cle, enfant in list(carte._children.items()):
        if isinstance(enfant, cartes.LegendeChoroplethe):
            etiquettes = enfant.etiquettes
            del carte._children[cle]
    if etiquettes is None:  # la carte n'avait pas de légende : les mêmes règles que la carte
        publies = [float(v) for v in valeurs["valeur"].dropna()]
        entiers = cartes.est_un_compte(unite, publies)
        etiquettes = cartes.etiquettes_classes(cartes.classes(publies, entiers=entiers), unite, entiers)
    palette = cartes.PALETTE_SEQUENTIELLE
    lignes = [LigneLegende("classe", palette[min(i, len(palette) - 1)], e) for i, e in enumerate(etiquettes)]
    lignes.append(LigneLegende("sans_valeur", "#161616", "pas de valeur publiée", tirets=True))
    if avec_qpv:
        lignes.append(LigneLegende("trait", cartes.COULEUR_QPV, "quartier prioritaire (QPV 2024)", tirets=True))
    return lignes + lignes_quartier_choisi(quartier_selectionne)


def lignes_quartier_choisi(quartier: str | None) -> list[LigneLegende]:
    """La ligne de légende du contour du quartier choisi (aucune sans quartier) : la dernière de la
    légende de la carte."""
    return [LigneLegende("trait", cartes.COULEUR_SELECTION, f"quartier choisi : {quartier}")] if quartier else []


def couche_quartier_choisi(quartiers_geo, quartier: str | None):
    """Le contour du quartier choisi, à poser sur la carte du contexte (``st_folium(feature_group_to_add=…)``)
    sans recréer la carte : trait plein de la couleur de sélection, sans remplissage (les couleurs des
    classes restent lisibles), qui ne capte pas la souris (l'infobulle reste celle de la zone). Sans
    quartier : une couche vide."""
    import folium

    groupe = folium.FeatureGroup(name="Quartier choisi", overlay=True, control=False)
    zone = quartiers_geo[quartiers_geo["nom"] == quartier] if quartier else quartiers_geo.iloc[0:0]
    if not zone.empty:
        contour = cartes.Surbrillance(zone)
        contour.style = cartes.json_pour_script({"color": cartes.COULEUR_SELECTION, "weight": 3, "fill": False})
        contour.add_to(groupe)
    return groupe


def legende_html(titre: str, lignes: list[LigneLegende]) -> str:
    """La légende en HTML (un titre, puis une liste), textes échappés : elle s'affiche sous la carte et
    passe à la ligne sur un petit écran au lieu d'être coupée."""
    elements = []
    for ligne in lignes:
        if ligne.genre == "classe":
            style = f"background:{ligne.couleur};border:1px solid #161616"
        elif ligne.genre == "sans_valeur":
            style = "background:#FFFFFF;border:2px dashed #161616"
        else:
            style = f"background:transparent;border:0;border-top:3px {'dashed' if ligne.tirets else 'solid'} {ligne.couleur};height:0;margin-top:7px"
        elements.append(
            '<li style="display:flex;align-items:flex-start;gap:6px;margin:0;padding:0">'
            f'<span aria-hidden="true" style="flex:0 0 22px;height:14px;{style}"></span>'
            f"<span>{html.escape(ligne.libelle)}</span></li>")
    return (f'<div class="ctg-legende-contexte" role="group" aria-label="Légende de la carte" '
            'style="font-size:0.85rem;line-height:1.3;max-width:100%">'
            f"<p style=\"margin:0 0 4px 0;font-weight:600\">Légende : {html.escape(titre)}</p>"
            '<ul style="list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px">'
            + "".join(elements) + "</ul></div>")


# --- Graphiques : légende sous le graphique, jamais coupée -------------------------------------------
LARGEUR_ETIQUETTE = 24
"""Caractères par ligne d'un libellé de légende : 24 tiennent sur deux colonnes d'un téléphone."""
def axe(unite: str, **reglages) -> dict:
    """Réglages d'un axe de valeurs (``alt.Axis(**…)``) : pour un compte (allocataires, personnes…),
    des nombres entiers (« 4 497 », jamais « 2,5 allocataires ») ; sinon le format par défaut."""
    return {**reglages, "format": ",d"} if cartes.est_un_compte(unite) else dict(reglages)


MARGES = {"left": 5, "top": 5, "bottom": 5, "right": 16}
"""Marges d'un graphique à axe horizontal de nombres : le dernier libellé de l'axe ne sort pas du cadre."""
TAILLE_AUTO = {"type": "fit-x", "contains": "padding"}
"""``autosize`` d'un graphique à légende dessous : la largeur suit la page, la hauteur donnée est celle
du tracé, et la légende s'y ajoute (sans elle, la légende écrase le tracé)."""


def avec_valeurs_lisibles(donnees: pd.DataFrame, unite: str | None, colonnes: tuple[str, ...] = ("valeur",)) -> pd.DataFrame:
    """``donnees`` avec, pour chaque colonne de ``colonnes``, une colonne ``<colonne>_lisible`` : la valeur
    écrite à la française avec son unité (« 13 210 € », « 16,2 % », « 4 497 allocataires »), ou « pas de
    valeur ». Pour les infobulles des graphiques : le lecteur y lit la valeur comme dans les tableaux."""
    return donnees.assign(**{
        f"{c}_lisible": [fmt.valeur(v, unite or None) if pd.notna(v) else "pas de valeur" for v in donnees[c]]
        for c in colonnes
    })


def sur_lignes(texte: str, largeur: int = LARGEUR_ETIQUETTE) -> str:
    """Un libellé coupé entre les mots en lignes de ``largeur`` caractères au plus (séparées par
    ``\\n``), pour une légende qui passe à la ligne au lieu d'être coupée."""
    return "\n".join(textwrap.wrap(str(texte), largeur, break_long_words=False, break_on_hyphens=False)) or str(texte)


def avec_etiquette(donnees: pd.DataFrame, colonne: str = "nom_zone") -> pd.DataFrame:
    """``donnees`` avec une colonne ``etiquette`` : ``colonne`` coupée en lignes (``sur_lignes``), à
    utiliser comme champ de la couleur avec ``legende_dessous``."""
    return donnees.assign(etiquette=[sur_lignes(t) for t in donnees[colonne]])


def legende_dessous(colonnes: int = 1) -> dict:
    """Réglages d'une légende Vega-Lite (``alt.Legend(**…)``) : sous le graphique, libellés et titre
    jamais tronqués (``labelLimit=0``), chaque libellé sur plusieurs lignes s'il contient ``\\n``
    (``avec_etiquette``), en ``colonnes`` colonnes pour tenir sur un téléphone."""
    return {"orient": "bottom", "direction": "vertical", "columns": colonnes, "labelLimit": 0, "titleLimit": 0,
            "labelExpr": "split(datum.label, '\\n')"}
