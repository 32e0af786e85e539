"""An incident's closure (TT 12/2023 Phụ lục VII.6): the decision to close and the final report."""
