"""Portrait d'une commune d'un territoire décrit par ses communes (une intercommunalité qui a ses données
dérivées) : situation, chiffres clés, indicateurs face au territoire, à la Côte-d'Or et à la France de la
même année, place parmi les communes, fiches du plan ; tableau à télécharger et PDF A4.

Les calculs sont dans ``ctg_data.portrait_commune`` ; la page ne fait que montrer."""

import streamlit as st

from ctg_data import format as fmt
from ctg_data import portrait_commune as pc
from ctg_data.territoire import jeux_sociaux
from pages import ui

brut = ui.nom_brut  # noms et textes venus des données : affichés tels quels, jamais lus comme du Markdown


@st.cache_resource(show_spinner=False, max_entries=64)
def _vue(cle: tuple, id_territoire: str, commune: tuple[str, str], version_plan: int, _t, _fiches) -> dict:
    """Le portrait d'une commune et ce que la page en montre (tableaux, carte de situation, textes),
    calculé une fois par (données, territoire, commune, fiches du plan) et partagé entre les sessions :
    objets jamais modifiés par la page. ``version_plan`` : ``hash`` des fiches (le plan n'est pas dans
    l'empreinte des fichiers de données)."""
    social, dico = ui.social_du_territoire(id_territoire)
    p = pc.portrait(social, dico, _t, commune, _fiches)
    zones = {z.entete: z for z in p.zones}
    montrees = [e for e in (pc.ENTETE_TERRITOIRE, "Côte-d'Or", "France") if e in zones]
    contours = ui.contours_du_territoire(id_territoire)
    return {
        "portrait": p, "zones": zones, "montrees": montrees, "tableau": pc.tableau(p, montrees, court=True),
        "remarques": list(pc.remarques(p)), "tableur": pc.tableau_pour_tableur(p),
        "details": list(pc.details_des_sources(p)), "contours": contours,
        "carte": pc.carte_de_situation(contours[0], commune[0]) if contours is not None else None,
    }


@st.cache_resource(show_spinner=False, max_entries=8)
def _sans_commune(cle: tuple, id_territoire: str, _t) -> dict:
    """Les communes proposées et les chiffres du territoire lui-même, une fois par (données, territoire),
    partagés entre les sessions (jamais modifiés par la page)."""
    communes = ui.communes_du_territoire(id_territoire)
    social, dico = ui.social_du_territoire(id_territoire)
    return {"noms": dict(zip(communes["id"], communes["nom"])), "chiffres": pc.chiffres_du_territoire(social, dico, _t)}


def _choix_de_commune(t) -> None:
    """Sans commune choisie : une ligne d'invitation, le choix, et les chiffres du territoire lui-même."""
    vue = _sans_commune(cle=ui.cle_donnees(), id_territoire=t.id, _t=t)
    st.title("Portrait de commune")
    st.info("Choisissez une commune : ici, ou dans la colonne de gauche.", icon=":material/location_city:")
    noms = vue["noms"]
    choix = st.selectbox("Commune", list(noms), index=None, format_func=lambda c: noms[c],
                         placeholder="Choisir une commune…", key="portrait_commune_choix")
    if choix:
        ui.choisir_commune(choix)
        st.rerun()
    st.header("Les chiffres du territoire")
    st.markdown(f"{brut(t.nom_complet)}, en attendant le choix d'une commune :")
    chiffres = vue["chiffres"]
    st.dataframe(chiffres, hide_index=True, width="stretch", row_height=84, height="content",
                 column_config={"Indicateur": st.column_config.TextColumn(width=150),
                                "Valeur": st.column_config.TextColumn(width=125),
                                "Année": st.column_config.NumberColumn(width=55, format="%d"),
                                "Source": st.column_config.TextColumn(width="large")})
    st.caption("Chaque valeur est la dernière publiée pour le territoire lui-même, lue dans sa source (jamais "
               "calculée à partir des communes).")


def _cartes(p: pc.Portrait, codes_cles: list[str]) -> None:
    """Les chiffres clés de la commune, en cartes : valeur et année ; source dans l'aide."""
    par_code = {l.code: l for l in p.lignes}
    cles = [par_code[c] for c in codes_cles if c in par_code][:4] or list(p.lignes[:4])
    for i, l in enumerate(cles):
        if i % 2 == 0:  # deux par rang : sur un téléphone, les cartes se suivent dans l'ordre
            colonnes = st.columns(2)
        with colonnes[i % 2].container(border=True):
            # Le titre en texte (il passe à la ligne), la valeur en grand, puis la commune et l'année.
            st.markdown(f"**{brut(l.libelle)}**")
            if l.publiee:
                st.metric(brut(l.libelle), l.texte, label_visibility="collapsed")
            else:  # en texte : une phrase ne tient pas dans le grand chiffre d'une carte
                st.markdown("Pas de valeur publiée")
            st.markdown(f"**{brut(p.nom)}, {fmt.annee(l.annee)}**")
            if l.avertissement:
                st.caption(f"À lire avec prudence : {brut(l.avertissement)}")
            if l.raison:
                st.caption(f"Raison : {brut(l.raison)}")
            if l.derniere_publiee:
                st.caption(f"Dernière valeur publiée : {brut(l.derniere_publiee[1])} en {l.derniere_publiee[0]}")
            territoire = l.comparaison(pc.ENTETE_TERRITOIRE)
            if territoire:
                st.caption(f"Territoire, même année : {brut(territoire.texte)}")
            st.caption(f"Source : {brut(l.source)}")


def afficher() -> None:
    t = ui.territoire()
    commune = ui.commune_selectionnee()
    if commune is None:
        _choix_de_commune(t)
        return
    code, nom = commune
    st.title(f"Portrait de commune — {brut(nom)}")
    plan = ui.plan()
    vue = _vue(cle=ui.cle_donnees(), id_territoire=t.id, commune=commune, version_plan=hash(repr(plan.fiches)), _t=t,
               _fiches=plan.fiches)
    p = vue["portrait"]

    st.markdown(brut(p.identite))
    # Les chiffres d'abord (sur un téléphone, ils viennent avant la carte), la carte de situation à droite.
    gauche, droite = st.columns([3, 2])
    with droite:
        contours = vue["contours"]
        if contours is None:
            st.caption("Pas de carte de situation : les contours des communes ne sont pas chargés.")
        else:
            st.image(vue["carte"], width=280)
            st.caption(f"En bleu : {brut(nom)} ; en gris : les autres communes du territoire. Contours : IGN, "
                       "Admin Express 2018 (simplifiés).")
    with gauche:
        _cartes(p, [c.code for c in t.chiffres_cles])

    # --- Indicateurs ------------------------------------------------------------------------------
    st.header("Indicateurs, face au territoire")
    zones, montrees, tableau = vue["zones"], vue["montrees"], vue["tableau"]
    config = {
        "Indicateur": st.column_config.TextColumn(width=150),
        "Commune": st.column_config.TextColumn("Commune", width=110,
                                               help=f"Valeur de {brut(nom)}, l'année de la colonne « Année »."),
        "Année": st.column_config.NumberColumn(width=52, format="%d"),
        pc.COLONNE_POSITION: st.column_config.TextColumn(width="large"),
        "Source": st.column_config.TextColumn(width="large"),
    }
    for e in montrees:
        config[e] = st.column_config.TextColumn(e, width=100, help=f"{brut(zones[e].nom)}, même année.")
    # Les nombres juste après le libellé (lisibles sur un téléphone sans défiler de côté), le texte long après.
    st.dataframe(tableau, hide_index=True, width="stretch", row_height=84, height="content",
                 column_order=["Indicateur", "Commune", *montrees, "Année", pc.COLONNE_POSITION, "Source"],
                 column_config=config)
    for remarque in vue["remarques"]:
        st.markdown(brut(remarque))
    st.caption(f"Colonne « Territoire » : {brut(t.nom)}. Chaque ligne compare des valeurs de la même année. Une "
               "valeur absente l'est dans la source (secret statistique, commune absente du fichier) : elle n'est "
               "ni estimée ni remplacée. Aucune moyenne de communes : une médiane ou une part ne se moyenne pas ; la "
               "place de la commune est comptée parmi celles qui ont une valeur.")
    catalogue = ui.catalogue()
    ui.telechargements(vue["tableur"], f"portrait-{code}", jeu=catalogue.get(jeux_sociaux(t, catalogue)[0]),
                       cle="portrait-commune")
    with st.expander("Place dans le territoire, étendue et évolution", icon=":material/timeline:"):
        for l in p.lignes:
            morceaux = [f"**{brut(l.libelle)}** ({fmt.annee(l.annee)}) : {brut(l.texte_complet)}"]
            if l.raison:
                morceaux.append(f"raison : {brut(l.raison)}")
            if l.position:
                morceaux.append(brut(l.position))
            if l.etendue:
                morceaux.append(f"communes : {brut(l.etendue)}")
            if l.serie:
                morceaux.append(f"évolution de la commune : {brut(l.serie)}")
            st.markdown("- " + " ; ".join(morceaux) + ".")
        st.caption("Euros courants de chaque année (pas corrigés de l'inflation). Précautions de chaque indicateur : "
                   "page « Données et sources » et fichier téléchargé.")
    with st.expander("Détail des sources", icon=":material/description:"):
        for libelle, lignes in vue["details"]:
            st.markdown(f"**{brut(libelle)}**")
            st.caption("  \n".join(brut(x) for x in lignes) or "aucune ligne dans les fichiers lus")

    # --- Fiches du plan ---------------------------------------------------------------------------
    st.header("Fiches du plan")
    st.markdown(brut(p.fiches))
    if p.fiches_ciblees:
        st.markdown("\n".join(f"- **{brut(i)}** — {brut(titre)}" for i, titre in p.fiches_ciblees))

    # --- PDF --------------------------------------------------------------------------------------
    if st.button("Préparer le PDF (A4)", icon=":material/picture_as_pdf:", key="portrait_commune_pdf_preparer"):
        with st.spinner("Mise en page du PDF…"):
            octets = pc.en_pdf(p, plan.titre_court, communes_geo=contours[0] if contours else None)
            st.session_state["portrait_commune_pdf_octets"] = (code, octets)
    if st.session_state.get("portrait_commune_pdf_octets", (None,))[0] == code:
        st.download_button("Télécharger le PDF", st.session_state["portrait_commune_pdf_octets"][1],
                           file_name=f"portrait-{code}.pdf", mime="application/pdf", icon=":material/download:",
                           key="portrait_commune_pdf")
    st.caption("Pour imprimer la page elle-même : menu du navigateur, Imprimer (la colonne de gauche n'est pas imprimée).")
