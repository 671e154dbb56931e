site-name = Achyk
site-tagline = Public procurement in Kyrgyzstan, open to everyone.
skip-to-content = Skip to content
nav-label = Main
nav-home = Home
nav-tenders = Tenders
language-switch = Language
footer-source = Data: the public procurement portal of the Kyrgyz Republic (zakupki.gov.kg), in the Open Contracting Data Standard. Achyk repairs known defects of the feed and says what it changed on each page.
search-label = Search tenders
search-button = Search
home-intro = Achyk shows what the state buys, from whom and for how much, and explains warning signs in plain words.
home-counts = The database holds { $processes_shown } contracting { $processes ->
    [one] process
   *[other] processes
  } and { $organisations_shown } { $organisations ->
    [one] organisation
   *[other] organisations
  }.
home-browse = Browse all tenders
tenders-none = No tenders yet.
page-next = Next page
tender-untitled = Untitled purchase
unknown = unknown
currency-kgs = som
tender-summary = { $buyer } is buying “{ $title }” in { $region }, for an estimated { $value }. { $bids ->
    [0] No bids yet.
    [one] One bid received.
   *[other] { $bids } bids received.
  }
fact-buyer = Buyer
fact-region = Region
fact-value = Estimated value
fact-status = Status
fact-method = Procurement method
fact-category = Category
fact-bids = Bids
fact-deadline = Bids due
fact-ocid = Process identifier (ocid)
event-published = Tender published
event-deadline = Deadline for bids
event-award = Award decision
event-contract = Contract signed
section-timeline = Timeline
section-lots = Lots
section-items = What is bought
section-bids = Bids
section-awards = Awards
section-contracts = Contracts
section-enquiries = Questions from bidders
section-documents = Documents
section-quality = Data quality
section-history = Release history
section-raw = Open data
column-lot = Lot
column-value = Value
column-status = Status
column-item = Item
column-classification = Classification
column-quantity = Quantity
column-bidder = Bidder
column-amount = Amount
column-date = Date
column-supplier = Supplier
column-contract = Contract
column-signed = Signed
column-change = Change
column-field = Field
column-before = Before
column-after = After
column-release = Release
column-stage = Stage
bids-none = No bids are published for this process.
enquiry-unanswered = Not answered.
document-no-link = no link published
quality-none = Achyk changed nothing in this process's data.
quality-intro = The publisher's data did not follow the standard in these places. Achyk repaired it as shown; the data as received is kept unchanged.
raw-link = This process as OCDS JSON
error-not-found = Page not found
error-not-found-text = There is nothing at this address. It may have been mistyped, or the process is not in the database.
error-internal = Something went wrong
error-internal-text = The page could not be made. Please try again in a moment.
status-planning = planning
status-planned = planned
status-active = open
status-cancelled = cancelled
status-unsuccessful = unsuccessful
status-complete = complete
status-withdrawn = withdrawn
method-open = open tender
method-selective = selective tender
method-limited = limited tender
method-direct = direct (single source)
category-goods = goods
category-works = works
category-services = services
bid-status-invited = invited
bid-status-pending = pending
bid-status-valid = valid
bid-status-disqualified = disqualified
bid-status-withdrawn = withdrawn
award-status-pending = pending
award-status-active = awarded
award-status-cancelled = cancelled
award-status-unsuccessful = not awarded
contract-status-pending = pending
contract-status-active = in force
contract-status-cancelled = cancelled
contract-status-terminated = completed or terminated
tag-planning = planning
tag-tender = tender
tag-tenderAmendment = tender amended
tag-tenderUpdate = tender updated
tag-tenderCancellation = tender cancelled
tag-award = award
tag-awardUpdate = award updated
tag-awardCancellation = award cancelled
tag-contract = contract
tag-contractUpdate = contract updated
tag-contractAmendment = contract amended
tag-implementation = implementation
tag-implementationUpdate = implementation updated
tag-contractTermination = contract ended
tag-compiled = compiled
rule-party-name-from-legal-name = A party had no name: its legal name is used.
rule-kyrgyz-name-tagged = The Kyrgyz name was labelled with the wrong language code (kg, which is Kongo): it is now labelled ky.
rule-procuring-entity-id-resolved = The procuring entity's identifier held its name: it is replaced by the organisation's tax number.
rule-procuring-entity-id-unresolved = The procuring entity's identifier names no organisation in the data.
rule-buyer-from-procuring-entity = No buyer was given: the procuring entity is the buyer.
rule-award-suppliers-from-bid = The award did not name its supplier: it is the bidder of the winning bid.
rule-award-bid-not-found = The award refers to a bid that is not published.
rule-bid-value-from-lots = The bid price was published per lot: it is shown as the bid's price.
rule-bid-split-per-lot = One bid covered several lots: it is shown as one bid per lot, each with its own price.
rule-contract-award-linked = The contract's award is linked in the standard way.
rule-contract-awards-ambiguous = The contract names several awards: none is picked.
rule-category-mapped = The purchase category was not a standard one: it is mapped to goods, works or services.
rule-single-source-method = This is a single-source purchase published as another method: it is shown as direct.
rule-zero-value-removed = A value of 0 was published where the value is unknown: it is left out.
rule-status-mapped = A status outside the standard list is translated to the standard one.
rule-status-outside-codelist = A status outside the standard list is kept as published.
rule-document-without-url = A document is listed without a link.
rule-region-unresolved = The buyer's region could not be found from its address.
rule-tenderers-counted = The number of tenderers was not published: it is counted from the bids.
filters = Filters and sorting
filters-apply = Apply
filter-any = any
filter-year = Year
filter-min = Value from (som)
filter-max = Value up to (som)
sort-label = Order
sort-newest = newest first
sort-oldest = oldest first
sort-value-high = highest value first
sort-value-low = lowest value first
tenders-found = { $count ->
    [0] Nothing found.
    [one] { $shown } process found.
   *[other] { $shown } processes found.
  }
pages-label = Pages
page-previous = Previous page
page-of = Page { $page } of { $pages }
fact-identifier = Identifier
fact-address = Address
organisation-as-buyer = Processes as buyer
organisation-as-supplier = Processes won
organisation-more = All its processes
organisation-buyer-summary = As a buyer: { $processes_shown } { $processes ->
    [one] process
   *[other] processes
  } with an estimated { $value } in all; { $average_bids } bids per process that received any; { $single_bid }% of those had a single bid; { $direct }% were direct purchases.
organisation-supplier-summary = As a supplier: won { $processes_shown } { $processes ->
    [one] process
   *[other] processes
  }.
nav-about = About the data
about-sources = Where the data comes from
about-sources-text = Achyk reads the Open Contracting Data Standard (OCDS) feed of the public procurement portal of the Kyrgyz Republic (ocds.zakupki.gov.kg). Every release is kept exactly as received, since the portal keeps only the latest one of each process; the history of a process is Achyk's own.
about-coverage = The database holds { $releases_shown } { $releases ->
    [one] release
   *[other] releases
  } about { $processes_shown } contracting { $processes ->
    [one] process
   *[other] processes
  } and { $organisations_shown } { $organisations ->
    [one] organisation
   *[other] organisations
  }.
about-quality-text = The feed does not always follow the standard. Before anything is computed, Achyk repairs the known defects and records every change; each process page lists its own. These are the totals.
quality-none-at-all = No repairs were needed.
column-processes = Processes
column-changes = Changes
about-open-data = Each process is available as OCDS JSON from its page; the data as received and as normalised can be exported with the achyk command line.
nav-analytics = Analytics
analytics-intro = Where the money goes and how much competition there is, from the estimated values of the tenders in the database.
analytics-regions = By region
analytics-measure = Measure
analytics-by-method = By procurement method
analytics-by-category = By category
analytics-by-year = By year
measure-processes = Processes
measure-value = Estimated value
measure-single-bid = Single-bid share
measure-direct = Direct purchases
measure-flagged = Red-flag share
measure-concentration = Top three suppliers' share
measure-processes-explain = how many contracting processes the region has.
measure-value-explain = the sum of the tenders' estimated values, in soms.
measure-single-bid-explain = of the processes that received bids, the share that received only one.
measure-direct-explain = the share of processes bought directly from one supplier, without a tender.
measure-flagged-explain = the share of processes with at least one red flag.
measure-concentration-explain = of all contracts awarded, the share won by the three suppliers that won the most.
region-unknown = Region unknown
error-bad-request = This address asks for something that cannot be shown
error-bad-request-text = A value in the address is not one the site understands:
nav-developers = Open data for developers
developers-intro = Everything on this site is open data: search it, download it and build on it. No key is needed, and any website may read the API.
developers-api = The API
developers-api-text = The JSON API under /api/v1/ answers everything the pages show. Try these on this server:
developers-example-search = Search: processes with “школа” in Chüy, 10 a page, with facet counts
developers-example-process = One process: its normalised OCDS, what Achyk repaired in it, its release history
developers-example-organisation = One organisation and what its purchases add up to
developers-example-analytics = Processes, value, single-bid and direct purchases by region, method, category and year
developers-example-csv = A search as CSV, for spreadsheets
developers-example-xlsx = A search as an Excel workbook, amounts as numbers
developers-example-ocds = A search as OCDS: JSON Lines of compiled releases
developers-example-records = A search as an OCDS record package: every release as the portal published it, and their compilation
developers-example-atom = A search as an Atom feed, to follow new processes
developers-example-openapi = The OpenAPI description of the whole API
developers-bulk = Bulk downloads
developers-bulk-text = The whole database, a file per year: OCDS (normalised compiled releases as gzipped JSON Lines), CSV (gzipped) and Excel. index.json lists every file with its size and SHA-256 digest, to check a download.
developers-bulk-none = This server does not publish bulk files yet (its operator makes them with “achyk bulk”).
developers-bulk-fields = The CSV and Excel files, and every search download, have these columns:
developers-bulk-year = Year
developers-bulk-files = Files
developers-bulk-undated = Undated
developers-bulk-size = { $megabytes } MB
developers-parameters = Search parameters
developers-parameters-text = Every search, on the site and in the API, takes the same parameters; the tenders page puts them in its address, so a search on the site can be copied into the API.
developers-identifiers = Identifiers
developers-identifiers-text = A contracting process is identified by its ocid (ocds-h7i0z4- and the tender number; ocds-h7i0z4-contract-based- for single-source purchases). An organisation is identified by KG-INN- and its 14-digit taxpayer number. Regions are ISO 3166-2 codes (KG-GB Bishkek, KG-GO Osh city, KG-C Chüy, and so on).
developers-errors = Errors
developers-errors-text = Errors are JSON with a stable code: not_found (404), bad_parameter (400, with the parameter and what it should be) or internal (500).
developers-licence = Licence
developers-licence-text = The data is published by the Ministry of Finance of the Kyrgyz Republic on zakupki.gov.kg; Achyk's repairs are listed with every process. Achyk itself is free software (AGPL-3.0-or-later).
organisation-partners = Most frequent partners (processes together)
event-complaint = Complaint filed
section-payments = Payment schedule
section-complaints = Complaints
column-payment = Payment
column-due = Due
column-condition = Condition
column-complainant = Filed by
column-complaint = Complaint
column-resolution = Decision
complaint-status-pending = pending
complaint-status-accepted = accepted for review
complaint-status-rejected = rejected
complaint-status-satisfied = upheld
complaint-status-resolved = resolved
complaint-status-withdrawn = withdrawn
payment-type-prepayment = advance payment
payment-type-payment = payment
payment-type-final = final payment
filter-value = Value range
download-search = Download this search:
download-follow = follow it (Atom)
