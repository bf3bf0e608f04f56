"""Views of the rollout app, one module per page family (matrix, records, spreadsheets)."""
