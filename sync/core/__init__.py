"""The vocabulary the engine and the stores share, below both: a Snapshot of TabData (what a store reads),
a ChangeSet (what the engine plans and a store writes), and the Config schema."""
