"""WTForms classes: validation only, no writes."""
