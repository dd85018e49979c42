# The settings page (/settings): language and notifications, for every role.

nav-settings = Settings
settings-title = Settings
settings-done-saved = Settings saved.
settings-refused = Nothing was saved. Check:
settings-save = Save

settings-where-title = Where your messages go
settings-email-address = E-mail address
settings-email-address-hint = Your sign-in address: e-mails are sent there.
settings-email-sending = Sending e-mail
settings-email-on = This server sends e-mail.
settings-email-off = E-mail is off on this server: only webhooks are sent. "E-mail" choices send nothing.
settings-webhook = Webhook
settings-webhook-set = A webhook URL is set for your account.
settings-webhook-none = No webhook URL is set for your account: "Webhook" choices send nothing, and "Both" sends the e-mail only. Your administrator can set one.

settings-language-title = Language
settings-language = Language of your pages and e-mails
settings-language-hint = Your e-mails are written in this language; saving switches your pages to it too.
settings-language-fr = Français
settings-language-en = English

settings-kinds-title = Notifications
settings-kinds-intro = For each event, choose how you hear of it; "default" marks the choice made for your role. Messages never carry clinical data.
settings-no-kinds = Administrators get no notifications: only your language is set here.
settings-default = (default)
settings-channel-email = E-mail
settings-channel-webhook = Webhook
settings-channel-both = Both
settings-channel-none = None

settings-kind-case-queued = New cases in your queue
settings-about-case-queued = A case enters the queue of a territory where you are on call. By e-mail, at most one message every 15 minutes, listing what arrived.
settings-kind-case-replied = The GP's reply
settings-about-case-replied = The GP replied to your request for information: the case comes back to you.
settings-kind-case-answered = Your case is answered
settings-about-case-answered = A dermatologist answered one of your tele-expertise requests.
settings-kind-info-requested = The dermatologist's question
settings-about-info-requested = The dermatologist asks you for information or new photos before answering.
settings-kind-sla-reminder = Reminder: a case is still waiting
settings-about-sla-reminder = Half the response time has gone and a case of your on-call territory is still unclaimed.
settings-kind-sla-offered = Help asked by a neighbouring territory
settings-about-sla-offered = At 80 % of its response time, a case of a territory yours backs up is offered to you.
settings-kind-sla-warning = Case at risk
settings-about-sla-warning = A case in your territories has used 80 % of its response time without a first response.
settings-kind-sla-breached-gp = Your case is late
settings-about-sla-breached-gp = Your case was not answered within its response time; the territory's coordination follows it up.
settings-kind-sla-breached = Response time exceeded
settings-about-sla-breached = A case in your territories passed its first-response target.
settings-kind-digest = Daily summary
settings-about-digest = Once a day, the day before's figures for your territories. By e-mail only.

settings-invalid-language = Choose French or English.
settings-invalid-channel = Choose one of the choices offered: E-mail, Webhook, Both or None.
settings-invalid-not-yours = This kind of message is not sent to your role.
settings-invalid-digest = The daily summary is sent by e-mail only: choose E-mail or None.
settings-invalid-form = Check this field.
