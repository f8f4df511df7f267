"""The long-running service: the loop that runs the jobs on a schedule for each sheet (loop.py), one
instance per sheet (lease.py), and its log (logs.py)."""
