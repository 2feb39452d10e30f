"""Mode séminaire : le tableau de bord projeté, une idée par écran, grands caractères, fort contraste.
Flèches du clavier (← →) ou boutons pour avancer ; aucune barre latérale ni menu de Streamlit."""

import streamlit as st
from streamlit_folium import st_folium

from ctg_data import carte as cartes
from ctg_data import seminaire as sem
from ctg_data.erreurs import ErreurDonnees
from ctg_data import equipements as eq
from ctg_data import vues_plan
from pages import ui


# Présentation : ni barre latérale, ni en-tête, texte grand et contrasté, page entière utilisée.
st.html("""<style>
[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'], [data-testid='stHeader'],
[data-testid='stToolbar'], [data-testid='stDecoration'] { display: none !important; }
[data-testid='stMainBlockContainer'] { padding: 1.5rem 3rem 1rem 3rem !important; max-width: 100% !important; }
[data-testid='stMain'] h1 { font-size: 3.2rem !important; color: #000091 !important; line-height: 1.15 !important; }
[data-testid='stMain'] .diapo-sous-titre { font-size: 1.9rem; color: #161616; margin: 0 0 1rem 0; }
[data-testid='stMain'] .diapo-points li { font-size: 1.75rem; line-height: 1.45; color: #000000; margin-bottom: .35rem; }
[data-testid='stMain'] .diapo-source { font-size: 1.05rem; color: #3A3A3A; margin-top: 1rem; }
</style>""")

plan = ui.plan()
territoire = ui.territoire()
try:
    deck = sem.charger_deck()
except ErreurDonnees as e:
    ui.arreter_sur_erreur(e)


def construire_diapositives():
    courantes, manuels, _ = ui.valeurs_saisies(plan.id)
    statuts = vues_plan.statuts_du_plan(plan, territoire, courantes, manuels)  # comme la page « Plan d'actions »
    if territoire.carte_et_contexte:
        equipements = ui.equipements_localises()
        cartes_chiffres = ui.cartes_chiffres(territoire.id)
        return equipements, sem.construire(deck, plan, statuts, cartes_chiffres, ui.donnees("quartiers"), equipements,
                                           ui.donnees("social"), territoire)
    import pandas as pd

    return pd.DataFrame(), sem.construire(deck, plan, statuts, [], pd.DataFrame(), pd.DataFrame(), pd.DataFrame(),
                                          territoire)


# Passer d'une diapositive à l'autre ne refait pas tout le diaporama : il est gardé dans la session
# tant que ni les fichiers de données, ni le plan, ni la base (nouvelle saisie) n'ont changé. Base
# indisponible : toujours recalculé (l'avertissement reste affiché).
cle = (plan.id, id(plan), ui.empreinte_fichiers(), ui.empreinte_stockage())
memoire = st.session_state.get("_seminaire_diapositives")
if cle[-1] is None or memoire is None or memoire[0] != cle:
    memoire = (cle, construire_diapositives())
    st.session_state["_seminaire_diapositives"] = memoire
equipements, diapos = memoire[1]

n = len(diapos)
i = min(max(st.session_state.get("diapo", 0), 0), n - 1)
d = diapos[i]

# --- Commandes ---------------------------------------------------------------------------------
haut = st.columns([1, 1, 6, 2, 2])
if haut[0].button("◀ Précédente", key="diapo_precedente", disabled=i == 0):
    st.session_state["diapo"] = i - 1
    st.rerun()
if haut[1].button("Suivante ▶", key="diapo_suivante", disabled=i == n - 1):
    st.session_state["diapo"] = i + 1
    st.rerun()
haut[2].markdown(f"<div style='font-size:1.2rem;padding-top:.4rem' data-testid='compteur-diapo'>{i + 1} / {n}</div>",
                 unsafe_allow_html=True)
if haut[3].button("Exporter en PDF", key="diapo_pdf_preparer", icon=":material/picture_as_pdf:"):
    barre = st.progress(0.3, text="Mise en page des diapositives…")
    st.session_state["seminaire_pdf"] = sem.en_pdf(diapos, f"{deck.get('titre')} — {plan.titre_court}")
    barre.empty()
if st.session_state.get("seminaire_pdf"):
    haut[3].download_button("Télécharger le PDF", st.session_state["seminaire_pdf"], file_name="seminaire-ctg.pdf",
                            mime="application/pdf", key="diapo_pdf")
haut[4].page_link("pages/vues/accueil.py" if territoire.carte_et_contexte else "pages/vues/plan.py", label="Quitter la présentation",
                  icon=":material/close:")

# Flèches du clavier : un petit script dans la page cliquera sur les boutons (une seule fois par onglet).
st.iframe("""<script>
const doc = window.parent.document;
if (!doc.ctgClavier) {
  doc.ctgClavier = true;
  doc.addEventListener("keydown", (e) => {
    const cible = e.target && e.target.tagName;
    if (["INPUT", "TEXTAREA", "SELECT"].includes(cible)) return;
    const texte = (e.key === "ArrowRight" || e.key === "PageDown") ? "Suivante" : (e.key === "ArrowLeft" || e.key === "PageUp") ? "Précédente" : null;
    if (!texte) return;
    e.preventDefault();
    // Pendant qu'une diapositive se calcule, on attend (un clic à ce moment-là pourrait se perdre).
    const cliquer = (essais) => {
      if (doc.querySelector("[data-testid='stStatusWidget']") && essais > 0) {
        setTimeout(() => cliquer(essais - 1), 200);
        return;
      }
      const bouton = [...doc.querySelectorAll("button")].find((b) => b.innerText.includes(texte) && !b.disabled);
      if (bouton) bouton.click();
    };
    cliquer(50);
  });
}
</script>""", height=1)

# --- Diapositive ------------------------------------------------------------------------------
st.title(ui.nom_brut(d.titre))
if d.sous_titre:
    st.markdown(f"<p class='diapo-sous-titre'>{ui.echapper(d.sous_titre)}</p>", unsafe_allow_html=True)
if d.type == "carte":
    montres = eq.filtrer(equipements)  # les équipements comptés (ni postes, ni fermés), comme partout
    quartiers = ui.donnees("quartiers")
    st_folium(cartes.construire_carte(montres, ui.contours("quartiers_geo"), ui.contours("qpv"), None,
                                      quartiers_cite_educative=list(quartiers.loc[quartiers["cite_educative"], "nom"]),
                                      hauteur_px=640),
              height=640, use_container_width=True, returned_objects=[], key="diapo-carte")
    places = montres[montres["lat"].notna()]
    ui.en_tableau(
        places[["nom", "categorie", "quartier", "precision"]].fillna("non connu").rename(columns={
            "nom": "Nom", "categorie": "Catégorie", "quartier": "Quartier", "precision": "Position"}),
        f"La carte en tableau : les {len(places)} équipements placés",
    )
if d.points:
    st.markdown("<ul class='diapo-points'>" + "".join(f"<li>{ui.echapper(p)}</li>" for p in d.points) + "</ul>",
                unsafe_allow_html=True)
if d.source:
    st.markdown(f"<p class='diapo-source'>Source : {ui.echapper(d.source)}</p>", unsafe_allow_html=True)
