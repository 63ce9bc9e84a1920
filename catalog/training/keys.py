"""A practice case's answer key, from the content file or from the database (the shape feedback grades against)."""

from catalog.training.feedback import Key, Quote


def key_from_content(case: dict) -> Key:
    return Key(
        slug=case["slug"],
        title=case["title"],
        context=case["context"],
        required=list(case.get("required", [])),
        forbidden=list(case.get("forbidden", [])),
        allowed=list(case.get("allowed", [])),
        contact=case.get("contact"),
        quotes=[Quote(q["about"], q.get("code", ""), q["text"], q["quote_from"]) for q in case["quotes"]],
    )


def key_from_model(case, quotes=None) -> Key:
    """A Key from a PracticeCase row (saved or not) and its quotes (rows or cleaned form data)."""
    contact = case.contact_type
    rows = case.quotes.all() if quotes is None else quotes
    return Key(
        slug=case.slug,
        title=case.title,
        context=case.context,
        required=case.required,
        forbidden=case.forbidden,
        allowed=case.allowed,
        contact=f"{contact.document.slug}/{contact.slug}" if contact else None,
        quotes=[
            Quote(q.about, q.code, q.quote, q.quote_from)
            if hasattr(q, "quote_from")
            else Quote(q["about"], q.get("code", ""), q["quote"], q["quote_from"])
            for q in rows
        ],
    )
