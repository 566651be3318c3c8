"""Small helpers shared by every app: environment settings, text normalisation, spreadsheets."""
