# E-mails: never clinical content, only the event, the case's reference, the territory, the due
# time and a link.
mail-greeting = Bonjour { $name },
mail-footer = Message automatique de telederm. Pour le secret médical, il ne contient aucune donnée clinique : tout se lit sur telederm, après connexion.
mail-settings = Choisir les messages que vous recevez
mail-case-line = Cas { $reference } · { $territory }
mail-case-line-due = Cas { $reference } · { $territory } · réponse attendue avant { $due }

mail-subject-case-answered = [telederm] Réponse à votre demande { $reference }
mail-lead-case-answered = Un dermatologue a répondu à votre demande de télé-expertise.
mail-action-case-answered = Lire la réponse

mail-subject-case-info-requested = [telederm] Le dermatologue a une question sur { $reference }
mail-lead-case-info-requested = Le dermatologue vous demande des informations ou de nouvelles photos avant de répondre. Le délai de réponse est suspendu jusqu'à votre retour.
mail-action-case-info-requested = Répondre au dermatologue

mail-subject-sla-breached = [telederm] Délai de réponse dépassé : { $reference }
mail-lead-sla-breached-gp = Votre demande n'a pas reçu de réponse dans le délai prévu. La coordination du territoire est prévenue et la suit.
mail-action-sla-breached-gp = Voir la demande
mail-lead-sla-breached = Le délai de première réponse de ce cas est dépassé.
mail-action-sla-breached = Voir le suivi du cas

mail-subject-sla-warning = [telederm] Cas à risque : { $reference }
mail-lead-sla-warning = Ce cas a consommé 80 % de son délai sans première réponse ; il est proposé aux territoires de renfort.
mail-action-sla-warning = Voir le suivi du cas

mail-subject-new-cases = { $count ->
    [one] [telederm] Un nouveau cas à prendre
   *[other] [telederm] { $count } nouveaux cas à prendre
}
mail-lead-new-cases = { $count ->
    [one] Un cas est arrivé dans la file de votre garde :
   *[other] { $count } cas sont arrivés dans la file de votre garde :
}
mail-action-new-cases = Ouvrir la file

mail-subject-case-replied = [telederm] Le médecin traitant a répondu : { $reference }
mail-lead-case-replied = Le médecin traitant a répondu à votre demande d'informations. Le cas vous revient.
mail-action-case-replied = Reprendre le cas

mail-subject-sla-reminder = [telederm] Rappel : { $reference } attend toujours
mail-lead-sla-reminder = La moitié du délai de réponse est passée et ce cas n'est toujours pas pris en charge.
mail-action-sla-reminder = Ouvrir la file

mail-subject-sla-offered = [telederm] Renfort demandé : { $reference }
mail-lead-sla-offered = Personne n'a encore pris ce cas d'un territoire voisin, à 80 % de son délai. Vous pouvez le prendre depuis votre file.
mail-action-sla-offered = Ouvrir la file

mail-subject-digest = [telederm] Résumé du { $day }
mail-lead-digest = Vos territoires le { $day } :
mail-digest-territory = { $territory } : { $received } reçu(s), { $responded } première(s) réponse(s), { $breached } dépassement(s) · maintenant { $open } en attente, dont { $at_risk } à risque
mail-action-digest = Ouvrir le tableau de bord
