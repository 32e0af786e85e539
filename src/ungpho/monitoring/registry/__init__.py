"""The station registry as a file: import and export (CSV, XLSX, JSON), validated line by line."""
