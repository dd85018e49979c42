# Shared layout, sign-in, errors and dates: every page.

app-name = telederm
layout-skip-link = Skip to content
layout-signed-in-as = Signed in: { $name }
layout-sign-out = Sign out
# The link to the other language, written in that language.
layout-language-other = Français

sign-in-title = Sign in
sign-in-intro = Dermatology tele-expertise: sign in with your professional e-mail address.
sign-in-email = E-mail address
sign-in-password = Password
sign-in-submit = Sign in
sign-in-refused = Wrong e-mail address or password.
sign-in-rate-limited = Too many failed attempts. Try again in { $minutes ->
    [one] one minute
   *[other] { $minutes } minutes
}.
sign-in-expired = Your session has expired: please sign in again.
sign-in-signed-out = You are signed out.


error-title = Cannot go on
error-csrf = The request was refused: it did not come from a telederm page, or the page was too old. Reload the page and try again.
error-not-found = This page does not exist.
error-forbidden = This action is not open to you.
error-conflict = The case changed meanwhile (taken, answered or cancelled). Reload the page.
error-case-erased = This case was erased: its retention period ended, or an administrator erased it. Its photos and clinical text no longer exist anywhere.
error-invalid = The form sent is not valid. Reload the page and try again.
error-too-large = The form sent is too large.
error-internal = Something went wrong on our side. Try again in a moment; if it keeps happening, tell the administrator.
error-back-home = Back to the home page

# Dates: "Tue 8 Dec 16:37"
datetime-short = { $weekday } { $day } { $month } { $time }
weekday-1 = Mon
weekday-2 = Tue
weekday-3 = Wed
weekday-4 = Thu
weekday-5 = Fri
weekday-6 = Sat
weekday-7 = Sun
month-1 = Jan
month-2 = Feb
month-3 = Mar
month-4 = Apr
month-5 = May
month-6 = Jun
month-7 = Jul
month-8 = Aug
month-9 = Sep
month-10 = Oct
month-11 = Nov
month-12 = Dec

# Spans and days
duration-minutes = { $a } min
duration-hours-only = { $a } h
duration-hours = { $a } h { $b } min
duration-days-only = { $a } d
duration-days = { $a } d { $b } h
date-short = { $day } { $month } { $year }

nav-label = Pages
nav-my-cases = My cases
nav-new-case = New case
nav-queue = Case queue
nav-phrases = My phrases
nav-dashboard = Dashboard
nav-rota = Rota
nav-audit = Audit trail
nav-admin = Administration
