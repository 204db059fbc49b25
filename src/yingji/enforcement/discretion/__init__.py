"""Penalty discretion as code (行政处罚自由裁量): the rules as dated data, the evaluation
as small pure functions. No Django here: the rules are YAML files in `rules/`, one per
legal provision, each with versions in force from `valid_from` to `valid_to` (like
OpenFisca's parameters), so a decision dated 2023 applies the version in force then.
"""

from .engine import (
    MITIGATIONS,
    Evaluation,
    Facts,
    Reason,
    RuleError,
    describe,
    evaluate,
    load_provision,
    provisions,
    version_in_force,
)

__all__ = ["MITIGATIONS", "Evaluation", "Facts", "Reason", "RuleError", "describe", "evaluate", "load_provision",
           "provisions", "version_in_force"]
