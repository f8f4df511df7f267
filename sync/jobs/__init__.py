"""One module per job a command or the service runs against a store: cycle, remind, import_csv, restore,
setup (init, demo), doctor; backups (the files) and write (verify, then the one write)."""
