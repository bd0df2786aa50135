"""Staff lists of training: what expires soon, and who lacks the training their role needs."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("training_staff", __name__)
