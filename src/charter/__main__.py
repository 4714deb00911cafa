from charter.cli.app import main

main()
