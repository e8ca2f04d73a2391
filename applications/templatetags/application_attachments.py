"""`{% application_attachments app as rows %}`: the documents of an application, for read-only lists
(the evaluator's workspace, the application page), scoped by the view that rendered the page."""

from django import template

from applications.attachments import attachment_rows

register = template.Library()


@register.simple_tag
def application_attachments(application):
    return attachment_rows(application)
