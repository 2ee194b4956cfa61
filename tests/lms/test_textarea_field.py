"""includes/textarea_field.html writes a textarea's field group out by hand (the form renderer
was most of a supervisor's page): it must give what Django's as_field_group gives, for every
state a box can be in, so a screen reader hears the same label, help and error."""

import re

import pytest
from django import forms
from django.template.loader import render_to_string


class CommentForm(forms.Form):
    comment = forms.CharField(
        label="Comment on the entry of <Mon 1 Dec>",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reply = forms.CharField(
        label="Your reply",
        help_text="Say what changed",
        max_length=20,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _markup(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize(
    "data",
    [
        None,  # a new form: empty boxes
        {"comment": "fine <b>", "reply": "ok"},  # kept text, escaped
        {"comment": "x" * 501, "reply": ""},  # too long; required and missing
    ],
    ids=["unbound", "valid", "errors"],
)
@pytest.mark.parametrize("name", ["comment", "reply"])
def test_the_written_out_box_is_what_django_renders(data, name):
    form = CommentForm(data=data)
    if form.is_bound:
        form.is_valid()
    by_hand = render_to_string("includes/textarea_field.html", {"field": form[name]})
    assert _markup(by_hand) == _markup(form[name].as_field_group())


def test_errors_are_tied_to_the_box():
    form = CommentForm(data={"comment": "x" * 501, "reply": ""})
    form.is_valid()
    html = render_to_string("includes/textarea_field.html", {"field": form["reply"]})
    assert 'aria-describedby="id_reply_helptext id_reply_error"' in html
    assert 'aria-invalid="true"' in html
    assert "This field is required." in html
