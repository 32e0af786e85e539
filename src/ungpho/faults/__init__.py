"""What failed, kept for the operator: the dead letters of the doors and the health of the
worker's steps. A platform app: every door and the worker write here, and it imports none
of them (a door registers how to retry its letters, see ``faults.doors``)."""
