"""The response (TT 12/2023 Phụ lục VII): phases and checklists, activation packages, roles,
tasks, situation reports."""
