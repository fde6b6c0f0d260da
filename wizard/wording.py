"""Words both front ends show, written once so the TUI and the plain mode say the same thing.

Step texts live in ``assets/``; one-sentence results come from the steps; this module holds the
short labels and questions around them.
"""

from __future__ import annotations

# Status words (PASS / FAIL / UNKNOWN) and the lines built from the model live in
# aws_setup_wizard.present; this module holds the sentences and labels.

SANDBOX_BADGE = "SANDBOX"

# Start, when no credentials were found at all.
NO_CREDENTIALS = "No AWS credentials were found."
GET_CREDENTIALS = (
    "Safest: sign in to the AWS console as the root user, open AWS CloudShell (the >_ icon), "
    "and run the wizard there: it needs no access key.",
    "Or create a temporary root access key (account menu → Security credentials → Create access "
    "key), enter it in the wizard, and let the wizard delete it as its very last step.",
    "Or practise first on the built-in sandbox account: nothing real is touched.",
)
PRACTICE_IN_SANDBOX = "Practise in the sandbox"
ENTER_ROOT_KEY = "Enter a temporary root access key (typed, never echoed, never stored in a file)"
RESUME_WITH_KEPT_KEY = "Continue with the temporary root key kept for account {account_id}"
QUIT = "Quit (nothing is changed)"
TRY_AGAIN = "Try again"
CHECKING_KEY = "Checking the key (sts:GetCallerIdentity, read-only)…"
KEY_DID_NOT_WORK = "That key did not work: {problem}"
NO_KEY_KEPT = "no key is kept any more; enter one."
ACCESS_KEY_ID = "Access key ID (starts with AKIA)"
SECRET_ACCESS_KEY = "Secret access key (not shown as you type)"
ROOT_KEY_NOTICE = (
    "This run is signed with root access key {key}. The wizard deletes that key as its very last "
    "step, after making sure you have another way in; re-verify afterwards from CloudShell as "
    "root or with the admin user's profile."
)
NOT_ROOT_NOTICE = (
    "These credentials are not the root user's: root MFA and root access keys can be checked "
    "here but changed only by the root user (in the console or CloudShell)."
)

# Confirmations (default No everywhere).
CONFIRM_ACCOUNT = "Is this the account you mean to change? Account {account_id}, as {caller}."
NOT_THIS_ACCOUNT = (
    "You said this is not the account you mean to change, so this run changes nothing. "
    "Choose the right credentials (AWS_PROFILE, --profile, or another sign-in) and run again."
)
TYPE_KEY_SUFFIX = "Type the last four characters of key {masked} to confirm its deletion"
NOTHING_CHANGED = "No changes were made."
CANCELLED_DURING_WRITE = (
    "Stopped during a change. Done so far: {done}. Run the wizard again: it finds what was "
    "done and finishes the rest."
)

# Console-only actions.
CHECK_AGAIN = "I've done it: check again"
NOT_YET = "Not done yet: {summary}"
DO_IN_SANDBOX_CONSOLE = "Do it in the sandbox's simulated console"
SHOW_ME_THE_CODES = "Show me the codes (sandbox only)"
SCAN_QR = "Scan this QR code with an authenticator app, then enter two consecutive codes."
FIRST_CODE = "First code"
SECOND_CODE = "Second code (wait for the next one)"

# Admin user.
OFFER_MFA = (
    "Register {user}'s MFA now, with your authenticator app? (Otherwise {user} registers it at "
    "first sign-in, and this step stays failing until then.)"
)
PASSWORD_ONCE = (
    "Initial console password for {user}, shown once (kept only in your OS keyring, if you have "
    "one, until {user} signs in with MFA; never in a file): {password}\n"
    "Sign-in URL: {signin_url}\n"
    "It must be changed at first sign-in, and MFA registered then."
)
PASSWORD_WITHHELD = (
    "The initial console password for {user} was not printed: this output is not a terminal, "
    "and the password must never reach a file or a pipe. {kept}To set a new one and see it "
    "once, run 'aws-setup-wizard apply admin-user' in a terminal."
)
PASSWORD_KEPT = (
    "It is kept in your OS keyring until {user} signs in with MFA: "
    "'keyring get {service} {entry}' shows it. "
)
IDENTITY_CENTER_NOTE = (
    "AWS recommends IAM Identity Center for people (temporary credentials, one place to manage "
    "access). An IAM administrator with MFA is a sound first step until you set it up."
)

# Failures.
RETRY = "Retry"
BACK = "Back"
SESSION_ENDED = (
    "The key this tool was signed with is deleted: this session ends here, as expected. "
    "Re-verify from CloudShell as root or with the admin user's profile."
)
