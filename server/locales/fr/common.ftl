# Mise en page commune, connexion, erreurs et dates : toutes les pages.

app-name = telederm
layout-skip-link = Aller au contenu
layout-signed-in-as = Connecté : { $name }
layout-sign-out = Se déconnecter
# Le lien vers l'autre langue, écrit dans cette autre langue.
layout-language-other = English

sign-in-title = Connexion
sign-in-intro = Télé-expertise en dermatologie : connectez-vous avec votre adresse e-mail professionnelle.
sign-in-email = Adresse e-mail
sign-in-password = Mot de passe
sign-in-submit = Se connecter
sign-in-refused = Adresse e-mail ou mot de passe incorrect.
sign-in-rate-limited = Trop de tentatives échouées. Réessayez dans { $minutes ->
    [one] une minute
   *[other] { $minutes } minutes
}.
sign-in-expired = Votre session a expiré : reconnectez-vous.
sign-in-signed-out = Vous êtes déconnecté.


error-title = Impossible de continuer
error-csrf = La demande a été refusée : elle ne venait pas d'une page de telederm ou la page était trop ancienne. Rechargez la page et recommencez.
error-not-found = Cette page n'existe pas.
error-forbidden = Cette action ne vous est pas ouverte.
error-conflict = La demande a changé entre-temps (prise en charge, répondue ou annulée). Rechargez la page.
error-case-erased = Cette demande a été effacée : sa durée de conservation a pris fin, ou un administrateur l'a effacée. Ses photos et son texte clinique n'existent plus nulle part.
error-invalid = Le formulaire envoyé n'est pas valide. Rechargez la page et recommencez.
error-too-large = Le formulaire envoyé est trop volumineux.
error-internal = Une erreur s'est produite de notre côté. Réessayez dans un instant ; si elle persiste, prévenez l'administrateur.
error-back-home = Retour à l'accueil

# Dates : « mar. 8 déc. 16:37 »
datetime-short = { $weekday } { $day } { $month } { $time }
weekday-1 = lun.
weekday-2 = mar.
weekday-3 = mer.
weekday-4 = jeu.
weekday-5 = ven.
weekday-6 = sam.
weekday-7 = dim.
month-1 = janv.
month-2 = févr.
month-3 = mars
month-4 = avr.
month-5 = mai
month-6 = juin
month-7 = juil.
month-8 = août
month-9 = sept.
month-10 = oct.
month-11 = nov.
month-12 = déc.

# Durées et dates
duration-minutes = { $a } min
duration-hours-only = { $a } h
duration-hours = { $a } h { $b } min
duration-days-only = { $a } j
duration-days = { $a } j { $b } h
date-short = { $day } { $month } { $year }

nav-label = Pages
nav-my-cases = Mes demandes
nav-new-case = Nouvelle demande
nav-queue = File des demandes
nav-phrases = Mes phrases
nav-dashboard = Tableau de bord
nav-rota = Astreintes
nav-audit = Journal d'audit
nav-admin = Administration
