# E-mails: never clinical content, only the event, the case's reference, the territory, the due
# time and a link.
mail-greeting = Hello { $name },
mail-footer = Automatic message from telederm. To keep medical confidentiality it holds no clinical data: everything is read on telederm, once signed in.
mail-settings = Choose the messages you receive
mail-case-line = Case { $reference } · { $territory }
mail-case-line-due = Case { $reference } · { $territory } · response due by { $due }

mail-subject-case-answered = [telederm] Your request { $reference } was answered
mail-lead-case-answered = A dermatologist answered your tele-expertise request.
mail-action-case-answered = Read the answer

mail-subject-case-info-requested = [telederm] The dermatologist has a question about { $reference }
mail-lead-case-info-requested = The dermatologist asks you for information or new photos before answering. The response time is paused until you reply.
mail-action-case-info-requested = Reply to the dermatologist

mail-subject-sla-breached = [telederm] Response time exceeded: { $reference }
mail-lead-sla-breached-gp = Your request was not answered within its response time. The territory's coordination has been told and is following it up.
mail-action-sla-breached-gp = See the request
mail-lead-sla-breached = This case's first-response time has run out.
mail-action-sla-breached = See the case's trail

mail-subject-sla-warning = [telederm] Case at risk: { $reference }
mail-lead-sla-warning = This case has used 80% of its response time without a first response; it is offered to the fallback territories.
mail-action-sla-warning = See the case's trail

mail-subject-new-cases = { $count ->
    [one] [telederm] One new case to take
   *[other] [telederm] { $count } new cases to take
}
mail-lead-new-cases = { $count ->
    [one] One case arrived in the queue you are on call for:
   *[other] { $count } cases arrived in the queue you are on call for:
}
mail-action-new-cases = Open the queue

mail-subject-case-replied = [telederm] The GP replied: { $reference }
mail-lead-case-replied = The GP replied to your request for information. The case is back with you.
mail-action-case-replied = Resume the case

mail-subject-sla-reminder = [telederm] Reminder: { $reference } is still waiting
mail-lead-sla-reminder = Half of the response time has gone and nobody has taken this case yet.
mail-action-sla-reminder = Open the queue

mail-subject-sla-offered = [telederm] Help wanted: { $reference }
mail-lead-sla-offered = Nobody has taken this case from a neighbouring territory yet, at 80% of its response time. You may take it from your queue.
mail-action-sla-offered = Open the queue

mail-subject-digest = [telederm] Summary of { $day }
mail-lead-digest = Your territories on { $day }:
mail-digest-territory = { $territory }: { $received } received, { $responded } first responses, { $breached } breached · now { $open } waiting, { $at_risk } of them at risk
mail-action-digest = Open the dashboard
