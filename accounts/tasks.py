"""Background work of accounts/: the confirmation e-mail of a contact-profile address.

Safe to run twice: a second e-mail carries an equally valid link; confirming twice is a no-op.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from accounts.models import Business


@shared_task(name="accounts.tasks.send_contact_confirmation", acks_late=True)
def send_contact_confirmation(business_id: int, email: str) -> bool:
    from accounts.services import contact_confirmation_token

    business = Business.objects.filter(pk=business_id).first()
    if business is None or (business.notice_email_pending or "").lower() != email.lower():
        return False  # changed again meanwhile: only the latest address gets a link
    token = contact_confirmation_token(business=business, email=email)
    link = settings.SITE_URL + reverse("accounts:contact_confirm", args=[token])
    body = (
        f"Δηλώθηκε η διεύθυνση {email} ως e-mail νόμιμων κοινοποιήσεων της επιχείρησης "
        f"{business.name} (ΑΦΜ {business.afm}) στο ΟΠΣΚΕ.\n\n"
        "Τα μηνύματα που αποστέλλονται σε αυτή τη διεύθυνση επέχουν θέση κοινοποίησης και ξεκινούν "
        "τις νόμιμες προθεσμίες (ΚΥΑ 7066 Άρθ. 6.10, 7.3). Για να ισχύσει, επιβεβαιώστε την "
        f"ανοίγοντας τον σύνδεσμο (ισχύει 7 ημέρες):\n{link}\n\n"
        "Αν δεν το ζητήσατε εσείς, αγνοήστε το μήνυμα.\n"
    )
    EmailMessage(
        subject="Επιβεβαίωση e-mail νόμιμων κοινοποιήσεων — ΟΠΣΚΕ",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email],
    ).send(fail_silently=False)
    return True
