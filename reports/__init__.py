"""Printable and exportable reports: PDF (WeasyPrint) and Excel (openpyxl), as pure functions."""
