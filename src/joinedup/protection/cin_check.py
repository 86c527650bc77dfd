"""Run the DfE CIN census validation rules over a return, in the validator's own environment.

This file runs as a separate process under the census validator's interpreter (its own virtual
environment, because the validator pins pandas < 2 and rich < 14). It imports nothing from
joinedup. It reads the XML on standard input and prints JSON: one entry per failed rule and place,
{"child": ..., "rule": ..., "kind": "error"|"query", "table": ..., "field": ..., "value": ...,
"message": ...}.

    python cin_check.py RULESET < return.xml
"""

from __future__ import annotations

import importlib
import json
import sys
import xml.etree.ElementTree as ET


def main(ruleset: str) -> int:
    from cin_validator import cin_validator

    # The return joinedup itself built, handed over a pipe: not untrusted input.
    root = ET.fromstring(sys.stdin.buffer.read())  # noqa: S314
    data = cin_validator.process_data(cin_validator.convert_data(root))
    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    kinds = {str(rule.code): rule.rule_type.name.lower() for _, rule in registry.items()}
    validator = cin_validator.CinValidator(data, registry)
    found = []
    for row in validator.user_report.to_dict("records"):
        code = str(row.get("rule_code", ""))
        found.append(
            {
                "child": _text(row.get("LAchildID")),
                "rule": code,
                "kind": kinds.get(code, "error"),
                "table": _text(row.get("tables_affected")),
                "field": _text(row.get("columns_affected")),
                "value": _text(row.get("value_flagged")),
                "message": _text(row.get("rule_description")),
            }
        )
    for row in validator.multichild_issues.to_dict("records"):
        code = str(row.get("rule_code", ""))
        found.append(
            {
                "child": "",
                "rule": code,
                "kind": kinds.get(code, "error"),
                "table": "",
                "field": "",
                "value": "",
                "message": _text(row.get("rule_description")),
            }
        )
    json.dump(found, sys.stdout)
    return 0


def _text(value: object) -> str:
    text = "" if value is None else str(value)
    return "" if text in ("nan", "<NA>", "None", "NaT") else text


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
