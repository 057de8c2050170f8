from awsmfa_profiles.cli import main

main()
