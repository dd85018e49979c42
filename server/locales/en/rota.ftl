# The coordinator's rota page.

rota-title = On-call rota
rota-territory = Territory
rota-show = Show
rota-weeks = Weeks
rota-week-of = Week of { $from } to { $to }
rota-previous-week = ← Previous week
rota-next-week = Next week →
rota-times-in = Times in
rota-fallbacks = Fallback territories:
rota-day = { $weekday } { $day } { $month }
rota-hour = Hour
rota-grid-caption = Who is on call, hour by hour
rota-gap = Gap: nobody on call
rota-partly = part of the hour: { $names }
rota-cover-fallback = Covered by fallback { $codes }
rota-legend-on-call = On call here
rota-legend-fallback = Fallback territory only
rota-legend-gap = Gap: nobody on call, no fallback
rota-gaps-title = Gaps in cover
rota-gaps-intro = At these times nobody is on call here and no fallback territory covers: cases would wait.
rota-no-gaps = None this week: every hour is covered, here or by a fallback territory.
rota-fallbacks-unknown = Cover of fallback territories you do not manage is not shown (counted as nobody):

rota-add-title = Add a shift
rota-dermatologist = Dermatologist
rota-choose-dermatologist = Choose a dermatologist
rota-starts = Starts
rota-ends = Ends
rota-add = Add the shift
rota-shifts-title = Shifts this week
rota-no-shifts = No shift this week.
rota-move = Change times
rota-move-save = Save the new times
rota-remove = Remove
rota-remove-confirm = Remove this shift? Nobody from it will be on call at these times any more.
rota-remove-yes = Yes, remove the shift

rota-targets-title = Response targets
rota-targets-intro = Time allowed for the first response (an answer or a request for information). Cases already sent keep their target.
rota-target-default = default
rota-target-hours = Target, in hours
rota-clock = The clock counts
rota-clock-calendar = every hour
rota-clock-business = working hours only
rota-target-save = Save the target

rota-calendar-title = Working hours and holidays
rota-working-days = Working days
rota-hours-start = Opening time
rota-hours-end = Closing time
rota-holidays = Public holidays
rota-holidays-hint = One date a line, as 2026-12-25.
rota-no-holidays = none
rota-calendar-save = Save hours and holidays
rota-calendar-admin-only = They count for targets in working hours; the territory's coordinators and the admins change them.

rota-refused = Nothing was changed. Check:
rota-invalid-dermatologist = Choose a dermatologist from the list.
rota-invalid-start = Give the start date and time.
rota-invalid-end = Give the end date and time.
rota-invalid-end-before-start = The end must come after the start.
rota-invalid-too-long = A shift lasts 31 days at most.
rota-invalid-overlap = This dermatologist already has a shift here at these times.
rota-invalid-form = The form is not valid: reload the page.
rota-invalid-target = A number of hours, from 1 minute (0.02) to 60 days (1440).
rota-invalid-holidays = Dates as 2026-12-25, one a line.
rota-invalid-hours = At least one working day, and opening before closing.

rota-done-added = Shift added.
rota-done-moved = Shift moved (removed and added again at the new times).
rota-done-removed = Shift removed.
rota-done-target = Target saved.
rota-done-calendar = Working hours and holidays saved.
