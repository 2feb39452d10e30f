"""Mode séminaire : le tableau de bord projeté, une idée par écran, grands caractères, fort contraste.
Flèches du clavier (← →) ou boutons pour avancer ; aucune barre latérale ni menu de Streamlit."""

import datetime as dt

import streamlit as st
from streamlit_folium import st_folium

from ctg_data import carte as cartes
from ctg_data import couleurs
from ctg_data import seminaire as sem
from ctg_data import seminaire_communes as sc
from ctg_data.acces import StockageIndisponible
from ctg_data.erreurs import ErreurDonnees
from ctg_data import equipements as eq
from ctg_data import vues_plan
from ctg_data.vocabulaire import precision_lisible
from pages import ui


# Présentation : ni barre latérale, ni en-tête, texte grand et contrasté. La diapositive est dessinée pour
# 1920×1080 (tailles en pixels de cet écran) ; sur un autre écran (1366×768…), elle est agrandie ou réduite
# d'un bloc (``transform: scale``, facteur réglé par le petit script plus bas) : elle garde sa mise en page.
st.html("""<style>
[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'], [data-testid='stHeader'],
[data-testid='stToolbar'], [data-testid='stDecoration'] { display: none !important; }
[data-testid='stMainBlockContainer'] { padding: 12px 48px 0 48px !important; width: 1920px !important;
  max-width: none !important; min-width: 1920px !important; height: 1080px !important; min-height: 1080px !important;
  max-height: 1080px !important; overflow: hidden;
  transform: scale(var(--ctg-zoom, 1)); transform-origin: 0 0;
  margin-left: max(0px, calc((100vw - 1920px * var(--ctg-zoom, 1)) / 2)) !important; }
[data-testid='stMain'] { overflow: clip !important; align-items: flex-start !important; }
/* Un volet « … en tableau » ouvert : la page défile de nouveau, pour lire tout le tableau. */
[data-testid='stMain']:has([data-testid='stExpander'] details[open]) { overflow: auto !important; }
[data-testid='stMainBlockContainer']:has([data-testid='stExpander'] details[open]) { height: auto !important;
  max-height: none !important; overflow: visible !important; }  /* rien à faire défiler : la diapositive tient à l'écran */
[data-testid='stMain'] h1 { font-size: 58px !important; color: #000091 !important;
  line-height: 1.12 !important; white-space: normal !important; overflow-wrap: break-word; hyphens: manual;
  overflow: visible !important; text-overflow: clip !important; padding: 4px 0 8px 0 !important; }
[data-testid='stMain'] h1 span { white-space: normal !important; overflow: visible !important; }
[data-testid='stMain'] .diapo-sous-titre { font-size: 36px; color: #161616; margin: 0 0 16px 0; line-height: 1.3; }
[data-testid='stMain'] .diapo-points { margin: 8px 0 0 0; padding-left: 40px; }
[data-testid='stMain'] .diapo-points li { font-size: 34px; line-height: 1.35; color: #000000;
  margin-bottom: 8px; overflow-wrap: break-word; }
[data-testid='stMain'] .diapo-sources li { font-size: 38px; line-height: 1.3; margin-bottom: 18px; }
[data-testid='stMain'] [data-testid='stElementToolbar'] { display: none !important; }
[data-testid='stMain'] iframe[title="streamlit_folium.st_folium"] { width: 100% !important; }
[data-testid='stMain'] .diapo-manque { font-size: 32px; color: #3A3A3A; margin: 18px 0 0 0; }
[data-testid='stMain'] .diapo-source { font-size: 22px; color: #3A3A3A; margin: 10px 0 0 0; line-height: 1.3; }
[data-testid='stMain'] .diapo-chiffres { display: grid; gap: 28px 36px; margin: 8px 0 0 0; }
[data-testid='stMain'] .diapo-chiffre { border-left: 6px solid #000091; padding: 4px 0 4px 22px; }
[data-testid='stMain'] .diapo-chiffre .libelle { font-size: 34px; font-weight: 700; line-height: 1.2; color: #161616;
  margin: 0; }
[data-testid='stMain'] .diapo-chiffre .valeur { font-size: 84px; font-weight: 700; line-height: 1.1; color: #000091;
  margin: 6px 0 8px 0; white-space: nowrap; }
[data-testid='stMain'] .diapo-chiffres.serres .valeur { font-size: 76px; margin: 2px 0 4px 0; }
[data-testid='stMain'] .diapo-chiffres.grands .libelle { font-size: 40px; }
[data-testid='stMain'] .diapo-chiffres.grands .valeur { font-size: 112px; margin: 12px 0 16px 0; }
[data-testid='stMain'] .diapo-chiffres.grands .comparaison { font-size: 36px; margin-bottom: 8px; }
[data-testid='stMain'] .diapo-chiffres.grands .diapo-source { font-size: 24px; margin-top: 16px; }
[data-testid='stMain'] .diapo-corps.plein { display: flex; flex-direction: column; min-height: 800px; }
[data-testid='stMain'] .diapo-corps.plein .diapo-chiffres { margin: auto 0; }
[data-testid='stMain'] .diapo-chiffre .comparaison { font-size: 32px; line-height: 1.25; color: #000; margin: 0 0 4px 0; }
[data-testid='stMain'] .diapo-chiffre .diapo-source { margin-top: 8px; }
[data-testid='stMain'] .diapo-tableau { border-collapse: collapse; margin: 8px 0 16px 0; width: 100%; }
[data-testid='stMain'] .diapo-tableau th, [data-testid='stMain'] .diapo-tableau td {
  font-size: 33px; padding: 3px 12px; border-bottom: 1px solid #929292; color: #000; line-height: 1.3; }
[data-testid='stMain'] .diapo-tableau th { background: #000091; color: #fff; font-weight: 700; vertical-align: bottom;
  text-align: left; }
[data-testid='stMain'] .diapo-tableau td.nombre, [data-testid='stMain'] .diapo-tableau th.nombre { text-align: right; }
[data-testid='stMain'] .diapo-tableau tr:nth-child(even) td { background: FOND_ALTERNE; }
[data-testid='stMain'] .avec-tableau ul.diapo-points { margin: 0 !important; padding-left: 0 !important; }
[data-testid='stMain'] .avec-tableau .diapo-points li { font-size: 32px; list-style: none; margin: 0 0 4px 0; }
[data-testid='stMain'] .diapo-legende { font-size: 32px; line-height: 1.25; color: #161616; }
[data-testid='stMain'] .diapo-legende p.titre { font-weight: 700; margin: 0 0 14px 0; }
[data-testid='stMain'] .diapo-legende .ligne { display: flex; align-items: center; gap: 16px; margin: 0 0 14px 0; }
[data-testid='stMain'] .diapo-legende .rond { flex: none; width: 50px; height: 50px; border-radius: 50%; display: flex;
  align-items: center; justify-content: center; font: bold 32px Arial, sans-serif; border: 2px solid #fff;
  box-shadow: 0 0 0 1px #161616; }
[data-testid='stMain'] .diapo-legende .trait { flex: none; width: 50px; height: 0; }
[data-testid='stMain'] .diapo-legende .case { flex: none; width: 50px; height: 36px; border: 2px solid #161616; }
[data-testid='stMain'] .diapo-legende .case.vide { border-style: dashed; background: #fff; }
[data-testid='stMain'] .diapo-legende p.repere { margin: 18px 0 0 0; font-size: 32px; }
[data-testid='stMain'] .diapo-communes-manque { font-size: 32px; line-height: 1.25; color: #3A3A3A; margin: 6px 0 0 0; }
[data-testid='stMain'] .st-key-diapo-commandes button p { white-space: nowrap; font-size: 20px; }
[data-testid='stMain'] .st-key-diapo-commandes a p, [data-testid='stMain'] .st-key-diapo-commandes a span { font-size: 20px; }
[data-testid='stMain'] [data-testid='compteur-diapo'] { font-size: 22px; padding-top: 4px; white-space: nowrap; }
[data-testid='stMain'] .st-key-diapo-commandes { margin-bottom: -8px; }
</style>""".replace("FOND_ALTERNE", couleurs.FOND_ALTERNE))

plan = ui.plan()
territoire = ui.territoire()


@st.cache_resource(show_spinner=False, max_entries=4)
def _deck(dossier: str, cle_fichiers: str) -> dict:
    # data/seminaire.yaml lu une fois par version des fichiers de données (sa date est dans l'empreinte).
    # Un exemplaire partagé par les sessions : la page et ``sem.construire`` ne font que le lire.
    return sem.charger_deck()


try:
    deck = _deck(str(ui.chemin_donnees("")), ui.cle_fichiers())
except ErreurDonnees as e:
    ui.arreter_sur_erreur(e)


def construire_diapositives(courantes, manuels):
    resume = vues_plan.resume_plan(plan, territoire, courantes, manuels)  # comme la page « Plan d'actions »
    if territoire.carte_et_contexte:
        equipements = ui.equipements_localises()
        cartes_chiffres = ui.cartes_chiffres(territoire.id)
        return equipements, sem.construire(deck, plan, resume, cartes_chiffres, ui.donnees("quartiers"), equipements,
                                           ui.donnees("social"), territoire, cite=ui.donnees("cite_educative"))
    import pandas as pd

    communes = None
    cartes_chiffres = []
    if territoire.donnees:  # territoire décrit par ses communes : ses chiffres clés, ses communes
        social, dico = ui.social_du_territoire(territoire.id)
        contours = ui.contours_du_territoire(territoire.id) or (None, None)
        communes = sc.DonneesCommunes(social, dico, *contours)
        cartes_chiffres = ui.cartes_chiffres(territoire.id) if territoire.chiffres_cles else []
    return pd.DataFrame(), sem.construire(deck, plan, resume, cartes_chiffres, pd.DataFrame(), pd.DataFrame(),
                                          pd.DataFrame(), territoire, communes=communes)


@st.cache_resource(show_spinner=False, max_entries=8)
def _diaporama_partage(dossier: str, cle_fichiers: str, cle_plans: str, id_plan: str, empreinte_stockage: tuple,
                       jour: str):
    # Le diaporama est le même pour toutes les sessions qui suivent ce plan : il est construit une fois
    # par plan, par version des fichiers (données, territoires, diaporama, plans), par état de la base
    # (une valeur saisie change son empreinte : le diaporama est refait tout de suite) et par jour (la
    # diapositive d'avancement compte les échéances à la date du jour). Un seul exemplaire, partagé :
    # la page ne modifie ni les diapositives ni le tableau des équipements, elle les lit.
    magasin = ui.stockage()  # base indisponible : l'exception remonte, rien n'est gardé en cache
    return construire_diapositives(magasin.valeurs_courantes(id_plan), magasin.statuts_manuels(id_plan))


# Passer d'une diapositive à l'autre ne refait pas le diaporama, ni une autre session qui suit le même plan.
# Base indisponible : recalculé à chaque fois, avec l'avertissement de ``ui.valeurs_saisies``.
empreinte_base = ui.empreinte_stockage()
cle_diaporama = None  # la clé du diaporama partagé (None : diaporama propre à cette exécution)
try:
    if empreinte_base is None:
        raise StockageIndisponible("base indisponible")
    cle_diaporama = (str(ui.chemin_donnees("")), ui.cle_fichiers(), ui.cle_plans(), plan.id, empreinte_base,
                     dt.date.today().isoformat())
    equipements, diapos = _diaporama_partage(*cle_diaporama)
except StockageIndisponible:
    cle_diaporama = None
    courantes, manuels, _ = ui.valeurs_saisies(plan.id)
    equipements, diapos = construire_diapositives(courantes, manuels)

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
  // La diapositive est dessinée pour 1920×1080 : sur un autre écran, elle est mise à l'échelle d'un bloc
  // (variable --ctg-zoom lue par la feuille de style).
  const ajusterLeZoom = () => {
    const z = Math.min(hote.innerWidth / 1920, hote.innerHeight / 1080);
    doc.documentElement.style.setProperty("--ctg-zoom", String(Math.round(z * 1000) / 1000));
  };
  ajusterLeZoom();
  hote.addEventListener("resize", ajusterLeZoom);
  // Dans la carte : sa propre légende cachée (elle est à côté, en grands caractères), noms des quartiers et
  // symboles agrandis pour être lus de loin.
  const agrandirLaCarte = () => {
    for (const cadre of doc.querySelectorAll('iframe[title="streamlit_folium.st_folium"]')) {
      let w;
      try { w = cadre.contentWindow; w.document.head; } catch (err) { continue; }
      if (!w || !w.document.head || w.document.getElementById("ctg-salle")) continue;
      const style = w.document.createElement("style");
      style.id = "ctg-salle";
      style.textContent = ".ctg-legende, .leaflet-control-layers { display: none !important; }"
        + " .ctg-etiquette { font-size: 20px !important; padding: 2px 6px !important; }"
        + " .leaflet-marker-icon.ctg-m > span { scale: 1.6; }";
      w.document.head.appendChild(style);
      // La carte cadrée sur les quartiers, et les noms des quartiers replacés au centre de chacun (leur
      // taille vient de changer).
      const carte = w.L && Object.values(w).find((v) => v instanceof w.L.Map);
      if (!carte) continue;
      carte.invalidateSize();
      let cadre_ = null;
      carte.eachLayer((couche) => {
        const bulle = couche.getTooltip && couche.getTooltip();
        if (bulle && bulle.options.className === "ctg-etiquette" && couche.getBounds) {
          cadre_ = cadre_ ? cadre_.extend(couche.getBounds()) : w.L.latLngBounds(couche.getBounds().getSouthWest(),
                                                                                   couche.getBounds().getNorthEast());
        }
      });
      if (cadre_) carte.fitBounds(cadre_, {padding: [12, 12]});
      carte.eachLayer((couche) => { const b = couche.getTooltip && couche.getTooltip(); if (b && b.update) b.update(); });
    }
  };
  hote.setInterval(() => { ecouterLesCadres(doc); agrandirLaCarte(); }, 400);
}
</script>""", height=1)

# --- Diapositive ------------------------------------------------------------------------------
# Une idée par écran : grands chiffres, un graphique, la carte ou le tableau comparatif, la source en bas.
# Tailles (en pixels d'un écran 1920×1080) : titre 58, texte 32 à 36, chiffres 72 à 84, sources 22.
HAUTEUR_UTILE = 1080 - 12 - 62 - 82  # sous les commandes et le titre


def html_chiffre(c: sem.Chiffre) -> str:
    lignes = "".join(f"<p class='comparaison'>{ui.echapper(t)}</p>" for t in [*c.comparaisons, *c.autres_sources])
    details = " · ".join(x for x in [c.periode, c.precision, c.source] if x)
    return (f"<div class='diapo-chiffre'><p class='libelle'>{ui.echapper(c.libelle)}</p>"
            f"<p class='valeur'>{ui.echapper(c.valeur)}</p>{lignes}"
            f"<p class='diapo-source'>{ui.echapper(details)}</p></div>")


def html_chiffres(chiffres: list, colonnes: int) -> str:
    """Les grands chiffres en grille : sur une ligne, en très grand ; sur deux lignes, un peu moins."""
    serres = " serres" if len(chiffres) > colonnes else (" grands" if colonnes > 1 else "")
    return (f"<div class='diapo-chiffres{serres}' style='grid-template-columns: repeat({colonnes}, 1fr)'>"
            + "".join(html_chiffre(c) for c in chiffres) + "</div>")


def graphique_de_salle(g: sem.Graphique, hauteur: int, largeur: int, legende: str):
    """Le graphique à la taille de la salle : police de 32 px, hauteur en pixels de l'écran 1920×1080."""
    # Largeur fixée en pixels de la diapositive 1920×1080 (la mise à l'échelle de la diapositive s'applique
    # ensuite au graphique comme au reste), graduations, libellés et légende compris.
    import altair as alt

    return sem.graphique_altair(g, taille=32, hauteur=max(240, hauteur - 100), legende=legende).properties(
        # Barres : la hauteur est celle de leurs lignes (chaque libellé entier) ; courbes : tout tient dans ``hauteur``.
        width=largeur, autosize=alt.AutoSizeParams(type="fit-x" if g.genre in ("axes", "fiches") else "fit",
                                                   contains="padding"))


@st.cache_resource(show_spinner=False, max_entries=256)
def _spec_de_salle(cle: tuple, rang: int, hauteur: int, largeur: int, legende: str, _g: sem.Graphique) -> dict:
    # Converti une fois par diapositive du diaporama partagé (``cle`` : sa clé, ``rang`` : la diapositive) et
    # par taille ; ``_g`` n'est pas haché, la clé le désigne. Partagé, jamais modifié (ui.afficher_spec).
    return ui.spec_graphique(graphique_de_salle(_g, hauteur, largeur, legende))


@st.cache_resource(show_spinner=False, max_entries=8)
def _carte_de_salle(cle: tuple, hauteur: int, _construire):
    # Clé : celle du diaporama partagé (équipements, contours et plan compris) et la hauteur de la carte.
    return _construire()


def afficher_graphique(g: sem.Graphique, hauteur: int, largeur: int = 1824, legende: str = "right") -> None:
    """Le graphique à la taille de la salle, puis ses données en tableau."""
    import pandas as pd

    spec = (_spec_de_salle(cle_diaporama, i, hauteur, largeur, legende, g) if cle_diaporama is not None
            else ui.spec_graphique(graphique_de_salle(g, hauteur, largeur, legende)))
    ui.afficher_spec(spec, width="content", theme=None, key=f"diapo-graphique-{i}")
    donnees = g.donnees.rename(columns={"Ligne": "Axe" if g.genre == "axes" else "Fiche"})
    if g.genre == "communes":  # le nombre écrit à la française, les repères sous les communes
        donnees = pd.concat([donnees[["Commune", "Texte"]],
                             pd.DataFrame({"Commune": [t.split(" : ")[0] for t, _ in g.reperes],
                                           "Texte": [t.split(" : ", 1)[1] for t, _ in g.reperes]})]
                            ).rename(columns={"Texte": "Valeur"})
    ui.en_tableau(donnees.drop(columns=[c for c in ("Source",) if c in donnees.columns]), "Le graphique en tableau")


st.title(ui.nom_brut(d.titre))
sous_titre = f"<p class='diapo-sous-titre'>{ui.echapper(d.sous_titre)}</p>" if d.sous_titre else ""
classe_points = "diapo-points diapo-sources" if d.type == "sources" else "diapo-points"
points = ("<ul class='" + classe_points + "'>" + "".join(f"<li>{ui.echapper(p)}</li>" for p in d.points) + "</ul>"
          if d.points and not d.chiffres else "")
source = f"<p class='diapo-source'>Source : {ui.echapper(d.source)}</p>" if d.source else ""
manque = f"<p class='diapo-manque'>{ui.echapper(d.manque)}</p>" if d.manque else ""
reste = HAUTEUR_UTILE - (56 if d.sous_titre else 0) - (48 if d.source else 0) - 56 * len(points and d.points)
# Carte et communes comparées : la hauteur laissée par le sous-titre, la ligne des communes sans valeur (deux
# lignes de 32 px) et la source.
HAUTEUR_COMMUNES = HAUTEUR_UTILE - 64 - 48 - 100 * len(d.points)
if d.type == "carte":
    montres = eq.filtrer(equipements)  # les équipements comptés (ni postes, ni fermés), comme partout
    quartiers = ui.donnees("quartiers")
    places = montres[montres["lat"].notna()]
    gauche, droite = st.columns([3.1, 1], gap="large")
    with gauche:
        hauteur_carte = reste - 70  # le volet « en tableau » dessous

        def carte_de_salle():
            return cartes.construire_carte(montres, ui.contours("quartiers_geo"), ui.contours("qpv"), None,
                                           quartiers_cite_educative=list(quartiers.loc[quartiers["cite_educative"], "nom"]),
                                           hauteur_px=hauteur_carte)

        # La carte construite une fois par diaporama partagé et par hauteur ; chaque exécution en envoie une
        # copie (st_folium modifie la carte qu'il reçoit : l'exemplaire en cache reste intact).
        carte = (cartes.copie(_carte_de_salle(cle_diaporama, hauteur_carte, carte_de_salle)) if cle_diaporama is not None
                 else carte_de_salle())
        st_folium(carte, height=hauteur_carte, use_container_width=True, returned_objects=[], key="diapo-carte")
    with droite:
        nombres = places["categorie"].value_counts()
        lignes = [f"<div class='ligne'><span class='rond' style='background:{cartes.STYLES[c].couleur};"
                  f"color:{cartes.STYLES[c].texte}'>{ui.echapper(cartes.STYLES[c].lettre)}</span>"
                  f"<span>{ui.echapper(c)} ({int(nombres[c])})</span></div>"
                  for c in cartes.STYLES if c in nombres.index]
        lignes += [f"<div class='ligne'><span class='trait' style='border-top:5px {style} {couleur}'></span>"
                   f"<span>{libelle}</span></div>"
                   for libelle, style, couleur in (("QPV 2024", "dashed", cartes.COULEUR_QPV),
                                                   ("Cité éducative", "dotted", cartes.COULEUR_CITE),
                                                   ("Quartier", "solid", "#161616"))]
        st.markdown(f"<div class='diapo-legende' role='region' aria-label='Légende'><p class='titre'>Légende</p>"
                    f"{''.join(lignes)}</div>", unsafe_allow_html=True)
    ui.en_tableau(
        places[["nom", "categorie", "quartier", "precision"]].assign(
            precision=places["precision"].map(precision_lisible)).fillna("non connu").rename(columns={
            "nom": "Nom", "categorie": "Catégorie", "quartier": "Quartier", "precision": "Position"}),
        f"La carte en tableau : les {len(places)} équipements placés",
    )
    st.markdown(f"<div class='diapo-corps'>{points}{source}</div>", unsafe_allow_html=True)
elif d.type == "carte_communes" and d.carte_communes is not None:
    c = d.carte_communes
    st.markdown(sous_titre, unsafe_allow_html=True)
    manque_communes = "".join(f"<p class='diapo-communes-manque'>{ui.echapper(p)}</p>" for p in d.points)
    gauche, droite = st.columns([1.9, 1], gap="large")
    with gauche:
        hauteur_carte = HAUTEUR_COMMUNES - 110  # le volet « en tableau » dessous
        st_folium(sc.carte_folium(c, hauteur_px=hauteur_carte), height=hauteur_carte, use_container_width=True,
                  returned_objects=[], key="diapo-carte-communes")
    with droite:
        lignes = [f"<div class='ligne'><span class='case{' vide' if couleur == sc.SANS_VALEUR else ''}' "
                  f"style='background:{couleur}'></span><span>{ui.echapper(libelle)}</span></div>"
                  for couleur, libelle in c.legende]
        reperes = "".join(f"<p class='repere'>{ui.echapper(r)}</p>" for r in c.reperes)
        st.markdown(f"<div class='diapo-legende' role='region' aria-label='Légende'><p class='titre'>"
                    f"{ui.echapper(c.libelle)}, {c.annee}</p>{''.join(lignes)}{reperes}</div>", unsafe_allow_html=True)
    ui.en_tableau(c.geo[["nom", "texte"]].sort_values("nom").rename(columns={"nom": "Commune", "texte": f"{c.libelle}, {c.annee}"}),
                  f"La carte en tableau : les {len(c.geo)} communes")
    st.markdown(f"<div class='diapo-corps'>{manque_communes}{source}</div>", unsafe_allow_html=True)
elif d.type == "communes_comparees" and d.graphique is not None:
    st.markdown(sous_titre, unsafe_allow_html=True)
    manque_communes = "".join(f"<p class='diapo-communes-manque'>{ui.echapper(p)}</p>" for p in d.points)
    afficher_graphique(d.graphique, HAUTEUR_COMMUNES)
    st.markdown(f"<div class='diapo-corps'>{manque_communes}{source}</div>", unsafe_allow_html=True)
elif d.chiffres and d.graphique is not None:
    st.markdown(sous_titre, unsafe_allow_html=True)
    gauche, droite = st.columns([1, 2.2], gap="large")
    gauche.markdown(html_chiffres(d.chiffres, 1), unsafe_allow_html=True)
    with droite:
        afficher_graphique(d.graphique, reste, largeur=1180, legende="bottom")
    st.markdown(source, unsafe_allow_html=True)
elif d.chiffres:
    colonnes = min(4, len(d.chiffres))
    st.markdown(f"<div class='diapo-corps plein'>{sous_titre}{html_chiffres(d.chiffres, colonnes)}{manque}{source}</div>",
                unsafe_allow_html=True)
elif d.graphique is not None:
    st.markdown(sous_titre, unsafe_allow_html=True)
    afficher_graphique(d.graphique, reste)
    st.markdown(f"<div class='diapo-corps'>{points}{source}</div>", unsafe_allow_html=True)
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
    st.markdown(f"<div class='diapo-corps'>{sous_titre}{points}{manque}{source}</div>", unsafe_allow_html=True)
