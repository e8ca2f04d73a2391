"""Notifications: an in-app inbox copy for every recipient and an e-mail delivered after commit.

`notify()` writes the rows first (Notification + Delivery) in the caller's transaction and only
after commit enqueues `send_delivery`. If the broker is down then, the Delivery stays PENDING and
`sweep_outbox` re-enqueues it later: work is delayed, never dropped.

Legal notices (`legal=True`): the e-mail to the business's declared address counts as service
(ΚΥΑ 7066 Art. 6.10, 7.3 citing ΚΔΔ art. 19 and ν. 4914/2022 art. 56 §6(δ)). The moment the
e-mail left the portal is stored on the Delivery and copied to `Notification.sent_at`; deadlines
«από την επομένη της κοινοποίησης» count from that date (`opske.calendar.deadline_end`). Higher
layers that must start such a deadline register `@on_notice_sent("<kind>")`, run in the same
transaction that records the send.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from opske.audit import record
from opske.errors import NotFound
from opske.models import Delivery, Notification

logger = logging.getLogger(__name__)

NO_EMAIL_REASON = "Ο παραλήπτης δεν έχει δηλώσει διεύθυνση e-mail· η ειδοποίηση υπάρχει μόνο στα εισερχόμενα."
MAX_ATTEMPTS = 5

NoticeSentHook = Callable[[Notification], None]
_SENT_HOOKS: dict[str, list[NoticeSentHook]] = {}


def on_notice_sent(kind: str) -> Callable[[NoticeSentHook], NoticeSentHook]:
    """Register `fn(notification)` to run when a legal notice of `kind` is first e-mailed."""

    def register(fn: NoticeSentHook) -> NoticeSentHook:
        hooks = _SENT_HOOKS.setdefault(kind, [])
        if all(h.__qualname__ != fn.__qualname__ for h in hooks):
            hooks.append(fn)
        return fn

    return register


def notify(
    *,
    recipients: Iterable,
    subject: str,
    body: str,
    kind: str,
    obj=None,
    legal: bool = False,
    actor=None,
    addresses: Iterable[str] | None = None,
) -> list[Notification]:
    """Record one notification per recipient (inbox) and its e-mail delivery; send after commit.

    `addresses`: for a notice to an applicant, the e-mail addresses that count as service (the
    business's confirmed contact address, its coordinators', the address declared in the
    application). They are e-mailed once each, as deliveries of the first recipient's
    notification, instead of each recipient's own address; the first one sent is the service time.
    """
    unique = {user.pk: user for user in recipients if user is not None}
    if not unique:
        return []
    if addresses is not None:
        addresses = unique_addresses(addresses)
    ct = ContentType.objects.get_for_model(obj) if obj is not None else None
    created: list[Notification] = []
    pending: list[int] = []
    with transaction.atomic():
        for user in unique.values():
            notification = Notification.objects.create(
                recipient=user,
                subject=subject[:250],
                body=body,
                kind=kind,
                content_type=ct,
                object_id=str(obj.pk) if obj is not None else "",
                is_legal_notice=legal,
            )
            if addresses is None:
                targets = [(user.email or "").strip()]
            elif not created:
                targets = addresses
            else:
                targets = None  # the notice's e-mails hang on the first recipient's copy only
            if targets is not None:
                for address in targets or [""]:
                    if address:
                        delivery = Delivery.objects.create(notification=notification, to_address=address)
                        pending.append(delivery.pk)
                    else:
                        Delivery.objects.create(
                            notification=notification, state=Delivery.State.FAILED, error=NO_EMAIL_REASON
                        )
            created.append(notification)
        record(
            actor=actor,
            action="notification.created",
            obj=obj,
            after={
                "kind": kind,
                "subject": subject,
                "legal": legal,
                "recipients": sorted(unique),
                **({"addresses": list(addresses)} if addresses is not None else {}),
                "notifications": [n.pk for n in created],
            },
        )
        transaction.on_commit(lambda: enqueue_deliveries(pending))
    return created


def unique_addresses(addresses: Iterable[str]) -> list[str]:
    """Non-empty addresses in their order, each once (compared without case)."""
    seen: set[str] = set()
    out: list[str] = []
    for address in addresses:
        a = (address or "").strip()
        if a and a.lower() not in seen:
            seen.add(a.lower())
            out.append(a)
    return out


def enqueue_deliveries(delivery_ids: Iterable[int]) -> None:
    """Hand deliveries to the worker. A broker failure only delays them (see sweep_outbox)."""
    from opske.tasks import send_delivery

    for delivery_id in delivery_ids:
        try:
            send_delivery.delay(delivery_id)
        except Exception:
            logger.warning("could not enqueue delivery %s; the outbox sweep will retry", delivery_id)


def _email_for(delivery: Delivery) -> EmailMessage:
    notification = delivery.notification
    link = settings.SITE_URL + reverse("opske:inbox-detail", args=[notification.pk])
    body = f"{notification.body}\n\n—\nΔείτε το μήνυμα στην πύλη: {link}\n"
    return EmailMessage(
        subject=notification.subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to_address],
    )


def delivery_send(delivery_id: int) -> str:
    """Send one e-mail delivery at most once; returns the delivery's state afterwards.

    The claim (PENDING -> SENT) and the send share one transaction: a concurrent second run waits
    on the row, then finds it no longer PENDING and does nothing. If sending raises, the claim rolls
    back and the row stays PENDING (FAILED after MAX_ATTEMPTS) with the error kept.
    """
    try:
        with transaction.atomic():
            now = timezone.now()
            claimed = Delivery.objects.filter(pk=delivery_id, state=Delivery.State.PENDING).update(
                state=Delivery.State.SENT, sent_at=now, attempts=F("attempts") + 1, error=""
            )
            delivery = Delivery.objects.select_related("notification").filter(pk=delivery_id).first()
            if delivery is None:
                raise NotFound(f"Η αποστολή {delivery_id} δεν υπάρχει.")
            if not claimed:
                return delivery.state
            _email_for(delivery).send(fail_silently=False)
            notification = delivery.notification
            if notification.is_legal_notice and notification.sent_at is None:
                Notification.objects.filter(pk=notification.pk, sent_at__isnull=True).update(sent_at=now)
                notification.sent_at = now
                for hook in _SENT_HOOKS.get(notification.kind, []):
                    hook(notification)
            return Delivery.State.SENT
    except NotFound:
        raise
    except Exception as exc:
        logger.warning("delivery %s failed: %s", delivery_id, exc)
        Delivery.objects.filter(pk=delivery_id, state=Delivery.State.PENDING).update(
            attempts=F("attempts") + 1, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        Delivery.objects.filter(
            pk=delivery_id, state=Delivery.State.PENDING, attempts__gte=MAX_ATTEMPTS
        ).update(state=Delivery.State.FAILED)
        return Delivery.objects.values_list("state", flat=True).get(pk=delivery_id)


# --- Inbox (selectors and the one write the reader makes) ----------------------------------


def inbox_for_user(*, user, unread_only: bool = False):
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by(F("read_at").asc(nulls_first=True), "-created_at", "-pk")


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_get_for_user(*, user, pk) -> Notification:
    """The user's own notification; anyone else's is a 404."""
    notification = Notification.objects.filter(recipient=user, pk=pk).first()
    if notification is None:
        raise NotFound("Το μήνυμα δεν βρέθηκε.")
    return notification


def notice_deliveries(notification: Notification):
    """The e-mails of a notice as its reader may see them: for a legal notice the deliveries of
    every copy about the same object (they hang on the first recipient's copy), else its own."""
    if not notification.is_legal_notice or notification.content_type_id is None:
        return notification.deliveries.order_by("pk")
    return Delivery.objects.filter(
        notification__is_legal_notice=True,
        notification__kind=notification.kind,
        notification__content_type_id=notification.content_type_id,
        notification__object_id=notification.object_id,
        notification__subject=notification.subject,
    ).order_by("pk")


def notification_mark_read(*, user, notification: Notification) -> Notification:
    """Reading is not a change of record; no audit event, just the read time (first read kept)."""
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, recipient=user, read_at__isnull=True).update(
            read_at=now
        )
        notification.read_at = now
    return notification
