"""The rule files on disk and the catalogue in `zhclean.rules` agree, and every rule has the
shape the house style asks for: a frozen dataclass with a dotted `code`, a `strength`, and a
docstring that says what it must keep."""
from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import re

import pytest

import zhclean.rules as rules_package
from zhclean.rules import CATALOGUE
from zhclean.rules.base import HARD, SOFT

#: Modules of the rules package that hold no rule.
NOT_RULES = {"base", "contacts", "cues"}
#: The ordered tuples the cleaner runs (SEGMENT_RULES, SPAN_RULES, and any later kind).
TUPLES = {name: getattr(rules_package, name) for name in dir(rules_package)
          if name.endswith("_RULES") and isinstance(getattr(rules_package, name), tuple)}
ALL_RULES = [cls for group in TUPLES.values() for cls in group]
CODE = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$")


def rule_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(rules_package.__path__)
                  if m.name not in NOT_RULES and not m.name.startswith("_"))


def classes_with_code(module_name: str) -> list[type]:
    """Classes defined in the module that carry a reason code: its rules."""
    module = importlib.import_module(f"zhclean.rules.{module_name}")
    return [cls for _, cls in inspect.getmembers(module, inspect.isclass)
            if cls.__module__ == module.__name__ and isinstance(getattr(cls, "code", None), str)]


def test_the_cleaner_runs_at_least_segment_and_span_rules() -> None:
    assert {"SEGMENT_RULES", "SPAN_RULES"} <= set(TUPLES)


def test_each_rule_is_registered_once() -> None:
    names = [cls.__name__ for cls in ALL_RULES]
    assert len(names) == len(set(names)), f"registered twice: {[n for n in names if names.count(n) > 1]}"
    assert set(CATALOGUE) == set(names), "CATALOGUE and the ordered tuples differ"
    assert all(CATALOGUE[cls.__name__] is cls for cls in ALL_RULES)


@pytest.mark.parametrize("module_name", rule_modules())
def test_every_rule_file_is_in_the_catalogue(module_name: str) -> None:
    found = classes_with_code(module_name)
    assert found, f"rules/{module_name}.py defines no rule (a class with a code)"
    missing = [cls.__name__ for cls in found if CATALOGUE.get(cls.__name__) is not cls]
    assert not missing, f"rules/{module_name}.py: {missing} not registered in zhclean.rules"


def test_every_catalogued_rule_lives_in_its_own_rule_file() -> None:
    modules = set(rule_modules())
    for name, cls in CATALOGUE.items():
        module = cls.__module__.rsplit(".", 1)[-1]
        assert cls.__module__.startswith("zhclean.rules.") and module in modules, \
            f"{name} is defined in {cls.__module__}, not in a rule file of zhclean/rules/"


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_rule_shape(name: str) -> None:
    cls = CATALOGUE[name]
    assert isinstance(cls.code, str) and CODE.match(cls.code), f"{name}.code {cls.code!r} is not dotted"
    assert cls.strength in (HARD, SOFT), f"{name}.strength is {cls.strength!r}"
    assert dataclasses.is_dataclass(cls), f"{name} is not a dataclass"
    assert cls.__dataclass_params__.frozen, f"{name} is not frozen"
    fields = {f.name for f in dataclasses.fields(cls)}
    assert not {"code", "strength"} & fields, f"{name}: code/strength must be ClassVars, not fields"
    method = "check" if cls in TUPLES.get("SEGMENT_RULES", ()) else "find" if cls in TUPLES.get("SPAN_RULES", ()) else None
    if method:
        assert callable(getattr(cls, method, None)), f"{name} is a {method} rule without .{method}()"
    cls()  # every threshold has a default


#: Rules whose docstrings do not yet say what they must keep (reported; remove when fixed).
MUST_KEEP_MISSING: set[str] = set()


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(reason="docstring lacks a 'Must keep' line")) if n in MUST_KEEP_MISSING else n
    for n in sorted(CATALOGUE)
])
def test_rule_docstring_says_what_it_must_keep(name: str) -> None:
    doc = inspect.getdoc(CATALOGUE[name]) or ""
    assert "Must keep" in doc or "must keep" in doc, f"{name}'s docstring does not say what it must keep"


def test_rule_instances_are_immutable() -> None:
    for name, cls in CATALOGUE.items():
        rule = cls()
        fields = dataclasses.fields(rule)
        if fields:
            with pytest.raises(dataclasses.FrozenInstanceError):
                setattr(rule, fields[0].name, getattr(rule, fields[0].name))
