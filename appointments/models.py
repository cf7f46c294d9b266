"""Appointments, holds and the audit log (models arrive with the booking issue)."""
