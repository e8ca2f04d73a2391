"""PDF documents (decisions, receipts, certificates) rendered with WeasyPrint.

`document_request()` records a GeneratedDocument in the caller's transaction and renders it after
commit through the `render_document` task; rendering is idempotent (a READY document is never
rendered again). Print templates extend `templates/pdf/base.html` (DejaVu Sans, so Greek renders;
portal name in the header; page numbers in the footer).

Who may download a document is decided by the app that owns the object: it registers
`@document_access(SomeModel)` with `fn(user, obj) -> bool`. With no hook, only superusers can.

Other file types (an XLSX results table) go through the same record-then-render path: their
`template` is `renderer:<dotted.path>` naming a function marked `@document_renderer(extension=…,
content_type=…)` that turns the stored context into bytes; `document_file_type()` tells the
download view what it serves.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import import_string

from opske.audit import record
from opske.errors import NotFound
from opske.models import GeneratedDocument

logger = logging.getLogger(__name__)

AccessHook = Callable[[object, object], bool]
_ACCESS: dict[str, AccessHook] = {}
RENDERER_PREFIX = "renderer:"


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str


PDF = FileType("pdf", "application/pdf")


def document_renderer(*, extension: str, content_type: str):
    """Mark `fn(context) -> bytes` as a document renderer; request it with
    `template=f"renderer:{fn.__module__}.{fn.__name__}"`. Only marked functions are ever called,
    so a stored template string cannot name arbitrary code."""

    def mark(fn):
        fn.document_file_type = FileType(extension, content_type)
        return fn

    return mark


def renderer_template(fn) -> str:
    """The `template` value that makes `document_request` use the renderer `fn`."""
    return f"{RENDERER_PREFIX}{fn.__module__}.{fn.__qualname__}"


def _renderer(template: str):
    if not template.startswith(RENDERER_PREFIX):
        return None
    fn = import_string(template[len(RENDERER_PREFIX) :])
    if not isinstance(getattr(fn, "document_file_type", None), FileType):
        raise ImproperlyConfigured(f"{template} is not marked with @document_renderer")
    return fn


def document_file_type(document: GeneratedDocument) -> FileType:
    """What the stored file is (PDF unless the document was made by a marked renderer)."""
    fn = _renderer(document.template)
    return fn.document_file_type if fn is not None else PDF


def _render_bytes(document: GeneratedDocument) -> tuple[bytes, FileType]:
    fn = _renderer(document.template)
    if fn is None:
        return render_pdf(document.template, document.context), PDF
    return fn(document.context), fn.document_file_type


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a Django template to PDF bytes."""
    import weasyprint  # heavy import (Pango); only where a PDF is made

    html = render_to_string(template_name, {"PORTAL_NAME": "ΟΠΣΚΕ", "SITE_URL": settings.SITE_URL, **context})
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def document_access(model) -> Callable[[AccessHook], AccessHook]:
    """Register who may download documents generated for objects of `model`."""

    def register(fn: AccessHook) -> AccessHook:
        _ACCESS[model._meta.label_lower] = fn
        return fn

    return register


def document_request(*, obj, kind: str, template: str, context: dict, actor=None) -> GeneratedDocument:
    """Record a document to be rendered; the PDF is made after commit by the worker."""
    with transaction.atomic():
        document = GeneratedDocument.objects.create(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            kind=kind,
            template=template,
            context=context,
        )
        record(
            actor=actor,
            action="document.requested",
            obj=obj,
            after={"document": document.pk, "kind": kind, "template": template},
        )
        transaction.on_commit(lambda: _enqueue(document.pk))
    return document


def _enqueue(document_id: int) -> None:
    from opske.tasks import render_document

    try:
        render_document.delay(document_id)
    except Exception:
        logger.warning("could not enqueue document %s; the outbox sweep will retry", document_id)


def document_render(document_id: int) -> str:
    """Render a PENDING document once; returns its state afterwards."""
    with transaction.atomic():
        document = GeneratedDocument.objects.select_for_update().filter(pk=document_id).first()
        if document is None:
            raise NotFound(f"Το έγγραφο {document_id} δεν υπάρχει.")
        if document.state != GeneratedDocument.State.PENDING:
            return document.state
        try:
            data, file_type = _render_bytes(document)
        except Exception as exc:
            logger.exception("document %s failed to render", document_id)
            document.state = GeneratedDocument.State.FAILED
            document.error = f"{type(exc).__name__}: {exc}"[:2000]
            document.save(update_fields=["state", "error"])
            return document.state
        document.sha256 = hashlib.sha256(data).hexdigest()
        document.file.save(
            f"{document.kind}-{document.pk}.{file_type.extension}", ContentFile(data), save=False
        )
        document.state = GeneratedDocument.State.READY
        document.ready_at = timezone.now()
        document.save(update_fields=["file", "sha256", "state", "ready_at"])
        return document.state


def document_target(document: GeneratedDocument):
    model = document.content_type.model_class()
    return model._default_manager.filter(pk=document.object_id).first() if model else None


def document_get_for_user(*, user, pk) -> GeneratedDocument:
    """A READY document the user may see; otherwise (including no access hook) a 404."""
    document = (
        GeneratedDocument.objects.select_related("content_type")
        .filter(pk=pk, state=GeneratedDocument.State.READY)
        .first()
    )
    if document is None or not user.is_authenticated:
        raise NotFound("Το έγγραφο δεν βρέθηκε.")
    if user.is_superuser:
        return document
    hook = _ACCESS.get(f"{document.content_type.app_label}.{document.content_type.model}")
    target = document_target(document)
    if hook is None or target is None or not hook(user, target):
        raise NotFound("Το έγγραφο δεν βρέθηκε.")
    return document
