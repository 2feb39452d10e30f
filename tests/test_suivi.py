"""Statuts des indicateurs, des fiches et des axes : chaque sens et chaque cas limite ; modèles de vue
du plan (ctg_data.vues_plan) sur un petit plan synthétique."""

import datetime as dt

import pandas as pd
import pytest

from ctg_data import vues_plan as vp
from ctg_data.plan import Plan
from ctg_data.saisie import lignes_grille
from ctg_data.territoire import PortraitDocument, SousZones, Territoire
from ctg_data.suivi import (
    A_RENSEIGNER, ABANDONNE, ATTEINT, EN_COURS, NON_ATTEINT, statut_calcule, statut_groupe,
    statuts_indicateurs, synthese,
)

AUJOURDHUI = dt.date(2026, 6, 1)


@pytest.mark.parametrize("valeur,annee_valeur,cible,annee_cible,sens,attendu", [
    # aucune valeur : rien à juger
    (None, None, 100, 2027, "hausse", A_RENSEIGNER),
    (None, None, None, None, None, A_RENSEIGNER),
    # pas de cible ou pas de sens : valeur saisie, atteinte impossible à juger
    (50, 2025, None, None, "hausse", EN_COURS),
    (50, 2025, 100, 2027, None, EN_COURS),
    (50, 2025, 100, 2027, "qualitatif", EN_COURS),
    # hausse
    (120, 2025, 100, 2027, "hausse", ATTEINT),
    (100, 2025, 100, 2027, "hausse", ATTEINT),  # cible pile atteinte
    (80, 2025, 100, 2027, "hausse", EN_COURS),  # échéance à venir
    (80, 2027, 100, 2027, "hausse", NON_ATTEINT),  # valeur de l'année de la cible
    (80, 2024, 100, 2025, "hausse", NON_ATTEINT),  # année de la cible passée
    # baisse
    (8, 2025, 10, 2027, "baisse", ATTEINT),
    (12, 2025, 10, 2027, "baisse", EN_COURS),
    (12, 2027, 10, 2027, "baisse", NON_ATTEINT),
    # maintien : rester au moins au niveau de la cible
    (10, 2025, 10, 2027, "maintien", ATTEINT),
    (9, 2027, 10, 2027, "maintien", NON_ATTEINT),
    # cible sans année : jamais « non atteint »
    (80, 2030, 100, None, "hausse", EN_COURS),
])
def test_statut_calcule(valeur, annee_valeur, cible, annee_cible, sens, attendu):
    assert statut_calcule(valeur, annee_valeur, cible, annee_cible, sens, AUJOURDHUI) == attendu


def test_cible_deja_atteinte_a_la_reference():
    """La référence atteint déjà la cible, mais rien n'est saisi : « à renseigner », pas « atteint »."""
    assert statut_calcule(None, None, 100, 2027, "hausse", AUJOURDHUI) == A_RENSEIGNER
    assert statut_calcule(100, 2024, 100, 2027, "hausse", AUJOURDHUI) == ATTEINT


def test_valeur_textuelle_en_cours():
    assert statut_calcule(None, 2025, 100, 2027, "hausse", AUJOURDHUI, a_une_valeur=True) == EN_COURS


@pytest.mark.parametrize("statuts,attendu", [
    ([], A_RENSEIGNER),
    ([A_RENSEIGNER, A_RENSEIGNER], A_RENSEIGNER),
    ([ATTEINT, ATTEINT], ATTEINT),
    ([ATTEINT, ABANDONNE], ATTEINT),
    ([ABANDONNE], A_RENSEIGNER),
    ([ATTEINT, NON_ATTEINT], NON_ATTEINT),
    ([NON_ATTEINT, EN_COURS], EN_COURS),
    ([ATTEINT, A_RENSEIGNER], EN_COURS),
])
def test_statut_groupe(statuts, attendu):
    assert statut_groupe(statuts) == attendu


def indicateurs():
    return pd.DataFrame([
        {"indicateur": "I1", "fiche": "F1", "axe": "A1", "cible": 100.0, "cible_annee": 2027, "sens": "hausse"},
        {"indicateur": "I2", "fiche": "F1", "axe": "A1", "cible": None, "cible_annee": None, "sens": None},
        {"indicateur": "I3", "fiche": "F2", "axe": "A1", "cible": 10.0, "cible_annee": 2025, "sens": "baisse"},
    ])


def courantes(*lignes):
    colonnes = ["indicateur", "zone", "periode", "valeur", "valeur_texte", "source", "commentaire", "horodatage"]
    return pd.DataFrame(lignes, columns=colonnes)


def test_sans_valeurs_tout_a_renseigner():
    statuts = statuts_indicateurs(indicateurs(), courantes(), pd.DataFrame(), AUJOURDHUI)
    assert set(statuts["statut"]) == {A_RENSEIGNER}
    assert set(synthese(statuts, "fiche")["statut"]) == {A_RENSEIGNER}


def test_derniere_valeur_du_territoire_puis_des_sous_zones():
    """La zone du territoire entier (passée par l'appelant, jamais écrite dans le code) l'emporte sur
    une sous-zone plus récente ; sans valeur pour elle, la plus récente toutes zones confondues."""
    t = pd.Timestamp("2026-01-01", tz="UTC")
    valeurs = courantes(
        ("I1", "Ville", "2024", 60.0, None, "s", None, t),
        ("I1", "Ville", "2025", 110.0, None, "s", None, t),
        ("I1", "Nord", "2026", 20.0, None, "s", None, t),
        ("I3", "Nord", "2025", 12.0, None, "s", None, t),
    )
    statuts = statuts_indicateurs(indicateurs(), valeurs, pd.DataFrame(), AUJOURDHUI,
                                  zone_entiere="Ville").set_index("indicateur")
    assert (statuts.loc["I1", "derniere_valeur"], statuts.loc["I1", "statut"]) == (110.0, ATTEINT)
    assert (statuts.loc["I3", "derniere_zone"], statuts.loc["I3", "statut"]) == ("Nord", NON_ATTEINT)
    # Sans zone du territoire : la plus récente, toutes zones confondues.
    sans_zone = statuts_indicateurs(indicateurs(), valeurs, pd.DataFrame(), AUJOURDHUI).set_index("indicateur")
    assert sans_zone.loc["I1", "derniere_valeur"] == 20.0
    assert statuts.loc["I2", "statut"] == A_RENSEIGNER
    par_fiche = synthese(statuts.reset_index(), "fiche").set_index("fiche")
    assert par_fiche.loc["F1", "statut"] == EN_COURS and par_fiche.loc["F1", ATTEINT] == 1
    assert par_fiche.loc["F2", "statut"] == NON_ATTEINT


def test_statut_manuel_l_emporte():
    t = pd.Timestamp("2026-01-01", tz="UTC")
    manuels = pd.DataFrame([{"indicateur": "I2", "statut": ABANDONNE, "auteur": "agent1", "motif": "reporté"}])
    statuts = statuts_indicateurs(indicateurs(), courantes(("I2", "Ville", "2025", 3.0, None, "s", None, t)),
                                  manuels, AUJOURDHUI).set_index("indicateur")
    assert (statuts.loc["I2", "statut_calcule"], statuts.loc["I2", "statut"]) == (EN_COURS, ABANDONNE)
    assert statuts.loc["I2", "statut_manuel_par"] == "agent1"


def test_un_seul_vocabulaire_des_statuts():
    """suivi, couleurs et pages lisent les statuts dans ctg_data.vocabulaire (noms gardés en alias)."""
    from ctg_data import couleurs, suivi
    from ctg_data.vocabulaire import COULEURS_STATUTS, LIBELLES_STATUTS, Statut

    assert suivi.STATUTS == LIBELLES_STATUTS == [A_RENSEIGNER, EN_COURS, ATTEINT, NON_ATTEINT, ABANDONNE]
    assert couleurs.COULEURS_STATUTS == COULEURS_STATUTS == {s.libelle: s.couleur for s in Statut}
    assert vp.legende_statuts() == [(s.libelle, s.sens) for s in sorted(Statut, key=lambda s: s.ordre)]


# --- Modèles de vue du plan (ctg_data.vues_plan), sur un petit plan synthétique ---------------------

ESP = "\u00a0"
SOURCE = {"fichier": "plan.md", "section": "Annexe"}
VILLE = Territoire(
    id="ville", nom="Ville", nom_complet="Ville de test", nature="commune", code="00000", libelle_tout="Toute la ville",
    sous_zones=SousZones(nature="quartier", singulier="quartier", pluriel="quartiers", jeu="quartiers", description="d"),
)
EPCI = Territoire(id="cc", nom="CC du Val", nom_complet="Communauté de communes du Val", nature="EPCI",
                  code="200000000", libelle_tout="Toute la communauté de communes")


def plan_synthetique(**autres) -> Plan:
    return Plan.model_validate({
        "id": "plan-test", "titre": "Plan de test", "titre_court": "Test", "territoire": "ville",
        "debut": "2024-01-01", "fin": "2027-12-31", "sources": [SOURCE],
        "axes": [{"id": "A1", "numero": "1", "titre": "Axe un", "source": SOURCE, "contexte": ["pop", "absente"]},
                 {"id": "A2", "numero": "2", "titre": "Axe deux", "source": SOURCE}],
        "fiches": [
            {"id": "F1", "axe": "A1", "numero": "1", "titre": "Fiche un", "source": SOURCE, "indicateurs": [
                {"id": "I1", "libelle": "Places", "type": "suivi", "unite": "nombre", "sens": "hausse",
                 "cible": {"valeur": 100, "annee": 2027}, "reference": {"valeur": 80, "annee": 2023}, "source": SOURCE},
                {"id": "I2", "libelle": "Avis des familles", "type": "évaluation", "source": SOURCE}]},
            {"id": "F2", "axe": "A1", "numero": "2", "titre": "Fiche du nord", "quartiers": ["Nord"], "source": SOURCE,
             "indicateurs": [{"id": "I3", "libelle": "Taux", "type": "suivi", "unite": "%", "source": SOURCE,
                              "cible": {"texte": "100 % des structures"}}]},
            {"id": "F3", "axe": "A2", "numero": "3", "titre": "Fiche sans indicateur", "source": SOURCE,
             "sans_indicateur": "le document n'en donne pas (ligne 12)"},
        ],
    } | autres)


def valeurs_saisies(*lignes):
    t = pd.Timestamp("2026-01-01", tz="UTC")
    colonnes = ["indicateur", "zone", "periode", "valeur", "valeur_texte", "source", "commentaire", "horodatage",
                "version", "auteur"]
    return pd.DataFrame([(*l, t, 1, "agent1") for l in lignes], columns=colonnes)


VALEURS = valeurs_saisies(
    ("I1", "Ville", "2025", 110.0, None, "Bilan", None),
    ("I1", "Nord", "2026", 20.0, None, "Bilan", None),
    ("I3", "Nord", "2025", None, "*en hausse*", "Comptage", "texte saisi"),
)


def test_zones_du_plan_viennent_du_territoire():
    assert vp.zones_du_plan(VILLE, ["Sud", "Nord"]) == ["Ville", "Nord", "Sud"]
    assert vp.zones_du_plan(VILLE, pd.DataFrame({"id": ["s", "n"], "nom": ["Sud", "Nord"]})) == ["Ville", "Nord", "Sud"]
    assert vp.zones_du_plan(EPCI) == vp.zones_du_plan(EPCI, pd.DataFrame(columns=["id", "nom"])) == ["CC du Val"]


@pytest.mark.parametrize("valeur,texte,unite,attendu", [
    (12.5, None, None, "12,5"),
    (1234567.0, None, None, f"1{ESP}234{ESP}567"),
    (0.125, None, None, "0,125"),  # aucun arrondi
    (-3.0, None, None, "−3"),
    (0.1 + 0.2, None, None, "0,3"),  # pas de bruit de virgule flottante
    (1e20, None, None, "100" + f"{ESP}000" * 6),  # jamais d'écriture scientifique
    (50.0, None, "%", f"50{ESP}%"),
    (3.0, None, "nombre", "3"),
    (None, "oui, en partie", None, "oui, en partie"),
    (float("nan"), float("nan"), "%", "non renseignée"),
    (None, "  ", None, "non renseignée"),
])
def test_texte_valeur(valeur, texte, unite, attendu):
    assert vp.texte_valeur(valeur, texte, unite) == attendu


def test_texte_valeur_datee():
    assert vp.texte_valeur_datee(100, 2027, None, "%") == f"100{ESP}% en 2027"
    assert vp.texte_valeur_datee(100.0, float("nan"), None, "nombre") == "100"
    assert vp.texte_valeur_datee(None, None, "100 % des structures", "%") == "100 % des structures"
    assert vp.texte_valeur_datee(None, None, None, None) == "à définir"


@pytest.mark.parametrize("saisie,unite,attendu", [
    ("12,5", "%", (12.5, None, False)),
    (" 1 234 ", "nombre", (1234.0, None, False)),
    ("−3", "nombre", (-3.0, None, False)),
    ("oui", None, (None, "oui", False)),
    ("oui", "", (None, "oui", False)),  # unité vide : pas d'unité
    ("oui", "%", (None, None, True)),
    ("1e400", "nombre", (None, None, True)),  # pas un nombre fini
    ("nan", "nombre", (None, None, True)),
    ("", "%", (None, None, False)),
])
def test_regle_du_nombre_exige(saisie, unite, attendu):
    lue = vp.lire_valeur(saisie, unite)
    assert (lue.valeur, lue.texte, lue.erreur is not None) == attendu
    assert vp.nombre_exige(unite) == bool(unite)
    if lue.erreur:
        assert f"« {saisie.strip()} » n'est pas un nombre" in lue.erreur and f"unité : {unite}" in lue.erreur
    assert lue.vide == (saisie == "")


def test_grille_applique_la_meme_regle():
    grille = pd.DataFrame([
        {"indicateur": "I1", "unite": "nombre", "version": 0, "nouvelle_valeur": "12,5", "commentaire": "", "source": "s"},
        {"indicateur": "I2", "unite": "", "version": 2, "nouvelle_valeur": "réalisé", "commentaire": "ok", "source": "s"},
        {"indicateur": "I3", "unite": "%", "version": 0, "nouvelle_valeur": "", "commentaire": "", "source": ""},
    ])
    lignes, erreurs = lignes_grille(grille, "Ville", "2025")
    assert erreurs == []
    assert [(l["indicateur"], l["valeur"], l["valeur_texte"], l["version_vue"], l["commentaire"]) for l in lignes] == [
        ("I1", 12.5, None, 0, None), ("I2", None, "réalisé", 2, "ok")]
    assert {(l["zone"], l["periode"]) for l in lignes} == {("Ville", "2025")}
    grille.loc[2, "nouvelle_valeur"] = "beaucoup"
    _, erreurs = lignes_grille(grille, "Ville", "2025")
    assert len(erreurs) == 1 and erreurs[0].startswith("I3 : « beaucoup » n'est pas un nombre")


def test_valeur_actuelle():
    assert vp.valeur_actuelle(VALEURS, "I1", "Ville", "2025") == {"valeur_actuelle": "110", "version": 1}
    assert vp.valeur_actuelle(VALEURS, "I3", "Nord", "2025") == {"valeur_actuelle": "*en hausse*", "version": 1}
    assert vp.valeur_actuelle(VALEURS, "I1", "Ville", "2024") == {"valeur_actuelle": "", "version": 0}
    assert vp.valeur_actuelle(VALEURS.iloc[0:0], "I1", "Ville", "2025") == {"valeur_actuelle": "", "version": 0}


def portrait_synthetique():
    commun = {"unite": "personnes", "qualificatif": None, "periode": None, "source_section": "Portrait",
              "source_fichier": "doc.md"}
    return pd.DataFrame([
        {"code": "pop", "territoire": "Ville", "indicateur": "Population", "valeur": 1200.0, "annee": 2020} | commun,
        {"code": "pop", "territoire": "Autre", "indicateur": "Population", "valeur": 99.0, "annee": 2020} | commun,
    ])


def test_resume_du_plan():
    from ctg_data import chiffres

    ville = VILLE.model_copy(update={"portrait": PortraitDocument(jeu="portrait", document="Document d'essai")})
    reference = chiffres.reference(ville, portrait_synthetique().assign(citation="…", note=None),
                                   pd.DataFrame(columns=["indicateur", "type_zone", "code_zone", "nom_zone", "annee",
                                                         "valeur", "unite", "statut", "source", "note"]),
                                   pd.DataFrame(columns=["code", "libelle", "definition"]))
    resume = vp.resume_plan(plan_synthetique(), ville, VALEURS, pd.DataFrame(), reference=reference,
                            aujourdhui=AUJOURDHUI)
    assert not resume.aucune_valeur
    statuts = resume.statuts.set_index("indicateur")
    assert (statuts.loc["I1", "derniere_zone"], statuts.loc["I1", "statut"]) == ("Ville", ATTEINT)
    assert statuts.loc["I3", "statut"] == EN_COURS and statuts.loc["I2", "statut"] == A_RENSEIGNER
    # Synthèse par axe : une ligne par axe qui a des indicateurs, un nombre par statut.
    (ligne,) = resume.synthese_axes.to_dict("records")
    assert ligne["Axe"] == "1. Axe un" and ligne["Statut de l'axe"] == EN_COURS
    assert (ligne[ATTEINT], ligne[EN_COURS], ligne[A_RENSEIGNER], ligne["Indicateurs"], ligne["Renseignés"]) == (1, 1, 1, 3, 2)
    assert sorted(map(tuple, resume.comptes_axes.values.tolist())) == sorted(
        [("1. Axe un", A_RENSEIGNER, 1), ("1. Axe un", EN_COURS, 1), ("1. Axe un", ATTEINT, 1)])
    # Arbre : axes, fiches, « x indicateurs sur y renseignés », valeurs écrites comme partout.
    un, deux = resume.axes
    assert (un.libelle, un.statut, un.avancement, un.pilote) == ("1. Axe un", EN_COURS, "2 indicateurs sur 3 renseignés", "à définir")
    f1, f2 = un.fiches
    assert (f1.statut, f1.avancement) == (EN_COURS, "1 indicateur sur 2 renseigné")
    assert [(i.id, i.statut, i.valeur) for i in f1.indicateurs] == [("I1", ATTEINT, "110"), ("I2", A_RENSEIGNER, "non renseignée")]
    assert [i.valeur for i in f2.indicateurs] == ["*en hausse*"]  # texte saisi rendu brut (la page l'échappe)
    (f3,) = deux.fiches
    assert (f3.statut, f3.sans_indicateur, f3.avancement, deux.statut) == (
        None, "le document n'en donne pas (ligne 12)", "sans indicateur", A_RENSEIGNER)
    # Séries du portrait à côté de l'axe : celles du territoire du plan seulement ; rien d'inventé.
    (serie,) = un.contexte
    assert serie.code == "pop" and serie.lignes == [("Population", f"1{ESP}200{ESP}personnes", "2020")]
    assert serie.source == "Document d'essai, Portrait" and deux.contexte == []
    assert [f.id for f in resume.fiches] == ["F1", "F2", "F3"]


def test_resume_filtres():
    plan = plan_synthetique()
    # Filtre de statuts : seules les lignes listées changent, pas les statuts ni les nombres.
    r = vp.resume_plan(plan, VILLE, VALEURS, pd.DataFrame(), statuts_choisis=[ATTEINT], aujourdhui=AUJOURDHUI)
    assert [i.id for i in r.axes[0].fiches[0].indicateurs] == ["I1"] and r.axes[0].fiches[0].statut == EN_COURS
    # Filtre d'axe.
    r = vp.resume_plan(plan, VILLE, VALEURS, pd.DataFrame(), axe="A2", aujourdhui=AUJOURDHUI)
    assert [a.id for a in r.axes] == ["A2"] and [f.id for f in r.fiches] == ["F3"]
    # Sous-zone : ses valeurs seulement ; les fiches d'un autre quartier disparaissent.
    r = vp.resume_plan(plan, VILLE, VALEURS, pd.DataFrame(), sous_zone="Nord", aujourdhui=AUJOURDHUI)
    assert r.statuts.set_index("indicateur").loc["I1", "derniere_valeur"] == 20.0
    assert [f.id for f in r.fiches] == ["F1", "F2", "F3"]
    r = vp.resume_plan(plan, VILLE, VALEURS, pd.DataFrame(), sous_zone="Sud", aujourdhui=AUJOURDHUI)
    assert [f.id for f in r.fiches] == ["F1", "F3"] and r.aucune_valeur
    assert set(r.statuts["statut"]) == {A_RENSEIGNER}


def test_resume_d_un_plan_sans_indicateur():
    plan = plan_synthetique(fiches=[{"id": "F3", "axe": "A2", "numero": "3", "titre": "Fiche", "source": SOURCE,
                                     "sans_indicateur": "aucun"}])
    r = vp.resume_plan(plan, EPCI, VALEURS.iloc[0:0], pd.DataFrame())
    assert r.statuts.empty and r.synthese_axes.empty and r.aucune_valeur
    assert [f.statut for a in r.axes for f in a.fiches] == [None]


def test_tableau_de_fiche_et_historique():
    resume = vp.resume_plan(plan_synthetique(), VILLE, VALEURS, pd.DataFrame(), aujourdhui=AUJOURDHUI)
    f1 = vp.tableau_fiche(resume.statuts, "F1").set_index("Indicateur")
    assert f1.loc["Places", ["Dernière valeur", "Période", "Cible", "Référence"]].tolist() == [
        "110", "2025 (Ville)", "100 en 2027", "80 en 2023"]
    assert f1.loc["Avis des familles", ["Dernière valeur", "Cible", "Unité", "Sens"]].tolist() == [
        "non renseignée", "à définir", "à définir", "à définir"]
    f2 = vp.tableau_fiche(resume.statuts, "F2").iloc[0]
    assert (f2["Dernière valeur"], f2["Cible"]) == ("*en hausse*", "100 % des structures")
    h = vp.historique_indicateur(VALEURS, "I1")
    assert list(h["Valeur"]) == ["110", "20"] and list(h["Saisie par"]) == ["agent1", "agent1"]
    assert vp.historique_indicateur(pd.DataFrame(), "I1").empty
    assert list(vp.tableau_valeurs(vp.valeurs_chiffrees(VALEURS, "I1"))["Valeur"]) == ["110", "20"]
    assert vp.valeurs_chiffrees(VALEURS, "I3").empty  # valeur textuelle : rien à tracer


def test_texte_avancement():
    assert vp.texte_avancement(0, 3) == "0 indicateur sur 3 renseigné"
    assert vp.texte_avancement(1, 1) == "1 indicateur sur 1 renseigné"
    assert vp.texte_avancement(2, 9) == "2 indicateurs sur 9 renseignés"
    assert vp.texte_avancement(0, 0) == "sans indicateur"
