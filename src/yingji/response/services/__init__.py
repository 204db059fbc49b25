"""Every write of the app, one module per subject, re-exported here."""
