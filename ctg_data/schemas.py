"""Schémas déclarés des jeux de données (pandera).

Chaque fichier de ``data/`` est validé contre son schéma au chargement. Les messages des
contrôles sont en français : ils remontent tels quels à l'utilisateur, avec le fichier,
la ligne et la colonne (voir ``validation.py``).
"""

from __future__ import annotations

import pandera.pandas as pa

OUI_NON = ["oui", "non"]

from .vocabulaire import CATEGORIES_EQUIPEMENTS as _CATEGORIES  # noqa: E402  (défini une fois, là-bas)

CATEGORIES_EQUIPEMENTS = list(_CATEGORIES)

THEMES_PORTRAIT = [
    "Population",
    "Niveau de vie et pauvreté",
    "Allocataires Caf et prestations",
    "Minima sociaux",
    "Structure par âge",
    "Ménages et familles",
    "Familles monoparentales",
    "Mineurs et naissances",
    "Scolarité",
    "Activité des parents",
    "Jeunesse",
    "Autre",
]


def parmi(valeurs: list[str]) -> pa.Check:
    return pa.Check.isin(valeurs, error=f"valeur inconnue ; valeurs admises : {', '.join(valeurs)}")


def motif(regex: str, attendu: str) -> pa.Check:
    return pa.Check.str_matches(regex, error=f"format invalide ; attendu : {attendu}")


def texte(obligatoire: bool = True, checks=None, unique: bool = False) -> pa.Column:
    return pa.Column(str, nullable=not obligatoire, checks=checks, unique=unique)


SOURCE = {
    "source_fichier": texte(),
    "source_section": texte(),
}

PORTRAIT = pa.DataFrameSchema(
    {
        "id": texte(checks=motif(r"^P\d{3,}$", "P suivi de chiffres, par ex. P012"), unique=True),
        "theme": texte(checks=parmi(THEMES_PORTRAIT)),
        "code": texte(checks=motif(r"^[a-z0-9_]+$", "minuscules, chiffres et _ (par ex. taux_pauvrete)")),
        "indicateur": texte(),
        "territoire": texte(),
        "annee": pa.Column(
            "Int64",
            nullable=True,
            coerce=True,
            checks=pa.Check.in_range(1900, 2100, error="année hors de l'intervalle 1900-2100"),
        ),
        "periode": texte(False, checks=motif(r"^\d{4}-\d{4}$", "AAAA-AAAA, par ex. 2014-2020")),
        "valeur": pa.Column(float, coerce=True),
        "unite": texte(),
        "qualificatif": texte(False),
        **SOURCE,
        "citation": texte(),
        "note": texte(False),
    },
    strict=True,
    unique=["code", "territoire", "annee", "periode"],
    name="portrait",
)

EQUIPEMENTS = pa.DataFrameSchema(
    {
        "id": texte(checks=motif(r"^EQ\d{3,}$", "EQ suivi de chiffres, par ex. EQ012"), unique=True),
        "nom": texte(),
        "categorie": texte(checks=parmi(CATEGORIES_EQUIPEMENTS)),
        "sous_type": texte(False),
        "gestionnaire": texte(False),
        "gestion_ville": texte(checks=parmi(["oui", "non", "non précisé"])),
        "annexe": texte(checks=parmi(["2", "2 bis"])),
        "adresse": texte(False),
        "code_postal": texte(False, checks=motif(r"^\d{5}$", "5 chiffres, par ex. 21000")),
        "commune": texte(False),
        "quartier": texte(False),
        "capacite": pa.Column(
            "Int64",
            nullable=True,
            coerce=True,
            checks=pa.Check.ge(0, error="une capacité ne peut pas être négative"),
        ),
        **SOURCE,
        "note": texte(False),
    },
    strict=True,
    name="equipements",
)

QUARTIERS = pa.DataFrameSchema(
    {
        "id": texte(checks=motif(r"^[a-z0-9-]+$", "minuscules, chiffres et tirets"), unique=True),
        "nom": texte(unique=True),
        "nom_court": texte(),
        "ordre_calendrier": pa.Column("Int64", nullable=True, coerce=True),
        "qpv": texte(checks=parmi(OUI_NON)),
        "code_qpv_2024": texte(False, checks=motif(r"^QN\d{5}[A-Z]$", "code QPV 2024, par ex. QN02103M")),
        "nom_qpv": texte(False),
        "cite_educative": texte(checks=parmi(OUI_NON)),
        **SOURCE,
        "note": texte(False),
    },
    strict=True,
    name="quartiers",
)

CONFIANCES = ["sûr", "probable", "à vérifier"]

JUGEMENT = {
    "confiance": texte(checks=parmi(CONFIANCES)),
    "raison": texte(),
    "auteur": texte(),
    "date": texte(checks=motif(r"^\d{4}-\d{2}-\d{2}$", "date AAAA-MM-JJ")),
}

IRIS_QUARTIERS = pa.DataFrameSchema(
    {
        "code_iris": texte(checks=motif(r"^21231\d{4}$", "code IRIS de Dijon : 21231 suivi de 4 chiffres"), unique=True),
        "nom_iris": texte(),
        "type_iris": texte(checks=parmi(["H", "A", "D"])),
        "grand_quartier": texte(checks=motif(r"^21231\d{2}$", "code de grand quartier INSEE, par ex. 2123118")),
        "nom_grand_quartier": texte(),
        "quartier": texte(),
        **JUGEMENT,
    },
    strict=True,
    name="iris_quartiers",
)

EQUIPEMENTS_QUARTIERS = pa.DataFrameSchema(
    {
        "id": texte(checks=motif(r"^EQ\d{3,}$", "identifiant d'équipement, par ex. EQ012"), unique=True),
        "quartier": texte(),
        **JUGEMENT,
    },
    strict=True,
    name="equipements_quartiers",
)

CITE_EDUCATIVE = pa.DataFrameSchema(
    {
        "id": texte(checks=motif(r"^[a-z0-9_]+$", "minuscules, chiffres et _"), unique=True),
        "libelle": texte(),
        "texte": texte(),
        "valeur": pa.Column(float, nullable=True, coerce=True),
        "unite": texte(False),
        **SOURCE,
        "note": texte(False),
    },
    strict=True,
    name="cite_educative",
)

TYPES_ZONE = ["IRIS", "quartier", "QPV", "commune", "EPCI", "département", "région", "France métropolitaine"]
AGREGATIONS = ["somme", "ratio", "ponderee_population", "non_agregeable"]

SOCIAL = pa.DataFrameSchema(
    {
        "indicateur": texte(checks=motif(r"^[a-z0-9_]+$", "minuscules, chiffres et _")),
        "type_zone": texte(checks=parmi(TYPES_ZONE)),
        "code_zone": texte(),
        "nom_zone": texte(),
        "annee": pa.Column("Int64", coerce=True, checks=pa.Check.in_range(1990, 2100, error="année hors de l'intervalle 1990-2100")),
        "valeur": pa.Column(float, nullable=True, coerce=True),
        "unite": texte(),
        "statut": texte(),
        "source": texte(),  # en mots, pour un lecteur : ni nom de fichier ni code de colonne
        "note": texte(False),
        "source_detail": texte(),  # fichier et colonne lus (ou calcul et fichiers d'origine)
    },
    strict=True,
    unique=["indicateur", "type_zone", "code_zone", "annee"],
    name="social",
)

SOCIAL_INDICATEURS = pa.DataFrameSchema(
    {
        "code": texte(checks=motif(r"^[a-z0-9_]+$", "minuscules, chiffres et _"), unique=True),
        "libelle": texte(),
        "definition": texte(),
        "unite": texte(),
        "agregation": texte(checks=parmi(AGREGATIONS)),
        "numerateur": texte(False),
        "denominateur": texte(False),
        "source": texte(),
        "precautions": texte(False),
        "detail": texte(False),  # détail technique : codes de colonnes, fichiers lus
    },
    strict=True,
    name="social_indicateurs",
)

PRECISIONS_POSITION = ["adresse", "rue", "quartier (approx.)", "inconnue"]
ORIGINES_QUARTIER = ["position", "document", "équipe"]

EQUIPEMENTS_POSITIONS = pa.DataFrameSchema(
    {
        "id": texte(checks=motif(r"^EQ\d{3,}$", "identifiant d'équipement, par ex. EQ012"), unique=True),
        "lat": pa.Column(float, nullable=True, coerce=True, checks=pa.Check.in_range(-90, 90, error="latitude hors de -90 à 90")),
        "lon": pa.Column(float, nullable=True, coerce=True, checks=pa.Check.in_range(-180, 180, error="longitude hors de -180 à 180")),
        "precision": texte(checks=parmi(PRECISIONS_POSITION)),
        "score": pa.Column(float, nullable=True, coerce=True),
        "date_position": texte(False),
        "origine_position": texte(False),
        "code_iris": texte(False),
        "quartier": texte(False),
        "origine_quartier": texte(False, checks=parmi(ORIGINES_QUARTIER)),
        "confiance_quartier": texte(False),
        "raison_quartier": texte(False),
    },
    strict=True,
    name="equipements_positions",
)

# Équipements d'un territoire décrit par ses communes (une intercommunalité qui a ses données dérivées) :
# le fichier que l'équipe remplit à partir du modèle de la page Carte, range dans le dossier du territoire
# (data/territoires/donnees/<id>/) et déclare dans data/territoires/<id>.yaml (« equipements: … »). Lu par
# ``ctg_data.carte_communes.charger_equipements`` (qui vérifie en plus que la commune, nom ou code INSEE, est
# une commune du territoire et que la position est entière et dans le territoire). Noms de colonnes en mots
# simples, sans code : le modèle est ouvert par un lecteur dans son tableur. ``title`` et ``description`` de
# chaque colonne : le mode d'emploi du modèle téléchargeable (une seule définition).
EQUIPEMENTS_TERRITOIRE = pa.DataFrameSchema(
    {
        "nom": pa.Column(str, title="Nom", description="Nom de l'équipement ou du service, tel qu'on le connaît "
                         "localement (obligatoire)."),
        "categorie": pa.Column(str, checks=parmi(CATEGORIES_EQUIPEMENTS), title="Catégorie",
                               description="Une des catégories du tableau de bord, écrite exactement comme dans la "
                               "liste des catégories (obligatoire)."),
        "adresse": pa.Column(str, nullable=True, required=False, title="Adresse",
                             description="Numéro et rue (facultatif)."),
        "commune": pa.Column(str, title="Commune",
                             description="Nom de la commune où se trouve l'équipement, écrit comme dans la liste des "
                             "communes du territoire, ou son code INSEE, par ex. 21295 (obligatoire ; la liste se "
                             "télécharge sous la carte)."),
        "latitude": pa.Column(float, nullable=True, coerce=True, required=False,
                              checks=pa.Check.in_range(-90, 90, error="latitude hors de -90 à 90"), title="Latitude",
                              description="Latitude en degrés décimaux, par ex. 47,2276 (facultative, avec la "
                              "longitude ; sans position, l'équipement est compté et listé sous la carte, jamais "
                              "placé au hasard)."),
        "longitude": pa.Column(float, nullable=True, coerce=True, required=False,
                               checks=pa.Check.in_range(-180, 180, error="longitude hors de -180 à 180"),
                               title="Longitude", description="Longitude en degrés décimaux, par ex. 4,9713 "
                               "(facultative, avec la latitude)."),
        "capacite": pa.Column("Int64", nullable=True, coerce=True, required=False,
                              checks=pa.Check.ge(0, error="une capacité ne peut pas être négative"),
                              title="Capacité (places)", description="Nombre de places, nombre entier (facultatif)."),
        "source": pa.Column(str, title="Source",
                            description="D'où vient la ligne, en mots : document, organisme et année, par ex. "
                            "« Liste des EAJE de la Caf de la Côte-d'Or, 2025 » (obligatoire)."),
        "note": pa.Column(str, nullable=True, required=False, title="Note",
                          description="Précision utile au lecteur (facultative)."),
    },
    strict=True,
    name="equipements_territoire",
)

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "equipements_positions": EQUIPEMENTS_POSITIONS,
    "cite_educative": CITE_EDUCATIVE,
    "social": SOCIAL,
    "social_indicateurs": SOCIAL_INDICATEURS,
    "portrait": PORTRAIT,
    "equipements": EQUIPEMENTS,
    "quartiers": QUARTIERS,
    "iris_quartiers": IRIS_QUARTIERS,
    "equipements_quartiers": EQUIPEMENTS_QUARTIERS,
    "equipements_territoire": EQUIPEMENTS_TERRITOIRE,
}

# Fichiers géographiques (GeoJSON) : propriétés obligatoires de chaque entité.
PROPRIETES_GEO: dict[str, list[str]] = {
    "iris": ["code_iris", "nom_iris", "type_iris"],
    "qpv": ["code_qpv", "nom_qpv", "commune"],
    "quartiers_geo": ["id", "nom", "nb_iris", "nb_iris_a_verifier"],
    # Données dérivées d'un territoire (ctg_data.build_territoires) : ses communes et son contour.
    "communes_geo": ["code", "nom"],
    "contour_geo": ["id", "nom"],
}
