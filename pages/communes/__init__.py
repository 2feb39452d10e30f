"""Pages d'un territoire décrit par ses communes (une intercommunalité qui a ses données dérivées,
construites par ``python -m ctg_data.build_territoires``) : carte des communes, contexte social par
commune, portrait d'une commune. Les pages de ``pages/vues/`` (mêmes adresses : /carte, /contexte,
/portrait) appellent ``afficher()`` du module de même nom quand ``ui.par_communes()`` ; toute la logique
de données est dans ``ctg_data``."""
