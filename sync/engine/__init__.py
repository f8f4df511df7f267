"""The cycle without I/O: a Snapshot in, an Analysis with its ChangeSet out (analyse.py), and the planning
beside it — cells and row patches (plan.py, patch.py), init's layout, the write window and its repairs,
restore planning, row matching, the hidden state tabs (state/). Pure: no store, no clock, no files."""
