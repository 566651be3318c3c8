"""A form field as a screen reader needs it: every id named by aria-describedby exists, and a
refused value's error is tied to its input."""

import re

from django import forms
from django.template import Context, Template


class BirthForm(forms.Form):
    birth = forms.CharField(label="Ngày sinh", help_text="hoặc chỉ năm sinh", max_length=10)
    name = forms.CharField(label="Họ và tên")


def _render(form) -> str:
    return Template("{% load fields %}{% for f in form %}{% field f %}{% endfor %}").render(
        Context({"form": form})
    )


def _described_ids_exist(html: str) -> list[str]:
    named = [i for ids in re.findall(r'aria-describedby="([^"]*)"', html) for i in ids.split()]
    present = set(re.findall(r'\bid="([^"]*)"', html))
    return [i for i in named if i not in present]


def test_help_text_is_read_with_its_input():
    html = _render(BirthForm())
    assert 'aria-describedby="id_birth_helptext"' in html
    assert 'id="id_birth_helptext"' in html
    assert '<label for="id_birth">Ngày sinh</label>' in html
    assert not _described_ids_exist(html)


def test_an_error_is_tied_to_its_field():
    form = BirthForm(data={"birth": "12345678901", "name": ""})
    assert not form.is_valid()
    html = _render(form)
    assert re.search(r'aria-describedby="id_birth_helptext id_birth_error"', html)
    assert 'aria-describedby="id_name_error"' in html
    assert html.count('aria-invalid="true"') == 2
    assert not _described_ids_exist(html)
