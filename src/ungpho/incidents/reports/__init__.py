"""Incident reports before they become incidents: reception of calls, the classification clock,
closing and reopening."""
