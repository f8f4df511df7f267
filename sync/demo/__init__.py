"""The demo workbook's rows, generated from a seed and a day (pure); sync/jobs/setup.py writes them."""
