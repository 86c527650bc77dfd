"""Code lists of the DfE Children in Need census, as its specification and its validation rules
give them. Only these codes are ever written to a return: a child without one is reported, never
given a guessed code."""

from __future__ import annotations

REFERRAL_SOURCE = {
    "1A": "Individual: family member, relative or carer",
    "1B": "Individual: acquaintance (including neighbours and childminders)",
    "1C": "Individual: self",
    "1D": "Individual: other",
    "2A": "Schools",
    "2B": "Education services",
    "3A": "Health services: GP",
    "3B": "Health services: health visitor",
    "3C": "Health services: school nurse",
    "3D": "Health services: other primary health services",
    "3E": "Health services: A&E (emergency department)",
    "3F": "Health services: other",
    "4": "Housing",
    "5A": "Local authority services: social care",
    "5B": "Local authority services: other internal",
    "5C": "Local authority services: external",
    "5D": "Early help",
    "6": "Police",
    "7": "Other legal agency",
    "8": "Other",
    "9": "Anonymous",
    "10": "Unknown",
}

PRIMARY_NEED = {
    "N0": "Not stated",
    "N1": "Abuse or neglect",
    "N2": "Child's disability",
    "N3": "Parental disability or illness",
    "N4": "Family in acute stress",
    "N5": "Family dysfunction",
    "N6": "Socially unacceptable behaviour",
    "N7": "Low income",
    "N8": "Absent parenting",
    "N9": "Cases other than children in need",
}

REASON_FOR_CLOSURE = {
    "RC1": "Adopted",
    "RC2": "Died",
    "RC3": "Child arrangements order",
    "RC4": "Special guardianship order",
    "RC5": "Transferred to services of another local authority",
    "RC6": "Transferred to adult social care services",
    "RC7": "Services ceased for any other reason, including child no longer in need",
    "RC8": "Case closed after assessment, no further action",
    "RC9": "Case closed after assessment, referred to early help",
}

ETHNICITY = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WIRT": "Traveller of Irish heritage",
    "WOTH": "Any other White background",
    "WROM": "Gypsy or Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Black Caribbean",
    "BAFR": "Black African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}

DISABILITY = {
    "NONE": "No disability",
    "MOB": "Mobility",
    "HAND": "Hand function",
    "PC": "Personal care",
    "INC": "Incontinence",
    "COMM": "Communication",
    "LD": "Learning",
    "HEAR": "Hearing",
    "VIS": "Vision",
    "BEH": "Behaviour",
    "CON": "Consciousness",
    "AUT": "Autism or Asperger syndrome",
    "DDA": "Other disability",
}

# Factors identified at the end of assessment (the census's AssessmentFactors item): the codes the
# DfE validation rules accept (rule 8897Q), with the census guide's meanings. 18A and 19A are left
# out: since 2024 to 2025 the rules query them (8945Q, 8950Q) in favour of 18B/18C and 19B/19C.
# "21" (no factors identified) is only ever used alone (rule 8869).
ASSESSMENT_FACTORS = {
    "1A": "Alcohol misuse: concerns about the child",
    "1B": "Alcohol misuse: concerns about a parent or carer",
    "1C": "Alcohol misuse: concerns about another person living in the household",
    "2A": "Drug misuse: concerns about the child",
    "2B": "Drug misuse: concerns about a parent or carer",
    "2C": "Drug misuse: concerns about another person living in the household",
    "3A": "Domestic abuse: concerns about the child",
    "3B": "Domestic abuse: concerns about a parent or carer",
    "3C": "Domestic abuse: concerns about another person living in the household",
    "4A": "Mental health: concerns about the child",
    "4B": "Mental health: concerns about a parent or carer",
    "4C": "Mental health: concerns about another person living in the household",
    "5A": "Learning disability: concerns about the child",
    "5B": "Learning disability: concerns about a parent or carer",
    "5C": "Learning disability: concerns about another person living in the household",
    "6A": "Physical disability or illness: concerns about the child",
    "6B": "Physical disability or illness: concerns about a parent or carer",
    "6C": "Physical disability or illness: concerns about another person living in the household",
    "7A": "Young carer",
    "8B": "Privately fostered: overseas child who intends to return",
    "8C": "Privately fostered: overseas child who intends to stay",
    "8D": "Privately fostered: UK child in an educational placement",
    "8E": "Privately fostered: UK child in an alternative family arrangement",
    "8F": "Privately fostered: other",
    "9A": "Unaccompanied asylum-seeking child",
    "10A": "Going or being missing",
    "11A": "Child sexual exploitation",
    "12A": "Trafficking",
    "13A": "Gangs",
    "14A": "Socially unacceptable behaviour",
    "15A": "Self-harm",
    "16A": "Neglect",
    "17A": "Emotional abuse",
    "18B": "Physical abuse by an adult",
    "18C": "Physical abuse by another child",
    "19B": "Sexual abuse by an adult",
    "19C": "Sexual abuse by another child",
    "20": "Other",
    "21": "No factors identified",
    "22A": "Female genital mutilation",
    "23A": "Abuse linked to faith or belief",
    "24A": "Child criminal exploitation",
}
NO_FACTORS = "21"

# The census's Sex item: M, F or U (not known or not recorded).
SEX = {"male": "M", "female": "F"}


def choices(codes: dict[str, str]) -> list[tuple[str, str]]:
    return [(code, f"{code}: {label}") for code, label in codes.items()]
