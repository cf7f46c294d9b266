"""The patient booking pages: /book/, /me/appointments and the patient account (sign-up, verification)."""
