"""The durable deadline that closes the objection window (ΚΥΑ 16936 Art. 5(8))."""

from evaluation.points.services import OBJECTION_WINDOW_KIND
from opske.deadlines import SWEEPER_ACTOR, deadline_handler


@deadline_handler(OBJECTION_WINDOW_KIND)
def close_objection_window(deadline, rnd) -> None:
    from evaluation.points.services import points_round_close_objections

    points_round_close_objections(actor=SWEEPER_ACTOR, round_id=rnd.pk)
