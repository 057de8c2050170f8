"""Keep a short-term MFA session profile in the AWS shared credentials file."""

# A literal rather than importlib.metadata: reading package metadata costs tens of
# milliseconds on every start, and `awsmfa check` runs from shell prompts and cron.
__version__ = "0.1.0"
