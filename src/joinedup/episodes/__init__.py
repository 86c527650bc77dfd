"""The team around the family: members, one lead professional, the plan and its actions,
meetings, decisions and disagreements, critical incidents, step-up and step-down, closure."""
