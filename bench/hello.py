"""A bare Flask "hello" app: the yardstick `bench/search.py` measures the hub against."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello"
