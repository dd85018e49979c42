# La page d'astreintes du coordinateur.

rota-title = Astreintes
rota-territory = Territoire
rota-show = Afficher
rota-weeks = Semaines
rota-week-of = Semaine du { $from } au { $to }
rota-previous-week = ← Semaine précédente
rota-next-week = Semaine suivante →
rota-times-in = Heures de
rota-fallbacks = Territoires de repli :
rota-day = { $weekday } { $day } { $month }
rota-hour = Heure
rota-grid-caption = Qui est d'astreinte, heure par heure
rota-gap = Trou : personne d'astreinte
rota-partly = une partie de l'heure : { $names }
rota-cover-fallback = Couvert par le repli { $codes }
rota-legend-on-call = D'astreinte ici
rota-legend-fallback = Territoire de repli seulement
rota-legend-gap = Trou : personne d'astreinte, aucun repli
rota-gaps-title = Trous dans la couverture
rota-gaps-intro = À ces heures, personne n'est d'astreinte ici et aucun territoire de repli ne couvre : les demandes attendraient.
rota-no-gaps = Aucun cette semaine : chaque heure est couverte, ici ou par un territoire de repli.
rota-fallbacks-unknown = La couverture des territoires de repli que vous ne gérez pas n'est pas montrée (comptée comme personne) :

rota-add-title = Ajouter une astreinte
rota-dermatologist = Dermatologue
rota-choose-dermatologist = Choisir un dermatologue
rota-starts = Début
rota-ends = Fin
rota-add = Ajouter l'astreinte
rota-shifts-title = Astreintes de la semaine
rota-no-shifts = Aucune astreinte cette semaine.
rota-move = Changer les horaires
rota-move-save = Enregistrer les horaires
rota-remove = Supprimer
rota-remove-confirm = Supprimer cette astreinte ? Personne ne sera plus d'astreinte à ce titre à ces heures.
rota-remove-yes = Oui, supprimer l'astreinte

rota-targets-title = Délais de réponse
rota-targets-intro = Délai de la première réponse (un avis ou une demande de précisions). Les demandes déjà envoyées gardent leur délai.
rota-target-default = par défaut
rota-target-hours = Délai, en heures
rota-clock = Le délai compte
rota-clock-calendar = toutes les heures
rota-clock-business = les heures ouvrées seulement
rota-target-save = Enregistrer le délai

rota-calendar-title = Heures ouvrées et jours fériés
rota-working-days = Jours ouvrés
rota-hours-start = Ouverture
rota-hours-end = Fermeture
rota-holidays = Jours fériés
rota-holidays-hint = Une date par ligne, sous la forme 2026-12-25.
rota-no-holidays = aucun
rota-calendar-save = Enregistrer heures et jours fériés
rota-calendar-admin-only = Ils comptent pour les délais en heures ouvrées ; les coordinateurs du territoire et les administrateurs les modifient.

rota-refused = Rien n'a été modifié. À vérifier :
rota-invalid-dermatologist = Choisissez un dermatologue dans la liste.
rota-invalid-start = Indiquez la date et l'heure de début.
rota-invalid-end = Indiquez la date et l'heure de fin.
rota-invalid-end-before-start = La fin doit venir après le début.
rota-invalid-too-long = Une astreinte dure 31 jours au plus.
rota-invalid-overlap = Ce dermatologue a déjà une astreinte ici sur ces horaires.
rota-invalid-form = Le formulaire n'est pas valide : rechargez la page.
rota-invalid-target = Un nombre d'heures, de 1 minute (0,02) à 60 jours (1440).
rota-invalid-holidays = Des dates sous la forme 2026-12-25, une par ligne.
rota-invalid-hours = Au moins un jour ouvré, et l'ouverture avant la fermeture.

rota-done-added = Astreinte ajoutée.
rota-done-moved = Astreinte déplacée (supprimée puis ajoutée aux nouveaux horaires).
rota-done-removed = Astreinte supprimée.
rota-done-target = Délai enregistré.
rota-done-calendar = Heures ouvrées et jours fériés enregistrés.
