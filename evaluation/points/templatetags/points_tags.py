from django import template

register = template.Library()


@register.simple_tag
def points_table(table_id):
    """The rows of a posted table for the PDF template, which is rendered from {"table_id"} only
    so that the stored document context stays small whatever the table's size."""
    from evaluation.points.exports import table_pdf_context

    return table_pdf_context(int(table_id))


@register.filter
def reasons_text(reasons):
    return " · ".join(r.get("message", "") for r in reasons or [])


@register.filter
def join_prefs(prefs, names=None):
    """Preference codes as service names where known (`{{ r.preferences|join_prefs:service_names }}`)."""
    names = names or {}
    return ", ".join(names.get(p, p) for p in prefs or [])


@register.filter
def service_name(code, names=None):
    if not code:
        return "—"
    return (names or {}).get(code, code)
