import sys

from awsmfa_profiles.cli import console

sys.exit(console())
