# The Impact page.
impact-title = Impact
impact-lead = What monitoring has achieved: what people reported, what monitors took to public bodies, and what the bodies answered.
impact-reports = Reports received
impact-published = Reports published
impact-cases = Cases to public bodies
impact-on-time = Answers by the legal deadline
impact-by-category = Reports by problem
impact-by-region = Reports by region
impact-by-gender = Who reports: gender (self-declared, optional)
impact-by-age = Who reports: age (self-declared, optional)
impact-cases-by-state = Cases by state
impact-outcomes = Outcomes of the answers
impact-count = Count
impact-nothing = Nothing yet.
impact-not-given = Not given
impact-fewer-than = fewer than { $n }
impact-privacy = Gender and age are given only by those who choose to, and are only ever counted; counts under 5 are not shown exactly.
