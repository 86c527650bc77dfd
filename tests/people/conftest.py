from tests.recording.conftest import fam, father_user, mother_user  # noqa: F401
