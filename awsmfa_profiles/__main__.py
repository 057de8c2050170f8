import sys

from awsmfa_profiles.cli import main

sys.exit(main())
