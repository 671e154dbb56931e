# Following and alerts.
follow-button = Follow
follow-search = Follow this search
follows-title = What you follow
follows-text = You get an e-mail when something new happens (at once, or once a day), and everything is also in your Atom feed.
follows-none = You follow nothing yet. Use the Follow buttons on purchases, organisations, searches and cases.
follows-stop = Stop following
follows-feed = Your feed
follows-feed-text = A private address for feed readers. Do not share it: it shows what you follow.
follows-kind-process = Purchase
follows-kind-organisation = Organisation
follows-kind-region = Region
follows-kind-search = Search
follows-mode-immediate = E-mail at once
follows-mode-digest = E-mail once a day
follows-to-immediate = E-mail me at once
follows-to-digest = E-mail me once a day
unsubscribe-title = Unsubscribe
unsubscribe-text = Stop these e-mails?
unsubscribe-button = Unsubscribe
unsubscribe-done = You will not get these e-mails any more.
alert-process-changed = The purchase changed: { $title }
alert-new-flag = New red flag "{ $flag }": { $title }
alert-new-process = New or changed purchase: { $title }
alert-more = { $count ->
    [one] and { $count } more purchase
   *[other] and { $count } more purchases
}
alert-case-step = Case "{ $case }": { $step }
alert-deadline-approaching = Case "{ $case }": the answer is due by { $due }
alert-deadline-missed = Case "{ $case }": no answer by the deadline { $due }
alert-unsubscribe = To stop these e-mails, open:
alert-digest-subject = { $count ->
    [one] Achyk: { $count } new item
   *[other] Achyk: { $count } new items
}
follow-region = Follow this region
follows-kind-project = Project
alert-project-changed = The project changed: { $title }
alert-project-visits = { $count ->
    [one] A new site visit to { $title }
   *[other] { $count } new site visits to { $title }
}
alert-project-late = The project is now late: { $title }
