"""Posting admin forms back the way a browser does, from the page the test client got."""


def form_data(form) -> dict:
    """A form's initial values under its field names (with prefix), ready to post."""
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if callable(value):
            value = value()
        if value is None:
            value = ""
        elif hasattr(value, "pk"):
            value = value.pk
        elif isinstance(value, bool):
            if not value:
                continue
            value = "on"
        data[form.add_prefix(name)] = value
    return data


def change_form_data(response) -> dict:
    """Everything an admin change page would post: the form and each inline formset."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(form_data(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(form_data(form))
    return data
