"""Plan d'actions : axes -> fiches projet -> indicateurs, statuts, graphiques et historique."""

import pandas as pd
import streamlit as st

from ctg_data import couleurs
from ctg_data import format as fmt
from ctg_data.plan import A_DEFINIR
from ctg_data.portrait import source_courte, valeur_ligne
from ctg_data.suivi import REGLE_ROLLUP, STATUTS, statuts_indicateurs, synthese
from ctg_data import suivi
from pages import ui


alt = ui.altair()

plan = ui.plan()
quartier = ui.quartier_selectionne()
courantes, manuels, base_ok = ui.valeurs_saisies(plan.id)

st.title(f"Plan d'actions — {plan.titre_court}")
st.caption(f"{plan.titre}. Source : " + " ; ".join(f"{s.section} ({s.fichier})" for s in plan.sources))

# --- Filtres ---------------------------------------------------------------------------------
c1, c2 = st.columns([2, 3])
choix_axe = c1.selectbox(
    "Axe", ["Tous les axes", *[a.id for a in plan.axes]],
    format_func=lambda a: a if a == "Tous les axes" else f"{plan.axe(a).numero}. {plan.axe(a).titre}",
    key="plan_axe",
)
choix_statuts = c2.multiselect("Statut des indicateurs", STATUTS, default=STATUTS, key="plan_statuts")
if quartier:
    st.info(
        f"Quartier **{quartier}** : seules les valeurs saisies pour ce quartier sont prises en compte, "
        "et seules les fiches qui le concernent (ou qui concernent toute la ville) sont listées.",
        icon=":material/location_on:",
    )
    valeurs_zone = courantes[courantes["zone"] == quartier] if not courantes.empty else courantes
else:
    valeurs_zone = courantes

indicateurs = plan.indicateurs()
statuts = statuts_indicateurs(indicateurs, valeurs_zone, manuels)
fiches = [f for f in plan.fiches if (choix_axe == "Tous les axes" or f.axe == choix_axe)
          and (not quartier or not f.quartiers or quartier in f.quartiers)]

with st.expander("Comment les statuts sont calculés", icon=":material/rule:"):
    st.markdown(suivi.__doc__.split("Règles (affichées telles quelles sur la page « Plan d'actions ») :")[1])
    if statuts["derniere_valeur"].isna().all() and statuts["derniere_valeur_texte"].isna().all():
        st.markdown("**Aucune valeur n'a encore été saisie** : tout est « à renseigner ».")

# --- Synthèse par axe ------------------------------------------------------------------------
st.header("Synthèse par axe")
par_axe = synthese(statuts, "axe")
par_axe.insert(1, "Axe", [f"{plan.axe(a).numero}. {plan.axe(a).titre}" for a in par_axe["axe"]])
st.dataframe(
    par_axe.drop(columns="axe").rename(columns={"indicateurs": "Indicateurs", "statut": "Statut de l'axe"}),
    hide_index=True,
)
st.caption(REGLE_ROLLUP)
graphique = (
    alt.Chart(statuts.assign(axe_titre=[f"{plan.axe(a).numero}. {plan.axe(a).titre}" for a in statuts["axe"]]))
    .mark_bar(stroke=couleurs.CONTOUR, strokeWidth=0.5)
    .encode(
        y=alt.Y("axe_titre:N", title=None),
        x=alt.X("count():Q", title="Nombre d'indicateurs", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("statut:N", title="Statut", scale=alt.Scale(
            domain=STATUTS, range=[couleurs.COULEURS_STATUTS[s] for s in STATUTS])),
        tooltip=[alt.Tooltip("axe_titre:N", title="Axe"), alt.Tooltip("statut:N", title="Statut"),
                 alt.Tooltip("count():Q", title="Indicateurs")],
    )
    .properties(height=180)
)
st.altair_chart(graphique, width="stretch")
st.caption("Le graphique en chiffres : le tableau de synthèse ci-dessus.")

# --- Arbre axes -> fiches -> indicateurs -----------------------------------------------------
st.header("Axes, fiches projet et indicateurs")
par_fiche = synthese(statuts, "fiche").set_index("fiche")
lignes_par_fiche: dict[str, list[dict]] = {}  # en un passage (plutôt qu'un filtre par fiche)
for ligne in statuts[statuts["statut"].isin(choix_statuts)].to_dict("records"):
    lignes_par_fiche.setdefault(ligne["fiche"], []).append(ligne)
portrait = ui.donnees("portrait")
series_dijon: dict[str, list[dict]] = {}  # séries du portrait pour Dijon, par code, en un passage
for ligne in portrait[portrait["territoire"] == "Dijon"].to_dict("records"):
    series_dijon.setdefault(ligne["code"], []).append(ligne)
for axe in [a for a in plan.axes if choix_axe in ("Tous les axes", a.id)]:
    fiches_axe = [f for f in fiches if f.axe == axe.id]
    statut_axe = par_axe.set_index("axe").loc[axe.id, "statut"] if axe.id in set(par_axe["axe"]) else "à renseigner"
    with st.expander(f"Axe {axe.numero} — {axe.titre}", expanded=choix_axe != "Tous les axes"):
        st.markdown(f"Statut de l'axe : {ui.badge(statut_axe)} · pilote : {axe.pilote or A_DEFINIR}")
        for strategique in axe.axes_strategiques:
            st.markdown(f"- **{strategique.titre}**" + "".join(f"\n    - {o}" for o in strategique.objectifs_operationnels))
        for fiche in fiches_axe:
            statut_fiche = par_fiche.loc[fiche.id, "statut"] if fiche.id in par_fiche.index else None
            entete = f"**{fiche.id} — {fiche.titre}** " + (ui.badge(statut_fiche) if statut_fiche else ":gray-badge[sans indicateur]")
            st.markdown(entete)
            if not fiche.indicateurs:
                st.caption(fiche.sans_indicateur)
            for i in lignes_par_fiche.get(fiche.id, []):
                valeur = "non renseignée" if pd.isna(i["derniere_valeur"]) and not isinstance(i["derniere_valeur_texte"], str) else (
                    i["derniere_valeur_texte"] if pd.isna(i["derniere_valeur"]) else fmt.nombre(i["derniere_valeur"]))
                st.markdown(f"&nbsp;&nbsp;&nbsp;{ui.badge(i['statut'])} {i['libelle']} — *{valeur}*")
        if axe.contexte:
            st.markdown("**Contexte (portrait de territoire)** — séries choisies par l'équipe pour éclairer l'axe :")
            for code in axe.contexte:
                serie = series_dijon.get(code, [])
                for l in serie:
                    st.markdown(f"- {l['indicateur']} : **{valeur_ligne(l)}** ({fmt.annee(l['annee']) if pd.isna(l['periode']) else l['periode']})")
                if serie:
                    st.caption(f"Source : {source_courte(serie[-1])}")

# --- Détail d'une fiche ----------------------------------------------------------------------
st.header("Détail d'une fiche projet")
if not fiches:
    st.caption("Aucune fiche pour ces filtres.")
    st.stop()
id_fiche = st.selectbox("Fiche", [f.id for f in fiches], format_func=lambda f: f"{f} — {plan.fiche(f).titre}", key="plan_fiche")
fiche = plan.fiche(id_fiche)
gauche, droite = st.columns(2)
with gauche:
    st.markdown("**Objectifs stratégiques**\n" + "".join(f"\n- {o}" for o in fiche.objectifs_strategiques) if fiche.objectifs_strategiques else "**Objectifs stratégiques** : " + A_DEFINIR)
    if fiche.objectifs_operationnels:
        st.markdown("**Objectifs opérationnels**\n" + "".join(f"\n- {o}" for o in fiche.objectifs_operationnels))
with droite:
    st.markdown("**Résultats attendus**\n" + "".join(f"\n- {o}" for o in fiche.resultats_attendus) if fiche.resultats_attendus else "**Résultats attendus** : " + A_DEFINIR)
    st.markdown(f"**Pilote** : {fiche.pilote or A_DEFINIR}  \n**Partenaires** : {', '.join(fiche.partenaires) or A_DEFINIR}")
st.caption(f"Source : {fiche.source.section} ({fiche.source.fichier})" + (f" — {fiche.note}" if fiche.note else ""))

if not fiche.indicateurs:
    st.info(fiche.sans_indicateur, icon=":material/info:")
    st.stop()

tableau = statuts[statuts["fiche"] == fiche.id]
st.dataframe(
    pd.DataFrame({
        "Indicateur": tableau["libelle"],
        "Statut": tableau["statut"],
        "Dernière valeur": [
            ("non renseignée" if pd.isna(v) and not isinstance(t, str) else (t if pd.isna(v) else fmt.nombre(v)))
            for v, t in zip(tableau["derniere_valeur"], tableau["derniere_valeur_texte"])],
        "Période": tableau["derniere_periode"].fillna(""),
        "Unité": tableau["unite"].fillna(A_DEFINIR),
        "Référence": [A_DEFINIR if pd.isna(r) else f"{fmt.nombre(r)} ({fmt.annee(a)})" for r, a in zip(tableau["reference"], tableau["reference_annee"])],
        "Cible": [t if isinstance(t, str) else (A_DEFINIR if pd.isna(c) else f"{fmt.nombre(c)} ({fmt.annee(a)})")
                  for c, a, t in zip(tableau["cible"], tableau["cible_annee"], tableau["cible_texte"])],
        "Sens": tableau["sens"].fillna(A_DEFINIR),
        "Pilote": tableau["pilote"].fillna(A_DEFINIR),
        "Fréquence": tableau["frequence"].fillna(A_DEFINIR),
        "Prochaine échéance": [A_DEFINIR if pd.isna(d) else d.strftime("%d/%m/%Y") for d in tableau["prochaine_echeance"]],
        "Source": tableau["source"],
    }),
    hide_index=True,
)

historique = pd.DataFrame()
if base_ok:
    try:
        historique = ui.stockage().historique(plan.id)
    except ui.StockageIndisponible:
        historique = pd.DataFrame()
historique = historique[historique["indicateur"].isin(tableau["indicateur"])] if not historique.empty else historique

id_indicateur = st.selectbox("Indicateur à détailler", list(tableau["indicateur"]),
                             format_func=lambda i, libelles=dict(zip(tableau["indicateur"], tableau["libelle"])): libelles[i],
                             key="plan_indicateur")
ind = tableau.set_index("indicateur").loc[id_indicateur]
leurs = courantes[(courantes["indicateur"] == id_indicateur) & courantes["valeur"].notna()] if not courantes.empty else courantes
if leurs.empty:
    st.caption("Pas encore de valeur chiffrée pour cet indicateur : rien à tracer.")
else:
    points = alt.Chart(leurs).mark_line(point=True).encode(
        x=alt.X("periode:N", title="Période", sort="ascending"),
        y=alt.Y("valeur:Q", title=ind["unite"] if isinstance(ind["unite"], str) else "Valeur"),
        color=alt.Color("zone:N", title="Zone", scale=alt.Scale(range=couleurs.PALETTE_SERIES)),
        tooltip=[alt.Tooltip("zone:N", title="Zone"), alt.Tooltip("periode:N", title="Période"),
                 alt.Tooltip("valeur:Q", title="Valeur"), alt.Tooltip("source:N", title="Source")],
    )
    couches = [points]
    for nom, valeur, couleur in (("Cible", ind["cible"], couleurs.COULEURS_STATUTS["atteint"]), ("Référence", ind["reference"], "#666666")):
        if pd.notna(valeur):
            couches.append(alt.Chart(pd.DataFrame({"y": [valeur], "nom": [nom]})).mark_rule(
                strokeDash=[6, 4], color=couleur).encode(y="y:Q", tooltip=[alt.Tooltip("nom:N", title=""), alt.Tooltip("y:Q", title="Valeur")]))
    st.altair_chart(alt.layer(*couches).properties(height=280), width="stretch")
    st.caption("Trait pointillé vert : cible ; gris : référence (quand le plan les fixe).")
    ui.en_tableau(
        pd.DataFrame({"Zone": leurs["zone"], "Période": leurs["periode"], "Valeur": [fmt.nombre(v) for v in leurs["valeur"]],
                      "Source": leurs["source"]}),
        "Le graphique en tableau",
    )

st.subheader("Historique des saisies")
if historique.empty:
    st.caption("Aucune saisie pour cette fiche.")
else:
    h = historique[historique["indicateur"] == id_indicateur]
    st.dataframe(
        h[["zone", "periode", "version", "valeur", "valeur_texte", "commentaire", "source", "auteur", "horodatage"]].rename(columns={
            "zone": "Zone", "periode": "Période", "version": "Version", "valeur": "Valeur", "valeur_texte": "Valeur (texte)",
            "commentaire": "Commentaire", "source": "Source", "auteur": "Saisie par", "horodatage": "Le"}),
        hide_index=True,
    )
    if isinstance(ind["statut_manuel_par"], str):
        st.caption(f"Statut fixé à la main par {ind['statut_manuel_par']} : {ind['statut_manuel_motif']}")
