"""Reviews of a risk (risks.registers.record_review): the movement and overdue marks they
give, and that neither a stale form nor a review entered late overwrites a newer one."""

import datetime

import time_machine
from django.urls import reverse

from risks import registers
from risks.models import Risk
from tests.factories import RiskFactory

D = datetime.date


def review(subject, user, on, comment, next_review, residual, signed_off=True):
    """`user` reviews the risk on the day `on`, scoring its residual (probability, impact)."""
    probability, impact = residual
    return registers.record_review(
        subject, user, on, comment, signed_off, next_review,
        residual_probability=probability, residual_impact=impact,
    )  # fmt: skip


def only_row(register):
    """The register page's row for its one risk, as the page works it out."""
    return registers.rows(registers.with_scores(register.risks.all()), register.matrix)[0]


def test_review_movement_and_overdue(register, alice):
    subject = RiskFactory(
        register=register, ref="R1", residual=(3, 4), next_review_date=D(2024, 1, 31)
    )
    with time_machine.travel(D(2024, 2, 1)):
        row = only_row(register)
        assert row.overdue and row.movement == ""
    review(subject, alice, D(2024, 2, 1), "First", D(2024, 3, 1), residual=(3, 4))
    review(subject, alice, D(2024, 3, 1), "Better", D(2024, 4, 1), residual=(2, 4))
    with time_machine.travel(D(2024, 3, 15)):
        row = only_row(register)
        assert row.movement == "down" and not row.overdue
        assert (row.risk.residual_probability, row.risk.next_review_date) == (2, D(2024, 4, 1))
    review(subject, alice, D(2024, 4, 1), "Worse", D(2024, 5, 1), residual=(4, 4), signed_off=False)
    row = only_row(register)
    assert row.movement == "up"
    review(subject, alice, D(2024, 5, 1), "Same", D(2024, 6, 1), residual=(4, 4))
    row = only_row(register)
    assert row.movement == "same"
    assert subject.history.count() == 5  # created, then one change per review


def test_a_review_from_a_stale_form_is_refused(client_for, register, alice, bob):
    subject = RiskFactory(register=register, ref="R", owner=bob, inherent=(3, 4), residual=(2, 4))
    url = reverse("risks:risk-review", args=[register.slug, "R"])
    form = {
        "version": subject.version,
        "reviewed_on": "2024-03-01",
        "next_review_date": "2024-04-01",
        "comment": "Fine",
        "inherent_probability": 3,
        "inherent_impact": 4,
        "residual_probability": 2,
        "residual_impact": 4,
    }
    review(subject, alice, D(2024, 2, 1), "Worse", D(2024, 3, 1), residual=(4, 4))
    response = client_for(bob).post(url, form)
    assert response.status_code == 409
    assert Risk.objects.get(pk=subject.pk).residual_probability == 4


def test_a_back_dated_review_does_not_replace_todays_scores(register, alice):
    subject = RiskFactory(register=register, ref="R", residual=(2, 4))
    review(subject, alice, D(2024, 3, 1), "Now", D(2024, 4, 1), residual=(3, 4))
    review(subject, alice, D(2024, 1, 1), "Earlier, entered late", D(2024, 2, 1), residual=(1, 1))
    subject.refresh_from_db()
    assert (subject.residual_probability, subject.next_review_date) == (3, D(2024, 4, 1))
    assert subject.reviews.count() == 2
