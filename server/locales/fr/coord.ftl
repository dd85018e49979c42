# Pages du coordinateur : tableau de bord des délais, journal d'audit. Jamais de texte clinique.

coord-nav = Coordination
coord-dashboard-title = Tableau de bord
coord-audit-title = Journal d'audit

# Période et territoire
coord-field-from = Du
coord-field-to = Au (inclus)
coord-field-territory = Territoire
coord-all-territories = Tous mes territoires
coord-show = Afficher
coord-period = Demandes envoyées du { $from } au { $to } inclus (jours et semaines de { $zone }).
coord-invalid-date = Une date au format jour/mois/année.
coord-invalid-order = La fin doit suivre le début.
coord-invalid-too-long = Une période de 400 jours au plus.
coord-invalid-period = Cette période ne peut pas être affichée.
coord-invalid-territory = Choisissez un de vos territoires.

# Synthèse
coord-summary = Synthèse
coord-within-target = Première réponse dans le délai cible : { $within } sur { $responded } ({ $percent }).
coord-target = Cible { $priority }, territoire { $territory } : { $hours }.
coord-target-legend = cible { $hours }
coord-hours = { $hours } h
coord-percent = { $value } %
coord-none = –
coord-total = Total
coord-unassigned = Sans dermatologue
coord-priority-urgent = urgent
coord-priority-routine = routine
coord-cases-urgent = demandes urgentes
coord-cases-routine = demandes de routine
coord-week-label = { $day } { $month }

# Graphiques
coord-response-title = Délai de première réponse par semaine
coord-response-hint = Médiane (trait plein, points) et 90e centile (tirets, triangles) des demandes envoyées chaque semaine, face à la cible (pointillés).
coord-chart-response = Délai de première réponse des { $cases }, par semaine, en heures
coord-legend-median = médiane
coord-legend-p90 = 90e centile
coord-axis-hours = heures
coord-axis-cases = demandes
coord-breaches-title = Dépassements par semaine
coord-chart-breaches = Demandes ayant dépassé la cible, par semaine d'envoi
coord-open-title = Demandes en cours par ancienneté
coord-open-hint = Maintenant, quelle que soit la période : demandes sans réponse ni annulation, y compris celles en attente du médecin.
coord-chart-open = Demandes en cours, par ancienneté
coord-age-under-1-day = moins d'1 jour
coord-age-1-to-2-days = 1 à 2 jours
coord-age-2-to-7-days = 2 à 7 jours
coord-age-over-7-days = plus de 7 jours

# Demandes à risque
coord-at-risk-title = Demandes à risque maintenant
coord-at-risk-hint = Sans réponse et au-delà de 50 % de leur délai cible (horloge arrêtée pendant l'attente du médecin). Le lien ouvre l'historique, sans contenu clinique.
coord-case-history = Demande { $case }
coord-step-half = plus de 50 %
coord-step-warned = plus de 80 %
coord-step-overdue = dépassée
coord-status-queued = en file
coord-status-claimed = prise en charge
coord-status-info-requested = en attente du médecin
coord-no-case-at-risk = Aucune demande à risque.
coord-no-case = Aucune demande sur la période.

# Tableaux
coord-groups-title = Par dermatologue et par priorité
coord-table-response = Délai de première réponse par semaine, { $cases }
coord-table-breaches = Dépassements par semaine
coord-table-open-cases = Demandes en cours par ancienneté
coord-table-at-risk = Demandes à risque
coord-table-dermatologists = Par dermatologue (premier à répondre)
coord-table-priorities = Par priorité
coord-col-week = Semaine du
coord-col-cases = Demandes
coord-col-responded = Répondues
coord-col-answered = Avis rendus
coord-col-median = Médiane
coord-col-p90 = 90e centile
coord-col-breaches = Dépassements
coord-col-breach-rate = Taux de dépassement
coord-col-open = En cours
coord-col-at-risk = À risque
coord-col-dermatologist = Dermatologue
coord-col-priority = Priorité
coord-col-age = Ancienneté
coord-col-case = Demande
coord-col-territory = Territoire
coord-col-status = État
coord-col-submitted = Envoyée
coord-col-due = Échéance
coord-col-step = Avancement
coord-download-csv = Télécharger en CSV

# Journal d'audit
coord-field-case = Demande (identifiant)
coord-field-person = Personne
coord-field-action = Action
coord-anyone = Tout le monde
coord-any-action = Toutes les actions
coord-filter = Filtrer
coord-verify = Vérifier la chaîne
coord-invalid-case = L'identifiant complet de la demande (celui du lien « Demande »).
coord-invalid-person = Choisissez une personne de la liste.
coord-audit-caption = Lignes du journal, les plus récentes d'abord
coord-audit-empty = Aucune ligne pour ces filtres.
coord-col-when = Quand
coord-col-person = Personne
coord-col-action = Action
coord-col-detail = Détail
coord-system = Système
coord-pages = Pages du journal
coord-newest = Les plus récentes
coord-older = Plus anciennes
coord-verify-ok-title = Chaîne intacte
coord-verify-broken-title = Chaîne rompue
coord-verify-intact = { $lines } lignes vérifiées : chacune suit de la précédente.
coord-verify-broken = { $lines } lignes vérifiées ; la ligne { $seq } ne suit pas de la précédente : le journal a été modifié.
coord-verify-pending = { $pending ->
    [one] Une ligne plus récente attend son scellement (moins d'une seconde) : vérifiez à nouveau pour l'inclure.
   *[other] { $pending } lignes plus récentes attendent leur scellement (moins d'une seconde) : vérifiez à nouveau pour les inclure.
}
coord-head-hash = Empreinte de tête :
coord-head-hash-hint = Notez-la ailleurs (registre, courriel daté) : une réécriture complète du journal changerait cette empreinte.
coord-action-case-submitted = Demande envoyée
coord-action-case-read = Demande consultée
coord-action-photo-read = Photo consultée
coord-action-case-claimed = Prise en charge
coord-action-case-released = Rendue à la file
coord-action-case-lease-expired = Prise en charge expirée
coord-action-case-info-requested = Information demandée
coord-action-case-replied = Réponse du médecin
coord-action-case-answered = Avis rendu
coord-action-case-outcome-recorded = Suites enregistrées
coord-action-case-closed = Demande clôturée
coord-action-case-cancelled = Demande annulée
coord-action-sla-remind = Rappel à 50 %
coord-action-sla-offer = Proposée aux territoires de repli (80 %)
coord-action-sla-breach = Cible dépassée
coord-action-auth-login = Connexion
coord-action-auth-login-failed = Connexion refusée
coord-action-auth-logout = Déconnexion
coord-action-shift-created = Garde ajoutée
coord-action-shift-deleted = Garde supprimée
coord-action-sla-policy-set = Cible modifiée
coord-action-territory-created = Territoire créé
coord-action-territory-updated = Territoire modifié
coord-action-user-created = Compte créé
coord-action-user-disabled = Compte désactivé
coord-action-user-webhook-set = Webhook modifié
coord-action-user-webhook-secret-rotated = Secret de webhook renouvelé
coord-action-keys-rotated = Clés renouvelées
coord-action-notification-retried = Notification relancée
coord-action-audit-gap = Numéro inutilisé (son écriture a été annulée)
