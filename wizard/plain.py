"""The plain front end: the guided flow as one questionary prompt at a time.

For screen readers, serial consoles, small CloudShell tabs and trainers who want a transcript.
It implements :class:`aws_setup_wizard.flow.Conversation` and nothing more: every decision, every
step and every sentence of the flow lives in the engine (:mod:`aws_setup_wizard.flow`,
:mod:`aws_setup_wizard.wording`, the steps); this module prints lines and asks questions.

- Every prompt uses ``unsafe_ask()``: Ctrl-C raises :class:`KeyboardInterrupt` and is never
  taken for "no". :func:`run_guided` turns it into "no changes were made" or, during a write,
  into what was done so far and how to finish.
- Output is plain lines. Status is a word (PASS / FAIL / UNKNOWN); colour, when allowed, only
  repeats it, and is off when ``NO_COLOR`` is set or the output is not a terminal.
- A transcript (optional) receives the same lines without colour plus each question with its
  answer. Secrets are redacted there: the admin's initial password, the MFA QR code and the
  MFA secret key are shown once on the terminal and never written to the transcript.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, TextIO

import questionary
from prompt_toolkit.input import Input
from prompt_toolkit.output import Output

from aws_setup_wizard import plain_render as render
from aws_setup_wizard import runner, wording
from aws_setup_wizard.credentials import access_key_id_problem, secret_key_problem
from aws_setup_wizard.errors import WizardError, describe_error
from aws_setup_wizard.flow import (
    Answer,
    ConfirmRequest,
    GuidedRun,
    Identity,
    MfaExchange,
    OptionValues,
    Summary,
)
from aws_setup_wizard.launch import Launch, Opened, open_account
from aws_setup_wizard.mfa import code_problem
from aws_setup_wizard.model import Check, ConsoleAction, Phase, Plan, ProgressEvent, Status
from aws_setup_wizard.no_credentials import Choice, Decision, EnteredKey, Offer, Picked, decide
from aws_setup_wizard.options import Option, OptionError
from aws_setup_wizard.present import (
    ExitCode,
    console_lines,
    grouped_secret,
    identity_lines,
    status_line,
    terminal_safe,
    withheld_password,
)
from aws_setup_wizard.secrets import SecretStore
from aws_setup_wizard.steps import Step

MFA_CODE_PROMPTS = frozenset({wording.FIRST_CODE, wording.SECOND_CODE})


class PlainConversation:
    """A :class:`aws_setup_wizard.flow.Conversation` of printed lines and questionary prompts.

    ``input``/``output`` are handed to every prompt (prompt_toolkit's pipe input and
    ``DummyOutput`` in tests); ``transcript`` receives a redacted, colourless copy of the run;
    ``before_prompt`` is called with each question just before it is asked (tests use it to
    type the answer to that very question).
    """

    def __init__(
        self,
        out: TextIO,
        *,
        input: Input | None = None,  # noqa: A002 - prompt_toolkit's own name for it
        output: Output | None = None,
        transcript: TextIO | None = None,
        color: bool | None = None,
        width: int | None = None,
        before_prompt: Callable[[str], None] | None = None,
    ) -> None:
        self.out = out
        self.width = width or render.terminal_width()
        self.transcript = transcript
        self.color = render.wants_color(out) if color is None else color
        self.before_prompt = before_prompt
        self._io: dict[str, Any] = {}
        if input is not None:
            self._io["input"] = input
        if output is not None:
            self._io["output"] = output
        # Set by run_guided: the steps in the order the run walks them, for "Step 2 of 4".
        self.step_order: Callable[[], Sequence[Step]] | None = None
        self.summary_shown = False
        # What the run has done, for the message after Ctrl-C: calls that completed, and
        # whether a step's changes were under way when it came.
        self.calls_done: list[str] = []
        self.writing = False
        self._console_step: str | None = None
        self._last_step: str | None = None
        # For the sentence said instead of a password when the output is not a terminal.
        self.account_id = ""
        self.keeps_in_keyring = False

    # -- output ----------------------------------------------------------------------------

    def say(self, *lines: str, transcript: Iterable[str] | None = None, wrap: bool = True) -> None:
        """Print lines, wrapped to the width; the transcript gets ``transcript`` if given.

        Wrapping here (not the terminal's) keeps words and links whole for readers and for
        the saved transcript; ``wrap=False`` keeps drawings such as the QR code intact.
        """
        # Text from the account is escaped before the colours are added: nothing it holds can
        # move the cursor or reorder what the reader sees.
        shown = [terminal_safe(part) for line in lines for part in self._wrap(line, wrap)]
        for line in shown:
            self.out.write(self._paint(line) + "\n")
        self.out.flush()
        if self.transcript is not None:
            saved = shown if transcript is None else transcript
            for line in saved:
                self.transcript.write(terminal_safe(line) + "\n")
            self.transcript.flush()

    def _wrap(self, line: str, wrap: bool) -> list[str]:
        return render.wrap_line(line, self.width) if wrap else [line]

    def say_secret(self, line: str, secrets: Iterable[str]) -> None:
        """Print a line holding secrets; the transcript gets it with each secret redacted."""
        redacted = line
        for secret in secrets:
            if secret:
                redacted = redacted.replace(secret, render.REDACTED)
        self.say(
            *line.splitlines(),
            transcript=[part for text in redacted.splitlines() for part in self._wrap(text, True)],
        )

    def heading(self, text: str) -> None:
        """A blank line, then the heading on its own line."""
        self.say("", text)

    def _paint(self, line: str) -> str:
        # Colour only repeats the word next to it; the word alone carries the meaning.
        if not self.color:
            return line
        return render.paint(line)

    # -- prompts ---------------------------------------------------------------------------

    def _ask(self, question: Any, message: str) -> Any:
        if self.before_prompt is not None:
            self.before_prompt(message)
        answer = question.unsafe_ask()  # Ctrl-C raises: never taken for "no"
        if self.transcript is not None:
            # MFA codes are not kept: with the time they were typed they help an attacker
            # who also holds the password; secrets use ``secret_text`` and are never kept.
            kept = render.REDACTED if message in MFA_CODE_PROMPTS else render.answer_text(answer)
            self.transcript.write(f"? {message} {kept}\n")
        return answer

    def select(self, message: str, choices: Sequence[str], default: str | None = None) -> str:
        """One choice from a list (arrow keys and Enter); the first is the default."""
        question = questionary.select(
            message, choices=list(choices), default=default or choices[0], **self._io
        )
        return str(self._ask(question, message))

    def confirm(self, message: str, *, default: bool = False) -> bool:
        """Yes or no, then Enter; No unless ``default`` says otherwise.

        ``auto_enter=False``: questionary would otherwise take ``y`` as the whole answer, and
        the Enter a person types after it would answer the *next* question (with its default,
        No), ending a run the owner had just confirmed.
        """
        question = questionary.confirm(message, default=default, auto_enter=False, **self._io)
        return bool(self._ask(question, message))

    def text(
        self,
        message: str,
        *,
        default: str = "",
        validate: Callable[[str], str | None] | None = None,
    ) -> str:
        """A line of text; a value ``validate`` rejects is explained and asked for again.

        The question is asked anew, not edited in place: a prompt that kept the rejected text
        made the next try append to it (``12345`` then ``1a3456`` became ``123451a3456``).
        """
        while True:
            question = questionary.text(message, default=default, **self._io)
            answer = str(self._ask(question, message))
            problem = validate(answer) if validate is not None else None
            if problem is None:
                return answer
            self.say(render.PROBLEM.format(message=problem))

    def secret_text(self, message: str, *, validate: Callable[[str], str | None]) -> str:
        """A secret typed without echo (questionary's password prompt); never in a transcript."""
        while True:
            question = questionary.password(message, **self._io)
            if self.before_prompt is not None:
                self.before_prompt(message)
            answer = str(question.unsafe_ask())
            if self.transcript is not None:
                self.transcript.write(f"? {message} {render.REDACTED}\n")
            problem = validate(answer)
            if problem is None:
                return answer
            self.say(render.PROBLEM.format(message=problem))

    # -- the Conversation ------------------------------------------------------------------

    def show_identity(self, identity: Identity) -> Answer:
        """Who and where (SANDBOX first when it is), then continue or quit."""
        self.heading("Who and where")
        self.account_id = identity.account_id
        self.say(*identity_lines(identity))
        return self._continue_or_quit()

    def show_primer(self, markdown: str) -> Answer:
        """The shared responsibility primer as readable text."""
        self.say("", *render.markdown_to_text(markdown, self.width))
        return self._continue_or_quit()

    def _continue_or_quit(self) -> Answer:
        answer = self.select(render.READY, [render.CONTINUE, render.QUIT])
        return Answer.CONTINUE if answer == render.CONTINUE else Answer.CANCEL

    def show_step(self, step: Step, check: Check) -> Answer:
        """Why the step matters, its controls and current state; fix now or skip.

        Shown again (after a refusal or "back"), the step repeats only its state.
        """
        self._console_step = None
        self.heading(self._step_heading(step))
        if step.id != self._last_step:
            self.say("Controls: " + ", ".join(step.controls), "")
            self.say(*render.markdown_to_text(step.why(), self.width), "")
        self._last_step = step.id
        self.say(*render.check_lines(check))
        if check.status is not Status.FAIL:
            # A pass needs nothing; an unknown goes straight to the flow's retry-or-back.
            return Answer.CONTINUE
        answer = self.select(
            render.WHAT_NEXT, [render.FIX_NOW, render.SKIP_STEP, render.DECLINE_STEP]
        )
        if answer == render.DECLINE_STEP:
            return Answer.DECLINE
        return Answer.CONTINUE if answer == render.FIX_NOW else Answer.BACK

    def ask_decline_reason(self, step: Step) -> str | None:
        """The reason for declining ``step``, checked as typed; blank goes back."""
        from aws_setup_wizard.declines import reason_problem

        def problem(typed: str) -> str | None:
            # Blank is "back", not a problem to quote.
            return reason_problem(typed) if typed.strip() else None

        typed = self.text(render.DECLINE_REASON, validate=problem)
        return typed.strip() or None

    def _step_heading(self, step: Step) -> str:
        if self.step_order is not None:
            order = self.step_order()
            ids = [s.id for s in order]
            if step.id in ids:
                # The group is named only when the walk has more than one.
                group = f" ({step.group})" if len({s.group for s in order}) > 1 else ""
                return f"Step {ids.index(step.id) + 1} of {len(ids)}{group}: {step.title}"
        return f"Step: {step.title}"

    def ask_options(self, step: Step, defaults: Mapping[str, str | bool]) -> OptionValues | None:
        """The step's options from their declarations; each value is validated as typed.

        Settings with no value yet (the contact details) are asked for straight away: the
        first choice then fills in just those, and no rule is quoted for a blank never typed.
        """
        self.say("", render.SETTINGS_INTRO)
        for option in step.options:
            self.say(f"  {option.label}: {render.shown(defaults[option.name])} ({option.help})")
        blank = any(defaults[option.name] == "" for option in step.options)
        keep = render.FILL_IN_SETTINGS if blank else render.KEEP_SETTINGS
        answer = self.select(render.WHAT_NEXT, [keep, render.CHANGE_SETTINGS, wording.BACK])
        if answer == wording.BACK:
            return None
        values: OptionValues = {}
        for option in step.options:
            default = defaults[option.name]
            if answer == keep:
                try:
                    values[option.name] = option.validate(default)
                    continue
                except OptionError as exc:
                    if default != "":
                        self.say(str(exc))  # a default that breaks a rule: ask for this one
            values[option.name] = self._ask_option(option, default)
        return values

    def _ask_option(self, option: Option, default: str | bool) -> str | bool:
        if option.kind == "bool":
            return option.validate(self.confirm(option.label + "?", default=bool(default)))
        typed = self.text(option.label, default=str(default), validate=_problem_of(option))
        return option.validate(typed)

    def confirm_account(self, identity: Identity) -> bool:
        """Is this the right account and caller? Default No; a No says what it means."""
        confirmed = self.confirm(
            wording.CONFIRM_ACCOUNT.format(
                account_id=identity.account_id, caller=identity.caller.describe()
            )
        )
        if not confirmed:
            self.say(wording.NOT_THIS_ACCOUNT)
        return confirmed

    def confirm_plan(self, step: Step, plan: Plan, request: ConfirmRequest) -> bool:
        """The exact changes, then a default-No question; deletions need each key's suffix."""
        self.say("", *render.plan_lines(plan))
        if not self.confirm(request.question):
            self.say(render.NOT_CONFIRMED)
            return False
        if request.typed_suffixes:
            masked = request.labels
            typed = [
                self.text(wording.TYPE_KEY_SUFFIX.format(masked=key))
                for key in masked[: len(request.typed_suffixes)]
            ]
            if not request.accepts(typed):
                self.say(render.SUFFIX_MISMATCH)
                return False
        return True

    def progress(self, event: ProgressEvent) -> None:
        """One line per event; a call starting marks a write as under way."""
        if event.phase is Phase.STARTED:
            self.writing = True
        elif event.phase is Phase.DONE:
            self.calls_done.append(event.label)
        self.say("  " + str(event))

    def show_applied(self, step: Step, applied: runner.Applied) -> None:
        """What was done, the initial password once (terminal only), the re-verification."""
        self.writing = False
        self.say(*render.applied_lines(applied, reported=self.calls_done))
        reveal = applied.outcome.reveal
        if reveal and not self.shows_secrets():
            user = reveal.get("user", "")
            self.say("", withheld_password(user, self.keeps_in_keyring, self.account_id))
        elif reveal:
            password = reveal.get("password", "")
            self.say("")
            self.say_secret(
                wording.PASSWORD_ONCE.format(
                    user=reveal.get("user", ""),
                    password=password,
                    signin_url=reveal.get("signin_url", ""),
                ),
                [password],
            )

    def shows_secrets(self) -> bool:
        """A secret is shown only on a terminal: never into a file or a pipe."""
        isatty = getattr(self.out, "isatty", None)
        return bool(isatty and isatty())

    def show_failure(self, step: Step, message: str, done: tuple[str, ...]) -> Answer:
        """What went wrong and what was done; retry or go back."""
        self.writing = False
        self.say("", render.PROBLEM.format(message=message))
        self.say(*(f"  Done: {item}" for item in done))
        answer = self.select(render.WHAT_NEXT, [wording.RETRY, wording.BACK])
        return Answer.RETRY if answer == wording.RETRY else Answer.BACK

    def console_action(
        self,
        step: Step,
        action: ConsoleAction,
        check: Check,
        mfa: MfaExchange | None,
        simulate: Callable[[], str] | None,
    ) -> Answer:
        """The console steps and link; Enter re-checks; the sandbox console as a choice."""
        if self._console_step == step.id:
            self.say("", wording.NOT_YET.format(summary=check.summary))
        else:
            self.say("", *console_lines(action))
            self.say(render.CONSOLE_WAIT)
        self._console_step = step.id
        choices = [wording.CHECK_AGAIN]
        if mfa is not None or simulate is not None:
            choices.append(wording.DO_IN_SANDBOX_CONSOLE)
        choices.append(wording.BACK)
        while True:
            answer = self.select(render.WHAT_NEXT, choices)
            if answer == wording.CHECK_AGAIN:
                self.say(render.CHECKING_AGAIN)
                return Answer.CONTINUE
            if answer == wording.BACK:
                return Answer.BACK
            if simulate is not None:
                self.writing = True
                self.say(simulate())
                self.writing = False
                self.calls_done.append(f"{step.id}: simulated console")
                self.say(render.CHECKING_AGAIN)
                return Answer.CONTINUE
            if mfa is not None and self.register_mfa(mfa):
                self.say(render.CHECKING_AGAIN)
                return Answer.CONTINUE

    def show_rechecked(self, step: Step, check: Check) -> None:
        """The verdict after a console action or MFA registration, as a word and a sentence."""
        self.say(f"Re-verified: {status_line(check)}")

    def offer_mfa(self, step: Step, user_name: str) -> bool:
        """Register the admin's MFA now? Default No (the admin can do it at first sign-in)."""
        return self.confirm(wording.OFFER_MFA.format(user=user_name))

    def register_mfa(self, exchange: MfaExchange) -> bool:
        """The QR code (terminal only), then two codes; the sandbox can show the codes."""
        self.heading(exchange.title)
        self.say(wording.SCAN_QR)
        self.say(*exchange.qr(), transcript=[render.QR_REDACTED], wrap=False)
        choices = [render.ENTER_CODES, render.SHOW_SECRET]
        if exchange.practice:
            choices.append(wording.SHOW_ME_THE_CODES)
        choices.append(wording.BACK)
        while True:
            answer = self.select(render.WHAT_NEXT, choices)
            if answer == wording.BACK:
                return False
            if answer == render.SHOW_SECRET:
                secret = exchange.enrollment.secret_base32
                grouped = grouped_secret(secret)
                self.say_secret(render.SECRET_KEY.format(secret=grouped), [grouped])
                continue
            codes = ("", "")
            if answer == wording.SHOW_ME_THE_CODES:
                codes = exchange.practice_codes()
                self.say(render.PRACTICE_CODES.format(code1=codes[0], code2=codes[1]))
            code1 = self.text(wording.FIRST_CODE, default=codes[0], validate=_code_problem)
            code2 = self.text(wording.SECOND_CODE, default=codes[1], validate=_code_problem)
            self.writing = True
            problem = exchange.complete(code1, code2)
            self.writing = False
            if problem is None:
                self.calls_done.append(exchange.title)
                self.say(render.MFA_DONE)
                return True
            self.say(render.PROBLEM.format(message=problem))

    def show_summary(self, summary: Summary) -> None:
        """The final verification, what changed, and what to do next."""
        self.summary_shown = True
        self.heading(render.SUMMARY_HEADING)
        self.say(*render.summary_lines(summary)[1:])

    # -- endings ---------------------------------------------------------------------------

    def stopped(self, changes: Sequence[str]) -> str:
        """The sentence after Ctrl-C: nothing changed, stopped mid-change, or between steps."""
        done = list(self.calls_done) or list(changes)
        if self.writing:
            return wording.CANCELLED_DURING_WRITE.format(
                done=render.joined(done) or render.NOTHING_COMPLETED
            )
        if done:
            return render.STOPPED_BETWEEN.format(done=render.joined(done))
        return wording.NOTHING_CHANGED


def _problem_of(option: Option) -> Callable[[str], str | None]:
    """The declaration's own rule as a prompt validator: the OptionError message, or None."""

    def problem(value: str) -> str | None:
        try:
            option.validate(value)
        except OptionError as exc:
            return str(exc)
        return None

    return problem


def _code_problem(value: str) -> str | None:
    problem = code_problem(value)
    return None if problem is None else problem[:1].upper() + problem[1:]


# -- the run -----------------------------------------------------------------------------------

Opener = Callable[[Launch], AbstractContextManager[Opened]]


def run_guided(
    launch: Launch,
    *,
    out: TextIO | None = None,
    input: Input | None = None,  # noqa: A002
    output: Output | None = None,
    transcript: Path | None = None,
    opener: Opener = open_account,
    before_prompt: Callable[[str], None] | None = None,
    replace_transcript: bool = False,
) -> int:
    """The guided wizard as plain prompts; the exit code of the final verification.

    0 when every step passes, 1 when one fails, 2 when one is unknown or nothing was verified
    (quit at the start, no credentials, the session ended without a way to re-verify), 130
    after Ctrl-C. ``transcript`` saves a redacted, colourless copy of the run to that file.
    """
    with _transcript_file(transcript, replace=replace_transcript) as saved:
        talk = PlainConversation(
            out or sys.stdout,
            input=input,
            output=output,
            transcript=saved,
            before_prompt=before_prompt,
        )
        try:
            with opener(launch) as opened:
                if opened.has_credentials:
                    return _guide(opened, talk)
                decision = _without_credentials(talk, launch)
                if decision.account is not None:
                    return _guide(Opened(decision.account, None, True), talk)
                if decision.choice is not Choice.SANDBOX:
                    return ExitCode.UNKNOWN
            # The plain mode offers one practice account: the new account (``fresh``).
            chosen = Launch(sandbox_scenario=decision.scenario, realistic=launch.realistic)
            with opener(chosen) as practice:
                return _guide(practice, talk)
        except KeyboardInterrupt:
            # Outside a run (the sandbox question, starting the sandbox): nothing was written.
            talk.say("", wording.NOTHING_CHANGED)
            return ExitCode.INTERRUPTED


def _without_credentials(talk: PlainConversation, launch: Launch) -> Decision:
    """No credentials: the safer path first, then the choices :func:`decide` offers.

    This only prints the offer and asks; what each choice leads to is decided in
    :mod:`aws_setup_wizard.no_credentials`.
    """
    talk.say(wording.NO_CREDENTIALS, "")
    talk.say(*(f"- {line}" for line in wording.GET_CREDENTIALS))

    def ask(offer: Offer) -> Picked:
        if offer.key_problem:
            talk.say("", wording.KEY_DID_NOT_WORK.format(problem=offer.key_problem))
        labels = [offer.label(choice) for choice in offer.choices]
        choice = offer.choice_for(talk.select(render.WHAT_NEXT, labels))
        if choice is not Choice.ENTER_KEY:
            return Picked(choice)
        talk.say("", offer.secrets_note)
        key_id = talk.text(wording.ACCESS_KEY_ID, validate=access_key_id_problem)
        secret = talk.secret_text(wording.SECRET_ACCESS_KEY, validate=secret_key_problem)
        return Picked(choice, EnteredKey(key_id, secret))

    return decide(
        ask,
        SecretStore(),
        region=launch.region,
        endpoint_url=launch.endpoint_url,
        checking=talk.say,
    )


def _guide(opened: Opened, talk: PlainConversation) -> int:
    run = GuidedRun(opened.account, talk, verifier=opened.verifier)
    talk.step_order = run.steps_in_order
    talk.keeps_in_keyring = run.secrets.uses_keyring
    try:
        summary = run.run()
    except KeyboardInterrupt:
        talk.say("", talk.stopped(run.changes))
        return ExitCode.INTERRUPTED
    except EOFError:
        # The answers were piped in and ran out: stop as safely as after Ctrl-C.
        talk.say("", render.INPUT_ENDED, talk.stopped(run.changes))
        return ExitCode.UNKNOWN
    except Exception as exc:  # noqa: BLE001 - one sentence, never a traceback
        if run.identity is None:
            talk.say(render.CANNOT_READ_CALLER.format(message=describe_error(exc)), "")
            talk.say(*(f"- {line}" for line in wording.GET_CREDENTIALS))
        else:
            talk.say(
                "", render.PROBLEM.format(message=describe_error(exc)), talk.stopped(run.changes)
            )
        return ExitCode.UNKNOWN
    finally:
        run.close()
    if not talk.summary_shown:
        talk.say("", wording.NOTHING_CHANGED)
    if summary.verification is None:
        # The owner left before anything was checked: their choice, and nothing failed.
        return ExitCode.PASS
    return summary.verification.exit_code


def _transcript_file(
    path: Path | None, *, replace: bool = False
) -> AbstractContextManager[TextIO | None]:
    """A new transcript file: created 0600, never through a symlink, never over a file
    unless ``replace``; raises :class:`WizardError` with one sentence otherwise."""
    if path is None:
        return nullcontext()
    problem = transcript_problem(path, replace=replace)
    if problem:
        raise WizardError(problem)
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | (os.O_TRUNC if replace else os.O_EXCL)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        raise WizardError(f"Cannot write the transcript {path}: {exc.strerror}.") from exc
    return os.fdopen(fd, "w", encoding="utf-8")


def transcript_problem(path: Path, *, replace: bool = False) -> str | None:
    """Why ``path`` cannot take a new transcript, in one sentence (``None`` when it can)."""
    if path.is_symlink():
        return f"The transcript {path} is a symbolic link: give the path of a new file."
    if path.is_dir():
        return f"The transcript {path} is a folder: give the path of a new file inside it."
    if path.exists() and not replace:
        return (
            f"The transcript {path} already exists: give a new file name, or add "
            "--replace-transcript to overwrite it."
        )
    if not path.parent.is_dir():
        return f"The folder of the transcript {path} does not exist."
    if not os.access(path.parent, os.W_OK):
        return f"The folder of the transcript {path} is not writable."
    return None
