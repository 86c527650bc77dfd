"""The demo's service directory: about sixty services across sectors, a Family Hub timetable,
community groups without accounts, a refuge whose address is never published, a neighbouring
council's Open Referral UK feed, and referrals in every status."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from joinedup.directory import feeds
from joinedup.directory import services as directory_services
from joinedup.directory.models import (
    Contact,
    CostOption,
    Location,
    Referral,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceOrganisation,
    Taxonomy,
    TaxonomyTerm,
)
from joinedup.outcomes.models import OutcomeCategory
from joinedup.partnership.models import Organisation, Practitioner, Sector
from joinedup.people.models import Person

EXAMPLE_FEED = (
    Path(__file__).resolve().parent.parent / "directory" / "fixtures" / ("example-oruk-feed.json")
)
LGSL = "Local Government Service List"
# term key: (name, Every Child Matters categories it meets)
TERMS = {
    "parenting": ("Parenting support", ["stay-safe", "enjoy-and-achieve"]),
    "hub": ("Family hub sessions", ["be-healthy", "enjoy-and-achieve"]),
    "early-years": ("Early years and play", ["enjoy-and-achieve"]),
    "essentials": ("Food and essentials", ["economic-wellbeing", "be-healthy"]),
    "money": ("Money and debt advice", ["economic-wellbeing"]),
    "housing": ("Housing advice", ["economic-wellbeing", "stay-safe"]),
    "mental-health": ("Mental health and wellbeing", ["be-healthy"]),
    "youth": ("Youth activities", ["positive-contribution", "enjoy-and-achieve"]),
    "carers": ("Young carers", ["positive-contribution", "be-healthy"]),
    "domestic-abuse": ("Domestic abuse support", ["stay-safe"]),
    "send": ("Special educational needs support", ["enjoy-and-achieve"]),
    "infant-health": ("Health visiting and infant feeding", ["be-healthy"]),
    "sport": ("Sport and physical activity", ["be-healthy", "positive-contribution"]),
    "substance": ("Substance use support", ["be-healthy", "stay-safe"]),
}

# key: (name, sector, partner code or None, email, telephone, description)
ORGANISATIONS = {
    "council": (
        "Demo Shire Family Hubs",
        Sector.STATUTORY,
        "early-help",
        "familyhubs@earlyhelp.example",
        "01632 960010",
        "The council's Family Hubs: sessions and support for families with children 0 to 19.",
    ),
    "hv": (
        "Demo Shire Health Visiting",
        Sector.HEALTH,
        "health-visiting",
        "hv@hv.example",
        "01632 960020",
        "Health visitors and school nurses.",
    ),
    "cypmh": (
        "Children and Young People's Mental Health",
        Sector.HEALTH,
        "cyp-mental-health",
        "cypmh@cypmh.example",
        "01632 960030",
        "Mental health support for under-18s.",
    ),
    "young-carers": (
        "Demo Shire Young Carers",
        Sector.VOLUNTARY,
        "young-carers",
        "hello@youngcarers.example",
        "01632 960040",
        "Support, breaks and a voice for young carers.",
    ),
    "safe-harbour": (
        "Safe Harbour",
        Sector.VOLUNTARY,
        "safe-harbour",
        "referrals@safeharbour.example",
        "01632 960050",
        "Domestic abuse support: outreach, children's work and refuge.",
    ),
    "eastside": (
        "Eastside Community Trust",
        Sector.COMMUNITY,
        "eastside-community",
        "info@eastside.example",
        "01632 960060",
        "Youth and community work in Eastside.",
    ),
    "harbour-homes": (
        "Harbour Homes",
        Sector.HOUSING,
        "harbour-homes",
        "tenancy@harbourhomes.example",
        "01632 960070",
        "Housing association.",
    ),
    "food-bank": (
        "St Mark's Food Bank",
        Sector.COMMUNITY,
        None,
        "stmarks.foodbank@mail.example",
        "01632 961001",
        "Emergency food parcels and a community pantry.",
    ),
    "mosque": (
        "Riverside Mosque Family Circle",
        Sector.COMMUNITY,
        None,
        "familycircle@riversidemosque.example",
        "01632 961002",
        "Family support and a parents' circle, open to all faiths and none.",
    ),
    "boxing": (
        "Northside Boxing Club",
        Sector.COMMUNITY,
        None,
        "coach@northsideboxing.example",
        "01632 961003",
        "Boxing fitness and mentoring for young people.",
    ),
    "dads": (
        "Demo Shire Dads' Group",
        Sector.COMMUNITY,
        None,
        "dadsgroup@mail.example",
        "01632 961004",
        "A peer group for fathers and male carers.",
    ),
    "baby-bank": (
        "Little Feet Baby Bank",
        Sector.COMMUNITY,
        None,
        "hello@littlefeet.example",
        "01632 961005",
        "Clothes, equipment and nappies for babies and toddlers.",
    ),
    "money": (
        "Demo Shire Money Advice",
        Sector.VOLUNTARY,
        None,
        "advice@moneyadvice.example",
        "01632 961006",
        "Free, confidential advice on debt, benefits and budgeting.",
    ),
    "football": (
        "Westgate Youth Football Club",
        Sector.COMMUNITY,
        None,
        "secretary@westgatefc.example",
        "01632 961007",
        "Football for ages 5 to 16.",
    ),
    "church": (
        "Hope Church Toddler Group",
        Sector.COMMUNITY,
        None,
        "toddlers@hopechurch.example",
        "01632 961008",
        "A friendly toddler group with breakfast.",
    ),
    "kinship": (
        "Kinship Carers Network",
        Sector.VOLUNTARY,
        None,
        "network@kinship.example",
        "01632 961009",
        "Peer support for grandparents and relatives raising children.",
    ),
    "allotment": (
        "Eastside Growing Project",
        Sector.COMMUNITY,
        None,
        "grow@eastgrow.example",
        "01632 961010",
        "Gardening, cooking and wellbeing sessions for families.",
    ),
    "recovery": (
        "Turning Point Demo Shire Recovery",
        Sector.HEALTH,
        None,
        "families@recovery.example",
        "01632 961011",
        "Support for young people and parents affected by drugs or alcohol.",
    ),
}

# key: (organisation, name, address, postcode, locality, confidential)
LOCATIONS = {
    "hub-north": (
        "council",
        "Family Hub North",
        "2 Station Road, Northfield",
        "DS1 2AB",
        "North",
        False,
    ),
    "hub-south": (
        "council",
        "Family Hub South",
        "40 Quay Street, Southport",
        "DS4 7CD",
        "South",
        False,
    ),
    "hub-east": (
        "council",
        "Family Hub Eastside",
        "9 Mill Road, Eastside",
        "DS3 5EF",
        "Eastside",
        False,
    ),
    "clinic": ("hv", "Millbrook Health Centre", "1 Millbrook Lane", "DS2 1GH", "Central", False),
    "cypmh-base": ("cypmh", "The Orchard Centre", "15 Orchard Way", "DS2 3JK", "Central", False),
    "carers-base": (
        "young-carers",
        "Young Carers Hub",
        "22 High Street",
        "DS2 8LM",
        "Central",
        False,
    ),
    "refuge": ("safe-harbour", "Safe Harbour Refuge", "Withheld", "DS5 9ZZ", "South", True),
    "outreach": (
        "safe-harbour",
        "Safe Harbour Outreach Office",
        "5 Bridge Street",
        "DS2 4NP",
        "Central",
        False,
    ),
    "eastside-centre": (
        "eastside",
        "Eastside Community Centre",
        "3 Market Square, Eastside",
        "DS3 1QR",
        "Eastside",
        False,
    ),
    "harbour-office": (
        "harbour-homes",
        "Harbour Homes Office",
        "60 Dock Road",
        "DS4 2ST",
        "South",
        False,
    ),
    "st-marks": (
        "food-bank",
        "St Mark's Church Hall",
        "Church Lane, Northfield",
        "DS1 6UV",
        "North",
        False,
    ),
    "mosque": ("mosque", "Riverside Mosque", "18 River Road", "DS2 6WX", "Central", False),
    "gym": (
        "boxing",
        "Northside Boxing Gym",
        "Unit 4, Northfield Trading Estate",
        "DS1 9YZ",
        "North",
        False,
    ),
    "library": ("dads", "Central Library", "Library Square", "DS2 1AA", "Central", False),
    "baby-bank": (
        "baby-bank",
        "Little Feet Warehouse",
        "Unit 2, Quay Yard",
        "DS4 3BB",
        "South",
        False,
    ),
    "advice": ("money", "Advice Centre", "7 Castle Street", "DS2 2CC", "Central", False),
    "pitches": ("football", "Westgate Playing Fields", "Westgate Road", "DS1 4DD", "North", False),
    "church": ("church", "Hope Church", "1 Hope Street, Southport", "DS4 1EE", "South", False),
    "kinship": (
        "kinship",
        "Eastside Community Centre (room 2)",
        "3 Market Square, Eastside",
        "DS3 1QR",
        "Eastside",
        False,
    ),
    "allotment": (
        "allotment",
        "Eastside Allotments",
        "Allotment Lane, Eastside",
        "DS3 8FF",
        "Eastside",
        False,
    ),
    "recovery": ("recovery", "Recovery Hub", "30 Park Road", "DS2 5GG", "Central", False),
}

D5 = "MO,TU,WE,TH,FR"
# organisation, name, location, terms, ages, free, takes referrals, (days, opens, closes),
# description
Spec = tuple[
    str,
    str,
    str | None,
    list[str],
    tuple[int | None, int | None],
    bool,
    bool,
    tuple[str, str, str] | None,
    str,
]
SERVICES: list[Spec] = [
    # The Family Hub timetable: each session a service at its hub, with its day and time.
    (
        "council",
        "Stay and play (North)",
        "hub-north",
        ["hub", "early-years"],
        (0, 5),
        True,
        False,
        ("MO", "09:30", "11:30"),
        "Play, songs and a chat for parents and carers with children under 5.",
    ),
    (
        "council",
        "Baby massage (North)",
        "hub-north",
        ["hub", "infant-health"],
        (0, 1),
        True,
        True,
        ("TU", "10:00", "11:00"),
        "A five-week course for parents of babies under one.",
    ),
    (
        "council",
        "Infant feeding drop-in (North)",
        "hub-north",
        ["hub", "infant-health"],
        (0, 2),
        True,
        False,
        ("WE", "13:00", "15:00"),
        "Help with breastfeeding, bottle feeding and starting solids.",
    ),
    (
        "council",
        "Parenting programme, evenings (North)",
        "hub-north",
        ["hub", "parenting"],
        (2, 12),
        True,
        True,
        ("TH", "18:00", "20:00"),
        "A twelve-week group for parents: routines, boundaries and play.",
    ),
    (
        "council",
        "SEND parents' coffee morning (North)",
        "hub-north",
        ["hub", "send"],
        (0, 19),
        True,
        False,
        ("FR", "10:00", "12:00"),
        "Parents of children with special educational needs meet and share.",
    ),
    (
        "council",
        "Stay and play (South)",
        "hub-south",
        ["hub", "early-years"],
        (0, 5),
        True,
        False,
        ("TU", "09:30", "11:30"),
        "Play, songs and a chat for parents and carers with children under 5.",
    ),
    (
        "council",
        "Young parents' group (South)",
        "hub-south",
        ["hub", "parenting"],
        (0, 5),
        True,
        True,
        ("WE", "10:00", "12:00"),
        "For parents aged 16 to 24 and their children.",
    ),
    (
        "council",
        "Money and debt drop-in (South)",
        "hub-south",
        ["hub", "money"],
        (None, None),
        True,
        False,
        ("TH", "13:00", "16:00"),
        "Benefits checks and budgeting help at the hub.",
    ),
    (
        "council",
        "Teen talk (South)",
        "hub-south",
        ["hub", "youth", "mental-health"],
        (13, 19),
        True,
        True,
        ("MO", "16:00", "18:00"),
        "A drop-in for teenagers: worries, relationships and wellbeing.",
    ),
    (
        "council",
        "Dads' Saturday club (South)",
        "hub-south",
        ["hub", "parenting"],
        (0, 11),
        True,
        False,
        ("SA", "10:00", "12:00"),
        "Play and breakfast for dads and male carers with their children.",
    ),
    (
        "council",
        "Stay and play (Eastside)",
        "hub-east",
        ["hub", "early-years"],
        (0, 5),
        True,
        False,
        ("TH", "09:30", "11:30"),
        "Play, songs and a chat for parents and carers with children under 5.",
    ),
    (
        "council",
        "Speech and language drop-in (Eastside)",
        "hub-east",
        ["hub", "early-years", "send"],
        (1, 5),
        True,
        True,
        ("FR", "13:30", "15:30"),
        "Advice on talking and understanding for toddlers and pre-schoolers.",
    ),
    (
        "council",
        "Family support key work",
        None,
        ["parenting"],
        (0, 18),
        True,
        True,
        None,
        "A family support worker who works with the whole family for up to six months.",
    ),
    (
        "council",
        "Holiday activities and food",
        "hub-east",
        ["youth", "essentials"],
        (5, 16),
        True,
        True,
        ("MO,TU,WE,TH", "10:00", "14:00"),
        "Free holiday clubs with a meal for children on free school meals.",
    ),
    (
        "council",
        "Early help staff consultation line",
        None,
        ["parenting"],
        (None, None),
        True,
        False,
        (D5, "09:00", "17:00"),
        "For practitioners: talk a family through with the early help hub.",
    ),
    (
        "hv",
        "Health visiting",
        "clinic",
        ["infant-health"],
        (0, 5),
        True,
        True,
        None,
        "Health visitors see every family with a child under 5.",
    ),
    (
        "hv",
        "Child health clinic",
        "clinic",
        ["infant-health"],
        (0, 5),
        True,
        False,
        ("WE", "09:30", "12:00"),
        "Weighing, development checks and advice.",
    ),
    (
        "hv",
        "School nursing drop-in",
        "clinic",
        ["mental-health", "infant-health"],
        (5, 19),
        True,
        True,
        ("TU", "15:30", "17:00"),
        "Confidential health advice for school-age children and young people.",
    ),
    (
        "hv",
        "Perinatal wellbeing group",
        "clinic",
        ["mental-health", "infant-health"],
        (0, 2),
        True,
        True,
        ("TH", "10:00", "12:00"),
        "For parents feeling low or anxious during pregnancy or after birth.",
    ),
    (
        "hv",
        "Sleep clinic",
        "clinic",
        ["infant-health", "parenting"],
        (0, 5),
        True,
        True,
        ("FR", "10:00", "12:00"),
        "Help for families whose young children do not sleep.",
    ),
    (
        "cypmh",
        "Getting help: early support",
        "cypmh-base",
        ["mental-health"],
        (5, 18),
        True,
        True,
        None,
        "Short-term help for children and young people with anxiety, low mood or worries.",
    ),
    (
        "cypmh",
        "Parents' workshop: anxious children",
        "cypmh-base",
        ["mental-health", "parenting"],
        (5, 12),
        True,
        True,
        ("WE", "18:00", "20:00"),
        "A four-week workshop for parents of anxious children.",
    ),
    (
        "cypmh",
        "Eating disorders service",
        "cypmh-base",
        ["mental-health"],
        (8, 18),
        True,
        True,
        None,
        "Assessment and treatment for eating disorders.",
    ),
    (
        "cypmh",
        "Online counselling for young people",
        None,
        ["mental-health"],
        (11, 18),
        True,
        False,
        (D5, "12:00", "22:00"),
        "Anonymous chat with a counsellor.",
    ),
    (
        "young-carers",
        "Young carers assessment and support",
        "carers-base",
        ["carers"],
        (5, 18),
        True,
        True,
        None,
        "An assessment of a young carer's needs and one-to-one support.",
    ),
    (
        "young-carers",
        "Young carers' club",
        "carers-base",
        ["carers", "youth"],
        (8, 18),
        True,
        True,
        ("TH", "16:30", "18:30"),
        "A break and time with others who understand.",
    ),
    (
        "young-carers",
        "Young adult carers' group",
        "carers-base",
        ["carers"],
        (16, 25),
        True,
        False,
        ("MO", "18:00", "20:00"),
        "For carers aged 16 to 25.",
    ),
    (
        "safe-harbour",
        "Domestic abuse outreach",
        "outreach",
        ["domestic-abuse"],
        (None, None),
        True,
        True,
        None,
        "An adviser who supports adults experiencing domestic abuse.",
    ),
    (
        "safe-harbour",
        "Children's recovery programme",
        "outreach",
        ["domestic-abuse", "mental-health"],
        (4, 16),
        True,
        True,
        ("TU", "16:00", "17:30"),
        "Group work for children who have lived with domestic abuse.",
    ),
    (
        "safe-harbour",
        "Refuge accommodation",
        "refuge",
        ["domestic-abuse", "housing"],
        (None, None),
        True,
        True,
        None,
        "Safe accommodation for women and their children.",
    ),
    (
        "safe-harbour",
        "Safe Harbour staff duty desk",
        None,
        ["domestic-abuse"],
        (None, None),
        True,
        False,
        (D5, "09:00", "17:00"),
        "For practitioners only.",
    ),
    (
        "eastside",
        "Eastside youth club",
        "eastside-centre",
        ["youth"],
        (11, 18),
        True,
        True,
        ("TU,TH", "18:00", "21:00"),
        "Open access youth club with detached youth work.",
    ),
    (
        "eastside",
        "Girls' group",
        "eastside-centre",
        ["youth", "mental-health"],
        (11, 16),
        True,
        True,
        ("WE", "17:00", "19:00"),
        "A safe space for girls: confidence, friendships and fun.",
    ),
    (
        "eastside",
        "Mentoring for young people",
        "eastside-centre",
        ["youth"],
        (10, 18),
        True,
        True,
        None,
        "A volunteer mentor for a year.",
    ),
    (
        "eastside",
        "Community pantry",
        "eastside-centre",
        ["essentials"],
        (None, None),
        False,
        False,
        ("FR", "12:00", "15:00"),
        "A weekly shop of food for £3.50.",
    ),
    (
        "harbour-homes",
        "Tenancy sustainment",
        "harbour-office",
        ["housing", "money"],
        (None, None),
        True,
        True,
        None,
        "Help for tenants at risk of losing their home.",
    ),
    (
        "harbour-homes",
        "Housing options advice",
        "harbour-office",
        ["housing"],
        (None, None),
        True,
        False,
        ("MO,WE,FR", "10:00", "16:00"),
        "Advice for anyone worried about their housing.",
    ),
    (
        "food-bank",
        "Emergency food parcels",
        "st-marks",
        ["essentials"],
        (None, None),
        True,
        True,
        ("TU,FR", "10:00", "13:00"),
        "Three days of food for a household in crisis.",
    ),
    (
        "food-bank",
        "Baby essentials",
        "st-marks",
        ["essentials", "infant-health"],
        (0, 2),
        True,
        True,
        ("TU", "10:00", "13:00"),
        "Nappies, wipes and formula for families in crisis.",
    ),
    (
        "food-bank",
        "Warm space and lunch",
        "st-marks",
        ["essentials"],
        (None, None),
        True,
        False,
        ("WE", "12:00", "14:00"),
        "A warm room, hot food and company.",
    ),
    (
        "mosque",
        "Parents' circle",
        "mosque",
        ["parenting"],
        (None, None),
        True,
        True,
        ("SA", "11:00", "13:00"),
        "Parents meet, talk and learn together.",
    ),
    (
        "mosque",
        "Homework club",
        "mosque",
        ["youth", "send"],
        (7, 14),
        True,
        True,
        ("MO,WE", "16:30", "18:00"),
        "Quiet space and volunteer tutors.",
    ),
    (
        "mosque",
        "Family befriending",
        "mosque",
        ["parenting", "mental-health"],
        (None, None),
        True,
        True,
        None,
        "A volunteer who visits families who feel alone.",
    ),
    (
        "boxing",
        "Boxing fitness for young people",
        "gym",
        ["sport", "youth"],
        (10, 18),
        False,
        True,
        ("MO,TH", "17:00", "18:30"),
        "Non-contact boxing fitness: £1 a session, free for referred young people.",
    ),
    (
        "boxing",
        "Mentoring through sport",
        "gym",
        ["sport", "youth"],
        (12, 18),
        True,
        True,
        None,
        "One-to-one mentoring with a coach.",
    ),
    (
        "dads",
        "Dads' peer group",
        "library",
        ["parenting"],
        (None, None),
        True,
        True,
        ("TU", "19:00", "21:00"),
        "Fathers support each other, with a family worker.",
    ),
    (
        "dads",
        "Dads and kids Saturday walk",
        "library",
        ["parenting", "sport"],
        (0, 12),
        True,
        False,
        ("SA", "10:00", "12:00"),
        "A walk and a coffee.",
    ),
    (
        "baby-bank",
        "Baby bank referral",
        "baby-bank",
        ["essentials", "infant-health"],
        (0, 5),
        True,
        True,
        None,
        "Cots, prams, car seats, clothes and nappies, delivered by volunteers.",
    ),
    (
        "money",
        "Debt advice",
        "advice",
        ["money"],
        (None, None),
        True,
        True,
        ("MO,TU,WE,TH", "09:30", "16:30"),
        "Free, confidential advice on debt.",
    ),
    (
        "money",
        "Benefits check",
        "advice",
        ["money"],
        (None, None),
        True,
        True,
        None,
        "Make sure the family gets every benefit it is entitled to.",
    ),
    (
        "money",
        "Energy and bills advice",
        "advice",
        ["money", "essentials"],
        (None, None),
        True,
        False,
        ("FR", "10:00", "13:00"),
        "Help with energy bills and fuel vouchers.",
    ),
    (
        "football",
        "Junior football",
        "pitches",
        ["sport", "youth"],
        (5, 16),
        False,
        False,
        ("SA", "09:00", "12:00"),
        "Training and matches: £15 a term, free places for referred children.",
    ),
    (
        "football",
        "Inclusive football",
        "pitches",
        ["sport", "send"],
        (5, 16),
        True,
        True,
        ("SU", "10:00", "11:30"),
        "Football for children with disabilities or additional needs.",
    ),
    (
        "church",
        "Toddler group with breakfast",
        "church",
        ["early-years"],
        (0, 5),
        True,
        False,
        ("WE", "09:30", "11:30"),
        "Play and breakfast for toddlers and their grown-ups.",
    ),
    (
        "church",
        "Bump and baby group",
        "church",
        ["early-years", "infant-health"],
        (0, 1),
        True,
        True,
        ("TH", "10:00", "11:30"),
        "For parents-to-be and parents of babies.",
    ),
    (
        "kinship",
        "Kinship carers' peer support",
        "kinship",
        ["parenting", "carers"],
        (None, None),
        True,
        True,
        ("WE", "10:00", "12:00"),
        "For grandparents and relatives raising children.",
    ),
    (
        "kinship",
        "Kinship carers' advice line",
        None,
        ["parenting", "money"],
        (None, None),
        True,
        False,
        (D5, "10:00", "15:00"),
        "Advice on legal orders, allowances and schools.",
    ),
    (
        "allotment",
        "Family growing sessions",
        "allotment",
        ["sport", "mental-health"],
        (0, 16),
        True,
        True,
        ("SA", "10:00", "13:00"),
        "Growing, cooking and eating together.",
    ),
    (
        "allotment",
        "Wellbeing gardening for parents",
        "allotment",
        ["mental-health"],
        (None, None),
        True,
        True,
        ("TU", "10:00", "12:00"),
        "Gardening for parents who feel low or isolated.",
    ),
    (
        "recovery",
        "Young people's substance use service",
        "recovery",
        ["substance"],
        (10, 18),
        True,
        True,
        None,
        "Support for young people using drugs or alcohol.",
    ),
    (
        "recovery",
        "Family support: parents' substance use",
        "recovery",
        ["substance", "parenting"],
        (None, None),
        True,
        True,
        None,
        "Support for families affected by a parent's drug or alcohol use.",
    ),
]
INTERNAL = {"Early help staff consultation line", "Safe Harbour staff duty desk"}


def _terms() -> dict[str, TaxonomyTerm]:
    taxonomy, _ = Taxonomy.objects.get_or_create(
        name=LGSL,
        defaults={
            "description": "The Local Government Service List: what councils and their "
            "partners provide, as Open Referral UK feeds classify it."
        },
    )
    categories = {c.code: c for c in OutcomeCategory.objects.filter(framework__is_default=True)}
    terms = {}
    for key, (name, needs) in TERMS.items():
        term, _ = TaxonomyTerm.objects.get_or_create(
            taxonomy=taxonomy, name=name, defaults={"description": name}
        )
        term.outcome_categories.set([categories[n] for n in needs if n in categories])
        terms[key] = term
    return terms


def _organisations() -> dict[str, ServiceOrganisation]:
    partners = {o.code: o for o in Organisation.objects.all()}
    out = {}
    for key, (name, sector, partner, email, phone, description) in ORGANISATIONS.items():
        out[key] = ServiceOrganisation.objects.create(
            name=name,
            sector=sector,
            partner=partners.get(partner) if partner else None,
            email=email,
            telephone=phone,
            description=description,
        )
    return out


def _locations(orgs: dict[str, ServiceOrganisation]) -> dict[str, Location]:
    return {
        key: Location.objects.create(
            organisation=orgs[org],
            name=name,
            address=address,
            postcode=postcode,
            locality=locality,
            city="Demo Shire",
            confidential=confidential,
        )
        for key, (org, name, address, postcode, locality, confidential) in LOCATIONS.items()
    }


def _service(spec: Spec, orgs: dict, places: dict, terms: dict) -> Service:
    org_key, name, place, term_keys, (low, high), free, referrals, when, description = spec
    org = orgs[org_key]
    service = Service.objects.create(
        organisation=org,
        name=name,
        description=description,
        minimum_age=low,
        maximum_age=high,
        is_free=free,
        fees_description="" if free else "A small charge; ask about free places.",
        takes_referrals=referrals,
        referral_email="" if org.partner_id else org.email,
        email=org.email,
        telephone=org.telephone,
        internal=name in INTERNAL,
        eligibility_description="Families living in Demo Shire.",
    )
    service.taxonomy_terms.set([terms[k] for k in term_keys if k in terms])
    at = (
        ServiceAtLocation.objects.create(service=service, location=places[place]) if place else None
    )
    if when:
        days, opens, closes = when
        Schedule.objects.create(
            service=service,
            service_at_location=at,
            byday=days,
            opens_at=time.fromisoformat(opens),
            closes_at=time.fromisoformat(closes),
            description=", ".join(_DAY_NAMES[d] for d in days.split(",")),
        )
    ServiceArea.objects.create(
        service=service, name="Demo Shire", postcode_districts="DS1,DS2,DS3,DS4,DS5"
    )
    if not free:
        CostOption.objects.create(service=service, option="Per session", amount=1)
    Contact.objects.create(
        service=service, name=f"{org.name} enquiries", email=org.email, telephone=org.telephone
    )
    if org.partner_id:  # a named member of staff: for practitioners, never published
        Contact.objects.create(
            service=service,
            name="Duty worker",
            title="Staff contact",
            telephone="01632 969999",
            staff=True,
        )
    return service


_DAY_NAMES = {
    "MO": "Mondays",
    "TU": "Tuesdays",
    "WE": "Wednesdays",
    "TH": "Thursdays",
    "FR": "Fridays",
    "SA": "Saturdays",
    "SU": "Sundays",
}


@transaction.atomic
def load_directory() -> int:
    """The directory, once; then referrals in every status (when the demo has episodes)."""
    if ServiceOrganisation.objects.exists():
        return 0
    terms = _terms()
    orgs = _organisations()
    places = _locations(orgs)
    made = [_service(spec, orgs, places, terms) for spec in SERVICES]
    feeds.feed_import(str(EXAMPLE_FEED), everything=True)
    load_referrals()
    return len(made)


def _consent(lead: Practitioner, child: Person) -> None:
    from joinedup.sharing import services as sharing_services

    sharing_services.consent_give(
        actor=lead,
        person=child,
        given_by="parental_responsibility",
        given_by_name="The child's parent",
        given_by_relationship="Parent",
        organisations=[],
        sectors=[Sector.COMMUNITY, Sector.VOLUNTARY, Sector.HEALTH, Sector.STATUTORY],
        purposes=["referral"],
        method="verbal",
        evidence="Agreed at the team around the family meeting",
        given_on=timezone.localdate() - timedelta(days=30),
    )


# (service name, what happens after it is sent, asked)
REFERRALS = [
    ("Emergency food parcels", [], "Food for the family this week while benefits are sorted."),
    (
        "Boxing fitness for young people",
        ["accepted"],
        "Somewhere to go after school and a coach to talk to.",
    ),
    ("Dads' peer group", ["declined"], "Support for dad, who is caring for the children alone."),
    (
        "Debt advice",
        ["accepted", "started"],
        "Rent arrears and a court letter: help to make a plan.",
    ),
    (
        "Baby bank referral",
        ["accepted", "started", "completed"],
        "A cot and a pram for the new baby.",
    ),
    ("Parents' circle", ["not_taken_up"], "A group where mum can meet other parents."),
    (
        "Young carers assessment and support",
        ["accepted"],
        "The child helps care for mum: an assessment and a break.",
    ),
    ("Getting help: early support", ["declined"], "Worries and trouble sleeping for six months."),
    (
        "Family growing sessions",
        ["accepted", "started", "completed"],
        "Time outdoors together at weekends.",
    ),
]
OUTCOMES = {
    "declined": "We have no places until the spring; the family hub's dads' club may suit.",
    "not_taken_up": "Mum decided the group was too far to travel to.",
    "completed": "The family has what it needed and said the support made a real difference.",
}


def load_referrals() -> int:
    from joinedup.episodes.models import Episode

    episodes = list(
        Episode.objects.exclude(status="closed").select_related("lead_professional").order_by("pk")
    )
    episodes = [e for e in episodes if e.persons.filter(kind="child").exists()]
    if not episodes or Referral.objects.exists():
        return 0
    services = {s.name: s for s in Service.objects.filter(name__in=[r[0] for r in REFERRALS])}
    count = 0
    for i, (name, steps, asked) in enumerate(REFERRALS):
        episode = episodes[i % len(episodes)]
        lead = episode.lead_professional
        child = episode.persons.filter(kind="child").order_by("pk").first()
        assert child is not None
        _consent(lead, child)
        referral = directory_services.referral_send(
            actor=lead,
            service=services[name],
            episode=episode,
            person=child,
            asked=asked,
            urgency="routine",
            family_agreed=True,
            shared=["name", "date_of_birth", "reason"],
        )
        for step in steps:
            _step(referral, step)
        count += 1
    return count


def _step(referral: Referral, status: str) -> None:
    text = OUTCOMES.get(status, "")
    organisation = referral.service.organisation
    if status == "not_taken_up":
        directory_services.referral_update(
            actor=referral.referred_by, referral=referral, status=status, reason=text
        )
    elif organisation.partner_id:
        receiver = Practitioner.objects.filter(organisation_id=organisation.partner_id).first()
        assert receiver is not None
        directory_services.referral_update(
            actor=receiver,
            referral=referral,
            status=status,
            reason=text if status == "declined" else "",
            what_changed=text if status == "completed" else "",
        )
    else:  # a group without an account answers through its emailed link
        stage = {
            "accepted": "sent",
            "declined": "sent",
            "started": "accepted",
            "completed": "started",
        }[status]
        token = directory_services.link_issue(referral, stage=stage)
        directory_services.link_act(
            token=token,
            status=status,
            reason=text if status == "declined" else "",
            what_changed=text if status == "completed" else "",
        )
    referral.refresh_from_db()
