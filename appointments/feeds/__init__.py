"""Calendar feeds: a doctor's appointments and free/busy as RFC 5545 subscriptions behind a secret URL."""
