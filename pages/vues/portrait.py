"""Portrait d'un quartier sur une page : équipements, contexte social face au territoire, QPV, Cité
éducative, fiches de la CTG ; à imprimer ou télécharger en PDF."""

import streamlit as st

from ctg_data import equipements as eq
from ctg_data import portrait_quartier as pq
from ctg_data.vocabulaire import DETAIL_SOURCE, source_lisible
from pages import ui
from pages.ui import cache_contexte as cache
from pages.ui import carte_en_cache


if ui.par_communes():  # territoire décrit par ses communes : la page de ses communes (même adresse)
    from pages.communes import portrait as par_communes

    par_communes.afficher()
    st.stop()
if not ui.territoire().carte_et_contexte:
    st.title("Portrait de quartier")  # la page garde son titre quand le territoire n'a pas encore ces données
ui.exiger_donnees_territoriales()

territoire = ui.territoire()
quartier = ui.quartier_selectionne()

brut = ui.nom_brut  # noms venus des données : affichés tels quels, jamais lus comme du Markdown
st.title(f"Portrait de quartier — {brut(quartier)}" if quartier else "Portrait de quartier")
if not quartier:
    st.info("Choisissez un quartier : ici, ou dans la colonne de gauche.", icon=":material/location_city:")
    choix = st.selectbox("Quartier", list(ui.donnees("quartiers").sort_values("nom")["nom"]), index=None, placeholder="Choisir un quartier…", key="portrait_choix")
    if choix:
        ui.choisir_quartier(choix)
        st.rerun()
    st.stop()

# Tout ce qui se calcule est en cache, par (données, magasin, territoire, quartier) et partagé entre
# les sessions : la page ne fait qu'afficher (voir pages/ui/cache_contexte.py).
plan = ui.plan()
empreinte_stockage = ui.empreinte_stockage()
if empreinte_stockage is None:  # base indisponible : l'avertissement de ui.equipements_localises, à chaque exécution
    ui.equipements_localises()
vue = cache.portrait_quartier(cle_donnees=ui.cle_donnees(), empreinte_stockage=empreinte_stockage, id_territoire=territoire.id,
                              quartier=quartier, _sources=cache.Sources(territoire), _equipements=ui.equipements_localises)
fiche_q = vue["fiche"]
comptage = vue["comptage"]

# --- Identité --------------------------------------------------------------------------------
def phrase_identite(b=lambda texte: texte) -> str:
    """La phrase d'identité du quartier ; ``b`` échappe les noms venus des données (page : ``brut`` ;
    PDF : rien, le PDF échappe lui-même)."""
    statut = []
    if fiche_q["qpv"]:
        statut.append(f"contient le quartier prioritaire **{b(fiche_q['nom_qpv'])}** ({b(fiche_q['code_qpv_2024'])})")
    if fiche_q["cite_educative"]:
        statut.append("fait partie du périmètre de la **Cité éducative**")
    return (f"Le quartier {b(quartier)} " + " et ".join(statut) + "." if statut
            else f"Le quartier {b(quartier)} ne contient pas de quartier prioritaire et n'est pas dans la Cité éducative.")


identite = phrase_identite()
contour = (f"Contour reconstitué par l'équipe à partir de {vue['iris'][0]} IRIS de l'INSEE, dont "
           f"{vue['iris'][1]} à vérifier (à valider par la Ville).")
st.markdown(phrase_identite(brut))
st.caption(contour + f" Source du quartier : {brut(source_lisible(fiche_q['source_section']))}.")
with st.expander(DETAIL_SOURCE, icon=":material/description:"):
    st.caption(f"{brut(fiche_q['source_section'])} ({brut(fiche_q['source_fichier'])})")

# --- Équipements -------------------------------------------------------------------------------
st.header("Équipements et services")
st.markdown(vue["phrase_comptage"])
gauche, droite = st.columns([2, 3])
with gauche:
    if comptage.par_categorie.empty:
        st.caption("Aucun équipement rattaché à ce quartier pour l'instant.")
    else:
        # Le sigle d'abord (court), puis le nombre, puis le nom complet : le nombre reste visible sur un
        # téléphone comme dans la colonne étroite d'un écran d'ordinateur.
        st.dataframe(vue["par_categorie"], hide_index=True, width="stretch",
                     column_config={"Catégorie": st.column_config.TextColumn(width=125),
                                    "Nombre": st.column_config.NumberColumn(width=70),
                                    "Libellé": st.column_config.TextColumn("Nom de la catégorie")})
    st.caption(f"Ce qui est compté : {eq.CE_QUI_EST_COMPTE} Rattachement : position géocodée, sinon quartier donné "
               "par le document ou décidé par l'équipe.")
with droite:
    # Le fond ne dépend pas du quartier (seulement des catégories placées) : passer d'un quartier à l'autre
    # remplace sur place son contour, le cadrage et ses équipements, sans recréer le cadre de la carte.
    carte_en_cache.afficher_carte(vue["arguments_carte"], cle_session="portrait-carte")
liste = vue["liste"]
st.caption("La carte en tableau : la liste ci-dessous (équipements du quartier et précision de leur position).")
st.dataframe(vue["liste_arrow"], hide_index=True)
inconnus = vue["inconnus"]
if len(inconnus):
    with st.expander(f"Peut-être dans ce quartier : {len(inconnus)} équipement(s) dont le quartier n'est pas connu"):
        st.markdown("Leur adresse n'est pas encore localisée : ils peuvent se trouver dans ce quartier comme ailleurs. "
                    "Ils ne sont comptés dans aucun quartier.")
        st.dataframe(vue["inconnus_arrow"], hide_index=True)

# --- Contexte social ---------------------------------------------------------------------------
st.header(f"Contexte social, face à {territoire.nom}")
cles = vue["cles"]
court = pq.colonne_courte(territoire.nom)
if vue["pauvrete"] is not None:
    annee_pauvrete, valeur_pauvrete, source_pauvrete, calcul_pauvrete, lignes_qpv = vue["pauvrete"]
    st.metric(f"Taux de pauvreté ({annee_pauvrete})", valeur_pauvrete)
    st.caption(f"Source : {source_pauvrete}. Calcul : {calcul_pauvrete}")
    # Quartier qui contient un QPV : deux chiffres différents, le quartier entier et le périmètre du QPV.
    for ligne in lignes_qpv:
        st.caption(ligne)
# Les nombres d'abord (quartier, puis territoire sans les sources), le texte long ensuite : sur un téléphone
# comme sur un ordinateur portable, les valeurs se lisent sans faire défiler le tableau de côté.
avec_sources = f"{territoire.nom}, avec les sources"
st.dataframe(
    vue["cles_arrow"], hide_index=True, width="stretch", row_height=66, height="content",  # plus de 64 px : le texte passe à la ligne
    column_order=["Indicateur", "Quartier", court, "Année", territoire.nom, "Calcul", "Source"],
    column_config={
        "Indicateur": st.column_config.TextColumn(width=105),
        "Quartier": st.column_config.TextColumn(width=88, help="Valeur du quartier, l'année de la colonne « Année »."),
        court: st.column_config.TextColumn(territoire.nom, width=115,
                                           help=f"Valeurs de {ui.nom_brut(territoire.nom)}, avec leur année ; leurs sources : "
                                           f"colonne « {ui.nom_brut(avec_sources)} »."),
        "Année": st.column_config.NumberColumn(width=48, format="%d"),
        territoire.nom: st.column_config.TextColumn(avec_sources, width="large"),
        "Calcul": st.column_config.TextColumn(width="large"),
        "Source": st.column_config.TextColumn(width="large"),
    },
)
st.caption("Valeur du quartier : regroupement de ses IRIS selon la règle indiquée (colonne « Calcul »), pour "
           "l'année de la colonne « Année ». Une médiane ne se moyenne pas : pour ces indicateurs, la colonne "
           f"« Calcul » donne l'étendue des IRIS. Colonne « {territoire.nom} » : la valeur de chaque source qui en "
           f"donne une, avec son année ; la colonne « {avec_sources} » dit de quelle source vient chacune. Elles ne "
           "se comparent pas directement entre elles (années, champs et unités différents).")
with st.expander(f"Valeurs de {ui.nom_brut(territoire.nom)} et leurs sources", icon=":material/description:"):
    st.markdown("\n".join(f"- **{brut(ligne['Indicateur'])}** : {brut(ligne[territoire.nom])}"
                          for _, ligne in cles.iterrows()))
qpv = vue["qpv"]
if qpv is not None:
    st.subheader(f"Quartier prioritaire {fiche_q['nom_qpv']}")
    st.dataframe(vue["qpv_arrow"], hide_index=True, width="stretch", column_order=["Indicateur", "QPV", "Année", "Source"],
                 column_config={"Indicateur": st.column_config.TextColumn(width=150),
                                "QPV": st.column_config.TextColumn(width=100),
                                "Année": st.column_config.NumberColumn(width=60, format="%d"),
                                "Source": st.column_config.TextColumn(width="large")})
if vue["cite"] is not None:
    st.subheader("Cité éducative")
    st.markdown(vue["cite"])
    st.caption("Source : dossier de la Cité éducative (détail dans « Données et sources »).")

# --- Fiches de la CTG --------------------------------------------------------------------------
st.header("Fiches de la CTG")
ciblees = [f for f in plan.fiches if quartier in f.quartiers]
if ciblees:
    texte_fiches = "\n".join(f"- **{f.id}** — {f.titre}" for f in ciblees)  # pour le PDF (texte échappé par ctg_data.pdf)
    st.markdown("\n".join(f"- **{brut(f.id)}** — {brut(f.titre)}" for f in ciblees))
else:
    texte_fiches = (f"Aucune des {len(plan.fiches)} fiches projet ne vise spécifiquement ce quartier : elles "
                    "s'appliquent à toute la ville (coordination territoriale en 9 quartiers, Annexe 4).")
    st.markdown(texte_fiches)

# --- PDF ---------------------------------------------------------------------------------------
sources = [f"{plan.titre_court} et annexes", "Dossier de la Cité éducative", "INSEE (Filosofi, recensement 2016, contours IRIS 2020 avec l'IGN)",
           "CNAF (allocataires par IRIS)", "ANCT (QPV 2024 et indicateurs QPV)"]
sections = [("Le quartier", identite.replace("**", "") + " " + contour),
            ("Équipements et services", vue["phrase_comptage"]), ("Liste des équipements", liste),
            (f"Contexte social, face à {territoire.nom}", cles.drop(columns=court))]
if qpv is not None and not qpv.empty:
    sections.append((f"Quartier prioritaire {fiche_q['nom_qpv']}", qpv))
sections.append(("Fiches de la CTG", texte_fiches.replace("**", "")))
if st.button("Préparer le PDF (A4)", icon=":material/picture_as_pdf:", key="portrait_pdf_preparer"):
    barre = st.progress(0.3, text="Mise en page du PDF…")
    st.session_state["portrait_pdf_octets"] = (quartier, pq.en_pdf(f"Portrait de quartier — {quartier}", sections, sources))
    barre.progress(1.0, text="PDF prêt.")
if st.session_state.get("portrait_pdf_octets", (None,))[0] == quartier:
    st.download_button("Télécharger le PDF", st.session_state["portrait_pdf_octets"][1],
                       file_name=f"portrait-{fiche_q['id']}.pdf", mime="application/pdf", icon=":material/download:",
                       key="portrait_pdf")
st.caption("Pour imprimer la page elle-même : menu du navigateur, Imprimer (la colonne de gauche n'est pas imprimée).")
