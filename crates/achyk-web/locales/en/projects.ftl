# Infrastructure projects (OC4IDS): the list, the map, a project's page.
nav-projects = Projects
tender-part-of-project = Part of the infrastructure project:
projects-title = Infrastructure projects
projects-lead = Roads, schools, clinics and water pipes paid from public money: what each costs against its budget, how late it is, and what citizens saw on site.
projects-search-label = Search projects by name
projects-map-label = Map of Kyrgyzstan with the projects found
projects-map-cluster = { $count } projects here, { $alerts } late or over budget
projects-legend-size = a bigger mark: more projects close together
projects-found = { $count ->
    [one] { $shown } project found
   *[other] { $shown } projects found
}
projects-none = No project matches this search.
projects-legend-plain = on time and within budget (as far as known)
projects-legend-alert = late, or 10% or more over budget
projects-map-tiles-label = Interactive map of Kyrgyzstan with the projects found; the list below has the same projects
projects-legend-tiles = pale marks: every project found; solid marks: the projects listed below (select one for its link)
map-tiles-credit = Map tiles: { $attribution }
map-zoom-in = Zoom in
map-zoom-out = Zoom out
project-filter-late = Only late projects
project-filter-flagged = Only projects with red flags
project-filter-over = Over budget
project-filter-over-at-least = by { $percent }% or more
project-sector = Sector
project-status = Stage
project-sector-education = Education
project-sector-health = Health
project-sector-energy = Energy
project-sector-communications = Communications
project-sector-waterAndWaste = Water and sanitation
project-sector-governance = Public administration
project-sector-economy = Economy
project-sector-cultureSportsAndRecreation = Culture and sport
project-sector-transport = Roads and transport
project-sector-socialHousing = Social housing
project-sector-naturalResources = Natural resources
project-sector-unknown = A project
project-status-identification = Being identified
project-status-preparation = Being prepared
project-status-implementation = Under construction
project-status-completion = Completed
project-status-maintenance = In use and maintained
project-status-decommissioning = Being decommissioned
project-status-decommissioned = Decommissioned
project-status-cancelled = Cancelled
project-budget = Budget
project-value-now = Cost now
project-over-budget = { $percent } over budget
project-days-late = { $days ->
    [one] { $days } day late
   *[other] { $days } days late
}
project-days = { $days ->
    [one] { $days } day
   *[other] { $days } days
}
project-on-time = on time
project-summary-what = { $sector }: { $place }.
project-summary-who = Public body responsible: { $authority }.
project-summary-builders = Built by: { $names }.
project-summary-over = Budget { $budget }; it costs { $value } now, { $percent } more than budgeted.
project-summary-within = Budget { $budget }; it costs { $value } now, within the budget.
project-summary-budget = Budget { $budget }.
project-summary-finished-late = It was to be finished by { $planned } and was finished on { $finished }: { $days ->
    [one] { $days } day late
   *[other] { $days } days late
}.
project-summary-finished = It was to be finished by { $planned } and was finished on { $finished }.
project-summary-open-late = It was to be finished by { $planned } and is still not finished: { $days ->
    [one] { $days } day late
   *[other] { $days } days late
} so far.
project-summary-open = It is to be finished by { $planned }.
project-report = Report a problem with this project
project-measures = What the numbers say
project-warn-mark = Needs attention:
project-measure-unknown = not known
project-measure-over-budget = Cost against budget
project-measure-over-budget-explain = The cost now ({ $value }) against the approved budget ({ $budget }).
project-measure-needs-budget = Needs a budget and a cost in the same currency.
project-measure-over-contracts = Contracts grown since signing
project-measure-over-contracts-explain = The contracts now ({ $current }) against the sums signed ({ $original }).
project-measure-needs-contracts = Needs the contracts' values in one currency.
project-measure-late = Delay
project-measure-late-explain = Days past the planned end ({ $planned }), until it was finished or until today.
project-measure-needs-end = Needs a planned end date.
project-measure-direct = Awarded without competition
project-measure-direct-explain = The share of the contracts' value awarded directly to one supplier, with no tender.
project-measure-modifications = Contract changes
project-measure-modifications-explain = How many times the contracts were changed after signing (price, time or scope).
project-measure-flags = Red flags
project-measure-flags-explain = Corruption-risk signals raised on the project's purchases (see each purchase).
project-measure-lag = Paid ahead of the work
project-measure-lag-explain = { $paid } of the contracts' value was paid while { $built } of the work was done.
project-progress = Work done and money paid
project-progress-built = Work done
project-progress-paid = Money paid
project-timeline = Timeline
project-modification = Contract changed
project-step-start = Work began
project-step-planned-end = Planned end
project-step-completed = Finished
project-processes = The purchases of this project
project-processes-none = The publisher names no purchase for this project.
project-process = Purchase
project-supplier = Contractor
project-original = Signed for
project-current = Now
project-modifications = Changes
project-flags = Red flags
project-documents = Documents
project-reports = What citizens reported
project-reports-none = No published report about this project yet.
project-source-oc4ids = Published by the responsible body in the Open Contracting for Infrastructure Data Standard (OC4IDS).
project-source-cso = Put together in Achyk by a civil-society monitor from published purchases.
milestone-met = done
milestone-notMet = not done
milestone-partiallyMet = partly done
milestone-scheduled = scheduled
visit-start = Report a site visit
visit-title = Site visit: { $project }
visit-back = Back to the project
visit-lead = Been to the site? Answer a few questions about what you saw. A moderator reads every visit before anything is published; what you answer counts in the project's visit results once published.
visit-day = Day of your visit
visit-work = Is work going on at the site?
visit-work-hint = Workers, machines or materials being used on the day you were there.
visit-signboard = Is there a signboard naming the contractor and the budget?
visit-signboard-hint = The law asks for a board at every construction site with the builder, the cost and the dates.
visit-defects = Can you see defects?
visit-defects-hint-road = Potholes, cracks, crumbling edges, missing drainage, unfinished parts.
visit-defects-hint-water = Leaks, no water at the taps, open trenches, broken fittings.
visit-defects-hint-building = Leaking roof, cracks in walls, broken windows, unfinished work.
visit-in-use = Is it in use?
visit-in-use-hint = Children in the school, patients at the clinic, cars on the road, water in the taps.
visit-answer-yes = Yes
visit-answer-no = No
visit-answer-unsure = I could not tell
visit-signboard-complete = Yes, with the contractor and the budget
visit-signboard-incomplete = Yes, but without the contractor or the budget
visit-signboard-missing = No signboard
visit-signboard-unsure = I could not tell
visit-note = Anything else you saw (optional)
visit-note-hint = Do not write your name or anything that shows who you are.
visit-send = Send the visit
visit-error-day = Give the day of your visit: not in the future.
visit-error-answer = Please answer each question (you can answer "I could not tell").
visit-text-day = Site visit on { $day }.
visit-summary = { $count ->
    [one] { $count } visit since { $since }: { $found }.
   *[other] { $count } visits since { $since }: { $found }.
}
visit-found-work-stopped = work stopped on { $count }
visit-found-signboard-missing = signboard missing on { $count }
visit-found-defects = defects seen on { $count }
visit-found-not-in-use = not in use on { $count }
visit-found-nothing = no problem seen
make-title = Put a project together
make-lead = When no one publishes a project, put it together from the purchases that build it: the works contracts for the same school, road or pipe. Achyk takes each contract's values from the stored purchases and shows where every value came from.
make-name = What is being built
make-type = Kind of work
make-type-construction = New construction
make-type-rehabilitation = Repair or rehabilitation
make-type-expansion = Expansion
make-place = Village or place
make-budget = Budget in som (optional)
make-budget-hint = Only a budget you can show, for example from a local council decision.
make-planned-end = Planned end (optional)
make-processes = The purchases (their ocids)
make-processes-hint = One per line, as on each purchase's page, for example ocds-h7i0z4-240115013.
make-send = Create the project
make-error-title = Give the project a name (at most 300 characters).
make-error-choice = Choose from the lists.
make-error-budget = The budget must be a positive number of som.
make-error-day = The planned end must be a date.
make-error-processes = Name between 1 and 50 purchases.
make-error-unknown = These purchases are not in the database:
make-sources = Where each value comes from
make-source-monitor = entered by the monitor who put the project together
project-purpose = Purpose:
project-parties = Who is involved
project-budget-breakdown = The budget in parts
party-role-buyer = buyer
party-role-procuringEntity = procuring entity
party-role-supplier = contractor
party-role-tenderer = bidder
party-role-funder = funder
party-role-enquirer = enquirer
party-role-payer = payer
party-role-payee = payee
party-role-reviewBody = review body
party-role-interestedParty = interested party
party-role-publicAuthority = public authority
party-role-administrativeEntity = administrative entity
party-role-climateFinanceFocalPoint = climate finance focal point
party-role-independentMonitor = independent monitor
