"""Plan d'actions : axes -> fiches projet -> indicateurs, statuts, graphiques et historique.

La page lit l'état (plan, territoire, sous-zone, valeurs saisies, filtres), demande la synthèse au
cœur (``ctg_data.vues_plan``) et l'affiche ; aucune règle n'est calculée ici."""

import streamlit as st

from ctg_data import suivi
from ctg_data import vues_plan as vp
from ctg_data.plan import A_DEFINIR
from ctg_data.suivi import REGLE_ROLLUP
from ctg_data.vocabulaire import DETAIL_SOURCE, LIBELLES_STATUTS, Statut
from pages import ui
from pages.ui import cache_plan


brut = ui.texte_brut  # tout texte venu des données ou d'une saisie s'affiche tel quel

plan = ui.plan()
territoire = ui.territoire()
quartier = ui.quartier_selectionne()

st.title(f"Plan d'actions — {ui.nom_brut(plan.titre_court)}")
st.caption(f"{brut(plan.titre)}. Source : " + " ; ".join(dict.fromkeys(brut(vp.texte_lisible(s.section)) for s in plan.sources)))
with st.expander(DETAIL_SOURCE, icon=":material/description:"):
    st.caption(" ; ".join(f"{brut(s.section)} ({brut(s.fichier)})" for s in plan.sources))

# --- Filtres ---------------------------------------------------------------------------------
TOUS = "Tous les axes"
c1, c2 = st.columns([2, 3])
choix_axe = c1.selectbox(
    "Axe", [TOUS, *[a.id for a in plan.axes]],
    format_func=lambda a: a if a == TOUS else vp.libelle_axe(plan.axe(a).numero, plan.axe(a).titre),
    key="plan_axe",
)
choix_statuts = c2.multiselect("Statut des indicateurs", LIBELLES_STATUTS, default=LIBELLES_STATUTS, key="plan_statuts",
                               placeholder="Choisir un ou plusieurs statuts…")
if quartier:
    singulier = territoire.sous_zones.singulier if territoire.sous_zones else "quartier"
    tout_le_territoire = territoire.libelle_tout[0].lower() + territoire.libelle_tout[1:]
    st.info(
        f"{singulier.capitalize()} **{brut(quartier)}** : seules les valeurs saisies pour ce {singulier} sont prises "
        f"en compte, et seules les fiches qui le concernent (ou qui concernent {brut(tout_le_territoire)}) sont listées.",
        icon=":material/location_on:",
    )

# Synthèse, graphique et séries de contexte : calculés une fois par filtre, fichiers et état du magasin (une
# valeur saisie change la clé), partagés entre sessions (``pages.ui.cache_plan``).
vue = cache_plan.vue_plan(plan, territoire, axe=None if choix_axe == TOUS else choix_axe,
                          statuts_choisis=choix_statuts, sous_zone=quartier,
                          avec_contexte=any(a.contexte for a in plan.axes), avec_tableau=True)
resume = vue.resume
affichage = vue.affichage  # textes et tableaux déjà prêts (``cache_plan.AffichagePlan``)

st.markdown("**Statuts des indicateurs**\n" + "".join(f"\n- {ui.badge(libelle)} {sens}" for libelle, sens in vp.legende_statuts()))
with st.expander("Comment les statuts sont calculés", icon=":material/rule:"):
    st.markdown(suivi.__doc__.split("Règles (affichées telles quelles sur la page « Plan d'actions ») :")[1])
    if resume.aucune_valeur:
        st.markdown(f"**Aucune valeur n'a encore été saisie** : tout est « {Statut.A_RENSEIGNER.libelle} ».")

# --- Synthèse par axe ------------------------------------------------------------------------
st.header("Synthèse par axe")
if resume.synthese_axes.empty:
    st.caption("Ce plan n'a pas d'indicateur : aucun statut à calculer (chaque fiche dit pourquoi ci-dessous).")
else:
    # Le statut de l'axe et la répartition de ses indicateurs (les mêmes nombres, en une phrase qui passe à la
    # ligne) juste après l'axe : lisibles sur un téléphone sans faire défiler le tableau de côté.
    st.dataframe(
        affichage.synthese, hide_index=True, width="stretch", row_height=66, height="content",
        column_order=["Axe", "Statut de l'axe", "Répartition", "Indicateurs", "Renseignés", *LIBELLES_STATUTS],
        column_config={"Axe": st.column_config.TextColumn(width=100),
                       "Statut de l'axe": st.column_config.TextColumn(width=90),
                       "Répartition": st.column_config.TextColumn(width=165, help="Nombre d'indicateurs de l'axe par statut."),
                       **{c: st.column_config.NumberColumn(width=78) for c in ("Indicateurs", "Renseignés", *LIBELLES_STATUTS)}},
    )
    st.caption(REGLE_ROLLUP)
    cache_plan.afficher_graphique(vue)
    st.caption("Le graphique en chiffres : le tableau de synthèse ci-dessus.")

# --- Arbre axes -> fiches -> indicateurs -----------------------------------------------------
st.header("Axes, fiches projet et indicateurs")

# Par axe : statut, axes stratégiques, fiches et leurs indicateurs, séries de contexte ; les paragraphes qui se
# suivent partent en un seul st.markdown, une légende (st.caption) entre deux (``cache_plan._blocs_axe``).
for titre_axe, blocs in affichage.axes:
    with st.expander(titre_axe, expanded=choix_axe != TOUS):
        for genre, texte in blocs:
            if genre == "legende":
                st.caption(texte)
            else:
                st.markdown(texte)

# --- Détail d'une fiche ----------------------------------------------------------------------
st.header("Détail d'une fiche projet")
if not resume.fiches:
    st.caption("Aucune fiche pour ces filtres.")
    st.stop()
id_fiche = st.selectbox("Fiche", [f.id for f in resume.fiches], format_func=lambda f: f"{f} — {plan.fiche(f).titre}",
                        key="plan_fiche")
fiche = plan.fiche(id_fiche)


def liste(titre: str, elements: list[str]) -> str:
    return f"**{titre}**\n" + "".join(f"\n- {brut(e)}" for e in elements) if elements else f"**{titre}** : {A_DEFINIR}"


gauche, droite = st.columns(2)
with gauche:
    st.markdown(liste("Objectifs stratégiques", fiche.objectifs_strategiques))
    if fiche.objectifs_operationnels:
        st.markdown(liste("Objectifs opérationnels", fiche.objectifs_operationnels))
with droite:
    st.markdown(liste("Résultats attendus", fiche.resultats_attendus))
    st.markdown(f"**Pilote** : {brut(fiche.pilote or A_DEFINIR)}  \n"
                f"**Partenaires** : {brut(', '.join(fiche.partenaires) or A_DEFINIR)}")
st.caption(f"Source : {brut(vp.texte_lisible(fiche.source.section))}")
with st.expander(DETAIL_SOURCE, icon=":material/description:"):
    st.caption(f"{brut(fiche.source.section)} ({brut(fiche.source.fichier)})" + (f" — {brut(fiche.note)}" if fiche.note else ""))
    if fiche.sans_indicateur and vp.texte_lisible(fiche.sans_indicateur) != fiche.sans_indicateur:
        st.caption(f"Sans indicateur, avec les lignes du fichier source : {brut(fiche.sans_indicateur)}")

if not fiche.indicateurs:
    # La raison sans les numéros de ligne du fichier source (ils restent dans le dépliant ci-dessus).
    st.info(brut(vp.texte_lisible(fiche.sans_indicateur)), icon=":material/info:")
    st.stop()

# Après l'indicateur : sa dernière valeur, sa cible et son statut (lisibles sur un téléphone), puis le reste.
st.dataframe(
    vue.tableau_fiche_affiche(fiche.id), hide_index=True, width="stretch", row_height=66, height="content",
    column_order=["Indicateur", "Dernière valeur", "Cible", "Statut", "Période", "Unité", "Référence", "Sens", "Pilote",
                  "Fréquence", "Prochaine échéance", "Source"],
    column_config={"Indicateur": st.column_config.TextColumn(width=100),
                   "Dernière valeur": st.column_config.TextColumn(width=95),
                   "Cible": st.column_config.TextColumn(width=70), "Statut": st.column_config.TextColumn(width=90),
                   "Période": st.column_config.TextColumn(width=110)},
)

libelles = dict(affichage.indicateurs.get(fiche.id, ()))
id_indicateur = st.selectbox("Indicateur à détailler", list(libelles), format_func=libelles.__getitem__,
                             key="plan_indicateur")
ind = affichage.details[(fiche.id, id_indicateur)]
# Valeurs chiffrées (graphique, tableau) et historique : lus une fois par état du magasin, partagés.
detail = cache_plan.detail_indicateur(vue, plan, id_indicateur, ind["unite"], ind["cible"], ind["reference"])
if detail.valeurs.empty:
    st.caption("Pas encore de valeur chiffrée pour cet indicateur : rien à tracer.")
else:
    cache_plan.afficher_valeurs_indicateur(detail)
    st.caption("Trait pointillé vert : cible ; gris : référence (quand le plan les fixe).")
    ui.en_tableau(detail.valeurs, "Le graphique en tableau")

st.subheader("Historique des saisies")
h = detail.historique
if h.empty:
    st.caption("Aucune saisie pour cet indicateur.")
else:
    st.dataframe(h, hide_index=True)
if isinstance(ind["statut_manuel_par"], str):
    st.caption(f"Statut fixé à la main par {brut(ind['statut_manuel_par'])} : {brut(ind['statut_manuel_motif'])}")
