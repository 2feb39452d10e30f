"""Cœur du tableau de bord CTG Dijon : données, validation, calculs et exports.

Aucun import de Streamlit ici : tout ce paquet se teste sans navigateur.
Ce fichier reste léger (bibliothèque standard seulement) car le lanceur
``python3 -m ctg_data.lanceur`` s'exécute avant l'installation des dépendances.
"""
