"""Pure geographic helpers: great-circle distance and bearing, the 34 provincial units."""
