"""Japanese conventions: eras (和暦), fiscal years, business days and text normalisation."""
