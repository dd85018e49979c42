# The coordinator's pages: response-time dashboard, audit trail. Never clinical text.

coord-nav = Coordination
coord-dashboard-title = Dashboard
coord-audit-title = Audit trail

# Period and territory
coord-field-from = From
coord-field-to = To (included)
coord-field-territory = Territory
coord-all-territories = All my territories
coord-show = Show
coord-period = Cases sent from { $from } to { $to } included (days and weeks of { $zone }).
coord-invalid-date = A date as day/month/year.
coord-invalid-order = The end must come after the start.
coord-invalid-too-long = A period of 400 days at most.
coord-invalid-period = This period cannot be shown.
coord-invalid-territory = Choose one of your territories.

# Summary
coord-summary = Summary
coord-within-target = First response within target: { $within } of { $responded } ({ $percent }).
coord-target = Target { $priority }, territory { $territory }: { $hours }.
coord-target-legend = target { $hours }
coord-hours = { $hours } h
coord-percent = { $value }%
coord-none = –
coord-total = Total
coord-unassigned = No dermatologist yet
coord-priority-urgent = urgent
coord-priority-routine = routine
coord-cases-urgent = urgent cases
coord-cases-routine = routine cases
coord-week-label = { $day } { $month }

# Charts
coord-response-title = Time to first response per week
coord-response-hint = Median (solid line, dots) and 90th percentile (dashes, triangles) of the cases sent each week, against the target (dotted).
coord-chart-response = Time to first response of { $cases }, per week, in hours
coord-legend-median = median
coord-legend-p90 = 90th percentile
coord-axis-hours = hours
coord-axis-cases = cases
coord-breaches-title = Breaches per week
coord-chart-breaches = Cases that missed their target, per week sent
coord-open-title = Open cases by age
coord-open-hint = Now, whatever the period: cases neither answered nor cancelled, those waiting on the GP included.
coord-chart-open = Open cases, by age
coord-age-under-1-day = under 1 day
coord-age-1-to-2-days = 1 to 2 days
coord-age-2-to-7-days = 2 to 7 days
coord-age-over-7-days = over 7 days

# Cases at risk
coord-at-risk-title = Cases at risk now
coord-at-risk-hint = Not answered and past 50% of their target (the clock stops while the GP is asked). The link opens the history, with no clinical content.
coord-case-history = Case { $case }
coord-step-half = past 50%
coord-step-warned = past 80%
coord-step-overdue = overdue
coord-status-queued = queued
coord-status-claimed = claimed
coord-status-info-requested = waiting on the GP
coord-no-case-at-risk = No case at risk.
coord-no-case = No case in the period.

# Tables
coord-groups-title = Per dermatologist and per priority
coord-table-response = Time to first response per week, { $cases }
coord-table-breaches = Breaches per week
coord-table-open-cases = Open cases by age
coord-table-at-risk = Cases at risk
coord-table-dermatologists = Per dermatologist (first to respond)
coord-table-priorities = Per priority
coord-col-week = Week of
coord-col-cases = Cases
coord-col-responded = Responded
coord-col-answered = Answered
coord-col-median = Median
coord-col-p90 = 90th percentile
coord-col-breaches = Breaches
coord-col-breach-rate = Breach rate
coord-col-open = Open
coord-col-at-risk = At risk
coord-col-dermatologist = Dermatologist
coord-col-priority = Priority
coord-col-age = Age
coord-col-case = Case
coord-col-territory = Territory
coord-col-status = Status
coord-col-submitted = Sent
coord-col-due = Due
coord-col-step = Progress
coord-download-csv = Download as CSV

# Audit trail
coord-field-case = Case (id)
coord-field-person = Person
coord-field-action = Action
coord-anyone = Anyone
coord-any-action = Any action
coord-filter = Filter
coord-verify = Verify the chain
coord-invalid-case = The case's full id (the one of its "Case" link).
coord-invalid-person = Choose someone from the list.
coord-audit-caption = Lines of the trail, newest first
coord-audit-empty = No line for these filters.
coord-col-when = When
coord-col-person = Person
coord-col-action = Action
coord-col-detail = Detail
coord-system = System
coord-pages = Pages of the trail
coord-newest = Newest
coord-older = Older
coord-verify-ok-title = Chain intact
coord-verify-broken-title = Chain broken
coord-verify-intact = { $lines } lines checked: each follows from the one before.
coord-verify-broken = { $lines } lines checked; line { $seq } does not follow from the one before: the trail was changed.
coord-verify-pending = { $pending ->
    [one] One newer line awaits its seal (within a second): verify again to include it.
   *[other] { $pending } newer lines await their seal (within a second): verify again to include them.
}
coord-head-hash = Head hash:
coord-head-hash-hint = Note it down elsewhere (a register, a dated e-mail): rewriting the whole trail would change it.
coord-action-case-submitted = Case sent
coord-action-case-read = Case read
coord-action-photo-read = Photo viewed
coord-action-case-claimed = Claimed
coord-action-case-released = Released to the queue
coord-action-case-lease-expired = Claim expired
coord-action-case-info-requested = Information requested
coord-action-case-replied = GP replied
coord-action-case-answered = Answered
coord-action-case-outcome-recorded = Outcome recorded
coord-action-case-closed = Case closed
coord-action-case-cancelled = Case cancelled
coord-action-sla-remind = Reminder at 50%
coord-action-sla-offer = Offered to fallback territories (80%)
coord-action-sla-breach = Target missed
coord-action-auth-login = Signed in
coord-action-auth-login-failed = Sign-in refused
coord-action-auth-logout = Signed out
coord-action-shift-created = Shift added
coord-action-shift-deleted = Shift removed
coord-action-sla-policy-set = Target changed
coord-action-territory-created = Territory created
coord-action-territory-updated = Territory changed
coord-action-user-created = Account created
coord-action-user-disabled = Account disabled
coord-action-user-webhook-set = Webhook changed
coord-action-user-webhook-secret-rotated = Webhook secret rotated
coord-action-keys-rotated = Keys rotated
coord-action-notification-retried = Notification retried
coord-action-audit-gap = Unused number (its write was cancelled)
