"""Scientific indices and models: pure functions of measured values, each citing its source."""
