"""Impact reports: verified hours, volunteers, applications and training, with their social
value, for the hub's staff and for each organisation's coordinators."""
