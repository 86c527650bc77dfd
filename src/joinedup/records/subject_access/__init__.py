"""Subject access: everything joinedup holds about a person, other people redacted, as one
document for the page, the PDF and JSON. Collecting (collect, people, casework, sharing), the
officer's audited reads (officer) and the presentation as headed sections (document)."""

from joinedup.records.subject_access.build import build  # noqa: F401
from joinedup.records.subject_access.context import (  # noqa: F401
    A_PRACTITIONER,
    ANOTHER_PERSON,
    FORMATS,
    PURPOSE,
    SCHEMA,
    VERSION,
    Redactor,
    name_variants,
    other_people,
    practitioner,
    subject_ids,
)
from joinedup.records.subject_access.document import (  # noqa: F401
    ACCESS_COLUMNS,
    LABELS,
    PRACTITIONER_KEYS,
    SECTION_KEYS,
    SINGULAR,
    TABLE_MAX_COLUMNS,
    TITLE_KEYS,
    TITLE_MAX,
    Block,
    document,
    label,
    show,
)
from joinedup.records.subject_access.officer import (  # noqa: F401
    SubjectAccess,
    person_by_reference,
    subject_access_export,
)
