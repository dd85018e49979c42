# The GP's pages: new case, my cases, a case's page.

gp-new-case-title = New case
gp-new-case-intro = Photograph the lesion, describe it in a few words: an on-call dermatologist of your territory answers within hours.
gp-my-cases-title = My cases
gp-case-title = Case of { $date }

field-priority = Priority
priority-routine = Routine
priority-urgent = Urgent
priority-urgent-hint = Urgent: suspected melanoma or a growing carcinoma.
field-patient-ref = Your patient reference
field-patient-ref-hint = Your own reference (no name): it is stored encrypted.
field-age = Age (years)
field-sex = Sex
sex-female = Female
sex-male = Male
sex-other = Other
field-phototype = Phototype (Fitzpatrick)
field-phototype-unknown = Not given
field-body-site = Body site
field-body-site-hint = Tap the area on the body map, or type it (you can add detail).
body-map-front = Front
body-map-back = Back
field-question = Your question
field-duration = Since when?
field-evolution = Evolution
field-history = History
field-treatments = Treatments tried
field-consent = The patient consented to this tele-expertise and to their photos being sent.
field-required = required

site-head = head
site-face = face
site-neck = neck
site-chest = chest
site-abdomen = abdomen
site-upper-back = upper back
site-lower-back = lower back
site-left-arm = left arm
site-right-arm = right arm
site-left-forearm = left forearm
site-right-forearm = right forearm
site-left-hand = left hand
site-right-hand = right hand
site-left-thigh = left thigh
site-right-thigh = right thigh
site-left-leg = left leg
site-right-leg = right leg
site-left-foot = left foot
site-right-foot = right foot
site-scalp = scalp
site-buttocks = buttocks
site-left-calf = left calf
site-right-calf = right calf

photos-title = Photos
photos-hint = An overview, then a close-up; dermoscopy if you have it. JPEG, PNG or WebP.
photo-add = Add a photo
photo-choose = Take or choose a photo
photo-kind = Kind of photo
kind-overview = Overview
kind-closeup = Close-up
kind-dermoscopy = Dermoscopy
photo-checking = Checking the photo…
photo-ok = Photo checked: { $width } × { $height } pixels.
photo-removed = Removed before sending: { $what }.
photo-removed-nothing = No identifying data to remove.
photo-retake = Retake the photo
photo-network-error = The photo could not be checked (connection). Try again.

removed-gps = GPS position
removed-camera = camera and serial numbers
removed-datetime = date and time taken
removed-thumbnail = embedded thumbnail
removed-exif = other EXIF data
removed-xmp = XMP data
removed-iptc = IPTC data
removed-comment = comments
removed-secondary-image = secondary images (depth, previews)
removed-trailing-data = data after the image
removed-png-text = PNG text
removed-png-time = PNG date
removed-other = other metadata

quality-too-small = The photo is too small: take it again closer, without digital zoom.
quality-blurred = The photo is blurred: take it again closer, holding the phone still.
quality-underexposed = The photo is too dark: take it again near a window or with more light.
quality-overexposed = The photo is overexposed: avoid direct flash and sunlight.

refused-unsupported = This file is not a photo we take ({ $what }). On an iPhone, pick the photo from the camera or the library: it is sent as JPEG. On a computer, export it as JPEG.
refused-too-large = This photo is too large to process. Send it smaller (12 megapixels are plenty).
refused-corrupt = This file is damaged: take the photo again.
refused-busy = The service is very busy: try again in a few seconds.

send-case = Send the case
sending = Sending…
send-network-error = Sending failed (connection). Nothing is lost: try again.
send-fix = Fix what is flagged and send again: your photos and answers are kept.

list-empty = No cases yet.
list-new = New case
list-waiting = waiting for { $duration }
list-due = answer expected by { $date }
expected-read-answer = Answer to read
expected-answer-question = Question to answer
list-next = Older cases
list-previous = Newer cases

status-queued = Waiting for a dermatologist
status-claimed = Being reviewed
status-info_requested = Question from the dermatologist
status-answered = Answered
status-closed = Closed
status-cancelled = Cancelled

case-sent = What you sent
case-photos-full = Tap a photo to see it at full resolution.
case-questions = The dermatologist's questions
case-asked-by = { $name }, { $date }
case-new-photos-wanted = New photos are wanted.
case-your-reply = Your reply
case-reply = Reply
case-reply-send = Send the reply
case-answer = The dermatologist's answer
case-answered-by = Answered by { $name } on { $date }
answer-diagnosis = Diagnosis
answer-management = Management
answer-delay = Within
answer-delay-days = { $days ->
    [one] { $days } day
   *[other] { $days } days
}
answer-report = Report
management-reassure = Reassure
management-treat = Treat
management-follow_up_photos = Follow-up photos
management-in_person_consult = In-person consultation
management-urgent_biopsy_or_excision = Urgent biopsy or excision
case-outcome = What happened next
outcome-in-person = Consultation date
outcome-biopsy = Biopsy date
outcome-histology = Histology result
outcome-histology-date = Histology date
outcome-treatment = Treatment date
outcome-save = Save
outcome-saved = Saved.
case-close = Close the case
case-close-rating = Was this answer useful? (1 to 5)
case-cancel = Cancel the case
case-cancel-confirm = Cancel this case? It will leave the queue.
case-history = History
