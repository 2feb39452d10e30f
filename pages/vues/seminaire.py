"""Mode séminaire : le tableau de bord projeté, une idée par écran, grands caractères, fort contraste.
Flèches du clavier (← →) ou boutons pour avancer ; aucune barre latérale ni menu de Streamlit."""

import streamlit as st
from streamlit_folium import st_folium

from ctg_data import carte as cartes
from ctg_data import couleurs
from ctg_data import seminaire as sem
from ctg_data.erreurs import ErreurDonnees
from ctg_data import equipements as eq
from ctg_data import vues_plan
from ctg_data.vocabulaire import precision_lisible
from pages import ui


# Présentation : ni barre latérale, ni en-tête, texte grand et contrasté, page entière utilisée.
st.html("""<style>
[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'], [data-testid='stHeader'],
[data-testid='stToolbar'], [data-testid='stDecoration'] { display: none !important; }
[data-testid='stMainBlockContainer'] { padding: 1rem 3rem .5rem 3rem !important; max-width: 100% !important; }
[data-testid='stMain'] h1 { font-size: clamp(2.2rem, 3.4vw, 4rem) !important; color: #000091 !important;
  line-height: 1.15 !important; white-space: normal !important; overflow-wrap: break-word; hyphens: manual;
  overflow: visible !important; text-overflow: clip !important; padding: .2rem 0 .4rem 0 !important; }
[data-testid='stMain'] h1 span { white-space: normal !important; overflow: visible !important; }
[data-testid='stMain'] .diapo-corps { display: flex; flex-direction: column; min-height: calc(100vh - 15rem); }
[data-testid='stMain'] .diapo-corps.avec-carte { min-height: 0; }
[data-testid='stMain'] .diapo-sous-titre { font-size: clamp(2rem, 2.2vw, 2.6rem); color: #161616; margin: 0 0 1rem 0; }
[data-testid='stMain'] .diapo-points { margin: auto 0; padding-left: 2.5rem; }
[data-testid='stMain'] .diapo-points li { font-size: clamp(2rem, 2.1vw, 2.6rem); line-height: 1.35; color: #000000;
  margin-bottom: .6rem; overflow-wrap: break-word; }
[data-testid='stMain'] .diapo-tableau { border-collapse: collapse; margin: auto 0 1rem 0; width: 100%; }
[data-testid='stMain'] .diapo-tableau th, [data-testid='stMain'] .diapo-tableau td {
  font-size: clamp(1.2rem, 1.72vw, 2.4rem); padding: .15rem .6rem; border-bottom: 1px solid #929292; color: #000;
  line-height: 1.3; }
[data-testid='stMain'] .diapo-tableau th { background: #000091; color: #fff; font-weight: 700; vertical-align: bottom;
  text-align: left; }
[data-testid='stMain'] .diapo-tableau td.nombre, [data-testid='stMain'] .diapo-tableau th.nombre { text-align: right; }
[data-testid='stMain'] .diapo-tableau tr:nth-child(even) td { background: FOND_ALTERNE; }
[data-testid='stMain'] .diapo-corps.avec-tableau ul.diapo-points { margin: 0 !important; padding-left: 0 !important; }
[data-testid='stMain'] .diapo-corps.avec-tableau ul.diapo-points li { margin-left: 0 !important; }
[data-testid='stMain'] .diapo-corps.avec-tableau .diapo-points li { font-size: clamp(1.2rem, 1.72vw, 2.4rem); list-style: none; }
[data-testid='stMain'] .diapo-source { font-size: clamp(1.25rem, 1.3vw, 1.6rem); color: #3A3A3A; margin: 1rem 0 0 0; }
[data-testid='stMain'] .st-key-diapo-commandes button p { white-space: nowrap; font-size: 1.1rem; }
[data-testid='stMain'] [data-testid='compteur-diapo'] { font-size: 1.4rem; padding-top: .3rem; white-space: nowrap; }
</style>""".replace("FOND_ALTERNE", couleurs.FOND_ALTERNE))

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


def aller_a(k: int) -> None:
    """La diapositive courante est dans l'adresse (?diapo=3, comptée à partir de 1) : un rechargement
    ou un lien partagé rouvre la même diapositive."""
    st.query_params["diapo"] = str(min(max(k, 0), n - 1) + 1)


demande = st.query_params.get("diapo", "")
i = min(max(int(demande) - 1, 0), n - 1) if demande.isdigit() else 0
if demande != str(i + 1):
    aller_a(i)  # numéro absent, illisible ou hors du diaporama : l'adresse dit la diapositive montrée
d = diapos[i]

# --- Commandes ---------------------------------------------------------------------------------
with st.container(key="diapo-commandes"):
    haut = st.columns([1.35, 1.25, 2.6, 2.2, 2.4], vertical_alignment="center")
if haut[0].button("◀ Précédente", key="diapo_precedente", disabled=i == 0):
    aller_a(i - 1)
    st.rerun()
if haut[1].button("Suivante ▶", key="diapo_suivante", disabled=i == n - 1):
    aller_a(i + 1)
    st.rerun()
haut[2].markdown(f"<div data-testid='compteur-diapo'>{i + 1} / {n}</div>", unsafe_allow_html=True)
if haut[3].button("Exporter en PDF", key="diapo_pdf_preparer", icon=":material/picture_as_pdf:"):
    barre = st.progress(0.3, text="Mise en page des diapositives…")
    carte_pdf = None
    if territoire.carte_et_contexte:  # la carte dessinée sans internet, sur la page de sa diapositive
        quartiers_pdf = ui.donnees("quartiers")
        qg, qpv_g, montres_pdf = ui.contours("quartiers_geo"), ui.contours("qpv"), eq.filtrer(equipements)
        cite_pdf = list(quartiers_pdf.loc[quartiers_pdf["cite_educative"], "nom"])

        def carte_pdf(largeur, hauteur):
            return sem.dessin_carte(qg, qpv_g, montres_pdf, largeur, hauteur, cite_pdf)
    st.session_state["seminaire_pdf"] = sem.en_pdf(diapos, f"{deck.get('titre')} — {plan.titre_court}", carte=carte_pdf)
    barre.empty()
if st.session_state.get("seminaire_pdf"):
    haut[3].download_button("Télécharger le PDF", st.session_state["seminaire_pdf"], file_name="seminaire-ctg.pdf",
                            mime="application/pdf", key="diapo_pdf")
haut[4].page_link("pages/vues/accueil.py" if territoire.carte_et_contexte else "pages/vues/plan.py", label="Quitter la présentation",
                  icon=":material/close:")

# Flèches du clavier, Page précédente / Page suivante (celles d'une télécommande de présentation) : un
# petit script cliquera sur les boutons (installé une fois par onglet). Il écoute la page et aussi
# chaque cadre de la même origine (la carte folium, qui prend le focus quand on clique dessus) : après
# un clic sur la carte, les touches changent toujours de diapositive au lieu de déplacer la carte.
st.iframe("""<script>
const hote = window.parent;
const doc = hote.document;
if (!doc.ctgClavier) {
  doc.ctgClavier = true;
  const touche = (e) => {
    const cible = e.target && e.target.tagName;
    if (["INPUT", "TEXTAREA", "SELECT"].includes(cible)) return;
    const texte = (e.key === "ArrowRight" || e.key === "PageDown") ? "Suivante"
      : (e.key === "ArrowLeft" || e.key === "PageUp") ? "Précédente" : null;
    if (!texte) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    // Pendant qu'une diapositive se calcule, on attend (un clic à ce moment-là pourrait se perdre).
    const cliquer = (essais) => {
      if (doc.querySelector("[data-testid='stStatusWidget']") && essais > 0) {
        hote.setTimeout(() => cliquer(essais - 1), 200);
        return;
      }
      const bouton = [...doc.querySelectorAll("button")].find((b) => b.innerText.includes(texte) && !b.disabled);
      if (bouton) { bouton.click(); }
    };
    cliquer(50);
  };
  doc.addEventListener("keydown", touche);
  const ecouterLesCadres = (racine) => {
    for (const cadre of racine.querySelectorAll("iframe")) {
      let w;
      try { w = cadre.contentWindow; w.document; } catch (err) { continue; }  // autre origine : ignoré
      if (!w) continue;
      if (!w.ctgClavier) { w.ctgClavier = true; w.addEventListener("keydown", touche, true); }
      try { ecouterLesCadres(w.document); } catch (err) {}
    }
  };
  // La carte réduite à la hauteur de l'écran (ses 640 px ne tiennent pas sur un écran de 768 px) : le cadre et la
  // carte qu'il contient, puis Leaflet recalcule sa taille (événement resize).
  const ajusterLaCarte = () => {
    const cadre = doc.querySelector('iframe[title="streamlit_folium.st_folium"]');
    if (!cadre) return;
    let w;
    try { w = cadre.contentWindow; w.document.body; } catch (err) { return; }
    const haut = cadre.getBoundingClientRect().top + hote.scrollY;
    const voulu = Math.round(Math.max(300, Math.min(640, hote.innerHeight - haut - 150)));
    if (cadre.dataset.ctgHauteur === String(voulu)) return;
    const avant = cadre.dataset.ctgHauteur;
    cadre.dataset.ctgHauteur = String(voulu);
    if (!avant && voulu === 640) return;  // la hauteur prévue tient : rien à changer
    cadre.style.height = voulu + "px";
    let style = w.document.getElementById("ctg-hauteur");
    if (!style) { style = w.document.createElement("style"); style.id = "ctg-hauteur"; w.document.head.appendChild(style); }
    style.textContent = `#root, #parent, .float-child, #map_div { height: ${voulu}px !important; }`;
    w.dispatchEvent(new w.Event("resize"));
  };
  hote.setInterval(() => { ecouterLesCadres(doc); ajusterLaCarte(); }, 400);
}
</script>""", height=1)

# --- Diapositive ------------------------------------------------------------------------------
# Le corps (sous-titre, points, source) est un seul bloc qui occupe la hauteur de l'écran : points
# centrés verticalement, source en bas.
st.title(ui.nom_brut(d.titre))
sous_titre = f"<p class='diapo-sous-titre'>{ui.echapper(d.sous_titre)}</p>" if d.sous_titre else ""
points = ("<ul class='diapo-points'>" + "".join(f"<li>{ui.echapper(p)}</li>" for p in d.points) + "</ul>"
          if d.points else "")
source = f"<p class='diapo-source'>Source : {ui.echapper(d.source)}</p>" if d.source else ""
if d.type == "carte":
    if sous_titre:
        st.markdown(sous_titre, unsafe_allow_html=True)
    montres = eq.filtrer(equipements)  # les équipements comptés (ni postes, ni fermés), comme partout
    quartiers = ui.donnees("quartiers")
    st_folium(cartes.construire_carte(montres, ui.contours("quartiers_geo"), ui.contours("qpv"), None,
                                      quartiers_cite_educative=list(quartiers.loc[quartiers["cite_educative"], "nom"]),
                                      hauteur_px=640),
              height=640, use_container_width=True, returned_objects=[], key="diapo-carte")
    places = montres[montres["lat"].notna()]
    ui.en_tableau(
        places[["nom", "categorie", "quartier", "precision"]].assign(
            precision=places["precision"].map(precision_lisible)).fillna("non connu").rename(columns={
            "nom": "Nom", "categorie": "Catégorie", "quartier": "Quartier", "precision": "Position"}),
        f"La carte en tableau : les {len(places)} équipements placés",
    )
    if points or source:
        st.markdown(f"<div class='diapo-corps avec-carte'>{points}{source}</div>", unsafe_allow_html=True)
elif d.tableau is not None:
    # Diapositive comparative : un tableau lisible de loin (nombres alignés à droite).
    def classe(colonne: str) -> str:
        return "" if colonne == "Quartier" or colonne.startswith("Pauvreté") else " class='nombre'"

    entete = "".join(f"<th{classe(c)}>{ui.echapper(c)}</th>" for c in d.tableau.columns)
    lignes = "".join("<tr>" + "".join(f"<td{classe(c)}>{ui.echapper(v)}</td>" for c, v in zip(d.tableau.columns, ligne))
                     + "</tr>" for ligne in d.tableau.itertuples(index=False))
    st.markdown(f"<div class='diapo-corps avec-tableau'>{sous_titre}<table class='diapo-tableau'><thead><tr>{entete}"
                f"</tr></thead><tbody>{lignes}</tbody></table>{points}{source}</div>", unsafe_allow_html=True)
else:
    st.markdown(f"<div class='diapo-corps'>{sous_titre}{points}{source}</div>", unsafe_allow_html=True)
