"""The risk registry as a file: import and export of facilities, sources and chemicals,
validated line by line."""
