section-flags = Red flags
flags-intro = A red flag is a reason to look closer, not proof of wrongdoing. Each one says what raised it.
# A fact about one lot of a multi-lot process.
flag-in-lot = Lot { $lot }: { $fact }
flags-none = No red flag was raised for this process.
flags-score = Risk score: { $score }
flag-R003-title = Short submission period
flag-R003-why = Bidders had little time to prepare their offers. A short period can favour a supplier who knew about the tender in advance.
flagfact-submission_period_days = The tender was open for { $days } days; the threshold is { $threshold }.
flag-R018-title = Single bid received
flag-R018-why = Only one company bid in a competitive procedure. Without competition the price may be higher than needed, and the conditions may have been written for one supplier.
flagfact-single_tenderer = Only { $tenderers } tenderer took part, although the method ({ $procurement_method }) is competitive.
flag-R024-title = Second bid very close to the winner
flag-R024-why = The winning bid and the next one are unusually close. Bids set against each other can mean that the bidders agreed their prices.
flagfact-second_bid_close_to_winner = The winning bid ({ $winning_amount } { $currency }) and the second ({ $second_amount } { $currency }) differ by a share of { $difference }, unusually little (the bound is { $fence }).
flag-R025-title = Many bids, few wins
flag-R025-why = A company that bids often but rarely wins may be a cover bidder, bidding only to make a tender look competitive.
flagfact-few_winning_bids = This tenderer won { $winning_bids } of its { $valid_bids } valid bids, unusually few (the bound is { $fence }).
flag-R028-title = Identical bid prices
flag-R028-why = Different companies offering exactly the same price is unlikely by chance and can mean that they coordinated their bids.
flagfact-identical_bid_price = { $tenderers } tenderers bid exactly { $amount } { $currency }.
flag-R030-title = Late bid won
flag-R030-why = A bid received after the deadline should not win. When it does, the rules may have been bent for that bidder.
flagfact-late_bid_won = The winning bid was received { $seconds_late } seconds after the deadline ({ $received }).
flag-R035-title = All but the winner disqualified
flag-R035-why = When every bidder except the winner is disqualified, the evaluation may have been used to steer the contract.
flagfact-all_but_winner_disqualified = { $disqualified_tenderers } tenderers were disqualified and only the winner ({ $winner }) remained; the threshold is { $threshold }.
flag-R036-title = Lowest bid disqualified
flag-R036-why = Disqualifying the cheapest offer means paying more. It is sometimes justified, and sometimes a way to favour a more expensive bidder.
flagfact-lowest_bid_disqualified = The lowest bid ({ $disqualified_amount }) was disqualified; the lowest valid bid was { $lowest_valid_amount }.
flag-R038-title = Many disqualified bids
flag-R038-why = An unusually high share of disqualified bids can mean that requirements are used to exclude competitors.
flagfact-disqualified_bids_share = { $disqualified_bids } of { $submitted_bids } submitted bids were disqualified, an unusually high share (the bound is { $fence }).
flag-R048-title = Supplier of everything
flag-R048-why = A company winning contracts for very different kinds of goods and works may be a front that passes the work on to others.
flagfact-heterogeneous_supplier = Its { $awards } awards span { $classifications } different groups of goods and works (by the first { $digits } digits of their codes), unusually many (the bound is { $fence }).
flag-R058-title = Heavily discounted bid
flag-R058-why = A winning bid far below the next one can mean that the winner expects to raise the price later through amendments.
flagfact-winning_bid_heavily_discounted = The winning bid ({ $winning_amount } { $currency }) is far below the second ({ $second_amount } { $currency }): they differ by a share of { $difference }, unusually much (the bound is { $fence }).
flags-none-organisation = No red flag was raised for this organisation itself; its processes may have their own.
analytics-riskiest-processes = The riskiest processes
analytics-riskiest-buyers = The riskiest buyers
column-process = Process
column-risk-score = Risk score
column-flags = Flags
column-buyer = Buyer
filter-flag = Red flag
filter-flag-any = any red flag
flags-count = { $count ->
    [one] { $count } red flag
   *[other] { $count } red flags
}
methodology-title = How red flags are computed
methodology-intro = Achyk computes the red-flag indicators of the Open Contracting Partnership's guide over every process, the same way as its tool Cardinal, with dates compared as moments in time and the currency chosen the same way every time. The settings (thresholds, which methods count as competitive) are published with the code.
methodology-link = How red flags are computed
methodology-raised = { $count ->
    [one] Raised { $count } time in the last run.
   *[other] Raised { $count } times in the last run.
}
methodology-score = The risk score
methodology-score-text = Each flag counts 1. A process scores the number of its flags; a buyer, its own flags plus the average score of its processes; a supplier, its own flags. A high score is a reason to look closer, not a finding.
flag-R031-title = Awarded at or above the estimate
flag-R031-why = Competition usually brings prices below the buyer's own estimate. Awards that reach or pass it suggest that the estimate was set for a known supplier, or that nobody really competed.
flagfact-award_over_estimate = The awards total { $awarded } { $currency }, { $percent }% of the estimate of { $estimate } { $currency }.
flag-R059-title = Contract differs from the award
flag-R059-why = The contract should write down what was awarded. A large change between the award and the contract escapes the competition that set the price.
flagfact-contract_differs_from_award = Contract { $contract } is for { $contracted } { $currency }, but the award was { $awarded } { $currency }: a change of { $percent }% (the limit is { $threshold }%).
flag-R060-title = Long wait from award to contract
flag-R060-why = A contract signed long after the award leaves room to renegotiate what was competed for, or shows that the award was not what was really agreed.
flagfact-late_signature = Contract { $contract } was signed { $days } days after its award; the limit is { $threshold }.
flag-R010-title = Without open competition
flag-R010-why = The purchase used a method without open competition (direct or limited). The law allows it in some cases; each such purchase deserves a look at why competition was skipped.
flagfact-non_competitive_method = The method was { $procurement_method }.
flag-R013-title = Mostly buys without competition
flag-R013-why = A buyer that uses methods without open competition for most of its purchases keeps its suppliers away from competitors.
flagfact-non_competitive_share = { $non_competitive } of its { $processes } purchases ({ $percent }%) used a method without open competition.
flag-R020-title = A complaint was filed
flag-R020-why = A participant complained about the procedure: a signal from inside the competition that something went wrong.
flagfact-complaints_filed = { $complaints ->
    [one] { $complaints } complaint was filed.
   *[other] { $complaints } complaints were filed.
}
flag-R022-title = Bid prices far apart
flag-R022-why = Bids for the same thing that far apart suggest bids placed only to lose, or bidders who did not bid for the same thing.
flagfact-bid_price_disparity = The highest bid ({ $highest } { $currency }) is { $ratio } times the lowest ({ $lowest } { $currency }); the limit is { $threshold }.
flag-R023-title = Bid prices in a fixed proportion
flag-R023-why = When two companies' prices keep exactly the same proportion from one purchase to the next, one price may have been worked out from the other: the same hand may have written both bids.
flagfact-fixed_bid_ratio = In { $processes } purchases, { $higher } bid exactly { $percent }% more than { $lower }.
flag-R039-title = Bidders' questions left unanswered
flag-R039-why = Bidders ask questions to understand what is being bought. A question left unanswered makes them bid blind, and favours whoever already knows the answer.
flagfact-unanswered_enquiries = { $unanswered } of { $enquiries } questions asked before the bid deadline { $unanswered ->
    [one] was
   *[other] were
} never answered.
flag-R044-title = Bidders with the same address or contacts
flag-R044-why = Competing companies that share an address, a telephone, an email or a website may be connected, and their competition staged.
flagfact-shared_business_details = { $tenderer } and { $other } give the same { $kind ->
    [address] address
    [email] email address
    [telephone] telephone number
    [fax] fax number
   *[url] website
}.
flagfact-shares_business_details = It gives the same { $kind ->
    [address] address
    [email] email address
    [telephone] telephone number
    [fax] fax number
   *[url] website
} as { $other }, a rival bidder in purchase { $ocid }.
flag-R050-title = Holds most of a market
flag-R050-why = A supplier that receives most of what all buyers spend on one kind of goods or works may face no real competition, or be favoured.
flagfact-supplier_market_share = It received { $percent }% ({ $supplier_amount } { $currency }) of the { $market_amount } { $currency } awarded for goods and works with codes starting { $market }, over { $processes } purchases.
flag-R053-title = Bidding pair with a constant winner
flag-R053-why = A company that keeps bidding against the same rival and never wins may be bidding only to make the competition look real, or sharing the wins by agreement.
flagfact-recurrent_winner_pair = { $winner } and { $loser } bid in the same { $processes } purchases: { $winner } won { $wins } of them, { $loser } none.
flag-R063-title = Award without a published contract
flag-R063-why = The award was made long ago but no contract is published: the contract may be hidden, or signed on other terms.
flagfact-award_without_contract = Award { $award } is { $days } days old and no contract names it; the limit is { $threshold }.
flag-R040-title = Wins most of a buyer's money
flag-R040-why = A supplier that receives most of what one buyer spends may be favoured by it, especially when the buyer also limits competition.
flagfact-supplier_share_of_buyer = It received { $percent }% of what buyer { $buyer } awarded in { $currency } over { $processes } purchases.
flag-R051-title = Spending concentrated on few suppliers
flag-R051-why = When a buyer's money goes to very few suppliers, competition for its purchases is weak, whatever the reason.
flagfact-buyer_concentration = The Herfindahl–Hirschman index of its { $suppliers } suppliers is { $hhi } (of 10,000) over { $processes } purchases.
flag-R061-title = Decided very quickly
flag-R061-why = An award made very soon after the bid deadline leaves no time to evaluate the bids honestly: the winner may have been chosen in advance.
flagfact-decision_period_days = { $days } days passed from the bid deadline to the award; the limit is { $threshold }.
flag-R062-title = Decided very slowly
flag-R062-why = A long time between the bid deadline and the award leaves room to negotiate with bidders outside the competition.
flag-R011-title = Purchase split under the threshold
flag-R011-why = Several purchases of the same thing, each just under the value that requires an open tender, made close together: one purchase may have been split to avoid competition.
flagfact-split_purchase = { $processes } purchases of { $classification } within { $days } days, each just under the threshold of { $threshold_amount }, { $total_amount } in all.
flag-R049-title = Purchase without competition just under the threshold
flag-R049-why = The value was set just under the line above which the law requires an open tender: it may have been fitted to avoid one.
flagfact-just_under_threshold = Worth { $amount } { $currency }, { $percent }% of the threshold of { $threshold_amount }, bought by the method "{ $procurement_method }".
flag-R055-title = Repeated direct awards to one supplier
flag-R055-why = The same buyer gave the same supplier several contracts without competition in a short time: together they may be one purchase kept out of competition.
flagfact-repeated_direct_awards = { $processes } direct contracts from { $buyer } to { $supplier } within { $days } days.
