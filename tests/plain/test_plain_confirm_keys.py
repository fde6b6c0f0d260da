"""Yes/no questions answered with real keys, as a person types them (issue 12, item 2)."""

from __future__ import annotations

import io

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from aws_setup_wizard.plain import PlainConversation
from tests.plain.conftest import ENTER


def _answers(keys: str, questions: int) -> list[bool]:
    with create_pipe_input() as pipe:
        talk = PlainConversation(io.StringIO(), input=pipe, output=DummyOutput())
        pipe.send_text(keys)
        return [talk.confirm(f"Question {n}?") for n in range(questions)]


def test_y_then_enter_answers_one_question_only():
    """``y`` and Enter answer the first question; the second gets its own ``y`` and Enter.

    questionary's default took ``y`` alone as the answer, so the Enter after it answered the
    next question (the account confirmation) with No and ended the run.
    """
    assert _answers("y" + ENTER + "y" + ENTER, 2) == [True, True]


def test_enter_alone_is_the_default_no_and_n_is_no():
    assert _answers(ENTER + "n" + ENTER, 2) == [False, False]


def test_a_changed_mind_before_enter_counts():
    """``y``, then ``n``, then Enter: the last key before Enter is the answer."""
    assert _answers("yn" + ENTER, 1) == [False]
