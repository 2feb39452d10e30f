from ctg_data import format as fmt

E = "\u00a0"


def test_nombres_a_la_francaise():
    assert fmt.nombre(159106) == f"159{E}106"
    assert fmt.nombre(11.5) == "11,5"
    assert fmt.nombre(1.7) == "1,7"
    assert fmt.nombre(0.126) == "0,13"
    assert fmt.nombre(-4000) == f"−4{E}000"
    assert fmt.nombre(490, signe=True) == "+490"
    assert fmt.nombre(float("nan")) == "–"


def test_valeurs_avec_unite_et_qualificatif():
    assert fmt.valeur(16, "%") == f"16{E}%"
    assert fmt.valeur(1847, "€") == f"1{E}847{E}€"
    assert fmt.valeur(21000, "personnes", "près de") == f"près de 21{E}000{E}personnes"
    assert fmt.valeur(1, "points", signe=True) == f"+1{E}point"


def test_variation_negative_avec_qualificatif_lue_comme_une_baisse():
    # « Dijon a perdu plus de 4 000 individus » (002, ligne 247) : stocké −4 000 avec « plus de »
    assert fmt.valeur(-4000, "personnes", "plus de") == f"baisse de plus de 4{E}000{E}personnes"
    assert "−" not in fmt.valeur(-4000, "personnes", "plus de")
    # sans qualificatif, le signe reste
    assert fmt.valeur(-400, "élèves") == f"−400{E}élèves"
    assert fmt.valeur(-4000, "personnes") == f"−4{E}000{E}personnes"
    # une hausse qualifiée, quand le signe est demandé
    assert fmt.valeur(9000, "personnes", "près de", signe=True) == f"hausse de près de 9{E}000{E}personnes"
    assert fmt.valeur(9000, "personnes", "près de") == f"près de 9{E}000{E}personnes"


def test_annee():
    assert fmt.annee(2020) == "2020"
    assert fmt.annee(None) == "année non précisée"
