"""Training: courses, their sessions and bookings, and the records that expire."""
