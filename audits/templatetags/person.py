"""`{% person "their" %}`: the person a results page is about, named for whoever reads it.

The owner's own pages speak to them ("your six weeks"); a shared copy of the same page
(/shared/<token>/, whose view puts `viewer = "shared"` in the context) is read by someone else,
and speaks of the owner ("their six weeks"). Templates name the third-person word, because it
maps one way to the second person ("they" and "them" are both "you"), and "you" and "they" take
the same verb forms, so one template reads right either way. Any page that sets no viewer is the
owner's.
"""

from __future__ import annotations

from django import template
from django.template.base import Parser, Token
from django.template.context import Context

register = template.Library()

SHARED = "shared"  # the `viewer` of a page read by someone the owner gave a link to

SECOND_PERSON = {
    "they": "you",
    "They": "You",
    "them": "you",
    "Them": "You",
    "their": "your",
    "Their": "Your",
    "theirs": "yours",
    "they’re": "you’re",
    "they’ll": "you’ll",
    "they’d": "you’d",
}


class PersonNode(template.Node):
    def __init__(self, word: str) -> None:
        self.word = word

    def render(self, context: Context) -> str:
        return self.word if context.get("viewer") == SHARED else SECOND_PERSON[self.word]


@register.tag
def person(parser: Parser, token: Token) -> PersonNode:
    """Checked as the template compiles, so a word the table lacks fails at once, not on the
    one page that would have shown it."""
    bits = token.split_contents()
    quoted = bits[1] if len(bits) == 2 else ""
    is_quoted = len(quoted) > 2 and quoted[0] == quoted[-1] and quoted[0] in "\"'"
    word = quoted[1:-1] if is_quoted else ""
    if word not in SECOND_PERSON:
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes one quoted word of: {', '.join(SECOND_PERSON)}"
        )
    return PersonNode(word)
