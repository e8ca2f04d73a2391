"""The durable deadline that closes the objection window (ΚΥΑ 16936 Art. 5(8))."""

from evaluation.points.services import OBJECTION_WINDOW_KIND
from opske.deadlines import SWEEPER_ACTOR, deadline_handler


@deadline_handler(OBJECTION_WINDOW_KIND)
def close_objection_window(deadline, rnd) -> None:
    from evaluation.points.services import points_round_close_objections

    points_round_close_objections(actor=SWEEPER_ACTOR, round_id=rnd.pk)


@deadline_handler("points.e3_overdue")
def remind_e3_overdue(deadline, placement) -> None:
    """The day after the Ε3's last day (Art. 6(4)): remind the service and ΚΠΑ2 if still not filed."""
    from evaluation.points.employment import e3_overdue_notify

    if placement is not None:
        e3_overdue_notify(
            placement_id=placement.pk, recipients=deadline.payload.get("recipients", []), actor=SWEEPER_ACTOR
        )


@deadline_handler("points.employment_end")
def end_employment(deadline, placement) -> None:
    """Art. 6(11): the employment ends by itself once its last day has passed."""
    from evaluation.points.employment import employment_complete

    if placement is not None:
        employment_complete(actor=SWEEPER_ACTOR, placement_id=placement.pk)
