"""Word lists the redactor's finders share: what is never a name, what points at a person.

Lower case throughout; callers compare `word.lower()`.
"""

from __future__ import annotations

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before dob
    being below between both but by can could did do does doing done down during each either few
    for from further had has have having he her here hers herself him himself his how i if in into
    is it its itself just let me more most my myself no nor not now of off on once only or other
    our ours out over own same she should so some such than that the their theirs them then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself yes ok okay please thanks hi hello
    dear re fw fwd via per etc eg ie else anything something nothing everything
    anyone someone everyone nobody somebody anybody said says say told tells asked asks rang
    rings called calls phoned came comes went goes got gets gave gives wants wanted""".split()
)
DAYS_AND_MONTHS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri
    sat sun january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec christmas easter spring summer autumn winter
    today tomorrow yesterday tonight""".split()
)
# Organisations, services, teams, roles, documents and legal words that are capitalised in staff
# questions and policies without being anyone's name.
SERVICE_WORDS = frozenset(
    """police council social care services service team hospital ambulance control fire rescue
    trust safeguarding housing children children's adult adults nhs gp surgery school academy
    college university centre unit hub department office board partnership authority agency
    group ltd limited plc ccg icb mind samaritans age uk crimestoppers action trading standards
    environmental health watch station manager lead officer teams word excel outlook forms
    prevent channel mash duty desk operation operations early help safe well red blue white
    green amber crew commander firefighter watchmanager brigade humberside yorkshire humber
    england wales scotland britain british english government ministry home dvla dwp hmrc ico
    information commissioner commissioner's data protection gdpr dpa act acts law laws article
    section schedule part paragraph clause art arts para paras sch regulation regulations chapter annex appendix
    guidance policy agreement isa protocol charter code register form forms report record
    records review inquiry scheme principles guidelines guardian caldicott gillick fraser
    court courts tribunal magistrates crown coroner coroner's probation prison youth offending
    justice criminal evidence crime disorder victim victims support services' partners
    partner network networks association associations charity foundation society company
    energy gas water electric electricity power powergrid networks openreach bt royal mail
    northern southern eastern western north south east west city county borough district
    parish town village region regional national local community public private emergency
    priority vulnerable register referral referrals visit visits alarm alarms smoke carbon
    monoxide oxygen hoarding fire-setter firesetter firesetters arson incident incidents
    cctv covid tesco asda aldi lidl sainsbury's morrisons argos amazon facebook whatsapp
    google microsoft teams zoom op ops email e-mail phone mobile text sms internet online app
    website portal system systems database sharepoint drive shared mosaic liquidlogic
    ford vauxhall nissan toyota honda bmw audi mercedes volkswagen vw peugeot renault citroen kia
    hyundai skoda fiat volvo mazda suzuki rover jaguar tesla transit focus fiesta corsa astra
    golf polo clio qashqai""".split()
)
# After a title these end the name: "Dr Patel Surgery", "Ms Teams".
ORG_WORDS = frozenset(
    """police council social care services service team hospital ambulance control fire rescue
    trust safeguarding housing children children's adult adults nhs gp surgery school academy
    college university centre unit hub department office board partnership authority agency
    group ltd limited ccg icb mind samaritans age uk crimestoppers action trading standards
    environmental health watch station manager lead officer teams word excel outlook forms
    prevent channel mash duty desk operation operations the a an""".split()
)
# Words before a name that say a person is meant: "her son Jayden", "the carer, Precious".
RELATIONS = frozenset(
    """son daughter mum mam mom mother dad father husband wife partner boyfriend girlfriend
    fiance fiancee ex brother sister stepson stepdaughter stepdad stepmum stepfather stepmother
    grandson granddaughter grandad granddad grandpa grandma granny nan nana nanna gran uncle
    aunt auntie aunty nephew niece cousin neighbour neighbor carer friend mate colleague tenant
    landlord landlady lodger flatmate housemate child kid baby boy girl lad lass man woman lady
    gentleman gent bloke fella chap resident occupier occupant householder homeowner owner
    patient client pupil student teenager toddler teacher worker paramedic nurse doctor
    keyworker caller victim suspect driver youngster infant twin twins sibling siblings
    stepbrother stepsister person guy volunteer employee apprentice trainee sister-in-law
    brother-in-law mother-in-law father-in-law son-in-law daughter-in-law""".split()
)
# Verbs after which a capitalised word is a person: "I told Kayleigh", "asked Declan".
PERSON_VERBS = frozenset(
    """told tell telling asked ask asking reassured warned advised informed texted messaged
    emailed rang phoned visited met helped contacted""".split()
)
# Prepositions that make a following place name likely: "lives in Beverley", "near Preston".
PLACE_PREPOSITIONS = frozenset("in at near around outside towards into across via through".split())
TITLES = frozenset("mr mrs ms miss mx dr prof".split())
# Titles that are also ordinary words ("the nurse", "a PC"): they need a capitalised name after.
RANK_TITLES = frozenset(
    """sir dame lord lady cllr councillor pc pcso dc ds di dci dcs sgt sergeant inspector constable
    officer sister father rev revd reverend nurse paramedic ff firefighter cm wm sm gm cfo dcfo
    acfo""".split()
)
# Words after a name-like word that make it part of a thing's name: "Clare's Law", "Gillick
# competence", "Fraser guidelines".
EPONYM_FOLLOWERS = frozenset(
    """law laws act guidelines guidance competence competent principles principle test ruling
    review report inquiry scheme rule rules protocol guardian judgment judgement case
    upon""".split()
)
# Verbs right after a first name that is also a word, at the start of a sentence, that make it
# the person doing them: "Sue rang", "Rose says"; not "Jack up the priority", "Frank question".
PERSON_DOES = frozenset(
    """rang rings phoned phones called calls said says told tells asked asks texted texts emailed
    emails messaged wants wanted lives lived moved smokes smoked keeps kept came comes reported
    mentioned refused refuses agreed agrees thinks thought knows knew died collapsed fell
    disclosed admitted""".split()
)
# Words before a lower-case word that make it a thing, not a name: "a robin", "the bill's".
DETERMINERS = frozenset("a an the this these those every each another".split())
