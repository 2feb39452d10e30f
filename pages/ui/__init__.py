"""Aides d'interface des pages, rangées par rôle :

- ``chargement`` : jeux de données, contours, calculs du cœur et magasin, en cache ;
- ``filtres`` : plan suivi et quartier, partagés par toutes les pages et gardés dans l'adresse ;
- ``connexion`` : identité de la session et connexion à l'espace éditeur ;
- ``widgets`` : téléchargements, tableaux, badges, graphiques ;
- ``serveur`` : démarrage du serveur Streamlit (voir sa documentation).

Les pages écrivent ``from pages import ui`` puis ``ui.donnees(...)``, ``ui.plan()``… : les noms publics
des quatre premiers modules sont repris ici. Aucun calcul de données ici : il est dans ``ctg_data``.
"""

from .chargement import (  # noqa: F401
    cartes_chiffres, cle_donnees, cle_fichiers, cle_plans, comparaison_epci_partagee,
    arreter_sur_erreur, calcul, catalogue, comparaison_epci, chemin_donnees, communes_du_territoire, contours,
    contours_du_territoire, donnees, social_du_territoire, empreinte_fichiers,
    empreinte_stockage, equipements_localises, fichier_donnees, origines_chiffres, plans, reference_chiffres, stockage, territoires, valeurs_saisies,
    verifier_jeu,
)
from .connexion import (  # noqa: F401
    CLE_IDENTITE, bloc_connexion, demander_connexion, erreur_ecriture, identite, journal_des_connexions, oidc_configure,
)
from .filtres import (  # noqa: F401
    CLE_PLAN, CLE_QUARTIER, choisir_commune, choisir_commune_au_clic, choisir_quartier, commune_selectionnee, exiger_donnees_territoriales,
    filtre_plan, par_communes, territoire_demande,
    filtres_partages, plan, quartier_selectionne, sous_zones_du_territoire, territoire,
)
from .widgets import (  # noqa: F401
    afficher_spec, altair, badge, copie_spec, echapper, spec_graphique, tableau_arrow, en_tableau, erreur_inattendue, geocoder_equipements, nom_brut, telechargements,
    texte_brut, valeur_actuelle,
)  # noqa: F401
