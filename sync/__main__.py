from sync.cli.main import main

main()
