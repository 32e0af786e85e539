"""Telling people of incidents and reports through the outbox (``alerts``): the notification
plan applied to an incident, acknowledgement and escalation, the parties it could not reach,
and the e-mails about reports."""
