"""Every stylesheet under static/ parses, closes every block and nests no rule.

Browsers forgive a missing "}": they read every rule after it as nested inside the open one, so
the page loses those styles without a single error anywhere. The site's CSS is written flat (no
CSS nesting), so a rule found inside a style rule is always such a slip.
"""

from pathlib import Path

import pytest
import tinycss2
from django.conf import settings

STATIC = Path(settings.BASE_DIR) / "static"
STYLESHEETS = sorted(STATIC.rglob("*.css"))
# At-rules whose block holds rules rather than declarations.
RULE_BLOCKS = {"media", "supports", "layer", "container", "document"}


def _line(node: object) -> int:
    return getattr(node, "source_line", 0)


def _check_rules(rules: list, problems: list[str]) -> None:
    for rule in rules:
        if rule.type == "error":
            problems.append(f"line {_line(rule)}: {rule.message}")
        elif rule.type == "qualified-rule":
            _check_declarations(rule, problems)
        elif rule.type == "at-rule" and rule.content is not None:
            if rule.lower_at_keyword in RULE_BLOCKS:
                inner = tinycss2.parse_rule_list(
                    rule.content, skip_comments=True, skip_whitespace=True
                )
                _check_rules(inner, problems)
            else:
                _check_declarations(rule, problems)


def _check_declarations(rule, problems: list[str]) -> None:
    selector = tinycss2.serialize(rule.prelude).strip()
    for item in tinycss2.parse_blocks_contents(
        rule.content, skip_comments=True, skip_whitespace=True
    ):
        if item.type == "error":
            problems.append(f"line {_line(item)} in {selector!r}: {item.message}")
        elif item.type in ("qualified-rule", "at-rule"):
            inner = tinycss2.serialize(item.prelude).strip()
            problems.append(
                f"line {_line(item)}: {inner!r} is nested inside {selector!r}"
                f" (opened on line {_line(rule)}); is a '}}' missing?"
            )


def stylesheet_problems(text: str) -> list[str]:
    """What is wrong with a stylesheet, one line each; empty when it is sound."""
    problems: list[str] = []
    # The tokenizer closes any block still open at the end of the file; a round trip that
    # doesn't give back the text byte for byte means a block was left open.
    if tinycss2.serialize(tinycss2.parse_component_value_list(text)) != text:
        problems.append("a block is never closed: the file ends inside a '{'")
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    _check_rules(rules, problems)
    return problems


def test_there_are_stylesheets_to_check():
    assert STATIC / "css" / "site.css" in STYLESHEETS


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda p: str(p.relative_to(STATIC)))
def test_stylesheet_parses_flat_and_closed(path):
    assert stylesheet_problems(path.read_text(encoding="utf-8")) == []


def test_a_missing_brace_is_caught():
    text = ".a input {\n  min-height: 2rem;\n\n.b {\n  color: red;\n}\n"
    problems = stylesheet_problems(text)
    assert any("never closed" in p for p in problems)
    assert any("'.b' is nested inside '.a input'" in p for p in problems)


def test_a_nested_rule_inside_media_is_caught():
    text = "@media print {\n  .a {\n    color: red;\n    .b { color: blue; }\n  }\n}\n"
    assert stylesheet_problems(text) == [
        "line 4: '.b' is nested inside '.a' (opened on line 2); is a '}' missing?"
    ]


def test_a_bad_declaration_is_caught():
    problems = stylesheet_problems(".a { color red; }\n")
    assert problems and "'.a'" in problems[0]


def test_a_sound_stylesheet_passes():
    text = "/* c */\n.a { color: red; }\n@media (width < 40rem) { .a { color: blue; } }\n"
    assert stylesheet_problems(text) == []
