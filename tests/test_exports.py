import io

import openpyxl
import pandas as pd

from ctg_data.catalogue import charger, lire_catalogue
from ctg_data.exports import en_csv, en_xlsx


def test_csv_pour_tableur_francais():
    df = pd.DataFrame({"Quartier": ["Grésilles"], "Taux": [11.5]})
    octets = en_csv(df)
    assert octets.startswith(b"\xef\xbb\xbf")
    assert octets.decode("utf-8-sig").splitlines() == ["Quartier;Taux", "Grésilles;11,5"]


def test_xlsx_avec_feuille_source():
    jeu = lire_catalogue()["portrait"]
    classeur = openpyxl.load_workbook(io.BytesIO(en_xlsx(charger("portrait"), jeu=jeu)))
    assert classeur.sheetnames == ["Données", "Source"]
    donnees = classeur["Données"]
    assert donnees["A1"].value == "id" and donnees.max_row == len(charger("portrait")) + 1
    source = {r[0]: r[1] for r in classeur["Source"].iter_rows(min_row=2, values_only=True)}
    assert source["Fichier source"] == "002_e8b9c2145bef99c1.txt"
    assert "licence" in source["Licence"].lower()
