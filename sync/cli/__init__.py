"""The `sfa-sync` command line: main.py builds the group from the command modules (sheet_commands,
import_command, remind_command, service_commands) and turns an error into one line and an exit code."""
