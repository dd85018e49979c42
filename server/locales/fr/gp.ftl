# Pages du médecin généraliste : nouvelle demande, mes demandes, page d'une demande.

gp-new-case-title = Nouvelle demande d'avis
gp-new-case-intro = Photographiez la lésion, décrivez-la en quelques mots : un dermatologue de garde de votre territoire répond en quelques heures.
gp-my-cases-title = Mes demandes
gp-case-title = Demande du { $date }

# Champs de la demande
field-priority = Priorité
priority-routine = Routine
priority-urgent = Urgent
priority-urgent-hint = Urgent : suspicion de mélanome ou de carcinome évolutif.
field-patient-ref = Votre référence patient
field-patient-ref-hint = Votre propre référence (pas de nom) : elle reste chiffrée.
field-age = Âge (ans)
field-sex = Sexe
sex-female = Femme
sex-male = Homme
sex-other = Autre
field-phototype = Phototype (Fitzpatrick)
field-phototype-unknown = Non précisé
field-body-site = Localisation
field-body-site-hint = Touchez la zone sur la silhouette, ou écrivez-la (vous pouvez préciser).
body-map-front = Face
body-map-back = Dos
field-question = Votre question
field-duration = Depuis quand ?
field-evolution = Évolution
field-history = Antécédents
field-treatments = Traitements essayés
field-consent = Le patient a consenti à cette télé-expertise et à la transmission de ses photos.
field-required = obligatoire

# Régions de la silhouette (ce qui s'écrit dans la localisation)
site-head = tête
site-face = visage
site-neck = cou
site-chest = thorax
site-abdomen = abdomen
site-upper-back = haut du dos
site-lower-back = bas du dos
site-left-arm = bras gauche
site-right-arm = bras droit
site-left-forearm = avant-bras gauche
site-right-forearm = avant-bras droit
site-left-hand = main gauche
site-right-hand = main droite
site-left-thigh = cuisse gauche
site-right-thigh = cuisse droite
site-left-leg = jambe gauche
site-right-leg = jambe droite
site-left-foot = pied gauche
site-right-foot = pied droit
site-scalp = cuir chevelu
site-buttocks = fesses
site-left-calf = mollet gauche
site-right-calf = mollet droit

# Photos
photos-title = Photos
photos-hint = Une vue d'ensemble, puis un gros plan ; la dermoscopie si vous l'avez. JPEG, PNG ou WebP.
photo-add = Ajouter une photo
photo-choose = Prendre ou choisir une photo
photo-kind = Type de photo
kind-overview = Vue d'ensemble
kind-closeup = Gros plan
kind-dermoscopy = Dermoscopie
photo-checking = Vérification de la photo…
photo-ok = Photo vérifiée : { $width } × { $height } pixels.
photo-removed = Retiré avant l'envoi : { $what }.
photo-removed-nothing = Aucune donnée d'identification à retirer.
photo-retake = Reprendre la photo
photo-network-error = La photo n'a pas pu être vérifiée (connexion). Réessayez.

removed-gps = position GPS
removed-camera = appareil et numéros de série
removed-datetime = date et heure de prise de vue
removed-thumbnail = vignette intégrée
removed-exif = autres données EXIF
removed-xmp = données XMP
removed-iptc = données IPTC
removed-comment = commentaires
removed-secondary-image = images secondaires (profondeur, miniatures)
removed-trailing-data = données après l'image
removed-png-text = textes PNG
removed-png-time = date PNG
removed-other = autres métadonnées

quality-too-small = La photo est trop petite : reprenez-la en vous rapprochant, sans zoom numérique.
quality-blurred = La photo est floue : reprenez-la en vous rapprochant et en tenant l'appareil immobile.
quality-underexposed = La photo est trop sombre : reprenez-la près d'une fenêtre ou avec plus de lumière.
quality-overexposed = La photo est surexposée : évitez le flash direct et la lumière du soleil.

refused-unsupported = Ce fichier n'est pas une photo que nous acceptons ({ $what }). Sur un iPhone, choisissez la photo depuis l'appareil photo ou la photothèque : elle sera envoyée en JPEG. Sur un ordinateur, exportez-la en JPEG.
refused-too-large = Cette photo est trop grande pour être traitée. Envoyez-la en taille réduite (12 mégapixels suffisent).
refused-corrupt = Ce fichier est endommagé : reprenez la photo.
refused-busy = Le service est très chargé : réessayez dans quelques secondes.

# Envoi
send-case = Envoyer la demande
sending = Envoi en cours…
send-network-error = L'envoi a échoué (connexion). Rien n'est perdu : réessayez.
send-refused = L'envoi a été refusé : rechargez la page (la demande a peut-être changé entre-temps) ; ce que vous avez saisi reste affiché jusque-là.
send-fix = Corrigez ce qui est signalé puis renvoyez : vos photos et vos réponses sont conservées.

# Liste
list-empty = Aucune demande pour l'instant.
list-erased = Demande effacée
list-new = Nouvelle demande
list-sent = envoyée { $date }
list-waiting = en attente depuis { $duration }
list-due = réponse attendue avant { $date }
expected-read-answer = Réponse à lire
expected-answer-question = Question à laquelle répondre
list-next = Demandes plus anciennes
list-pages = Pages de la liste
list-previous = Demandes plus récentes

status-queued = En attente d'un dermatologue
status-claimed = En cours d'examen
status-info_requested = Question du dermatologue
status-answered = Répondue
status-closed = Clôturée
status-cancelled = Annulée

# Page d'une demande
case-sent = Ce que vous avez envoyé
case-photos-full = Touchez une photo pour la voir en pleine résolution.
case-questions = Questions du dermatologue
case-asked-by = { $name }, le { $date }
case-new-photos-wanted = De nouvelles photos sont demandées.
case-your-reply = Votre réponse
case-reply = Répondre
case-reply-send = Envoyer la réponse
case-answer = Réponse du dermatologue
case-answered-by = Répondu par { $name } le { $date }
answer-diagnosis = Diagnostic
answer-management = Conduite à tenir
answer-delay = Délai
answer-delay-days = { $days ->
    [one] sous { $days } jour
   *[other] sous { $days } jours
}
answer-report = Compte rendu
management-reassure = Rassurer
management-treat = Traiter
management-follow_up_photos = Nouvelles photos de suivi
management-in_person_consult = Consultation en personne
management-urgent_biopsy_or_excision = Biopsie ou exérèse urgente
case-outcome = Suite donnée
outcome-in-person = Date de la consultation
outcome-biopsy = Date de la biopsie
outcome-histology = Résultat histologique
outcome-histology-date = Date de l'histologie
outcome-treatment = Date du traitement
outcome-blank-keeps = Un champ laissé vide garde ce qui est déjà enregistré.
outcome-save = Enregistrer la suite
outcome-saved = Suite enregistrée.
case-close = Clôturer la demande
case-close-rating = Cet avis vous a-t-il été utile ? (1 à 5)
case-cancel = Annuler la demande
case-cancel-confirm = Annuler cette demande ? Elle quittera la file d'attente.
case-history = Historique

# Ce qu'il faut corriger
invalid-field = Vérifiez ce champ.
invalid-priority = Choisissez la priorité.
invalid-patient-ref = Indiquez votre référence patient, sur une ligne (64 caractères au plus, pas de nom).
invalid-age = Indiquez l'âge du patient, de 0 à 130 ans.
invalid-sex = Indiquez le sexe du patient.
invalid-body-site = Indiquez la localisation de la lésion (200 caractères au plus).
invalid-question = Posez votre question au dermatologue (4 000 caractères au plus).
invalid-phototype = Le phototype va de 1 à 6.
invalid-duration = 200 caractères au plus.
invalid-evolution = 4 000 caractères au plus.
invalid-history = 4 000 caractères au plus.
invalid-treatments = 4 000 caractères au plus.
invalid-consent = Le consentement du patient est nécessaire pour envoyer la demande.
invalid-photos = Ajoutez au moins une photo de la lésion.
invalid-kind = Choisissez le type de chaque photo.
invalid-message = Écrivez votre réponse au dermatologue.
invalid-histology-result = 4 000 caractères au plus.
photo-numbered = Photo { $number } : { $message }

# Page d'une demande (suite)
field-patient = Patient
patient-age-sex = { $sex }, { $age } ans
case-consent = Consentement
case-consent-on = recueilli le { $date }
photo-label = Photo { $number } · { $kind }
case-replied-on = Votre réponse du { $date }
case-reply-photos = Nouvelles photos (si demandées)
case-cancel-yes = Oui, annuler la demande
outcome-recorded-by = Dernière mise à jour : { $name }, { $date }
invalid-outcome = Indiquez au moins une date ou le résultat histologique.
invalid-in-person-date = Une date valide, pas avant l'envoi de la demande.
invalid-biopsy-date = Une date valide, pas avant l'envoi de la demande.
invalid-histology-date = Une date valide, pas avant l'envoi de la demande.
invalid-treatment-date = Une date valide, pas avant l'envoi de la demande.
done-sent = Demande envoyée. Vous serez prévenu dès qu'un dermatologue répond.
done-reply = Réponse envoyée au dermatologue.
done-outcome = Suite enregistrée.
done-close = Demande clôturée. Merci.
done-cancel = Demande annulée.
event-submitted = Demande envoyée
event-claimed = Prise en charge
event-released = Remise en file
event-lease_expired = Remise en file (délai de prise en charge dépassé)
event-info_requested = Question du dermatologue
event-replied = Votre réponse
event-answered = Réponse du dermatologue
event-cancelled = Annulée
event-closed = Clôturée
event-outcome_recorded = Suite enregistrée
