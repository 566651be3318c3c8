"""``{% field f %}``: one form field as a screen reader needs it: a label tied to the input, the
help text and the errors under ids the input names in ``aria-describedby``, ``aria-invalid`` when
the value was refused."""

from django import template

register = template.Library()


@register.inclusion_tag("core/_field.html")
def field(bound, hint: bool = True):
    described = []
    help_id = f"{bound.auto_id}_helptext" if bound.help_text and hint else ""
    error_id = f"{bound.auto_id}_error" if bound.errors else ""
    described = " ".join(i for i in (help_id, error_id) if i)
    attrs = {"aria-describedby": described} if described else {}
    if bound.errors:
        attrs["aria-invalid"] = "true"
    return {
        "f": bound,
        "widget": bound.as_widget(attrs=attrs),
        "help_id": help_id,
        "error_id": error_id,
    }
