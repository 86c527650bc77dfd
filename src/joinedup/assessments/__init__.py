"""Assessments from versioned templates: the child's, the family's and the practitioners' views."""
