"""`{% application_attachments app as rows %}`: the documents of an application, for read-only lists
(the evaluator's workspace, the application page), scoped by the view that rendered the page."""

from django import template

from applications.attachments import MB, attachment_rows, may_download

register = template.Library()


@register.simple_tag(takes_context=True)
def application_attachments(context, application):
    """The rows, or None when the viewer may not read the documents (an evaluator it is not assigned
    to: the list says so instead of offering links that answer 404)."""
    request = context.get("request")
    if request is not None and not may_download(request.user, application.pk):
        return None
    return attachment_rows(application)


@register.filter
def decimal_mb(size) -> str:
    """A file size in the megabytes the calls state (decimal: 1 MB = 1,000,000 bytes), «9,5 MB»."""
    try:
        size = int(size)
    except (TypeError, ValueError):
        return ""
    if size < 100_000:
        return f"{size / 1000:.1f} kB".replace(".", ",")
    return f"{size / MB:.1f} MB".replace(".", ",")
