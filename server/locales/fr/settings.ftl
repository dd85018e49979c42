# La page des préférences (/settings) : langue et notifications, pour chaque rôle.

nav-settings = Préférences
settings-title = Préférences
settings-done-saved = Préférences enregistrées.
settings-refused = Rien n'a été enregistré. Vérifiez :
settings-save = Enregistrer

settings-where-title = Où partent vos messages
settings-email-address = Adresse e-mail
settings-email-address-hint = Votre adresse de connexion : c'est là que partent les e-mails.
settings-email-sending = Envoi d'e-mails
settings-email-on = Ce serveur envoie des e-mails.
settings-email-off = L'e-mail est désactivé sur ce serveur : seuls les webhooks sont envoyés. Les choix « E-mail » n'envoient rien.
settings-webhook = Webhook
settings-webhook-set = Une adresse de webhook est enregistrée pour votre compte.
settings-webhook-none = Aucune adresse de webhook n'est enregistrée pour votre compte : les choix « Webhook » n'envoient rien, et « Les deux » n'envoie que l'e-mail. Votre administrateur peut en enregistrer une.

settings-language-title = Langue
settings-language = Langue des pages et des e-mails
settings-language-hint = Vos e-mails sont écrits dans cette langue ; en enregistrant, vos pages passent aussi dans cette langue.
settings-language-fr = Français
settings-language-en = English

settings-kinds-title = Notifications
settings-kinds-intro = Pour chaque événement, choisissez comment vous en êtes prévenu ; « par défaut » marque le choix prévu pour votre rôle. Les messages ne contiennent jamais de données cliniques.
settings-no-kinds = Les administrateurs ne reçoivent aucune notification : seule votre langue se règle ici.
settings-default = (par défaut)
settings-channel-email = E-mail
settings-channel-webhook = Webhook
settings-channel-both = Les deux
settings-channel-none = Aucun

settings-kind-case-queued = Nouveaux cas dans votre file
settings-about-case-queued = Un cas arrive dans la file d'un territoire où vous êtes d'astreinte. Par e-mail, un message au plus toutes les 15 minutes, qui liste les arrivées.
settings-kind-case-replied = Réponse du médecin traitant
settings-about-case-replied = Le médecin traitant a répondu à votre demande d'informations : le cas vous revient.
settings-kind-case-answered = Réponse à votre demande
settings-about-case-answered = Un dermatologue a répondu à l'une de vos demandes de télé-expertise.
settings-kind-info-requested = Question du dermatologue
settings-about-info-requested = Le dermatologue vous demande des informations ou de nouvelles photos avant de répondre.
settings-kind-sla-reminder = Rappel : un cas attend toujours
settings-about-sla-reminder = La moitié du délai de réponse est passée et un cas de votre astreinte n'est toujours pas pris en charge.
settings-kind-sla-offered = Renfort demandé par un territoire voisin
settings-about-sla-offered = À 80 % de son délai, un cas d'un territoire que le vôtre épaule vous est proposé.
settings-kind-sla-warning = Cas à risque
settings-about-sla-warning = Un cas de vos territoires a consommé 80 % de son délai sans première réponse.
settings-kind-sla-breached-gp = Délai dépassé pour votre demande
settings-about-sla-breached-gp = Votre demande n'a pas reçu de réponse dans le délai prévu ; la coordination du territoire la suit.
settings-kind-sla-breached = Délai dépassé
settings-about-sla-breached = Un cas de vos territoires a dépassé son délai de première réponse.
settings-kind-digest = Résumé quotidien
settings-about-digest = Une fois par jour, les chiffres de la veille pour vos territoires. Par e-mail seulement.

settings-invalid-language = Choisissez français ou anglais.
settings-invalid-channel = Choisissez l'un des choix proposés : E-mail, Webhook, Les deux ou Aucun.
settings-invalid-not-yours = Ce type de message n'est pas envoyé à votre rôle.
settings-invalid-digest = Le résumé quotidien est envoyé par e-mail seulement : choisissez E-mail ou Aucun.
settings-invalid-form = Vérifiez ce champ.
