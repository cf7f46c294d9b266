"""The directory's JSON API: clinics, doctors and services to book from."""
