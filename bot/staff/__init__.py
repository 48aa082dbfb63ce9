"""Tools for town staff: the report of what residents asked and CSV files Excel opens."""
